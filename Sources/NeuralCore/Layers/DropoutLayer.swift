/// Dropout with its own seeded stream. Active in training only. Shape: any -> same.
public final class Dropout: Layer {
    public var p: Float
    /// Train or eval as set by `train()`/`eval()`, unless the running task forces eval (`inference`).
    public var training: Bool { trainingFlag && !GradMode.current.forcesEval }
    private var trainingFlag = true
    private var rng: RandomGenerator

    public init(_ p: Float, rng: inout RandomGenerator) {
        self.p = p
        self.rng = rng.split()
    }

    public func setLocalTraining(_ training: Bool) { trainingFlag = training }

    public func callAsFunction(_ x: Tensor) -> Tensor { dropout(x, p: p, training: training, using: &rng) }
}
