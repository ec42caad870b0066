import NeuralCore

/// Random changes to a training batch (N, C, H, W), in place, drawn from the run's generator:
/// shifts of up to `maxShift` pixels (zero fill), horizontal flips (not for digits), Gaussian noise.
public struct Augmentation: Sendable {
    public var maxShift: Int
    public var horizontalFlip: Bool
    public var noise: Float

    public init(maxShift: Int = 2, horizontalFlip: Bool = false, noise: Float = 0) {
        self.maxShift = maxShift; self.horizontalFlip = horizontalFlip; self.noise = noise
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
                for ch in 0..<c {
                    let plane = p + (i * c + ch) * h * w
                    for y in 0..<h {
                        let sy = y - dy
                        for x in 0..<w {
                            let sx0 = x - dx, sx = flip ? w - 1 - sx0 : sx0
                            scratch[y * w + x] = (sy >= 0 && sy < h && sx >= 0 && sx < w) ? plane[sy * w + sx] : 0
                        }
                    }
                    for k in 0..<(h * w) { plane[k] = scratch[k] + (noise > 0 ? noise * rng.normal() : 0) }
                }
            }
        }
    }
}
