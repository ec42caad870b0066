import XCTest
@testable import BenchKit

final class BenchLineTests: XCTestCase {
    /// torch_reference.py's keys first and in its order, unknown keys left out, doubles as Python
    /// prints them (integral ones with ".0").
    func testKeysInReferenceOrder() {
        let line = BenchLine.text(["threads": 2, "model": "mlp", "train_steps_per_s": 12.0, "infer_spread": 0.125,
                                   "framework": "deepmedia", "params_match_models_md": true, "not_a_key": 1,
                                   "train_wait_by_thread": [0.5, 0.25]])
        XCTAssertEqual(line, #"{"model": "mlp", "train_steps_per_s": 12.0, "threads": 2, "infer_spread": 0.125, "#
                       + #""train_wait_by_thread": [0.5, 0.25], "framework": "deepmedia", "params_match_models_md": true}"#)
    }
}
