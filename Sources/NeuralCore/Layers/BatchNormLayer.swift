import Require
/// Batch normalisation with learned scale and shift and running statistics (momentum 0.1, eps 1e-5).
/// BatchNorm1D: (N, C) or (N, C, L); BatchNorm2D: (N, C, H, W). State: weight, bias, running_mean, running_var.
public class BatchNorm: Layer {
    public let weight: Parameter, bias: Parameter
    public let runningMean: Parameter, runningVar: Parameter
    /// Weight of a training batch's statistics in the running ones (varied by `recomputeStatistics`).
    public var momentum: Float
    public let eps: Float
    /// Train or eval as set by `train()`/`eval()`, unless the running task forces eval (`inference`).
    public var training: Bool { trainingFlag && !GradMode.current.forcesEval }
    private var trainingFlag = true

    public init(_ features: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        weight = Parameter(.ones([features]))
        bias = Parameter(.zeros([features]))
        runningMean = Parameter(.zeros([features]), trainable: false)
        runningVar = Parameter(.ones([features]), trainable: false)
        self.momentum = momentum; self.eps = eps
    }

    /// From tensors (copied), PyTorch's state: weight, bias, running_mean, running_var, (C) each.
    public init(weight: Tensor, bias: Tensor, runningMean: Tensor, runningVar: Tensor, momentum: Float = 0.1, eps: Float = 1e-5) {
        for (t, what) in [(bias, "bias"), (runningMean, "running_mean"), (runningVar, "running_var")] {
            checkShape(t.shape, weight.shape, "BatchNorm \(what)")
        }
        require(weight.rank == 1, "BatchNorm: weight must be (C), got \(weight.shape)")
        self.weight = Parameter(weight); self.bias = Parameter(bias)
        self.runningMean = Parameter(runningMean, trainable: false); self.runningVar = Parameter(runningVar, trainable: false)
        self.momentum = momentum; self.eps = eps
    }

    public var localParameters: [(String, Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
    }

    public func setLocalTraining(_ training: Bool) { trainingFlag = training }

    public func callAsFunction(_ x: Tensor) -> Tensor { apply(x, op: batchNorm) }

    /// This norm then ReLU as one op (`batchNormReLU`): the same bits as the two layers.
    func withReLU(_ x: Tensor) -> Tensor { apply(x, op: batchNormReLU) }

    private func apply(_ x: Tensor, op: (Tensor, Tensor?, Tensor?, Tensor?, Tensor?, Bool, Float, Float) -> Tensor) -> Tensor {
        if training { _ = runningMean.mutableValue(); _ = runningVar.mutableValue() }   // updated in place: unshare first
        return op(x, weight.value, bias.value, runningMean.value, runningVar.value, training, momentum, eps)
    }
}

extension BatchNorm {
    /// Every batch norm in `module` and below it.
    public static func all(in module: any Module) -> [BatchNorm] {
        ((module as? BatchNorm).map { [$0] } ?? []) + module.children.flatMap { all(in: $0.1) }
    }

    /// The running statistics of every batch norm in `model`, recomputed for its current weights as
    /// the plain mean over `batches` training-mode forwards of `input(k)` (PyTorch's momentum=None,
    /// as `torch.optim.swa_utils.update_bn` does): for weights that were averaged or changed since
    /// their statistics were gathered. No gradients are recorded; `model` is left in eval mode.
    public static func recomputeStatistics(of model: any Layer, batches: Int, input: (Int) -> Tensor) {
        require(batches >= 1, "BatchNorm.recomputeStatistics: batches \(batches)")
        let norms = all(in: model), saved = norms.map(\.momentum)
        model.train()
        withoutGrad {
            for k in 0..<batches {
                for bn in norms { bn.momentum = 1 / Float(k + 1) }   // k = 0 replaces, then a running mean
                _ = model(input(k))
            }
        }
        for (bn, m) in zip(norms, saved) { bn.momentum = m }
        model.eval()
    }

    /// h, then `norm` (if any), then ReLU (if `relu`; with a norm, the two as one op, `withReLU`):
    /// what a layer's fused `callAsFunction(_:then:relu:)` does when it cannot fold the norm into
    /// its weights (a graph to record, a training-mode norm).
    static func layerByLayer(_ h: Tensor, then norm: BatchNorm?, relu: Bool) -> Tensor {
        if let norm, relu { return norm.withReLU(h) }
        let normed = norm.map { $0(h) } ?? h
        return relu ? normed.relu() : normed
    }

    /// For inference: the eval-mode norm as y = x·scale + shift per channel, scale = weight/√(var + eps),
    /// shift = bias - mean·scale. (C) each.
    func evalScaleShift() -> (scale: Tensor, shift: Tensor) {
        let c = weight.value.count
        let scale = Tensor(uninitializedShape: [c]), shift = Tensor(uninitializedShape: [c])
        let gamma = weight.value.storage.pointer, beta = bias.value.storage.pointer
        let mean = runningMean.value.storage.pointer, variance = runningVar.value.storage.pointer
        let ps = scale.storage.pointer, pt = shift.storage.pointer
        Parallel.forRanges(c, minPerChunk: 2048) { r in   // DCGAN's first norm: 6272 channels
            for o in r {
                let s = 1 / (variance[o] + eps).squareRoot() * gamma[o]
                ps[o] = s; pt[o] = beta[o] - mean[o] * s
            }
        }
        return (scale, shift)
    }

    /// For inference: this (eval-mode) norm folded into the layer before it, whose weight has the
    /// norm's channels on `axis` (0 for Conv2D, 1 for ConvTranspose2D). Per channel c with
    /// s = scale / √(var + eps): weight·s and bias (b - mean)·s + shift.
    func folded(weight: Tensor, bias: Tensor?, axis: Int) -> (weight: Tensor, bias: Tensor) {
        let c = weight.shape[axis], inner = weight.shape[(axis + 1)...].reduce(1, *), outer = weight.count / (c * inner)
        require(c == self.weight.value.count, "BatchNorm: \(self.weight.value.count) channels after a layer with \(c)")
        let fw = Tensor(uninitializedShape: weight.shape), fb = Tensor(uninitializedShape: [c])
        let pw = weight.storage.pointer, pb = bias?.storage.pointer, ow = fw.storage.pointer, ob = fb.storage.pointer
        let gamma = self.weight.value.storage.pointer, beta = self.bias.value.storage.pointer
        let mean = runningMean.value.storage.pointer, variance = runningVar.value.storage.pointer
        let scale = (0..<c).map { 1 / (variance[$0] + eps).squareRoot() * gamma[$0] }
        for o in 0..<c { ob[o] = ((pb?[o] ?? 0) - mean[o]) * scale[o] + beta[o] }
        // The weight's runs of `inner` floats (run r: channel r mod c) across threads, 2K floats or
        // more a chunk: folded again at every inference call from a weight read once a call (not in
        // cache: dncnn8's 32x32x3x3, 9,216 floats, took 5.6 us on one thread, 0.6 ns a float;
        // DCGAN's 128x64x4x4 transposed convolution 65 us).
        Parallel.forRanges(outer * c, minPerChunk: Swift.max(1, 2048 / Swift.max(inner, 1))) { runs in
            for r in runs {
                let s = scale[r % c], base = r * inner
                for i in 0..<inner { ow[base + i] = pw[base + i] * s }
            }
        }
        return (fw, fb)
    }
}

public final class BatchNorm1D: BatchNorm {}
public final class BatchNorm2D: BatchNorm {}
