import XCTest
@testable import NeuralCore
import TestSupport

final class Conv2DTests: XCTestCase {
    /// reluMaxPool (ReLU after the pooling while training) gives the values and gradients of
    /// convolution, norm, ReLU, then pooling, layer by layer; with ties and all-negative windows
    /// (a bias of -3 makes most windows negative), with and without batch norm, and in inference.
    func testReLUAfterPoolingEqualsReLUBeforeIt() {
        var rng = RandomGenerator(seed: 24)
        for withNorm in [false, true] {
            let conv = Conv2D(3, 4, kernel: 3, padding: 1, rng: &rng)
            conv.bias!.value.storage.pointer.update(repeating: -3, count: 4)
            let bn = withNorm ? BatchNorm2D(4) : nil
            var xv = Tensor.normal([2, 3, 8, 8], using: &rng).scalars
            for i in stride(from: 0, to: xv.count, by: 7) { xv[i] = 0.5 }   // repeated values: ties in windows
            let x = Tensor(shape: [2, 3, 8, 8], scalars: xv).requiringGrad()
            let up = Tensor.normal([2, 4, 4, 4], using: &rng)
            var params = conv.trainableParameters
            if let bn { params += bn.trainableParameters }
            func run(_ f: () -> Tensor) -> [[Float]] {
                x.zeroGrad(); params.forEach { $0.zeroGrad() }
                let y = f()
                (y * up).sum().backward()
                return [y.scalars, x.grad!.scalars] + params.map { $0.grad!.scalars }
            }
            let reference = run { maxPool2d(BatchNorm.layerByLayer(conv(x), then: bn, relu: true), kernel: 2) }
            let swapped = run { conv.reluMaxPool(x, then: bn) }
            XCTAssertGreaterThan(reference[0].filter { $0 == 0 }.count, 4, "some windows have no positive value")
            for (r, s) in zip(reference, swapped) {
                XCTAssertEqual(r.count, s.count)
                for (a, b) in zip(r, s) { XCTAssertEqual(a, b, accuracy: 1e-5 * Swift.max(1, Swift.abs(a)), "norm \(withNorm)") }
            }
            bn?.eval()
            let inference = withoutGrad { conv.reluMaxPool(x, then: bn) }
            let layered = withoutGrad { maxPool2d(BatchNorm.layerByLayer(conv(x), then: bn, relu: true), kernel: 2) }
            assertClose(inference, layered, rtol: 1e-5, atol: 1e-5)
        }
    }
}
