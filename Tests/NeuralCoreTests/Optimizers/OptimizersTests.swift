import XCTest
import NeuralCore
import TestSupport

/// Five steps of each optimizer from PyTorch's stored gradients must give its parameter trajectory.
final class OptimizersTests: XCTestCase {
    private func trajectory(_ name: String, file: StaticString = #filePath, line: UInt = #line,
                            make: ([Parameter], [String: Any]) -> any Optimizer,
                            state: (any Optimizer) -> [(String, [Float])]) throws {
        let fx = try Fixtures.load("optim/\(name).safetensors")
        let hp = fx.config["hyperparams"] as! [String: Any]
        let p = Parameter(try fx.tensor("param"))
        let opt = make([p], hp)
        for i in 0..<5 {
            p.zeroGrad()
            // Feed the stored gradient through autograd: L = Σ p ⊙ g_i.
            (p.value * (try fx.tensor("grad\(i)"))).sum().backward()
            opt.step()
            assertClose(p.value, try fx.tensor("param\(i + 1)"), "\(name) step \(i + 1)", file: file, line: line)
        }
        for (key, values) in state(opt) {
            assertClose(Tensor(shape: p.shape, scalars: values), try fx.tensor("state/\(key)"), "\(name) \(key)", file: file, line: line)
        }
    }

    private func f(_ hp: [String: Any], _ k: String) -> Float { Float(hp[k] as! Double) }

    func testSGDVariants() throws {
        for name in ["sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay"] {
            try trajectory(name, make: { ps, hp in
                SGD(ps, lr: f(hp, "lr"), momentum: f(hp, "momentum"), nesterov: hp["nesterov"] as! Bool, weightDecay: f(hp, "weight_decay"))
            }, state: { opt in
                (opt as! SGD).momentumBuffer(0).map { [("momentum_buffer", $0)] } ?? []
            })
        }
    }

    func testAdamVariants() throws {
        for name in ["adam", "adam_betas"] {
            try trajectory(name, make: { ps, hp in
                let b = hp["betas"] as! [Double]
                return Adam(ps, lr: f(hp, "lr"), betas: (Float(b[0]), Float(b[1])), eps: f(hp, "eps"), weightDecay: f(hp, "weight_decay"))
            }, state: { opt in
                let a = opt as! Adam
                return [("exp_avg", a.firstMoment(0)), ("exp_avg_sq", a.secondMoment(0))]
            })
        }
        try trajectory("adamw", make: { ps, hp in
            AdamW(ps, lr: f(hp, "lr"), eps: f(hp, "eps"), weightDecay: f(hp, "weight_decay"))
        }, state: { opt in
            let a = opt as! Adam
            return [("exp_avg", a.firstMoment(0)), ("exp_avg_sq", a.secondMoment(0))]
        })
    }

    func testRMSProp() throws {
        try trajectory("rmsprop", make: { ps, hp in
            RMSProp(ps, lr: f(hp, "lr"), alpha: f(hp, "alpha"), eps: f(hp, "eps"))
        }, state: { opt in [("square_avg", (opt as! RMSProp).squareAverage(0))] })
    }
}
