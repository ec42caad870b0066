import Foundation
import NeuralCore
import Models
import RunKit

extension CharRNNModel {
    /// Feeds `prime` (context; "\n" when empty), then samples `length` characters one at a time,
    /// handing each to `emit` as soon as it is drawn. temperature 0 = always the most likely
    /// character; topK keeps only the K most likely. Same seed, same text. `shouldStop` is asked
    /// before each character (a reader that went away ends the generation early).
    public func generate(prime: [Unicode.Scalar], length: Int, temperature: Float = 1, topK: Int? = nil,
                         seed: UInt64, shouldStop: () -> Bool = { false }, emit: (Unicode.Scalar) -> Void) {
        var rng = RandomGenerator(seed: seed)
        let context = vocabulary.encode(prime.isEmpty ? ["\n"] : prime).ids
        inference {
            var (logits, state) = network(context, batch: 1, steps: context.count)
            var last = Array(logits.scalars.suffix(vocabulary.count))
            for _ in 0..<length where !shouldStop() {
                let id = Self.sample(last, temperature: temperature, topK: topK, rng: &rng)
                emit(vocabulary.scalars[id])
                (logits, state) = network([id], batch: 1, steps: 1, state: state)
                last = logits.scalars
            }
        }
    }

    /// One draw from softmax(logits / temperature) restricted to the top K.
    static func sample(_ logits: [Float], temperature: Float, topK: Int?, rng: inout RandomGenerator) -> Int {
        let best = logits.indices.max { logits[$0] < logits[$1] } ?? 0
        guard temperature > 0 else { return best }
        var allowed = Array(logits.indices)
        if let k = topK, k < logits.count {
            allowed = Array(logits.indices.sorted { logits[$0] > logits[$1] }.prefix(max(k, 1)))
        }
        let mx = Double(logits[best])
        let w = allowed.map { Foundation.exp((Double(logits[$0]) - mx) / Double(temperature)) }
        let total = w.reduce(0, +)
        var u = Double(rng.next() >> 11) * 0x1p-53 * total
        for (i, wi) in zip(allowed, w) {
            u -= wi
            if u < 0 { return i }
        }
        return allowed.last ?? best
    }
}
