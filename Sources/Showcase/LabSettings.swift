import Foundation
import Datasets

/// The switches of one training-lab model: the point set and the network and optimiser the
/// viewer chose. Missing fields take the defaults; every field is checked.
public struct LabSettings: Codable, Sendable, Equatable {
    public var dataset = PointSet.spirals
    /// Points in the set (half of each class) and their jitter.
    public var points = 400
    public var noise: Float = 0.05
    /// Hidden layers and the units of each.
    public var layers = 2
    public var hidden = 16
    public var dropout: Float = 0
    public var batchNorm = false
    /// SGD's learning rate and momentum, minibatch size.
    public var lr: Float = 0.1
    public var momentum: Float = 0.9
    public var batchSize = 32
    public var seed: UInt64 = 1

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LabSettings()
        if let name = try c.decodeIfPresent(String.self, forKey: .dataset) {
            guard let set = PointSet(rawValue: name) else {
                throw APIError(.badRequest, "dataset \"\(name.prefix(40))\": one of \(PointSet.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            dataset = set
        }
        points = try c.decodeIfPresent(Int.self, forKey: .points) ?? d.points
        noise = try c.decodeIfPresent(Float.self, forKey: .noise) ?? d.noise
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? d.layers
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden) ?? d.hidden
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? d.dropout
        batchNorm = try c.decodeIfPresent(Bool.self, forKey: .batchNorm) ?? d.batchNorm
        lr = try c.decodeIfPresent(Float.self, forKey: .lr) ?? d.lr
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? d.momentum
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        try validate()
    }

    public func validate() throws {
        _ = try checked(points, "points", in: 20...2000)
        _ = try checked(noise, "noise", in: 0...0.5)
        _ = try checked(layers, "layers", in: 1...4)
        _ = try checked(hidden, "hidden", in: 2...128)
        _ = try checked(dropout, "dropout", in: 0...0.9)
        _ = try checked(lr, "lr", in: 0.0001...2)
        _ = try checked(momentum, "momentum", in: 0...0.99)
        _ = try checked(batchSize, "batch_size", in: 1...2000)
    }
}
