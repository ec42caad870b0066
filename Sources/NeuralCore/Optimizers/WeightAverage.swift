import Require

/// An exponential moving average of a module's trainable parameters (Polyak averaging; PyTorch:
/// `torch.optim.swa_utils.AveragedModel` with an EMA function; TensorFlow's
/// `ExponentialMovingAverage` with `num_updates`). After the n-th `update`:
/// avg = d·avg + (1 - d)·w, d = min(decay, (1 + n) / (10 + n)),
/// so the first updates follow the weights closely. The average of weights that a noisy optimizer
/// moves around a minimum usually scores better than the last ones. Buffers (batch-norm running
/// statistics) are not averaged: after `copy(into:)`, recompute them for the averaged weights
/// (`BatchNorm.recomputeStatistics`).
public final class WeightAverage {
    public let decay: Float
    public private(set) var updates = 0
    let names: [String]
    let averages: [Storage]

    /// Starts at the module's current weights.
    public init(of module: any Module, decay: Float) {
        require(decay >= 0 && decay < 1, "WeightAverage: decay \(decay) (0 <= decay < 1)")
        self.decay = decay
        let params = module.namedParameters().filter(\.1.isTrainable)
        names = params.map(\.0)
        averages = params.map { Storage(copying: $0.1.value.storage) }
    }

    func parameters(of module: any Module) -> [Parameter] {
        let params = module.namedParameters().filter(\.1.isTrainable)
        require(params.map(\.0) == names && zip(params, averages).allSatisfy { $0.1.value.count == $1.count },
                "WeightAverage: the module's parameters are not the ones averaged")
        return params.map(\.1)
    }

    /// Starts again at the module's current weights.
    public func reset(to module: any Module) {
        for (p, avg) in zip(parameters(of: module), averages) { avg.pointer.update(from: p.value.storage.pointer, count: avg.count) }
        updates = 0
    }

    /// Folds the module's current weights into the average (after each optimizer step).
    public func update(from module: any Module) {
        let d = Swift.min(decay, Float(1 + updates) / Float(10 + updates))
        for (p, avg) in zip(parameters(of: module), averages) {
            let a = avg.pointer, w = p.value.storage.pointer
            Parallel.forRanges(avg.count, minPerChunk: Parallel.pointwiseGrain) { r in
                for i in r { a[i] = d * a[i] + (1 - d) * w[i] }
            }
        }
        updates += 1
    }

    /// Writes the average into a module of the same layout (another instance of the network).
    public func copy(into module: any Module) {
        for (p, avg) in zip(parameters(of: module), averages) { p.mutableValue().update(from: avg.pointer, count: avg.count) }
    }

    /// For a checkpoint: each average under its parameter's name, and "updates".
    public var state: [String: Tensor] {
        var out = ["updates": Tensor(Float(updates))]
        for (n, avg) in zip(names, averages) { out[n] = Tensor(shape: [avg.count], storage: Storage(copying: avg)) }
        return out
    }

    /// Reads back `state`; throws when a name is missing or a size differs.
    public func restore(_ state: [String: Tensor]) throws {
        guard let u = state["updates"], u.count == 1 else { throw OptimizerStateError(description: "weight average: no update count") }
        for (n, avg) in zip(names, averages) {
            guard let t = state[n], t.count == avg.count else { throw OptimizerStateError(description: "weight average: \(n) missing or of another size") }
            avg.pointer.update(from: t.storage.pointer, count: avg.count)
        }
        updates = Int(u.item)
    }
}
