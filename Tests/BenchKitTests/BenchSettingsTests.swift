import XCTest
import Require
@testable import BenchKit

final class BenchSettingsTests: XCTestCase {
    /// The defaults pass; each mistake is a SettingsError naming its fields (the command line
    /// says them as flags).
    func testMistakesNameTheirFlag() {
        XCTAssertNoThrow(try BenchSettings().validate())
        let cases: [(inout BenchSettings) -> Void] = [
            { $0.models = ["lenet", "resnet"] }, { $0.repeats = 0 }, { $0.repeats = 1001 }, { $0.seconds = .nan },
            { $0.seconds = .infinity }, { $0.seconds = 0 }, { $0.threads = 0 }, { $0.threads = 100_000 },
            { $0.modelThreads = 256 }, { $0.modelThreads = 4; $0.memory = true },
            { $0.ops = ["add", "fft"] }, { $0.ops = ["add"]; $0.phase = .train }, { $0.ops = [] },
        ]
        let fields = [["models"], ["repeats"], ["repeats"], ["seconds"], ["seconds"], ["seconds"], ["threads"], ["threads"],
                      ["model_threads"], ["model_threads", "memory"], ["ops"], ["ops"], ["ops"]]
        for (change, want) in zip(cases, fields) {
            var s = BenchSettings()
            change(&s)
            XCTAssertThrowsError(try s.validate()) { e in XCTAssertEqual((e as? SettingsError)?.fields, want, "\(e)") }
        }
    }
}
