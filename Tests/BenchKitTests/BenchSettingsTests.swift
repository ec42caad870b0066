import XCTest
@testable import BenchKit

final class BenchSettingsTests: XCTestCase {
    /// The defaults pass; each mistake is one message naming its flag.
    func testMistakesNameTheirFlag() {
        XCTAssertNoThrow(try BenchSettings().check())
        let cases: [(inout BenchSettings) -> Void] = [
            { $0.models = ["lenet", "resnet"] }, { $0.repeats = 0 }, { $0.repeats = 1001 }, { $0.seconds = .nan },
            { $0.seconds = .infinity }, { $0.seconds = 0 }, { $0.threads = 0 }, { $0.threads = 100_000 },
            { $0.modelThreads = 256 }, { $0.modelThreads = 4; $0.memory = true },
        ]
        let flags = ["unknown model 'resnet'", "--repeats", "--repeats", "--seconds", "--seconds", "--seconds", "--threads", "--threads",
                     "--model-threads", "--model-threads and --memory"]
        for (change, flag) in zip(cases, flags) {
            var s = BenchSettings()
            change(&s)
            XCTAssertThrowsError(try s.check()) { e in XCTAssertTrue("\(e)".contains(flag), "\(e)") }
        }
    }
}
