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
    /// A seed starts its output's gradient (written, not added to zeros); one output given twice
    /// gets the sum of its seeds.
    func testSeedsStartAndAddUp() {
        var rng = RandomGenerator(seed: 3)
        let xv = Tensor.normal([3, 70_000], using: &rng), a = Tensor.normal([3, 70_000], using: &rng), b = Tensor.normal([3, 70_000], using: &rng)
        let x1 = xv.requiringGrad()
        (x1 * 2).backward(a)
        XCTAssertEqual(x1.grad!.scalars, a.scalars.map { $0 * 2 })
        let x2 = xv.requiringGrad(), y = x2 * 2
        Tensor.backward([y, y], seeds: [a, b])
        XCTAssertEqual(x2.grad!.scalars, zip(a.scalars, b.scalars).map { ($0 + $1) * 2 })
    }

    // A second backward through a freed graph stopping: ArgumentChecksTests ("backward-twice").
}
