import Require
/// 2-d convolution. (N, Cin, H, W) -> (N, Cout, Ho, Wo). weight (Cout, Cin, kh, kw), bias (Cout).
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)

    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), bias: Bool = true, rng: inout RandomGenerator) {
        let fanIn = inChannels * kernel.0 * kernel.1
        weight = Parameter(uniformInit([outChannels, inChannels, kernel.0, kernel.1], fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(uniformInit([outChannels], fanIn: fanIn, rng: &rng)) : nil
        self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    /// Square kernel, stride, padding.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, bias: Bool = true, rng: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding),
                  dilation: (dilation, dilation), bias: bias, rng: &rng)
    }

    /// From tensors (copied): weight (Cout, Cin, kh, kw), bias (Cout) or nil.
    public init(weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
        require(weight.rank == 4, "Conv2D: weight must be (Cout, Cin, kh, kw), got \(weight.shape)")
        if let bias { checkShape(bias.shape, [weight.shape[0]], "Conv2D bias") }
        self.weight = Parameter(weight)
        self.bias = bias.map { Parameter($0) }
        self.stride = stride; self.padding = padding; self.dilation = dilation
    }

    public var localParameters: [(String, Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation)
    }

    /// This convolution, then `norm` (if any) and ReLU (if `relu`). In inference (no graph, norm
    /// in eval mode) as one pass, see `fused`; otherwise the layers one by one.
    public func callAsFunction(_ x: Tensor, then norm: BatchNorm?, relu: Bool) -> Tensor {
        if !GradMode.isEnabled && !(norm?.training ?? false) { return fused(x, batchNorm: norm, relu: relu) }
        return BatchNorm.layerByLayer(self(x), then: norm, relu: relu)
    }

    /// This convolution, `norm` (if any), ReLU and max pooling over `pool` x `pool` windows
    /// (stride `pool`): (N, Cin, H, W) -> (N, Cout, Ho/pool, Wo/pool). Layer by layer (training),
    /// the ReLU runs after the pooling: max commutes with it (the same values, and the same
    /// gradients, zero wherever the window's maximum is not positive) on 1/pool² of the elements.
    /// In inference it is fused into the convolution's pass instead.
    public func reluMaxPool(_ x: Tensor, then norm: BatchNorm? = nil, pool: Int = 2) -> Tensor {
        if !GradMode.isEnabled && !(norm?.training ?? false) { return maxPool2d(fused(x, batchNorm: norm, relu: true), kernel: pool) }
        return maxPool2d(BatchNorm.layerByLayer(self(x), then: norm, relu: false), kernel: pool).relu()
    }

    /// Inference: this convolution with an eval-mode batch norm folded into its weights and bias
    /// (per output channel W·s and (b - mean)·s + shift, s = scale/√(var + eps)), then ReLU in the
    /// same pass over the output. Equal to the three layers up to rounding.
    func fused(_ x: Tensor, batchNorm bn: BatchNorm?, relu: Bool) -> Tensor {
        var w = weight.value, b = bias?.value
        if let bn { (w, b) = bn.folded(weight: w, bias: b, axis: 0) }
        return relu ? conv2dReLU(x, weight: w, bias: b, stride: stride, padding: padding, dilation: dilation)
                    : conv2d(x, weight: w, bias: b, stride: stride, padding: padding, dilation: dilation)
    }
}
