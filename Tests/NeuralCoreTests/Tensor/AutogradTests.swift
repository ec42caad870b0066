import XCTest
import Foundation
import NeuralCore
import TestSupport

/// Backward semantics as PyTorch's, against fixtures from scripts/make_autograd_fixtures.py.
final class AutogradTests: XCTestCase {
    func testRetainGraphLetsASecondBackwardAddUp() throws {
        let fx = try Fixtures.load("autograd/retain_graph.safetensors")
        let x = try fx.tensor("x").requiringGrad(), w = try fx.tensor("w").requiringGrad()
        let y = x.matmul(w).tanh().sum()
        y.backward(retainGraph: true)
        y.backward()
        assertClose(x.grad!, try fx.tensor("x_grad"), rtol: 1e-5, atol: 1e-6)
        assertClose(w.grad!, try fx.tensor("w_grad"), rtol: 1e-5, atol: 1e-6)
    }

    func testBackwardOfSeveralOutputsAtOnce() throws {
        let fx = try Fixtures.load("autograd/several_outputs.safetensors")
        let x = try fx.tensor("x").requiringGrad(), w = try fx.tensor("w").requiringGrad()
        let h = x.matmul(w).tanh()
        let seed2 = try fx.tensor("seed2")
        Tensor.backward([h.sum(), h * h], seeds: [nil, seed2])
        assertClose(x.grad!, try fx.tensor("x_grad"), rtol: 1e-5, atol: 1e-6)
        assertClose(w.grad!, try fx.tensor("w_grad"), rtol: 1e-5, atol: 1e-6)
    }
    // A second backward through a freed graph stopping: ArgumentChecksTests ("backward-twice").
}
