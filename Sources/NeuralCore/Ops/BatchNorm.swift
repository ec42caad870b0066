import Foundation
import Require

/// Batch normalisation over channel axis 1 of (N, C) or (N, C, ...), PyTorch semantics.
/// Training: batch mean and biased variance; running stats updated in place with `momentum`
/// (unbiased variance). Eval: running stats, nothing changes. weight, bias, running: (C).
public func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                      training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: training,
              momentum: momentum, eps: eps, relu: false)
}

/// batchNorm(...).relu() in one op: for (N, C, ...) with planes after C each output plane is
/// rectified while still in cache, and the backward applies ReLU's mask plane by plane inside the
/// norm's sums instead of a pass of its own over memory. The same kernels in the same order: the
/// same bits as the two ops.
func batchNormReLU(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                   training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: training,
              momentum: momentum, eps: eps, relu: true)
}

private func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
                       training: Bool, momentum: Float, eps: Float, relu: Bool) -> Tensor {
    require(x.rank >= 2, "batchNorm: needs (N, C, ...), got \(x.shape)")
    let n = x.shape[0], c = x.shape[1], inner = x.shape[2...].reduce(1, *), m = n * inner
    if relu && inner == 1 {   // (N, C): the two ops
        return batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar, training: training,
                         momentum: momentum, eps: eps, relu: false).relu()
    }
    for t in [weight, bias, runningMean, runningVar] { if let t { checkShape(t.shape, [c], "batchNorm parameter") } }
    require(training || (runningMean != nil && runningVar != nil), "batchNorm: eval needs running statistics")
    require(!training || m > 1, "batchNorm: training needs more than one value per channel, got \(x.shape)")
    let mean = Storage(count: c), invStd = Storage(count: c)
    let px = x.storage.pointer
    let pm = mean.pointer, ps = invStd.pointer
    // Read once here: through the tensors inside the loops, each channel retained and released them.
    let rm = runningMean?.storage.pointer, rv = runningVar?.storage.pointer
    if training && inner == 1 {
        // (N, C): each worker takes a range of channels and walks the rows, the sums in the same
        // order as the per-channel loop below.
        Parallel.forRanges(c, minPerChunk: 256) { r in
            let s = UnsafeMutablePointer<Double>.allocate(capacity: r.count), v = UnsafeMutablePointer<Double>.allocate(capacity: r.count)
            defer { s.deallocate(); v.deallocate() }
            s.update(repeating: 0, count: r.count); v.update(repeating: 0, count: r.count)
            for b in 0..<n { let row = px + b * c + r.lowerBound; for k in 0..<r.count { s[k] += Double(row[k]) } }
            for k in 0..<r.count { pm[r.lowerBound + k] = Float(s[k] / Double(m)) }
            for b in 0..<n {
                let row = px + b * c + r.lowerBound, mu = pm + r.lowerBound
                for k in 0..<r.count { let d = row[k] - mu[k]; v[k] += Double(d * d) }
            }
            for k in 0..<r.count {
                let ch = r.lowerBound + k
                ps[ch] = Float(1 / (v[k] / Double(m) + Double(eps)).squareRoot())
                if let rm, let rv {
                    rm[ch] = (1 - momentum) * rm[ch] + momentum * pm[ch]
                    rv[ch] = (1 - momentum) * rv[ch] + momentum * Float(v[k] / Double(m - 1))
                }
            }
        }
    } else if training {
        Parallel.forRanges(c) { r in
            for ch in r {
                var s: Double = 0
                for b in 0..<n { s += Double(vectorSum(px + (b * c + ch) * inner, inner)) }
                let mu = Float(s / Double(m))
                var v: Double = 0
                for b in 0..<n { v += Double(vectorSquaredDeviation(px + (b * c + ch) * inner, inner, mu)) }
                pm[ch] = mu
                ps[ch] = Float(1 / (v / Double(m) + Double(eps)).squareRoot())
                if let rm, let rv {
                    rm[ch] = (1 - momentum) * rm[ch] + momentum * mu
                    rv[ch] = (1 - momentum) * rv[ch] + momentum * Float(v / Double(m - 1))
                }
            }
        }
    } else if let rm, let rv {
        for ch in 0..<c { pm[ch] = rm[ch]; ps[ch] = 1 / (rv[ch] + eps).squareRoot() }
    }
    let y = Tensor(uninitializedShape: x.shape)
    let py = y.storage.pointer
    let pw = weight?.storage.pointer, pb = bias?.storage.pointer
    if inner == 1 {
        Parallel.forRanges(c, minPerChunk: 256) { r in
            let scale = UnsafeMutablePointer<Float>.allocate(capacity: r.count), shift = UnsafeMutablePointer<Float>.allocate(capacity: r.count)
            defer { scale.deallocate(); shift.deallocate() }
            for k in 0..<r.count {
                let ch = r.lowerBound + k
                scale[k] = ps[ch] * (pw?[ch] ?? 1); shift[k] = (pb?[ch] ?? 0) - pm[ch] * scale[k]
            }
            for b in 0..<n {
                let xi = px + b * c + r.lowerBound, yi = py + b * c + r.lowerBound
                for k in 0..<r.count { yi[k] = xi[k] * scale[k] + shift[k] }
            }
        }
    } else {
        // By planes in memory order, so each worker writes the images it also convolves (the
        // convolutions split the batch the same way) and the data stays in its core's cache.
        Parallel.forRanges(n * c, minPerChunk: Swift.max(1, 4096 / inner)) { r in
            for plane in r {
                let ch = plane % c
                // y = scale·(x - mean) + bias
                vectorAffineCentered(nil, 0, px + plane * inner, pm[ch], ps[ch] * (pw?[ch] ?? 1), pb?[ch] ?? 0, inner,
                                     into: py + plane * inner, accumulate: false)
                if relu { FastMath.rectifier(py + plane * inner, slope: 0, py + plane * inner, inner) }
            }
        }
    }
    let inputs = [x] + [weight, bias].compactMap { $0 }
    return y.recorded(from: inputs, saving: [mean, invStd]) { g in
        var gxPtr: UnsafeMutablePointer<Float>?, fresh = false   // fresh: gx is written, not added to
        x.writeGrad { p, isNew in gxPtr = p; fresh = isNew }
        let gw = Storage(count: c), gb = Storage(count: c)
        if inner == 1 {
            batchNorm1dBackward(g, px, gxPtr, fresh: fresh, n: n, c: c, mean: pm, invStd: ps, weight: pw, training: training,
                                gw: gw.pointer, gb: gb.pointer)
        } else {
            Parallel.forRanges(c) { r in
                // With relu: a plane of g with ReLU's mask (y > 0) applied, in cache.
                let masked = relu ? UnsafeMutablePointer<Float>.allocate(capacity: inner) : nil
                defer { masked?.deallocate() }
                func plane(_ o: Int) -> UnsafePointer<Float> {
                    guard let masked else { return g + o }
                    FastMath.rectifierBackward(ref: py + o, g + o, slope: 0, masked, inner, accumulate: false)
                    return UnsafePointer(masked)
                }
                for ch in r {
                    // sums of g and g·x̂ over the channel
                    var sg: Float = 0, sgx: Float = 0
                    let mu = pm[ch], inv = ps[ch]
                    for b in 0..<n {
                        let xi = px + (b * c + ch) * inner, gi = plane((b * c + ch) * inner)
                        sg += vectorSum(gi, inner)
                        sgx += vectorDotCentered(gi, xi, inner, mu)
                    }
                    sgx *= inv
                    gw.pointer[ch] = sgx; gb.pointer[ch] = sg
                    guard let gx = gxPtr else { continue }
                    let wv = pw?[ch] ?? 1
                    if training {
                        // gx = w·inv/m · (m·g - Σg - x̂·Σ(g·x̂))
                        let k = wv * inv / Float(m)
                        for b in 0..<n {
                            let o = (b * c + ch) * inner
                            vectorAffineCentered(plane(o), k * Float(m), px + o, mu, -k * inv * sgx, -k * sg, inner,
                                                 into: gx + o, accumulate: !fresh)
                        }
                    } else {
                        let k = wv * inv
                        for b in 0..<n {
                            let o = (b * c + ch) * inner, gi = plane(o)
                            vectorAffineCentered(gi, k, gi, 0, 0, 0, inner, into: gx + o, accumulate: !fresh)
                        }
                    }
                }
            }
        }
        weight?.addGrad { p in for ch in 0..<c { p[ch] += gw.pointer[ch] } }
        bias?.addGrad { p in for ch in 0..<c { p[ch] += gb.pointer[ch] } }
    }
}

