import XCTest
import Foundation
import MediaIO
import TestSupport

/// The gan-sampler executable on a tiny run: sample (files and grid), interpolate to a video that
/// reads back with its frame count, evaluate --json; bad input gives one line and a non-zero exit.
final class GANSamplerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ganapp-\(UUID().uuidString)")
        var rng = UInt64(7)
        for (c, name) in ["a", "b"].enumerated() {
            let sub = dir.appendingPathComponent("pics/\(name)")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for i in 0..<8 {
                var img = Image(width: 28, height: 28, channels: 1)
                for y in 0..<28 { for x in 0..<28 {
                    rng = rng &* 6364136223846793005 &+ 1442695040888963407
                    img[y, x, 0] = ((c == 0) == (x < 14) ? 0.8 : 0.1) + Float(rng >> 40) / Float(1 << 24) * 0.1
                } }
                try img.writePNG(sub.appendingPathComponent("\(i).png").path)
            }
        }
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String]) throws -> (Int32, String, String) { try ToolRunner.run("gan-sampler", args) }

    func expectOneLine(_ args: [String], _ words: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (code, _, err) = try run(args)
        XCTAssertNotEqual(code, 0, file: file, line: line)
        XCTAssertTrue(err.contains(words), err, file: file, line: line)
        XCTAssertEqual(err.split(separator: "\n").count, 1, err, file: file, line: line)
    }

    func testTrainSampleInterpolateEvaluate() throws {
        let runDir = dir.appendingPathComponent("run").path
        let (code, out, err) = try run(["train", "--data", dir.appendingPathComponent("pics").path, "--latent", "8", "--batch-size", "8",
                                        "--epochs", "2", "--eval-samples", "20", "--out", runDir])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("Inception Score"), out)
        let model = runDir + "/checkpoint.safetensors"
        let samples = dir.appendingPathComponent("samples").path
        XCTAssertEqual(try run(["sample", "--model", model, "--count", "4", "--class", "1", "--out", samples]).0, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: samples).sorted(),
                       ["00000-class1.png", "00001-class1.png", "00002-class1.png", "00003-class1.png"])
        let grid = dir.appendingPathComponent("grid.png").path
        XCTAssertEqual(try run(["sample", "--model", model, "--count", "6", "--grid", "--out", grid]).0, 0)
        XCTAssertEqual(try Image.read(grid, mode: .rgb).width, 2 * 28 * 2 + 2, "two columns (classes) of 2x pictures")
        let video = dir.appendingPathComponent("walk.mp4").path
        let (ic, _, ie) = try run(["interpolate", "--model", model, "--from", "1", "--to", "2", "--class", "0", "--to-class", "1",
                                   "--steps", "10", "--fps", "5", "--out", video])
        XCTAssertEqual(ic, 0, ie)
        let decoder = try VideoDecoder(video)
        var frames = 0
        while try decoder.nextFrame() != nil { frames += 1 }
        XCTAssertEqual(frames, 10)
        let (ec, eo, ee) = try run(["evaluate", "--model", model, "--count", "50", "--data", dir.appendingPathComponent("pics").path, "--json"])
        XCTAssertEqual(ec, 0, ee)
        let j = try JSONSerialization.jsonObject(with: Data(eo.utf8)) as! [String: Any]
        XCTAssertEqual(j["count"] as? Int, 50)
        XCTAssertEqual((j["class_histogram"] as? [Int])?.reduce(0, +), 50)
        for k in ["inception_score", "frechet_distance"] { XCTAssertNotNil(j[k] as? Double, k) }
        XCTAssertNotNil(j["real"] as? [String: Any])

        // Bad input.
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try expectOneLine(["train", "--data", empty.path, "--out", dir.appendingPathComponent("r2").path], "empty")
        let lenet = Fixtures.repoRoot.appendingPathComponent("Assets/models/mnist-lenet.safetensors").path
        try expectOneLine(["sample", "--model", lenet, "--out", samples], "not a GAN model")
        try expectOneLine(["sample", "--model", model, "--count", "0", "--out", samples], "--count")
        try expectOneLine(["sample", "--model", model, "--class", "11", "--out", samples], "not a class")
    }
}
