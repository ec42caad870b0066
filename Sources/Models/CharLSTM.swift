import NeuralCore

/// Character language model: Embedding -> multi-layer LSTM -> Linear on every position.
/// With vocab 65, embedding 64, hidden 256, 2 layers it is MODELS.md "char_lstm" (876,929 parameters).
/// tokens (B, T) -> logits (B, T, vocab), final state (layers, B, H) twice.
public final class CharLSTM: Module {
    public let embed: Embedding, lstm: LSTM, fc: Linear

    public init(vocab: Int = 65, embedding: Int = 64, hidden: Int = 256, layers: Int = 2, dropout: Float = 0,
                rng: inout RandomGenerator) {
        embed = Embedding(vocab, embedding, rng: &rng)
        lstm = LSTM(embedding, hidden, layers: layers, dropout: dropout, rng: &rng)
        fc = Linear(hidden, vocab, rng: &rng)
    }

    public var children: [(String, any Module)] { [("embed", embed), ("lstm", lstm), ("fc", fc)] }

    public func callAsFunction(_ tokens: [Int], batch: Int, steps: Int, h0: Tensor? = nil, c0: Tensor? = nil)
        -> (logits: Tensor, h: Tensor, c: Tensor) {
        let e = embed(tokens, shape: [batch, steps])          // (B, T, E)
        let r = lstm(e, h0: h0, c0: c0)                       // (B, T, H)
        return (fc(r.output), r.h, r.c)
    }
}
