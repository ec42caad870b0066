import XCTest
@testable import NeuralCore
import TestSupport

final class LinearTests: XCTestCase {
    /// In inference Linear + eval BatchNorm1D + ReLU is one pass over the output: the same values
    /// as the layers one by one; a graph, or a (N, L, in) input, runs them one by one.
    func testThenNormAndReLU() {
        var rng = RandomGenerator(seed: 41)
        let fc = Linear(7, 12, rng: &rng), bn = randomEvalNorm(BatchNorm1D(12), using: &rng)
        let x = Tensor.normal([5, 7], using: &rng)
        for (norm, relu) in [(bn, true), (bn, false), (nil, true)] as [(BatchNorm?, Bool)] {
            let fused = withoutGrad { fc(x, then: norm, relu: relu) }
            let layered = layerByLayer(fc(x), then: norm, relu: relu)
            assertClose(fused, layered, rtol: 1e-5, atol: 1e-5, "norm \(norm != nil), relu \(relu)")
            XCTAssertNotNil(fc(x, then: norm, relu: relu).node, "with a graph the layers are recorded")
        }
        // (N, L, in): BatchNorm1D's channels are L, not the outputs, so nothing is fused.
        let seq = Tensor.normal([2, 12, 7], using: &rng)
        assertClose(withoutGrad { fc(seq, then: bn, relu: true) }, bn(fc(seq)).relu(), rtol: 1e-5, atol: 1e-5, "(N, L, in)")
    }
}
