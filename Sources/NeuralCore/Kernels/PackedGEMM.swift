import Require
internal import CKernels

/// A right-hand matrix B (K, N) packed once for many products with it: the recurrent weights of
/// an LSTM/GRU meet every step's state, and a general sgemm would repack them at each step.
/// Layout: ⌈N/width⌉ panels (last one zero-padded), each K rows of `width` contiguous floats;
/// the width is the kernel set's choice for N (3 vectors: 24 floats, or 48 with AVX-512), taken at
/// packing with the set itself, so that a matrix is always multiplied by the set that packed it.
struct PackedMatrix {
    let k: Int, n: Int, panels: Int, width: Int
    let storage: Storage
    private let kernels: UnsafePointer<dm_kernels>

    /// B = Wᵀ for W (N, K) row-major (forward: x · Wᵀ).
    init(transposing w: UnsafePointer<Float>, rows n: Int, cols k: Int) {
        self.init(transposing: [(w, k)], rows: n)
    }

    /// B = [W₁ | W₂ | ...]ᵀ for row-major W_i (N, K_i) side by side: K = ΣK_i. An LSTM step
    /// multiplies [x_t | h_{t-1}] with [W_ih | W_hh]ᵀ in one product.
    init(transposing blocks: [(UnsafePointer<Float>, cols: Int)], rows n: Int) {
        let kernels = dm_kernels_active()!, width = Int(kernels.pointee.packed_width(n))
        let k = blocks.reduce(0) { $0 + $1.cols }
        self.kernels = kernels; self.width = width
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
        let kernels = dm_kernels_active()!, width = Int(kernels.pointee.packed_width(n))
        self.kernels = kernels; self.width = width
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

    /// B (K, N) with B[r, j] = w[rowOffsets[r] + colOffsets[j]]: a weight tensor's axes regrouped
    /// (a convolution's (Cout, Cin, taps) as (taps·Cin, Cout)), packed in one pass without an
    /// intermediate copy. Written panel row by panel row (contiguous).
    init(_ w: UnsafePointer<Float>, rowOffsets: [Int], colOffsets: [Int]) {
        let kernels = dm_kernels_active()!, n = colOffsets.count, k = rowOffsets.count
        let width = Int(kernels.pointee.packed_width(n))
        self.kernels = kernels; self.width = width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        let p = storage.pointer
        rowOffsets.withUnsafeBufferPointer { ro in
            colOffsets.withUnsafeBufferPointer { co in
                Parallel.forRanges(panels) { r in
                    for pi in r {
                        let j0 = pi * width, cols = Swift.min(width, n - j0), panel = p + pi * k * width
                        if cols < width { panel.update(repeating: 0, count: k * width) }
                        for kk in 0..<k {
                            let dst = panel + kk * width, src = w + ro[kk], offsets = co.baseAddress! + j0
                            for jj in 0..<cols { dst[jj] = src[offsets[jj]] }
                        }
                    }
                }
            }
        }
    }

    /// B (K, N) whose row r is `segments` runs of `length` floats (N = segments · length) starting
    /// at rows[r·segments + s]: colᵀ of a convolution's weight gradient, its pixels' taps read in
    /// place from the padded channel-last image and copied once, straight into the panels.
    /// Serial (callers run one per worker).
    init(rows k: Int, segments rows: UnsafePointer<UnsafePointer<Float>?>, count segments: Int, length: Int) {
        let kernels = dm_kernels_active()!, n = segments * length, width = Int(kernels.pointee.packed_width(n))
        self.kernels = kernels; self.width = width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        kernels.pointee.pack_rows(rows, segments, length, k, width, storage.pointer)
    }

    /// C (m, N) = A (m, K) · B, or C += A · B when `accumulate`. Single-threaded: callers split rows.
    func multiply(a: UnsafePointer<Float>, lda: Int, m: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        kernels.pointee.packed_multiply(a, lda, m, storage.pointer, k, n, width, c, ldc, accumulate ? 1 : 0)
    }

    /// The same with A's row r read as `segments` runs of `length` floats (K = segments · length):
    /// A[r, s·length + t] = rows[r·segments + s][t].
    func multiply(rows: UnsafePointer<UnsafePointer<Float>?>, segments: Int, length: Int, m: Int,
                  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        require(segments * length == k, "packed multiply: \(segments) x \(length) floats per row for K = \(k)")
        kernels.pointee.packed_multiply_rows(rows, segments, length, m, storage.pointer, n, width, c, ldc, accumulate ? 1 : 0)
    }
}
