import XCTest
import CharRNNKit

/// A generation asked to stop ends at once, and what it wrote is the start of the full text.
final class GenerationStopTests: XCTestCase {
    func testStopEndsTheGenerationEarly() throws {
        let model = try CharRNNModel.bundled()
        var full = "", cut = ""
        model.generate(prime: Array("KING:".unicodeScalars), length: 50, seed: 4) { full.unicodeScalars.append($0) }
        model.generate(prime: Array("KING:".unicodeScalars), length: 50, seed: 4, shouldStop: { cut.unicodeScalars.count >= 12 }) {
            cut.unicodeScalars.append($0)
        }
        XCTAssertEqual(cut.unicodeScalars.count, 12)
        XCTAssertTrue(full.hasPrefix(cut))
    }
}
