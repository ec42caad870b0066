import Require
/// Stochastic gradient descent, PyTorch semantics: g = grad + wd·p; buf = g on the first step,
/// then momentum·buf + (1 - dampening)·g; Nesterov uses g + momentum·buf; p -= lr·(that).
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float, dampening: Float, nesterov: Bool, weightDecay: Float
    private let buffers: [Storage]
    private var started: [Bool]

    public init(_ parameters: [Parameter], lr: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov needs momentum > 0 and no dampening")
        self.parameters = parameters; learningRate = lr
        self.momentum = momentum; self.dampening = dampening; self.nesterov = nesterov; self.weightDecay = weightDecay
        buffers = momentum > 0 ? stateBuffers(parameters) : []
        started = Array(repeating: false, count: parameters.count)
    }

    public func state() -> [(String, Tensor)] {
        guard momentum > 0 else { return [] }
        return (0..<parameters.count).flatMap { i -> [(String, Tensor)] in
            [("momentum_buffer.\(i)", Tensor(shape: [buffers[i].count], storage: Storage(copying: buffers[i]))),
             ("started.\(i)", Tensor(started[i] ? 1 : 0))]
        }
    }

    public func loadState(_ state: [String: Tensor]) throws {
        guard momentum > 0 else { return }
        for i in 0..<parameters.count {
            try restore(state, "momentum_buffer.\(i)", into: buffers[i])
            started[i] = (state["started.\(i)"]?.item ?? 0) != 0
        }
    }

    /// The momentum buffer of parameter i (nil without momentum).
    public func momentumBuffer(_ i: Int) -> [Float]? { momentum > 0 ? Array(buffers[i].buffer) : nil }

    public func step() {
        let lr = learningRate, mu = momentum, wd = weightDecay, nest = nesterov, keep = 1 - dampening
        let started = self.started
        forEachGradient(parameters) { p, g, n, i, offset in
            if mu == 0 {
                for j in 0..<n { p[j] -= lr * (g[j] + wd * p[j]) }
                return
            }
            let b = buffers[i].pointer + offset
            let first = !started[i]
            for j in 0..<n {
                let d = g[j] + wd * p[j]
                b[j] = first ? d : mu * b[j] + keep * d
                p[j] -= lr * (nest ? d + mu * b[j] : b[j])
            }
        }
        for (i, p) in parameters.enumerated() where p.value.node?.grad != nil { self.started[i] = true }
    }
}
