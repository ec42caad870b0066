import NeuralCore

/// An image-to-image denoiser of the same size in and out, (N, C, H, W) -> (N, C, H, W): what
/// tiled inference needs to know of it.
public protocol DenoisingNetwork: Layer {
    /// Pixels of context each output pixel sees on each side (at most).
    var receptiveRadius: Int { get }
    /// The block the network works on: training sizes must be multiples of it; other sizes are
    /// edge-padded up to one in inference.
    var alignment: Int { get }
}

extension DnCNN: DenoisingNetwork {
    public var alignment: Int { downscale }
}

/// x (N, C, H, W) with H, W padded up to multiples of `r` by repeating the last row and column,
/// through f, cropped back: for networks that work on r x r blocks (inference only).
func throughEdgePadded(_ x: Tensor, multipleOf r: Int, _ f: (Tensor) -> Tensor) -> Tensor {
    let h = x.shape[2], w = x.shape[3]
    let hp = (h + r - 1) / r * r, wp = (w + r - 1) / r * r, nc = x.shape[0] * x.shape[1]
    let src = x.scalars
    var padded = [Float](repeating: 0, count: nc * hp * wp)
    for c in 0..<nc { for y in 0..<hp { for xx in 0..<wp {
        padded[(c * hp + y) * wp + xx] = src[(c * h + Swift.min(y, h - 1)) * w + Swift.min(xx, w - 1)]
    } } }
    return f(Tensor(shape: [x.shape[0], x.shape[1], hp, wp], scalars: padded)).slice(axis: 2, 0..<h).slice(axis: 3, 0..<w)
}
