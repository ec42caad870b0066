import Foundation

// Elementwise arithmetic with broadcasting. Backward reduces each gradient back to its input's
// shape by walking the same broadcast plan.

/// An elementwise function of two floats and its partial derivatives times the output's gradient
/// g. Static functions: a loop generic over one is specialized with the function inlined and
/// vectorized (a closure passed in was called once per element: about 10x slower).
private protocol BinaryFunction {
    static func value(_ a: Float, _ b: Float) -> Float
    static func gradA(_ g: Float, _ a: Float, _ b: Float) -> Float
    static func gradB(_ g: Float, _ a: Float, _ b: Float) -> Float
}

private enum Addition: BinaryFunction {
    static func value(_ a: Float, _ b: Float) -> Float { a + b }
    static func gradA(_ g: Float, _ a: Float, _ b: Float) -> Float { g }
    static func gradB(_ g: Float, _ a: Float, _ b: Float) -> Float { g }
}

private enum Subtraction: BinaryFunction {
    static func value(_ a: Float, _ b: Float) -> Float { a - b }
    static func gradA(_ g: Float, _ a: Float, _ b: Float) -> Float { g }
    static func gradB(_ g: Float, _ a: Float, _ b: Float) -> Float { -g }
}

private enum Multiplication: BinaryFunction {
    static func value(_ a: Float, _ b: Float) -> Float { a * b }
    static func gradA(_ g: Float, _ a: Float, _ b: Float) -> Float { g * b }
    static func gradB(_ g: Float, _ a: Float, _ b: Float) -> Float { g * a }
}

private enum Division: BinaryFunction {
    static func value(_ a: Float, _ b: Float) -> Float { a / b }
    static func gradA(_ g: Float, _ a: Float, _ b: Float) -> Float { g / b }
    static func gradB(_ g: Float, _ a: Float, _ b: Float) -> Float { -g * a / (b * b) }
}

/// y = F(a, b) with broadcasting, recording its gradients.
private func binary<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, _: F.Type) -> Tensor {
    let pa = a.storage.pointer, pb = b.storage.pointer
    if a.shape == b.shape {
        let y = Tensor(uninitializedShape: a.shape), py = y.storage.pointer
        pointwise(a.count) { r in for i in r { py[i] = F.value(pa[i], pb[i]) } }
        return y.recorded(from: [a, b]) { g in
            let n = a.count
            a.writeGrad { ga, fresh in
                pointwise(n) { r in
                    if fresh { for i in r { ga[i] = F.gradA(g[i], pa[i], pb[i]) } } else { for i in r { ga[i] += F.gradA(g[i], pa[i], pb[i]) } }
                }
            }
            b.writeGrad { gb, fresh in
                pointwise(n) { r in
                    if fresh { for i in r { gb[i] = F.gradB(g[i], pa[i], pb[i]) } } else { for i in r { gb[i] += F.gradB(g[i], pa[i], pb[i]) } }
                }
            }
        }
    }
    if b.count > 0 && b.count < a.count && endsWith(a.shape, b.shape) { return rowsAgainstOne(a, b, F.self) }
    let plan = BroadcastPlan(a.shape, b.shape)
    let y = Tensor(uninitializedShape: plan.shape), py = y.storage.pointer
    let grain = Swift.max(1, Parallel.pointwiseGrain / Swift.max(plan.shape.last ?? 1, 1))   // rows a chunk
    Parallel.forRanges(plan.rows, minPerChunk: grain) { rows in
        plan.forEachRow(in: rows) { o, oa, ob, n, sa, sb in
            let (out, x, z) = (py + o, pa + oa, pb + ob)
            switch (sa, sb) {   // steps of 1 and 0 written out: the common ones, vectorized
            case (1, 1): for j in 0..<n { out[j] = F.value(x[j], z[j]) }
            case (1, 0): let v = z[0]; for j in 0..<n { out[j] = F.value(x[j], v) }
            case (0, 1): let v = x[0]; for j in 0..<n { out[j] = F.value(v, z[j]) }
            default: for j in 0..<n { out[j] = F.value(x[j * sa], z[j * sb]) }
            }
        }
    }
    return y.recorded(from: [a, b]) { g in
        // Each row's gradient into a's row (step 1) or one element of a (step 0), in order; rows
        // on threads when a has the output's shape (each row of a then one row of the output).
        a.addGrad { ga in
            Parallel.forRanges(plan.rows, minPerChunk: a.shape == plan.shape ? grain : Int.max) { rows in
                plan.forEachRow(in: rows) { o, oa, ob, n, sa, sb in
                    let (gy, gx, x, z) = (g + o, ga + oa, pa + oa, pb + ob)
                    switch (sa, sb) {
                    case (1, 1): for j in 0..<n { gx[j] += F.gradA(gy[j], x[j], z[j]) }
                    case (1, 0): let v = z[0]; for j in 0..<n { gx[j] += F.gradA(gy[j], x[j], v) }
                    default: for j in 0..<n { gx[j * sa] += F.gradA(gy[j], x[j * sa], z[j * sb]) }
                    }
                }
            }
        }
        b.addGrad { gb in
            Parallel.forRanges(plan.rows, minPerChunk: b.shape == plan.shape ? grain : Int.max) { rows in
                plan.forEachRow(in: rows) { o, oa, ob, n, sa, sb in
                    let (gy, gz, x, z) = (g + o, gb + ob, pa + oa, pb + ob)
                    switch (sa, sb) {
                    case (1, 1): for j in 0..<n { gz[j] += F.gradB(gy[j], x[j], z[j]) }
                    case (0, 1): let v = x[0]; for j in 0..<n { gz[j] += F.gradB(gy[j], v, z[j]) }
                    default: for j in 0..<n { gz[j * sb] += F.gradB(gy[j], x[j * sa], z[j * sb]) }
                    }
                }
            }
        }
    }
}

