import NeuralCore

/// One class's figures in an evaluation.
public struct ClassScore: Codable, Sendable, Equatable {
    public var name: String
    public var count: Int
    public var precision: Double
    public var recall: Double
}

/// Accuracy, mean loss, per-class precision and recall, and the confusion matrix (rows: truth,
/// columns: prediction) of a model on labelled clips.
public struct TaggerEvaluation: Codable, Sendable {
    public var accuracy: Double
    public var loss: Double
    public var count: Int
    public var perClass: [ClassScore]
    public var confusion: [[Int]]
    /// Accuracy per speaker, where the data names speakers.
    public var perSpeaker: [String: Double]?

    /// Scores `inputs` (N, 1, rows, frames) against `labels` in chunks, under `inference`.
    public static func of(_ model: any Layer, inputs: Tensor, labels: [Int], classes: [String], speakers: [String?] = []) -> TaggerEvaluation {
        var cm = ConfusionMatrix(classes: classes.count)
        var lossSum = 0.0
        var predicted: [Int] = []
        let n = labels.count, chunk = 256
        for lo in stride(from: 0, to: n, by: chunk) {
            let hi = min(n, lo + chunk)
            let x = withoutGrad { inputs.slice(axis: 0, lo..<hi) }
            let y = Array(labels[lo..<hi])
            let logits = inference { model(x) }
            lossSum += Double(inference { crossEntropy(logits, targets: y) }.item) * Double(hi - lo)
            let p = logits.argmax(axis: -1)
            for (t, q) in zip(y, p) { cm.add(truth: t, predicted: q) }
            predicted += p
        }
        var bySpeaker: [String: (Int, Int)] = [:]
        for (i, s) in speakers.enumerated() where i < n {
            guard let s else { continue }
            var e = bySpeaker[s] ?? (0, 0)
            e.0 += predicted[i] == labels[i] ? 1 : 0; e.1 += 1
            bySpeaker[s] = e
        }
        let scores = classes.enumerated().map { c, name in
            ClassScore(name: name, count: cm.counts[c].reduce(0, +), precision: Double(cm.precision(c)), recall: Double(cm.recall(c)))
        }
        return TaggerEvaluation(accuracy: n == 0 ? .nan : Double(cm.accuracy), loss: n == 0 ? .nan : lossSum / Double(n), count: n,
                                perClass: scores, confusion: cm.counts,
                                perSpeaker: bySpeaker.isEmpty ? nil : bySpeaker.mapValues { Double($0.0) / Double($0.1) })
    }
}
