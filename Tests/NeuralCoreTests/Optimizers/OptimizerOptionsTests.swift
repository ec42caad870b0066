import XCTest
import NeuralCore
import TestSupport

/// Five steps of each optimizer option against PyTorch's (scripts/make_optimizer_fixtures.py).
final class OptimizerOptionsTests: XCTestCase {
    func testOptionsMatchPyTorch() throws {
        let makers: [String: ([Parameter]) -> any Optimizer] = [
            "sgd_dampening": { SGD($0, lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01) },
            "rmsprop_momentum": { RMSProp($0, lr: 0.01, alpha: 0.9, weightDecay: 0.01, momentum: 0.8) },
            "rmsprop_centered": { RMSProp($0, lr: 0.01, alpha: 0.9, centered: true) },
            "rmsprop_centered_momentum": { RMSProp($0, lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true) },
            "adam_amsgrad": { Adam($0, lr: 0.05, weightDecay: 0.01, amsgrad: true) },
            "adamw_amsgrad": { AdamW($0, lr: 0.05, weightDecay: 0.1, amsgrad: true) },
        ]
        for (name, make) in makers.sorted(by: { $0.key < $1.key }) {
            let fx = try Fixtures.load("optim/options/\(name).safetensors")
            let p = Parameter(try fx.tensor("p0"))
            let target = try fx.tensor("target"), coeff = try fx.tensor("coeff")
            let opt = make([p])
            for k in 1...5 {
                opt.zeroGrad()
                let d = p.value - target
                (coeff * d * d).sum().backward()
                opt.step()
                assertClose(p.value, try fx.tensor("p\(k)"), rtol: 1e-5, atol: 1e-6, "\(name) step \(k)")
            }
            // The state round-trips: a copy continued from it takes the same next step.
            let q = Parameter(p.value)
            let copy = make([q])
            try copy.loadState(Dictionary(uniqueKeysWithValues: opt.state()))
            for o in [(opt, p), (copy, q)] {
                o.0.zeroGrad()
                let d = o.1.value - target
                (coeff * d * d).sum().backward()
                o.0.step()
            }
            XCTAssertEqual(q.value.scalars, p.value.scalars, "\(name): state round trip")
        }
    }
}
