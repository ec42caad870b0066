import XCTest
import Require
import DenoiserKit

final class DenoiserSettingsTests: XCTestCase {
    /// One wrong setting is named alone (not with the right ones checked beside it).
    func testAWrongSettingIsNamedAlone() {
        XCTAssertNoThrow(try DenoiserSettings().validate())
        for (field, change) in [("depth", { (s: inout DenoiserSettings) in s.depth = 2 }), ("channels", { $0.channels = 600 }),
                                ("patch", { $0.patch = 4 }), ("batch_size", { $0.batchSize = 0 }),
                                ("patches_per_epoch", { $0.patchesPerEpoch = $0.batchSize - 1 })] {
            var s = DenoiserSettings()
            change(&s)
            XCTAssertThrowsError(try s.validate()) { XCTAssertEqual(($0 as? SettingsError)?.fields, [field]) }
        }
    }
}