/// The backward of batchNorm on (N, C) rows: each worker takes a range of channels and walks the
/// rows, summing in the same order as the per-channel loop. gw, gb: (C) written; gx (N, C) added
/// to, or written when `fresh`.
private func batchNorm1dBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>?,
                                 fresh: Bool, n: Int, c: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                 weight: UnsafePointer<Float>?, training: Bool,
                                 gw: UnsafeMutablePointer<Float>, gb: UnsafeMutablePointer<Float>) {
    Parallel.forRanges(c, minPerChunk: 256) { r in
        let lo = r.lowerBound, count = r.count
        let sg = gb + lo, sgx = gw + lo, mu = mean + lo, inv = invStd + lo
        sg.update(repeating: 0, count: count); sgx.update(repeating: 0, count: count)
        for b in 0..<n {
            let gi = g + b * c + lo, xi = x + b * c + lo
            for k in 0..<count { sg[k] += gi[k]; sgx[k] += gi[k] * (xi[k] - mu[k]) }
        }
        for k in 0..<count { sgx[k] *= inv[k] }
        guard let gx else { return }
        let m = Float(n)
        // Per feature its scale first (w·inv/m in training, w·inv in eval; the same operations in
        // the same order as written out per element), so that the loops over a row have no branch.
        let scale = Storage(count: count), sc = scale.pointer
        defer { withExtendedLifetime(scale) {} }
        for k in 0..<count { let wk = weight?[lo + k] ?? 1; sc[k] = training ? wk * inv[k] / m : wk * inv[k] }
        for b in 0..<n {
            let gi = g + b * c + lo, xi = x + b * c + lo, gxi = gx + b * c + lo
            switch (training, fresh) {
            case (true, true): for k in 0..<count { gxi[k] = sc[k] * (m * gi[k] - sg[k] - (xi[k] - mu[k]) * inv[k] * sgx[k]) }
            case (true, false): for k in 0..<count { gxi[k] += sc[k] * (m * gi[k] - sg[k] - (xi[k] - mu[k]) * inv[k] * sgx[k]) }
            case (false, true): for k in 0..<count { gxi[k] = sc[k] * gi[k] }
            case (false, false): for k in 0..<count { gxi[k] += sc[k] * gi[k] }
            }
        }
    }
}
