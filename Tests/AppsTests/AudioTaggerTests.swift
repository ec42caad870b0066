import XCTest
import Foundation
import MediaIO
import TestSupport

/// The audio-tagger executable end to end on generated tones: train, evaluate --json, tag a clip
/// and a long recording (--json, --out picture); bad input gives one line and a non-zero exit.
final class AudioTaggerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("atapp-\(UUID().uuidString)")
        try ToneClips.write(to: dir.appendingPathComponent("tones"), perClass: 24)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String]) throws -> (Int32, String, String) { try ToolRunner.run("audio-tagger", args) }

    func expectOneLine(_ args: [String], _ words: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (code, _, err) = try run(args)
        XCTAssertNotEqual(code, 0, file: file, line: line)
        XCTAssertTrue(err.contains(words), err, file: file, line: line)
        XCTAssertEqual(err.split(separator: "\n").count, 1, err, file: file, line: line)
    }

    func testTrainEvaluateTag() throws {
        let tones = dir.appendingPathComponent("tones").path, runDir = dir.appendingPathComponent("run").path
        let (code, out, err) = try run(["train", "--data", tones, "--width", "4", "--batch-size", "8", "--epochs", "5", "--lr", "1e-2",
                                        "--val-speakers", "s3", "--out", runDir])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("validation accuracy") && out.contains("s3"), out)
        let model = runDir + "/checkpoint.safetensors"
        let (ec, eo, ee) = try run(["evaluate", "--data", tones, "--model", model, "--json"])
        XCTAssertEqual(ec, 0, ee)
        let j = try JSONSerialization.jsonObject(with: Data(eo.utf8)) as! [String: Any]
        XCTAssertEqual(j["count"] as? Int, 72)
        XCTAssertGreaterThan(j["accuracy"] as? Double ?? 0, 0.85)
        XCTAssertEqual((j["per_class"] as? [Any])?.count, 3)
        XCTAssertEqual((j["confusion"] as? [[Int]])?.count, 3)

        let (x, _) = ToneClips.sequence(["mid", "low", "high"])
        let long = dir.appendingPathComponent("long.wav").path
        try AudioBuffer(sampleRate: 8000, channels: 1, samples: x).write(long)
        let clip = tones + "/low/s0_0.wav"
        let (tc, to, te) = try run(["tag", clip, long, "--model", model, "--hop", "0.1", "--json", "--out", dir.appendingPathComponent("pics").path])
        XCTAssertEqual(tc, 0, te)
        let lines = to.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(((lines[0]["top"] as? [[String: Any]])?.first?["tag"]) as? String, "low")
        let segments = lines[1]["segments"] as! [[String: Any]]
        XCTAssertEqual(segments.map { $0["tag"] as? String }, ["mid", "low", "high"])
        for k in ["start", "end", "confidence"] { XCTAssertNotNil(segments[0][k] as? Double, k) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pics/long.png").path))

        // Bad input: one line, non-zero exit, nothing half-written.
        let empty = dir.appendingPathComponent("empty.wav").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        try expectOneLine(["tag", empty, "--model", model], "empty.wav")
        try expectOneLine(["tag", "/dev/zero", "--model", model], "/dev/zero")
        let png = dir.appendingPathComponent("image.png").path
        try Image(width: 4, height: 4, channels: 3, value: 0.5).writePNG(png)
        try expectOneLine(["tag", png, "--model", model], "image.png")
        let lenet = Fixtures.repoRoot.appendingPathComponent("Assets/models/mnist-lenet.safetensors").path
        try expectOneLine(["tag", clip, "--model", lenet], "not an audio tagger model")
        try expectOneLine(["tag", clip, "--model", model, "--threshold", "nan"], "threshold")
        try expectOneLine(["train", "--data", tones + "/low", "--out", dir.appendingPathComponent("r2").path], "low")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r2").path))
        try expectOneLine(["evaluate", "--data", png, "--model", model], "image.png")
    }
}
