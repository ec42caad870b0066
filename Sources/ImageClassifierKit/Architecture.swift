import NeuralCore
import Models

/// The network architectures the image classifier builds.
public enum Architecture: String, Codable, CaseIterable, Sendable {
    case lenet, cifarCNN = "cifar-cnn"

    /// Input channels: 1 (gray digits) or 3 (colour images).
    public var channels: Int { self == .lenet ? 1 : 3 }
    /// Input side in pixels: 28 or 32.
    public var size: Int { self == .lenet ? 28 : 32 }

    public func make(classes: Int, dropout: Float, seed: UInt64) -> any Layer {
        var rng = RandomGenerator(seed: seed)
        switch self {
        case .lenet: return LeNet(classes: classes, dropout: dropout, rng: &rng)
        case .cifarCNN: return CifarCNN(classes: classes, dropout: dropout, rng: &rng)
        }
    }
}
