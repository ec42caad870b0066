import XCTest
import NeuralCore
import TestSupport

/// The LSTM and GRU modules load PyTorch's weights by name and reproduce the op fixtures with
/// initial states; names and init follow PyTorch.
final class RecurrentTests: XCTestCase {
    func testLSTMModuleMatchesPyTorch() throws {
        let fx = try Fixtures.load("ops/lstm.safetensors")
        let x = try fx.tensor("input"), h0 = try fx.tensor("h0")
        var rng = RandomGenerator(seed: 1)
        let lstm = LSTM(x.shape[2], h0.shape[2], layers: h0.shape[0], rng: &rng)
        XCTAssertEqual(lstm.namedParameters().map(\.0).prefix(4), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        try lstm.load(fx, path: "lstm fixture", strict: false)
        let r = lstm(x, h0: h0, c0: try fx.tensor("c0"))
        assertClose(r.output, try fx.tensor("output"), "output")
        assertClose(r.h, try fx.tensor("h_n"), "h_n")
        assertClose(r.c, try fx.tensor("c_n"), "c_n")
    }

    func testGRUModuleMatchesPyTorch() throws {
        let fx = try Fixtures.load("ops/gru.safetensors")
        let x = try fx.tensor("input"), h0 = try fx.tensor("h0")
        var rng = RandomGenerator(seed: 1)
        let gru = GRU(x.shape[2], h0.shape[2], layers: h0.shape[0], rng: &rng)
        try gru.load(fx, path: "gru fixture", strict: false)
        let r = gru(x, h0: h0)
        assertClose(r.output, try fx.tensor("output"), "output")
        assertClose(r.h, try fx.tensor("h_n"), "h_n")
    }

    func testInitBoundsAreOneOverSqrtHidden() {
        var rng = RandomGenerator(seed: 2)
        let lstm = LSTM(10, 16, layers: 2, rng: &rng)
        XCTAssertEqual(lstm.parameterCount, 4 * 16 * (10 + 16) + 8 * 16 + 4 * 16 * (16 + 16) + 8 * 16)
        for (_, p) in lstm.namedParameters() { XCTAssertTrue(p.value.scalars.allSatisfy { Swift.abs($0) <= 0.25 }) }
        let lin = Linear(100, 5, rng: &rng)
        let w = lin.weight.value.scalars
        XCTAssertTrue(w.allSatisfy { Swift.abs($0) <= 0.1 })
        XCTAssertGreaterThan(w.map { Swift.abs($0) }.max()!, 0.09)
    }

    func testDropoutBetweenLayersOnlyInTraining() {
        var rng = RandomGenerator(seed: 3)
        let gru = GRU(4, 8, layers: 2, dropout: 0.5, rng: &rng)
        let x = Tensor.normal([2, 5, 4], using: &rng)
        gru.eval()
        let a = withoutGrad { gru(x).output }, b = withoutGrad { gru(x).output }
        XCTAssertEqual(a.scalars, b.scalars)
        gru.train()
        let c = withoutGrad { gru(x).output }
        XCTAssertNotEqual(a.scalars, c.scalars)
    }
}
