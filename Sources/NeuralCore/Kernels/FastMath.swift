/// Vectorised exp, sigmoid and tanh over buffers (8 lanes at a time), accurate to a few ulp:
/// Cephes-style range reduction and polynomials, Horner steps as fused multiply-adds. Used by the recurrent cells and activations.
enum FastMath {
    typealias V = SIMD8<Float>

    /// e^x, x clamped to [-87.3, 88.3]. Rounding and 2^n use the 1.5·2^23 magic-number trick, so
    /// everything stays in plain SIMD arithmetic.
    @inline(__always)
    static func exp(_ x: V) -> V {
        var x = x.replacing(with: 88.3, where: x .> 88.3)
        x = x.replacing(with: -87.3, where: x .< -87.3)
        let magic: Float = 12_582_912   // 1.5·2^23: adding it rounds to an integer in the low mantissa bits
        let t = V(repeating: magic).addingProduct(x, V(repeating: 1.44269504088896341))
        let n = t - magic
        let r = x.addingProduct(n, V(repeating: -0.693359375)).addingProduct(n, V(repeating: 2.12194440e-4))
        var p = V(repeating: 1.9875691500e-4)
        p = fma(p, r, 1.3981999507e-3)
        p = fma(p, r, 8.3334519073e-3)
        p = fma(p, r, 4.1665795894e-2)
        p = fma(p, r, 1.6666665459e-1)
        p = fma(p, r, 5.0000001201e-1)
        let y = (r + 1).addingProduct(p, r * r)
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let bits = (ni &+ 127) &* 8_388_608   // << 23
        return y * unsafeBitCast(bits, to: V.self)
    }

    /// a·b + c as one fused multiply-add per lane (the polynomials' Horner steps).
    @inline(__always)
    static func fma(_ a: V, _ b: V, _ c: Float) -> V { V(repeating: c).addingProduct(a, b) }

    /// 1 / (1 + e^-x)
    @inline(__always)
    static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    /// tanh: odd polynomial for |x| < 0.625, else 1 - 2/(e^{2|x|} + 1), sign restored.
    @_transparent   // @inline(__always) left it a call in lstmPointwise
    static func tanh(_ x: V) -> V {
        let a = abs(x)
        let z = x * x
        var p = V(repeating: -5.70498872745e-3)
        p = fma(p, z, 2.06390887954e-2)
        p = fma(p, z, -5.37397155531e-2)
        p = fma(p, z, 1.33314422036e-1)
        p = fma(p, z, -3.33332819422e-1)
        let small = x.addingProduct(x * z, p)
        let big = 1 - 2 / (exp(2 * a) + 1)
        let signed = big.replacing(with: -big, where: x .< 0)
        return small.replacing(with: signed, where: a .>= 0.625)
    }

    @inline(__always)
    static func abs(_ x: V) -> V { x.replacing(with: -x, where: x .< 0) }

    /// y[i] = f(x[i]) for i < n, 8 at a time with a padded tail.
    @inline(__always)
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: f(v), as: V.self)
            i += 8
        }
        if i < n {
            var v = V(repeating: 0)
            for j in 0..<(n - i) { v[j] = x[i + j] }
            let r = f(v)
            for j in 0..<(n - i) { y[i + j] = r[j] }
        }
    }

    static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { apply(x, y, n) { sigmoid($0) } }
    static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { apply(x, y, n) { tanh($0) } }
    static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { apply(x, y, n) { exp($0) } }
}
