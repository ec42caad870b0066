import Foundation
import MediaIO

/// MNIST's framing of a digit drawn or photographed anywhere in a picture (LeCun et al. 1998):
/// light strokes on a dark ground (a dark-on-light picture is inverted), the strokes' bounding
/// box scaled so its longer side is 20 pixels, placed in a 28x28 field with its centre of mass
/// at the centre. A model trained on MNIST reads a finger's scribble in a corner as it reads
/// the training digits.
public enum DigitFraming {
    /// The framed digit (28x28 gray, [0, 1]). A picture with no strokes (nothing above
    /// `threshold` after inversion) comes back only resized.
    public static func frame(_ image: Image, threshold: Float = 0.2) -> Image {
        var g = image.grayscale()
        let n = g.width * g.height
        if g.pixels.reduce(0, +) / Float(max(n, 1)) > 0.5 { g.pixels = g.pixels.map { 1 - $0 } }
        var x0 = g.width, y0 = g.height, x1 = -1, y1 = -1
        for y in 0..<g.height { for x in 0..<g.width where g.pixels[y * g.width + x] > threshold {
            x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
        } }
        guard x1 >= x0, y1 >= y0 else { return g.resized(width: 28, height: 28, filter: .area) }
        let box = g.cropped(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
        let scale = 20 / Float(max(box.width, box.height))
        let w = max(1, Int((Float(box.width) * scale).rounded())), h = max(1, Int((Float(box.height) * scale).rounded()))
        let digit = box.resized(width: w, height: h, filter: scale < 1 ? .area : .bilinear)
        // Centre of mass of the scaled digit, placed at (14, 14), kept inside the field.
        var mass: Float = 0, mx: Float = 0, my: Float = 0
        for y in 0..<h { for x in 0..<w { let v = digit.pixels[y * w + x]; mass += v; mx += v * Float(x); my += v * Float(y) } }
        let cx = mass > 0 ? mx / mass : Float(w - 1) / 2, cy = mass > 0 ? my / mass : Float(h - 1) / 2
        let left = min(max(0, Int((13.5 - cx).rounded())), 28 - w), top = min(max(0, Int((13.5 - cy).rounded())), 28 - h)
        var out = Image(width: 28, height: 28, channels: 1)
        for y in 0..<h { for x in 0..<w { out.pixels[(top + y) * 28 + left + x] = digit.pixels[y * w + x] } }
        return out
    }
}
