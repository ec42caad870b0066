import NeuralCore

/// LeNet-style digit classifier (MODELS.md "lenet", 184,586 parameters), with optional dropout
/// before the last layer (no parameters, so the state_dict stays PyTorch's).
/// (N, 1, 28, 28) -> logits (N, classes).
public final class LeNet: Layer {
    public let conv1: Conv2D, conv2: Conv2D, fc1: Linear, drop: Dropout, fc2: Linear

    public init(classes: Int = 10, dropout: Float = 0, rng: inout RandomGenerator) {
        conv1 = Conv2D(1, 32, kernel: 5, rng: &rng)
        conv2 = Conv2D(32, 64, kernel: 5, rng: &rng)
        fc1 = Linear(1024, 128, rng: &rng)
        drop = Dropout(dropout, rng: &rng)
        fc2 = Linear(128, classes, rng: &rng)
    }

    public var children: [(String, any Module)] { [("conv1", conv1), ("conv2", conv2), ("fc1", fc1), ("drop", drop), ("fc2", fc2)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1.reluMaxPool(x)   // (N, 32, 12, 12)
        h = conv2.reluMaxPool(h)       // (N, 64, 4, 4)
        return fc2(drop(fc1(h.flattened()).relu()))
    }
}

extension LeNet {
    /// LeNet with the values of a state dict; the number of classes comes from fc2.bias.
    public convenience init(stateDict: [String: Tensor]) throws {
        guard let b = stateDict["fc2.bias"], b.rank == 1 else { throw SafetensorsError.missingTensors(path: "state dict", names: ["fc2.bias"]) }
        var rng = RandomGenerator(seed: 0)
        self.init(classes: b.shape[0], rng: &rng)
        try load(stateDict: stateDict)
    }
}
