import XCTest
import Foundation
import MediaIO
import NeuralCore
import RunKit
import TestSupport
@testable import GANSamplerKit

/// A tiny conditional GAN on two classes of pictures (bright top half / bright bottom half):
/// samples of each class come out as asked; the same seed gives the same samples; a walk's ends
/// are the two samples; a stopped run resumes exactly.
final class GANTrainingTests: XCTestCase {
    nonisolated(unsafe) static var trained: (dir: URL, model: String)?

    static func writeHalves(to dir: URL, perClass: Int) throws {
        var rng = RandomGenerator(seed: 3)
        for (c, name) in ["top", "bottom"].enumerated() {
            let sub = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for i in 0..<perClass {
                var img = Image(width: 28, height: 28, channels: 1)
                for y in 0..<28 { for x in 0..<28 {
                    let bright = c == 0 ? y < 14 : y >= 14
                    img[y, x, 0] = bright ? rng.uniform(0.7, 1) : rng.uniform(0, 0.1)
                } }
                try img.writePNG(sub.appendingPathComponent("\(i).png").path)
            }
        }
    }

    func model() throws -> (dir: URL, model: String) {
        if let t = Self.trained { return t }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gan-\(UUID().uuidString)")
        try Self.writeHalves(to: dir.appendingPathComponent("halves"), perClass: 32)
        var s = GANSettings()
        s.data = dir.appendingPathComponent("halves").path
        s.latent = 8; s.batchSize = 16; s.epochs = 12; s.lrG = 2e-3; s.lrD = 2e-3; s.evalSamples = 0
        let r = try GANTraining.run(s, out: dir.appendingPathComponent("run").path)
        XCTAssertEqual(r.outcome, "finished")
        Self.trained = (dir, r.runFolder + "/checkpoint.safetensors")
        return Self.trained!
    }

    override class func tearDown() { if let t = trained { try? FileManager.default.removeItem(at: t.dir) } }

    func testConditionalSamplesAreOfTheAskedClass() throws {
        let (dir, path) = try model()
        let gan = try LoadedGAN.load(path)
        XCTAssertEqual(gan.classes, 2); XCTAssertEqual(gan.latent, 8)
        for (cls, topBright) in [(0, false), (1, true)] {   // classes sorted by name: bottom, top
            let (x, labels) = try gan.sample(count: 20, cls: cls, seed: 4)
            XCTAssertEqual(labels, [Int](repeating: cls, count: 20))
            let right = SampleGrid.images(x).filter { img in
                var top: Float = 0, bottom: Float = 0
                for y in 0..<28 { for xx in 0..<28 { if y < 14 { top += img[y, xx, 0] } else { bottom += img[y, xx, 0] } } }
                return (top > bottom) == topBright
            }.count
            XCTAssertGreaterThanOrEqual(right, 19, "class \(cls): \(right) of 20 as asked")
        }
        let run = try RunFolder.existing(dir.appendingPathComponent("run").path)
        XCTAssertEqual(run.readMetrics().count, 12)
        for f in ["samples-001.png", "samples-012.png", "progress.mp4", "curves.svg", "optimizer.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.file(f)), f)
        }
    }

    func testSameSeedSameSamplesAndWalkEnds() throws {
        let gan = try LoadedGAN.load(try model().model)
        let a = try gan.sample(count: 3, seed: 11).images, b = try gan.sample(count: 3, seed: 11).images
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertNotEqual(a.scalars, try gan.sample(count: 3, seed: 12).images.scalars)
        let walk = try gan.interpolate(fromSeed: 5, toSeed: 6, fromClass: 1, toClass: 0, steps: 7)
        XCTAssertEqual(walk.count, 7)
        let start = SampleGrid.images(try gan.sample(count: 1, cls: 1, seed: 5).images)[0]
        let end = SampleGrid.images(try gan.sample(count: 1, cls: 0, seed: 6).images)[0]
        assertClose(walk[0].pixels, start.pixels, rtol: 1e-4, atol: 1e-5, "first step")
        assertClose(walk[6].pixels, end.pixels, rtol: 1e-4, atol: 1e-5, "last step")
        XCTAssertThrowsError(try gan.sample(count: 2, cls: 2, seed: 0)) { XCTAssertTrue("\($0)".contains("not a class"), "\($0)") }
        XCTAssertThrowsError(try gan.sample(count: 0, seed: 0))
    }

    func testResumeIsExactAndBadInputIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ganr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeHalves(to: dir.appendingPathComponent("halves"), perClass: 8)
        var s = GANSettings()
        s.data = dir.appendingPathComponent("halves").path
        s.latent = 4; s.batchSize = 4; s.epochs = 2; s.evalSamples = 0
        _ = try GANTraining.run(s, out: dir.appendingPathComponent("a").path)
        s.epochs = 1
        _ = try GANTraining.run(s, out: dir.appendingPathComponent("b").path)
        s.epochs = 2
        // Resuming with the same total (constant learning rates) continues the same stream.
        _ = try GANTraining.resume(dir.appendingPathComponent("b").path, ResumeOverrides(epochs: 2))
        let ma = try RunFolder.existing(dir.appendingPathComponent("a").path).readMetrics()
        let mb = try RunFolder.existing(dir.appendingPathComponent("b").path).readMetrics()
        for k in ["d_loss", "g_loss", "d_real", "d_fake"] { XCTAssertEqual(ma[1][k]?.double, mb[1][k]?.double, k) }

        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("x"), withIntermediateDirectories: true)
        s.data = empty.path
        XCTAssertThrowsError(try GANTraining.run(s, out: dir.appendingPathComponent("c").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c").path))
        let lenet = Fixtures.repoRoot.appendingPathComponent("Assets/models/mnist-lenet.safetensors").path
        XCTAssertThrowsError(try LoadedGAN.load(lenet)) { XCTAssertTrue("\($0)".contains("not a GAN model"), "\($0)") }
        XCTAssertThrowsError(try SampleJudge.load(dir.appendingPathComponent("a/checkpoint.safetensors").path)) {
            XCTAssertTrue("\($0)".contains("LeNet"), "\($0)")
        }
    }
}
