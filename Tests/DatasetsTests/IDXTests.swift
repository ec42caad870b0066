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

    /// A folder with MNIST's two file sets loads the training set unless asked for the test set;
    /// a folder with only t10k-* loads that one.
    func testTrainAndTestSetsOfAFolder() throws {
        func set(_ prefix: String, _ labels: [UInt8]) {
            let n = UInt8(labels.count)
            _ = write("\(prefix)-images-idx3-ubyte", [0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 2, 0, 0, 0, 2] + [UInt8](repeating: 100, count: 4 * labels.count))
            _ = write("\(prefix)-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, n] + labels)
        }
        set("t10k", [2, 0])
        let onlyTest = try ImageClassificationData.load(dir.path, channels: 1, height: 2, width: 2)
        XCTAssertEqual(onlyTest.data.labels, [2, 0])
        XCTAssertThrowsError(try ImageClassificationData.load(dir.path, channels: 1, height: 2, width: 2, split: .train)) { e in
            XCTAssertTrue("\(e)".contains("no train-images-idx3-ubyte") && "\(e)".contains("test set"), "\(e)")
        }
        set("train", [1, 1, 0])
        XCTAssertEqual(try ImageClassificationData.load(dir.path, channels: 1, height: 2, width: 2).data.labels, [1, 1, 0])
        XCTAssertEqual(try ImageClassificationData.load(dir.path, channels: 1, height: 2, width: 2, split: .test).data.labels, [2, 0])
        XCTAssertEqual(ImageClassificationData.idxSets(in: dir.path).map(\.split), [.train, .test])
    }
}
