/// What a resumed run may change from its config.json: how long it goes on, and where its data
/// is now (a moved folder; the run says so when it uses it). Everything else (architecture,
/// optimizer, seed) comes from the run folder, so that it continues exactly.
public struct ResumeOverrides: Sendable, Equatable {
    public var epochs: Int?
    public var minutes: Double?
    public var patience: Int?
    /// The training data (--data, --text) in place of the run's own.
    public var data: String?
    public init(epochs: Int? = nil, minutes: Double? = nil, patience: Int? = nil, data: String? = nil) {
        self.epochs = epochs; self.minutes = minutes; self.patience = patience; self.data = data
    }
}
