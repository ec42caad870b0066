import XCTest
import Foundation
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

    /// On every kernel set (the step is a C kernel).
    func testAdamVariants() throws {
        try forEachKernelSet { _ in
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
    }

    /// The fixtures hold 12 values, shorter than one AVX-512 vector: 37 values (vectors and a tail)
    /// over three steps of Adam and AdamW against the formula in double precision.
    func testAdamFollowsTheFormulaAcrossVectors() {
        forEachKernelSet { set in
            for decoupled in [false, true] {
                var rng = RandomGenerator(seed: 26)
                let start = Tensor.normal([37], using: &rng)
                let p = Parameter(start)
                let lr: Float = 0.01, b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8, wd: Float = 0.1
                let opt: Adam = decoupled ? AdamW([p], lr: lr, eps: eps, weightDecay: wd)
                                          : Adam([p], lr: lr, betas: (b1, b2), eps: eps, weightDecay: wd)
                var x = start.scalars.map(Double.init), m = [Double](repeating: 0, count: 37), v = m
                for t in 1...3 {
                    let g = Tensor.normal([37], using: &rng)
                    p.zeroGrad()
                    (p.value * g).sum().backward()
                    opt.step()
                    for j in 0..<37 {
                        var gj = Double(g.scalars[j])
                        if decoupled { x[j] *= 1 - Double(lr * wd) } else { gj += Double(wd) * x[j] }
                        m[j] = Double(b1) * m[j] + (1 - Double(b1)) * gj
                        v[j] = Double(b2) * v[j] + (1 - Double(b2)) * gj * gj
                        let c1 = 1 - pow(Double(b1), Double(t)), c2 = (1 - pow(Double(b2), Double(t))).squareRoot()
                        x[j] -= Double(lr) / c1 * m[j] / (v[j].squareRoot() / c2 + Double(eps))
                    }
                }
                for j in 0..<37 { XCTAssertEqual(Double(p.value.scalars[j]), x[j], accuracy: 1e-5, "\(set) decoupled \(decoupled) at \(j)") }
            }
        }
    }

    func testRMSProp() throws {
        try trajectory("rmsprop", make: { ps, hp in
            RMSProp(ps, lr: f(hp, "lr"), alpha: f(hp, "alpha"), eps: f(hp, "eps"))
        }, state: { opt in [("square_avg", (opt as! RMSProp).squareAverage(0))] })
    }
}
