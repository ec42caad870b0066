import XCTest
import Foundation
import MediaIO
import TestSupport

/// The denoiser executable end to end on pictures drawn here: train a tiny model, evaluate it by
/// the standard protocol (--json), denoise a file and a folder, add noise; bad input gives one
/// line and a non-zero exit.
final class DenoiserTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dnapp-\(UUID().uuidString)")
        let pics = dir.appendingPathComponent("pics")
        try FileManager.default.createDirectory(at: pics, withIntermediateDirectories: true)
        for k in 0..<4 {
            var img = Image(width: 32, height: 32, channels: 1)
            for y in 0..<32 { for x in 0..<32 { img[y, x, 0] = 0.5 + 0.3 * Float(sin(Double(x + k) / 5) * cos(Double(y) / 7)) } }
            try img.writePNG(pics.appendingPathComponent("p\(k).png").path)
        }
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String]) throws -> (Int32, String, String) { try ToolRunner.run("denoiser", args) }

    func testTrainEvaluateDenoiseAddNoise() throws {
        let pics = dir.appendingPathComponent("pics").path, runDir = dir.appendingPathComponent("run").path
        let (code, out, err) = try run(["train", "--data", pics, "--depth", "3", "--channels", "4", "--patch", "16", "--batch-size", "4",
                                        "--patches-per-epoch", "8", "--epochs", "2", "--sigma", "25", "--val-fraction", "0.25", "--out", runDir])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("validation PSNR"), out)
        for f in ["config.json", "metrics.jsonl", "checkpoint.safetensors", "optimizer.safetensors", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: runDir + "/" + f), f)
        }
        let model = runDir + "/checkpoint.safetensors"
        let (ec, eo, ee) = try run(["evaluate", "--data", pics, "--sigma", "25", "--model", model, "--json"])
        XCTAssertEqual(ec, 0, ee)
        let j = try JSONSerialization.jsonObject(with: Data(eo.utf8)) as! [String: Any]
        XCTAssertEqual(j["count"] as? Int, 4)
        XCTAssertEqual((j["per_image"] as? [Any])?.count, 4)
        XCTAssertEqual(j["noisy_psnr"] as? Double ?? 0, 20.2, accuracy: 0.5)
        for k in ["psnr", "ssim", "noisy_ssim"] { XCTAssertNotNil(j[k] as? Double, k) }
        let noisy = dir.appendingPathComponent("noisy.png").path
        XCTAssertEqual(try run(["add-noise", pics + "/p0.png", "--sigma", "25", "--out", noisy]).0, 0)
        XCTAssertTrue(try Image.read(noisy, mode: .rgb).isGray, "a gray picture gets one noise field, not three")
        let one = dir.appendingPathComponent("one.png").path
        XCTAssertEqual(try run(["denoise", noisy, "--model", model, "--out", one]).0, 0)
        let img = try Image.read(one, mode: .gray)
        XCTAssertEqual([img.width, img.height], [32, 32])
        let outDir = dir.appendingPathComponent("outs").path
        let (dc, dout, de) = try run(["denoise", pics, "--model", model, "--out", outDir])
        XCTAssertEqual(dc, 0, de)
        XCTAssertEqual(dout.split(separator: "\n").count, 4)

        // Bad input: one line, non-zero exit.
        FileManager.default.createFile(atPath: pics + "/broken.png", contents: Data("not a png".utf8))
        let broken = try run(["denoise", pics + "/broken.png", "--model", model, "--out", one])
        XCTAssertNotEqual(broken.0, 0)
        XCTAssertTrue(broken.2.contains("broken.png"), broken.2)
        let digits = Fixtures.repoRoot.appendingPathComponent("Assets/models/mnist-lenet.safetensors").path
        let wrong = try run(["denoise", noisy, "--model", digits, "--out", one])
        XCTAssertNotEqual(wrong.0, 0)
        XCTAssertTrue(wrong.2.contains("not a denoiser model"), wrong.2)
        let sigma = try run(["evaluate", "--data", pics, "--sigma", "-1", "--model", model])
        XCTAssertNotEqual(sigma.0, 0)
        XCTAssertTrue(sigma.2.contains("--sigma"), sigma.2)
        let ensemble = try run(["denoise", noisy, "--model", model, "--out", one, "--ensemble", "3"])
        XCTAssertNotEqual(ensemble.0, 0)
        XCTAssertTrue(ensemble.2.contains("--ensemble must be 1, 2, 4 or 8"), ensemble.2)
    }

    /// A video with an audio track at 12.5 frames/s: the denoised one keeps its frame count, size,
    /// frame rate and audio; a video file with no picture and a truncated one give one line each.
    func testVideoKeepsFramesSizeRateAndAudio() throws {
        let pics = dir.appendingPathComponent("pics").path, runDir = dir.appendingPathComponent("vrun").path
        XCTAssertEqual(try run(["train", "--data", pics, "--depth", "3", "--channels", "4", "--patch", "16", "--batch-size", "4",
                                "--patches-per-epoch", "8", "--epochs", "1", "--val-fraction", "0.25", "--out", runDir]).0, 0)
        let model = runDir + "/checkpoint.safetensors"
        let wav = dir.appendingPathComponent("a.wav").path
        try AudioBuffer(sampleRate: 16_000, channels: 1, samples: (0..<8_000).map { Float(sin(Double($0) / 9) * 0.3) }).write(wav)
        let video = dir.appendingPathComponent("v.mkv").path
        let enc = try VideoEncoder(video, width: 48, height: 32, frameRate: 12.5, audioFrom: wav)
        for k in 0..<6 {
            var img = Image(width: 48, height: 32, channels: 3)
            for y in 0..<32 { for x in 0..<48 { for c in 0..<3 { img[y, x, c] = 0.4 + 0.2 * Float(sin(Double(x + 3 * k + c) / 4)) } } }
            try enc.append(img)
        }
        try enc.finish()
        let outs = dir.appendingPathComponent("vouts").path
        let (code, out, err) = try run(["denoise", video, pics + "/p0.png", "--model", model, "--out", outs])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("6 frames 48x32") && out.contains("with its audio"), out)
        let dec = try VideoDecoder(outs + "/v.mkv")
        XCTAssertEqual([dec.width, dec.height], [48, 32])
        XCTAssertEqual(dec.frameRate, 12.5, accuracy: 1e-3)
        XCTAssertTrue(dec.hasAudio)
        XCTAssertEqual(try dec.frames().count, 6)
        XCTAssertTrue(FileManager.default.fileExists(atPath: outs + "/p0.png"))
        let noisy = dir.appendingPathComponent("noisy.mkv").path
        let (nc, no, ne) = try run(["add-noise", video, "--sigma", "25", "--out", noisy])
        XCTAssertEqual(nc, 0, ne)
        XCTAssertTrue(no.contains("6 frames"), no)
        XCTAssertTrue(try VideoDecoder(noisy).hasAudio)

        // A file with sound and no picture, named as a video.
        let empty = dir.appendingPathComponent("empty.mkv").path
        try FileManager.default.copyItem(atPath: wav, toPath: empty)
        let e1 = try run(["denoise", empty, "--model", model, "--out", dir.appendingPathComponent("e.mkv").path])
        XCTAssertNotEqual(e1.0, 0)
        XCTAssertTrue(e1.2.contains("empty.mkv"), e1.2)
        XCTAssertEqual(e1.2.split(separator: "\n").count, 1, e1.2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("e.mkv").path))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: video))
        let cut = dir.appendingPathComponent("cut.mkv").path
        try bytes.prefix(200).write(to: URL(fileURLWithPath: cut))
        let e2 = try run(["denoise", cut, "--model", model, "--out", dir.appendingPathComponent("c.mkv").path])
        XCTAssertNotEqual(e2.0, 0)
        XCTAssertTrue(e2.2.contains("cut.mkv"), e2.2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.mkv").path))
    }

    /// The autoencoder lab end to end on two classes drawn here: train --arch conv-ae, then latent
    /// (PNG + SVG), interpolate and reconstruct; a DnCNN model and a missing picture give one line
    /// and a non-zero exit, --steps 1 the argument parser's error with its usage.
    func testAutoencoderLab() throws {
        let data = dir.appendingPathComponent("classes")
        for (c, name) in ["dark", "light"].enumerated() {
            let folder = data.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for k in 0..<8 {
                var img = Image(width: 16, height: 16, channels: 1)
                for y in 0..<16 { for x in 0..<16 { img[y, x, 0] = (c == 0 ? 0.2 : 0.7) + 0.1 * Float((x + y + k) % 3) } }
                try img.writePNG(folder.appendingPathComponent("\(k).png").path)
            }
        }
        let runDir = dir.appendingPathComponent("ae").path
        let (code, out, err) = try run(["train", "--arch", "conv-ae", "--data", data.path, "--size", "16", "--latent", "3",
                                        "--batch-size", "4", "--epochs", "2", "--out", runDir])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("at sigma 0.3"), out)
        let model = runDir + "/best.safetensors"
        let plot = dir.appendingPathComponent("latent.png").path
        let (lc, lo, le) = try run(["latent", "--data", data.path, "--model", model, "--out", plot])
        XCTAssertEqual(lc, 0, le)
        XCTAssertTrue(lo.contains("16 codes") && lo.contains("principal components"), lo)
        XCTAssertTrue(try String(contentsOfFile: dir.appendingPathComponent("latent.svg").path, encoding: .utf8).contains("light"))
        let walk = dir.appendingPathComponent("walk.png").path
        let a = data.path + "/dark/0.png", b = data.path + "/light/0.png"
        XCTAssertEqual(try run(["interpolate", a, b, "--steps", "4", "--model", model, "--out", walk]).0, 0)
        XCTAssertEqual(try Image.read(walk, mode: .gray).width, 3 * (6 * 16 + 5 * 2))
        XCTAssertEqual(try run(["interpolate", "0", "15", "--data", data.path, "--steps", "4", "--model", model, "--out", walk]).0, 0)
        let index = try run(["reconstruct", "3", "16", "--data", data.path, "--model", model, "--out", walk])
        XCTAssertNotEqual(index.0, 0)
        XCTAssertTrue(index.2.contains("16 is not an index") && index.2.split(separator: "\n").count == 1, index.2)
        let movie = dir.appendingPathComponent("walk.mp4").path
        XCTAssertEqual(try run(["interpolate", "0", "15", "--data", data.path, "--steps", "5", "--fps", "10", "--model", model, "--out", movie]).0, 0)
        let walkVideo = try VideoDecoder(movie)
        XCTAssertEqual([walkVideo.width, walkVideo.height], [128, 128])
        XCTAssertEqual(try walkVideo.frames().count, 10, "there and back")
        let strip = dir.appendingPathComponent("strip.png").path
        XCTAssertEqual(try run(["reconstruct", a, b, "--model", model, "--out", strip]).0, 0)
        XCTAssertEqual(try Image.read(strip, mode: .gray).height, 3 * (2 * 16 + 2))

        let pics = dir.appendingPathComponent("pics").path, dn = dir.appendingPathComponent("dn").path
        XCTAssertEqual(try run(["train", "--data", pics, "--depth", "3", "--channels", "4", "--patch", "16", "--batch-size", "4",
                                "--patches-per-epoch", "8", "--epochs", "1", "--val-fraction", "0.25", "--out", dn]).0, 0)
        for bad in [["latent", "--data", data.path, "--model", dn + "/checkpoint.safetensors", "--out", plot],
                    ["interpolate", a, data.path + "/nope.png", "--model", model, "--out", walk]] {
            let r = try run(bad)
            XCTAssertNotEqual(r.0, 0, bad.joined(separator: " "))
            XCTAssertEqual(r.2.split(separator: "\n").count, 1, r.2)
        }
        let steps = try run(["interpolate", a, b, "--steps", "1", "--model", model, "--out", walk])
        XCTAssertNotEqual(steps.0, 0)
        XCTAssertTrue(steps.2.hasPrefix("Error: --steps must be in 2...64"), steps.2)
    }
}
