import XCTest
import Require

final class SettingsErrorTests: XCTestCase {
    /// Fields joined as in a sentence, each spelled as the caller names it.
    func testMessageNamesTheFields() {
        XCTAssertEqual(SettingsError(["val_fraction"], "must be in (0, 1)").description, "val_fraction must be in (0, 1)")
        XCTAssertEqual(SettingsError(["a", "b"], "do not go together").description, "a and b do not go together")
        XCTAssertEqual(SettingsError(["a", "b", "c"], "x").message { $0.uppercased() }, "A, B and C x")
    }
}
