import NeuralCore

/// Which recurrent cell a CharRNN uses.
public enum RecurrentCell: String, CaseIterable, Codable, Sendable {
    case lstm, gru
}

/// Character language model with either cell: Embedding -> multi-layer LSTM or GRU (dropout
/// between layers) -> Linear on every position. State dict names embed.*, lstm.* or gru.*, fc.*:
/// an LSTM one loads into PyTorch's `Embedding -> nn.LSTM(batch_first) -> Linear` with those names.
/// tokens (B, T) -> logits (B, T, vocab), final state (layers, B, H).
public final class CharRNN: Module {
    /// The recurrent state carried between windows: h, and c for an LSTM; (layers, B, H) each.
    public struct State {
        public var h: Tensor, c: Tensor?
        public init(h: Tensor, c: Tensor?) { self.h = h; self.c = c }
        public func detached() -> State { State(h: h.detached(), c: c?.detached()) }
    }

    public let cell: RecurrentCell
    public let vocab: Int, embedding: Int, hidden: Int, layers: Int
    public let embed: Embedding, fc: Linear
    public let rnn: RecurrentStack

    public init(cell: RecurrentCell, vocab: Int, embedding: Int = 64, hidden: Int = 512, layers: Int = 2,
                dropout: Float = 0, rng: inout RandomGenerator) {
        self.cell = cell; self.vocab = vocab; self.embedding = embedding; self.hidden = hidden; self.layers = layers
        embed = Embedding(vocab, embedding, rng: &rng)
        switch cell {
        case .lstm: rnn = LSTM(embedding, hidden, layers: layers, dropout: dropout, rng: &rng)
        case .gru: rnn = GRU(embedding, hidden, layers: layers, dropout: dropout, rng: &rng)
        }
        fc = Linear(hidden, vocab, rng: &rng)
    }

    public var children: [(String, any Module)] { [("embed", embed), (cell.rawValue, rnn), ("fc", fc)] }

    /// tokens: B·T ids, row-major (B, T); state nil = zeros.
    public func callAsFunction(_ tokens: [Int], batch: Int, steps: Int, state: State? = nil) -> (logits: Tensor, state: State) {
        let e = embed(tokens, shape: [batch, steps])          // (B, T, E)
        switch rnn {
        case let lstm as LSTM:
            let r = lstm(e, h0: state?.h, c0: state?.c)
            return (fc(r.output), State(h: r.h, c: r.c))
        case let gru as GRU:
            let r = gru(e, h0: state?.h)
            return (fc(r.output), State(h: r.h, c: nil))
        default: fatalError("CharRNN: unknown recurrent stack")
        }
    }
}

extension CharRNN {
    /// The benchmark's "char_lstm" (docs/MODELS.md): embedding 64, two LSTM layers of 256 and the
    /// output layer, 876,929 parameters with vocabulary 65. The same network as `char-rnn train
    /// --hidden 256`, names embed.*, lstm.*, fc.*.
    public static func charLSTM(vocab: Int = 65, embedding: Int = 64, hidden: Int = 256, layers: Int = 2,
                                rng: inout RandomGenerator) -> CharRNN {
        CharRNN(cell: .lstm, vocab: vocab, embedding: embedding, hidden: hidden, layers: layers, rng: &rng)
    }
}

extension CharRNN {
    /// A CharRNN with the values of a state dict (PyTorch's names): the cell from the names
    /// (lstm.* or gru.*), vocabulary, embedding, hidden size and layers from the shapes.
    public convenience init(stateDict: [String: Tensor]) throws {
        guard let e = stateDict["embed.weight"], e.rank == 2 else { throw SafetensorsError.missingTensors(path: "state dict", names: ["embed.weight"]) }
        let cell: RecurrentCell = stateDict["gru.weight_hh_l0"] != nil ? .gru : .lstm
        guard let hh = stateDict["\(cell.rawValue).weight_hh_l0"], hh.rank == 2 else {
            throw SafetensorsError.missingTensors(path: "state dict", names: ["lstm.weight_hh_l0 or gru.weight_hh_l0"])
        }
        let layers = (0..<64).prefix { stateDict["\(cell.rawValue).weight_hh_l\($0)"] != nil }.count
        var rng = RandomGenerator(seed: 0)
        self.init(cell: cell, vocab: e.shape[0], embedding: e.shape[1], hidden: hh.shape[1], layers: layers, rng: &rng)
        try load(stateDict: stateDict)
    }
}
