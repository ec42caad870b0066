/// Dropout with its own seeded stream. Active in training only. Shape: any -> same.
public final class Dropout: Layer {
    public var p: Float
    public private(set) var training = true
    private var rng: RandomGenerator

    public init(_ p: Float, rng: inout RandomGenerator) {
        self.p = p
        self.rng = rng.split()
    }

    public func setLocalTraining(_ training: Bool) { self.training = training }

    public func callAsFunction(_ x: Tensor) -> Tensor { dropout(x, p: p, training: training, using: &rng) }
}
