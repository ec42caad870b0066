import Foundation

// Softmax and log-softmax over the last dimension. Shape: (..., C) -> (..., C).

extension Tensor {
    public func softmax() -> Tensor {
        let x = self, c = shape.last ?? 1, rows = count / Swift.max(c, 1)
        let y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        for r in 0..<rows {
            let xi = px + r * c, yi = py + r * c
            var m = -Float.infinity
            for j in 0..<c { m = Swift.max(m, xi[j]) }
            var s: Float = 0
            for j in 0..<c { yi[j] = Foundation.exp(xi[j] - m); s += yi[j] }
            let inv = 1 / s
            for j in 0..<c { yi[j] *= inv }
        }
        return y.recorded(from: [x]) { g in
            // dx = y ⊙ (g - Σ g·y)
            x.addGrad { gx in
                for r in 0..<rows {
                    let yi = py + r * c, gi = g + r * c, gxi = gx + r * c
                    var dot: Float = 0
                    for j in 0..<c { dot += gi[j] * yi[j] }
                    for j in 0..<c { gxi[j] += yi[j] * (gi[j] - dot) }
                }
            }
        }
    }

    public func logSoftmax() -> Tensor {
        let x = self, c = shape.last ?? 1, rows = count / Swift.max(c, 1)
        let y = Tensor(uninitializedShape: shape)
        let px = storage.pointer, py = y.storage.pointer
        for r in 0..<rows {
            let xi = px + r * c, yi = py + r * c
            var m = -Float.infinity
            for j in 0..<c { m = Swift.max(m, xi[j]) }
            var s: Float = 0
            for j in 0..<c { s += Foundation.exp(xi[j] - m) }
            let lse = m + Foundation.log(s)
            for j in 0..<c { yi[j] = xi[j] - lse }
        }
        return y.recorded(from: [x]) { g in
            // dx = g - softmax · Σ g
            x.addGrad { gx in
                for r in 0..<rows {
                    let yi = py + r * c, gi = g + r * c, gxi = gx + r * c
                    var s: Float = 0
                    for j in 0..<c { s += gi[j] }
                    for j in 0..<c { gxi[j] += gi[j] - Foundation.exp(yi[j]) * s }
                }
            }
        }
    }
}
