import RunKit
import Require

/// How to train a GAN: the command line's result, config.json of a run, a request body.
public struct GANSettings: Codable, Sendable, Equatable {
    /// MNIST IDX files or one subfolder per class of images (resized to 28x28).
    public var data: String?
    /// A conditional GAN: generator and discriminator take the class.
    public var conditional = true
    /// Colour (3 channels) rather than gray.
    public var rgb = false
    public var latent = 100
    public var batchSize = 64
    public var epochs: Int? = nil
    public var minutes: Double? = nil
    /// Adam with betas (0.5, 0.999), constant rates (Radford et al. 2016).
    public var lrG: Float = 2e-4
    public var lrD: Float = 2e-4
    /// Target of real images for D (one-sided label smoothing; 1 for none).
    public var realLabel: Float = 0.9
    /// Samples scored after each epoch (Inception Score, Frechet distance, histogram).
    public var evalSamples = 2000
    /// The judge: an image-classifier checkpoint (nil: the bundled MNIST LeNet).
    public var classifier: String?
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard (1...1024).contains(latent) else { throw SettingsError(["latent"], "must be in 1...1024") }
        guard (2...4096).contains(batchSize) else { throw SettingsError(["batch_size"], "must be in 2...4096") }
        for (name, lr) in [("lr_g", lrG), ("lr_d", lrD)] {
            guard lr > 0, lr.isFinite, lr <= 1 else { throw SettingsError([name], "must be a positive finite number up to 1") }
        }
        guard realLabel > 0.5, realLabel <= 1 else { throw SettingsError(["real_label"], "must be in (0.5, 1]") }
        guard (0...100_000).contains(evalSamples) else { throw SettingsError(["eval_samples"], "must be in 0...100000") }
        if let e = epochs, e < 1 { throw SettingsError(["epochs"], "must be positive") }
        if let m = minutes, !(m > 0) { throw SettingsError(["minutes"], "must be positive") }
    }
}
