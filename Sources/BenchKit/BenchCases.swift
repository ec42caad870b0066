import NeuralCore
import Models

/// One benchmark model of MODELS.md: a training step and an inference pass over fixed seeded data.
public struct BenchCase {
    public let batch: Int
    public let params: Int
    public var paramsG: Int? = nil, paramsD: Int? = nil
    public var tokensPerSample: Int? = nil
    public let trainStep: () -> Void
    public let infer: () -> Void
}

/// Trainable parameter counts of MODELS.md: a model that differs is an error, not a number.
public let expectedParams: [String: Int] = [
    "lenet": 184_586, "cifar_cnn": 1_116_970, "dncnn8": 56_289, "audio_cnn": 24_170,
    "char_lstm": 876_929, "dcgan": 917_122, "mlp": 269_322,
]
public let allModels = ["lenet", "cifar_cnn", "dncnn8", "audio_cnn", "char_lstm", "dcgan", "mlp"]

func classifierCase(_ model: any Layer, input: Tensor, labels: [Int]) -> BenchCase {
    let opt = Adam(model.trainableParameters, lr: 1e-3)
    return BenchCase(batch: input.shape[0], params: model.parameterCount, trainStep: {
        model.train()
        opt.zeroGrad()
        crossEntropy(model(input), targets: labels).backward()
        opt.step()
    }, infer: {
        model.eval()
        _ = withoutGrad { model(input) }
    })
}

/// The case of MODELS.md model `name` on data and weights from `seed` (nil: no such model).
public func buildCase(_ name: String, seed: UInt64) -> BenchCase? {
    var rng = RandomGenerator(seed: seed)
    func labels(_ n: Int, _ k: Int) -> [Int] { (0..<n).map { _ in rng.int(below: k) } }
    switch name {
    case "lenet":
        let m = LeNet(rng: &rng)
        return classifierCase(m, input: .normal([64, 1, 28, 28], using: &rng), labels: labels(64, 10))
    case "cifar_cnn":
        let m = CifarCNN(rng: &rng)
        return classifierCase(m, input: .normal([64, 3, 32, 32], using: &rng), labels: labels(64, 10))
    case "audio_cnn":
        let m = AudioCNN(rng: &rng)
        return classifierCase(m, input: .normal([32, 1, 64, 100], using: &rng), labels: labels(32, 10))
    case "mlp":
        let m = MLP(rng: &rng)
        return classifierCase(m, input: .normal([128, 784], using: &rng), labels: labels(128, 10))
    case "dncnn8":
        let m = DnCNN(rng: &rng)
        let clean = Tensor.uniform([32, 1, 40, 40], using: &rng)
        let noisy = withoutGrad { clean + Tensor.normal([32, 1, 40, 40], std: 0.1, using: &rng) }
        let opt = Adam(m.trainableParameters, lr: 1e-3)
        return BenchCase(batch: 32, params: m.parameterCount, trainStep: {
            m.train(); opt.zeroGrad()
            mseLoss(m(noisy), clean).backward()
            opt.step()
        }, infer: { m.eval(); _ = withoutGrad { m(noisy) } })
    case "char_lstm":
        let (b, t, v) = (32, 64, 65)
        let m = CharRNN.charLSTM(vocab: v, rng: &rng)
        let tokens = labels(b * t, v), targets = labels(b * t, v)
        let opt = Adam(m.trainableParameters, lr: 1e-3)
        return BenchCase(batch: b, params: m.parameterCount, tokensPerSample: t, trainStep: {
            m.train(); opt.zeroGrad()
            crossEntropy(m(tokens, batch: b, steps: t).logits, targets: targets).backward()
            opt.step()
        }, infer: { m.eval(); _ = withoutGrad { m(tokens, batch: b, steps: t) } })
    case "dcgan":
        let b = 64
        let g = DCGANGenerator(rng: &rng), d = DCGANDiscriminator(rng: &rng)
        let optG = Adam(g.trainableParameters, lr: 2e-4, betas: (0.5, 0.999))
        let optD = Adam(d.trainableParameters, lr: 2e-4, betas: (0.5, 0.999))
        let real = Tensor.uniform([b, 1, 28, 28], low: -1, high: 1, using: &rng)
        let noise = Tensor.normal([b, 100], using: &rng)
        return BenchCase(batch: b, params: g.parameterCount + d.parameterCount, paramsG: g.parameterCount, paramsD: d.parameterCount,
                         trainStep: {
            g.train(); d.train()
            optD.zeroGrad()
            let fake = g(noise)
            (bceWithLogits(d(real), label: 1) + bceWithLogits(d(fake.detached()), label: 0)).backward()
            optD.step()
            optG.zeroGrad()
            bceWithLogits(frozen(d) { d(fake) }, label: 1).backward()   // G's gradients only, as Keras' tape
            optG.step()
        }, infer: { g.eval(); _ = withoutGrad { g(noise) } })
    default:
        return nil
    }
}
