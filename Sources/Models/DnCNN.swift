import NeuralCore

/// Residual denoiser (Zhang et al. 2017): the network predicts the noise; output = input - net(input).
/// With width 32 and 6 middle layers it is MODELS.md "dncnn8" (56,289 parameters).
/// (N, C, H, W) -> (N, C, H, W).
public final class DnCNN: Layer {
    public let net: Sequential

    public init(channels: Int = 1, width: Int = 32, middleLayers: Int = 6, rng: inout RandomGenerator) {
        var layers: [any Layer] = [Conv2D(channels, width, kernel: 3, padding: 1, rng: &rng), ReLU()]
        for _ in 0..<middleLayers {
            layers += [Conv2D(width, width, kernel: 3, padding: 1, bias: false, rng: &rng), BatchNorm2D(width), ReLU()]
        }
        layers.append(Conv2D(width, channels, kernel: 3, padding: 1, rng: &rng))
        net = Sequential(layers)
    }

    public var children: [(String, any Module)] { [("net", net)] }

    public func callAsFunction(_ x: Tensor) -> Tensor { x - net(x) }
}
