import RunKit
import Require

/// How to train a classifier: the command line's result, config.json of a run, a request body.
public struct ClassifierSettings: Codable, Sendable, Equatable {
    /// Folder with MNIST-style IDX files, CIFAR-10 batches or one subfolder per class.
    public var data: String?
    public var arch: Architecture = .lenet
    public var epochs = 10
    public var batchSize = 64
    public var lr: Float = 1e-3
    public var optimizer: OptimizerKind = .adam
    public var weightDecay: Float = 0
    /// Dropout before the last layer.
    public var dropout: Float = 0
    /// Random shifts (and flips for colour images), with rotations up to `rotate` degrees and
    /// scaling by up to `zoom`.
    public var augment = false
    public var rotate: Float = 0
    public var zoom: Float = 0
    /// Fraction held out for validation (0: train on everything, a fixed schedule with no
    /// validation, as for a model to ship once its recipe is chosen).
    public var valFraction = 1.0 / 6
    /// Early-stopping patience in epochs.
    public var patience: Int?
    /// Train on only the first N training images.
    public var trainSubset: Int?
    public var seed: UInt64 = 1

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decodeIfPresent(String.self, forKey: .data)
        arch = try c.decodeIfPresent(Architecture.self, forKey: .arch) ?? arch
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        lr = try c.decodeIfPresent(Float.self, forKey: .lr) ?? lr
        optimizer = try c.decodeIfPresent(OptimizerKind.self, forKey: .optimizer) ?? optimizer
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? weightDecay
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? dropout
        augment = try c.decodeIfPresent(Bool.self, forKey: .augment) ?? augment
        rotate = try c.decodeIfPresent(Float.self, forKey: .rotate) ?? rotate
        zoom = try c.decodeIfPresent(Float.self, forKey: .zoom) ?? zoom
        valFraction = try c.decodeIfPresent(Double.self, forKey: .valFraction) ?? valFraction
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        trainSubset = try c.decodeIfPresent(Int.self, forKey: .trainSubset)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
    }

    /// Refuses values out of range, naming them.
    public func validate() throws {
        guard epochs >= 1 else { throw SettingsError(["epochs"], "must be positive") }
        guard batchSize >= 1 else { throw SettingsError(["batch_size"], "must be positive") }
        guard lr > 0 else { throw SettingsError(["lr"], "must be positive") }
        guard lr.isFinite, lr <= 10 else { throw SettingsError(["lr"], "must be a finite number up to 10") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw SettingsError(["weight_decay"], "must be a finite number, 0 or more") }
        guard dropout >= 0, dropout < 1 else { throw SettingsError(["dropout"], "must be in [0, 1)") }
        guard valFraction >= 0, valFraction < 1 else { throw SettingsError(["val_fraction"], "must be in [0, 1)") }
        guard rotate >= 0, rotate <= 180 else { throw SettingsError(["rotate"], "must be in [0, 180]") }
        guard zoom >= 0, zoom < 1 else { throw SettingsError(["zoom"], "must be in [0, 1)") }
        if let t = trainSubset, t < 1 { throw SettingsError(["train_subset"], "must be positive") }
        if let p = patience, p < 1 { throw SettingsError(["patience"], "must be positive") }
    }
}
