/// Stops training when a monitored value has not improved for `patience` epochs and keeps a copy
/// of the best weights to restore.
public final class EarlyStopping {
    public enum Mode: Sendable { case minimize, maximize }
    public let patience: Int, minDelta: Float, mode: Mode
    public private(set) var best: Float?
    public private(set) var bestEpoch = -1
    public private(set) var epochsWithoutImprovement = 0
    private var bestState: [(String, Tensor)] = []

    public init(patience: Int, minDelta: Float = 0, mode: Mode = .minimize) {
        self.patience = patience; self.minDelta = minDelta; self.mode = mode
    }

    /// Records one epoch's value; returns true when training should stop.
    @discardableResult
    public func update(_ value: Float, epoch: Int, model: any Module) -> Bool {
        let improved: Bool
        if let best {
            improved = mode == .minimize ? value < best - minDelta : value > best + minDelta
        } else {
            improved = value.isFinite
        }
        if improved {
            best = value; bestEpoch = epoch; epochsWithoutImprovement = 0
            bestState = model.stateDict()
        } else {
            epochsWithoutImprovement += 1
        }
        return epochsWithoutImprovement >= patience
    }

    /// Puts the best weights seen back into `model` (no-op before the first update).
    public func restoreBest(into model: any Module) {
        let named = Dictionary(uniqueKeysWithValues: model.namedParameters())
        for (name, t) in bestState { named[name]?.assign(t) }
    }
}
