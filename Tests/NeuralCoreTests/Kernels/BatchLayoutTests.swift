import XCTest
@testable import NeuralCore
import TestSupport

final class BatchLayoutTests: XCTestCase {
    /// With fewer images than threads an image is cut into runs that cover it once, in order, each
    /// starting on a multiple of `align`, about four per thread; otherwise it is not cut.
    func testRangesCoverTheImageInAlignedRunsOnlyWhenThreadsOutnumberImages() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for (n, count, align, threads) in [(1, 57_600, 16, 2), (1, 1_000, 16, 16), (3, 37 * 23, 16, 4), (1, 45, 1, 2), (2, 100, 1, 3)] {
            Parallel.threads = threads
            guard let runs = BatchLayout.ranges(n: n, count: count, align: align) else { return XCTFail("\(n), \(count)") }
            XCTAssertEqual(runs.flatMap { Array($0) }, Array(0..<count))
            XCTAssert(runs.allSatisfy { !$0.isEmpty && $0.lowerBound % align == 0 })
            XCTAssertGreaterThan(n * runs.count, threads)
            XCTAssertLessThanOrEqual(runs.count, (4 * threads + n - 1) / n)
        }
        Parallel.threads = 2
        XCTAssertNil(BatchLayout.ranges(n: 2, count: 1_000))
        XCTAssertNil(BatchLayout.ranges(n: 1, count: 31, align: 16))
        Parallel.threads = 1
        XCTAssertNil(BatchLayout.ranges(n: 1, count: 1_000))
    }

    /// Channel-last and back against the definition, on every kernel set: whole 8x8 tiles and the
    /// edges around them, a run of pixels, planes inside larger ones, bias, ReLU (NaN -> 0) and
    /// accumulation.
    func testChannelLastMovesMatchTheDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 3)
            for (c, l) in [(3, 10), (8, 8), (13, 37), (24, 16), (64, 49)] {
                var x = Tensor.normal([c, l], using: &rng).scalars
                x[l / 2] = .nan
                let bias = Tensor.normal([c], using: &rng).scalars, run = (l / 3)..<l
                var t = [Float](repeating: -1, count: l * c)
                BatchLayout.toChannelLast(x, &t, c: c, l: l, pixels: run)
                for p in 0..<l {
                    for ch in 0..<c {
                        let want = run.contains(p) ? x[ch * l + p] : -1
                        XCTAssert(t[p * c + ch] == want || (t[p * c + ch].isNaN && want.isNaN), "\(set) \(c)x\(l) at \(p), \(ch)")
                    }
                }
                BatchLayout.toChannelLast(x, &t, c: c, l: l)
                let stride = l + 5, base = Tensor.normal([c, stride], using: &rng).scalars
                for (relu, accumulate) in [(false, false), (true, false), (false, true)] {
                    var y = base
                    bias.withUnsafeBufferPointer { b in
                        BatchLayout.fromChannelLast(t, &y, c: c, l: l, planeStride: stride, bias: b.baseAddress, relu: relu, accumulate: accumulate)
                    }
                    for ch in 0..<c {
                        for q in 0..<stride {
                            let i = ch * stride + q, v = q < l ? x[ch * l + q] + bias[ch] : 0
                            let want = q >= l ? base[i] : accumulate ? base[i] + v : relu ? (v > 0 ? v : 0) : v
                            XCTAssert(y[i] == want || (y[i].isNaN && want.isNaN), "\(set) \(c)x\(l) relu \(relu) acc \(accumulate) at \(ch), \(q)")
                        }
                    }
                }
            }
        }
    }
}
