import Foundation

/// The one seeded generator (xoshiro256**). Pass it explicitly: the same seed gives the same
/// weights, batches and samples on every run.
public struct RandomGenerator: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Float?

    public init(seed: UInt64) {
        // splitmix64 expands the seed into the state.
        var x = seed
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (next(), next(), next(), next())
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = Self.rotl(s.3, 45)
        return result
    }

    /// A new generator whose stream is independent of this one's continuation.
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }

    /// Uniform in [0, 1).
    @inline(__always) public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in [low, high).
    @inline(__always) public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Standard normal (Box-Muller, both values used).
    public mutating func normal() -> Float {
        if let z = spareNormal { spareNormal = nil; return z }
        var u1 = Double(next() >> 11) * 0x1p-53
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * 0x1p-53
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = Float(r * Foundation.sin(2 * .pi * u2))
        return Float(r * Foundation.cos(2 * .pi * u2))
    }

    /// Integer in 0..<n.
    public mutating func int(below n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// A random permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        p.shuffle(using: &self)
        return p
    }
}
