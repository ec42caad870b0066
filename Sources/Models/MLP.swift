import NeuralCore

/// Multilayer perceptron on flattened images (MODELS.md "mlp", 269,322 parameters).
/// (N, 784) -> logits (N, classes).
public final class MLP: Layer {
    public let fc1: Linear, fc2: Linear, fc3: Linear

    public init(inputs: Int = 784, hidden: Int = 256, classes: Int = 10, rng: inout RandomGenerator) {
        fc1 = Linear(inputs, hidden, rng: &rng)
        fc2 = Linear(hidden, hidden, rng: &rng)
        fc3 = Linear(hidden, classes, rng: &rng)
    }

    public var children: [(String, any Module)] { [("fc1", fc1), ("fc2", fc2), ("fc3", fc3)] }

    /// Each product is cut into tiles across the threads (not the batch into one forward per
    /// thread, `batchParallel`: every thread then read all of fc1's 800 KB for its few rows;
    /// inference at 2 threads 637k -> 754k samples/s, see docs/BENCHMARKS.md).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        fc3(fc2(fc1(x).relu()).relu())
    }
}
