import XCTest
@testable import NeuralCore
internal import CKernels
import TestSupport

final class TiledGEMMTests: XCTestCase {
    override func tearDown() { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }

    /// B and Bᵀ, beta 0 / 1, against the definition summed in Double, with padded leading
    /// dimensions, rows that leave a remainder after groups of 4 and after a tile, a K over several
    /// kernel blocks and a partial last panel; on 1, 2, 3 and 16 threads with the same bits (more
    /// threads than panels: the panels packed first, in pieces of K), on every kernel set (and with
    /// the 16-lane AVX-512 kernels off and on).
    func testMatchesTheDefinitionOnAnyThreads() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 31)
            for (m, n, k) in [(37, 100, 300), (130, 256, 61), (8, 33, 600)] {
                for transB in [false, true] { for accumulate in [false, true] {
                    let (br, bc) = transB ? (n, k) : (k, n)
                    let lda = k + 3, ldb = bc + 5, ldc = n + 2
                    let a = (0..<(m * lda)).map { _ in rng.uniform(-1, 1) }, b = (0..<(br * ldb)).map { _ in rng.uniform(-1, 1) }
                    let c0 = (0..<(m * ldc)).map { _ in rng.uniform(-1, 1) }
                    var first: [Float]?
                    for threads in [1, 2, 3, 16] {
                        Parallel.threads = threads
                        var c = c0
                        c.withUnsafeMutableBufferPointer { cp in
                            TiledGEMM.multiply(transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                               c: cp.baseAddress!, ldc: ldc, accumulate: accumulate)
                        }
                        let what = "\(set) m\(m) n\(n) k\(k) tB \(transB) acc \(accumulate) threads \(threads)"
                        if let first { XCTAssertEqual(c, first, "bits differ from 1 thread: " + what); continue }
                        first = c
                        var worst = 0.0
                        for i in 0..<m { for j in 0..<ldc {
                            var want = Double(c0[i * ldc + j])
                            if j < n {
                                var s = 0.0
                                for p in 0..<k { s += Double(a[i * lda + p]) * Double(transB ? b[j * ldb + p] : b[p * ldb + j]) }
                                want = s + (accumulate ? want : 0)
                            }
                            worst = Swift.max(worst, abs(Double(c[i * ldc + j]) - want))
                        } }
                        XCTAssertLessThan(worst, 1e-4 * Double(k).squareRoot(), what)
                    }
                } }
            }
        }
    }

    /// BLAS.sgemm sends a large product with alpha 1 here on the AVX2 and AVX-512 sets: the same
    /// bits as a direct call. OpenBLAS keeps the portable set, alpha other than 1, Aᵀ, few rows,
    /// a B over 16M floats, and on AVX-512 an n it packs in 8-lane panels.
    func testSgemmRoutesLargeProductsHere() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 32)
            let (m, n, k) = (64, 96, 80)
            let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }, b = (0..<(n * k)).map { _ in rng.uniform(-1, 1) }
            XCTAssertEqual(TiledGEMM.applies(transA: false, m: m, n: n, k: k, alpha: 1, beta: 0), set != .portable, "\(set)")
            XCTAssertFalse(TiledGEMM.applies(transA: false, m: m, n: n, k: k, alpha: 0.5, beta: 0))
            XCTAssertFalse(TiledGEMM.applies(transA: true, m: m, n: n, k: k, alpha: 1, beta: 0))
            XCTAssertFalse(TiledGEMM.applies(transA: false, m: 4, n: n, k: k, alpha: 1, beta: 0))
            XCTAssertFalse(TiledGEMM.applies(transA: false, m: 64, n: 8192, k: 4096, alpha: 1, beta: 0))
            if set == .avx512 { XCTAssertFalse(TiledGEMM.applies(transA: false, m: 2048, n: 65, k: 256, alpha: 1, beta: 0)) }
            var viaBLAS = [Float](repeating: 0, count: m * n), direct = viaBLAS
            viaBLAS.withUnsafeMutableBufferPointer { BLAS.sgemm(transB: true, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: $0.baseAddress!, ldc: n) }
            direct.withUnsafeMutableBufferPointer {
                TiledGEMM.multiply(transB: true, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, c: $0.baseAddress!, ldc: n, accumulate: false)
            }
            if set != .portable { XCTAssertEqual(viaBLAS, direct, "\(set)") }
        }
    }

    /// The transposing kernel against its definition: blocks with and without 8x8 tiles and (AVX-512)
    /// 16x16 tiles, with rows and columns left after them, strided.
    func testTransposeKernel() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 33)
            for (rows, cols) in [(8, 8), (19, 13), (3, 40), (64, 5), (16, 16), (35, 37), (40, 24), (17, 50)] {
                let lds = cols + 2, ldd = rows + 3
                let src = (0..<(rows * lds)).map { _ in rng.uniform(-1, 1) }
                var dst = [Float](repeating: 7, count: cols * ldd)
                dst.withUnsafeMutableBufferPointer { dm_kernels_active()!.pointee.transpose(src, lds, rows, cols, $0.baseAddress!, ldd) }
                for j in 0..<cols { for i in 0..<ldd {
                    XCTAssertEqual(dst[j * ldd + i], i < rows ? src[i * lds + j] : 7, "\(set) \(rows)x\(cols) at \(j), \(i)")
                } }
            }
        }
    }
}
