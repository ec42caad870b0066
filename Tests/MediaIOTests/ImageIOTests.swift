import XCTest
import Foundation
@testable import MediaIO
import TestSupport

final class ImageIOTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = temporaryFolder() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func testPNGRoundTripIsLossless() throws {
        for channels in [1, 3] {
            let img = Image(width: 37, height: 23, channels: channels, bytes: (0..<(37 * 23 * channels)).map { UInt8(($0 * 7) % 256) })
            let path = dir.appendingPathComponent("x\(channels).png").path
            try img.writePNG(path)
            let back = try Image.read(path, mode: channels == 1 ? .gray : .rgb)
            XCTAssertEqual(back.width, 37); XCTAssertEqual(back.height, 23)
            XCTAssertEqual(back.bytes, img.bytes, "PNG must be lossless (\(channels) channels)")
        }
    }

    func testOtherStillFormatsThroughFFmpeg() throws {
        let img = syntheticImage(width: 33, height: 21, channels: 3)
        for ext in ["bmp", "tiff", "webp"] {
            let path = dir.appendingPathComponent("x.\(ext)").path
            do { try img.write(path) } catch MediaError.unsupported(_, let reason) {
                print("SKIPPED: \(ext): \(reason)"); continue
            }
            let back = try Image.read(path)
            XCTAssertEqual([back.width, back.height, back.channels], [33, 21, 3], ext)
            if ext == "webp" {
                XCTAssertGreaterThan(psnr(back.pixels, img.pixels), 40, "lossless WebP")
            } else {
                XCTAssertEqual(back.bytes, img.bytes, "\(ext) must be lossless")
            }
        }
        // GIF: the first frame of an animation.
        let w = 20, h = 15
        let f0 = (0..<(w * h)).map { UInt8($0 % 256) }, f1 = [UInt8](repeating: 200, count: w * h)
        let gif = dir.appendingPathComponent("anim.gif").path
        FileManager.default.createFile(atPath: gif, contents: Data(minimalGIF(width: w, height: h, frames: [f0, f1])))
        let first = try Image.read(gif, mode: .gray)
        XCTAssertEqual([first.width, first.height], [w, h])
        XCTAssertEqual(first.bytes, f0, "GIF decodes to its first frame")
    }

    func testJPEGQuality95KeepsPSNRAbove40dB() throws {
        let img = syntheticImage(width: 160, height: 120, channels: 3)
        let path = dir.appendingPathComponent("x.jpg").path
        try img.writeJPEG(path, quality: 95)
        let back = try Image.read(path)
        XCTAssertEqual([back.width, back.height, back.channels], [160, 120, 3])
        let p = psnr(back.pixels, img.pixels)
        print("JPEG q95 PSNR on the synthetic picture: \(p) dB")
        XCTAssertGreaterThan(p, 40)
    }

    func testJPEGQuality95OnNaturalPhoto() throws {
        let photo = try Image.read(try sample("astronaut.png"))
        let path = dir.appendingPathComponent("astronaut.jpg").path
        try photo.writeJPEG(path, quality: 95)
        let p = psnr(try Image.read(path).pixels, photo.pixels)
        print("JPEG q95 PSNR on astronaut.png: \(p) dB")
        XCTAssertGreaterThan(p, 40)
    }

    func testSharedSamplesDecodeWithTheirSizes() throws {
        let expected: [(String, Int, Int)] = [("rocket.jpg", 640, 427), ("hubble_deep_field.jpg", 1000, 872),
                                              ("astronaut.png", 512, 512), ("coffee.png", 600, 400)]
        for (name, w, h) in expected {
            let img = try Image.read(try sample(name))
            XCTAssertEqual([img.width, img.height, img.channels], [w, h, 3], name)
            let mean = img.pixels.reduce(0, +) / Float(img.pixels.count)
            XCTAssertTrue(mean > 0.02 && mean < 0.98, "\(name) decoded to a flat picture (mean \(mean))")
            let gray = try Image.read(try sample(name), mode: .gray)
            XCTAssertEqual(gray.channels, 1)
        }
    }

    func testGrayRGBAlphaAnd16BitSources() throws {
        // Hand-built PNGs of every colour type and depth: value v at pixel i is i·step (scaled).
        let w = 6, h = 4
        for (colorType, comps) in [(0, 1), (2, 3), (4, 2), (6, 4)] {
            for depth in [8, 16] {
                let path = dir.appendingPathComponent("t\(colorType)-\(depth).png").path
                let maxV = depth == 8 ? 255 : 65535
                try Data(minimalPNG(width: w, height: h, colorType: colorType, bitDepth: depth) { i, c in
                    c == comps - 1 && (colorType == 4 || colorType == 6) ? maxV : (i * 10 + c * 3) * maxV / 255
                }).write(to: URL(fileURLWithPath: path))
                let img = try Image.read(path, mode: .rgb)
                XCTAssertEqual([img.width, img.height, img.channels], [w, h, 3], "type \(colorType) depth \(depth)")
                for i in [0, 7, 23] {
                    let expected = Float(i * 10) / 255   // channel 0 (gray or red)
                    XCTAssertEqual(img.pixels[i * 3], expected, accuracy: 1.0 / 255, "type \(colorType) depth \(depth) pixel \(i)")
                }
                let gray = try Image.read(path, mode: .gray)
                XCTAssertEqual(gray.channels, 1)
                if colorType == 0 || colorType == 4 { XCTAssertEqual(gray.pixels[7], Float(70) / 255, accuracy: 1.0 / 255) }
            }
        }
    }

    /// A CMYK JPEG (a print file; made by ImageMagick from rgb(200, 30, 40), Adobe-inverted) decodes
    /// to RGB and gray instead of failing with libjpeg's "Unsupported color conversion request".
    func testCMYKJPEGDecodesToRGB() throws {
        let path = Fixtures.repoRoot.appendingPathComponent("Tests/Fixtures/media/cmyk-red.jpg").path
        let rgb = try Image.read(path)
        XCTAssertEqual([rgb.width, rgb.height, rgb.channels], [16, 8, 3])
        XCTAssertEqual(rgb[4, 8, 0] * 255, 200, accuracy: 12)
        XCTAssertEqual(rgb[4, 8, 1] * 255, 30, accuracy: 12)
        XCTAssertEqual(rgb[4, 8, 2] * 255, 40, accuracy: 12)
        let gray = try Image.read(path, mode: .gray)
        XCTAssertEqual(gray[4, 8, 0] * 255, 0.299 * 200 + 0.587 * 30 + 0.114 * 40, accuracy: 12)
    }
}
