import NeuralCore
import Require

/// DCGAN generator for 28x28 images (MODELS.md "dcgan" G, 778,305 parameters unconditional).
/// With `classes` > 0 it is conditional (a cGAN): the class, one-hot, joins z at the input.
/// z (N, nz) [+ labels] -> images (N, C, 28, 28) in [-1, 1].
public final class DCGANGenerator: Layer {
    public let fc: Linear, bn0: BatchNorm1D, deconv1: ConvTranspose2D, bn1: BatchNorm2D, deconv2: ConvTranspose2D
    public let latent: Int, classes: Int, channels: Int

    public init(latent: Int = 100, classes: Int = 0, channels: Int = 1, rng: inout RandomGenerator) {
        require(latent >= 1 && classes >= 0 && channels >= 1, "DCGANGenerator: latent \(latent) and channels \(channels) must be positive, classes \(classes) not negative")
        self.latent = latent; self.classes = classes; self.channels = channels
        fc = Linear(latent + classes, 128 * 7 * 7, rng: &rng); bn0 = BatchNorm1D(128 * 7 * 7)
        deconv1 = ConvTranspose2D(128, 64, kernel: 4, stride: 2, padding: 1, rng: &rng); bn1 = BatchNorm2D(64)
        deconv2 = ConvTranspose2D(64, channels, kernel: 4, stride: 2, padding: 1, rng: &rng)
    }

    public var children: [(String, any Module)] {
        [("fc", fc), ("bn0", bn0), ("deconv1", deconv1), ("bn1", bn1), ("deconv2", deconv2)]
    }

    /// Unconditional: z (N, latent).
    public func callAsFunction(_ z: Tensor) -> Tensor {
        require(classes == 0, "DCGANGenerator: a conditional generator needs labels")
        return decode(z)
    }

    /// Conditional: z (N, latent) and N labels in 0..<classes.
    public func callAsFunction(_ z: Tensor, labels: [Int]) -> Tensor {
        require(classes > 0 && labels.count == z.shape[0] && labels.allSatisfy { (0..<classes).contains($0) },
                "DCGANGenerator: \(labels.count) labels in 0..<\(classes) needed for z \(z.shape)")
        return decode(Tensor.concatenate([z, OneHot.rows(labels, classes)], axis: 1))
    }

    /// Conditional on any class codes (N, classes), e.g. a blend of two one-hot codes.
    public func callAsFunction(_ z: Tensor, classCodes: Tensor) -> Tensor {
        require(classes > 0 && classCodes.shape == [z.shape[0], classes], "DCGANGenerator: class codes \(classCodes.shape) for z \(z.shape)")
        return decode(Tensor.concatenate([z, classCodes], axis: 1))
    }

    func decode(_ input: Tensor) -> Tensor {
        var h = fc(input, then: bn0, relu: true).reshaped([input.shape[0], 128, 7, 7])
        h = deconv1(h, then: bn1, relu: true)            // (N, 64, 14, 14)
        return deconv2(h).tanh()                          // (N, C, 28, 28)
    }
}

/// DCGAN discriminator for 28x28 images (MODELS.md "dcgan" D, 138,817 parameters unconditional).
/// With `classes` > 0 the class enters as that many constant one-hot planes beside the image.
/// (N, C, 28, 28) [+ labels] -> logits (N, 1).
public final class DCGANDiscriminator: Layer {
    public let conv1: Conv2D, conv2: Conv2D, bn2: BatchNorm2D, fc: Linear
    public let classes: Int, channels: Int

    public init(classes: Int = 0, channels: Int = 1, rng: inout RandomGenerator) {
        require(classes >= 0 && channels >= 1, "DCGANDiscriminator: classes \(classes) must not be negative, channels \(channels) positive")
        self.classes = classes; self.channels = channels
        conv1 = Conv2D(channels + classes, 64, kernel: 4, stride: 2, padding: 1, rng: &rng)
        conv2 = Conv2D(64, 128, kernel: 4, stride: 2, padding: 1, rng: &rng); bn2 = BatchNorm2D(128)
        fc = Linear(6272, 1, rng: &rng)
    }

    public var children: [(String, any Module)] { [("conv1", conv1), ("conv2", conv2), ("bn2", bn2), ("fc", fc)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        require(classes == 0, "DCGANDiscriminator: a conditional discriminator needs labels")
        return score(x)
    }

    public func callAsFunction(_ x: Tensor, labels: [Int]) -> Tensor {
        require(classes > 0 && labels.count == x.shape[0] && labels.allSatisfy { (0..<classes).contains($0) },
                "DCGANDiscriminator: \(labels.count) labels in 0..<\(classes) needed for x \(x.shape)")
        return score(Tensor.concatenate([x, OneHot.planes(labels, classes, height: x.shape[2], width: x.shape[3])], axis: 1))
    }

    func score(_ x: Tensor) -> Tensor {
        let h = conv1(x).leakyRelu(0.2)                   // (N, 64, 14, 14)
        let h2 = bn2(conv2(h)).leakyRelu(0.2)             // (N, 128, 7, 7)
        return fc(h2.flattened())
    }
}

/// One-hot codes of labels, as constants (no gradient).
enum OneHot {
    /// (N, classes).
    static func rows(_ labels: [Int], _ classes: Int) -> Tensor {
        let t = Tensor(shape: [labels.count, classes], scalars: [Float](repeating: 0, count: labels.count * classes))
        for (i, l) in labels.enumerated() { t.storage.pointer[i * classes + l] = 1 }
        return t
    }

    /// (N, classes, H, W): plane `label` of sample i all ones.
    static func planes(_ labels: [Int], _ classes: Int, height: Int, width: Int) -> Tensor {
        let hw = height * width
        let t = Tensor(shape: [labels.count, classes, height, width], scalars: [Float](repeating: 0, count: labels.count * classes * hw))
        for (i, l) in labels.enumerated() {
            let p = t.storage.pointer + (i * classes + l) * hw
            for j in 0..<hw { p[j] = 1 }
        }
        return t
    }
}
