import Foundation
import Require

// Softmax and log-softmax over the last dimension. Shape: (..., C) -> (..., C).

/// Writes softmax(x[0..<c]) into y and returns log Σ exp(x) (max-shifted, stable).
@inline(__always)
func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ c: Int) -> Float {
    var lse: Float = 0
    softmaxRows(x, y, rows: 1, c, lse: &lse)
    return lse
}

/// softmaxRow for `rows` rows one after another (x and y (rows, c)), lse[r] the row's log Σ exp
/// (none asked for: no logarithms): the exponentials of the whole block in one call, since a row
/// of 10 classes alone leaves most of a vector empty. The same values as row by row (exp is
/// computed lane by lane either way).
func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, _ c: Int,
                 lse: UnsafeMutablePointer<Float>?) {
    for r in 0..<rows {
        let xr = x + r * c, yr = y + r * c
        let m = vectorMax(xr, c)
        for j in 0..<c { yr[j] = xr[j] - m }
        lse?[r] = m
    }
    FastMath.exp(y, y, rows * c)
    for r in 0..<rows {
        let yr = y + r * c
        let s = vectorSum(yr, c), inv = 1 / s
        for j in 0..<c { yr[j] *= inv }
        lse?[r] += Foundation.log(s)
    }
}

/// Rows of x (rows, c) on threads, in blocks of about 4096 floats (still in cache when the block's
/// exponentials are summed): body(x, y, rows, lse) as softmaxRows, whose results it gets (lse
/// computed when `logs`).
private func softmaxBlocks(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, _ c: Int, logs: Bool,
                           _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void) {
    let block = Swift.max(1, 4096 / Swift.max(c, 1))
    forEachRowRange(rows, c) { rs in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { lse in
            var r = rs.lowerBound
            while r < rs.upperBound {
                let n = Swift.min(block, rs.upperBound - r)
                softmaxRows(x + r * c, y + r * c, rows: n, c, lse: logs ? lse.baseAddress! : nil)
                body(x + r * c, y + r * c, n, lse.baseAddress!)
                r += n
            }
        }
    }
}

extension Tensor {
    public func softmax() -> Tensor {
        let x = self, c = shape.last ?? 1, rows = count / Swift.max(c, 1)
        let y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        softmaxBlocks(px, py, rows: rows, c, logs: false) { _, _, _, _ in }
        return y.recorded(from: [x]) { g in
            // dx = y ⊙ (g - Σ g·y)
            x.addGrad { gx in
                forEachRowRange(rows, c) { rs in
                    for r in rs {
                        let yi = py + r * c, gi = g + r * c, gxi = gx + r * c
                        let dot = vectorDotCentered(gi, yi, c, 0)
                        for j in 0..<c { gxi[j] += yi[j] * (gi[j] - dot) }
                    }
                }
            }
        }
    }

    public func logSoftmax() -> Tensor {
        let x = self, c = shape.last ?? 1, rows = count / Swift.max(c, 1)
        let y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        softmaxBlocks(px, py, rows: rows, c, logs: true) { xb, yb, n, lse in
            for r in 0..<n { let xi = xb + r * c, yi = yb + r * c, l = lse[r]; for j in 0..<c { yi[j] = xi[j] - l } }
        }
        return y.recorded(from: [x]) { g in
            // dx = g - softmax · Σ g (softmax = exp(y), lane by lane in blocks of a row)
            x.addGrad { gx in
                forEachRowRange(rows, c) { rs in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: c) { e in
                        let p = e.baseAddress!
                        for r in rs {
                            let yi = py + r * c, gi = g + r * c, gxi = gx + r * c
                            let s = vectorSum(gi, c)
                            FastMath.exp(yi, p, c)
                            for j in 0..<c { gxi[j] += gi[j] - p[j] * s }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Softmax over dimension `dim` (negative counts from the end), as PyTorch's softmax(x, dim).
    public func softmax(dim: Int) -> Tensor { overLastDimension(dim) { $0.softmax() } }

    /// Log-softmax over dimension `dim` (negative counts from the end).
    public func logSoftmax(dim: Int) -> Tensor { overLastDimension(dim) { $0.logSoftmax() } }

    /// f applied with dimension `dim` moved last, then moved back (a no-op move for the last).
    func overLastDimension(_ dim: Int, _ f: (Tensor) -> Tensor) -> Tensor {
        let d = dim < 0 ? dim + rank : dim
        require(d >= 0 && d < rank, "softmax: dimension \(dim) of shape \(shape)")
        if d == rank - 1 { return f(self) }
        var perm = Array(0..<rank)
        perm.remove(at: d); perm.append(d)
        var back = [Int](repeating: 0, count: rank)
        for (i, p) in perm.enumerated() { back[p] = i }
        return f(permuted(perm)).permuted(back)
    }
}
