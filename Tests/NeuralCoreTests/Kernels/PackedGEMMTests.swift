import XCTest
@testable import NeuralCore
import TestSupport

final class PackedGEMMTests: XCTestCase {
    /// Both packings against sgemm, with row counts that leave a remainder after groups of 4,
    /// a K that spans several blocks and an N that leaves a partial panel, for each panel width
    /// (every set: 16 for N <= 16, rows in groups of 6 or 8 then 4, 2, 1; AVX-512: 32 for N = 32, 64
    /// for 64, 190 (a partial panel of 62) and 2048, 48 for 96; 8 lanes: 16 for 32, 50 and 64).
    func testMatchesSgemm() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 3)
            for (m, k, n) in [(7, 300, 50), (4, 5, 24), (1, 513, 8), (32, 512, 2048), (9, 400, 64), (5, 260, 190), (6, 150, 96),
                              (15, 300, 16), (13, 513, 13), (11, 300, 32), (7, 260, 64)] {
                let a = Tensor.normal([m, k], using: &rng)
                let w = Tensor.normal([n, k], using: &rng)        // forward: C = A · Wᵀ
                let w2 = Tensor.normal([k, n], using: &rng)       // backward: C = A · W
                let c0 = Tensor.normal([m, n], using: &rng)
                for accumulate in [false, true] {
                    var expect = c0, got = c0
                    expect.withMutableData { c in
                        BLAS.serial(transB: true, m: m, n: n, k: k, a: a.storage.pointer, lda: k, b: w.storage.pointer, ldb: k,
                                   beta: accumulate ? 1 : 0, c: c, ldc: n)
                    }
                    got.withMutableData { c in
                        PackedMatrix(transposing: w.storage.pointer, rows: n, cols: k).multiply(a: a.storage.pointer, lda: k, m: m, c: c, ldc: n, accumulate: accumulate)
                    }
                    assertClose(got, expect, rtol: 1e-4, atol: 1e-3, "Wᵀ m\(m) k\(k) n\(n) acc \(accumulate)")
                    var expect2 = c0, got2 = c0
                    expect2.withMutableData { c in
                        BLAS.serial(m: m, n: n, k: k, a: a.storage.pointer, lda: k, b: w2.storage.pointer, ldb: n, beta: accumulate ? 1 : 0, c: c, ldc: n)
                    }
                    got2.withMutableData { c in
                        PackedMatrix(w2.storage.pointer, rows: k, cols: n).multiply(a: a.storage.pointer, lda: k, m: m, c: c, ldc: n, accumulate: accumulate)
                    }
                    assertClose(got2, expect2, rtol: 1e-4, atol: 1e-3, "W m\(m) k\(k) n\(n) acc \(accumulate)")
                }
                let width = PackedMatrix(w2.storage.pointer, rows: k, cols: n).width
                if n <= 16 { XCTAssertEqual(width, 16, "n \(n)") }
                if KernelSet.active == .avx512 {
                    XCTAssertEqual(width, [50: 64, 24: 24, 8: 16, 2048: 64, 64: 64, 190: 64, 96: 48, 16: 16, 13: 16, 32: 32][n])
                } else {   // 8 lanes: 16 where it pads 1/27 less than 24
                    XCTAssertEqual(width, [50: 16, 24: 24, 8: 16, 2048: 24, 64: 16, 190: 24, 96: 24, 16: 16, 13: 16, 32: 16][n], "n \(n)")
                }
            }
        }
    }

    /// A's rows read through pointers, each row in segments scattered over a larger buffer (a
    /// convolution's taps in place): against sgemm on the same rows gathered, with segments
    /// longer than a K block (split) and shorter, row counts with a remainder after groups of 4;
    /// and B packed from such rows (panels cut across segments, a zero-padded last panel).
    func testRowsThroughPointersMatchSgemm() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 4)
            for (m, segs, len, n) in [(7, 3, 160, 64), (9, 2, 300, 50), (5, 16, 64, 70), (4, 1, 1, 24), (13, 5, 37, 96),
                                      (15, 3, 100, 16), (11, 1, 700, 12), (9, 2, 150, 32), (5, 3, 50, 64)] {
                let k = segs * len
                let source = Tensor.normal([m * segs * 2 * len], using: &rng)
                let w = Tensor.normal([k, n], using: &rng), c0 = Tensor.normal([m, n], using: &rng)
                // Segment (r, s) starts at a pseudo-random place; the same floats gathered into A.
                var rows: [UnsafePointer<Float>?] = [], a: [Float] = []
                for r in 0..<m {
                    for s in 0..<segs {
                        let start = ((r * 7 + s * 13) % (2 * m * segs - 1)) * len / 2
                        rows.append(UnsafePointer(source.storage.pointer + start))
                        a += (0..<len).map { source.storage.pointer[start + $0] }
                    }
                }
                let packed = PackedMatrix(w.storage.pointer, rows: k, cols: n)
                for accumulate in [false, true] {
                    var expect = c0, got = c0
                    a.withUnsafeBufferPointer { pa in
                        expect.withMutableData { c in
                            BLAS.serial(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, b: w.storage.pointer, ldb: n, beta: accumulate ? 1 : 0, c: c, ldc: n)
                        }
                    }
                    rows.withUnsafeBufferPointer { pr in
                        got.withMutableData { c in
                            packed.multiply(rows: pr.baseAddress!, segments: segs, length: len, m: m, c: c, ldc: n, accumulate: accumulate)
                        }
                    }
                    assertClose(got, expect, rtol: 1e-4, atol: 1e-3, "m\(m) \(segs)x\(len) n\(n) acc \(accumulate)")
                }
                // The same segments as the rows of B (m, segs·len), packed straight from them.
                let a2 = Tensor.normal([3, m], using: &rng)
                var expect = Tensor.zeros([3, k]), got = Tensor.zeros([3, k])
                a.withUnsafeBufferPointer { pb in
                    expect.withMutableData { c in
                        BLAS.serial(m: 3, n: k, k: m, a: a2.storage.pointer, lda: m, b: pb.baseAddress!, ldb: k, beta: 0, c: c, ldc: k)
                    }
                }
                rows.withUnsafeBufferPointer { pr in
                    let b = PackedMatrix(rows: m, segments: pr.baseAddress!, count: segs, length: len)
                    got.withMutableData { c in b.multiply(a: a2.storage.pointer, lda: m, m: 3, c: c, ldc: k, accumulate: false) }
                }
                assertClose(got, expect, rtol: 1e-4, atol: 1e-3, "B from \(m) rows of \(segs)x\(len)")
            }
        }
    }

    /// Packing cuts each panel into ranges of rows shared out to the threads: on 1, 2 and 7
    /// threads (and under a model of 16) every packing writes the same floats, padding included,
    /// for two blocks side by side whose boundary falls inside a range.
    func testPackingIsTheSameOnAnyThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved; Parallel.endModel() }
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 4)
            let (k1, k2, n) = (317, 290, 100), k = k1 + k2
            let w1 = (0..<(n * k1)).map { _ in rng.uniform(-1, 1) }, w2 = (0..<(n * k2)).map { _ in rng.uniform(-1, 1) }
            let wkn = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
            let rowOffsets = (0..<k).map { $0 * n }, colOffsets = Array(0..<n)
            func packings() -> [[Float]] {
                w1.withUnsafeBufferPointer { a in w2.withUnsafeBufferPointer { b in wkn.withUnsafeBufferPointer { c in
                    [PackedMatrix(transposing: [(a.baseAddress!, k1), (b.baseAddress!, k2)], rows: n),
                     PackedMatrix(c.baseAddress!, rows: k, cols: n),
                     PackedMatrix(c.baseAddress!, rowOffsets: rowOffsets, colOffsets: colOffsets)].map { m in
                        Array(UnsafeBufferPointer(start: m.storage.pointer, count: m.panels * m.k * m.width))
                    }
                } } }
            }
            Parallel.threads = 1
            let one = packings()
            XCTAssertEqual(one[1], one[2], "\(set): two ways to pack the same B")
            for threads in [2, 7, 16] {
                if threads == 16 { Parallel.startModel(threads: 16) } else { Parallel.threads = threads }
                XCTAssertEqual(packings(), one, "\(set) on \(threads) threads")
                Parallel.endModel()
            }
        }
    }
    /// [W₁ | W₂]ᵀ packed (runs of consecutive W rows transposed in 8x8 tiles) against the layout
    /// written element by element: with no order, and with an LSTM-like order (runs of 5 rows a
    /// gate, gaps of -1, a run crossing a panel's end), on 1 and 3 threads, every kernel set.
    func testTransposingPackMatchesItsDefinition() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 5)
            let (k1, k2, n) = (19, 37, 68), k = k1 + k2   // n = 4 gates x 17 units
            let w1 = (0..<(n * k1)).map { _ in rng.uniform(-1, 1) }, w2 = (0..<(n * k2)).map { _ in rng.uniform(-1, 1) }
            var gates: [Int] = []
            for q in 0..<4 { for g in 0..<4 { gates += (0..<5).map { u in q * 5 + u < 17 ? g * 17 + q * 5 + u : -1 } } }
            for order in [nil, gates] {
                let cols = order?.count ?? n
                for threads in [1, 3] {
                    Parallel.threads = threads
                    let m = w1.withUnsafeBufferPointer { a in w2.withUnsafeBufferPointer { b in
                        PackedMatrix(transposing: [(a.baseAddress!, k1), (b.baseAddress!, k2)], rows: n, order: order)
                    } }
                    var expect = [Float](repeating: 0, count: m.panels * k * m.width)
                    for j in 0..<cols {
                        let row = order?[j] ?? j
                        guard row >= 0 else { continue }
                        for r in 0..<k {
                            expect[(j / m.width) * k * m.width + r * m.width + j % m.width] = r < k1 ? w1[row * k1 + r] : w2[row * k2 + r - k1]
                        }
                    }
                    XCTAssertEqual(Array(UnsafeBufferPointer(start: m.storage.pointer, count: expect.count)), expect,
                                   "\(set) order \(order != nil) on \(threads) threads")
                }
            }
        }
    }
}
