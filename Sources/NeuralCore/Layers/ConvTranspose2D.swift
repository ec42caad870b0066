import Require
/// 2-d transposed convolution. (N, Cin, H, W) -> (N, Cout, Ho, Wo). weight (Cin, Cout, kh, kw), bias (Cout).
public final class ConvTranspose2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int)

    public convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, bias: Bool = true, rng: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding),
                  outputPadding: (outputPadding, outputPadding), bias: bias, rng: &rng)
    }

    /// Rectangular kernels, strides and paddings: (rows, columns) each.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                outputPadding: (Int, Int) = (0, 0), bias: Bool = true, rng: inout RandomGenerator) {
        // PyTorch computes fan-in from weight dim 1 (out channels) for transposed convolutions.
        let fanIn = outChannels * kernel.0 * kernel.1
        weight = Parameter(uniformInit([inChannels, outChannels, kernel.0, kernel.1], fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(uniformInit([outChannels], fanIn: fanIn, rng: &rng)) : nil
        self.stride = stride; self.padding = padding; self.outputPadding = outputPadding
    }

    /// From tensors (copied): weight (Cin, Cout, kh, kw), bias (Cout) or nil.
    public init(weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0)) {
        require(weight.rank == 4, "ConvTranspose2D: weight must be (Cin, Cout, kh, kw), got \(weight.shape)")
        if let bias { checkShape(bias.shape, [weight.shape[1]], "ConvTranspose2D bias") }
        self.weight = Parameter(weight)
        self.bias = bias.map { Parameter($0) }
        self.stride = stride; self.padding = padding; self.outputPadding = outputPadding
    }

    public var localParameters: [(String, Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        convTranspose2d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, outputPadding: outputPadding)
    }

    /// This transposed convolution, then `norm` (if any) and ReLU (if `relu`). In inference (no
    /// graph, norm in eval mode) as one pass: the norm folded into the weights and bias, ReLU on
    /// the output while in cache. Otherwise the layers one by one.
    public func callAsFunction(_ x: Tensor, then norm: BatchNorm?, relu: Bool) -> Tensor {
        if GradMode.isEnabled || (norm?.training ?? false) {
            return BatchNorm.layerByLayer(self(x), then: norm, relu: relu)
        }
        var w = weight.value, b = bias?.value
        if let norm { (w, b) = norm.folded(weight: w, bias: b, axis: 1) }
        return convTranspose2d(x, weight: w, bias: b, stride: stride, padding: padding, outputPadding: outputPadding,
                               dilation: (1, 1), relu: relu)
    }
}
