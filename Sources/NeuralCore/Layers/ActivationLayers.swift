/// Stateless layers for `Sequential`: activations, flatten, reshape. Shape: any -> same unless noted.
public final class ReLU: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

public final class LeakyReLU: Layer {
    public let slope: Float
    public init(_ slope: Float = 0.01) { self.slope = slope }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(slope) }
}

public final class Sigmoid: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}

public final class Tanh: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

public final class GELU: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { x.gelu() }
}

/// (N, ...) -> (N, product of the rest).
public final class Flatten: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { x.flattened() }
}

/// (N, ...) -> (N, shape...).
public final class Reshape: Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.reshaped([x.shape[0]] + shape) }
}
