import Require
internal import CKernels

/// A right-hand matrix B (K, N) packed once for many products with it: the recurrent weights of
/// an LSTM/GRU meet every step's state, and a general sgemm would repack them at each step.
/// Layout: ⌈N/width⌉ panels (last one zero-padded), each K rows of `width` contiguous floats;
/// the width is the kernel set's choice for N (16 floats for N <= 16, and with 8 lanes where 24
/// would pad more; else 24, or 32, 48 and 64 with AVX-512), taken at packing with the set itself,
/// so that a matrix is always multiplied by the set that packed it.
struct PackedMatrix {
    let k: Int, n: Int, panels: Int, width: Int

    /// The panel widths the active kernel set multiplies, ascending (16 and 24, and with 16 lanes
    /// 32, 48 and 64 as well).
    static var widths: [Int] {
        withUnsafeBytes(of: dm_kernels_active()!.pointee.packed_widths) { $0.bindMemory(to: Int32.self).prefix { $0 > 0 }.map(Int.init) }
    }
    let storage: Storage
    private let kernels: UnsafePointer<dm_kernels>

    /// B = Wᵀ for W (N, K) row-major (forward: x · Wᵀ).
    init(transposing w: UnsafePointer<Float>, rows n: Int, cols k: Int) {
        self.init(transposing: [(w, k)], rows: n)
    }

    /// B = [W₁ | W₂ | ...]ᵀ for row-major W_i (N, K_i) side by side: K = ΣK_i. An LSTM step
    /// multiplies [x_t | h_{t-1}] with [W_ih | W_hh]ᵀ in one product. With `order`, B's column j
    /// is W's row order[j] (zeros where it is negative) and N = order.count; `width` forces the
    /// panel width (one the kernel set has).
    init(transposing blocks: [(UnsafePointer<Float>, cols: Int)], rows n: Int, order: [Int]? = nil, width forced: Int? = nil) {
        let n = order?.count ?? n
        let kernels = dm_kernels_active()!, width = forced ?? Int(kernels.pointee.packed_width(n))
        let k = blocks.reduce(0) { $0 + $1.cols }
        self.kernels = kernels; self.width = width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        let p = storage.pointer
        func row(ofColumn j: Int) -> Int { order.map { $0[j] } ?? j }   // W's row for B's column j (-1: zeros)
        // In parallel (an LSTM packs 0.5M floats per call while the other cores would wait).
        PackedMatrix.forEachPiece(panels: panels, k: k, width: width) { pi, rows in
            let j0 = pi * width, cols = Swift.min(width, n - j0), panel = p + pi * k * width
            if cols < width { (panel + rows.lowerBound * width).update(repeating: 0, count: rows.count * width) }
            var first = 0   // block's first row of B
            for (w, wcols) in blocks {
                let lo = Swift.max(rows.lowerBound, first), hi = Swift.min(rows.upperBound, first + wcols)
                // Runs of B's columns from consecutive rows of W, each a block transposed in
                // registers (8x8 tiles): W[source + i, lo - first + j] -> panel[lo + j, jj + i].
                var jj = 0
                while lo < hi && jj < cols {
                    let source = row(ofColumn: j0 + jj)
                    if source < 0 {
                        for kk in lo..<hi { panel[kk * width + jj] = 0 }
                        jj += 1
                        continue
                    }
                    var run = 1
                    while jj + run < cols && row(ofColumn: j0 + jj + run) == source + run { run += 1 }
                    kernels.pointee.transpose(w + source * wcols + (lo - first), wcols, run, hi - lo, panel + lo * width + jj, width)
                    jj += run
                }
                first += wcols
            }
        }
    }

    /// B = W for W (K, N) row-major (backward: dy · W); `width` forces the panel width (one the
    /// kernel set has).
    init(_ w: UnsafePointer<Float>, rows k: Int, cols n: Int, width forced: Int? = nil) {
        let kernels = dm_kernels_active()!, width = forced ?? Int(kernels.pointee.packed_width(n))
        self.kernels = kernels; self.width = width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        let p = storage.pointer
        PackedMatrix.forEachPiece(panels: panels, k: k, width: width) { pi, rows in
            let j0 = pi * width, cols = Swift.min(width, n - j0), panel = p + pi * k * width
            if cols < width { (panel + rows.lowerBound * width).update(repeating: 0, count: rows.count * width) }
            for kk in rows { (panel + kk * width).update(from: w + kk * n + j0, count: cols) }
        }
    }

