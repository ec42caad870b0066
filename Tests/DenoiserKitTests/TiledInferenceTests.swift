import XCTest
import NeuralCore
import Models
@testable import DenoiserKit

final class TiledInferenceTests: XCTestCase {
    /// Three 3x3 convolutions (receptive radius 3) over a 37x53 picture: tiles of 16 with an overlap
    /// of 3 give the whole-picture result everywhere (no seams, borders included); an overlap of 1
    /// does not, and differs only near the tile edges.
    func testTilesEqualTheWholePictureWithEnoughOverlap() {
        var rng = RandomGenerator(seed: 21)
        let net = Sequential([Conv2D(1, 4, kernel: 3, padding: 1, rng: &rng), ReLU(), Conv2D(4, 4, kernel: 3, padding: 1, rng: &rng), ReLU(),
                              Conv2D(4, 1, kernel: 3, padding: 1, rng: &rng)])
        net.eval()
        let x = Tensor.uniform([1, 1, 37, 53], low: 0, high: 1, using: &rng)
        let whole = inference { net(x) }
        let tiled = inference { TiledInference.apply(x, tile: 16, overlap: 3) { net($0) } }
        XCTAssertEqual(tiled.shape, whole.shape)
        let maxDiff = zip(tiled.scalars, whole.scalars).map { Swift.abs($0 - $1) }.max()!
        XCTAssertLessThan(maxDiff, 1e-5)
        let short = inference { TiledInference.apply(x, tile: 16, overlap: 1) { net($0) } }
        let bad = zip(short.scalars, whole.scalars).enumerated().filter { Swift.abs($0.element.0 - $0.element.1) > 1e-5 }.map { $0.offset }
        XCTAssertFalse(bad.isEmpty, "an overlap below the receptive radius must show")
        for i in bad {
            let y = i / 53, xx = i % 53
            let nearEdge = [y % 16, 16 - y % 16, xx % 16, 16 - xx % 16].contains { $0 <= 2 }
            XCTAssertTrue(nearEdge, "pixel (\(y), \(xx)) differs away from a tile edge")
        }
    }

    /// A DnCNN on 2x2 sub-images: tiles (cores at multiples of 16, overlap rounded up to whole
    /// blocks) equal the whole picture, also for odd sizes, where the model repeats the last row
    /// and column internally; the receptive radius counts the half-size layers twice.
    func testDownscaledDnCNNTilesEqualTheWholePicture() {
        var rng = RandomGenerator(seed: 22)
        let model = DnCNN(channels: 1, width: 6, middleLayers: 2, downscale: 2, rng: &rng)
        model.eval()
        XCTAssertEqual(model.receptiveRadius, 4 * 2 + 1)
        XCTAssertEqual(TiledInference.overlap(radius: model.receptiveRadius, alignment: 2), 10)
        for (h, w) in [(37, 53), (40, 34)] {
            let x = Tensor.uniform([1, 1, h, w], low: 0, high: 1, using: &rng)
            let whole = inference { model(x) }
            XCTAssertEqual(whole.shape, [1, 1, h, w])
            let tiled = inference { TiledInference.apply(x, tile: 16, overlap: 10) { model($0) } }
            let maxDiff = zip(tiled.scalars, whole.scalars).map { Swift.abs($0 - $1) }.max()!
            XCTAssertLessThan(maxDiff, 1e-5, "\(h)x\(w)")
        }
    }

    /// A U-Net: tiles whose overlap is its receptive bound, rounded up to its 8-pixel blocks, equal
    /// the whole picture (sizes that are and are not multiples of 8).
    func testUNetTilesEqualTheWholePicture() {
        var rng = RandomGenerator(seed: 23)
        let model = UNetDenoiser(width: 4, levels: 3, rng: &rng)
        model.eval()
        let overlap = TiledInference.overlap(radius: model.receptiveRadius, alignment: model.alignment)
        XCTAssertEqual(model.receptiveRadius, 65); XCTAssertEqual(overlap, 72)
        XCTAssertEqual(TiledInference.tileSide(overlap: overlap), 512, "a third of the side at most for the overlap")
        XCTAssertEqual(TiledInference.tileSide(overlap: 32), 256, "the shipped DnCNN's")
        for (h, w) in [(150, 97), (160, 136)] {
            let x = Tensor.uniform([1, 1, h, w], low: 0, high: 1, using: &rng)
            let whole = inference { model(x) }
            let tiled = inference { TiledInference.apply(x, tile: 64, overlap: overlap) { model($0) } }
            let maxDiff = zip(tiled.scalars, whole.scalars).map { Swift.abs($0 - $1) }.max()!
            XCTAssertLessThan(maxDiff, 1e-5, "\(h)x\(w)")
        }
    }
}
