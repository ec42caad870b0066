import XCTest
import NeuralCore
import Models
@testable import DenoiserKit

final class DenoiserShapeTests: XCTestCase {
    /// Checkpoint metadata: a DnCNN of before "arch" (and "downscale") reads as one; a U-Net needs
    /// its levels; an unknown arch, a missing width or levels out of range are one clear error.
    func testMetadata() throws {
        let old = try DenoiserShape(metadata: ["kind": "denoiser", "depth": "17", "channels": "64"], path: "m")
        XCTAssertEqual(old.arch, .dncnn); XCTAssertEqual(old.depth, 17); XCTAssertEqual(old.downscale, 1)
        let u = try DenoiserShape(metadata: ["arch": "unet", "channels": "32", "levels": "3"], path: "m")
        XCTAssertEqual(u.description, "unet 32 channels, 3 levels")
        var rng = RandomGenerator(seed: 1)
        XCTAssertEqual((u.network(rng: &rng) as? UNetDenoiser)?.levels, 3)
        for bad in [["arch": "resnet", "channels": "8"], ["arch": "unet", "channels": "8"], ["arch": "unet", "channels": "512", "levels": "3"],
                    ["depth": "17"], ["depth": "2", "channels": "8"]] {
            XCTAssertThrowsError(try DenoiserShape(metadata: bad, path: "m.safetensors"), "\(bad)") { e in
                XCTAssertTrue("\(e)".contains("m.safetensors"), "\(e)")
            }
        }
    }

    /// Settings -> shape -> settings keeps the network (a U-Net's depth does not take part).
    func testSettingsRoundTrip() {
        var s = DenoiserSettings(); s.arch = .unet; s.channels = 16; s.levels = 2; s.depth = 9
        var back = DenoiserSettings()
        DenoiserShape(s).apply(to: &back)
        XCTAssertEqual(DenoiserShape(back), DenoiserShape(s))
        XCTAssertEqual(back.levels, 2); XCTAssertEqual(back.depth, DenoiserSettings().depth)
        for shape in [DenoiserShape(s), DenoiserShape(DenoiserSettings())] {
            XCTAssertEqual(try DenoiserShape(metadata: shape.metadata, path: "m"), shape, "metadata reads back")
        }
    }
}
