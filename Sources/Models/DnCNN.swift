import NeuralCore
import Require

/// Residual denoiser (Zhang et al. 2017): the network predicts the noise; output = input - net(input).
/// With width 32 and 6 middle layers it is MODELS.md "dncnn8" (56,289 parameters).
/// With `downscale` r > 1 the network runs on the r x r pixel-unshuffled image (C·r² channels at
/// 1/r the size, FFDNet's layout without its noise map): r² fewer pixels per layer and an r times
/// wider receptive field for the same depth.
/// (N, C, H, W) -> (N, C, H, W).
public final class DnCNN: Layer {
    public let net: Sequential
    public let downscale: Int

    public init(channels: Int = 1, width: Int = 32, middleLayers: Int = 6, downscale: Int = 1, rng: inout RandomGenerator) {
        require(downscale >= 1, "DnCNN: downscale \(downscale) must be at least 1")
        let io = channels * downscale * downscale
        var layers: [any Layer] = [Conv2D(io, width, kernel: 3, padding: 1, rng: &rng), ReLU()]
        for _ in 0..<middleLayers {
            layers += [Conv2D(width, width, kernel: 3, padding: 1, bias: false, rng: &rng), BatchNorm2D(width), ReLU()]
        }
        layers.append(Conv2D(width, io, kernel: 3, padding: 1, rng: &rng))
        net = Sequential(layers)
        self.downscale = downscale
    }

    public var children: [(String, any Module)] { [("net", net)] }

    /// Pixels of context each output pixel sees on each side: depth layers of 3x3 at 1/downscale size.
    public var receptiveRadius: Int { (net.layers.count { $0 is Conv2D }) * downscale + downscale - 1 }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let r = downscale
        if r == 1 { return x - net(x) }
        let h = x.shape[2], w = x.shape[3]
        if h % r == 0 && w % r == 0 { return x - net(x.pixelUnshuffled(r)).pixelShuffled(r) }
        // Sizes that are not multiples of r: edge pixels repeated up to one, the result cropped.
        require(!x.requiresGrad, "DnCNN: training needs sizes that are multiples of downscale \(r), got \(x.shape)")
        return throughEdgePadded(x, multipleOf: r) { callAsFunction($0) }
    }
}
