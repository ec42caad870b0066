import XCTest
@testable import Datasets

/// The Free Spoken Digit names: {digit}_{speaker}_{index}.wav, anything else refused.
final class SpokenDigitNameTests: XCTestCase {
    func testParsesTheDatasetsNames() {
        let n = SpokenDigitName("recordings/7_jackson_32.wav")
        XCTAssertEqual(n, SpokenDigitName("7_jackson_32.wav"))
        XCTAssertEqual(n?.digit, 7); XCTAssertEqual(n?.speaker, "jackson"); XCTAssertEqual(n?.index, 32); XCTAssertEqual(n?.word, "seven")
        XCTAssertEqual(SpokenDigitName("0_yweweler_0.WAV")?.word, "zero")
    }

    func testRefusesOtherNames() {
        for bad in ["7_jackson.wav", "12_jackson_3.wav", "x_jackson_3.wav", "7__3.wav", "7_jackson_-1.wav", "7_jackson_3", "7_a_b_3.wav", "readme.txt"] {
            XCTAssertNil(SpokenDigitName(bad), bad)
        }
    }
}
