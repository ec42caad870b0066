import NeuralCore

/// DCGAN generator for 28x28 images (MODELS.md "dcgan" G, 778,305 parameters).
/// z (N, nz) -> images (N, 1, 28, 28) in [-1, 1].
public final class DCGANGenerator: Layer {
    public let fc: Linear, bn0: BatchNorm1D, deconv1: ConvTranspose2D, bn1: BatchNorm2D, deconv2: ConvTranspose2D
    public let latent: Int

    public init(latent: Int = 100, rng: inout RandomGenerator) {
        self.latent = latent
        fc = Linear(latent, 128 * 7 * 7, rng: &rng); bn0 = BatchNorm1D(128 * 7 * 7)
        deconv1 = ConvTranspose2D(128, 64, kernel: 4, stride: 2, padding: 1, rng: &rng); bn1 = BatchNorm2D(64)
        deconv2 = ConvTranspose2D(64, 1, kernel: 4, stride: 2, padding: 1, rng: &rng)
    }

    public var children: [(String, any Module)] {
        [("fc", fc), ("bn0", bn0), ("deconv1", deconv1), ("bn1", bn1), ("deconv2", deconv2)]
    }

    public func callAsFunction(_ z: Tensor) -> Tensor {
        var h = fc(z, then: bn0, relu: true).reshaped([z.shape[0], 128, 7, 7])
        h = deconv1(h, then: bn1, relu: true)            // (N, 64, 14, 14)
        return deconv2(h).tanh()                          // (N, 1, 28, 28)
    }
}

/// DCGAN discriminator for 28x28 images (MODELS.md "dcgan" D, 138,817 parameters).
/// (N, 1, 28, 28) -> logits (N, 1).
public final class DCGANDiscriminator: Layer {
    public let conv1: Conv2D, conv2: Conv2D, bn2: BatchNorm2D, fc: Linear

    public init(rng: inout RandomGenerator) {
        conv1 = Conv2D(1, 64, kernel: 4, stride: 2, padding: 1, rng: &rng)
        conv2 = Conv2D(64, 128, kernel: 4, stride: 2, padding: 1, rng: &rng); bn2 = BatchNorm2D(128)
        fc = Linear(6272, 1, rng: &rng)
    }

    public var children: [(String, any Module)] { [("conv1", conv1), ("conv2", conv2), ("bn2", bn2), ("fc", fc)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = conv1(x).leakyRelu(0.2)                   // (N, 64, 14, 14)
        let h2 = bn2(conv2(h)).leakyRelu(0.2)             // (N, 128, 7, 7)
        return fc(h2.flattened())
    }
}
