/// What a resumed run may change from its config.json: how long it goes on. Everything else
/// (data, architecture, optimizer, seed) comes from the run folder, so that it continues exactly.
public struct ResumeOverrides: Sendable, Equatable {
    public var epochs: Int?
    public var minutes: Double?
    public var patience: Int?
    public init(epochs: Int? = nil, minutes: Double? = nil, patience: Int? = nil) {
        self.epochs = epochs; self.minutes = minutes; self.patience = patience
    }
}
