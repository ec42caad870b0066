import XCTest
import Require
import ImageClassifierKit

final class ClassifierSettingsTests: XCTestCase {
    /// One wrong setting is named alone (not with the right ones checked beside it).
    func testAWrongSettingIsNamedAlone() {
        XCTAssertNoThrow(try ClassifierSettings().validate())
        for (field, change) in [("epochs", { (s: inout ClassifierSettings) in s.epochs = 0 }),
                                ("batch_size", { $0.batchSize = -1 }), ("lr", { $0.lr = 0 })] {
            var s = ClassifierSettings()
            change(&s)
            XCTAssertThrowsError(try s.validate()) { XCTAssertEqual(($0 as? SettingsError)?.fields, [field]) }
        }
    }
}
