import NeuralCore
import Models
import Require

/// An image-to-image network over a large picture in tiles, so memory stays bounded: each tile's
/// core (`tile` x `tile` pixels) is computed from the core plus `overlap` pixels of context on each
/// side (clamped at the picture's border) and only the core is kept. With an overlap at least the
/// network's receptive radius (a 17-layer 3x3 DnCNN: 17) the result equals the whole picture at
/// once, so no seams show. Tile cores start at multiples of `tile`: a multiple of any block size.
public enum TiledInference {
    /// The overlap for a network that sees `radius` pixels on each side and works on blocks of
    /// `alignment` pixels (a pixel-unshuffling DnCNN): the radius rounded up to whole blocks, so
    /// that every tile starts on a block boundary as the whole picture does.
    public static func overlap(radius: Int, alignment: Int) -> Int { (radius + alignment - 1) / alignment * alignment }

    /// A denoising network through `apply` with the overlap it needs, in tiles of 256 pixels, or
    /// of a larger multiple of 256 for a wide view, so the overlap computed twice stays under
    /// a third of each side (the shipped DnCNN: 256 with 32; the U-Net: 512 with 72). A picture
    /// no larger in area than one tile with its overlap (a 640x360 video frame for the U-Net)
    /// goes whole: the same memory, none of the overlap's work.
    public static func apply(_ x: Tensor, model: any DenoisingNetwork) -> Tensor {
        let o = overlap(radius: model.receptiveRadius, alignment: model.alignment), side = tileSide(overlap: o)
        // Buffers are kept for the next pass of the same sides (video frames, interior tiles, a
        // picture turned by 90 degrees); another size releases them.
        func pass(_ t: Tensor) -> Tensor {
            Storage.reuseBuffers(for: t.shape.suffix(2).sorted())
            return model(t)
        }
        if x.rank == 4 && x.shape[2] * x.shape[3] <= (side + 2 * o) * (side + 2 * o) { return pass(x) }
        return apply(x, tile: side, overlap: o, pass)
    }

    /// The smallest multiple of 256 at least six overlaps long.
    static func tileSide(overlap: Int) -> Int { Swift.max(256, (6 * overlap + 255) / 256 * 256) }

    /// x (1, C, H, W) -> f's output (1, C', H, W); f must keep the spatial size.
    public static func apply(_ x: Tensor, tile: Int, overlap: Int, _ f: (Tensor) -> Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[0] == 1, "TiledInference: needs (1, C, H, W), got \(x.shape)")
        require(tile >= 1 && overlap >= 0, "TiledInference: tile \(tile), overlap \(overlap)")
        let h = x.shape[2], w = x.shape[3]
        if h <= tile && w <= tile { return f(x) }
        var out: Tensor?
        var outChannels = 0
        for y0 in Swift.stride(from: 0, to: h, by: tile) {
            for x0 in Swift.stride(from: 0, to: w, by: tile) {
                let y1 = Swift.min(y0 + tile, h), x1 = Swift.min(x0 + tile, w)
                let iy0 = Swift.max(0, y0 - overlap), iy1 = Swift.min(h, y1 + overlap)
                let ix0 = Swift.max(0, x0 - overlap), ix1 = Swift.min(w, x1 + overlap)
                let piece = f(x.slice(axis: 2, iy0..<iy1).slice(axis: 3, ix0..<ix1))
                require(piece.shape[2] == iy1 - iy0 && piece.shape[3] == ix1 - ix0,
                        "TiledInference: the network changed the tile's size \(iy1 - iy0)x\(ix1 - ix0) to \(piece.shape)")
                if out == nil {
                    outChannels = piece.shape[1]
                    out = Tensor(shape: [1, outChannels, h, w], storage: Storage(count: outChannels * h * w, repeating: 0))
                }
                let po = out!.storage.pointer, pp = piece.storage.pointer
                let pw = ix1 - ix0, ph = iy1 - iy0
                for c in 0..<outChannels {
                    for y in y0..<y1 {
                        let src = pp + (c * ph + (y - iy0)) * pw + (x0 - ix0), dst = po + (c * h + y) * w + x0
                        dst.update(from: src, count: x1 - x0)
                    }
                }
            }
        }
        return out!
    }
}
