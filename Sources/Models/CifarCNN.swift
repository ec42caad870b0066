import NeuralCore

/// Small VGG-style CIFAR classifier (MODELS.md "cifar_cnn", 1,116,970 parameters).
/// (N, 3, 32, 32) -> logits (N, classes).
public final class CifarCNN: Layer {
    public let conv1: Conv2D, conv2: Conv2D, conv3: Conv2D, conv4: Conv2D, fc1: Linear, drop: Dropout, fc2: Linear

    public init(classes: Int = 10, dropout: Float = 0.5, rng: inout RandomGenerator) {
        conv1 = Conv2D(3, 32, kernel: 3, padding: 1, rng: &rng)
        conv2 = Conv2D(32, 32, kernel: 3, padding: 1, rng: &rng)
        conv3 = Conv2D(32, 64, kernel: 3, padding: 1, rng: &rng)
        conv4 = Conv2D(64, 64, kernel: 3, padding: 1, rng: &rng)
        fc1 = Linear(4096, 256, rng: &rng)
        drop = Dropout(dropout, rng: &rng)
        fc2 = Linear(256, classes, rng: &rng)
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("conv2", conv2), ("conv3", conv3), ("conv4", conv4), ("fc1", fc1), ("drop", drop), ("fc2", fc2)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv2.reluMaxPool(conv1(x, then: nil, relu: true))   // (N, 32, 16, 16)
        h = conv4.reluMaxPool(conv3(h, then: nil, relu: true))       // (N, 64, 8, 8)
        return fc2(drop(fc1(h.flattened()).relu()))
    }
}
