import Foundation
import Require

/// One GRU layer over a whole sequence, fused like `lstmLayer`. PyTorch semantics: gates r, z, n;
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h' = (1 - z)·n + z·h.
/// x (B, T, I), h0 (B, H), weightIH (3H, I), weightHH (3H, H), biases (3H) -> output (B, T, H), hT (B, H).
public func gruLayer(_ x: Tensor, h0: Tensor?, weightIH: Tensor, weightHH: Tensor,
                     biasIH: Tensor?, biasHH: Tensor?) -> (output: Tensor, h: Tensor) {
    require(x.rank == 3, "gruLayer: input must be (batch, seq, features), got \(x.shape)")
    let b = x.shape[0], t = x.shape[1], inF = x.shape[2], h = weightHH.shape[1], g3 = 3 * h
    checkShape(weightIH.shape, [g3, inF], "gruLayer weight_ih")
    checkShape(weightHH.shape, [g3, h], "gruLayer weight_hh")
    if let h0 { checkShape(h0.shape, [b, h], "gruLayer h0") }
    let zeros = Storage(count: b * h, repeating: 0)
    let ph0 = h0?.storage.pointer ?? zeros.pointer
    let px = x.storage.pointer, pwi = weightIH.storage.pointer, pwh = weightHH.storage.pointer
    // xg (B, T, 3H): input projections, then r, z, n in place. hg (B, T, 3H): W_h h + b_h per step.
    let xg = Storage(count: b * t * g3), hg = Storage(count: b * t * g3)
    let pxg = xg.pointer, phg = hg.pointer
    let pbi = biasIH?.storage.pointer, pbh = biasHH?.storage.pointer
    Parallel.forRanges(b * t, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / g3)) { rows in
        for r in rows {
            if let pbi { (pxg + r * g3).update(from: pbi, count: g3) } else { (pxg + r * g3).update(repeating: 0, count: g3) }
            if let pbh { (phg + r * g3).update(from: pbh, count: g3) } else { (phg + r * g3).update(repeating: 0, count: g3) }
        }
    }
    BLAS.sgemm(transB: true, m: b * t, n: g3, k: inF, a: px, lda: inF, b: pwi, ldb: inF, beta: 1, c: pxg, ldc: g3)
    let y = Tensor(uninitializedShape: [b, t, h])
    let py = y.storage.pointer
    let ldy = t * h
    let packedHH = t > 1 ? PackedMatrix(transposing: pwh, rows: g3, cols: h) : nil   // W_hhᵀ once for all steps
    forEachRowBlock(b) { b0, nb in   // each worker runs the sequence for its batch rows
        for s in 0..<t {
            let hPrev = s == 0 ? UnsafePointer(ph0 + b0 * h) : UnsafePointer(py + b0 * ldy + (s - 1) * h)
            let ldh = s == 0 ? h : ldy
            if let packedHH {
                packedHH.multiply(a: hPrev, lda: ldh, m: nb, c: phg + (b0 * t + s) * g3, ldc: t * g3, accumulate: true)
            } else {
                BLAS.sgemm(transB: true, m: nb, n: g3, k: h, a: hPrev, lda: ldh, b: pwh, ldb: h, beta: 1,
                           c: phg + (b0 * t + s) * g3, ldc: t * g3)
            }
            for bi in b0..<(b0 + nb) {
                let xr = pxg + (bi * t + s) * g3, hr = phg + (bi * t + s) * g3
                let hp = hPrev + (bi - b0) * ldh
                let hNew = py + bi * ldy + s * h
                for j in 0..<(2 * h) { xr[j] += hr[j] }
                FastMath.sigmoid(xr, xr, 2 * h)                        // r, z
                for j in 0..<h { xr[2 * h + j] += xr[j] * hr[2 * h + j] }
                FastMath.tanh(xr + 2 * h, xr + 2 * h, h)               // n
                for j in 0..<h { hNew[j] = (1 - xr[h + j]) * xr[2 * h + j] + xr[h + j] * hp[j] }
            }
        }
    }
    let inputs = [x, weightIH, weightHH] + [biasIH, biasHH, h0].compactMap { $0 }
    let output = y.recorded(from: inputs, saving: [xg, hg, zeros]) { gy in
        let dX = Storage(count: b * t * g3), dH = Storage(count: b * t * g3)   // pre-activation grads
        let pdx = dX.pointer, pdh = dH.pointer
        let dh = Storage(count: b * h, repeating: 0), dhNext = Storage(count: b * h)
        let packedBack = PackedMatrix(pwh, rows: g3, cols: h)
        forEachRowBlock(b) { b0, nb in
            for s in stride(from: t - 1, through: 0, by: -1) {
                let hPrev = s == 0 ? UnsafePointer(ph0 + b0 * h) : UnsafePointer(py + b0 * ldy + (s - 1) * h)
                let ldh = s == 0 ? h : ldy
                for bi in b0..<(b0 + nb) {
                    let gr = pxg + (bi * t + s) * g3, hr = phg + (bi * t + s) * g3
                    let dxr = pdx + (bi * t + s) * g3, dhr = pdh + (bi * t + s) * g3
                    let hp = hPrev + (bi - b0) * ldh
                    let g = gy + bi * ldy + s * h, dhb = dh.pointer + bi * h, dnb = dhNext.pointer + bi * h
                    for j in 0..<h {
                        let r = gr[j], z = gr[h + j], n = gr[2 * h + j]
                        let d = g[j] + dhb[j]
                        let dan = d * (1 - z) * (1 - n * n)
                        let dar = dan * hr[2 * h + j] * r * (1 - r)
                        let daz = d * (hp[j] - n) * z * (1 - z)
                        dxr[j] = dar; dxr[h + j] = daz; dxr[2 * h + j] = dan
                        dhr[j] = dar; dhr[h + j] = daz; dhr[2 * h + j] = dan * r
                        dnb[j] = d * z
                    }
                }
                // dh_{s-1} = d·z + dH_s (rows, 3H) · W_hh (3H, H)
                packedBack.multiply(a: pdh + (b0 * t + s) * g3, lda: t * g3, m: nb, c: dhNext.pointer + b0 * h, ldc: h, accumulate: true)
                (dh.pointer + b0 * h).update(from: dhNext.pointer + b0 * h, count: nb * h)
            }
        }
        h0?.addGrad { g in for i in 0..<b * h { g[i] += dh.pointer[i] } }
        if weightHH.requiresGrad {
            weightHH.addGrad { addRecurrentWeightGrad($0, dGates: pdh, gates: g3, steps: t, batch: b, hidden: h, h0: ph0, outputs: py, ldy: ldy) }
        }
        weightIH.addGrad { gw in BLAS.sgemm(transA: true, m: g3, n: inF, k: b * t, a: pdx, lda: g3, b: px, ldb: inF, beta: 1, c: gw, ldc: inF) }
        if x.requiresGrad { x.addGrad { gx in BLAS.sgemm(m: b * t, n: inF, k: g3, a: pdx, lda: g3, b: pwi, ldb: inF, beta: 1, c: gx, ldc: inF) } }
        biasIH?.addGrad { g in addColumnSums(pdx, rows: b * t, cols: g3, ld: g3, into: g) }
        biasHH?.addGrad { g in addColumnSums(pdh, rows: b * t, cols: g3, ld: g3, into: g) }
    }
    let hT = output.slice(axis: 1, (t - 1)..<t).reshaped([b, h])
    return (output, hT)
}
