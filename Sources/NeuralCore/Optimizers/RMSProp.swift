/// RMSProp, PyTorch semantics: sq = α·sq + (1-α)·g²; centred: ga = α·ga + (1-α)·g and
/// avg = √(sq - ga²) + eps, else avg = √sq + eps; with momentum buf = μ·buf + g/avg and
/// p -= lr·buf, else p -= lr·g/avg. (g includes wd·p.)
public final class RMSProp: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let alpha: Float, eps: Float, weightDecay: Float, momentum: Float, centered: Bool
    private let square: [Storage], gradAverage: [Storage], buffer: [Storage]

    public init(_ parameters: [Parameter], lr: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8, weightDecay: Float = 0,
                momentum: Float = 0, centered: Bool = false) {
        self.parameters = parameters; learningRate = lr
        self.alpha = alpha; self.eps = eps; self.weightDecay = weightDecay; self.momentum = momentum; self.centered = centered
        square = stateBuffers(parameters)
        gradAverage = centered ? stateBuffers(parameters) : []
        buffer = momentum > 0 ? stateBuffers(parameters) : []
    }

    public func squareAverage(_ i: Int) -> [Float] { Array(square[i].buffer) }

    public func state() -> [(String, Tensor)] {
        func copy(_ s: Storage) -> Tensor { Tensor(shape: [s.count], storage: Storage(copying: s)) }
        return (0..<parameters.count).flatMap { i -> [(String, Tensor)] in
            [("square_avg.\(i)", copy(square[i]))] + (centered ? [("grad_avg.\(i)", copy(gradAverage[i]))] : [])
                + (momentum > 0 ? [("momentum_buffer.\(i)", copy(buffer[i]))] : [])
        }
    }

    public func loadState(_ state: [String: Tensor]) throws {
        for i in 0..<parameters.count {
            try restore(state, "square_avg.\(i)", into: square[i])
            if centered { try restore(state, "grad_avg.\(i)", into: gradAverage[i]) }
            if momentum > 0 { try restore(state, "momentum_buffer.\(i)", into: buffer[i]) }
        }
    }

    public func step() {
        let a = alpha, lr = learningRate, eps = eps, wd = weightDecay, mu = momentum, centered = centered
        forEachGradient(parameters) { p, g, n, i, offset in
            let s = square[i].pointer + offset
            let ga = centered ? gradAverage[i].pointer + offset : nil, b = mu > 0 ? buffer[i].pointer + offset : nil
            for j in 0..<n {
                let gj = g[j] + wd * p[j]
                s[j] = a * s[j] + (1 - a) * gj * gj
                var avg: Float
                if let ga {
                    ga[j] = a * ga[j] + (1 - a) * gj
                    avg = (s[j] - ga[j] * ga[j]).squareRoot() + eps
                } else {
                    avg = s[j].squareRoot() + eps
                }
                if let b {
                    b[j] = mu * b[j] + gj / avg
                    p[j] -= lr * b[j]
                } else {
                    p[j] -= lr * gj / avg
                }
            }
        }
    }
}
