import XCTest
import NeuralCore
import RunKit
import GANSamplerKit

/// The steering handles of the bundled digit GAN: orthonormal fixed directions; no offset gives
/// the plain samples; an offset moves the latent vector by that many standard deviations.
final class LatentSteeringTests: XCTestCase {
    func gan() throws -> LoadedGAN { try LoadedGAN.load(try BundledAssets.model("mnist-cgan.safetensors")) }

    func testDirectionsAreOrthonormalAndFixed() throws {
        let g = try gan()
        let d = g.directions(count: 4)
        XCTAssertEqual(d.count, 4)
        for i in 0..<4 { for j in 0..<4 {
            let dot = zip(d[i], d[j]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-4)
        } }
        XCTAssertEqual(g.directions(count: 4), d)
    }

    func testZeroOffsetsAreThePlainSamplesAndOffsetsChangeThem() throws {
        let g = try gan()
        let plain = try g.sample(count: 6, cls: 4, seed: 9)
        let zero = try g.steered(count: 6, cls: 4, seed: 9, offsets: [0, 0, 0])
        XCTAssertEqual(zero.labels, plain.labels)
        XCTAssertEqual(zero.images.scalars, plain.images.scalars)
        let moved = try g.steered(count: 6, cls: 4, seed: 9, offsets: [3, 0, -3])
        XCTAssertGreaterThan(zip(moved.images.scalars, plain.images.scalars).map { abs($0 - $1) }.max()!, 0.1)
        XCTAssertThrowsError(try g.steered(count: 2, cls: 10, seed: 1, offsets: []))
        XCTAssertThrowsError(try g.steered(count: 2, cls: nil, seed: 1, offsets: [.nan]))
        XCTAssertThrowsError(try g.steered(count: 0, cls: nil, seed: 1, offsets: []))
    }
}
