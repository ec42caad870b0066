/// RMSProp, PyTorch semantics (not centred, no momentum): sq = α·sq + (1-α)·g²; p -= lr·g/(√sq + eps).
public final class RMSProp: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let alpha: Float, eps: Float, weightDecay: Float
    private let square: [Storage]

    public init(_ parameters: [Parameter], lr: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters; learningRate = lr
        self.alpha = alpha; self.eps = eps; self.weightDecay = weightDecay
        square = stateBuffers(parameters)
    }

    public func squareAverage(_ i: Int) -> [Float] { Array(square[i].buffer) }

    public func state() -> [(String, Tensor)] {
        (0..<parameters.count).map { ("square_avg.\($0)", Tensor(shape: [square[$0].count], storage: Storage(copying: square[$0]))) }
    }

    public func loadState(_ state: [String: Tensor]) throws {
        for i in 0..<parameters.count { try restore(state, "square_avg.\(i)", into: square[i]) }
    }

    public func step() {
        let a = alpha, lr = learningRate, eps = eps, wd = weightDecay
        forEachGradient(parameters) { p, g, n, i, offset in
            let s = square[i].pointer + offset
            for j in 0..<n {
                let gj = g[j] + wd * p[j]
                s[j] = a * s[j] + (1 - a) * gj * gj
                p[j] -= lr * gj / (s[j].squareRoot() + eps)
            }
        }
    }
}
