import Foundation

// Elementwise arithmetic with broadcasting. Backward reduces each gradient back to its input's
// shape by walking the same broadcast plan.

@inline(__always)
private func binary(_ a: Tensor, _ b: Tensor,
                    _ f: (Float, Float) -> Float) -> (Tensor, BroadcastPlan?) {
    if a.shape == b.shape {
        let y = Tensor(uninitializedShape: a.shape)
        let pa = a.storage.pointer, pb = b.storage.pointer, py = y.storage.pointer
        pointwise(a.count) { r in
            for i in r { py[i] = f(pa[i], pb[i]) }
        }
        return (y, nil)
    }
    let plan = BroadcastPlan(a.shape, b.shape)
    let y = Tensor(uninitializedShape: plan.shape)
    let pa = a.storage.pointer, pb = b.storage.pointer, py = y.storage.pointer
    plan.forEachRow { o, oa, ob, n, sa, sb in
        for j in 0..<n { py[o + j] = f(pa[oa + j * sa], pb[ob + j * sb]) }
    }
    return (y, plan)
}

/// Adds `df(a, b) * g` into the gradient of `a` (which = 0) or `b` (which = 1).
@inline(__always)
private func binaryGrad(_ g: UnsafePointer<Float>, _ a: Tensor, _ b: Tensor, _ plan: BroadcastPlan?, which: Int,
                        _ df: (Float, Float, Float) -> Float) {
    let target = which == 0 ? a : b
    guard target.requiresGrad else { return }
    let pa = a.storage.pointer, pb = b.storage.pointer
    target.addGrad { gt in
        guard let plan else {
            for i in 0..<a.count { gt[i] += df(g[i], pa[i], pb[i]) }
            return
        }
        plan.forEachRow { o, oa, ob, n, sa, sb in
            if which == 0 {
                for j in 0..<n { gt[oa + j * sa] += df(g[o + j], pa[oa + j * sa], pb[ob + j * sb]) }
            } else {
                for j in 0..<n { gt[ob + j * sb] += df(g[o + j], pa[oa + j * sa], pb[ob + j * sb]) }
            }
        }
    }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (y, plan) = binary(a, b, +)
        return y.recorded(from: [a, b]) { g in
            binaryGrad(g, a, b, plan, which: 0) { g, _, _ in g }
            binaryGrad(g, a, b, plan, which: 1) { g, _, _ in g }
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (y, plan) = binary(a, b, -)
        return y.recorded(from: [a, b]) { g in
            binaryGrad(g, a, b, plan, which: 0) { g, _, _ in g }
            binaryGrad(g, a, b, plan, which: 1) { g, _, _ in -g }
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (y, plan) = binary(a, b, *)
        return y.recorded(from: [a, b]) { g in
            binaryGrad(g, a, b, plan, which: 0) { g, _, b in g * b }
            binaryGrad(g, a, b, plan, which: 1) { g, a, _ in g * a }
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (y, plan) = binary(a, b, /)
        return y.recorded(from: [a, b]) { g in
            binaryGrad(g, a, b, plan, which: 0) { g, _, b in g / b }
            binaryGrad(g, a, b, plan, which: 1) { g, a, b in -g * a / (b * b) }
        }
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a.map(s) { x, s in x + s } grad: { g, _, _ in g } }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map(s) { x, s in x * s } grad: { g, _, s in g * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func - (s: Float, a: Tensor) -> Tensor { -a + s }
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }

    /// y = x^p for a constant p.
    public func pow(_ p: Float) -> Tensor {
        map(p) { x, p in Foundation.pow(x, p) } grad: { g, x, p in g * p * Foundation.pow(x, p - 1) }
    }
    public func squared() -> Tensor { map(0) { x, _ in x * x } grad: { g, x, _ in 2 * g * x } }
    public func sqrt() -> Tensor { map(0) { x, _ in x.squareRoot() } grad: { g, x, _ in g * 0.5 / x.squareRoot() } }
    public func exp() -> Tensor { map(0) { x, _ in Foundation.exp(x) } grad: { g, x, _ in g * Foundation.exp(x) } }
    public func log() -> Tensor { map(0) { x, _ in Foundation.log(x) } grad: { g, x, _ in g / x } }
    public func abs() -> Tensor { map(0) { x, _ in Swift.abs(x) } grad: { g, x, _ in x > 0 ? g : (x < 0 ? -g : 0) } }

    /// Elementwise y = f(x, c) with gradient df(g, x, c). Both closures are inlined into the loops.
    @inline(__always)
    func map(_ c: Float, _ f: (Float, Float) -> Float, grad df: @escaping (Float, Float, Float) -> Float) -> Tensor {
        let x = self
        let y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        pointwise(count) { r in for i in r { py[i] = f(px[i], c) } }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                pointwise(x.count) { r in
                    if fresh { for i in r { gx[i] = df(g[i], px[i], c) } } else { for i in r { gx[i] += df(g[i], px[i], c) } }
                }
            }
        }
    }
}
