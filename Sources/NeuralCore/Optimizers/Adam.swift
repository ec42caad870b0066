internal import CKernels
import Foundation

/// Adam (and AdamW with `decoupledWeightDecay`), PyTorch semantics:
/// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + eps).
/// Adam adds wd·p to g; AdamW multiplies p by (1 - lr·wd) first. amsgrad divides by the running
/// maximum of v instead of v.
public class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float, decoupled: Bool, amsgrad: Bool
    public private(set) var stepCount = 0
    private let m: [Storage], v: [Storage], vMax: [Storage]

    public init(_ parameters: [Parameter], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false, amsgrad: Bool = false) {
        self.parameters = parameters; learningRate = lr
        beta1 = betas.0; beta2 = betas.1; self.eps = eps; self.weightDecay = weightDecay; decoupled = decoupledWeightDecay
        self.amsgrad = amsgrad
        m = stateBuffers(parameters); v = stateBuffers(parameters)
        vMax = amsgrad ? stateBuffers(parameters) : []
    }

    public func firstMoment(_ i: Int) -> [Float] { Array(m[i].buffer) }
    public func secondMoment(_ i: Int) -> [Float] { Array(v[i].buffer) }

    public func state() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = [("step", Tensor(Float(stepCount)))]
        for i in 0..<parameters.count {
            out.append(("exp_avg.\(i)", Tensor(shape: [m[i].count], storage: Storage(copying: m[i]))))
            out.append(("exp_avg_sq.\(i)", Tensor(shape: [v[i].count], storage: Storage(copying: v[i]))))
            if amsgrad { out.append(("max_exp_avg_sq.\(i)", Tensor(shape: [vMax[i].count], storage: Storage(copying: vMax[i])))) }
        }
        return out
    }

    public func loadState(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError(description: "optimizer state has no step count") }
        for i in 0..<parameters.count {
            try restore(state, "exp_avg.\(i)", into: m[i])
            try restore(state, "exp_avg_sq.\(i)", into: v[i])
            if amsgrad { try restore(state, "max_exp_avg_sq.\(i)", into: vMax[i]) }
        }
        stepCount = Int(s.item)
    }

    public func step() {
        stepCount += 1
        let t = Double(stepCount)
        let b1 = beta1, b2 = beta2, lr = learningRate, wd = weightDecay, eps = eps, decoupled = decoupled
        let c1 = Float(1 - Foundation.pow(Double(b1), t)), c2 = Float(Foundation.sqrt(1 - Foundation.pow(Double(b2), t)))
        let stepSize = lr / c1
        let shrink: Float = decoupled ? 1 - lr * wd : 1
        if amsgrad { amsgradStep(stepSize: stepSize, c2: c2, shrink: shrink); return }
        let kernels = dm_kernels_active()!
        forEachGradient(parameters) { p, g, n, i, offset in
            kernels.pointee.adam(p, g, m[i].pointer + offset, v[i].pointer + offset, n, b1, b2, stepSize, c2, eps, wd, shrink,
                                 decoupled ? 1 : 0)
        }
    }

    /// The amsgrad step (scalar): the denominator uses max(vMax, v).
    private func amsgradStep(stepSize: Float, c2: Float, shrink: Float) {
        let b1 = beta1, b2 = beta2, wd = weightDecay, eps = eps, decoupled = decoupled
        forEachGradient(parameters) { p, g, n, i, offset in
            let mp = m[i].pointer + offset, vp = v[i].pointer + offset, xp = vMax[i].pointer + offset
            for j in 0..<n {
                var gj = g[j]
                if decoupled { p[j] *= shrink } else { gj += wd * p[j] }
                mp[j] = b1 * mp[j] + (1 - b1) * gj
                vp[j] = b2 * vp[j] + (1 - b2) * gj * gj
                xp[j] = Swift.max(xp[j], vp[j])
                p[j] -= stepSize * mp[j] / (xp[j].squareRoot() / c2 + eps)
            }
        }
    }
}

/// Adam with decoupled weight decay (default 1e-2, as PyTorch's AdamW).
public final class AdamW: Adam {
    public init(_ parameters: [Parameter], lr: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 1e-2, amsgrad: Bool = false) {
        super.init(parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, decoupledWeightDecay: true, amsgrad: amsgrad)
    }
}
