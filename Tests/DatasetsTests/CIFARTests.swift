import XCTest
import Foundation
import MediaIO
@testable import Datasets

final class CIFARTests: XCTestCase {
    func testReadsGeneratedBatchesThroughTheClassificationLoader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cifar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (b, labels) in [(1, [3, 7]), (2, [9])] {
            var bytes: [UInt8] = []
            for (i, l) in labels.enumerated() { bytes.append(UInt8(l)); bytes += (0..<3072).map { UInt8(($0 + i * 5 + b) % 256) } }
            FileManager.default.createFile(atPath: dir.appendingPathComponent("data_batch_\(b).bin").path, contents: Data(bytes))
        }
        let d = try ImageClassificationData.load(dir.path, channels: 3, height: 32, width: 32)
        XCTAssertEqual(d.data.labels, [3, 7, 9])
        XCTAssertEqual(d.classNames[3], "cat")
        XCTAssertEqual(d.data.images.shape, [3, 3, 32, 32])
        XCTAssertEqual(d.data.images[[1, 0, 0, 1]], Float((1 + 5 + 1) % 256) / 255, accuracy: 1e-6)
        // A truncated batch is refused with its name.
        FileManager.default.createFile(atPath: dir.appendingPathComponent("data_batch_3.bin").path, contents: Data([1, 2, 3]))
        XCTAssertThrowsError(try ImageClassificationData.load(dir.path, channels: 3, height: 32, width: 32)) { e in
            XCTAssertTrue("\(e)".contains("data_batch_3.bin"))
        }
    }
}
