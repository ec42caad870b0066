import Require
/// Fraction of rows of logits (N, C) whose argmax equals the target.
public func accuracy(_ logits: Tensor, targets: [Int]) -> Float {
    let predicted = logits.argmax(axis: -1)
    require(predicted.count == targets.count, "accuracy: \(targets.count) targets for logits \(logits.shape)")
    if targets.isEmpty { return 0 }
    return Float(zip(predicted, targets).filter { $0 == $1 }.count) / Float(targets.count)
}

/// counts[truth][predicted] over `classes` classes, with per-class precision and recall.
public struct ConfusionMatrix: Equatable, Sendable {
    public let classes: Int
    public private(set) var counts: [[Int]]

    public init(classes: Int) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    public mutating func add(truth: Int, predicted: Int) { counts[truth][predicted] += 1 }

    public mutating func add(logits: Tensor, targets: [Int]) {
        for (p, t) in zip(logits.argmax(axis: -1), targets) { add(truth: t, predicted: p) }
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var accuracy: Float { total == 0 ? 0 : Float((0..<classes).reduce(0) { $0 + counts[$1][$1] }) / Float(total) }

    /// Of the samples predicted as `c`, the fraction that are `c` (0 when none).
    public func precision(_ c: Int) -> Float {
        let col = (0..<classes).reduce(0) { $0 + counts[$1][c] }
        return col == 0 ? 0 : Float(counts[c][c]) / Float(col)
    }

    /// Of the samples of class `c`, the fraction predicted as `c` (0 when none).
    public func recall(_ c: Int) -> Float {
        let row = counts[c].reduce(0, +)
        return row == 0 ? 0 : Float(counts[c][c]) / Float(row)
    }
}
