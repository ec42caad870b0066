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

    /// A folder holding a run is refused for a new one unless overwrite; a second training is
    /// refused while the first holds the lock; stale temporaries go; an unused new folder can go.
    func testNewRunsNeitherMixNorRace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try RunFolder.forNewRun(dir, overwrite: false)
        XCTAssertTrue(first.created)
        XCTAssertThrowsError(try RunFolder.forNewRun(dir, overwrite: true)) { XCTAssertTrue("\($0)".contains("another training is using this run folder"), "\($0)") }
        XCTAssertThrowsError(try RunFolder.forResume(dir))      // not a run yet, and locked anyway
        withExtendedLifetime(first.lock) {}
    }

    /// A run killed (kill -9) before its first save leaves config.json only: it cannot be resumed,
    /// so a new run in that folder replaces it; one with a checkpoint is still refused.
    func testARunWithoutACheckpointIsReplaced() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let first = try RunFolder.forNewRun(dir, overwrite: false)
            FileManager.default.createFile(atPath: first.run.file("config.json"), contents: Data("{}".utf8))
            withExtendedLifetime(first.lock) {}
        }
        XCTAssertThrowsError(try RunFolder.forResume(dir))
        do {
            let second = try RunFolder.forNewRun(dir, overwrite: false)
            XCTAssertFalse(FileManager.default.fileExists(atPath: second.run.file("config.json")))
            FileManager.default.createFile(atPath: second.run.file("config.json"), contents: Data("{}".utf8))
            FileManager.default.createFile(atPath: second.run.file("checkpoint.safetensors"), contents: Data())
            withExtendedLifetime(second.lock) {}
        }
        XCTAssertThrowsError(try RunFolder.forNewRun(dir, overwrite: false)) { XCTAssertTrue("\($0)".contains("already holds a run"), "\($0)") }
    }

    func testOverwriteRemovesOnlyTheRunsFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let r = try RunFolder.forNewRun(dir, overwrite: false)
            try r.run.write("metrics.jsonl", "{}\n")
            try r.run.write("notes.txt", "mine")
            try r.run.write(".best.safetensors.tmp-1-2", "half")
        }   // the lock goes with the run
        XCTAssertThrowsError(try RunFolder.forNewRun(dir, overwrite: false)) { e in
            XCTAssertTrue("\(e)".contains("already holds a run (metrics.jsonl)") && "\(e)".contains("--overwrite"), "\(e)")
        }
        let again = try RunFolder.forNewRun(dir, overwrite: true)
        XCTAssertFalse(again.created)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), [".lock", "notes.txt"])
        let unused = dir + "/fresh"
        let made = try RunFolder.forNewRun(unused, overwrite: false)
        made.run.removeIfUnused()
        XCTAssertFalse(FileManager.default.fileExists(atPath: unused))
    }

    /// A run of one program resumed by another is refused by name, old configs by their keys.
    func testConfigOfAnotherProgramIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        struct S: Codable { var cell = "lstm" }
        let run = try RunFolder(dir)
        try run.writeConfig(S(), facts: ["program": JSONValue("char-rnn")])
        XCTAssertThrowsError(try run.readConfig(S.self, program: "image-classifier", marker: "arch")) { e in
            XCTAssertEqual("\(e)", "\(dir): is a run of char-rnn, not of image-classifier")
        }
        XCTAssertNoThrow(try run.readConfig(S.self, program: "char-rnn", marker: "cell"))
        try run.writeConfig(S())
        XCTAssertThrowsError(try run.readConfig(S.self, program: "image-classifier", marker: "arch")) { e in
            XCTAssertTrue("\(e)".contains("is not a run of image-classifier"), "\(e)")
        }
    }
}
