import NeuralCore

/// Log-mel spectrogram classifier (MODELS.md "audio_cnn", 24,170 parameters).
/// (N, 1, mels, frames) -> logits (N, classes).
public final class AudioCNN: Layer {
    public let conv1: Conv2D, bn1: BatchNorm2D, conv2: Conv2D, bn2: BatchNorm2D, conv3: Conv2D, bn3: BatchNorm2D, fc: Linear

    public init(classes: Int = 10, rng: inout RandomGenerator) {
        conv1 = Conv2D(1, 16, kernel: 3, padding: 1, rng: &rng); bn1 = BatchNorm2D(16)
        conv2 = Conv2D(16, 32, kernel: 3, padding: 1, rng: &rng); bn2 = BatchNorm2D(32)
        conv3 = Conv2D(32, 64, kernel: 3, padding: 1, rng: &rng); bn3 = BatchNorm2D(64)
        fc = Linear(64, classes, rng: &rng)
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3), ("fc", fc)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = maxPool2d(conv1(x, then: bn1, relu: true), kernel: 2)
        h = maxPool2d(conv2(h, then: bn2, relu: true), kernel: 2)
        h = conv3(h, then: bn3, relu: true)
        return fc(globalAvgPool2d(h))
    }
}
