import XCTest
import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit
@testable import DenoiserKit

/// The denoising autoencoder on two classes of 12x12 pictures drawn here (bars and rings): a tiny
/// training must lower the validation loss, and the loaded model's latent plot, walk and strip
/// must have the shapes they promise.
final class AutoencoderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ae-\(UUID().uuidString)")
        for (c, name) in ["bars", "rings"].enumerated() {
            let folder = dir.appendingPathComponent("data/\(name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for k in 0..<24 {
                var img = Image(width: 12, height: 12, channels: 1)
                for y in 0..<12 { for x in 0..<12 {
                    let r = ((Double(x) - 5.5 - Double(k % 3)) * (Double(x) - 5.5 - Double(k % 3)) + (Double(y) - 5.5) * (Double(y) - 5.5)).squareRoot()
                    img[y, x, 0] = c == 0 ? ((x + k) % 4 < 2 ? 0.9 : 0.1) : (abs(r - 3.5 - Double(k % 2)) < 1 ? 0.9 : 0.1)
                } }
                try img.writePNG(folder.appendingPathComponent("\(k).png").path)
            }
        }
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// The image classifier's bundled model: a checkpoint of another program.
    static let digits = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Assets/models/mnist-lenet.safetensors").path

    func testEncodeDecodeShapes() {
        var rng = RandomGenerator(seed: 1)
        let ae = ConvAutoencoder(channels: 1, size: 12, latent: 3, rng: &rng)
        let x = Tensor.uniform([5, 1, 12, 12], low: 0, high: 1, using: &rng)
        XCTAssertEqual(ae.encode(x).shape, [5, 3])
        let y = ae(x)
        XCTAssertEqual(y.shape, [5, 1, 12, 12])
        XCTAssertTrue(y.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "sigmoid output")
    }

    func testTrainingLowersTheLossAndTheModelDrawsItsLatentSpace() throws {
        var s = AutoencoderSettings()
        s.data = dir.appendingPathComponent("data").path
        s.size = 12; s.latent = 2; s.batchSize = 8; s.epochs = 25; s.lr = 5e-3; s.valFraction = 0.25
        let report = try AutoencoderTraining.run(s, out: dir.appendingPathComponent("run").path)
        XCTAssertEqual(report.outcome, "finished")
        let run = try RunFolder.existing(report.runFolder)
        let metrics = run.readMetrics()
        XCTAssertEqual(metrics.count, 25)
        let first = metrics.first!["val_loss"]!.double!, last = metrics.last!["val_loss"]!.double!
        XCTAssertLessThan(last, first * 0.8, "validation loss \(first) -> \(last)")

        let ae = try LoadedAutoencoder.load(run.file("best.safetensors"))
        let data = try ImageClassificationData.load(s.data!, channels: 1, height: 12, width: 12)
        let plot = ae.latentPlot(data)
        XCTAssertEqual(plot.points.count, 48)
        XCTAssertEqual(Set(plot.points.map(\.label)), [0, 1])
        XCTAssertEqual(plot.classNames, ["bars", "rings"])
        XCTAssertTrue(plot.svg().contains("rings"))
        let png = plot.png(size: 64)
        XCTAssertEqual([png.width, png.height], [64, 64])
        XCTAssertTrue(png.pixels.contains { $0 < 0.99 }, "points drawn")

        let a = try Image.read(s.data! + "/bars/0.png", mode: .gray), b = try Image.read(s.data! + "/rings/0.png", mode: .gray)
        let walk = ae.interpolate(a, b, steps: 5)
        XCTAssertEqual([walk.width, walk.height], [7 * 12 + 6 * 2, 12])
        let strip = ae.denoisingStrip([a, b], sigma: 76.5, seed: 1)
        XCTAssertEqual([strip.width, strip.height], [3 * 12 + 2 * 2, 2 * 12 + 2])

        XCTAssertThrowsError(try LoadedDenoiser.load(run.file("best.safetensors"))) { XCTAssertTrue("\($0)".contains("not a denoiser model"), "\($0)") }
        XCTAssertThrowsError(try LoadedAutoencoder.load(Self.digits)) { XCTAssertTrue("\($0)".contains("not an autoencoder"), "\($0)") }
    }

    /// Vectors along one direction in 3-D: the first component carries all their spread, the
    /// second none.
    func testPrincipalComponentsOfPointsOnALine() {
        let t: [Float] = [-2, -1, 0, 1, 2, 3]
        let v = t.flatMap { [1 + $0, 2 - 2 * $0, 0.5 * $0] }
        let p = PrincipalComponents.project(v, rows: 6, cols: 3)
        let norm = Double((1 + 4 + 0.25 as Float).squareRoot())
        for (i, (x, y)) in p.enumerated() {
            XCTAssertEqual(abs(x), abs(Double(t[i] - 0.5) * norm), accuracy: 1e-3)
            XCTAssertEqual(y, 0, accuracy: 1e-3)
        }
    }
}
