import XCTest
import NeuralCore
import Models
import TestSupport

/// The seven models of MODELS.md, loaded by PyTorch parameter names from the fixtures, must give
/// PyTorch's outputs, losses, every parameter and input gradient, and BN running statistics.
final class ReferenceModelsTests: XCTestCase {
    /// Loads the fixture's initial state_dict into `model` (names under `prefix`).
    private func load(_ model: any Module, _ fx: SafetensorsFile, prefix: String = "") throws {
        try model.load(fx, path: "fixture", strict: false, prefix: prefix)
    }

    /// Checks train forward, loss, gradients and running stats, then the eval forward from the
    /// initial state. `forward` returns (output, loss) for the given input leaf.
    private func check(_ name: String, _ model: any Module, input: Tensor?, file: StaticString = #filePath, line: UInt = #line,
                       forward: (Tensor?) -> (Tensor, Tensor), eval: (Tensor?) -> Tensor) throws {
        let fx = try Fixtures.load("models/\(name).safetensors")
        try load(model, fx)
        let x = input?.requiringGrad()
        model.train()
        let (out, loss) = forward(x)
        assertClose(out, try fx.tensor("output"), "\(name) output", file: file, line: line)
        assertClose(loss, try fx.tensor("loss"), "\(name) loss", file: file, line: line)
        loss.backward()
        for (pname, p) in model.namedParameters() {
            if p.isTrainable {
                // Biases before a training-mode BatchNorm have exact gradient 0: compare with atol only.
                let expected = try fx.tensor("grad/\(pname)")
                let zeroInExact = expected.scalars.allSatisfy { Swift.abs($0) < 1e-12 }
                assertClose(p.grad ?? .zeros(p.shape), expected, rtol: zeroInExact ? 0 : 1e-4, atol: zeroInExact ? 1e-6 : 1e-5,
                            "\(name) grad/\(pname)", file: file, line: line)
            } else if let after = fx.tensors["after/\(pname)"] {
                assertClose(p.value, after, "\(name) after/\(pname)", file: file, line: line)
            }
        }
        if let x, let g = fx.tensors["grad/input"] { assertClose(x.grad!, g, "\(name) grad/input", file: file, line: line) }
        try load(model, fx)
        model.eval()
        let y = withoutGrad { eval(input) }
        assertClose(y, try fx.tensor("eval_output"), "\(name) eval_output", file: file, line: line)
    }

    private func classifier(_ name: String, _ model: any Layer) throws {
        let fx = try Fixtures.load("models/\(name).safetensors")
        let target = fx.ints("target")
        try check(name, model, input: try fx.tensor("input"), forward: { x in
            let out = model(x!)
            return (out, crossEntropy(out, targets: target))
        }, eval: { model($0!) })
    }

    func testLeNet() throws {
        var rng = RandomGenerator(seed: 1)
        let m = LeNet(rng: &rng)
        XCTAssertEqual(m.parameterCount, 184_586)
        try classifier("lenet", m)
    }

    func testMLP() throws {
        var rng = RandomGenerator(seed: 1)
        let m = MLP(rng: &rng)
        XCTAssertEqual(m.parameterCount, 269_322)
        try classifier("mlp", m)
    }

    func testAudioCNN() throws {
        var rng = RandomGenerator(seed: 1)
        let m = AudioCNN(rng: &rng)
        XCTAssertEqual(m.parameterCount, 24_170)
        try classifier("audio_cnn", m)
    }

    func testCifarCNN() throws {
        var rng = RandomGenerator(seed: 1)
        let m = CifarCNN(rng: &rng)
        XCTAssertEqual(m.parameterCount, 1_116_970)
        m.drop.p = 0   // the fixture's train forward runs with dropout disabled
        try classifier("cifar_cnn", m)
    }

