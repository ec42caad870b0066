import Foundation
import Require

// Losses, all with mean reduction, returning a 0-d tensor.

/// Cross-entropy with PyTorch's options: classes in dimension `classDim` (-1: last, as (N, C) or
/// (B, T, C); 1: PyTorch's (N, C, d1, ...) layout, targets then (N, d1, ...) in row-major order),
/// per-class `weights` (C), targets equal to `ignoreIndex` not counted, `labelSmoothing` ε
/// (targets become (1 - ε)·one-hot + ε/C), and the reduction. Mean divides by the summed weights
/// of the counted targets (their number without weights), as PyTorch's does. none -> one loss per
/// target (0 for ignored ones), shaped as the targets' rows.
public func crossEntropy(_ logits: Tensor, targets: [Int], classDim: Int = -1, weights: Tensor? = nil, ignoreIndex: Int? = nil,
                         labelSmoothing: Float = 0, reduction: LossReduction = .mean) -> Tensor {
    let dim = classDim < 0 ? classDim + logits.rank : classDim
    require(dim >= 0 && dim < logits.rank, "crossEntropy: class dimension \(classDim) of logits \(logits.shape)")
    if dim != logits.rank - 1 {   // classes last, rows in the targets' order
        var perm = Array(0..<logits.rank)
        perm.remove(at: dim); perm.append(dim)
        return crossEntropy(logits.permuted(perm), targets: targets, weights: weights, ignoreIndex: ignoreIndex,
                            labelSmoothing: labelSmoothing, reduction: reduction)
    }
    if weights == nil && ignoreIndex == nil && labelSmoothing == 0 && reduction == .mean { return crossEntropy(logits, targets: targets) }
    let c = logits.shape.last ?? 0, rows = logits.count / Swift.max(c, 1)
    require(rows == targets.count, "crossEntropy: \(targets.count) targets for logits \(logits.shape)")
    for t in targets where t != ignoreIndex { require(t >= 0 && t < c, "crossEntropy: class \(t) outside 0..<\(c)") }
    if let weights { checkShape(weights.shape, [c], "crossEntropy weights") }
    require(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: label smoothing \(labelSmoothing) outside [0, 1]")
    let w = weights?.scalars ?? [Float](repeating: 1, count: c)
    let wSum = w.reduce(Float(0), +), eps = labelSmoothing, px = logits.storage.pointer
    let probs = Storage(count: logits.count), pp = probs.pointer
    // Rows on threads, each row's loss kept in Double; summed in row order after.
    let losses = UnsafeMutablePointer<Double>.allocate(capacity: rows)
    defer { losses.deallocate() }
    forEachRowRange(rows, c) { rs in
        for r in rs {
            let lse = softmaxRow(px + r * c, pp + r * c, c)
            let t = targets[r]
            guard t != ignoreIndex else { losses[r] = 0; continue }
            var smooth: Double = 0
            if eps > 0 { for j in 0..<c { smooth += Double(w[j]) * Double(lse - px[r * c + j]) } }
            losses[r] = Double(1 - eps) * Double(w[t]) * Double(lse - px[r * c + t]) + Double(eps) / Double(c) * smooth
        }
    }
    var perRow = [Float](repeating: 0, count: rows)
    var total: Double = 0, denominator: Double = 0
    for r in 0..<rows where targets[r] != ignoreIndex {
        perRow[r] = Float(losses[r])
        total += losses[r]
        denominator += Double(w[targets[r]])
    }
    let mean = reduction == .mean
    let out: Tensor
    switch reduction {
    case .none: out = Tensor(shape: [rows], scalars: perRow)
    case .sum: out = Tensor(Float(total))
    case .mean: out = Tensor(Float(total / denominator))   // 0/0 = NaN when every target is ignored, as PyTorch
    }
    return out.recorded(from: [logits], saving: [probs]) { g in
        logits.addGrad { gx in
            forEachRowRange(rows, c) { rs in
                for r in rs {
                    let t = targets[r]
                    guard t != ignoreIndex else { continue }
                    let k = reduction == .none ? g[r] : (mean ? g[0] / Float(denominator) : g[0])
                    // d/dx_j = p_j·((1-ε)·w_t + ε/C·Σw) - (1-ε)·w_t·[j = t] - ε/C·w_j
                    let a = (1 - eps) * w[t] + eps / Float(c) * wSum
                    let pi = pp + r * c, gi = gx + r * c
                    for j in 0..<c { gi[j] += k * (pi[j] * a - eps / Float(c) * w[j]) }
                    gi[t] -= k * (1 - eps) * w[t]
                }
            }
        }
    }
}

/// Cross-entropy from logits (..., C) and class indices (one per row), log-softmax + NLL, fused, mean.
public func crossEntropy(_ logits: Tensor, targets: [Int]) -> Tensor {
    let c = logits.shape.last ?? 0, rows = logits.count / Swift.max(c, 1)
    require(rows == targets.count, "crossEntropy: \(targets.count) targets for logits \(logits.shape)")
    for t in targets { require(t >= 0 && t < c, "crossEntropy: class \(t) outside 0..<\(c)") }
    let px = logits.storage.pointer
    let probs = Storage(count: logits.count)
    let pp = probs.pointer
    // Rows on threads, each row's loss kept in Double; summed in row order after (same bits on any threads).
    let losses = UnsafeMutablePointer<Double>.allocate(capacity: rows), lse = UnsafeMutablePointer<Float>.allocate(capacity: rows)
    defer { losses.deallocate(); lse.deallocate() }
    forEachRowRange(rows, c) { rs in
        softmaxRows(px + rs.lowerBound * c, pp + rs.lowerBound * c, rows: rs.count, c, lse: lse + rs.lowerBound)
        for r in rs { losses[r] = Double(lse[r] - px[r * c + targets[r]]) }
    }
    var total: Double = 0
    for r in 0..<rows { total += losses[r] }
    let loss = Tensor(Float(total / Double(Swift.max(rows, 1))))
    return loss.recorded(from: [logits], saving: [probs]) { g in
        let k = g[0] / Float(Swift.max(rows, 1))
        logits.addGrad { gx in
            forEachRowRange(rows, c) { rs in
                let pi = pp + rs.lowerBound * c, gi = gx + rs.lowerBound * c
                for i in 0..<(rs.count * c) { gi[i] += k * pi[i] }
                for r in rs { gx[r * c + targets[r]] -= k }
            }
        }
    }
}

/// Elements per partial sum of an elementwise loss (fixed, so the sum's order is too).
let lossBlock = 4096

/// Runs body(rows) over 0..<rows split across threads, about `Parallel.pointwiseGrain` floats of
/// rows `width` wide each.
func forEachRowRange(_ rows: Int, _ width: Int, file: StaticString = #fileID, line: UInt = #line, _ body: (Range<Int>) -> Void) {
    Parallel.forRanges(rows, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / Swift.max(width, 1)), file: file, line: line, body)
}

