/// Multi-layer LSTM and GRU, batch-first, PyTorch names and init U(-1/√H, 1/√H).
/// input (B, T, I), state (layers, B, H) -> output (B, T, H), final state (layers, B, H).
/// `dropout` applies between layers in training, as PyTorch's.

struct RecurrentWeights {
    let weightIH: Parameter, weightHH: Parameter, biasIH: Parameter, biasHH: Parameter
    init(gates: Int, input: Int, hidden: Int, rng: inout RandomGenerator) {
        weightIH = Parameter(uniformInit([gates * hidden, input], fanIn: hidden, rng: &rng))
        weightHH = Parameter(uniformInit([gates * hidden, hidden], fanIn: hidden, rng: &rng))
        biasIH = Parameter(uniformInit([gates * hidden], fanIn: hidden, rng: &rng))
        biasHH = Parameter(uniformInit([gates * hidden], fanIn: hidden, rng: &rng))
    }
    func named(_ l: Int) -> [(String, Parameter)] {
        [("weight_ih_l\(l)", weightIH), ("weight_hh_l\(l)", weightHH), ("bias_ih_l\(l)", biasIH), ("bias_hh_l\(l)", biasHH)]
    }
}

public final class LSTM: Module {
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    public var dropoutP: Float
    public private(set) var training = true
    let layers: [RecurrentWeights]
    private var rng: RandomGenerator

    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, dropout: Float = 0, rng: inout RandomGenerator) {
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.numLayers = layers; self.dropoutP = dropout
        var ws: [RecurrentWeights] = []
        for l in 0..<layers { ws.append(RecurrentWeights(gates: 4, input: l == 0 ? inputSize : hiddenSize, hidden: hiddenSize, rng: &rng)) }
        self.layers = ws
        self.rng = rng.split()
    }

    public var localParameters: [(String, Parameter)] { layers.enumerated().flatMap { $0.element.named($0.offset) } }
    public func setLocalTraining(_ training: Bool) { self.training = training }

    /// x (B, T, I); h0, c0 (layers, B, H) or nil for zeros.
    public func callAsFunction(_ x: Tensor, h0: Tensor? = nil, c0: Tensor? = nil) -> (output: Tensor, h: Tensor, c: Tensor) {
        let b = x.shape[0]
        if let h0 { checkShape(h0.shape, [numLayers, b, hiddenSize], "LSTM h0") }
        if let c0 { checkShape(c0.shape, [numLayers, b, hiddenSize], "LSTM c0") }
        var input = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for (l, w) in layers.enumerated() {
            if l > 0 && dropoutP > 0 { input = dropout(input, p: dropoutP, training: training, using: &rng) }
            let hl = h0.map { $0.slice(axis: 0, l..<(l + 1)).reshaped([b, hiddenSize]) }
            let cl = c0.map { $0.slice(axis: 0, l..<(l + 1)).reshaped([b, hiddenSize]) }
            let r = lstmLayer(input, h0: hl, c0: cl, weightIH: w.weightIH.value, weightHH: w.weightHH.value,
                              biasIH: w.biasIH.value, biasHH: w.biasHH.value)
            input = r.output; hs.append(r.h); cs.append(r.c)
        }
        return (input, Tensor.stack(hs), Tensor.stack(cs))
    }
}

public final class GRU: Module {
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    public var dropoutP: Float
    public private(set) var training = true
    let layers: [RecurrentWeights]
    private var rng: RandomGenerator

    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, dropout: Float = 0, rng: inout RandomGenerator) {
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.numLayers = layers; self.dropoutP = dropout
        var ws: [RecurrentWeights] = []
        for l in 0..<layers { ws.append(RecurrentWeights(gates: 3, input: l == 0 ? inputSize : hiddenSize, hidden: hiddenSize, rng: &rng)) }
        self.layers = ws
        self.rng = rng.split()
    }

    public var localParameters: [(String, Parameter)] { layers.enumerated().flatMap { $0.element.named($0.offset) } }
    public func setLocalTraining(_ training: Bool) { self.training = training }

    /// x (B, T, I); h0 (layers, B, H) or nil for zeros.
    public func callAsFunction(_ x: Tensor, h0: Tensor? = nil) -> (output: Tensor, h: Tensor) {
        let b = x.shape[0]
        if let h0 { checkShape(h0.shape, [numLayers, b, hiddenSize], "GRU h0") }
        var input = x
        var hs: [Tensor] = []
        for (l, w) in layers.enumerated() {
            if l > 0 && dropoutP > 0 { input = dropout(input, p: dropoutP, training: training, using: &rng) }
            let hl = h0.map { $0.slice(axis: 0, l..<(l + 1)).reshaped([b, hiddenSize]) }
            let r = gruLayer(input, h0: hl, weightIH: w.weightIH.value, weightHH: w.weightHH.value,
                             biasIH: w.biasIH.value, biasHH: w.biasHH.value)
            input = r.output; hs.append(r.h)
        }
        return (input, Tensor.stack(hs))
    }
}
