internal import CKernels
import Synchronization

/// C (m, n) = A (m, k) · op(B) (k, n), or C += it, on the kernel set's packed GEMM, for the
/// products the library runs outside its own parallel regions (linear layers forward and
/// backward to the input, recurrent input projections).
///
/// The product is cut into tiles (a block of rows, a multiple of 4, times one panel of op(B))
/// that the threads claim one at a time, so a core running slower takes fewer; each panel is
/// packed once, by whichever thread claims it first, and A's rows are read in place. A product
/// split into one OpenBLAS call per thread gives each thread a fixed share and packs A (or B)
/// whole in every call: at 16 threads, 16 times.
///
/// Every element of C is summed in the same order whatever the tiling (rows go through the
/// kernel in the same groups of 4, K in the same blocks), so the result does not depend on the
/// number of threads.
enum TiledGEMM {
    /// Whether a product goes here: an AVX2 or AVX-512 kernel set whose panels for n are full
    /// vectors (AVX-512 packs n < 48, or one that pads less in 24 columns, in 8-lane panels, half
    /// its speed), op(A) = A, alpha 1, beta 0 or 1, and a product large enough for a parallel
    /// region (what is smaller stays one OpenBLAS call), with op(B) at most 16M floats (its
    /// packed copy is held for the call; OpenBLAS packs a block at a time). Aᵀ stays with
    /// OpenBLAS: copying it transposed cost a third of an LSTM's weight-gradient product.
    static func applies(transA: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float) -> Bool {
        guard !transA && alpha == 1 && (beta == 0 || beta == 1) && m >= 8 && n >= 32 && m * n * k >= 150_000
            && n * k <= 1 << 24 else { return false }
        let kernels = dm_kernels_active()!.pointee
        return kernels.level >= Int32(DM_KERNELS_AVX2) && (kernels.lanes == 8 || kernels.packed_width(n) >= 48)
    }

    static func multiply(transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let kernels = dm_kernels_active()!
        let width = Int(kernels.pointee.packed_width(n)), panels = (n + width - 1) / width
        let storage = Storage(count: panels * k * width), packed = storage.pointer   // pooled: reused step after step
        defer { withExtendedLifetime(storage) {} }
        // Per panel: 0 not packed, 1 being packed, 2 packed.
        let state = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: panels)
        for pi in 0..<panels { (state + pi).initialize(to: Atomic(0)) }
        defer { state.deinitialize(count: panels); state.deallocate() }

        // More threads than panels (CIFAR's 4096 -> 256 layer: 4 panels of 1M floats for 16 threads):
        // packing panel by panel would keep all but a few threads waiting, so the panels are packed
        // first, cut along K across every thread, and the tiles then find them packed.
        if Parallel.threads > panels && !Parallel.isNested {
            PackedMatrix.forEachPiece(panels: panels, k: k, width: width) { pi, ks in pack(pi, ks) }
            for pi in 0..<panels { state[pi].store(2, ordering: .releasing) }
        }

        // Tile t is rows [i0, i0 + block) of panel t / blocks. Each thread owns the tiles of a
        // range of panels (the columns of C, the rows of W in x · Wᵀ, that its share of the
        // optimizer step updates) and claims them first; then it claims the others' left over.
        // Whoever claims a panel's tile first packs the panel; a claimer of another tile of a
        // panel still being packed waits for it.
        let block = rowBlock(m: m, panels: panels), blocks = (m + block - 1) / block, tiles = panels * blocks
        let workers = Swift.min(Parallel.threads, tiles)
        let next = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: workers)
        for w in 0..<workers { (next + w).initialize(to: Atomic(panels * w / workers * blocks)) }
        defer { next.deinitialize(count: workers); next.deallocate() }
        if Parallel.isModelling {
            // A thread model (Parallel.startModel) books each tile to the worker free first, which
            // is what claiming one's own tiles and then the others' comes to at one speed.
            Parallel.forEachClaimed(tiles) { _, tile in multiplyTile(tile) }
            return
        }
        Parallel.forEachFixed(workers) { _, w in   // chunk w: the worker's share (all on one when serial)
            for v in 0..<workers {
                let owner = (w + v) % workers, end = panels * (owner + 1) / workers * blocks
                while true {
                    let tile = next[owner].wrappingAdd(1, ordering: .relaxed).oldValue
                    if tile >= end { break }
                    multiplyTile(tile)
                }
            }
        }

        func multiplyTile(_ tile: Int) {
            let pi = tile / blocks, i0 = (tile % blocks) * block
            let j0 = pi * width, cols = Swift.min(width, n - j0), panel = packed + pi * k * width
            if state[pi].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
                pack(pi, 0..<k)
                state[pi].store(2, ordering: .releasing)
            } else {
                while state[pi].load(ordering: .acquiring) != 2 {}
            }
            kernels.pointee.packed_multiply(a + i0 * lda, lda, Swift.min(block, m - i0), panel, k, cols, width,
                                            c + i0 * ldc + j0, ldc, accumulate ? 1 : 0)
        }

        /// Rows `ks` of panel pi: op(B)[ks, its columns], zeros past n.
        func pack(_ pi: Int, _ ks: Range<Int>) {
            let j0 = pi * width, cols = Swift.min(width, n - j0), panel = packed + pi * k * width
            if transB {
                // op(B)[kk, j] = b[j·ldb + kk]
                kernels.pointee.transpose(b + j0 * ldb + ks.lowerBound, ldb, cols, ks.count, panel + ks.lowerBound * width, width)
            } else {
                for kk in ks { (panel + kk * width).update(from: b + kk * ldb + j0, count: cols) }
            }
            if cols < width { for kk in ks { (panel + kk * width + cols).update(repeating: 0, count: width - cols) } }
        }
    }

    /// Rows per tile: a multiple of 4 (the kernel's row group), the largest of 64, 32 and 16 that
    /// gives every thread at least 8 tiles to claim.
    static func rowBlock(m: Int, panels: Int) -> Int {
        for rows in [64, 32] where (m + rows - 1) / rows * panels >= 8 * Parallel.threads { return rows }
        return 16
    }
}
