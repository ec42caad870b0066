import XCTest
@testable import NeuralCore
import TestSupport

final class SequentialTests: XCTestCase {
    /// In inference a convolution with the eval-mode batch norm and ReLU after it runs fused (the
    /// norm folded into the weights): the same outputs as the layers one by one, on the direct
    /// 3x3 path (rows of 16+ pixels) and the im2col path, with and without bias, norm or ReLU.
    func testFusedInferenceEqualsLayerByLayer() {
        var rng = RandomGenerator(seed: 31)
        func norm(_ c: Int) -> BatchNorm2D { randomEvalNorm(BatchNorm2D(c), using: &rng) }
        let net = Sequential([
            Conv2D(3, 8, kernel: 3, padding: 1, rng: &rng), norm(8), ReLU(),
            Conv2D(8, 6, kernel: 3, padding: 1, bias: false, rng: &rng), ReLU(),
            Conv2D(6, 5, kernel: 5, rng: &rng), norm(5),
            Conv2D(5, 4, kernel: 3, padding: 1, rng: &rng), ReLU(), MaxPool2D(2),
        ])
        net.eval()
        for (h, w) in [(20, 24), (9, 11)] {
            let x = Tensor.normal([3, 3, h, w], using: &rng)
            let fused = withoutGrad { net(x) }
            let layered = net(x)   // parameters require grad: the graph is recorded, nothing fused
            assertClose(fused, layered, rtol: 1e-5, atol: 1e-5, "\(h)x\(w)")
        }
    }

    /// conv(x, then: norm, relu:) fuses only in inference: a norm in training mode (batch
    /// statistics, running stats moved) runs as its own layer even without a graph.
    func testConvThenNormFusesOnlyInInference() {
        var rng = RandomGenerator(seed: 32)
        let conv = Conv2D(2, 4, kernel: 3, padding: 1, rng: &rng), bn = BatchNorm2D(4)
        let x = Tensor.normal([3, 2, 18, 18], using: &rng)
        let training = withoutGrad { conv(x, then: bn, relu: true) }
        XCTAssertNotEqual(bn.runningMean.value.scalars, [0, 0, 0, 0], "training-mode norm updates its running mean")
        bn.runningMean.assign(.zeros([4])); bn.runningVar.assign(.ones([4]))
        let reference = bn(conv(x)).relu()
        assertClose(training, reference, rtol: 1e-5, atol: 1e-5, "training mode")
        bn.eval()
        assertClose(withoutGrad { conv(x, then: bn, relu: true) }, bn(conv(x)).relu(), rtol: 1e-5, atol: 1e-5, "eval, fused")
    }
}