/// How a loss reduces its per-element (per-row) values, as PyTorch's `reduction=`.
public enum LossReduction: Sendable { case mean, sum, none }

/// An elementwise loss over blocks of x and t (n floats each): its values, their sum, and its
/// gradients added in. Static, so the loops generic over one are specialized with the loss
/// inlined (a closure passed in was called once per element: about 20x slower).
private protocol ElementwiseLossFunction {
    /// y[i] = the loss of x[i] against t[i]
    static func values(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int)
    /// Σ the values in Double, in an order fixed by n alone.
    static func sum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double
    /// gx[i] += (g?[i] ?? k)·∂loss/∂x[i], and the same into gt for the target.
    static func addInputGradient(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                 _ gx: UnsafeMutablePointer<Float>, _ n: Int)
    static func addTargetGradient(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                  _ gt: UnsafeMutablePointer<Float>, _ n: Int)
    static var targetHasGradient: Bool { get }
    /// The fewest blocks of `lossBlock` worth a thread of their own.
    static var blocksPerChunk: Int { get }
}

extension ElementwiseLossFunction {
    static var blocksPerChunk: Int { 1 }   // cross-entropy: about 10 us a block
    /// A loss whose target gets no gradient.
    static func addTargetGradient(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                  _ gt: UnsafeMutablePointer<Float>, _ n: Int) {}
}

/// A loss given element by element (its value, its derivatives in x and in t): the values and
/// gradients loop over those; the sum is the loss's own (in the kernel set).
private protocol ScalarElementwiseLoss: ElementwiseLossFunction {
    static func value(_ x: Float, _ t: Float) -> Double
    static func dInput(_ x: Float, _ t: Float) -> Float
    static func dTarget(_ x: Float, _ t: Float) -> Float
}

extension ScalarElementwiseLoss {
    static func values(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = Float(value(x[i], t[i])) }
    }

    static func addInputGradient(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                 _ gx: UnsafeMutablePointer<Float>, _ n: Int) {
        if let g { for i in 0..<n { gx[i] += g[i] * dInput(x[i], t[i]) } } else { for i in 0..<n { gx[i] += k * dInput(x[i], t[i]) } }
    }

    static func addTargetGradient(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                  _ gt: UnsafeMutablePointer<Float>, _ n: Int) {
        if let g { for i in 0..<n { gt[i] += g[i] * dTarget(x[i], t[i]) } } else { for i in 0..<n { gt[i] += k * dTarget(x[i], t[i]) } }
    }
}

private enum SquaredError: ScalarElementwiseLoss {
    static func value(_ x: Float, _ t: Float) -> Double { let d = Double(x - t); return d * d }
    static func sum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double { vectorSquaredErrorSum(x, t, n) }
    static var blocksPerChunk: Int { 4 }   // 0.65 us a block in the kernel set (1M floats in 165 us)
    static func dInput(_ x: Float, _ t: Float) -> Float { 2 * (x - t) }
    static func dTarget(_ x: Float, _ t: Float) -> Float { -2 * (x - t) }
    static var targetHasGradient: Bool { true }
}

