import Foundation
import NeuralCore

/// Random changes to a training batch (N, C, H, W), in place, drawn from the run's generator:
/// shifts of up to `maxShift` pixels, rotations of up to `maxRotation` degrees and scaling by up
/// to ±`maxScale` about the centre (bilinear, zero fill), horizontal flips (not for digits),
/// Gaussian noise.
public struct Augmentation: Sendable {
    public var maxShift: Int
    public var maxRotation: Float
    public var maxScale: Float
    public var horizontalFlip: Bool
    public var noise: Float

    public init(maxShift: Int = 2, maxRotation: Float = 0, maxScale: Float = 0, horizontalFlip: Bool = false, noise: Float = 0) {
        self.maxShift = maxShift; self.maxRotation = maxRotation; self.maxScale = maxScale
        self.horizontalFlip = horizontalFlip; self.noise = noise
    }

    public func apply(_ batch: inout Tensor, using rng: inout RandomGenerator) {
        let s = batch.shape
        let (n, c, h, w) = (s[0], s[1], s[2], s[3])
        var scratch = [Float](repeating: 0, count: h * w)
        batch.withMutableData { p in
            for i in 0..<n {
                let dy = maxShift > 0 ? rng.int(below: 2 * maxShift + 1) - maxShift : 0
                let dx = maxShift > 0 ? rng.int(below: 2 * maxShift + 1) - maxShift : 0
                let flip = horizontalFlip && rng.uniform() < 0.5
                let angle = maxRotation > 0 ? rng.uniform(-maxRotation, maxRotation) * Float.pi / 180 : 0
                let scale = maxScale > 0 ? 1 + rng.uniform(-maxScale, maxScale) : 1
                let (ca, sa) = (cos(angle) / scale, sin(angle) / scale)
                let (cy, cx) = (Float(h - 1) / 2, Float(w - 1) / 2)
                for ch in 0..<c {
                    let plane = p + (i * c + ch) * h * w
                    for y in 0..<h {
                        for x in 0..<w {
                            // Inverse map: output pixel -> source position (rotate, scale, shift, flip).
                            let ox = Float(flip ? w - 1 - x : x) - Float(dx) - cx, oy = Float(y - dy) - cy
                            let sx = ca * ox + sa * oy + cx, sy = -sa * ox + ca * oy + cy
                            let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                            let tx = sx - Float(x0), ty = sy - Float(y0)
                            func at(_ yy: Int, _ xx: Int) -> Float { (yy >= 0 && yy < h && xx >= 0 && xx < w) ? plane[yy * w + xx] : 0 }
                            scratch[y * w + x] = (at(y0, x0) * (1 - tx) + at(y0, x0 + 1) * tx) * (1 - ty)
                                + (at(y0 + 1, x0) * (1 - tx) + at(y0 + 1, x0 + 1) * tx) * ty
                        }
                    }
                    for k in 0..<(h * w) { plane[k] = scratch[k] + (noise > 0 ? noise * rng.normal() : 0) }
                }
            }
        }
    }
}
