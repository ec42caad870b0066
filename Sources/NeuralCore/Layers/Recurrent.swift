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

/// What LSTM and GRU share: the stacked layer weights, train mode and inter-layer dropout.
public class RecurrentStack: Module {
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    public var dropoutP: Float
    /// Train or eval as set by `train()`/`eval()`, unless the running task forces eval (`inference`).
    public var training: Bool { trainingFlag && !GradMode.current.forcesEval }
    private var trainingFlag = true
    let layers: [RecurrentWeights]
    private var rng: RandomGenerator

    init(gates: Int, _ inputSize: Int, _ hiddenSize: Int, layers: Int, dropout: Float, rng: inout RandomGenerator) {
        self.inputSize = inputSize; self.hiddenSize = hiddenSize; self.numLayers = layers; self.dropoutP = dropout
        var ws: [RecurrentWeights] = []
        for l in 0..<layers { ws.append(RecurrentWeights(gates: gates, input: l == 0 ? inputSize : hiddenSize, hidden: hiddenSize, rng: &rng)) }
        self.layers = ws
        self.rng = rng.split()
    }

    public var localParameters: [(String, Parameter)] { layers.enumerated().flatMap { $0.element.named($0.offset) } }
    public func setLocalTraining(_ training: Bool) { trainingFlag = training }

    /// Restarts the inter-layer dropout stream (a resumed run draws the same masks).
    public func reseedDropout(_ seed: UInt64) { rng = RandomGenerator(seed: seed) }

    /// Layer l's slice (B, H) of a (layers, B, H) state.
    func layerState(_ s: Tensor?, _ l: Int, batch: Int, _ what: String) -> Tensor? {
        guard let s else { return nil }
        checkShape(s.shape, [numLayers, batch, hiddenSize], what)
        return s.slice(axis: 0, l..<(l + 1)).reshaped([batch, hiddenSize])
    }

    /// The input of layer l: dropout on the previous layer's output (l > 0, training).
    func layerInput(_ x: Tensor, _ l: Int) -> Tensor {
        l > 0 && dropoutP > 0 ? dropout(x, p: dropoutP, training: training, using: &rng) : x
    }
}

public final class LSTM: RecurrentStack {
    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, dropout: Float = 0, rng: inout RandomGenerator) {
        super.init(gates: 4, inputSize, hiddenSize, layers: layers, dropout: dropout, rng: &rng)
    }

    /// x (B, T, I); h0, c0 (layers, B, H) or nil for zeros.
    public func callAsFunction(_ x: Tensor, h0: Tensor? = nil, c0: Tensor? = nil) -> (output: Tensor, h: Tensor, c: Tensor) {
        let b = x.shape[0]
        var input = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for (l, w) in layers.enumerated() {
            let r = lstmLayer(layerInput(input, l), h0: layerState(h0, l, batch: b, "LSTM h0"), c0: layerState(c0, l, batch: b, "LSTM c0"),
                              weightIH: w.weightIH.value, weightHH: w.weightHH.value, biasIH: w.biasIH.value, biasHH: w.biasHH.value)
            input = r.output; hs.append(r.h); cs.append(r.c)
        }
        return (input, Tensor.stack(hs), Tensor.stack(cs))
    }
}

public final class GRU: RecurrentStack {
    public init(_ inputSize: Int, _ hiddenSize: Int, layers: Int = 1, dropout: Float = 0, rng: inout RandomGenerator) {
        super.init(gates: 3, inputSize, hiddenSize, layers: layers, dropout: dropout, rng: &rng)
    }

    /// x (B, T, I); h0 (layers, B, H) or nil for zeros.
    public func callAsFunction(_ x: Tensor, h0: Tensor? = nil) -> (output: Tensor, h: Tensor) {
        let b = x.shape[0]
        var input = x
        var hs: [Tensor] = []
        for (l, w) in layers.enumerated() {
            let r = gruLayer(layerInput(input, l), h0: layerState(h0, l, batch: b, "GRU h0"),
                             weightIH: w.weightIH.value, weightHH: w.weightHH.value, biasIH: w.biasIH.value, biasHH: w.biasHH.value)
            input = r.output; hs.append(r.h)
        }
        return (input, Tensor.stack(hs))
    }
}
