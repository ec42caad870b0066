import NeuralCore
import Require

/// The course's convolutional autoencoder: an encoder of two stride-2 3x3 convolutions (32, 64
/// channels, ReLU) and a Linear layer to `latent` numbers, and a decoder that mirrors it (Linear,
/// ReLU, two 4x4 stride-2 transposed convolutions, sigmoid). Trained on noisy inputs against
/// clean targets it is a denoising autoencoder; with `latent` 2 its codes can be drawn on a plane.
/// encode: (N, C, S, S) -> (N, latent); decode: (N, latent) -> (N, C, S, S), S a multiple of 4.
public final class ConvAutoencoder: Layer {
    public let conv1: Conv2D, conv2: Conv2D, toLatent: Linear
    public let fromLatent: Linear, deconv1: ConvTranspose2D, deconv2: ConvTranspose2D
    public let channels: Int, size: Int, latent: Int

    public init(channels: Int = 1, size: Int = 28, latent: Int = 2, rng: inout RandomGenerator) {
        require(size >= 4 && size % 4 == 0 && latent >= 1 && channels >= 1,
                "ConvAutoencoder: size \(size) must be a positive multiple of 4, latent \(latent) and channels \(channels) positive")
        self.channels = channels; self.size = size; self.latent = latent
        let q = size / 4
        conv1 = Conv2D(channels, 32, kernel: 3, stride: 2, padding: 1, rng: &rng)
        conv2 = Conv2D(32, 64, kernel: 3, stride: 2, padding: 1, rng: &rng)
        toLatent = Linear(64 * q * q, latent, rng: &rng)
        fromLatent = Linear(latent, 64 * q * q, rng: &rng)
        deconv1 = ConvTranspose2D(64, 32, kernel: (4, 4), stride: (2, 2), padding: (1, 1), rng: &rng)
        deconv2 = ConvTranspose2D(32, channels, kernel: (4, 4), stride: (2, 2), padding: (1, 1), rng: &rng)
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("conv2", conv2), ("to_latent", toLatent), ("from_latent", fromLatent), ("deconv1", deconv1), ("deconv2", deconv2)]
    }

    public func encode(_ x: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == channels && x.shape[2] == size && x.shape[3] == size,
                "ConvAutoencoder.encode: needs (N, \(channels), \(size), \(size)), got \(x.shape)")
        return toLatent(conv2(conv1(x).relu()).relu().flattened())
    }

    public func decode(_ z: Tensor) -> Tensor {
        require(z.rank == 2 && z.shape[1] == latent, "ConvAutoencoder.decode: needs (N, \(latent)), got \(z.shape)")
        let q = size / 4
        let h = fromLatent(z).relu().reshaped([z.shape[0], 64, q, q])
        return deconv2(deconv1(h).relu()).sigmoid()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { decode(encode(x)) }
}
