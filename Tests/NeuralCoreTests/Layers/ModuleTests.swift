import XCTest
@testable import NeuralCore
import TestSupport

final class ModuleTests: XCTestCase {
    /// `frozen(d)`: the gradient still flows through d into the layers before it (the same values
    /// as without freezing), d's own parameters get none, and the freeze ends with the body.
    func testFrozenModulePassesGradientButGetsNone() {
        var rng = RandomGenerator(seed: 7)
        let g = Linear(4, 6, rng: &rng), d = Sequential([Conv2D(1, 3, kernel: 3, padding: 1, rng: &rng)])
        let z = Tensor.normal([2, 4], using: &rng)
        func loss(_ frozenD: Bool) -> Tensor {
            let img = g(z).reshaped([2, 1, 2, 3])
            let score = frozenD ? frozen(d) { d(img) } : d(img)
            return (score * score).sum()
        }
        loss(false).backward()
        let reference = g.trainableParameters.map { $0.grad! }
        XCTAssertTrue(d.trainableParameters.allSatisfy { $0.grad != nil })
        g.zeroGrad(); d.trainableParameters.forEach { $0.zeroGrad() }

        let dBefore = d.trainableParameters.map { $0.grad!.scalars }
        loss(true).backward()
        for (p, r) in zip(g.trainableParameters, reference) { assertClose(p.grad!, r, rtol: 1e-6, atol: 1e-7, "g's gradient") }
        XCTAssertEqual(d.trainableParameters.map { $0.grad!.scalars }, dBefore, "d's gradients untouched (still zero)")
        XCTAssertTrue(dBefore.allSatisfy { $0.allSatisfy { $0 == 0 } })

        XCTAssertTrue(d.trainableParameters.allSatisfy { $0.value.requiresGrad }, "the freeze ends with the body")
        XCTAssertTrue(frozen(d) { d.trainableParameters.allSatisfy { !$0.value.requiresGrad } && g.trainableParameters.allSatisfy { $0.value.requiresGrad } })
    }
}
