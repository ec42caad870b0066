import Require
/// Fully connected layer. (..., in) -> (..., out). weight (out, in), bias (out).
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RandomGenerator) {
        weight = Parameter(uniformInit([outFeatures, inFeatures], fanIn: inFeatures, rng: &rng))
        self.bias = bias ? Parameter(uniformInit([outFeatures], fanIn: inFeatures, rng: &rng)) : nil
    }

    /// From tensors (copied): weight (out, in), bias (out) or nil.
    public init(weight: Tensor, bias: Tensor?) {
        require(weight.rank == 2, "Linear: weight must be (out, in), got \(weight.shape)")
        if let bias { checkShape(bias.shape, [weight.shape[0]], "Linear bias") }
        self.weight = Parameter(weight)
        self.bias = bias.map { Parameter($0) }
    }

    public var localParameters: [(String, Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public func callAsFunction(_ x: Tensor) -> Tensor { linear(x, weight: weight.value, bias: bias?.value) }

    /// This layer, then `norm` (if any) and ReLU (if `relu`). In inference (no graph, norm in eval
    /// mode, x (N, in) so the norm's channels are the outputs) the norm's scale and shift and the
    /// ReLU are one pass over the output. (Folding the norm into the weight instead would rewrite
    /// a weight that can be larger than the output: DCGAN's 6272 x 100 against 64 x 6272.)
    public func callAsFunction(_ x: Tensor, then norm: BatchNorm?, relu: Bool) -> Tensor {
        if GradMode.isEnabled || (norm?.training ?? false) || (norm != nil && x.rank != 2) {
            return BatchNorm.layerByLayer(self(x), then: norm, relu: relu)
        }
        let y = linear(x, weight: weight.value, bias: bias?.value)
        let c = weight.value.shape[0], rows = y.count / c, py = y.storage.pointer
        if let norm {
            let (scale, shift) = norm.evalScaleShift()
            Parallel.forRanges(rows, minPerChunk: Swift.max(1, 16384 / c)) { r in
                for i in r { affine(py + i * c, scale.storage.pointer, shift.storage.pointer, c, relu: relu) }
            }
        } else if relu {
            rectify(py, y.count)
        }
        return y
    }
}

/// p[0..<n] = p·scale + shift, then max(·, 0) when `relu`; 8 lanes at a time.
private func affine(_ p: UnsafeMutablePointer<Float>, _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, _ n: Int,
                    relu: Bool) {
    var j = 0
    while j + 8 <= n {
        var v = p.load8(j) * scale.load8(j) + shift.load8(j)
        if relu { v = v.replacing(with: 0, where: .!(v .> 0)) }
        p.store8(v, j); j += 8
    }
    while j < n {
        let v = p[j] * scale[j] + shift[j]
        p[j] = relu && !(v > 0) ? 0 : v; j += 1
    }
}
