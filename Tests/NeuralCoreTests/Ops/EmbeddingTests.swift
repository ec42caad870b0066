import XCTest
import NeuralCore
import TestSupport

final class EmbeddingTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try runOpFixture("embedding") { fx, t in
            let idx = fx.integers["input"]!
            return ["output": embedding(idx.values, shape: idx.shape, weight: t["weight"]!)]
        }
    }

    func testGradient() {
        var rng = RandomGenerator(seed: 18)
        let w = Tensor.normal([6, 3], using: &rng)
        checkGradients([w], "embedding") { embedding([1, 4, 1, 0, 5, 1], shape: [2, 3], weight: $0[0]) }
    }
}
