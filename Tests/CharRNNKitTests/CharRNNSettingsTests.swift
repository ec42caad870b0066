import XCTest
import Require
import CharRNNKit

final class CharRNNSettingsTests: XCTestCase {
    /// Each size out of its range is named alone, with its own range.
    func testAWrongSizeIsNamedAloneWithItsRange() {
        XCTAssertNoThrow(try CharRNNSettings().validate())
        for (field, change, range) in [("layers", { (s: inout CharRNNSettings) in s.layers = 0 }, "1...16"),
                                       ("hidden", { $0.hidden = 9000 }, "1...8192"), ("embedding", { $0.embedding = -3 }, "1...8192"),
                                       ("seq_len", { $0.seqLen = 100_001 }, "1...100000"), ("batch_size", { $0.batchSize = 0 }, "1...65536")] {
            var s = CharRNNSettings()
            change(&s)
            XCTAssertThrowsError(try s.validate()) { e in
                XCTAssertEqual((e as? SettingsError)?.fields, [field])
                XCTAssertEqual((e as? SettingsError)?.problem, "must be in \(range)")
            }
        }
    }
}