/// True when `small` has no more axes than `shape` and, leading 1s dropped, is its end (a bias
/// (C) or (1, C) against (N, C); not (1, 1, C), whose broadcast with (N, C) is (1, N, C)).
private func endsWith(_ shape: [Int], _ small: [Int]) -> Bool {
    let s = small.drop { $0 == 1 }
    return small.count <= shape.count && Array(shape.suffix(s.count)) == Array(s)
}

/// y = F(a, b) for a (rows, m) and b (m) repeated over a's rows: rows on threads with no index
/// walk (BroadcastPlan's odometer cost more than a short row's arithmetic). b's gradient sums the
/// rows in order, as the plan's walk did.
private func rowsAgainstOne<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, _: F.Type) -> Tensor {
    let pa = a.storage.pointer, pb = b.storage.pointer, m = b.count, rows = a.count / m
    let y = Tensor(uninitializedShape: a.shape), py = y.storage.pointer
    let grain = Swift.max(1, Parallel.pointwiseGrain / m)
    Parallel.forRanges(rows, minPerChunk: grain) { rs in
        for r in rs { let (o, x) = (py + r * m, pa + r * m); for j in 0..<m { o[j] = F.value(x[j], pb[j]) } }
    }
    return y.recorded(from: [a, b]) { g in
        a.writeGrad { ga, fresh in
            Parallel.forRanges(rows, minPerChunk: grain) { rs in
                for r in rs {
                    let (gy, gx, x) = (g + r * m, ga + r * m, pa + r * m)
                    if fresh { for j in 0..<m { gx[j] = F.gradA(gy[j], x[j], pb[j]) } } else { for j in 0..<m { gx[j] += F.gradA(gy[j], x[j], pb[j]) } }
                }
            }
        }
        b.addGrad { gb in
            for r in 0..<rows { let (gy, x) = (g + r * m, pa + r * m); for j in 0..<m { gb[j] += F.gradB(gy[j], x[j], pb[j]) } }
        }
    }
}

/// An elementwise function of a float and a constant c, and its derivative times the gradient g
/// (static, as `BinaryFunction`).
private protocol ScalarFunction {
    static func value(_ x: Float, _ c: Float) -> Float
    static func grad(_ g: Float, _ x: Float, _ c: Float) -> Float
}

/// An elementwise function computed over a buffer by a vector kernel (y may not be x), and its
/// derivative times the gradient g from x and y (static, as `BinaryFunction`): exp, log and sqrt
/// here, sigmoid and tanh in Activations.swift.
protocol VectorFunction {
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int)
    static func grad(_ g: Float, _ x: Float, _ y: Float) -> Float
}

