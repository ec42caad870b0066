import XCTest
import Require
import CommandLineErrors

final class CommandLineErrorsTests: XCTestCase {
    /// A Kit's settings error reads as flags on the command line; other errors pass through.
    func testSettingsErrorsNameFlags() {
        XCTAssertThrowsError(try flagged { throw SettingsError(["epochs", "batch_size", "lr"], "must be positive") }) { e in
            XCTAssertEqual("\(e)", "--epochs, --batch-size and --lr must be positive")
            XCTAssert(e is CommandLineError)
        }
        struct Other: Error {}
        XCTAssertThrowsError(try flagged { throw Other() }) { XCTAssert($0 is Other) }
        XCTAssertEqual(try flagged { 7 }, 7)
    }
}
