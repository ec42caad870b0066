internal import COpenBLAS
internal import CPUCheck
import Foundation

/// The one entry point to `cblas_sgemm`. Row-major:
/// C[m, n] = alpha * op(A)[m, k] · op(B)[k, n] + beta * C, op = transpose when `transA`/`transB`.
/// Large products outside a parallel region go to `TiledGEMM` (tiles claimed by the threads, B
/// packed once) where it applies; weight gradients Aᵀ·B in the blocks that pack least
/// (`gradientGrid`); others are split across `Parallel.threads` by rows or columns of C.
/// OpenBLAS itself runs on one thread so the library's own threads never oversubscribe the cores.
public enum BLAS {
    private static let configured: Void = { openblas_set_num_threads(1) }()

    /// The kernel set OpenBLAS runs (its corename: "SkylakeX", "Haswell", "Prescott", ...).
    public static var core: String { String(cString: openblas_get_corename()) }

    /// The fallback core that was replaced before main (see CPUCheck's dm_blas_core.c), if any.
    public static var replacedCore: String? { ProcessInfo.processInfo.environment["DEEPMEDIA_BLAS_CORE_WAS"] }

    /// Whether OpenBLAS runs a fallback core below what this CPU can do (DEEPMEDIA_KEEP_BLAS_CORE
    /// was set, or the restart was not possible).
    public static var isOnFallbackCore: Bool {
        dm_blas_core_is_fallback(openblas_get_corename()) != 0 && dm_best_blas_core() != nil
    }

    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        _ = configured
        if m == 0 || n == 0 { return }
        if !Parallel.isNested && TiledGEMM.applies(transA: transA, m: m, n: n, k: k, alpha: alpha, beta: beta) {
            TiledGEMM.multiply(transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                               accumulate: beta == 1)
            return
        }
        let flops = m * n * k
        let workers = Parallel.isNested ? 1 : min(Parallel.threads, max(1, flops / 150_000))
        if workers <= 1 {
            serial(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if transA, let (wr, wc) = gradientGrid(m: m, n: n, workers: workers) {
            // A weight gradient gᵀ·x in wr x wc blocks of C, one OpenBLAS call each.
            Parallel.forEachFixed(wr * wc) { _, chunk in
                let ri = chunk / wc, ci = chunk % wc
                let r0 = m * ri / wr, r1 = m * (ri + 1) / wr, c0 = n * ci / wc, c1 = n * (ci + 1) / wc
                serial(transA: true, transB: transB, m: r1 - r0, n: c1 - c0, k: k, alpha: alpha, a: a + r0, lda: lda,
                       b: b + (transB ? c0 * ldb : c0), ldb: ldb, beta: beta, c: c + r0 * ldc + c0, ldc: ldc)
            }
            return
        }
        if m >= n {
            // Split rows of C: rows of op(A).
            Parallel.forRanges(m, minPerChunk: 8) { r in
                let aOff = transA ? r.lowerBound : r.lowerBound * lda
                serial(transA: transA, transB: transB, m: r.count, n: n, k: k, alpha: alpha, a: a + aOff, lda: lda,
                       b: b, ldb: ldb, beta: beta, c: c + r.lowerBound * ldc, ldc: ldc)
            }
        } else {
            // Split columns of C: columns of op(B).
            Parallel.forRanges(n, minPerChunk: 16) { r in
                let bOff = transB ? r.lowerBound * ldb : r.lowerBound
                serial(transA: transA, transB: transB, m: m, n: r.count, k: k, alpha: alpha, a: a, lda: lda,
                       b: b + bOff, ldb: ldb, beta: beta, c: c + r.lowerBound, ldc: ldc)
            }
        }
    }

    /// The cut of a weight gradient C (m, n) = Aᵀ·B (k summed) into wr blocks of rows times wc of
    /// columns, wr·wc = workers, at least 8 rows and 16 columns a block: each call packs its rows'
    /// slice of A and its columns' slice of B, so the cut packs k·(wc·m + wr·n) floats; the one that
    /// packs least, the most row blocks on a tie (the rows of W a worker computes are then the rows
    /// it updates: forEachGradient). By rows alone the MLP's 784 -> 256 layer packs x (128 x 784)
    /// once per thread. Nil when no grid fits (small products: split by rows or columns as others).
    static func gradientGrid(m: Int, n: Int, workers: Int) -> (rows: Int, cols: Int)? {
        var best: (rows: Int, cols: Int, packed: Int)?
        for wr in stride(from: workers, through: 1, by: -1) where workers % wr == 0 {
            let wc = workers / wr
            guard m >= 8 * wr && n >= 16 * wc else { continue }
            let packed = wc * m + wr * n
            if best == nil || packed < best!.packed { best = (wr, wc, packed) }
        }
        return best.map { ($0.rows, $0.cols) }
    }

    /// One product on the calling thread. A single row or column of C is a matrix-vector
    /// product: sgemv reads the matrix once, where sgemm first copies it into packed panels
    /// (OpenBLAS 0.3.21 skips the copy only below 10^6 multiply-adds, and only on its SkylakeX
    /// cores): a char-RNN's batch-1 step ran 5x slower on one thread than on two for that.
    static func serial(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 1 && k > 0 {
            // c (1, n) = x (1, k) op(B) (k, n); x's step is lda when A is stored transposed (k, 1).
            if transB {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, b, Int32(ldb), a, Int32(transA ? lda : 1), beta, c, 1)
            } else {
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), alpha, b, Int32(ldb), a, Int32(transA ? lda : 1), beta, c, 1)
            }
            return
        }
        if n == 1 && k > 0 {
            // c (m, 1), step ldc = op(A) (m, k) x (k, 1); x's step is ldb unless B is stored transposed (1, k).
            if transA {
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(m), alpha, a, Int32(lda), b, Int32(transB ? 1 : ldb), beta, c, Int32(ldc))
            } else {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(k), alpha, a, Int32(lda), b, Int32(transB ? 1 : ldb), beta, c, Int32(ldc))
            }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
