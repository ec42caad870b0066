import RunKit
import Require

/// The photo denoiser's network.
public enum DenoiserArchitecture: String, Codable, Sendable, CaseIterable {
    /// DnCNN (Zhang et al. 2017), optionally on pixel-unshuffled sub-images.
    case dncnn
    /// A residual U-Net (Models/UNetDenoiser.swift).
    case unet
}

/// How to train a denoiser: the command line's result, config.json of a run, a request body.
public struct DenoiserSettings: Codable, Sendable, Equatable {
    /// A folder of images or a .tar.gz of them (e.g. Train400.tar.gz).
    public var data: String?
    /// The network (nil: dncnn, as runs before 2026-11-28).
    public var arch: DenoiserArchitecture?
    /// DnCNN depth (all layers) and width; a U-Net's width at full size.
    public var depth = 17
    public var channels = 64
    /// U-Net halvings (nil: 3).
    public var levels: Int?
    /// Run the network on downscale x downscale pixel-unshuffled sub-images (nil: 1, plain DnCNN).
    public var downscale: Int?
    /// Fixed noise level (0..255 scale), or blind over sigmaRange when nil.
    public var sigma: Float?
    public var sigmaRange: [Float] = [0, 55]
    /// Patch side and patches per step (batch), steps of one epoch.
    public var patch = 40
    public var batchSize = 128
    public var patchesPerEpoch = 128 * 100
    public var epochs: Int? = nil
    public var minutes: Double? = nil
    public var lr: Float = 1e-3
    /// Steps over which the learning rate rises linearly to the schedule's (0: none).
    public var warmupSteps = 0
    /// A denoiser model whose weights (and depth, channels, downscale) the run starts from.
    public var startFrom: String?
    /// Images held out for validation (the last ones), scored at `validationSigma`.
    public var valFraction = 0.05
    public var validationSigma: Float = 25
    public var patience: Int?
    public var seed: UInt64 = 1
    /// Validate and keep an exponential moving average of the weights with this decay per step
    /// (nil: the weights themselves); its batch-norm statistics are recomputed before each validation.
    public var ema: Float?

    public init() {}

    public func validate() throws {
        guard (3...64).contains(depth) else { throw SettingsError(["depth"], "must be in 3...64") }
        guard (1...512).contains(channels) else { throw SettingsError(["channels"], "must be in 1...512") }
        if arch == .unet {
            let l = levels ?? 3
            guard (1...5).contains(l), channels << l <= 1024 else { throw SettingsError(["levels", "channels"], "must be 1...5 levels of at most 1024 channels (channels·2^levels)") }
            guard patch % (1 << l) == 0 else { throw SettingsError(["patch"], "must be a multiple of 2^levels (\(1 << l)) for unet") }
            guard downscale ?? 1 == 1 else { throw SettingsError(["downscale"], "is for arch dncnn") }
        } else if levels != nil {
            throw SettingsError(["levels"], "is for arch unet")
        }
        if let d = downscale {
            guard (1...4).contains(d) else { throw SettingsError(["downscale"], "must be in 1...4") }
            guard patch % d == 0 else { throw SettingsError(["patch", "downscale"], "the patch side must be a multiple of downscale") }
        }
        guard (8...512).contains(patch) else { throw SettingsError(["patch"], "must be in 8...512") }
        guard batchSize >= 1 else { throw SettingsError(["batch_size"], "must be positive") }
        guard patchesPerEpoch >= batchSize else { throw SettingsError(["patches_per_epoch"], "must be at least the batch size") }
        if let s = sigma { guard s >= 0, s <= 255 else { throw SettingsError(["sigma"], "must be in [0, 255]") } }
        guard sigmaRange.count == 2, sigmaRange[0] >= 0, sigmaRange[0] <= sigmaRange[1], sigmaRange[1] <= 255 else {
            throw SettingsError(["sigma_range"], "must be two values A,B with 0 <= A <= B <= 255")
        }
        guard lr > 0, lr.isFinite, lr <= 10 else { throw SettingsError(["lr"], "must be a positive finite number up to 10") }
        guard valFraction >= 0, valFraction < 1 else { throw SettingsError(["val_fraction"], "must be in [0, 1)") }
        if let e = epochs, e < 1 { throw SettingsError(["epochs"], "must be positive") }
        if let m = minutes, !(m > 0) { throw SettingsError(["minutes"], "must be positive") }
        guard warmupSteps >= 0 else { throw SettingsError(["warmup_steps"], "must not be negative") }
        if let p = patience, p < 1 { throw SettingsError(["patience"], "must be positive") }
        if let d = ema { guard d > 0, d < 1 else { throw SettingsError(["ema"], "must be in (0, 1), e.g. 0.999") } }
    }
}
