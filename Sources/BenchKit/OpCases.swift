import NeuralCore

/// One core operation of the op benchmark: its inputs built once, the call alone (`forward`, no
/// graph) and the call with its backward from a fixed output gradient (`backward`), as
/// scripts/ops_bench.py times the same operation in PyTorch.
public struct OpCase {
    /// The inputs' shapes as the table shows them, e.g. "1024x1024".
    public let shape: String
    public let forward: () -> Void
    public let backward: () -> Void
}

/// The op benchmark's operations, in table order (the names are ops_bench.py's).
public let allOps = ["add", "mul_scalar", "add_bias", "relu", "sigmoid", "tanh", "gelu", "exp", "log", "sqrt",
                     "softmax", "log_softmax", "softmax_narrow", "sum_all", "sum_axis0", "mean_last",
                     "transpose", "permute_nhwc", "pixel_shuffle", "concat", "max_pool2d", "avg_pool2d", "upsample2x",
                     "mse_loss", "bce_logits", "cross_entropy", "matmul"]

/// The case of op `name` on data from `seed` (nil: no such op).
public func buildOpCase(_ name: String, seed: UInt64) -> OpCase? {
    var rng = RandomGenerator(seed: seed)
    let n = 1 << 20
    func normal(_ s: [Int]) -> Tensor { .normal(s, using: &rng) }
    func positive(_ s: [Int]) -> Tensor { .uniform(s, low: 0.5, high: 2, using: &rng) }
    /// op on inputs xs: forward alone; forward then backward from a gradient of the output's shape
    /// (a scalar output: from 1), every input taking part in the graph.
    func unit(_ shape: String, _ xs: [Tensor], _ op: @escaping ([Tensor]) -> Tensor) -> OpCase {
        let outShape = op(xs).shape, seedGrad = outShape.isEmpty ? nil : Tensor.normal(outShape, using: &rng)
        return OpCase(shape: shape, forward: { _ = op(xs) }, backward: {
            op(xs.map { $0.requiringGrad() }).backward(seedGrad)
        })
    }
    let image = [16, 64, 32, 32], square = [1024, 1024]
    switch name {
    case "add": return unit("1M + 1M", [normal([n]), normal([n])]) { $0[0] + $0[1] }
    case "mul_scalar": return unit("1M", [normal([n])]) { $0[0] * 0.5 }
    case "add_bias": return unit("16384x64 + 64", [normal([16384, 64]), normal([64])]) { $0[0] + $0[1] }
    case "relu": return unit("1M", [normal([n])]) { $0[0].relu() }
    case "sigmoid": return unit("1M", [normal([n])]) { $0[0].sigmoid() }
    case "tanh": return unit("1M", [normal([n])]) { $0[0].tanh() }
    case "gelu": return unit("1M", [normal([n])]) { $0[0].gelu() }
    case "exp": return unit("1M", [normal([n])]) { $0[0].exp() }
    case "log": return unit("1M", [positive([n])]) { $0[0].log() }
    case "sqrt": return unit("1M", [positive([n])]) { $0[0].sqrt() }
    case "softmax": return unit("1024x1024", [normal(square)]) { $0[0].softmax() }
    case "log_softmax": return unit("1024x1024", [normal(square)]) { $0[0].logSoftmax() }
    case "softmax_narrow": return unit("65536x16", [normal([65536, 16])]) { $0[0].softmax() }
    case "sum_all": return unit("1M", [normal([n])]) { $0[0].sum() }
    case "sum_axis0": return unit("1024x1024", [normal(square)]) { $0[0].sum(axes: [0]) }
    case "mean_last": return unit("1024x1024", [normal(square)]) { $0[0].mean(axes: [1]) }
    case "transpose": return unit("1024x1024", [normal(square)]) { $0[0].transposed() }
    case "permute_nhwc": return unit("16x64x32x32", [normal(image)]) { $0[0].permuted([0, 2, 3, 1]) }
    case "pixel_shuffle": return unit("16x64x32x32", [normal(image)]) { $0[0].pixelShuffled(2) }
    case "concat": return unit("1024x512, 1024x512", [normal([1024, 512]), normal([1024, 512])]) { Tensor.concatenate($0, axis: 1) }
    case "max_pool2d": return unit("16x64x32x32", [normal(image)]) { maxPool2d($0[0], kernel: 2) }
    case "avg_pool2d": return unit("16x64x32x32", [normal(image)]) { avgPool2d($0[0], kernel: 2) }
    case "upsample2x": return unit("16x64x32x32", [normal(image)]) { upsampleNearest2d($0[0], factor: 2) }
    case "mse_loss": return unit("1M", [normal([n]), normal([n])]) { mseLoss($0[0], $0[1]) }
    case "bce_logits": return unit("1M", [normal([n]), .uniform([n], low: 0, high: 1, using: &rng)]) { bceWithLogits($0[0], $0[1]) }
    case "cross_entropy":
        let targets = (0..<2048).map { _ in rng.int(below: 65) }
        return unit("2048x65", [normal([2048, 65])]) { crossEntropy($0[0], targets: targets) }
    case "matmul": return unit("256x256 @ 256x256", [normal([256, 256]), normal([256, 256])]) { $0[0].matmul($0[1]) }
    default: return nil
    }
}
