import XCTest
import Foundation
import MediaIO
@testable import Datasets

final class TextCorpusTests: XCTestCase {
    func testStrictUTF8() throws {
        let ok = try TextFile.decode(Array("naïve 👍\n".utf8), path: "t")
        XCTAssertEqual(ok.count, 8)
        XCTAssertEqual(ok[2], "ï")
        XCTAssertThrowsError(try TextFile.decode([0x61, 0x62, 0xE9, 0x0A], path: "latin1.txt")) { e in
            XCTAssertEqual("\(e)", "latin1.txt: corrupt or unsupported: not UTF-8 text (invalid byte sequence at byte 2)")
        }
        XCTAssertThrowsError(try TextFile.decode([0xF0, 0x9F], path: "cut")) // a sequence cut short
    }

    func testEmptyAndMissingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("txt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.txt").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        XCTAssertThrowsError(try TextFile.read(empty)) { XCTAssertTrue("\($0)".contains("empty")) }
        XCTAssertThrowsError(try TextFile.read(dir.appendingPathComponent("none.txt").path)) { XCTAssertTrue("\($0)".contains("none.txt")) }
    }

    func testSplitCutsAfterALineBreak() {
        let text = Array("first line\nsecond line\nthird\n".unicodeScalars)   // 29 scalars
        let (train, val) = TextFile.split(text, validationFraction: 0.3)    // target cut 20 -> back to 11
        XCTAssertEqual(String(String.UnicodeScalarView(train)), "first line\n")
        XCTAssertEqual(String(String.UnicodeScalarView(val)), "second line\nthird\n")
        XCTAssertEqual(TextFile.split(text, validationFraction: 0).validation.count, 0)
        let noBreak = Array("abcdefghij".unicodeScalars)
        XCTAssertEqual(TextFile.split(noBreak, validationFraction: 0.2).validation.count, 2)
    }

    func testVocabularyRoundTripsAndCountsUnknowns() {
        let v = Vocabulary(of: Array("to be, or \"not\"\n—é".unicodeScalars))
        XCTAssertEqual(v.scalars.first, "\n")
        XCTAssertEqual(Vocabulary(stored: v.stored), v)
        XCTAssertNil(Vocabulary(stored: "aa"))
        let (ids, known) = v.encode(Array("tQ b".unicodeScalars))
        XCTAssertEqual(known, [true, false, true, true])
        XCTAssertEqual(ids[1], v.id(" "))                 // unknown characters read as a space
        XCTAssertEqual(v.decode([v.id("é")!, v.id("—")!]), "é—")
    }

    func testStreamsContinueFromWindowToWindow() {
        let ids = Array(0..<1000)
        let s = CharStreams(ids: ids, batch: 4, steps: 10)
        XCTAssertEqual(s.windowsPerPass, (1000 - 10) / 4 / 10)
        for offset in [0, 9] {
            for w in 0..<(s.windowsPerPass - 1) {
                let a = s.window(w, offset: offset), b = s.window(w + 1, offset: offset)
                for row in 0..<4 {
                    XCTAssertEqual(a.targets[row * 10 + 9], b.inputs[row * 10])      // stream row goes on in the next window
                    for t in 0..<10 { XCTAssertEqual(a.targets[row * 10 + t], a.inputs[row * 10 + t] + 1) }
                }
            }
            let last = s.window(s.windowsPerPass - 1, offset: offset)
            XCTAssertLessThan(last.targets.max()!, 1000)
            XCTAssertEqual(s.window(0, offset: offset).inputs[0], offset)
        }
    }
}
