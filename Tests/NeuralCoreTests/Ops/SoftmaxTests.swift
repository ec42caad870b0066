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

    func testRowsSumToOne() {
        let x = Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -5, 0, 5])
        let s = x.softmax().sum(axes: [1]).scalars
        assertClose(s, [1, 1], rtol: 0, atol: 1e-6)
    }
}
