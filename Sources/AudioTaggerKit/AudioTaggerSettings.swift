import Datasets
import RunKit
import Require

/// How to train an audio tagger: the command line's result, config.json of a run, a request body.
public struct AudioTaggerSettings: Codable, Sendable, Equatable {
    /// Sources mixed into one set: class-subfolder folders, Free Spoken Digit folders or .tar.gz.
    public var data: [String] = []
    public var features = ClipFeatures()
    /// Waveform and SpecAugment changes of training clips, when on.
    public var augment = true
    public var augmentation = AudioAugmentation()
    /// AudioCNN width (16: the benchmark's audio_cnn) and dropout before its linear layer.
    public var width = 16
    /// global: the benchmark's audio_cnn; time: pooled over time only, frequency kept.
    public var pooling = Pooling.time
    public enum Pooling: String, Codable, Sendable, CaseIterable { case global, time }
    public var dropout: Float = 0
    public var batchSize = 32
    public var epochs: Int? = nil
    public var minutes: Double? = nil
    public var lr: Float = 3e-3
    public var weightDecay: Float = 1e-4
    /// Speakers held out for validation; without them a seeded `valFraction` of each class.
    public var valSpeakers: [String]? = nil
    public var valFraction = 0.1
    public var patience: Int?
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws {
        do { try features.validate() } catch { throw SettingsError(["features"], "\(error)") }
        if pooling == .time && features.rows % 4 != 0 { throw SettingsError(["pooling"], "time pooling needs a multiple of 4 feature rows, not \(features.rows)") }
        guard (1...256).contains(width) else { throw SettingsError(["width"], "must be in 1...256") }
        guard dropout >= 0, dropout < 1 else { throw SettingsError(["dropout"], "must be in [0, 1)") }
        guard (1...4096).contains(batchSize) else { throw SettingsError(["batch_size"], "must be in 1...4096") }
        guard lr > 0, lr.isFinite, lr <= 10 else { throw SettingsError(["lr"], "must be a positive finite number up to 10") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw SettingsError(["weight_decay"], "must be a non-negative number") }
        guard valFraction >= 0, valFraction < 1 else { throw SettingsError(["val_fraction"], "must be in [0, 1)") }
        if let e = epochs, e < 1 { throw SettingsError(["epochs"], "must be positive") }
        if let m = minutes, !(m > 0) { throw SettingsError(["minutes"], "must be positive") }
        if let p = patience, p < 1 { throw SettingsError(["patience"], "must be positive") }
        let a = augmentation
        guard a.speed.count == 2, a.speed[0] > 0.25, a.speed[0] <= a.speed[1], a.speed[1] < 4,
              a.noiseSnr.count == 2, a.noiseSnr[0] <= a.noiseSnr[1], a.mixSnr.count == 2, a.mixSnr[0] <= a.mixSnr[1],
              a.shiftSeconds >= 0, a.gainDecibels >= 0 else { throw SettingsError(["augmentation"], "has an empty or reversed range") }
    }
}
