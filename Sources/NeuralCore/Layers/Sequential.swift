/// Layers applied in order; children are named "0", "1", ... as in PyTorch. In inference (no
/// graph), Conv2D [+ eval BatchNorm] [+ ReLU] runs fused (see Conv2D.callAsFunction(_:then:relu:)).
public final class Sequential: Layer {
    public let layers: [any Layer]
    public init(_ layers: [any Layer]) { self.layers = layers }
    public var children: [(String, any Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
    public func callAsFunction(_ x: Tensor) -> Tensor {
        if GradMode.isEnabled {
            // A batch norm followed by ReLU runs as one op (batchNormReLU: the same bits).
            var h = x, i = 0
            while i < layers.count {
                if let bn = layers[i] as? BatchNorm, i + 1 < layers.count, layers[i + 1] is ReLU {
                    h = bn.withReLU(h)
                    i += 2
                } else {
                    h = layers[i](h)
                    i += 1
                }
            }
            return h
        }
        // Without a graph (inference): a convolution, the eval-mode batch norm and ReLU after it
        // run as one pass (the norm folded into the convolution).
        var h = x, i = 0
        while i < layers.count {
            if let conv = layers[i] as? Conv2D {
                var j = i + 1
                var norm: BatchNorm?
                if j < layers.count, let bn = layers[j] as? BatchNorm, !bn.training { norm = bn; j += 1 }
                let relu = j < layers.count && layers[j] is ReLU
                if relu { j += 1 }
                if norm != nil || relu {
                    h = conv(h, then: norm, relu: relu)
                    i = j
                    continue
                }
            }
            h = layers[i](h)
            i += 1
        }
        return h
    }
}
