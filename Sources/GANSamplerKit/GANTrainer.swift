import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit

/// A GAN's part of the training loop (Radford et al. 2016; a cGAN with `conditional`): per step,
/// D learns real (target `realLabel`) from generated (0), then G learns to make D say 1; Adam
/// (0.5, 0.999) for each. After each epoch: samples from fixed noise scored by the judge
/// (Inception Score, Frechet distance to real features, class histogram) and drawn as a grid.
/// Draws of a step are a function of the seed and the step, so a run resumes exactly.
public final class GANTrainer: TrainingTask {
    public let pair: GANPair
    public let optimizer: any Optimizer
    let optG: Adam, optD: Adam
    let settings: GANSettings
    let data: LabeledImages
    let classes: Int
    let judge: SampleJudge?
    let realFeatures: (mean: [Double], cov: [Double])?
    let run: RunFolder
    let batch: Int
    private var order: [Int] = []
    /// Fixed noise and labels of the per-epoch grid (10 x 10; row = class when conditional).
    let gridNoise: Tensor, gridLabels: [Int]
    /// The epoch being trained (1-based), for the grid's file name.
    private var epoch = 1

    public init(pair: GANPair, settings: GANSettings, data: LabeledImages, classes: Int, judge: SampleJudge?, run: RunFolder) {
        self.pair = pair; self.settings = settings; self.data = data; self.classes = classes; self.judge = judge; self.run = run
        optG = Adam(pair.generator.trainableParameters, lr: settings.lrG, betas: (0.5, 0.999))
        optD = Adam(pair.discriminator.trainableParameters, lr: settings.lrD, betas: (0.5, 0.999))
        optimizer = OptimizerGroup([("generator", optG), ("discriminator", optD)])
        batch = min(settings.batchSize, data.count)
        var rng = RandomGenerator(seed: settings.seed &+ 0x6121D)
        gridNoise = .normal([100, settings.latent], using: &rng)
        gridLabels = (0..<100).map { ($0 / 10) % max(1, classes) }
        if let judge, settings.evalSamples > 0 {
            let n = min(data.count, max(settings.evalSamples, 2))
            let real = withoutGrad { data.images.slice(axis: 0, 0..<n) }
            realFeatures = SampleQuality.gaussian(judge.judge(real).features, dims: 128)
        } else { realFeatures = nil }
    }

    public var network: any Module { pair }
    public var batchesPerPass: Int { max(1, data.count / batch) }
    public var resumesWithinPass: Bool { true }
    public var itemUnit: String { "images" }
    public var metadata: [String: String] {
        ["kind": "gan", "arch": "dcgan", "latent": "\(settings.latent)", "classes": "\(settings.conditional ? classes : 0)",
         "channels": "\(settings.rgb ? 3 : 1)"]
    }

