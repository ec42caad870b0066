/// A right-hand matrix B (K, N) packed once for many products with it: the recurrent weights of
/// an LSTM/GRU meet every step's state, and a general sgemm would repack them at each step.
/// Layout: ⌈N/24⌉ panels (last one zero-padded), each K rows of 24 contiguous floats.
struct PackedMatrix {
    typealias V = SIMD8<Float>
    static let width = 24
    let k: Int, n: Int, panels: Int
    let storage: Storage

    /// B = Wᵀ for W (N, K) row-major (forward: x · Wᵀ).
    init(transposing w: UnsafePointer<Float>, rows n: Int, cols k: Int) {
        self.init(transposing: [(w, k)], rows: n)
    }

    /// B = [W₁ | W₂ | ...]ᵀ for row-major W_i (N, K_i) side by side: K = ΣK_i. An LSTM step
    /// multiplies [x_t | h_{t-1}] with [W_ih | W_hh]ᵀ in one product.
    init(transposing blocks: [(UnsafePointer<Float>, cols: Int)], rows n: Int) {
        let k = blocks.reduce(0) { $0 + $1.cols }, width = Self.width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        let p = storage.pointer
        // Panels in parallel (an LSTM packs 0.5M floats per call while the other core would wait).
        Parallel.forRanges(panels, minPerChunk: 8) { r in
            for pi in r {
                let j0 = pi * width, cols = Swift.min(width, n - j0)
                var panel = p + pi * k * width
                if cols < width { panel.update(repeating: 0, count: k * width) }
                for (w, wcols) in blocks {
                    for jj in 0..<cols {
                        let row = w + (j0 + jj) * wcols
                        for kk in 0..<wcols { panel[kk * width + jj] = row[kk] }
                    }
                    panel += wcols * width
                }
            }
        }
    }

    /// B = W for W (K, N) row-major (backward: dy · W).
    init(_ w: UnsafePointer<Float>, rows k: Int, cols n: Int) {
        let width = Self.width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        let p = storage.pointer
        Parallel.forRanges(panels, minPerChunk: 8) { r in
            for pi in r {
                let j0 = pi * width, cols = Swift.min(width, n - j0), panel = p + pi * k * width
                if cols < width { panel.update(repeating: 0, count: k * width) }
                for kk in 0..<k { (panel + kk * width).update(from: w + kk * n + j0, count: cols) }
            }
        }
    }

    /// C (m, N) = A (m, K) · B, or C += A · B when `accumulate`. Single-threaded: callers split rows.
    func multiply(a: UnsafePointer<Float>, lda: Int, m: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let kc = 192   // K block: a panel slice of kc x 24 floats (18 KB) stays in L1 across row groups
        var k0 = 0
        while k0 < k {
            let kb = Swift.min(kc, k - k0)
            let acc = accumulate || k0 > 0
            for pi in 0..<panels {
                let bp = UnsafePointer(storage.pointer) + (pi * k + k0) * Self.width
                let j0 = pi * Self.width, cols = Swift.min(Self.width, n - j0)
                var i = 0
                while i + 4 <= m {
                    Self.kernel4(a + i * lda + k0, lda, bp, kb, c + i * ldc + j0, ldc, cols, acc)
                    i += 4
                }
                while i < m {
                    Self.kernel1(a + i * lda + k0, bp, kb, c + i * ldc + j0, cols, acc)
                    i += 1
                }
            }
            k0 += kb
        }
    }


    @inline(__always)
    static func store(_ v: V, _ c: UnsafeMutablePointer<Float>, cols: Int, accumulate: Bool) {
        if cols >= 8 {
            let old = accumulate ? c.load8() : V()
            c.store8(old + v)
        } else {
            for j in 0..<cols { c[j] = (accumulate ? c[j] : 0) + v[j] }
        }
    }

    /// 4 rows (lda apart) x 24 columns: 12 accumulators, per k three loads of B and four broadcasts of A.
    static func kernel4(_ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ k: Int,
                        _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ cols: Int, _ accumulate: Bool) {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var c6 = V(), c7 = V(), c8 = V(), c9 = V(), c10 = V(), c11 = V()
        let a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
        var bp = b
        for kk in 0..<k {
            let b0 = bp.load8(), b1 = bp.load8(8), b2 = bp.load8(16)
            var x = V(repeating: a[kk])
            c0.addProduct(x, b0); c1.addProduct(x, b1); c2.addProduct(x, b2)
            x = V(repeating: a1[kk])
            c3.addProduct(x, b0); c4.addProduct(x, b1); c5.addProduct(x, b2)
            x = V(repeating: a2[kk])
            c6.addProduct(x, b0); c7.addProduct(x, b1); c8.addProduct(x, b2)
            x = V(repeating: a3[kk])
            c9.addProduct(x, b0); c10.addProduct(x, b1); c11.addProduct(x, b2)
            bp += 24
        }
        storeRow(c0, c1, c2, c, cols, accumulate)
        storeRow(c3, c4, c5, c + ldc, cols, accumulate)
        storeRow(c6, c7, c8, c + 2 * ldc, cols, accumulate)
        storeRow(c9, c10, c11, c + 3 * ldc, cols, accumulate)
    }

    @inline(__always)
    static func storeRow(_ v0: V, _ v1: V, _ v2: V, _ c: UnsafeMutablePointer<Float>, _ cols: Int, _ accumulate: Bool) {
        store(v0, c, cols: cols, accumulate: accumulate)
        if cols > 8 { store(v1, c + 8, cols: cols - 8, accumulate: accumulate) }
        if cols > 16 { store(v2, c + 16, cols: cols - 16, accumulate: accumulate) }
    }

    /// 1 row x 24 columns (the rows left over after groups of 4).
    static func kernel1(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int,
                        _ c: UnsafeMutablePointer<Float>, _ cols: Int, _ accumulate: Bool) {
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var bp = b, kk = 0
        while kk + 2 <= k {
            let x0 = V(repeating: a[kk]), x1 = V(repeating: a[kk + 1])
            c0.addProduct(x0, bp.load8()); c1.addProduct(x0, bp.load8(8)); c2.addProduct(x0, bp.load8(16))
            c3.addProduct(x1, bp.load8(24)); c4.addProduct(x1, bp.load8(32)); c5.addProduct(x1, bp.load8(40))
            bp += 48; kk += 2
        }
        if kk < k {
            let x0 = V(repeating: a[kk])
            c0.addProduct(x0, bp.load8()); c1.addProduct(x0, bp.load8(8)); c2.addProduct(x0, bp.load8(16))
        }
        storeRow(c0 + c3, c1 + c4, c2 + c5, c, cols, accumulate)
    }
}

extension SIMD8 where Scalar == Float {
    /// self += a · b as one fused multiply-add per lane.
    @inline(__always)
    mutating func addProduct(_ a: Self, _ b: Self) { self = self.addingProduct(a, b) }
}
