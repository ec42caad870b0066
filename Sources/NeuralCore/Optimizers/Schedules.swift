import Foundation

/// Learning rate as a function of the epoch (or step) index, from a base rate. PyTorch's formulas.
public enum LRSchedule: Sendable {
    case constant
    /// base · γ^(epoch / stepSize)
    case step(size: Int, gamma: Float)
    /// etaMin + (base - etaMin)·(1 + cos(π·epoch/tMax))/2, for every epoch: past tMax it rises
    /// again, as PyTorch's CosineAnnealingLR does (its recursive form has this closed form).
    case cosine(tMax: Int, etaMin: Float)
    /// base · (start + (end - start)·min(epoch, iters)/iters)
    case linearWarmup(startFactor: Float, endFactor: Float, iterations: Int)
    /// base · γ^epoch
    case exponential(gamma: Float)

    public func learningRate(base: Float, epoch: Int) -> Float {
        switch self {
        case .constant:
            return base
        case let .step(size, gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(epoch / size)))
        case let .cosine(tMax, etaMin):
            let e = Double(epoch)
            return etaMin + (base - etaMin) * Float((1 + Foundation.cos(Double.pi * e / Double(tMax))) / 2)
        case let .linearWarmup(start, end, iters):
            return base * (start + (end - start) * Float(Swift.min(epoch, iters)) / Float(iters))
        case let .exponential(gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(epoch)))
        }
    }
}

/// A schedule attached to an optimizer, as PyTorch's schedulers: it sets the optimizer's rate
/// for epoch 0 when made, and `step()` moves to the next epoch (call it once per epoch, after
/// the optimizer's steps).
public final class LRScheduler {
    public let optimizer: any Optimizer
    public let schedule: LRSchedule
    /// The optimizer's rate when the scheduler was made.
    public let baseLearningRate: Float
    public private(set) var epoch = 0

    public init(_ optimizer: any Optimizer, _ schedule: LRSchedule) {
        self.optimizer = optimizer; self.schedule = schedule
        baseLearningRate = optimizer.learningRate
        optimizer.learningRate = schedule.learningRate(base: baseLearningRate, epoch: 0)
    }

    public func step() {
        epoch += 1
        optimizer.learningRate = schedule.learningRate(base: baseLearningRate, epoch: epoch)
    }

    /// The rate in force now.
    public var learningRate: Float { optimizer.learningRate }
}