private enum Exponential: VectorFunction {
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        FastMath.exp(x, y, n)
        if vectorMin(x, n) >= -87.3 && vectorMax(x, n) <= 88.3 { return }   // (NaN stays NaN in FastMath's)
        for i in 0..<n where !(x[i] >= -87.3 && x[i] <= 88.3) && !x[i].isNaN { y[i] = Foundation.exp(x[i]) }
    }
    static func grad(_ g: Float, _ x: Float, _ y: Float) -> Float { g * y }
}

private enum Logarithm: VectorFunction {
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { FastMath.log(x, y, n) }
    static func grad(_ g: Float, _ x: Float, _ y: Float) -> Float { g / x }
}

private enum SquareRoot: VectorFunction {
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { FastMath.sqrt(x, y, n) }
    static func grad(_ g: Float, _ x: Float, _ y: Float) -> Float { g * 0.5 / y }
}

private enum AddConstant: ScalarFunction {
    static func value(_ x: Float, _ c: Float) -> Float { x + c }
    static func grad(_ g: Float, _ x: Float, _ c: Float) -> Float { g }
}

private enum MultiplyByConstant: ScalarFunction {
    static func value(_ x: Float, _ c: Float) -> Float { x * c }
    static func grad(_ g: Float, _ x: Float, _ c: Float) -> Float { g * c }
}

private enum Power: ScalarFunction {
    static func value(_ x: Float, _ c: Float) -> Float { Foundation.pow(x, c) }
    static func grad(_ g: Float, _ x: Float, _ c: Float) -> Float { g * c * Foundation.pow(x, c - 1) }
}

private enum Square: ScalarFunction {
    static func value(_ x: Float, _ c: Float) -> Float { x * x }
    static func grad(_ g: Float, _ x: Float, _ c: Float) -> Float { 2 * g * x }
}

private enum Magnitude: ScalarFunction {
    static func value(_ x: Float, _ c: Float) -> Float { Swift.abs(x) }
    static func grad(_ g: Float, _ x: Float, _ c: Float) -> Float { x > 0 ? g : (x < 0 ? -g : 0) }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, Addition.self) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, Subtraction.self) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, Multiplication.self) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(a, b, Division.self) }

    public static func + (a: Tensor, s: Float) -> Tensor { a.map(s, AddConstant.self) }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map(s, MultiplyByConstant.self) }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func - (s: Float, a: Tensor) -> Tensor { -a + s }
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }

    /// y = x^p for a constant p.
    public func pow(_ p: Float) -> Tensor { map(p, Power.self) }
    public func squared() -> Tensor { map(0, Square.self) }
    /// e^x (FastMath.exp, within 4e-7 of the exact value; beyond its clamp, e^x overflowing or
    /// below 1e-38, Foundation's exp, as PyTorch: inf, 0 and subnormals).
    public func exp() -> Tensor { unary(Exponential.self) }
    public func log() -> Tensor { unary(Logarithm.self) }
    public func sqrt() -> Tensor { unary(SquareRoot.self) }
    public func abs() -> Tensor { map(0, Magnitude.self) }

    /// y = F(x) by its vector kernel, recording its gradient.
    func unary<F: VectorFunction>(_: F.Type) -> Tensor {
        let x = self, y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        pointwise(count) { r in F.apply(px + r.lowerBound, py + r.lowerBound, r.count) }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                pointwise(x.count) { r in
                    if fresh { for i in r { gx[i] = F.grad(g[i], px[i], py[i]) } } else { for i in r { gx[i] += F.grad(g[i], px[i], py[i]) } }
                }
            }
        }
    }

    /// Elementwise y = F(x, c), recording its gradient.
    private func map<F: ScalarFunction>(_ c: Float, _: F.Type) -> Tensor {
        let x = self
        let y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        pointwise(count) { r in for i in r { py[i] = F.value(px[i], c) } }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                pointwise(x.count) { r in
                    if fresh { for i in r { gx[i] = F.grad(g[i], px[i], c) } } else { for i in r { gx[i] += F.grad(g[i], px[i], c) } }
                }
            }
        }
    }
}
