import XCTest
import Foundation
@testable import RunKit

final class RunFolderTests: XCTestCase {
    func testConfigAndMetricsRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)/nested").path
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let run = try RunFolder(dir)
        struct Settings: Codable, Equatable { var arch = "lenet"; var lr: Float = 0.001; var batchSize = 3; var augment = true; var patience: Int? }
        try run.writeConfig(Settings(), facts: ["threads": JSONValue(2)])
        XCTAssertEqual(try run.readConfig(Settings.self), Settings())
        // snake_case keys, settings and facts side by side
        let text = try String(contentsOfFile: run.file("config.json"), encoding: .utf8)
        guard case let .object(o) = try JSONValue.parse(Data(text.utf8)) else { return XCTFail(text) }
        XCTAssertEqual(o["batch_size"]?.int, 3)
        XCTAssertEqual(o["lr"]?.double, 0.001)
        XCTAssertEqual(o["threads"]?.int, 2)
        for e in 1...3 { try run.appendMetrics(["epoch": JSONValue(e), "val_loss": JSONValue(1.0 / Double(e))]) }
        try run.appendMetrics(["epoch": JSONValue(4), "val_loss": JSONValue(Double.nan)])   // no validation text: null
        let m = run.readMetrics()
        XCTAssertEqual(m.count, 4)
        XCTAssertEqual(m[3]["val_loss"], .null)
        XCTAssertEqual(m[2]["val_loss"]?.double ?? 0, 1.0 / 3, accuracy: 1e-12)
        // Nothing half-written stays behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["config.json", "metrics.jsonl"])
    }

    func testResumeNeedsARunFolder() {
        XCTAssertThrowsError(try RunFolder.existing("/nonexistent/run")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/run"))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try RunFolder.existing(dir)) { e in XCTAssertTrue("\(e)".contains("not a run folder")) }
    }
}
