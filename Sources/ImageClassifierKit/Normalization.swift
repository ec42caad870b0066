import NeuralCore

/// Input normalisation (x - mean) / std over all pixels, stored in checkpoint metadata.
public struct Normalization: Sendable, Codable, Equatable {
    public var mean: Float, std: Float
    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }

    /// Mean and standard deviation (of the population) of a data set's pixels, summed in double.
    public static func of(_ t: Tensor) -> Normalization {
        if t.count == 0 { return Normalization(mean: 0, std: 1) }
        let (v, m) = t.varianceMean(correction: 0)
        return Normalization(mean: Float(m), std: max(Float(v.squareRoot()), 1e-6))
    }

    public func apply(_ x: Tensor) -> Tensor { withoutGrad { differentiable(x) } }

    /// The same, recorded on the graph (for gradients with respect to the input pixels).
    public func differentiable(_ x: Tensor) -> Tensor { (x - mean) * (1 / std) }
}
