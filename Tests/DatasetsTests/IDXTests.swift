import XCTest
import Foundation
import MediaIO
import NeuralCore
@testable import Datasets

final class IDXTests: XCTestCase {
    var dir: URL!
    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    func testReadsImagesAndLabelsAndBatches() throws {
        let images = write("img", [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<12).map { UInt8($0 * 20) })
        let labels = write("lab", [0, 0, 8, 1, 0, 0, 0, 3, 7, 1, 4])
        let d = try LabeledImages.readIDX(images: images, labels: labels)
        XCTAssertEqual(d.images.shape, [3, 1, 2, 2])
        XCTAssertEqual(d.labels, [7, 1, 4])
        let (x, y) = d.batch([2, 0])
        XCTAssertEqual(y, [4, 7])
        XCTAssertEqual(x.scalars.map { ($0 * 255).rounded() }, [160, 180, 200, 220, 0, 20, 40, 60])
    }

    func testBadFilesGiveErrorsNamingTheFile() {
        let cases: [(String, [UInt8])] = [
            ("empty", []), ("magic", [1, 2, 3, 4, 5]), ("type", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0]),
            ("short", [0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]),
            ("huge", [0, 0, 8, 3, 0x80, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]),
        ]
        for (name, bytes) in cases {
            let p = write(name, bytes)
            XCTAssertThrowsError(try IDXFile.read(p), name) { e in
                XCTAssertEqual((e as? MediaError)?.path, p, name)
            }
        }
        let labels = write("lab", [0, 0, 8, 1, 0, 0, 0, 2, 1, 2])
        let images = write("img", [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 9, 9, 9])
        XCTAssertThrowsError(try LabeledImages.readIDX(images: images, labels: labels))
    }
}
