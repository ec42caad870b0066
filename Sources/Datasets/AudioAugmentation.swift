import Foundation
import NeuralCore

/// Random changes to a training clip, drawn from the generator passed in:
/// - on the waveform: speed/pitch (resampled by a factor in `speed`), placement in the window
///   (energy centroid moved up to `shiftSeconds`), gain (± `gainDecibels`), white noise at an SNR
///   drawn from `noiseSnr` (dB, with probability `noiseProbability`), and another recording mixed
///   in at an SNR from `mixSnr` (probability `mixProbability`);
/// - on the features (SpecAugment): `frequencyMasks` bands of up to `frequencyMaskWidth` rows
///   and `timeMasks` spans of up to `timeMaskWidth` frames set to 0 (the mean).
public struct AudioAugmentation: Codable, Sendable, Equatable {
    public var speed: [Float] = [0.85, 1.15]
    public var shiftSeconds: Double = 0.25
    public var gainDecibels: Float = 6
    public var noiseSnr: [Float] = [5, 40]
    public var noiseProbability: Float = 0.7
    public var mixSnr: [Float] = [10, 30]
    public var mixProbability: Float = 0.3
    public var frequencyMasks = 2, frequencyMaskWidth = 8
    public var timeMasks = 2, timeMaskWidth = 10

    public init() {}

    /// Linear-interpolation resampling by `factor` (> 1: faster and higher).
    public static func changeSpeed(_ x: [Float], by factor: Float) -> [Float] {
        guard factor != 1, x.count > 1 else { return x }
        let n = max(1, Int(Float(x.count) / factor))
        return (0..<n).map { i in
            let p = Float(i) * factor, j = min(Int(p), x.count - 2), f = p - Float(j)
            return x[j] * (1 - f) + x[j + 1] * f
        }
    }

    static func power(_ x: [Float]) -> Float { x.reduce(0) { $0 + $1 * $1 } / Float(max(1, x.count)) }

    /// A training window of `spec.windowSamples` from `clip`; `other` is a second recording to mix
    /// in (or nil).
    public func window(_ clip: [Float], other: [Float]?, spec: ClipFeatures, using rng: inout RandomGenerator) -> [Float] {
        let sped = Self.changeSpeed(clip, by: rng.uniform(speed[0], speed[1]))
        let maxShift = Int(shiftSeconds * Double(spec.sampleRate))
        var w = spec.fit(sped, shift: maxShift > 0 ? rng.int(below: 2 * maxShift + 1) - maxShift : 0)
        let g = Float(pow(10, Double(rng.uniform(-gainDecibels, gainDecibels)) / 20))
        for i in w.indices { w[i] *= g }
        let p = max(Self.power(w), 1e-8)
        if let other, rng.uniform() < mixProbability {
            let o = spec.fit(other, shift: rng.int(below: spec.windowSamples) - spec.windowSamples / 2)
            let po = Self.power(o)
            if po > 0 {
                let k = (p / po / Float(pow(10, Double(rng.uniform(mixSnr[0], mixSnr[1])) / 10))).squareRoot()
                for i in w.indices { w[i] += k * o[i] }
            }
        }
        if rng.uniform() < noiseProbability {
            let sd = (p / Float(pow(10, Double(rng.uniform(noiseSnr[0], noiseSnr[1])) / 10))).squareRoot()
            for i in w.indices { w[i] += sd * rng.normal() }
        }
        return w
    }

    /// SpecAugment masks on a rows x frames feature map, in place.
    public func mask(_ f: inout [Float], rows: Int, frames: Int, using rng: inout RandomGenerator) {
        for _ in 0..<frequencyMasks where frequencyMaskWidth > 0 {
            let w = rng.int(below: frequencyMaskWidth + 1), r0 = rng.int(below: max(1, rows - w + 1))
            for r in r0..<min(rows, r0 + w) { for t in 0..<frames { f[r * frames + t] = 0 } }
        }
        for _ in 0..<timeMasks where timeMaskWidth > 0 {
            let w = rng.int(below: timeMaskWidth + 1), t0 = rng.int(below: max(1, frames - w + 1))
            for r in 0..<rows { for t in t0..<min(frames, t0 + w) { f[r * frames + t] = 0 } }
        }
    }
}
