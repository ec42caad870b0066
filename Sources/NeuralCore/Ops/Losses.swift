import Foundation
import Require

// Losses, all with mean reduction, returning a 0-d tensor.

/// Cross-entropy from logits (..., C) and class indices (one per row), log-softmax + NLL, fused.
public func crossEntropy(_ logits: Tensor, targets: [Int]) -> Tensor {
    let c = logits.shape.last ?? 0, rows = logits.count / Swift.max(c, 1)
    require(rows == targets.count, "crossEntropy: \(targets.count) targets for logits \(logits.shape)")
    for t in targets { require(t >= 0 && t < c, "crossEntropy: class \(t) outside 0..<\(c)") }
    let px = logits.storage.pointer
    let probs = Storage(count: logits.count)
    let pp = probs.pointer
    var total: Double = 0
    for r in 0..<rows {
        let lse = softmaxRow(px + r * c, pp + r * c, c)
        total += Double(lse - px[r * c + targets[r]])
    }
    let loss = Tensor(Float(total / Double(Swift.max(rows, 1))))
    return loss.recorded(from: [logits], saving: [probs]) { g in
        let k = g[0] / Float(Swift.max(rows, 1))
        logits.addGrad { gx in
            for r in 0..<rows {
                let pi = pp + r * c, gi = gx + r * c
                for j in 0..<c { gi[j] += k * pi[j] }
                gi[targets[r]] -= k
            }
        }
    }
}

/// Mean squared error.
public func mseLoss(_ input: Tensor, _ target: Tensor) -> Tensor {
    checkShape(input.shape, target.shape, "mseLoss")
    let n = input.count, px = input.storage.pointer, pt = target.storage.pointer
    var s: Double = 0
    for i in 0..<n { let d = Double(px[i] - pt[i]); s += d * d }
    let loss = Tensor(Float(s / Double(Swift.max(n, 1))))
    return loss.recorded(from: [input, target]) { g in
        let k = 2 * g[0] / Float(Swift.max(n, 1))
        input.addGrad { gx in for i in 0..<n { gx[i] += k * (px[i] - pt[i]) } }
        target.addGrad { gt in for i in 0..<n { gt[i] -= k * (px[i] - pt[i]) } }
    }
}

/// Mean absolute error.
public func l1Loss(_ input: Tensor, _ target: Tensor) -> Tensor {
    checkShape(input.shape, target.shape, "l1Loss")
    let n = input.count, px = input.storage.pointer, pt = target.storage.pointer
    var s: Double = 0
    for i in 0..<n { s += Double(Swift.abs(px[i] - pt[i])) }
    let loss = Tensor(Float(s / Double(Swift.max(n, 1))))
    return loss.recorded(from: [input, target]) { g in
        let k = g[0] / Float(Swift.max(n, 1))
        func sign(_ v: Float) -> Float { v > 0 ? 1 : (v < 0 ? -1 : 0) }
        input.addGrad { gx in for i in 0..<n { gx[i] += k * sign(px[i] - pt[i]) } }
        target.addGrad { gt in for i in 0..<n { gt[i] -= k * sign(px[i] - pt[i]) } }
    }
}

/// Binary cross-entropy on logits, stable form max(x,0) - x·t + log(1 + e^-|x|), mean.
public func bceWithLogits(_ logits: Tensor, _ target: Tensor) -> Tensor {
    checkShape(logits.shape, target.shape, "bceWithLogits")
    let n = logits.count, px = logits.storage.pointer, pt = target.storage.pointer
    var s: Double = 0
    for i in 0..<n { let x = px[i]; s += Double(Swift.max(x, 0) - x * pt[i] + Foundation.log1p(Foundation.exp(-Swift.abs(x)))) }
    let loss = Tensor(Float(s / Double(Swift.max(n, 1))))
    return loss.recorded(from: [logits], saving: [target.storage]) { g in
        let k = g[0] / Float(Swift.max(n, 1))
        logits.addGrad { gx in for i in 0..<n { gx[i] += k * (1 / (1 + Foundation.exp(-px[i])) - pt[i]) } }
    }
}

/// BCE with logits against a constant label (1 real, 0 fake), as a GAN uses it.
public func bceWithLogits(_ logits: Tensor, label: Float) -> Tensor {
    bceWithLogits(logits, Tensor(shape: logits.shape, repeating: label))
}
