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
    /// A seed starts its output's gradient (its buffer is used as it is); one output given twice
    /// gets the sum of its seeds, and a root that another root's pass adds into gets both; the
    /// seeds keep their values throughout.
    func testSeedsStartAndAddUp() {
        var rng = RandomGenerator(seed: 3)
        let xv = Tensor.normal([3, 70_000], using: &rng), a = Tensor.normal([3, 70_000], using: &rng), b = Tensor.normal([3, 70_000], using: &rng)
        let av = a.scalars, bv = b.scalars
        let x1 = xv.requiringGrad()
        (x1 * 2).backward(a)
        XCTAssertEqual(x1.grad!.scalars, av.map { $0 * 2 })
        let x2 = xv.requiringGrad(), y = x2 * 2
        Tensor.backward([y, y], seeds: [a, b])
        XCTAssertEqual(x2.grad!.scalars, zip(av, bv).map { ($0 + $1) * 2 })
        let x3 = xv.requiringGrad(), y3 = x3 * 2, z3 = y3 * 3
        Tensor.backward([y3, z3], seeds: [a, b])   // z3's pass adds 3b into y3's gradient, a
        XCTAssertEqual(x3.grad!.scalars, zip(av, bv).map { ($0 + 3 * $1) * 2 })
        XCTAssertEqual(a.scalars, av)
        XCTAssertEqual(b.scalars, bv)
    }

    // A second backward through a freed graph stopping: ArgumentChecksTests ("backward-twice").
}
