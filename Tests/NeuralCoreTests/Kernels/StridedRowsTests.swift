import XCTest
@testable import NeuralCore
import TestSupport

/// moveRows against a plain loop: rows long and short, ranges starting and ending inside rows,
/// copy and add, on 1, 2, 3 and 16 threads and every kernel set (the add runs the set's add_rows).
final class StridedRowsTests: XCTestCase {
    func testMovesEqualAPlainLoop() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 31)
            // (rows, len, srcStride, dstStride): one long row, many short ones, a row per range
            for (rows, len, ss, ds) in [(1, 70_001, 70_001, 70_001), (5_000, 13, 20, 17), (3, 40_000, 40_003, 40_000), (7, 9_999, 9_999, 10_001)] {
                let src = Tensor.normal([rows * ss], using: &rng).scalars
                let start = Tensor.normal([rows * ds], using: &rng).scalars
                for accumulate in [false, true] {
                    var want = start
                    for o in 0..<rows { for j in 0..<len { want[o * ds + j] = accumulate ? want[o * ds + j] + src[o * ss + j] : src[o * ss + j] } }
                    for threads in [1, 2, 3, 16] {
                        Parallel.threads = threads
                        var got = start
                        src.withUnsafeBufferPointer { s in
                            got.withUnsafeMutableBufferPointer { d in
                                moveRows(rows, len, from: s.baseAddress!, stride: ss, to: d.baseAddress!, stride: ds, accumulate: accumulate)
                            }
                        }
                        XCTAssertEqual(got, want, "\(set) \(rows)x\(len) accumulate \(accumulate) on \(threads) threads")
                    }
                }
            }
        }
    }
}
