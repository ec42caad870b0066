import XCTest
@testable import NeuralCore

/// BLAS.sgemm against the definition written out, for every transpose pair, with padded leading
/// dimensions and beta 0 and 1: the matrix-vector shapes (one row or one column of C, sent to
/// sgemv), the general shape, and both split directions of the parallel path.
final class BLASTests: XCTestCase {
    func check(m: Int, n: Int, k: Int, threads: Int) {
        var rng = RandomGenerator(seed: UInt64(m * 1000 + n * 10 + k))
        let saved = Parallel.threads
        Parallel.threads = threads
        defer { Parallel.threads = saved }
        for transA in [false, true] { for transB in [false, true] { for beta: Float in [0, 1] {
            // op(A) is m x k, op(B) is k x n; stored with 3 spare columns each.
            let (ar, ac) = transA ? (k, m) : (m, k), (br, bc) = transB ? (n, k) : (k, n)
            let lda = ac + 3, ldb = bc + 3, ldc = n + 2
            let a = (0..<(ar * lda)).map { _ in rng.uniform(-1, 1) }, b = (0..<(br * ldb)).map { _ in rng.uniform(-1, 1) }
            var c = (0..<(m * ldc)).map { _ in rng.uniform(-1, 1) }
            var want = c
            for i in 0..<m { for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]) }
                want[i * ldc + j] = 0.5 * s + beta * want[i * ldc + j]
            } }
            c.withUnsafeMutableBufferPointer { cp in
                BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb,
                           beta: beta, c: cp.baseAddress!, ldc: ldc)
            }
            for i in 0..<m { for j in 0..<n {
                XCTAssertEqual(c[i * ldc + j], want[i * ldc + j], accuracy: 1e-4, "m \(m) n \(n) k \(k) tA \(transA) tB \(transB) beta \(beta)")
            } }
            // The spare columns of C are untouched.
            for i in 0..<m { for j in n..<ldc { XCTAssertEqual(c[i * ldc + j], want[i * ldc + j]) } }
        } } }
    }

    func testMatrixVectorShapes() {
        check(m: 1, n: 37, k: 19, threads: 1)
        check(m: 23, n: 1, k: 17, threads: 1)
        check(m: 1, n: 1, k: 9, threads: 1)
    }

    func testGeneralAndSplitShapes() {
        check(m: 5, n: 7, k: 3, threads: 1)
        check(m: 1, n: 3000, k: 300, threads: 2)   // split by columns, each piece a matrix-vector product
        check(m: 2000, n: 3, k: 200, threads: 2)   // split by rows
        check(m: 64, n: 250, k: 150, threads: 16)  // Aᵀ·B: 2 x 8 blocks (op(B) and the others by columns)
        check(m: 200, n: 40, k: 150, threads: 4)   // Aᵀ·B: 4 x 1 blocks
    }

    /// A weight gradient's blocks: the grid that packs least (wc·m + wr·n), the most row blocks on
    /// a tie, at least 8 rows and 16 columns a block, none when no grid fits.
    func testGradientGrid() {
        XCTAssertTrue(BLAS.gradientGrid(m: 256, n: 784, workers: 16)! == (2, 8))    // the MLP's first layer
        XCTAssertTrue(BLAS.gradientGrid(m: 256, n: 784, workers: 2)! == (1, 2))
        XCTAssertTrue(BLAS.gradientGrid(m: 1024, n: 64, workers: 16)! == (16, 1))   // an LSTM's input weights
        XCTAssertTrue(BLAS.gradientGrid(m: 256, n: 256, workers: 2)! == (2, 1))     // a tie: rows
        XCTAssertTrue(BLAS.gradientGrid(m: 1024, n: 256, workers: 16)! == (8, 2))
        XCTAssertTrue(BLAS.gradientGrid(m: 10, n: 256, workers: 16)! == (1, 16))
        XCTAssertNil(BLAS.gradientGrid(m: 10, n: 20, workers: 4))
    }
}
