import NeuralCore

/// Input normalisation (x - mean) / std over all pixels, stored in checkpoint metadata.
public struct Normalization: Sendable, Codable, Equatable {
    public var mean: Float, std: Float
    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }

    /// Mean and standard deviation of a data set's pixels.
    public static func of(_ t: Tensor) -> Normalization {
        let p = t.scalars
        let m = p.reduce(0, +) / Float(max(p.count, 1))
        let v = p.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(max(p.count, 1))
        return Normalization(mean: m, std: max(v.squareRoot(), 1e-6))
    }

    public func apply(_ x: Tensor) -> Tensor { withoutGrad { differentiable(x) } }

    /// The same, recorded on the graph (for gradients with respect to the input pixels).
    public func differentiable(_ x: Tensor) -> Tensor { (x - mean) * (1 / std) }
}
