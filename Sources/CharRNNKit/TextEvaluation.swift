import Foundation
import NeuralCore
import Models

extension CharRNNModel {
    /// Mean next-character cross-entropy (nats) over a token sequence, in eval mode with the state
    /// carried through. streams = 1 is the exact figure (one stream from the first character to
    /// the last; the first is context only: count = ids.count - 1 predictions). streams = S > 1
    /// cuts the text into S contiguous parts run side by side (faster; S - 1 extra cold starts,
    /// and up to S - 1 final characters not predicted). Targets marked unknown are not counted.
    public func loss(ids: [Int], known: [Bool], streams: Int = 1, chunk: Int = 1024) -> (nats: Double, count: Int) {
        let n = ids.count - 1
        guard n >= 1 else { return (.nan, 0) }
        let s = max(1, min(streams, n)), part = n / s
        let v = vocabulary.count
        var total: Double = 0, count = 0
        var state: CharRNN.State? = nil
        inference {
            for i in stride(from: 0, to: part, by: chunk) {
                let len = min(chunk, part - i)
                var x = [Int](repeating: 0, count: s * len)
                for b in 0..<s { for t in 0..<len { x[b * len + t] = ids[b * part + i + t] } }
                let (logits, next) = network(x, batch: s, steps: len, state: state)
                state = next
                logits.withData { p in
                    for b in 0..<s {
                        for t in 0..<len {
                            let target = b * part + i + t + 1
                            guard known[target] else { continue }
                            let row = p + (b * len + t) * v
                            var mx = row[0]
                            for j in 1..<v { mx = Swift.max(mx, row[j]) }
                            var sum: Double = 0
                            for j in 0..<v { sum += Foundation.exp(Double(row[j] - mx)) }
                            total += Foundation.log(sum) + Double(mx) - Double(row[ids[target]])
                            count += 1
                        }
                    }
                }
            }
        }
        return (count > 0 ? total / Double(count) : .nan, count)
    }
}

/// A text's cross-entropy under a model.
public struct TextEvaluationReport: Codable, Sendable {
    public var lossNatsPerChar: Double
    public var bitsPerChar: Double
    /// Predicted characters counted.
    public var chars: Int
    /// Characters outside the model's vocabulary, not counted.
    public var outOfVocabulary: Int
    public var seconds: Double

    public init(lossNatsPerChar: Double, bitsPerChar: Double, chars: Int, outOfVocabulary: Int, seconds: Double) {
        self.lossNatsPerChar = lossNatsPerChar; self.bitsPerChar = bitsPerChar; self.chars = chars
        self.outOfVocabulary = outOfVocabulary; self.seconds = seconds
    }
}