    func testDnCNN() throws {
        var rng = RandomGenerator(seed: 1)
        let m = DnCNN(rng: &rng)
        XCTAssertEqual(m.parameterCount, 56_289)
        let fx = try Fixtures.load("models/dncnn8.safetensors")
        try load(m, fx)
        let input = try fx.tensor("input"), clean = try fx.tensor("target")
        m.train()
        let out = m(input)   // also moves the running stats once, as the fixture's forward did
        assertClose(out, try fx.tensor("output"), "dncnn8 output")
        assertClose(mseLoss(out, clean), try fx.tensor("loss"), "dncnn8 loss")
        for (n, p) in m.namedParameters() where !p.isTrainable {
            assertClose(p.value, try fx.tensor("after/\(n)"), "dncnn8 after/\(n)")
        }
        // Gradients. ReLU inputs within 2e-6 of 0 (after batch norm; one in this fixture, at
        // -3.4e-7) take their side by float rounding, which differs between PyTorch and us (and
        // between our kernels): with ReLU written as v · mask, both sides of each such input are
        // tried, and the gradients nearest PyTorch's must match them to rtol 1e-4.
        func forward(_ x: Tensor, flips: [Int], record: (([Float]) -> Void)? = nil) -> Tensor {
            var h = x, unit = 0
            for layer in m.net.layers {
                if let bn = layer as? BatchNorm {
                    h = batchNorm(h, weight: bn.weight.value, bias: bn.bias.value, runningMean: nil, runningVar: nil, training: true)
                } else if layer is ReLU {
                    let v = h.scalars
                    record?(v)
                    var mask = v.map { $0 > 0 ? Float(1) : 0 }
                    for f in flips where f >= unit && f < unit + v.count { mask[f - unit] = 1 - mask[f - unit] }
                    h = h * Tensor(shape: h.shape, scalars: mask)
                    unit += v.count
                } else {
                    h = layer(h)
                }
            }
            return x - h
        }
        var ambiguous: [Int] = [], seen = 0
        _ = withoutGrad { forward(input, flips: [], record: { v in
            for (i, a) in v.enumerated() where Swift.abs(a) < 2e-6 { ambiguous.append(seen + i) }
            seen += v.count
        }) }
        XCTAssertLessThanOrEqual(ambiguous.count, 16, "ReLU inputs within 2e-6 of 0")
        let names = m.namedParameters().filter { $0.1.isTrainable }.map(\.0)
        let expected = try names.map { try fx.tensor("grad/\($0)") } + [try fx.tensor("grad/input")]
        func gradients(_ flips: [Int]) -> (grads: [Tensor], error: Float) {
            m.zeroGrad()
            let x = input.requiringGrad()
            mseLoss(forward(x, flips: flips), clean).backward()
            let params = Dictionary(uniqueKeysWithValues: m.namedParameters())
            let grads = names.map { Tensor(shape: params[$0]!.shape, scalars: params[$0]!.grad!.scalars) }
                + [Tensor(shape: x.shape, scalars: x.grad!.scalars)]
            var error: Float = 0
            for (g, e) in zip(grads, expected) { for (a, b) in zip(g.scalars, e.scalars) { error += (a - b) * (a - b) } }
            return (grads, error)
        }
        // Each such input touches its own neighbourhood, so the sides are chosen one at a time:
        // a flip is kept when it brings all gradients nearer PyTorch's.
        var flips: [Int] = []
        var (best, bestError) = gradients(flips)
        for unit in ambiguous {
            let trial = gradients(flips + [unit])
            if trial.error < bestError { flips.append(unit); (best, bestError) = trial }
        }
        for (i, n) in (names + ["input"]).enumerated() {
            let zero = expected[i].scalars.allSatisfy { Swift.abs($0) < 1e-12 }
            assertClose(best[i], expected[i], rtol: zero ? 0 : 1e-4, atol: zero ? 1e-6 : 1e-5, "dncnn8 grad/\(n)")
        }
        try load(m, fx)
        m.eval()
        assertClose(withoutGrad { m(input) }, try fx.tensor("eval_output"), "dncnn8 eval_output")
    }

    func testCharLSTM() throws {
        var rng = RandomGenerator(seed: 1)
        let m = CharRNN.charLSTM(rng: &rng)
        XCTAssertEqual(m.parameterCount, 876_929)
        let fx = try Fixtures.load("models/char_lstm.safetensors")
        let tokens = fx.integers["input"]!, target = fx.ints("target")
        let (b, t) = (tokens.shape[0], tokens.shape[1])
        try check("char_lstm", m, input: nil, forward: { _ in
            let out = m(tokens.values, batch: b, steps: t).logits
            return (out, crossEntropy(out, targets: target))
        }, eval: { _ in m(tokens.values, batch: b, steps: t).logits })
    }

    /// d loss_G / d fake through D, with D's second LeakyReLU written as v · slope so the slope of
    /// inputs within 1e-5 of 0 can be chosen; every choice is tried and the gradient nearest
    /// `expected` returned. With no such input this is the plain gradient.
    private func dcganGradientThroughD(_ d: DCGANDiscriminator, fake: Tensor, expected: Tensor) throws -> Tensor {
        func preActivation(_ x: Tensor) -> Tensor {
            batchNorm(d.conv2(d.conv1(x).leakyRelu(0.2)), weight: d.bn2.weight.value, bias: d.bn2.bias.value,
                      runningMean: nil, runningVar: nil, training: true)
        }
        let v = withoutGrad { preActivation(fake.detached()) }.scalars
        let ambiguous = v.indices.filter { Swift.abs(v[$0]) < 1e-5 }
        XCTAssertLessThanOrEqual(ambiguous.count, 3, "inputs of D's LeakyReLU within 1e-5 of its kink")
        var best: Tensor?, bestError = Float.infinity
        for choice in 0..<(1 << ambiguous.count) {
            var slope = v.map { $0 > 0 ? Float(1) : 0.2 }
            for (bit, i) in ambiguous.enumerated() where choice & (1 << bit) != 0 { slope[i] = slope[i] == 1 ? 0.2 : 1 }
            let leaf = fake.detached().requiringGrad()
            let pre = preActivation(leaf)
            let logits = d.fc((pre * Tensor(shape: pre.shape, scalars: slope)).flattened())
            bceWithLogits(logits, label: 1).backward()
            let g = leaf.grad!, a = g.scalars, e = expected.scalars
            let error = zip(a, e).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            if error < bestError { bestError = error; best = Tensor(shape: g.shape, scalars: a) }
        }
        return best!
    }

