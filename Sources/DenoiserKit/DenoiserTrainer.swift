import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit

/// A denoiser's part of the training loop (Zhang et al. 2017): random patches with the eight
/// flips/rotations, Gaussian noise of a fixed sigma or one drawn per patch from the range (blind),
/// a DnCNN or U-Net that predicts the noise (output = noisy - net(noisy)), MSE against the clean patch,
/// Adam with cosine decay; validation PSNR on held-out images at a fixed sigma and seed. Every
/// draw of a step is a function of the seed and the step, so a run resumes exactly.
public final class DenoiserTrainer: TrainingTask {
    public let model: any DenoisingNetwork
    public let optimizer: any Optimizer
    let settings: DenoiserSettings
    let train: ImagePatches, validation: ImagePatches
    /// With `ema`: the moving average of the weights, and the network validated and saved
    /// as best (the average's weights, batch-norm statistics recomputed for them).
    let average: (weights: WeightAverage, network: any DenoisingNetwork)?
    /// Training batches over which the average's batch-norm statistics are recomputed.
    static let statisticsBatches = 25

    public init(model: any DenoisingNetwork, settings: DenoiserSettings, train: ImagePatches, validation: ImagePatches) {
        self.model = model; self.settings = settings; self.train = train; self.validation = validation
        optimizer = Adam(model.trainableParameters, lr: settings.lr)
        average = settings.ema.map { d in
            var rng = RandomGenerator(seed: 0)
            return (WeightAverage(of: model, decay: d), DenoiserShape(settings).network(rng: &rng))
        }
    }

    public var network: any Module { model }
    public var validatedNetwork: any Module { average?.network ?? model }
    public var batchesPerPass: Int { settings.patchesPerEpoch / settings.batchSize }
    public var resumesWithinPass: Bool { true }
    public var itemUnit: String { "patches" }
    public var metadata: [String: String] {
        DenoiserShape(settings).metadata.merging(["kind": "denoiser",
         "image_channels": "\(train.channels)", "sigma": settings.sigma.map { "\($0)" } ?? "blind",
         "sigma_range": settings.sigmaRange.map { "\($0)" }.joined(separator: ",")]) { a, _ in a }
    }

    /// Cosine from lr to lr/100 over the run (epochs, or the clock with minutes), after a linear
    /// warmup over warmupSteps (fresh Adam moments on trained weights take sign-sized steps).
    public func learningRate(at p: TrainingPosition) -> Float {
        let warm = settings.warmupSteps > 0 ? min(1, Float(p.step + 1) / Float(settings.warmupSteps)) : 1
        return warm * p.cosineRate(peak: settings.lr, minutes: settings.minutes, totalSteps: (settings.epochs ?? 1) * batchesPerPass)
    }

