import Foundation
import XCTest
@testable import NeuralCore
import TestSupport

final class SoftmaxTests: XCTestCase {
    func testParity() throws {
        try runOpFixture("softmax") { _, t in ["output": t["input"]!.softmax()] }
        try runOpFixture("log_softmax") { _, t in ["output": t["input"]!.logSoftmax()] }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.normal([4, 6], using: &rng)
        checkGradients([x], "softmax") { $0[0].softmax() }
        checkGradients([x], "logSoftmax") { $0[0].logSoftmax() }
    }

    /// A block of rows (the exponentials in one call) gives the same bits as row by row, on every
    /// kernel set, for 10 classes (a part vector a row), 3, 16 and 65, and rows far apart in scale.
    func testBlockOfRowsMatchesRowByRow() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 8)
            for c in [10, 3, 16, 65] {
                let rows = 7
                var x = Tensor.normal([rows, c], std: 4, using: &rng).scalars
                x[c + 1] = 90; x[2 * c] = -80
                var byRow = [Float](repeating: 0, count: rows * c), block = byRow
                var lseRow = [Float](repeating: 0, count: rows), lseBlock = lseRow
                x.withUnsafeBufferPointer { px in
                    byRow.withUnsafeMutableBufferPointer { y in
                        for r in 0..<rows { lseRow[r] = softmaxRow(px.baseAddress! + r * c, y.baseAddress! + r * c, c) }
                    }
                    block.withUnsafeMutableBufferPointer { y in
                        lseBlock.withUnsafeMutableBufferPointer { softmaxRows(px.baseAddress!, y.baseAddress!, rows: rows, c, lse: $0.baseAddress!) }
                    }
                }
                XCTAssertEqual(block, byRow, "\(set) c \(c)")
                XCTAssertEqual(lseBlock, lseRow, "\(set) c \(c)")
            }
        }
    }

    /// Rows in blocks on threads (300 rows of 70: 58 rows a block): the definition in Double, the
    /// same bits on 1, 3 and 16 threads, forward and backward; a row with NaN is NaN, as PyTorch's.
    func testManyRowsOnThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 12)
        let (rows, c) = (300, 70)
        var xs = Tensor.normal([rows, c], std: 3, using: &rng).scalars
        xs[5 * c + 9] = .nan
        let x = Tensor(shape: [rows, c], scalars: xs), w = Tensor.normal([rows, c], using: &rng)
        var want = [Double](repeating: 0, count: rows * c)
        for r in 0..<rows {
            let row = xs[(r * c)..<((r + 1) * c)].map(Double.init), m = row.max()!
            let z = row.map { Foundation.exp($0 - m) }.reduce(0, +)
            for j in 0..<c { want[r * c + j] = Foundation.exp(row[j] - m) / z }
        }
        var first: [[Float]] = []
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let a = x.requiringGrad(), b = x.requiringGrad()
            let s = a.softmax(), l = b.logSoftmax()
            ((s * w).sum() + (l * w).sum()).backward()
            let got = [s.scalars, l.scalars, a.grad!.scalars, b.grad!.scalars]
            let bits = got.map { $0.map(\.bitPattern) }
            if first.isEmpty { first = got } else { XCTAssertTrue(bits == first.map { $0.map(\.bitPattern) }, "\(threads) threads against 1") }
            for r in 0..<rows where r != 5 {
                for j in 0..<c {
                    XCTAssertEqual(Double(got[0][r * c + j]), want[r * c + j], accuracy: 1e-6 + 1e-5 * want[r * c + j], "softmax (\(r), \(j))")
                    XCTAssertEqual(Double(got[1][r * c + j]), Foundation.log(want[r * c + j]), accuracy: 1e-4, "logSoftmax (\(r), \(j))")
                }
            }
            XCTAssertTrue(got[0][(5 * c)..<(6 * c)].allSatisfy(\.isNaN), "the row with NaN")
        }
    }

    func testRowsSumToOne() {
        let x = Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -5, 0, 5])
        let s = x.softmax().sum(axes: [1]).scalars
        assertClose(s, [1, 1], rtol: 0, atol: 1e-6)
    }
}