    public func beginPass(_ position: TrainingPosition) {
        pair.generator.train(); pair.discriminator.train()
        epoch = position.pass + 1
        var rng = RandomGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(position.pass) &+ 0x6A)
        order = rng.permutation(data.count)
    }

    /// Constant rates (the group keeps G's and D's ratio).
    public func learningRate(at p: TrainingPosition) -> Float { settings.lrG }

    func generate(_ z: Tensor, _ labels: [Int]) -> Tensor { settings.conditional ? pair.generator(z, labels: labels) : pair.generator(z) }
    func discriminate(_ x: Tensor, _ labels: [Int]) -> Tensor { settings.conditional ? pair.discriminator(x, labels: labels) : pair.discriminator(x) }

    public func step(_ p: TrainingPosition) throws -> StepResult {
        let idx = Array(order[(p.batch * batch)..<((p.batch + 1) * batch)])
        let (x01, y) = data.batch(idx)
        let real = x01 * 2 - 1                                    // [0, 1] -> [-1, 1]
        var rng = RandomGenerator(seed: settings.seed &* 0xD1B5_4A32_D192_ED03 &+ UInt64(p.step) &+ 0x6A4)
        let z = Tensor.normal([batch, settings.latent], using: &rng)
        let fakeLabels = (0..<batch).map { _ in rng.int(below: max(1, classes)) }
        // D: real -> realLabel, generated -> 0 (the generated batch detached); then G through the
        // updated D on the same batch (one forward of G per step, as the benchmark's step), D's
        // parameters frozen so that its backward computes the gradient into G and no weight gradients.
        let fake = generate(z, fakeLabels)
        optD.zeroGrad()
        let dReal = discriminate(real, y), dFake = discriminate(fake.detached(), fakeLabels)
        let lossD = bceWithLogits(dReal, label: settings.realLabel) + bceWithLogits(dFake, label: 0)
        let ld = lossD.item
        guard ld.isFinite else { return StepResult(loss: Double(ld), items: batch) }
        lossD.backward()
        optD.step()
        optG.zeroGrad()
        let lossG = bceWithLogits(frozen(pair.discriminator) { discriminate(fake, fakeLabels) }, label: 1)
        let lg = lossG.item
        guard lg.isFinite else { return StepResult(loss: Double(lg), items: batch) }
        lossG.backward()
        optG.step()
        func meanSigmoid(_ t: Tensor) -> Double { t.scalars.reduce(0) { $0 + 1 / (1 + exp(-Double($1))) } }
        return StepResult(loss: Double(ld), items: batch,
                          sums: [("g_loss", Double(lg) * Double(batch)), ("d_real", meanSigmoid(dReal)), ("d_fake", meanSigmoid(dFake))])
    }

    /// `count` samples from the seed (labels cycling through the classes), eval mode.
    func samples(_ count: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let z = Tensor.normal([count, settings.latent], using: &rng)
        let labels = (0..<count).map { $0 % max(1, classes) }
        return inference { generate(z, labels) }
    }

    public func validate() -> [String: Double] {
        var out: [String: Double] = [:]
        // The grid of this epoch.
        let grid = SampleGrid.grid(SampleGrid.images(inference { generate(gridNoise, gridLabels) }), columns: 10)
        try? grid.writePNG(run.file(String(format: "samples-%03d.png", epoch)))
        guard let judge, let realFeatures, settings.evalSamples > 0, !settings.rgb else { return out }
        let x = samples(settings.evalSamples, seed: 0xE7A1)
        let (p, f) = judge.judge((x + 1) * 0.5)
        let c = judge.classNames.count
        out["inception_score"] = SampleQuality.inceptionScore(p, classes: c)
        out["frechet_distance"] = SampleQuality.frechetDistance(SampleQuality.gaussian(f, dims: 128), realFeatures)
        let h = SampleQuality.histogram(p, classes: c)
        out["histogram_max_share"] = Double(h.max() ?? 0) / Double(max(1, settings.evalSamples))
        if settings.conditional && classes == c {
            let asked = (0..<settings.evalSamples).map { $0 % classes }
            out["class_agreement"] = Double(zip(asked, SampleQuality.predicted(p, classes: c)).filter { $0 == $1 }.count) / Double(settings.evalSamples)
        }
        return out
    }

    public func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
        var m: [String: JSONValue] = ["epoch": JSONValue(s.passes), "step": JSONValue(s.position.step), "d_loss": JSONValue(s.trainLoss),
                                      "g_loss": JSONValue(s.trainMeans["g_loss"] ?? .nan), "d_real": JSONValue(s.trainMeans["d_real"] ?? .nan),
                                      "d_fake": JSONValue(s.trainMeans["d_fake"] ?? .nan), "train_minutes": JSONValue(s.position.seconds / 60),
                                      "images_per_s": JSONValue(s.itemsPerSecond)]
        for (k, v) in s.validation { m[k] = JSONValue(v) }
        return m
    }

    public func describe(_ s: PassSummary) -> String {
        var line = String(format: "epoch %.2f: D loss %.3f, G loss %.3f, D(x) %.2f, D(G(z)) %.2f", s.passes, s.trainLoss,
                          s.trainMeans["g_loss"] ?? .nan, s.trainMeans["d_real"] ?? .nan, s.trainMeans["d_fake"] ?? .nan)
        if let i = s.validation["inception_score"] {
            line += String(format: " | IS %.2f, FD %.1f", i, s.validation["frechet_distance"] ?? .nan)
            if let a = s.validation["class_agreement"] { line += String(format: ", classes as asked %.1f %%", 100 * a) }
        }
        if (s.trainMeans["d_fake"] ?? 1) < 0.01 { line += " | collapse? D(G(z)) stuck near 0" }
        if (s.validation["histogram_max_share"] ?? 0) > 0.5 { line += " | collapse? one class holds most samples" }
        return line + String(format: " | %.0f images/s, %.1f min", s.itemsPerSecond, s.position.seconds / 60)
    }

    public func curves(_ history: [[String: JSONValue]]) -> LinePlot {
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        var plot = LinePlot([
            .init("losses", [.init("D", col("d_loss"), color: "#1f77b4"), .init("G", col("g_loss"), color: "#d62728")]),
            .init("D(x), D(G(z))", [.init("D(x)", col("d_real"), color: "#2ca02c"), .init("D(G(z))", col("d_fake"), color: "#ff7f0e")]),
            .init("Inception Score (judge)", [.init("IS", col("inception_score"), color: "#9467bd")]),
        ])
        plot.xValues = col("epoch")
        return plot
    }
}
