import Models
import RunKit
import Require

/// How to train a char-RNN: the command line's result, config.json of a run, a request body.
public struct CharRNNSettings: Codable, Sendable, Equatable {
    /// UTF-8 text file.
    public var text: String?
    public var cell: RecurrentCell = .lstm
    public var layers = 2
    public var hidden = 512
    /// Character embedding size.
    public var embedding = 64
    /// Dropout between recurrent layers.
    public var dropout: Float = 0.2
    /// Characters per window (backpropagation length).
    public var seqLen = 128
    /// Parallel streams.
    public var batchSize = 64
    /// Peak learning rate (Adam; warm-up, then cosine decay to 0).
    public var lr: Float = 2e-3
    /// Gradient-norm clipping (0: off).
    public var clip: Float = 1
    /// Last fraction of the text held out for validation (0: train on all of it).
    public var valFraction = 0.1
    /// Passes over the text; with neither this nor `minutes`, 10.
    public var epochs: Int?
    /// Minutes of training (the clock stops during validation).
    public var minutes: Double?
    public var patience: Int?
    public var seed: UInt64 = 1

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CharRNNSettings()
        text = try c.decodeIfPresent(String.self, forKey: .text)
        cell = try c.decodeIfPresent(RecurrentCell.self, forKey: .cell) ?? d.cell
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? d.layers
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden) ?? d.hidden
        embedding = try c.decodeIfPresent(Int.self, forKey: .embedding) ?? d.embedding
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? d.dropout
        seqLen = try c.decodeIfPresent(Int.self, forKey: .seqLen) ?? d.seqLen
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        lr = try c.decodeIfPresent(Float.self, forKey: .lr) ?? d.lr
        clip = try c.decodeIfPresent(Float.self, forKey: .clip) ?? d.clip
        valFraction = try c.decodeIfPresent(Double.self, forKey: .valFraction) ?? d.valFraction
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        minutes = try c.decodeIfPresent(Double.self, forKey: .minutes)
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }

    /// Refuses values out of range, naming them.
    public func validate() throws {
        for (field, value, most) in [("layers", layers, 16), ("hidden", hidden, 8192), ("embedding", embedding, 8192),
                                     ("seq_len", seqLen, 100_000), ("batch_size", batchSize, 65_536)] {
            guard (1...most).contains(value) else { throw SettingsError([field], "must be in 1...\(most)") }
        }
        guard lr > 0, lr.isFinite, lr <= 10 else { throw SettingsError(["lr"], "must be a positive finite number up to 10") }
        guard clip >= 0, clip.isFinite else { throw SettingsError(["clip"], "must be a finite number, 0 or more") }
        guard dropout >= 0, dropout < 1 else { throw SettingsError(["dropout"], "must be in [0, 1)") }
        guard valFraction >= 0, valFraction < 1 else { throw SettingsError(["val_fraction"], "must be in [0, 1)") }
        if let e = epochs, e < 1 { throw SettingsError(["epochs"], "must be positive") }
        if let m = minutes, !(m > 0) { throw SettingsError(["minutes"], "must be positive") }
        if let p = patience, p < 1 { throw SettingsError(["patience"], "must be positive") }
    }
}
