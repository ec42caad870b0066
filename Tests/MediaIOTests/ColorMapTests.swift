import XCTest
@testable import MediaIO

final class ColorMapTests: XCTestCase {
    func testViridisEndsAndLuminanceRises() {
        let lo = ColorMap.viridis.color(0), hi = ColorMap.viridis.color(1)
        XCTAssertEqual(lo.0, 0.267004, accuracy: 1e-6); XCTAssertEqual(hi.1, 0.906157, accuracy: 1e-6)
        var last: Float = -1
        for i in 0...20 {
            let c = ColorMap.viridis.color(Float(i) / 20)
            let luma = 0.299 * c.0 + 0.587 * c.1 + 0.114 * c.2
            XCTAssertGreaterThan(luma, last, "viridis must brighten monotonically")
            last = luma
        }
    }

    func testSpectrogramPictureOrientationAndPNG() throws {
        // Energy only in the lowest row: the bottom of the picture is bright, the top dark.
        var v = [Float](repeating: -100, count: 4 * 3)
        for f in 0..<3 { v[f] = 0 }
        let s = Spectrogram(rows: 4, frames: 3, values: v)
        let img = s.picture(scale: 2)
        XCTAssertEqual([img.width, img.height], [6, 8])
        XCTAssertGreaterThan(img[7, 0, 1], 0.85)   // bottom row: viridis top (yellow-green)
        XCTAssertLessThan(img[0, 0, 1], 0.01)      // top row: viridis bottom (dark purple)
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.png").path
        try img.writePNG(path)
        XCTAssertEqual(try Image.read(path).bytes, img.bytes)
    }
}
