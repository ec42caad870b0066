import Require
/// Token embedding. indices S -> S + (dim). weight (vocab, dim), initialised N(0, 1).
public final class Embedding: Module {
    public let weight: Parameter

    public init(_ vocab: Int, _ dim: Int, rng: inout RandomGenerator) {
        weight = Parameter(.normal([vocab, dim], using: &rng))
    }

    /// From a weight (vocab, dim), copied.
    public init(weight: Tensor) {
        require(weight.rank == 2, "Embedding: weight must be (vocab, dim), got \(weight.shape)")
        self.weight = Parameter(weight)
    }

    public var localParameters: [(String, Parameter)] { [("weight", weight)] }

    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor { embedding(indices, shape: shape, weight: weight.value) }
}
