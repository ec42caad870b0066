internal import CKernels

// Sums along one run of floats, in the active kernel set (four vector accumulators, so the adds
// overlap; the float order differs from a plain loop), and batch normalisation's affine map.
// Runs shorter than 32 floats stay in Swift: the call would cost more than the sum.

/// Σ p[0..<n]
@inline(__always)
func vectorSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    if n < 32 { var s: Float = 0; for i in 0..<n { s += p[i] }; return s }
    return dm_kernels_active()!.pointee.sum(p, n)
}

/// max p[0..<n] (-inf for none; a NaN may be passed over: what is computed from it is NaN anyway)
@inline(__always)
func vectorMax(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = -Float.infinity, i = 0
    if n >= 8 {
        var v = SIMD8<Float>(repeating: -.infinity)
        while i + 8 <= n { let x = p.load8(i); v = v.replacing(with: x, where: x .> v); i += 8 }
        for k in 0..<8 { m = Swift.max(m, v[k]) }
    }
    while i < n { m = Swift.max(m, p[i]); i += 1 }
    return m
}

/// min p[0..<n] (+inf for none; NaN passed over as by vectorMax)
@inline(__always)
func vectorMin(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = Float.infinity, i = 0
    if n >= 8 {
        var v = SIMD8<Float>(repeating: .infinity)
        while i + 8 <= n { let x = p.load8(i); v = v.replacing(with: x, where: x .< v); i += 8 }
        for k in 0..<8 { m = Swift.min(m, v[k]) }
    }
    while i < n { m = Swift.min(m, p[i]); i += 1 }
    return m
}

/// Σ (p[i] - m)² for i < n
@inline(__always)
func vectorSquaredDeviation(_ p: UnsafePointer<Float>, _ n: Int, _ m: Float) -> Float {
    if n < 32 { var s: Float = 0; for i in 0..<n { s += (p[i] - m) * (p[i] - m) }; return s }
    return dm_kernels_active()!.pointee.squared_deviation(p, n, m)
}

/// Σ p[0..<n] in double
@inline(__always)
func vectorSumDouble(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    dm_kernels_active()!.pointee.sum_double(p, n)
}

/// Σ (p[i] - m)² for i < n, each difference and square in double
@inline(__always)
func vectorSquaredDeviationDouble(_ p: UnsafePointer<Float>, _ n: Int, _ m: Float) -> Double {
    dm_kernels_active()!.pointee.squared_deviation_double(p, n, m)
}

/// Σ a[i]·(b[i] - m) for i < n
@inline(__always)
func vectorDotCentered(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int, _ m: Float) -> Float {
    if n < 32 { var s: Float = 0; for i in 0..<n { s += a[i] * (b[i] - m) }; return s }
    return dm_kernels_active()!.pointee.dot_centered(a, b, n, m)
}

/// Σ (x[i] - t[i])² for i < n, each difference in float, squared and summed in Double
@inline(__always)
func vectorSquaredErrorSum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double {
    dm_kernels_active()!.pointee.squared_error_sum(x, t, n)
}

/// Σ |x[i] - t[i]| for i < n, each difference in float, summed in Double
@inline(__always)
func vectorAbsoluteErrorSum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double {
    dm_kernels_active()!.pointee.absolute_error_sum(x, t, n)
}

/// y[i] = a·u[i] + b·(v[i] - m) + c for i < n (no first term without u), or y[i] += it.
@inline(__always)
func vectorAffineCentered(_ u: UnsafePointer<Float>?, _ a: Float, _ v: UnsafePointer<Float>, _ m: Float, _ b: Float, _ c: Float,
                          _ n: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
    dm_kernels_active()!.pointee.affine_centered(u, a, v, m, b, c, n, y, accumulate ? 1 : 0)
}

/// dst[j] += Σ_r g[r·ld + j] for j < cols, r < rows (a bias gradient: the column sums of the
/// output gradient). Columns are split across threads; each column is summed in row order on one
/// thread, so the bits do not depend on the thread count.
func addColumnSums(_ g: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int, into dst: UnsafeMutablePointer<Float>,
                   file: StaticString = #fileID, line: UInt = #line) {
    let grain = Swift.max(8, Parallel.pointwiseGrain / Swift.max(rows, 1))
    Parallel.forRanges(cols, minPerChunk: grain, file: file, line: line) { r in
        // Four rows a pass with the sum held in a register (the same adds in the same order as
        // one row a pass, a quarter of dst's loads and stores).
        var i = 0
        while i + 4 <= rows {
            let g0 = g + i * ld, g1 = g0 + ld, g2 = g1 + ld, g3 = g2 + ld
            for j in r { var s = dst[j]; s += g0[j]; s += g1[j]; s += g2[j]; s += g3[j]; dst[j] = s }
            i += 4
        }
        while i < rows { let gi = g + i * ld; for j in r { dst[j] += gi[j] }; i += 1 }
    }
}
