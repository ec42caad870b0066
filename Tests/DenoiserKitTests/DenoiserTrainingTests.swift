import XCTest
import Foundation
import NeuralCore
import MediaIO
import RunKit
import Models
import TestSupport
@testable import DenoiserKit

/// A tiny DnCNN trained in-process on smooth pictures drawn here (packed as .tar.gz, read through
/// TarArchive): the validation PSNR at sigma 25 must beat the noisy input's by 3 dB after 120 steps.
final class DenoiserTrainingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("dn-\(UUID().uuidString)")
        let pics = dir.appendingPathComponent("pics")
        try FileManager.default.createDirectory(at: pics, withIntermediateDirectories: true)
        for k in 0..<6 {
            var img = Image(width: 48, height: 48, channels: 1)
            for y in 0..<48 { for x in 0..<48 {
                img[y, x, 0] = 0.5 + 0.3 * Float(sin(Double(x + 3 * k) / 6) * cos(Double(y - 2 * k) / 8)) + (x > 20 + k ? 0.15 : 0)
            } }
            try img.writePNG(pics.appendingPathComponent("p\(k).png").path)
        }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["czf", dir.appendingPathComponent("pics.tar.gz").path, "-C", dir.path, "pics"]
        try tar.run(); tar.waitUntilExit()
        XCTAssertEqual(tar.terminationStatus, 0)
    }
    /// A 4-layer, 12-channel recipe at sigma 25 for 3 epochs of 40 steps.
    func tiny() -> DenoiserSettings {
        var s = DenoiserSettings()
        s.data = dir.appendingPathComponent("pics.tar.gz").path
        s.depth = 4; s.channels = 12; s.patch = 20; s.batchSize = 8; s.patchesPerEpoch = 8 * 40; s.epochs = 3
        s.sigma = 25; s.lr = 3e-3; s.valFraction = 0.34
        return s
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testTarArchiveAndTruncation() throws {
        let entries = try TarArchive.read(dir.appendingPathComponent("pics.tar.gz").path)
        XCTAssertEqual(entries.map(\.name).filter { $0.hasSuffix(".png") }.sorted(), (0..<6).map { "pics/p\($0).png" })
        let bytes = try Data(contentsOf: dir.appendingPathComponent("pics.tar.gz"))
        let cut = dir.appendingPathComponent("cut.tar.gz").path
        FileManager.default.createFile(atPath: cut, contents: bytes.prefix(bytes.count / 2))
        XCTAssertThrowsError(try TarArchive.read(cut)) { XCTAssertTrue("\($0)".contains("cut.tar.gz"), "\($0)") }
    }

    func testTinyDnCNNLearnsToDenoise() throws {
        let s = tiny()
        let r = try DenoiserTraining.run(s, out: dir.appendingPathComponent("run").path)
        XCTAssertEqual(r.outcome, "finished")
        XCTAssertEqual(r.validationNoisyPSNR, 20.2, accuracy: 0.3)
        XCTAssertGreaterThan(r.validationPSNR, r.validationNoisyPSNR + 3, "denoised \(r.validationPSNR) dB, noisy \(r.validationNoisyPSNR) dB")
        let run = try RunFolder.existing(r.runFolder)
        XCTAssertEqual(run.readMetrics().count, 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.file("best.safetensors")))
    }

    /// A tiny U-Net (width 8, 2 levels) learns as well, and its checkpoint loads back as a U-Net.
    func testTinyUNetLearnsAndLoads() throws {
        var s = tiny()
        s.arch = .unet; s.channels = 8; s.levels = 2
        let r = try DenoiserTraining.run(s, out: dir.appendingPathComponent("run-unet").path)
        XCTAssertGreaterThan(r.validationPSNR, r.validationNoisyPSNR + 3, "denoised \(r.validationPSNR) dB, noisy \(r.validationNoisyPSNR) dB")
        let loaded = try LoadedDenoiser.load(RunFolder.existing(r.runFolder).file("best.safetensors"))
        XCTAssertEqual(loaded.shape, DenoiserShape(s))
        XCTAssertTrue(loaded.model is UNetDenoiser)
        var bad = s; bad.patch = 22
        XCTAssertThrowsError(try bad.validate())
        bad = tiny(); bad.levels = 2
        XCTAssertThrowsError(try bad.validate(), "levels are for unet")
    }

    /// --ema: the moving average is what validation scores and best.safetensors holds (it differs
    /// from the last weights), it learns, and a run stopped within its second epoch resumes to
    /// the same average as a run straight through; a run without it starts averaging when resumed
    /// with it, and says so in config.json.
    func testWeightAverageIsValidatedSavedAndResumedExactly() throws {
        var s = tiny()
        s.ema = 0.9; s.epochs = 2
        let straight = try DenoiserTraining.run(s, out: dir.appendingPathComponent("ema").path)
        XCTAssertGreaterThan(straight.validationPSNR, straight.validationNoisyPSNR + 3)
        let parts = dir.appendingPathComponent("ema-parts").path
        XCTAssertEqual(try DenoiserTraining.run(s, out: parts, cancellation: StopAfter(55)).outcome, "cancelled")
        _ = try DenoiserTraining.resume(parts)
        let a = try RunFolder.existing(straight.runFolder), b = try RunFolder.existing(parts)
        XCTAssertEqual(a.readMetrics().map { $0["val_psnr"]?.double }, b.readMetrics().map { $0["val_psnr"]?.double })
        let best = try SafetensorsFile.read(path: a.file("best.safetensors")), last = try SafetensorsFile.read(path: a.file("checkpoint.safetensors"))
        XCTAssertEqual(best.tensors["net.2.weight"]?.scalars, try SafetensorsFile.read(path: b.file("best.safetensors")).tensors["net.2.weight"]?.scalars)
        XCTAssertNotEqual(best.tensors["net.2.weight"]?.scalars, last.tensors["net.2.weight"]?.scalars, "best holds the average, not the last weights")

        var plain = tiny(); plain.epochs = 1
        let p = try DenoiserTraining.run(plain, out: dir.appendingPathComponent("plain").path)
        _ = try DenoiserTraining.resume(p.runFolder, ResumeOverrides(epochs: 2), ema: 0.9)
        XCTAssertEqual(try RunFolder.existing(p.runFolder).readConfig(DenoiserSettings.self).ema, 0.9)
        var bad = tiny(); bad.ema = 1
        XCTAssertThrowsError(try bad.validate())
    }

    /// A tiny recipe on 2x2 sub-images: it learns too (more slowly at this size: 1.9 dB over the
    /// noisy input after 240 steps, asserted 1.5), and the checkpoint loads back as a downscaled
    /// model that denoises an odd-sized picture.
    func testDownscaledDnCNNLearnsAndLoads() throws {
        var s = DenoiserSettings()
        s.data = dir.appendingPathComponent("pics.tar.gz").path
        s.depth = 4; s.channels = 16; s.downscale = 2; s.patch = 20; s.batchSize = 8; s.patchesPerEpoch = 8 * 40; s.epochs = 6
        s.sigma = 25; s.lr = 3e-3; s.valFraction = 0.34
        let r = try DenoiserTraining.run(s, out: dir.appendingPathComponent("run2").path)
        XCTAssertGreaterThan(r.validationPSNR, r.validationNoisyPSNR + 1.5, "denoised \(r.validationPSNR) dB, noisy \(r.validationNoisyPSNR) dB")
        let loaded = try LoadedDenoiser.load(RunFolder.existing(r.runFolder).file("best.safetensors"))
        XCTAssertEqual(loaded.model.alignment, 2)
        XCTAssertEqual(loaded.shape.downscale, 2)
        var rng = RandomGenerator(seed: 3)
        let picture = Image(chw: Tensor.uniform([1, 1, 21, 17], low: 0, high: 1, using: &rng).scalars, channels: 1, height: 21, width: 17)
        XCTAssertEqual(loaded.denoise(picture).width, 17)
        var odd = s; odd.patch = 21
        XCTAssertThrowsError(try odd.validate())
    }

    /// --init: a new run starts from a trained model's weights and architecture (the settings'
    /// depth and width give way), warms its learning rate up, and one epoch later is still near
    /// the starting model (a fresh model after one epoch is far below it); a non-denoiser refuses.
    func testStartFromATrainedModel() throws {
        let s = tiny()
        let first = try DenoiserTraining.run(s, out: dir.appendingPathComponent("a").path)
        var next = s
        next.depth = 9; next.channels = 5; next.epochs = 1; next.warmupSteps = 20
        next.startFrom = try RunFolder.existing(first.runFolder).file("best.safetensors")
        let second = try DenoiserTraining.run(next, out: dir.appendingPathComponent("b").path)
        let config = try String(contentsOfFile: dir.appendingPathComponent("b/config.json").path, encoding: .utf8)
        XCTAssertTrue(config.contains("\"depth\" : 4") && config.contains("\"channels\" : 12"), config)
        XCTAssertGreaterThan(second.validationPSNR, first.validationPSNR - 0.5, "from \(first.validationPSNR) dB to \(second.validationPSNR) dB")
        var fresh = s; fresh.epochs = 1
        let once = try DenoiserTraining.run(fresh, out: dir.appendingPathComponent("c").path)
        XCTAssertLessThan(once.validationPSNR, second.validationPSNR - 1, "fresh \(once.validationPSNR) dB, started \(second.validationPSNR) dB")
        var wrong = s
        wrong.startFrom = dir.appendingPathComponent("pics.tar.gz").path
        XCTAssertThrowsError(try DenoiserTraining.run(wrong, out: dir.appendingPathComponent("d").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("d").path))
    }
}
