import XCTest
import MediaIO
import ImageClassifierKit

/// MNIST framing: the strokes' box scaled to 20 pixels on its long side, the centre of mass at
/// the centre of 28x28, dark-on-light pictures inverted.
final class DigitFramingTests: XCTestCase {
    /// A 200x200 picture with a bar 60 tall and 20 wide in its upper left corner.
    func bar(light: Bool) -> Image {
        var img = Image(width: 200, height: 200, channels: 1, value: light ? 1 : 0)
        for y in 10..<70 { for x in 20..<40 { img.pixels[y * 200 + x] = light ? 0 : 1 } }
        return img
    }

    func box(_ img: Image) -> (w: Int, h: Int, cx: Float, cy: Float) {
        var x0 = 28, x1 = -1, y0 = 28, y1 = -1, m: Float = 0, mx: Float = 0, my: Float = 0
        for y in 0..<28 { for x in 0..<28 where img.pixels[y * 28 + x] > 0.2 {
            x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
            let v = img.pixels[y * 28 + x]; m += v; mx += v * Float(x); my += v * Float(y)
        } }
        return (x1 - x0 + 1, y1 - y0 + 1, mx / m, my / m)
    }

    func testABarInACornerIsScaledAndCentred() {
        for light in [false, true] {
            let framed = DigitFraming.frame(bar(light: light))
            XCTAssertEqual(framed.width, 28); XCTAssertEqual(framed.height, 28); XCTAssertEqual(framed.channels, 1)
            let b = box(framed)
            XCTAssertEqual(b.h, 20, "light: \(light)")
            XCTAssertEqual(b.w, 7, accuracy: 1)
            XCTAssertEqual(b.cx, 13.5, accuracy: 1); XCTAssertEqual(b.cy, 13.5, accuracy: 1)
        }
    }

    func testABlankPictureIsOnlyResized() {
        let framed = DigitFraming.frame(Image(width: 50, height: 40, channels: 3, value: 0))
        XCTAssertEqual(framed.width, 28)
        XCTAssertEqual(framed.pixels.max(), 0)
    }
}
