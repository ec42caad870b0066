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

    func testArgmax() {
        let x = Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 7])
        XCTAssertEqual(x.argmax(axis: 1), [1, 0])
        XCTAssertEqual(x.argmax(axis: 0), [1, 0, 1])
    }
}
