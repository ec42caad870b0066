/// Max pooling. (N, C, H, W) -> (N, C, Ho, Wo).
public final class MaxPool2D: Layer {
    public let kernel: Int, stride: Int, padding: Int
    public init(_ kernel: Int, stride: Int? = nil, padding: Int = 0) { self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding }
    public func callAsFunction(_ x: Tensor) -> Tensor { maxPool2d(x, kernel: kernel, stride: stride, padding: padding) }
}

/// Average pooling. (N, C, H, W) -> (N, C, Ho, Wo).
public final class AvgPool2D: Layer {
    public let kernel: Int, stride: Int
    public init(_ kernel: Int, stride: Int? = nil) { self.kernel = kernel; self.stride = stride ?? kernel }
    public func callAsFunction(_ x: Tensor) -> Tensor { avgPool2d(x, kernel: kernel, stride: stride) }
}

/// Mean over H, W. (N, C, H, W) -> (N, C).
public final class GlobalAvgPool2D: Layer {
    public init() {}
    public func callAsFunction(_ x: Tensor) -> Tensor { globalAvgPool2d(x) }
}

/// Nearest upsampling by an integer factor. (N, C, H, W) -> (N, C, H·f, W·f).
public final class UpsampleNearest2D: Layer {
    public let factor: Int
    public init(factor: Int) { self.factor = factor }
    public func callAsFunction(_ x: Tensor) -> Tensor { upsampleNearest2d(x, factor: factor) }
}
