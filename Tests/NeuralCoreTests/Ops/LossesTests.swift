import XCTest
import NeuralCore
import TestSupport

final class LossesTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try runOpFixture("cross_entropy") { fx, t in ["output": crossEntropy(t["input"]!, targets: fx.ints("target"))] }
        try runOpFixture("cross_entropy_seq") { fx, t in ["output": crossEntropy(t["input"]!, targets: fx.ints("target"))] }
        try runOpFixture("mse_loss") { fx, t in ["output": mseLoss(t["input"]!, try fx.tensor("target"))] }
        try runOpFixture("l1_loss") { fx, t in ["output": l1Loss(t["input"]!, try fx.tensor("target"))] }
        try runOpFixture("binary_cross_entropy_with_logits") { fx, t in ["output": bceWithLogits(t["input"]!, try fx.tensor("target"))] }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 19)
        let x = Tensor.normal([4, 5], using: &rng), target = Tensor.normal([4, 5], using: &rng)
        let soft = Tensor.uniform([4, 5], using: &rng)
        checkGradients([x], "crossEntropy") { crossEntropy($0[0], targets: [0, 4, 2, 2]) }
        checkGradients([x, target], "mse") { mseLoss($0[0], $0[1]) }
        checkGradients([x], eps: 1e-3, "l1") { l1Loss($0[0], target) }
        checkGradients([x], "bce") { bceWithLogits($0[0], soft) }
    }

    func testCrossEntropyIsStableForLargeLogits() {
        let x = Tensor(shape: [1, 3], scalars: [1000, 0, -1000])
        XCTAssertEqual(crossEntropy(x, targets: [0]).item, 0, accuracy: 1e-6)
        XCTAssertEqual(crossEntropy(x, targets: [1]).item, 1000, accuracy: 1e-2)
    }
}
