import XCTest
import Foundation
@testable import MediaIO
import NeuralCore
import TestSupport

/// PSNR and SSIM against scikit-image 0.26 on images made by scripts/make_quality_fixtures.py.
final class ImageQualityTests: XCTestCase {
    func image(_ fx: SafetensorsFile, _ name: String) throws -> Image {
        let t = try fx.tensor(name)
        return Image(width: t.shape[1], height: t.shape[0], channels: t.rank == 3 ? t.shape[2] : 1, pixels: t.scalars)
    }

    func testMatchesScikitImage() throws {
        let fx = try Fixtures.load("media/quality.safetensors")
        let e = try fx.tensor("expected").scalars.map(Double.init)
        let clean = try image(fx, "clean"), noisy = try image(fx, "noisy"), blurred = try image(fx, "blurred")
        let cc = try image(fx, "colour_clean"), cn = try image(fx, "colour_noisy")
        XCTAssertEqual(ImageQuality.psnr(noisy, clean), e[0], accuracy: 1e-3)
        XCTAssertEqual(ImageQuality.ssim(noisy, clean), e[1], accuracy: 1e-4)
        XCTAssertEqual(ImageQuality.psnr(blurred, clean), e[2], accuracy: 1e-3)
        XCTAssertEqual(ImageQuality.ssim(blurred, clean), e[3], accuracy: 1e-4)
        XCTAssertEqual(ImageQuality.psnr(cn, cc), e[4], accuracy: 1e-3)
        XCTAssertEqual(ImageQuality.ssim(cn, cc), e[5], accuracy: 1e-4)
        XCTAssertEqual(ImageQuality.ssim(clean, clean), 1, accuracy: 1e-12)
        XCTAssertEqual(ImageQuality.psnr(clean, clean), .infinity)
    }
}
