import XCTest
import NeuralCore
import MediaIO
import Models
import RunKit
@testable import DenoiserKit

final class LoadedDenoiserTests: XCTestCase {
    /// A colour picture in 4 orientations reports 3 x 4 passes, in order, and leaves the loaded
    /// denoiser's own setting alone; a gray picture stored as RGB is one plane.
    func testEnsemblePassesAndProgress() {
        var rng = RandomGenerator(seed: 5)
        var s = DenoiserSettings(); s.depth = 3; s.channels = 4
        let d = LoadedDenoiser(model: DnCNN(channels: 1, width: 4, middleLayers: 1, downscale: 1, rng: &rng), shape: DenoiserShape(s), trainedSigma: nil)
        d.model.eval()
        var colour = Image(width: 9, height: 6, channels: 3)
        for i in 0..<colour.pixels.count { colour.pixels[i] = rng.uniform() }
        var seen: [[Int]] = []
        _ = d.denoise(colour, ensemble: 4) { done, total in seen.append([done, total]) }
        XCTAssertEqual(seen, (1...12).map { [$0, 12] })
        XCTAssertEqual(d.ensemble, 1)
        var gray = Image(width: 9, height: 6, channels: 3)
        for i in 0..<(9 * 6) { let v = rng.uniform(); for c in 0..<3 { gray.pixels[3 * i + c] = v } }
        seen = []
        _ = d.denoise(gray, ensemble: 2) { done, total in seen.append([done, total]) }
        XCTAssertEqual(seen, [[1, 2], [2, 2]])
    }

    /// Cancelled after the first pass: no picture, and no pass after the flag.
    func testCancelledBetweenPasses() {
        final class AfterFirst: Cancellation { var fired = false; var isCancelled: Bool { fired } }
        var rng = RandomGenerator(seed: 6)
        var s = DenoiserSettings(); s.depth = 3; s.channels = 4
        let d = LoadedDenoiser(model: DnCNN(channels: 1, width: 4, middleLayers: 1, downscale: 1, rng: &rng), shape: DenoiserShape(s), trainedSigma: nil)
        d.model.eval()
        var colour = Image(width: 8, height: 8, channels: 3)
        for i in 0..<colour.pixels.count { colour.pixels[i] = rng.uniform() }
        let stop = AfterFirst()
        var passes = 0
        let out = d.denoise(colour, ensemble: 8, cancellation: stop) { done, _ in passes = done; stop.fired = true }
        XCTAssertNil(out)
        XCTAssertEqual(passes, 1)
    }
}
