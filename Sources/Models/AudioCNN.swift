import NeuralCore
import Require

/// Log-mel spectrogram classifier (MODELS.md "audio_cnn": width 16, no dropout, 24,170
/// parameters). Three conv + batch norm + ReLU blocks of width, 2·width, 4·width channels (max
/// pooling after the first two), average pooling, dropout, a linear layer. Pooling is global
/// (the benchmark's), or over time only with `frequencyBins` (= mels): the linear layer then
/// sees where in frequency each pattern is (4·width·mels/4 inputs).
/// (N, 1, mels, frames) -> logits (N, classes); frames >= 4, mels as given (any when global).
public final class AudioCNN: Layer {
    public let conv1: Conv2D, bn1: BatchNorm2D, conv2: Conv2D, bn2: BatchNorm2D, conv3: Conv2D, bn3: BatchNorm2D, drop: Dropout, fc: Linear
    public let width: Int
    /// mels when pooling over time only; nil: global pooling.
    public let frequencyBins: Int?

    public init(classes: Int = 10, width: Int = 16, dropout: Float = 0, frequencyBins: Int? = nil, rng: inout RandomGenerator) {
        require(width >= 1 && classes >= 1, "AudioCNN: width \(width) and classes \(classes) must be positive")
        require(frequencyBins.map { $0 >= 4 && $0 % 4 == 0 } ?? true, "AudioCNN: frequencyBins \(frequencyBins ?? 0) must be a positive multiple of 4")
        self.width = width; self.frequencyBins = frequencyBins
        conv1 = Conv2D(1, width, kernel: 3, padding: 1, rng: &rng); bn1 = BatchNorm2D(width)
        conv2 = Conv2D(width, 2 * width, kernel: 3, padding: 1, rng: &rng); bn2 = BatchNorm2D(2 * width)
        conv3 = Conv2D(2 * width, 4 * width, kernel: 3, padding: 1, rng: &rng); bn3 = BatchNorm2D(4 * width)
        drop = Dropout(dropout, rng: &rng)
        fc = Linear(4 * width * (frequencyBins.map { $0 / 4 } ?? 1), classes, rng: &rng)
    }

    /// `drop` holds no parameters, so the names stay PyTorch's audio_cnn names.
    public var children: [(String, any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3), ("drop", drop), ("fc", fc)]
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = conv1.reluMaxPool(x, then: bn1)   // (N, w, M/2, T/2)
        h = conv2.reluMaxPool(h, then: bn2)       // (N, 2w, M/4, T/4)
        h = conv3(h, then: bn3, relu: true)                             // (N, 4w, M/4, T/4)
        if let f = frequencyBins {
            require(h.shape[2] == f / 4, "AudioCNN: built for \(f) mels, got input \(x.shape)")
            return fc(drop(h.mean(axes: [3]).flattened()))              // (N, 4w·M/4) -> (N, classes)
        }
        return fc(drop(globalAvgPool2d(h)))                             // (N, classes)
    }
}