private enum AbsoluteError: ScalarElementwiseLoss {
    static func sign(_ v: Float) -> Float { v > 0 ? 1 : (v < 0 ? -1 : 0) }
    static func value(_ x: Float, _ t: Float) -> Double { Double(Swift.abs(x - t)) }
    static func sum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double { vectorAbsoluteErrorSum(x, t, n) }
    static var blocksPerChunk: Int { 4 }
    static func dInput(_ x: Float, _ t: Float) -> Float { sign(x - t) }
    static func dTarget(_ x: Float, _ t: Float) -> Float { -sign(x - t) }
    static var targetHasGradient: Bool { true }
}

/// max(x,0) - x·t + log(1 + e^-|x|): binary cross-entropy on a logit, in its stable form, in the
/// kernel set (FastMath); ∂/∂x = σ(x) - t. The target gets no gradient.
private enum LogitCrossEntropy: ElementwiseLossFunction {
    static func values(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        FastMath.logitCrossEntropy(x, t, y, n)
    }
    static func sum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double { FastMath.logitCrossEntropySum(x, t, n) }
    static func addInputGradient(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                 _ gx: UnsafeMutablePointer<Float>, _ n: Int) {
        FastMath.logitCrossEntropyBackward(x, t, g: g, k: k, gx, n)
    }
    static var targetHasGradient: Bool { false }
}

/// The loss L of input and target (same shape), elementwise and reduced. none -> the input's
/// shape, mean/sum -> 0-d.
private func elementwiseLoss<L: ElementwiseLossFunction>(_ input: Tensor, _ target: Tensor, _ what: String, _ reduction: LossReduction,
                                                         _: L.Type) -> Tensor {
    checkShape(input.shape, target.shape, what)
    let n = input.count, px = input.storage.pointer, pt = target.storage.pointer
    // The gradients scaled by k (nil: by the output's gradient, elementwise).
    func gradients(_ g: UnsafePointer<Float>, scale k: Float?) {
        input.addGrad { gx in
            pointwise(n) { r in
                let o = r.lowerBound
                L.addInputGradient(px + o, pt + o, g: k == nil ? g + o : nil, k: k ?? 0, gx + o, r.count)
            }
        }
        guard L.targetHasGradient else { return }
        target.addGrad { gt in
            pointwise(n) { r in
                let o = r.lowerBound
                L.addTargetGradient(px + o, pt + o, g: k == nil ? g + o : nil, k: k ?? 0, gt + o, r.count)
            }
        }
    }
    if reduction == .none {
        let out = Tensor(uninitializedShape: input.shape), po = out.storage.pointer
        pointwise(n) { r in L.values(px + r.lowerBound, pt + r.lowerBound, po + r.lowerBound, r.count) }
        return out.recorded(from: [input, target], saving: [target.storage]) { g in gradients(g, scale: nil) }
    }
    // Blocks of `lossBlock` elements summed on threads, then the blocks' sums in order: the same
    // bits on any number of threads.
    let blocks = (n + lossBlock - 1) / lossBlock
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(blocks, 1))
    defer { sums.deallocate() }
    Parallel.forRanges(blocks, minPerChunk: L.blocksPerChunk) { bs in
        for b in bs { let i = b * lossBlock; sums[b] = L.sum(px + i, pt + i, Swift.min(n, i + lossBlock) - i) }
    }
    var s: Double = 0
    for b in 0..<blocks { s += sums[b] }
    let mean = reduction == .mean, count = Swift.max(n, 1)
    return Tensor(Float(mean ? s / Double(count) : s)).recorded(from: [input, target], saving: [target.storage]) { g in
        gradients(g, scale: mean ? g[0] / Float(count) : g[0])
    }
}

/// Squared error (x - t)², reduced (default: mean).
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    elementwiseLoss(input, target, "mseLoss", reduction, SquaredError.self)
}

/// Absolute error |x - t|, reduced (default: mean).
public func l1Loss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    elementwiseLoss(input, target, "l1Loss", reduction, AbsoluteError.self)
}

/// Binary cross-entropy on logits, stable form max(x,0) - x·t + log(1 + e^-|x|), reduced
/// (default: mean). The target gets no gradient.
public func bceWithLogits(_ logits: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    elementwiseLoss(logits, target.detached(), "bceWithLogits", reduction, LogitCrossEntropy.self)
}

/// BCE with logits against a constant label (1 real, 0 fake), as a GAN uses it.
public func bceWithLogits(_ logits: Tensor, label: Float) -> Tensor {
    bceWithLogits(logits, Tensor(shape: logits.shape, repeating: label))
}
