import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit

/// The denoising autoencoder's part of the training loop: each image gets Gaussian noise (fixed
/// sigma, or one per image from the range), the network reconstructs the clean image through its
/// bottleneck, MSE, Adam with cosine decay; validation MSE and PSNR at sigma 76.5 (0.3 on the
/// 0..1 scale) with a fixed seed. Batches follow a per-epoch shuffle of the seed, so a run resumes exactly.
public final class AutoencoderTrainer: TrainingTask {
    public let model: ConvAutoencoder
    public let optimizer: any Optimizer
    let settings: AutoencoderSettings
    let train: LabeledImages, validation: LabeledImages
    private var order: [Int] = []
    static let validationSigma: Float = 76.5

    public init(model: ConvAutoencoder, settings: AutoencoderSettings, train: LabeledImages, validation: LabeledImages) {
        self.model = model; self.settings = settings; self.train = train; self.validation = validation
        optimizer = Adam(model.trainableParameters, lr: settings.lr)
    }

    public var network: any Module { model }
    public var batchesPerPass: Int { Swift.max(1, train.count / settings.batchSize) }
    public var resumesWithinPass: Bool { true }
    public var metadata: [String: String] {
        ["kind": "autoencoder", "arch": "conv-ae", "latent": "\(settings.latent)", "size": "\(settings.size)",
         "sigma": settings.sigma.map { "\($0)" } ?? "blind", "sigma_range": settings.sigmaRange.map { "\($0)" }.joined(separator: ",")]
    }

    public func beginPass(_ p: TrainingPosition) {
        var rng = RandomGenerator(seed: settings.seed &+ UInt64(p.pass) &* 0x9E37_79B9)
        order = rng.permutation(train.count)
    }

    public func learningRate(at p: TrainingPosition) -> Float {
        p.cosineRate(peak: settings.lr, minutes: settings.minutes, totalSteps: (settings.epochs ?? 1) * batchesPerPass)
    }

    public func step(_ p: TrainingPosition) throws -> StepResult {
        let b = settings.batchSize
        let idx = Array(order[(p.batch * b)..<Swift.min(order.count, (p.batch + 1) * b)])
        var rng = RandomGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(p.step) &+ 0xAE)
        let clean = train.batch(idx).images
        let sigmas = idx.map { _ in settings.sigma ?? settings.sigmaRange[0] + (settings.sigmaRange[1] - settings.sigmaRange[0]) * rng.uniform() }
        let noisy = GaussianNoise.add(to: clean, sigmas: sigmas, using: &rng)
        optimizer.zeroGrad()
        let loss = mseLoss(model(noisy), clean)
        let l = loss.item
        guard l.isFinite else { return StepResult(loss: Double(l), items: idx.count) }
        loss.backward()
        optimizer.step()
        return StepResult(loss: Double(l), items: idx.count)
    }

    public func validate() -> [String: Double] {
        guard validation.count > 0 else { return ["val_loss": .nan, "val_psnr": .nan] }
        var rng = RandomGenerator(seed: 0xAE0)
        var sq = 0.0, n = 0
        for start in stride(from: 0, to: validation.count, by: 500) {
            let clean = validation.batch(Array(start..<Swift.min(validation.count, start + 500))).images
            let noisy = GaussianNoise.add(to: clean, sigmas: Array(repeating: Self.validationSigma, count: clean.shape[0]), using: &rng)
            let out = inference { model(noisy) }
            for (a, b) in zip(out.scalars, clean.scalars) { sq += Double((a - b) * (a - b)) }
            n += clean.count
        }
        let mse = sq / Double(n)
        return ["val_loss": mse, "val_psnr": 10 * log10(1 / mse)]
    }

    public func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
        ["epoch": JSONValue(s.passes), "step": JSONValue(s.position.step), "train_loss": JSONValue(s.trainLoss),
         "val_loss": JSONValue(s.validation["val_loss"] ?? .nan), "val_psnr": JSONValue(s.validation["val_psnr"] ?? .nan),
         "train_minutes": JSONValue(s.position.seconds / 60), "samples_per_s": JSONValue(s.itemsPerSecond), "lr": JSONValue(s.learningRate)]
    }

    public func describe(_ s: PassSummary) -> String {
        String(format: "epoch %.2f: train loss %.5f | validation loss %.5f, PSNR %.2f dB at sigma 0.3 | %.0f images/s, %.1f min",
               s.passes, s.trainLoss, s.validation["val_loss"] ?? .nan, s.validation["val_psnr"] ?? .nan, s.itemsPerSecond, s.position.seconds / 60)
    }

    public func curves(_ history: [[String: JSONValue]]) -> LinePlot {
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        var plot = LinePlot([
            .init("loss (MSE)", [.init("training", col("train_loss"), color: "#1f77b4"), .init("validation", col("val_loss"), color: "#d62728")]),
            .init("validation PSNR (dB) at sigma 0.3", [.init("reconstructed", col("val_psnr"), color: "#2ca02c")]),
        ])
        plot.xValues = col("epoch")
        return plot
    }
}
