import Foundation

/// One class and its probability.
public struct ClassScore: Codable, Sendable, Equatable {
    public var `class`: String
    public var probability: Float
}

/// The top classes of one image.
public struct Prediction: Codable, Sendable {
    public var file: String?
    public var top: [ClassScore]
}

/// The top classes of a video frame: a Prediction with the frame's time.
public struct FramePrediction: Codable, Sendable {
    public var file: String
    public var time: Double
    public var top: [ClassScore]
}

/// Accuracy, per-class precision and recall, and the confusion matrix (rows: true class,
/// columns: predicted) of a labelled set.
public struct EvaluationReport: Codable, Sendable {
    public struct PerClass: Codable, Sendable {
        public var `class`: String
        public var precision: Float, recall: Float
        public var count: Int
    }
    public var accuracy: Float
    public var count: Int
    /// Which images: "test" or "train" for an MNIST-style folder, nil for class folders.
    public var set: String?
    public var perClass: [PerClass]
    public var confusion: [[Int]]
}

extension EvaluationReport: CustomStringConvertible {
    /// Accuracy, a line per class, and the confusion matrix, for a terminal.
    public var description: String {
        var lines = [String(format: "accuracy %.4f on %d images", accuracy, count) + (set.map { " (the \($0) set)" } ?? "")]
        lines += perClass.map { String(format: "  %-12@ precision %.4f  recall %.4f", $0.class, $0.precision, $0.recall) }
        lines.append("confusion (rows: true class, columns: predicted):")
        lines += confusion.map { "  " + $0.map { String(format: "%5d", $0) }.joined() }
        return lines.joined(separator: "\n")
    }
}

/// Accuracy under the fast gradient sign attack, per epsilon.
public struct AttackCurve: Codable, Sendable {
    public var epsilons: [Float]
    public var accuracies: [Double]
    public var images: Int
}
