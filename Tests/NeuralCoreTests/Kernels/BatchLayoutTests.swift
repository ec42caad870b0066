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

    /// Channel-last and back over a run of pixels inside whole planes.
    func testChannelLastRunsRoundTrip() {
        var rng = RandomGenerator(seed: 3)
        let c = 3, l = 10, x = Tensor.normal([c, l], using: &rng).scalars
        var t = [Float](repeating: -1, count: l * c), back = [Float](repeating: 0, count: c * l)
        x.withUnsafeBufferPointer { src in
            BatchLayout.toChannelLast(src.baseAddress!, &t, c: c, l: l, pixels: 4..<7)
        }
        for p in 0..<l { for ch in 0..<c { XCTAssertEqual(t[p * c + ch], (4..<7).contains(p) ? x[ch * l + p] : -1) } }
        t.withUnsafeBufferPointer { src in
            back.withUnsafeMutableBufferPointer { dst in
                BatchLayout.fromChannelLast(src.baseAddress! + 4 * c, dst.baseAddress! + 4, c: c, l: 3, planeStride: l,
                                            bias: nil, relu: false, accumulate: false)
            }
        }
        for ch in 0..<c { for p in 0..<l { XCTAssertEqual(back[ch * l + p], (4..<7).contains(p) ? x[ch * l + p] : 0) } }
    }
}