    /// B (taps·Cin, Cout) = a convolution's weight W (Cout, Cin, taps) with its rows in (tap, input
    /// channel) order, B[t·Cin + ci, co] = W[co, ci, t] (the channel-last forward's W'). Per panel
    /// and input channel, the block W[co₀ ..< co₀ + width, ci, :] (a run of taps per output channel)
    /// transposed in registers into rows t·Cin + ci (gathered by offsets, each float came from
    /// another cache line, 4 KB apart for DCGAN's 64 x 16 taps: 4 % of that layer's forward).
    init(convolutionWeight w: UnsafePointer<Float>, cout n: Int, cin: Int, taps: Int) {
        let kernels = dm_kernels_active()!, width = Int(kernels.pointee.packed_width(n)), k = taps * cin
        self.kernels = kernels; self.width = width
        self.k = k; self.n = n; panels = (n + width - 1) / width
        storage = Storage(count: panels * k * width)
        let p = storage.pointer
        PackedMatrix.forEachPiece(panels: panels, k: cin, width: width * taps) { pi, channels in
            let j0 = pi * width, cols = Swift.min(width, n - j0), panel = p + pi * k * width
            for ci in channels {
                if cols < width { for t in 0..<taps { (panel + (t * cin + ci) * width + cols).update(repeating: 0, count: width - cols) } }
                kernels.pointee.transpose(w + j0 * k + ci * taps, k, cols, taps, panel + ci * width, cin * width)
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
                PackedMatrix.forEachPiece(panels: panels, k: k, width: width) { pi, rows in
                    let j0 = pi * width, cols = Swift.min(width, n - j0), panel = p + pi * k * width
                    if cols < width { (panel + rows.lowerBound * width).update(repeating: 0, count: rows.count * width) }
                    for kk in rows {
                        let dst = panel + kk * width, src = w + ro[kk], offsets = co.baseAddress! + j0
                        for jj in 0..<cols { dst[jj] = src[offsets[jj]] }
                    }
                }
            }
        }
    }

    /// Runs body(panel, rows) over every panel cut into ranges of its K rows, about 4 pieces per
    /// thread claimed as they get free (a convolution's 64 output channels are 2 panels: cut by
    /// panel alone, 14 of 16 threads would wait). At least 4K floats a piece, a few microseconds
    /// of gathering (16K left DCGAN's 128x64x4x4 weights in 8 pieces for 16 threads), and 16 rows
    /// of up to 64 floats (the transposes' blocks); rows of more (a convolution weight's input
    /// channel, `width` x taps floats) go down to one a piece (16 left the 64 -> 128 4x4 layer's
    /// weights in 8 pieces for 16 threads).
    static func forEachPiece(panels: Int, k: Int, width: Int, _ body: (_ panel: Int, _ rows: Range<Int>) -> Void) {
        let pieces = Parallel.isNested ? 1 : Swift.min(4 * Parallel.threads, panels * k * width / (1 << 12))
        let minRows = Swift.max(1, 16 * 64 / Swift.max(width, 64))
        let parts = Swift.max(1, Swift.min((pieces + panels - 1) / panels, k / minRows))
        if pieces <= 1 || (panels == 1 && parts == 1) {
            for pi in 0..<panels { body(pi, 0..<k) }
            return
        }
        Parallel.forEachClaimed(panels * parts) { _, c in
            let part = c % parts
            body(c / parts, k * part / parts..<k * (part + 1) / parts)
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

    /// C[:, panels] (+)= A (m, K rows `ks` of B) · B[ks, panels]: some panels only (C's columns
    /// panels.lowerBound·width ..< min(n, panels.upperBound·width), at c + that column), over
    /// some of K (A's row i at a + i·lda holds those K values). A product over several K ranges
    /// accumulates the later ones.
    func multiply(a: UnsafePointer<Float>, lda: Int, m: Int, panels: Range<Int>, ks: Range<Int>,
                  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        for pi in panels {
            let j0 = pi * width, cols = Swift.min(width, n - j0)
            kernels.pointee.packed_multiply(a, lda, m, storage.pointer + pi * k * width + ks.lowerBound * width, ks.count, cols, width,
                                            c + j0, ldc, accumulate ? 1 : 0)
        }
    }

    /// The same with A's row r read as `segments` runs of `length` floats (K = segments · length):
    /// A[r, s·length + t] = rows[r·segments + s][t].
    func multiply(rows: UnsafePointer<UnsafePointer<Float>?>, segments: Int, length: Int, m: Int,
                  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        require(segments * length == k, "packed multiply: \(segments) x \(length) floats per row for K = \(k)")
        kernels.pointee.packed_multiply_rows(rows, segments, length, m, storage.pointer, n, width, c, ldc, accumulate ? 1 : 0)
    }
}
