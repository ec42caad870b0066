internal import COpenBLAS
internal import CPUCheck
import Foundation

/// The one entry point to `cblas_sgemm`. Row-major:
/// C[m, n] = alpha * op(A)[m, k] · op(B)[k, n] + beta * C, op = transpose when `transA`/`transB`.
/// Large products are split across `Parallel.threads` by rows or columns of C; OpenBLAS itself
/// runs on one thread so the library's own threads never oversubscribe the cores.
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
        let ta = transA ? CblasTrans : CblasNoTrans
        let tb = transB ? CblasTrans : CblasNoTrans
        let flops = m * n * k
        let workers = Parallel.isNested ? 1 : min(Parallel.threads, max(1, flops / 400_000))
        if workers <= 1 {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        if m >= n {
            // Split rows of C: rows of op(A).
            Parallel.forRanges(m, minPerChunk: 8) { r in
                let aOff = transA ? r.lowerBound : r.lowerBound * lda
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(r.count), Int32(n), Int32(k), alpha, a + aOff, Int32(lda),
                            b, Int32(ldb), beta, c + r.lowerBound * ldc, Int32(ldc))
            }
        } else {
            // Split columns of C: columns of op(B).
            Parallel.forRanges(n, minPerChunk: 16) { r in
                let bOff = transB ? r.lowerBound * ldb : r.lowerBound
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(r.count), Int32(k), alpha, a, Int32(lda),
                            b + bOff, Int32(ldb), beta, c + r.lowerBound, Int32(ldc))
            }
        }
    }
}
