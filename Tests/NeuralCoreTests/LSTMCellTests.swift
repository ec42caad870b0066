import XCTest
import NeuralCore
import TestSupport

final class LSTMCellTests: XCTestCase {
    /// Runs the fixture's 2-layer LSTM through the layer-by-layer fused op.
    private func run(_ fx: SafetensorsFile, _ t: [String: Tensor]) -> [String: Tensor] {
        let layers = fx.config["args"].flatMap { ($0 as? [String: Any])?["num_layers"] as? Int } ?? 1
        let h0 = t["h0"]!, c0 = t["c0"]!
        let b = h0.shape[1], h = h0.shape[2]
        var x = t["input"]!
        var hs: [Tensor] = [], cs: [Tensor] = []
        for l in 0..<layers {
            let r = lstmLayer(x, h0: h0.slice(axis: 0, l..<(l + 1)).reshaped([b, h]), c0: c0.slice(axis: 0, l..<(l + 1)).reshaped([b, h]),
                              weightIH: t["weight_ih_l\(l)"]!, weightHH: t["weight_hh_l\(l)"]!,
                              biasIH: t["bias_ih_l\(l)"]!, biasHH: t["bias_hh_l\(l)"]!)
            x = r.output; hs.append(r.h); cs.append(r.c)
        }
        return ["output": x, "h_n": Tensor.stack(hs), "c_n": Tensor.stack(cs)]
    }

    func testParityWithPyTorch() throws {
        try runOpFixture("lstm") { fx, t in run(fx, t) }
        try runOpFixture("lstm_long") { fx, t in run(fx, t) }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 20)
        let x = Tensor.normal([2, 4, 3], using: &rng)
        let wih = Tensor.normal([20, 3], std: 0.4, using: &rng), whh = Tensor.normal([20, 5], std: 0.4, using: &rng)
        let bih = Tensor.normal([20], std: 0.2, using: &rng), bhh = Tensor.normal([20], std: 0.2, using: &rng)
        let h0 = Tensor.normal([2, 5], using: &rng), c0 = Tensor.normal([2, 5], using: &rng)
        checkGradients([x, wih, whh, bih, bhh, h0, c0], "lstm output + h + c") { a in
            let r = lstmLayer(a[0], h0: a[5], c0: a[6], weightIH: a[1], weightHH: a[2], biasIH: a[3], biasHH: a[4])
            return Tensor.concatenate([r.output.reshaped([2, 20]), r.h, r.c], axis: 1)
        }
    }
}
