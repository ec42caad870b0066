import Foundation

/// Learning rate as a function of the epoch (or step) index, from a base rate. PyTorch's formulas.
public enum LRSchedule: Sendable {
    case constant
    /// base · γ^(epoch / stepSize)
    case step(size: Int, gamma: Float)
    /// etaMin + (base - etaMin)·(1 + cos(π·epoch/tMax))/2
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
            let e = Double(Swift.min(epoch, tMax))
            return etaMin + (base - etaMin) * Float((1 + Foundation.cos(Double.pi * e / Double(tMax))) / 2)
        case let .linearWarmup(start, end, iters):
            return base * (start + (end - start) * Float(Swift.min(epoch, iters)) / Float(iters))
        case let .exponential(gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(epoch)))
        }
    }
}
