import XCTest
import NeuralCore
import TestSupport

final class ActivationsTests: XCTestCase {
    func testParity() throws {
        try runOpFixture("relu") { _, t in ["output": t["input"]!.relu()] }
        try runOpFixture("leaky_relu") { _, t in ["output": t["input"]!.leakyRelu(0.2)] }
        try runOpFixture("sigmoid") { _, t in ["output": t["input"]!.sigmoid()] }
        try runOpFixture("tanh") { _, t in ["output": t["input"]!.tanh()] }
        try runOpFixture("gelu") { _, t in ["output": t["input"]!.gelu()] }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.normal([3, 7], using: &rng)
        checkGradients([x], eps: 1e-3, "relu") { $0[0].relu() }
        checkGradients([x], eps: 1e-3, "leakyRelu") { $0[0].leakyRelu(0.2) }
        checkGradients([x], "sigmoid") { $0[0].sigmoid() }
        checkGradients([x], "tanh") { $0[0].tanh() }
        checkGradients([x], "one input through both, twice (gradients written, then added)") { $0[0].sigmoid() * $0[0].tanh() + $0[0].sigmoid() }
        checkGradients([x], "gelu") { $0[0].gelu() }
    }
}
