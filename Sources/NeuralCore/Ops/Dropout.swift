import Require
/// Inverted dropout: in training each value is zeroed with probability p and the rest scaled by
/// 1/(1-p); in eval the input passes through. Shape: any -> same.
public func dropout(_ x: Tensor, p: Float, training: Bool, using rng: inout RandomGenerator) -> Tensor {
    require(p >= 0 && p < 1, "dropout: p must be in [0, 1), got \(p)")
    if !training || p == 0 { return x }
    let mask = Storage(count: x.count)
    let scale = 1 / (1 - p)
    let pmk = mask.pointer
    for i in 0..<x.count { pmk[i] = rng.uniform() < p ? 0 : scale }
    let y = Tensor(uninitializedShape: x.shape)
    let px = x.storage.pointer, py = y.storage.pointer
    pointwise(x.count) { r in for i in r { py[i] = px[i] * pmk[i] } }   // the mask stays serial: one random sequence
    return y.recorded(from: [x]) { g in
        let pm = mask.pointer   // captures mask: alive until the backward
        x.addGrad { gx in pointwise(x.count) { r in for i in r { gx[i] += g[i] * pm[i] } } }
    }
}
