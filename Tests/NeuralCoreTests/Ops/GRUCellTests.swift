import XCTest
import NeuralCore
import TestSupport

final class GRUCellTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try forEachKernelSet { _ in
            try runOpFixture("gru") { fx, t in
                let h0 = t["h0"]!
                let b = h0.shape[1], h = h0.shape[2]
                var x = t["input"]!
                var hs: [Tensor] = []
                for l in 0..<h0.shape[0] {
                    let r = gruLayer(x, h0: h0.slice(axis: 0, l..<(l + 1)).reshaped([b, h]),
                                     weightIH: t["weight_ih_l\(l)"]!, weightHH: t["weight_hh_l\(l)"]!,
                                     biasIH: t["bias_ih_l\(l)"]!, biasHH: t["bias_hh_l\(l)"]!)
                    x = r.output; hs.append(r.h)
                }
                return ["output": x, "h_n": Tensor.stack(hs)]
            }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 21)
        let x = Tensor.normal([2, 4, 3], using: &rng)
        let wih = Tensor.normal([15, 3], std: 0.4, using: &rng), whh = Tensor.normal([15, 5], std: 0.4, using: &rng)
        let bih = Tensor.normal([15], std: 0.2, using: &rng), bhh = Tensor.normal([15], std: 0.2, using: &rng)
        let h0 = Tensor.normal([2, 5], using: &rng)
        checkGradients([x, wih, whh, bih, bhh, h0], "gru output + h") { a in
            let r = gruLayer(a[0], h0: a[5], weightIH: a[1], weightHH: a[2], biasIH: a[3], biasHH: a[4])
            return Tensor.concatenate([r.output.reshaped([2, 20]), r.h], axis: 1)
        }
    }
}
