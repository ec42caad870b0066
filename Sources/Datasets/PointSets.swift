import Foundation
import NeuralCore

/// The course's first classification exercises: two classes of points in the plane that no
/// straight line separates. Coordinates in about [-1, 1]; `noise` is the standard deviation of
/// the Gaussian jitter added to each point.
public enum PointSet: String, CaseIterable, Codable, Sendable {
    case spirals, circles, xor

    /// `count` points (count, 2) and their classes (0 or 1), half of each, from `seed`.
    public func make(count: Int, noise: Float, seed: UInt64) -> (points: Tensor, labels: [Int]) {
        var rng = RandomGenerator(seed: seed)
        var xy: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 2
            var x: Float, y: Float
            switch self {
            case .spirals:
                // Two interleaved arms of 1.75 turns, the second turned by half a turn.
                let t = Float(i / 2) / Float(max(1, count / 2)) * 1.75 * 2 * .pi
                let r = 0.1 + 0.9 * t / (1.75 * 2 * .pi)
                let a = t + (label == 1 ? .pi : 0)
                x = r * cos(a); y = r * sin(a)
            case .circles:
                // A disc of radius 0.5 inside a ring from 0.7 to 1.
                let a = rng.uniform(0, 2 * .pi)
                let r = label == 0 ? 0.5 * rng.uniform().squareRoot() : rng.uniform(0.7, 1)
                x = r * cos(a); y = r * sin(a)
            case .xor:
                // Class 1 where the signs of x and y differ; kept a little off the axes.
                let sx: Float = rng.uniform() < 0.5 ? -1 : 1, sy = label == 1 ? -sx : sx
                x = sx * rng.uniform(0.05, 1); y = sy * rng.uniform(0.05, 1)
            }
            xy += [x + noise * rng.normal(), y + noise * rng.normal()]
            labels.append(label)
        }
        return (Tensor(shape: [count, 2], scalars: xy), labels)
    }
}
