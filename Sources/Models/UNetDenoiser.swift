import NeuralCore
import Require

/// Residual U-Net denoiser: like DnCNN it predicts the noise (output = input - net(input)), but
/// over `levels` halvings of the picture: 2x2 stride-2 convolutions down, 2x2 stride-2 transposed
/// convolutions up, each level's encoder features added on the way up. A 3x3 layer at level l
/// steps 2^l pixels, so three levels see about 65 pixels on each side for the FLOPs per pixel of
/// a 15-layer DnCNN on 2x2 sub-images (width 32: 2.28 M parameters).
/// Level l has width·2^l channels; blocks are conv 3x3 (no bias) + batch norm + ReLU: one at
/// level 0 down and up, two at every other level down and up (the deepest only down).
/// (N, C, H, W) -> (N, C, H, W); H and W multiples of 2^levels in training.
public final class UNetDenoiser: DenoisingNetwork {
    public let inc: Sequential
    /// downs[l]: level l -> l+1; ups[l]: level l+1 -> l; decoders[l]: the blocks at level l after the sum.
    public let downs: [Sequential], ups: [ConvTranspose2D], decoders: [Sequential]
    public let outc: Conv2D
    public let levels: Int, width: Int

    public init(channels: Int = 1, width: Int = 32, levels: Int = 3, rng: inout RandomGenerator) {
        require(channels >= 1 && width >= 1 && (1...5).contains(levels), "UNetDenoiser: channels \(channels), width \(width), levels \(levels) (1...5)")
        func blocks(_ c: Int, _ n: Int) -> [any Layer] {
            (0..<n).flatMap { _ -> [any Layer] in [Conv2D(c, c, kernel: 3, padding: 1, bias: false, rng: &rng), BatchNorm2D(c), ReLU()] }
        }
        inc = Sequential([Conv2D(channels, width, kernel: 3, padding: 1, rng: &rng), ReLU()] + blocks(width, 1))
        var downs: [Sequential] = [], ups: [ConvTranspose2D] = [], decoders: [Sequential] = []
        for l in 0..<levels {
            let c = width << l
            downs.append(Sequential([Conv2D(c, 2 * c, kernel: 2, stride: 2, rng: &rng), ReLU()] + blocks(2 * c, 2)))
            ups.append(ConvTranspose2D(2 * c, c, kernel: 2, stride: 2, rng: &rng))
            decoders.append(Sequential(blocks(c, l == 0 ? 1 : 2)))
        }
        self.downs = downs; self.ups = ups; self.decoders = decoders
        outc = Conv2D(width, channels, kernel: 3, padding: 1, rng: &rng)
        self.levels = levels; self.width = width
    }

    public var children: [(String, any Module)] {
        [("inc", inc)] + downs.enumerated().map { ("down\($0.offset + 1)", $0.element as any Module) }
            + ups.enumerated().map { ("up\($0.offset + 1)", $0.element as any Module) }
            + decoders.enumerated().map { ("dec\($0.offset)", $0.element as any Module) } + [("outc", outc)]
    }

    public var alignment: Int { 1 << levels }

    /// A bound: a 3x3 layer at level l adds 2^l pixels, a 2x2 step down from level l 2^l, a step
    /// up to level l 2^(l+1).
    public var receptiveRadius: Int {
        var r = 2 + 1                                        // inc's two 3x3 layers, outc
        for l in 0..<levels {
            r += (1 << l) + 2 * (2 << l)                     // down to l+1, its two blocks
            r += (2 << l) + (l == 0 ? 1 : 2) * (1 << l)      // up to l, its blocks
        }
        return r
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        require(x.rank == 4, "UNetDenoiser: needs (N, C, H, W), got \(x.shape)")
        let a = alignment
        if x.shape[2] % a != 0 || x.shape[3] % a != 0 {
            require(!x.requiresGrad, "UNetDenoiser: training needs sizes that are multiples of \(a), got \(x.shape)")
            return throughEdgePadded(x, multipleOf: a) { callAsFunction($0) }
        }
        var skips = [inc(x)]                                 // level l: (N, width·2^l, H/2^l, W/2^l)
        for l in 0..<levels { skips.append(downs[l](skips[l])) }
        var y = skips[levels]
        for l in (0..<levels).reversed() { y = decoders[l](ups[l](y) + skips[l]) }
        return x - outc(y)
    }
}
