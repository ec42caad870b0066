import XCTest
import NeuralCore
import TestSupport

final class ReductionsTests: XCTestCase {
    func testParity() throws {
        try runOpFixture("sum_dim1") { _, t in ["output": t["input"]!.sum(axes: [1])] }
        try runOpFixture("mean_dim1") { _, t in ["output": t["input"]!.mean(axes: [1])] }
        try runOpFixture("max_dim1") { fx, t in
            let r = t["input"]!.max(axis: 1)
            XCTAssertEqual(r.indices, fx.ints("indices"))
            return ["output": r.values]
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.normal([3, 4, 5], using: &rng)
        checkGradients([x], "sum axes 0,2") { $0[0].sum(axes: [0, 2]) }
        checkGradients([x], "mean keepDims") { $0[0].mean(axes: [1], keepDims: true) }
        checkGradients([x], "sum all") { $0[0].sum() }
        checkGradients([x], eps: 1e-3, "max") { $0[0].max(axis: 2).values }
    }

    /// Summing the trailing axes of a batch large enough to be split across threads (a global
    /// pool) matches loops, forward and backward, and a second backward adds to the gradient.
    func testTrailingSumSplitAcrossThreads() {
        Parallel.threads = 2
        defer { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }
        var rng = RandomGenerator(seed: 9)
        let (n, c, inner) = (8, 64, 16 * 16)
        let x = Tensor.normal([n, c, 16, 16], using: &rng).requiringGrad()
        let w = Tensor.normal([n, c], using: &rng)
        let y = x.sum(axes: [2, 3])
        XCTAssertEqual(y.shape, [n, c])
        XCTAssertEqual(x.sum(axes: [-1, 2], keepDims: true).shape, [n, c, 1, 1])
        let px = x.scalars
        let ref = (0..<(n * c)).map { i in px[(i * inner)..<((i + 1) * inner)].reduce(0, +) }
        assertClose(y, Tensor(shape: [n, c], scalars: ref), rtol: 1e-5, atol: 1e-4)
        (y * w).sum().backward()
        let pw = w.scalars
        let expected = (0..<(n * c * inner)).map { pw[$0 / inner] }
        XCTAssertEqual(x.grad!.scalars, expected)
        (x.sum(axes: [2, 3]) * w).sum().backward()
        XCTAssertEqual(x.grad!.scalars, expected.map { 2 * $0 })
    }

    /// Sums over the leading axes (column sums, split by columns) against the definition in
    /// Double and, bit for bit, the float sum in row order; the same bits on 1, 3 and 16 threads,
    /// keepDims; the gradient a copy of g in each row, written fresh or added.
    func testLeadingSumSplitAcrossThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 10)
        let (a, b, c) = (7, 9, 700)
        let xv = Tensor.normal([a, b, c], using: &rng), xs = xv.scalars
        let w1 = Tensor.normal([b, c], using: &rng), w2 = Tensor.normal([c], using: &rng)
        var first: [UInt32] = []
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let x = xv.requiringGrad()
            let one = x.sum(axes: [0]), two = x.sum(axes: [1, 0], keepDims: true)
            XCTAssertEqual(one.shape, [b, c]); XCTAssertEqual(two.shape, [1, 1, c])
            ((one * w1).sum() + (two.reshaped([c]) * w2).sum()).backward()
            let w1s = w1.scalars, w2s = w2.scalars, gs = x.grad!.scalars
            for j in 0..<(b * c) {
                let want = (0..<a).reduce(0.0) { $0 + Double(xs[$1 * b * c + j]) }
                XCTAssertEqual(Double(one.scalars[j]), want, accuracy: 1e-5, "sum over axis 0 at \(j)")
                let inOrder = (0..<a).reduce(Float(0)) { $0 + xs[$1 * b * c + j] }   // row by row, in float
                XCTAssertEqual(one.scalars[j].bitPattern, inOrder.bitPattern, "sum over axis 0 at \(j): not in row order")
            }
            for k in 0..<c {
                let want = (0..<(a * b)).reduce(0.0) { $0 + Double(xs[$1 * c + k]) }
                XCTAssertEqual(Double(two.scalars[k]), want, accuracy: 1e-4, "sum over axes 0, 1 at \(k)")
            }
            for e in 0..<xs.count { XCTAssertEqual(gs[e], w1s[e % (b * c)] + w2s[e % c], "gradient at \(e)") }
            let bits = (one.scalars + two.scalars + gs).map(\.bitPattern)
            if first.isEmpty { first = bits } else { XCTAssertTrue(bits == first, "\(threads) threads against 1") }
        }
    }

    /// The sum of one long run (blocks on threads): near Double's, the same bits on 1, 3 and 16 threads.
    func testLongSumOnThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 13)
        let x = Tensor.normal([3 * 65536 + 5], using: &rng)
        let want = x.scalars.reduce(0.0) { $0 + Double($1) }
        var first: UInt32?
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let s = x.sum().item
            XCTAssertEqual(Double(s), want, accuracy: 1e-2, "\(threads) threads")
            if let f = first { XCTAssertEqual(s.bitPattern, f, "\(threads) threads against 1") } else { first = s.bitPattern }
        }
    }

    /// varianceMean against Double on 3M pixel-like values (four in five 0, the rest in 0.3...1,
    /// where a float running sum drifts), the same bits on any threads; PyTorch's corrections on
    /// [1, 2, 3, 4]; one element, none.
    func testVarianceMeanInDouble() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 21)
        let n = 3_000_000
        let u = Tensor.uniform([n], low: 0.3, high: 1, using: &rng).scalars
        let x = Tensor(shape: [n], scalars: (0..<n).map { $0 % 5 == 0 ? u[$0] : 0 })
        let mean = x.scalars.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = x.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)
        var first: (Double, Double)?
        for threads in [1, 2, 16] {
            Parallel.threads = threads
            let got = x.varianceMean(correction: 0)
            XCTAssertEqual(got.mean, mean, accuracy: 1e-6 * mean, "\(threads) threads")
            XCTAssertEqual(got.variance, variance, accuracy: 1e-6 * variance, "\(threads) threads")
            if let f = first { XCTAssertTrue(got == f, "\(threads) threads against 1") } else { first = got }
        }
        let small = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        XCTAssertEqual(small.varianceMean().variance, 5.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(small.varianceMean(correction: 0).variance, 1.25, accuracy: 1e-12)
        XCTAssertEqual(small.varianceMean().mean, 2.5)
        let one = Tensor(shape: [1], scalars: [7]).varianceMean()
        XCTAssertTrue(one.variance.isNaN)
        XCTAssertEqual(Tensor(shape: [2], scalars: [1, 2]).varianceMean(correction: 3).variance, .infinity)   // torch: inf
        XCTAssertEqual(one.mean, 7)
        XCTAssertTrue(Tensor.zeros([0]).varianceMean().mean.isNaN)
    }

    func testArgmax() {
        let x = Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 7])
        XCTAssertEqual(x.argmax(axis: 1), [1, 0])
        XCTAssertEqual(x.argmax(axis: 0), [1, 0, 1])
    }
}
