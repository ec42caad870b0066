import Require

/// Elements per dropout block. Each block draws from its own stream, seeded from one draw of the
/// caller's generator and the block's index, so blocks run on any threads and the mask is the same
/// on any number of them.
let dropoutBlock = 4096

/// Inverted dropout: in training each value is zeroed with probability p and the rest scaled by
/// 1/(1-p); in eval the input passes through. Shape: any -> same.
public func dropout(_ x: Tensor, p: Float, training: Bool, using rng: inout RandomGenerator) -> Tensor {
    require(p >= 0 && p < 1, "dropout: p must be in [0, 1), got \(p)")
    if !training || p == 0 { return x }
    let n = x.count, mask = Storage(count: n), scale = 1 / (1 - p), base = rng.next()
    let y = Tensor(uninitializedShape: x.shape)
    let px = x.storage.pointer, py = y.storage.pointer, pm = mask.pointer
    let blocks = (n + dropoutBlock - 1) / dropoutBlock
    Parallel.forRanges(blocks) { bs in   // a block is about 10 us of drawing: worth a thread
        for b in bs {
            var stream = RandomGenerator(seed: base &+ UInt64(b))
            for i in (b * dropoutBlock)..<Swift.min(n, (b + 1) * dropoutBlock) {
                let m: Float = stream.uniform() < p ? 0 : scale
                pm[i] = m; py[i] = px[i] * m
            }
        }
    }
    return y.recorded(from: [x]) { g in
        let pm = mask.pointer   // captures mask: alive until the backward
        x.addGrad { gx in pointwise(n) { r in for i in r { gx[i] += g[i] * pm[i] } } }
    }
}