    func testDCGANStep() throws {
        var rng = RandomGenerator(seed: 1)
        let g = DCGANGenerator(rng: &rng), d = DCGANDiscriminator(rng: &rng)
        XCTAssertEqual(g.parameterCount, 778_305)
        XCTAssertEqual(d.parameterCount, 138_817)
        let fx = try Fixtures.load("models/dcgan.safetensors")
        try load(g, fx, prefix: "G."); try load(d, fx, prefix: "D.")
        let z = try fx.tensor("z"), real = try fx.tensor("real")
        g.train(); d.train()
        // D step: fake = G(z); loss_D = BCE(D(real), 1) + BCE(D(fake.detach()), 0).
        let fake = g(z)
        assertClose(fake, try fx.tensor("fake"), "fake")
        let logitsReal = d(real), logitsFake = d(fake.detached())
        assertClose(logitsReal, try fx.tensor("D_logits_real"), "D_logits_real")
        assertClose(logitsFake, try fx.tensor("D_logits_fake"), "D_logits_fake")
        let lossD = bceWithLogits(logitsReal, label: 1) + bceWithLogits(logitsFake, label: 0)
        assertClose(lossD, try fx.tensor("loss_D"), "loss_D")
        lossD.backward()
        for (n, p) in d.namedParameters() where p.isTrainable {
            let expected = try fx.tensor("grad/D.\(n)")
            let zero = expected.scalars.allSatisfy { Swift.abs($0) < 1e-12 }
            assertClose(p.grad!, expected, rtol: zero ? 0 : 1e-4, atol: zero ? 1e-6 : 1e-5, "grad/D.\(n)")
        }
        let adam = Adam(d.trainableParameters, lr: 2e-4, betas: (0.5, 0.999))
        adam.step()
        for (n, p) in d.namedParameters() where p.isTrainable {
            // Adam's first step is ≈ lr·sign(g): float32 rounding of tiny g moves it by up to lr (README).
            assertClose(p.value, try fx.tensor("after_D_step/D.\(n)"), rtol: 1e-4, atol: 5e-4, "after_D_step/D.\(n)")
        }
        // G step with the stored updated D, reusing the same fake.
        for (n, p) in d.namedParameters() where p.isTrainable { p.assign(try fx.tensor("after_D_step/D.\(n)")) }
        d.zeroGrad(); g.zeroGrad()
        // Through D to the fake images (D's third forward, which also moves its running stats),
        // then into G.
        let logitsG = d(fake.detached())
        assertClose(logitsG, try fx.tensor("D_logits_fake_G_step"), "D_logits_fake_G_step")
        let lossG = bceWithLogits(logitsG, label: 1)
        assertClose(lossG, try fx.tensor("loss_G"), "loss_G")
        // One input of D's second LeakyReLU lies 3.6e-7 from the kink in this fixture, so float
        // rounding (PyTorch's, ours, the GEMM blocking) decides its slope (1 or 0.2) and with it
        // ~100 values of grad/fake. Such inputs (|v| < 1e-5) are found, the gradient is taken for
        // each choice of their sides, and the choice nearest PyTorch's must match it to rtol 1e-4.
        let expectedGradFake = try fx.tensor("grad/fake")
        let gradFake = try dcganGradientThroughD(d, fake: fake, expected: expectedGradFake)
        assertClose(gradFake, expectedGradFake, "grad/fake")
        fake.backward(gradFake)
        for (n, p) in g.namedParameters() {
            if p.isTrainable {
                let expected = try fx.tensor("grad/G.\(n)")
                let zero = expected.scalars.allSatisfy { Swift.abs($0) < 1e-12 }
                assertClose(p.grad!, expected, rtol: zero ? 0 : 1e-4, atol: zero ? 1e-6 : 1e-5, "grad/G.\(n)")
            } else {
                assertClose(p.value, try fx.tensor("after/G.\(n)"), "after/G.\(n)")
            }
        }
        for (n, p) in d.namedParameters() where !p.isTrainable {
            assertClose(p.value, try fx.tensor("after/D.\(n)"), "after/D.\(n)")
        }
        // Eval forwards from the initial state.
        try load(g, fx, prefix: "G."); try load(d, fx, prefix: "D.")
        g.eval(); d.eval()
        withoutGrad {
            assertClose(g(z), try! fx.tensor("eval_output"), "G eval_output")
            assertClose(d(real), try! fx.tensor("D_eval_logits_real"), "D_eval_logits_real")
        }
    }
}
