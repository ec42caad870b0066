import RunKit
import Require

/// How to train the course's denoising autoencoder (`denoiser train --arch conv-ae`).
public struct AutoencoderSettings: Codable, Sendable, Equatable {
    /// MNIST IDX files, CIFAR-10 batches or one subfolder per class (the class colours the latent plot).
    public var data: String?
    /// Numbers in the bottleneck; 2 can be drawn as they are.
    public var latent = 2
    /// Side the images are resized to (gray), a multiple of 4.
    public var size = 28
    /// Noise added to the inputs (0..255 scale): fixed, or drawn per image from sigmaRange when nil.
    public var sigma: Float?
    public var sigmaRange: [Float] = [0, 80]
    public var batchSize = 128
    public var epochs: Int? = nil
    public var minutes: Double? = nil
    public var lr: Float = 1e-3
    public var valFraction = 0.1
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        guard latent >= 1, latent <= 1024 else { throw SettingsError(["latent"], "must be in 1...1024") }
        guard size >= 8, size <= 128, size % 4 == 0 else { throw SettingsError(["size"], "must be a multiple of 4 in 8...128") }
        if let s = sigma { guard s >= 0, s <= 255 else { throw SettingsError(["sigma"], "must be in [0, 255]") } }
        guard sigmaRange.count == 2, sigmaRange[0] >= 0, sigmaRange[0] <= sigmaRange[1], sigmaRange[1] <= 255 else {
            throw SettingsError(["sigma_range"], "must be two values A,B with 0 <= A <= B <= 255")
        }
        guard batchSize >= 1, batchSize <= 4096 else { throw SettingsError(["batch_size"], "must be in 1...4096") }
        guard lr > 0, lr.isFinite, lr <= 10 else { throw SettingsError(["lr"], "must be a positive finite number up to 10") }
        guard valFraction >= 0, valFraction < 1 else { throw SettingsError(["val_fraction"], "must be in [0, 1)") }
        if let e = epochs, e < 1 { throw SettingsError(["epochs"], "must be positive") }
        if let m = minutes, !(m > 0) { throw SettingsError(["minutes"], "must be positive") }
    }
}
