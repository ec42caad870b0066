import Foundation

// Pointwise nonlinearities, each forward beside its backward. Shapes: any -> same.

/// Runs `body(range)` over 0..<n, split across threads when large.
@inline(__always)
func pointwise(_ n: Int, _ body: (Range<Int>) -> Void) {
    Parallel.forRanges(n, minPerChunk: Parallel.pointwiseGrain, body)
}

/// p[0..<n] = max(p, 0) in place, as relu() has it (NaN -> 0): the ReLU of fused inference paths.
func rectify(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i + 8 <= n { let v = p.load8(i); p.store8(v.replacing(with: 0, where: .!(v .> 0)), i); i += 8 }
    while i < n { if !(p[i] > 0) { p[i] = 0 }; i += 1 }
}

extension Tensor {
    /// max(x, 0)
    public func relu() -> Tensor {
        let x = self, y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        pointwise(count) { r in FastMath.rectifier(px + r.lowerBound, slope: 0, py + r.lowerBound, r.count) }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                pointwise(x.count) { r in
                    FastMath.rectifierBackward(ref: py + r.lowerBound, g + r.lowerBound, slope: 0, gx + r.lowerBound, r.count, accumulate: !fresh)
                }
            }
        }
    }

    /// x for x > 0, slope·x otherwise (slope 0 is relu(), NaN -> 0).
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor {
        let x = self, y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        pointwise(count) { r in FastMath.rectifier(px + r.lowerBound, slope: slope, py + r.lowerBound, r.count) }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                pointwise(x.count) { r in
                    FastMath.rectifierBackward(ref: px + r.lowerBound, g + r.lowerBound, slope: slope, gx + r.lowerBound, r.count, accumulate: !fresh)
                }
            }
        }
    }

    /// 1 / (1 + e^-x)
    public func sigmoid() -> Tensor { unary(SigmoidFunction.self) }

    public func tanh() -> Tensor { unary(TanhFunction.self) }

    /// Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)), Φ by erfc in vectors (fractional error under
    /// 5e-7 + 3e-8·x², the negative tail included; 0 beyond x = -13). Backward: g·(Φ(x) + x·φ(x)).
    public func gelu() -> Tensor {
        let x = self, y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        pointwise(count) { r in FastMath.gelu(px + r.lowerBound, py + r.lowerBound, r.count) }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                pointwise(x.count) { r in
                    FastMath.geluBackward(px + r.lowerBound, g + r.lowerBound, gx + r.lowerBound, r.count, accumulate: !fresh)
                }
            }
        }
    }
}

/// σ(x) by the kernel set; σ' = y(1 - y).
private enum SigmoidFunction: VectorFunction {
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { FastMath.sigmoid(x, y, n) }
    static func grad(_ g: Float, _ x: Float, _ y: Float) -> Float { g * y * (1 - y) }
}

/// tanh x by the kernel set; tanh' = 1 - y².
private enum TanhFunction: VectorFunction {
    static func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { FastMath.tanh(x, y, n) }
    static func grad(_ g: Float, _ x: Float, _ y: Float) -> Float { g * (1 - y * y) }
}
