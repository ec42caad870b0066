import XCTest
import Foundation
import NeuralCore
@testable import BenchKit

final class BenchmarkTests: XCTestCase {
    override func tearDown() {
        Parallel.endModel()
        Parallel.threads = CPUInfo.cores
    }

    func figures(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// A short run of the MLP: one JSON line with rates, its model, batch and threads.
    func testOneModelOneLine() throws {
        var s = BenchSettings()
        s.models = ["mlp"]; s.seconds = 0.2; s.repeats = 2; s.threads = 1
        let d = try figures(try Benchmark(s).line("mlp"))
        XCTAssertEqual(d["model"] as? String, "mlp")
        XCTAssertEqual(d["batch"] as? Int, 128)
        XCTAssertEqual(d["threads"] as? Int, 1)
        XCTAssertEqual(d["params"] as? Int, 269_322)
        XCTAssertGreaterThan(d["train_steps_per_s"] as? Double ?? 0, 0)
        XCTAssertGreaterThan(d["infer_samples_per_s"] as? Double ?? 0, 0)
        XCTAssertThrowsError(try Benchmark(s).line("resnet"))
    }

    /// An op's line: its name, shape and a positive time alone and with the backward (no order
    /// between the two is asserted: times on a loaded machine are not a test); an unknown op is a
    /// mistake.
    func testOneOpOneLine() throws {
        var s = BenchSettings()
        s.seconds = 0.1; s.repeats = 2; s.threads = 1
        let d = try figures(try Benchmark(s).opLine("softmax"))
        XCTAssertEqual(d["op"] as? String, "softmax")
        XCTAssertEqual(d["shape"] as? String, "1024x1024")
        let f = try XCTUnwrap(d["forward_us"] as? Double), b = try XCTUnwrap(d["forward_backward_us"] as? Double)
        XCTAssertGreaterThan(f, 0)
        XCTAssertGreaterThan(b, 0)
        XCTAssertThrowsError(try Benchmark(s).opLine("fft"))
    }

    /// Under a thread model the line also has the plain and the quiet modelled rates, and the
    /// quiet run on one thread is not slower than half the measured one; the same calls with the
    /// regions uncut (one thread's own work) give a rate within 4x of the cut one's (the same work;
    /// the slack is for a loaded machine, not a claim on speed).
    func testThreadModelGivesQuietFigures() throws {
        var s = BenchSettings()
        s.models = ["mlp"]; s.seconds = 0.3; s.repeats = 2; s.modelThreads = 4; s.phase = .infer
        let d = try figures(try Benchmark(s).line("mlp"))
        XCTAssertEqual(d["threads"] as? Int, 1)
        XCTAssertEqual(d["infer_modelled_threads"] as? Int, 4)
        let quiet1 = try XCTUnwrap(d["infer_quiet_1t_per_s"] as? Double), quiet4 = try XCTUnwrap(d["infer_quiet_modelled_per_s"] as? Double)
        XCTAssertGreaterThan(quiet4, quiet1)
        XCTAssertGreaterThan(quiet1, 0.5 * (d["infer_measured_1t_per_s"] as? Double ?? 0))
        let uncut = try XCTUnwrap(d["infer_quiet_uncut_1t_per_s"] as? Double)
        XCTAssertGreaterThan(uncut, 0.25 * quiet1)
        XCTAssertLessThan(uncut, 4 * quiet1)
        XCTAssertGreaterThan(quiet4, uncut)
        XCTAssertNil(d["train_quiet_1t_per_s"], "training was not timed")
        XCTAssertNil(d["train_quiet_uncut_1t_per_s"], "training was not timed")
    }
}
