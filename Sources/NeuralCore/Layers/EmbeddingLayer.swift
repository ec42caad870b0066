/// Token embedding. indices S -> S + (dim). weight (vocab, dim), initialised N(0, 1).
public final class Embedding: Module {
    public let weight: Parameter

    public init(_ vocab: Int, _ dim: Int, rng: inout RandomGenerator) {
        weight = Parameter(.normal([vocab, dim], using: &rng))
    }

    public var localParameters: [(String, Parameter)] { [("weight", weight)] }

    public func callAsFunction(_ indices: [Int], shape: [Int]) -> Tensor { embedding(indices, shape: shape, weight: weight.value) }
}