    public func step(_ p: TrainingPosition) throws -> StepResult {
        var rng = RandomGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(p.step) &+ 0xD0_15E)
        let clean = train.sample(settings.batchSize, size: settings.patch, using: &rng)
        let sigmas = (0..<settings.batchSize).map { _ in
            settings.sigma ?? settings.sigmaRange[0] + (settings.sigmaRange[1] - settings.sigmaRange[0]) * rng.uniform()
        }
        let noisy = GaussianNoise.add(to: clean, sigmas: sigmas, using: &rng)
        model.train()
        optimizer.zeroGrad()
        let loss = mseLoss(model(noisy), clean)
        let l = loss.item
        guard l.isFinite else { return StepResult(loss: Double(l), items: settings.batchSize) }
        loss.backward()
        optimizer.step()
        average?.weights.update(from: model)
        return StepResult(loss: Double(l), items: settings.batchSize)
    }

    /// The average (its tensors prefixed "average."), so that a resumed run continues it.
    public func carriedState() -> [String: Tensor] {
        guard let a = average else { return [:] }
        return Dictionary(uniqueKeysWithValues: a.weights.state.map { ("average.\($0.key)", $0.value) })
    }

    /// A checkpoint without an average (a run that starts averaging when resumed) starts it from
    /// the resumed weights.
    public func restoreCarriedState(_ tensors: [String: Tensor]) throws {
        guard let a = average else { return }
        let own = tensors.filter { $0.key.hasPrefix("average.") }
        if own.isEmpty { a.weights.reset(to: model); return }
        try a.weights.restore(Dictionary(uniqueKeysWithValues: own.map { (String($0.key.dropFirst("average.".count)), $0.value) }))
    }

    /// The network validation scores: the model, or the average's weights in the second network
    /// with batch-norm statistics recomputed over training batches drawn from a fixed seed.
    func validatedModel() -> any DenoisingNetwork {
        guard let a = average else { return model }
        a.weights.copy(into: a.network)
        var rng = RandomGenerator(seed: settings.seed &+ 0x57A7)
        BatchNorm.recomputeStatistics(of: a.network, batches: Self.statisticsBatches) { _ in
            let clean = train.sample(settings.batchSize, size: settings.patch, using: &rng)
            let sigmas = (0..<settings.batchSize).map { _ in
                settings.sigma ?? settings.sigmaRange[0] + (settings.sigmaRange[1] - settings.sigmaRange[0]) * rng.uniform()
            }
            return GaussianNoise.add(to: clean, sigmas: sigmas, using: &rng)
        }
        return a.network
    }

    /// Mean PSNR (dB) of the denoised validation images at validationSigma, noise from a fixed
    /// seed, and of the noisy inputs.
    public func validate() -> [String: Double] {
        guard validation.count > 0 else { return ["val_psnr": .nan, "val_noisy_psnr": .nan] }
        let model = validatedModel()
        var rng = RandomGenerator(seed: 0xE7A1)
        var psnr = 0.0, noisyPSNR = 0.0
        for img in validation.images {
            let x = Tensor(shape: [1, img.channels, img.height, img.width], scalars: img.chw)
            let noisy = GaussianNoise.add(to: x, sigmas: [settings.validationSigma], using: &rng)
            let out = inference { TiledInference.apply(noisy, model: model) }
            psnr += ImageQuality.psnr(Image(chw: out.scalars, channels: img.channels, height: img.height, width: img.width), img)
            noisyPSNR += ImageQuality.psnr(Image(chw: noisy.scalars, channels: img.channels, height: img.height, width: img.width), img)
        }
        return ["val_psnr": psnr / Double(validation.count), "val_noisy_psnr": noisyPSNR / Double(validation.count)]
    }

    public func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
        ["epoch": JSONValue(s.passes), "step": JSONValue(s.position.step), "train_loss": JSONValue(s.trainLoss),
         "val_psnr": JSONValue(s.validation["val_psnr"] ?? .nan), "val_noisy_psnr": JSONValue(s.validation["val_noisy_psnr"] ?? .nan),
         "train_minutes": JSONValue(s.position.seconds / 60), "patches_per_s": JSONValue(s.itemsPerSecond), "lr": JSONValue(s.learningRate)]
    }

    public func describe(_ s: PassSummary) -> String {
        String(format: "epoch %.2f: train loss %.6f | validation PSNR %.2f dB at sigma %.0f (noisy %.2f) | %.0f patches/s, %.1f min",
               s.passes, s.trainLoss, s.validation["val_psnr"] ?? .nan, settings.validationSigma, s.validation["val_noisy_psnr"] ?? .nan,
               s.itemsPerSecond, s.position.seconds / 60)
    }

    public func curves(_ history: [[String: JSONValue]]) -> LinePlot {
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        var plot = LinePlot([
            .init("training loss (MSE)", [.init("training", col("train_loss"), color: "#1f77b4")]),
            .init("validation PSNR (dB)", [.init("denoised", col("val_psnr"), color: "#d62728"), .init("noisy", col("val_noisy_psnr"), color: "#7f7f7f")]),
        ])
        plot.xValues = col("epoch")
        return plot
    }
}
