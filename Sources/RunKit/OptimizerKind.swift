import NeuralCore

/// Optimizer choices shared by the programs.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, momentum, adam

    public func make(_ params: [Parameter], lr: Float, weightDecay: Float) -> any Optimizer {
        switch self {
        case .sgd: return SGD(params, lr: lr, weightDecay: weightDecay)
        case .momentum: return SGD(params, lr: lr, momentum: 0.9, nesterov: true, weightDecay: weightDecay)
        case .adam: return weightDecay > 0 ? AdamW(params, lr: lr, weightDecay: weightDecay) : Adam(params, lr: lr)
        }
    }
}
