import XCTest
@testable import MediaIO

final class ImageTransformsTests: XCTestCase {
    let ramp = Image(width: 4, height: 2, channels: 1, pixels: [0, 1, 2, 3, 4, 5, 6, 7].map { Float($0) / 10 })

    func testAreaDownscaleAveragesBlocks() {
        let r = ramp.resized(width: 2, height: 1, filter: .area)
        XCTAssertEqual(r.pixels[0], (0 + 1 + 4 + 5) / 40, accuracy: 1e-6)
        XCTAssertEqual(r.pixels[1], (2 + 3 + 6 + 7) / 40, accuracy: 1e-6)
    }

    func testBilinearUpscaleInterpolatesAndKeepsConstants() {
        let r = ramp.resized(width: 8, height: 4)
        XCTAssertEqual(r.width, 8); XCTAssertEqual(r.height, 4)
        XCTAssertEqual(r[0, 0, 0], 0, accuracy: 1e-6)                 // edge clamps
        XCTAssertEqual(r[0, 1, 0], 0.025, accuracy: 1e-6)             // a quarter of the way to 0.1
        let flat = Image(width: 5, height: 3, channels: 3, value: 0.4)
        XCTAssertTrue(flat.resized(width: 11, height: 7).pixels.allSatisfy { Swift.abs($0 - 0.4) < 1e-6 })
        XCTAssertTrue(flat.resized(width: 2, height: 2, filter: .area).pixels.allSatisfy { Swift.abs($0 - 0.4) < 1e-6 })
    }

    func testCropFlipPad() {
        XCTAssertEqual(ramp.cropped(x: 1, y: 1, width: 2, height: 1).pixels, [0.5, 0.6])
        XCTAssertEqual(ramp.flippedHorizontally().pixels.prefix(4).map { ($0 * 10).rounded() }, [3, 2, 1, 0])
        XCTAssertEqual(ramp.flippedVertically().pixels.prefix(4).map { ($0 * 10).rounded() }, [4, 5, 6, 7])
        let p = ramp.padded(top: 1, bottom: 0, left: 2, right: 1, value: 1)
        XCTAssertEqual([p.width, p.height], [7, 3])
        XCTAssertEqual(p[0, 0, 0], 1); XCTAssertEqual(p[1, 2, 0], 0); XCTAssertEqual(p[2, 5, 0], 0.7, accuracy: 1e-6)
        XCTAssertEqual(ramp.centerCropped(width: 2, height: 2).pixels.map { ($0 * 10).rounded() }, [1, 2, 5, 6])
    }

    func testGrayAndRGBConversions() {
        let c = Image(width: 1, height: 1, channels: 3, pixels: [1, 0.5, 0])
        XCTAssertEqual(c.grayscale().pixels[0], 0.299 + 0.2935, accuracy: 1e-6)
        XCTAssertEqual(ramp.rgb().channels, 3)
        XCTAssertEqual(ramp.rgb().grayscale().pixels, ramp.pixels.map { $0 * (0.299 + 0.587 + 0.114) })
        let chw = c.chw
        XCTAssertEqual(Image(chw: chw, channels: 3, height: 1, width: 1), c)
    }
}
