import XCTest
import NeuralCore
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

    func testRowsSumToOne() {
        let x = Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -5, 0, 5])
        let s = x.softmax().sum(axes: [1]).scalars
        assertClose(s, [1, 1], rtol: 0, atol: 1e-6)
    }
}
