import XCTest
import Foundation
import MediaIO
import NeuralCore
@testable import Datasets

final class ImageClassificationTests: XCTestCase {
    /// Class folders split per class: every class keeps its share in both parts, the same images
    /// every time; IDX-style data keeps the positional split (the last images validate).
    func testClassFoldersSplitPerClass() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strat-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (k, name) in ["apple", "bird", "car"].enumerated() {
            let folder = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<6 { try Image(width: 4, height: 4, channels: 1, value: Float(k * 6 + i) / 20).writePNG(folder.appendingPathComponent("\(i).png").path) }
        }
        let d = try ImageClassificationData.load(dir.path, channels: 1, height: 4, width: 4)
        XCTAssertTrue(d.fromClassFolders)
        let (train, val) = d.split(validationFraction: 1.0 / 3)
        XCTAssertEqual(val.count, 6)
        XCTAssertEqual(train.count, 12)
        for c in 0..<3 {
            XCTAssertEqual(val.data.labels.filter { $0 == c }.count, 2, "class \(c)")
            XCTAssertEqual(train.data.labels.filter { $0 == c }.count, 4, "class \(c)")
        }
        let again = d.split(validationFraction: 1.0 / 3).validation
        XCTAssertEqual(again.data.images.scalars, val.data.images.scalars)
        // No image in both parts.
        let firstPixels = { (p: ImageClassificationData) in Set(stride(from: 0, to: p.data.images.count, by: 16).map { p.data.images.scalars[$0] }) }
        XCTAssertTrue(firstPixels(train).isDisjoint(with: firstPixels(val)))

        let positional = ImageClassificationData(data: d.data, classNames: d.classNames)
        XCTAssertEqual(positional.split(validationFraction: 1.0 / 3).validation.data.labels, [2, 2, 2, 2, 2, 2])
    }
}
