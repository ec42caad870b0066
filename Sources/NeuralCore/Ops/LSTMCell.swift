import Foundation
import Require

/// One LSTM layer over a whole sequence, fused: per step one product of [x_t | h_{t-1}] with
/// [W_ih | W_hh]ᵀ (packed once), gate nonlinearities and the cell update on the result while it
/// is in cache. PyTorch semantics: gates i, f, g, o in blocks of H rows; c' = f·c + i·g;
/// h' = o·tanh(c'). x (B, T, I), h0 and c0 (B, H), weightIH (4H, I), weightHH (4H, H), biases (4H)
/// -> output (B, T, H), hT (B, H), cT (B, H).
public func lstmLayer(_ x: Tensor, h0: Tensor?, c0: Tensor?, weightIH: Tensor, weightHH: Tensor,
                      biasIH: Tensor?, biasHH: Tensor?) -> (output: Tensor, h: Tensor, c: Tensor) {
    require(x.rank == 3, "lstmLayer: input must be (batch, seq, features), got \(x.shape)")
    let b = x.shape[0], t = x.shape[1], inF = x.shape[2], h = weightHH.shape[1], g4 = 4 * h
    checkShape(weightIH.shape, [g4, inF], "lstmLayer weight_ih")
    checkShape(weightHH.shape, [g4, h], "lstmLayer weight_hh")
    if let h0 { checkShape(h0.shape, [b, h], "lstmLayer h0") }
    if let c0 { checkShape(c0.shape, [b, h], "lstmLayer c0") }
    let inputs = [x, weightIH, weightHH] + [biasIH, biasHH, h0, c0].compactMap { $0 }
    let training = Tensor.recording(inputs)
    let zeros = Storage(count: b * h, repeating: 0)
    let ph0 = h0?.storage.pointer ?? zeros.pointer, pc0 = c0?.storage.pointer ?? zeros.pointer
    let px = x.storage.pointer, pwi = weightIH.storage.pointer, pwh = weightHH.storage.pointer
    let bsum = Storage(count: g4, repeating: 0)
    if let bi = biasIH { for j in 0..<g4 { bsum.pointer[j] += bi.storage.pointer[j] } }
    if let bh = biasHH { for j in 0..<g4 { bsum.pointer[j] += bh.storage.pointer[j] } }
    // Kept for the backward only: gate activations (B, T, 4H) and tanh(c_t) (B, T, H).
    let gates = Storage(count: training ? b * t * g4 : 0), tcs = Storage(count: training ? b * t * h : 0)
    let pg = gates.pointer, ptc = tcs.pointer
    // packed output (B, T+1, H): h_t for t < T, then c_T in the last slot.
    let packed = Tensor(uninitializedShape: [b, t + 1, h])
    let py = packed.storage.pointer
    let cs = Storage(count: b * t * h)   // c_t for every step
    let pcs = cs.pointer
    let ldy = (t + 1) * h, kj = inF + h
    // [W_ih | W_hh]ᵀ packed once for all steps (a general sgemm would repack it at every step; a
    // single step, as in generation, multiplies by the two unpacked).
    let byUnits = t > 1 && LSTMUnitSplit.applies(batch: b, hidden: h, training: training)   // few rows per thread: see LSTMUnitSplit
    let weights = t > 1 && !byUnits ? PackedMatrix(transposing: [(UnsafePointer(pwi), cols: inF), (UnsafePointer(pwh), cols: h)], rows: g4) : nil
    if byUnits {
        let split = LSTMUnitSplit(weightIH: pwi, weightHH: pwh, inputs: inF, hidden: h, bias: bsum.pointer)
        split.run(x: px, steps: t, batch: b, h0: ph0, c0: pc0, y: py, ldy: ldy, cs: pcs,
                  gates: training ? pg : nil, tanhC: training ? ptc : nil)
    } else {
        // Per step: [x_t | h_{t-1}] rows (B, I+H) and the pre-activations (B, 4H), both small enough
        // to stay in cache. (Gate rows of all steps computed up front, 4H·T floats apart, were out of
        // cache by their step: the kernel and the nonlinearities waited on memory.)
        let joined = Storage(count: b * kj), pre = Storage(count: b * g4)
        let pj = joined.pointer, pp = pre.pointer
        // The recurrence is independent per batch row: each worker runs the whole sequence for its
        // rows, so the steps need no synchronisation between threads.
        forEachRowBlock(b) { b0, nb in
            for s in 0..<t {
                func hPrev(_ bi: Int) -> UnsafePointer<Float> { s == 0 ? UnsafePointer(ph0 + bi * h) : UnsafePointer(py + bi * ldy + (s - 1) * h) }
                if let weights {
                    for bi in b0..<(b0 + nb) {
                        (pj + bi * kj).update(from: px + (bi * t + s) * inF, count: inF)
                        (pj + bi * kj + inF).update(from: hPrev(bi), count: h)
                    }
                    weights.multiply(a: pj + b0 * kj, lda: kj, m: nb, c: pp + b0 * g4, ldc: g4, accumulate: false)
                } else {
                    BLAS.sgemm(transB: true, m: nb, n: g4, k: inF, a: px + (b0 * t + s) * inF, lda: t * inF, b: pwi, ldb: inF,
                               c: pp + b0 * g4, ldc: g4)
                    BLAS.sgemm(transB: true, m: nb, n: g4, k: h, a: hPrev(b0), lda: s == 0 ? h : ldy, b: pwh, ldb: h, beta: 1,
                               c: pp + b0 * g4, ldc: g4)
                }
                for bi in b0..<(b0 + nb) {
                    let r = bi * t + s
                    FastMath.lstmPointwise(pp + bi * g4, bias: bsum.pointer, cPrev: s == 0 ? pc0 + bi * h : pcs + (r - 1) * h, c: pcs + r * h,
                                  h: py + bi * ldy + s * h, hidden: h, savingGates: training ? pg + r * g4 : nil,
                                  tanhC: training ? ptc + r * h : nil)
                }
            }
        }
    }
    for bi in 0..<b { (py + bi * ldy + t * h).update(from: pcs + (bi * t + t - 1) * h, count: h) }

    let node = packed.recorded(from: inputs, saving: [gates, cs, tcs, zeros]) { gp in
        let dG = Storage(count: b * t * g4)       // pre-activation gate gradients (B, T, 4H)
        let pdg = dG.pointer
        let dh = Storage(count: b * h, repeating: 0), dc = Storage(count: b * h)
        let pdh = dh.pointer, pdc = dc.pointer
        for bi in 0..<b { (pdc + bi * h).update(from: gp + bi * ldy + t * h, count: h) }
        if byUnits {
            LSTMUnitSplit.backward(weightHH: pwh, steps: t, batch: b, hidden: h, gates: pg, tanhC: ptc, c0: pc0, cs: pcs,
                                   gy: gp, ldy: ldy, dGates: pdg, dh: pdh, dc: pdc)
        } else {
            let packedBack = PackedMatrix(pwh, rows: g4, cols: h)
            forEachRowBlock(b) { b0, nb in
                for s in stride(from: t - 1, through: 0, by: -1) {
                    for bi in b0..<(b0 + nb) {
                        let gr = pg + (bi * t + s) * g4, dgr = pdg + (bi * t + s) * g4
                        let cPrev = s == 0 ? pc0 + bi * h : pcs + (bi * t + s - 1) * h
                        let tcCur = ptc + (bi * t + s) * h
                        let gy = gp + bi * ldy + s * h
                        // dc_t = dc + dh·o·(1 - tanh²c); dG = (dc_t·g·i(1-i), dc_t·c_{t-1}·f(1-f), dc_t·i(1-g²),
                        // dh·tanh c·o(1-o)); dc <- dc_t·f
                        FastMath.lstmPointwiseBackward(gates: gr, tanhC: tcCur, cPrev: cPrev, gy: gy, dh: pdh + bi * h, dc: pdc + bi * h,
                                                       dGates: dgr, hidden: h)
                    }
                    // dh_{s-1} = dG_s (rows, 4H) · W_hh (4H, H)
                    packedBack.multiply(a: pdg + (b0 * t + s) * g4, lda: t * g4, m: nb, c: pdh + b0 * h, ldc: h, accumulate: false)
                }
            }
        }
        h0?.addGrad { g in for i in 0..<b * h { g[i] += pdh[i] } }
        c0?.addGrad { g in for i in 0..<b * h { g[i] += pdc[i] } }
        if weightHH.requiresGrad {
            weightHH.addGrad { addRecurrentWeightGrad($0, dGates: pdg, gates: g4, steps: t, batch: b, hidden: h, h0: ph0, outputs: py, ldy: ldy) }
        }
        weightIH.addGrad { gw in BLAS.sgemm(transA: true, m: g4, n: inF, k: b * t, a: pdg, lda: g4, b: px, ldb: inF, beta: 1, c: gw, ldc: inF) }
        if x.requiresGrad { x.addGrad { gx in BLAS.sgemm(m: b * t, n: inF, k: g4, a: pdg, lda: g4, b: pwi, ldb: inF, beta: 1, c: gx, ldc: inF) } }
        if (biasIH?.requiresGrad ?? false) || (biasHH?.requiresGrad ?? false) {
            let db = Storage(count: g4, repeating: 0)
            addColumnSums(pdg, rows: b * t, cols: g4, ld: g4, into: db.pointer)
            biasIH?.addGrad { g in for j in 0..<g4 { g[j] += db.pointer[j] } }
            biasHH?.addGrad { g in for j in 0..<g4 { g[j] += db.pointer[j] } }
        }
    }
    let output = node.slice(axis: 1, 0..<t)
    let hT = node.slice(axis: 1, (t - 1)..<t).reshaped([b, h])
    let cT = node.slice(axis: 1, t..<(t + 1)).reshaped([b, h])
    return (output, hT, cT)
}

/// dW_hh (G, H) += Σ_s dGates_s (B, G)ᵀ · h_{s-1} (B, H) as one sgemm: the previous hidden states
/// (h0 at s = 0, else row s-1 of the outputs (B, T(+1), H), row stride ldy) are first laid out as
/// one (B·T, H) matrix matching dGates (B·T, G).
func addRecurrentWeightGrad(_ gw: UnsafeMutablePointer<Float>, dGates: UnsafePointer<Float>, gates g: Int,
                            steps t: Int, batch b: Int, hidden h: Int,
                            h0: UnsafePointer<Float>, outputs: UnsafePointer<Float>, ldy: Int) {
    let prev = Storage(count: b * t * h), pp = prev.pointer
    Parallel.forRanges(b, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / Swift.max(t * h, 1))) { r in
        for bi in r {
            (pp + bi * t * h).update(from: h0 + bi * h, count: h)
            if t > 1 { (pp + (bi * t + 1) * h).update(from: outputs + bi * ldy, count: (t - 1) * h) }
        }
    }
    BLAS.sgemm(transA: true, m: g, n: h, k: b * t, a: dGates, lda: g, b: pp, ldb: h, beta: 1, c: gw, ldc: h)
}

/// Splits batch rows 0..<b into one contiguous block per worker: body(firstRow, rowCount).
func forEachRowBlock(_ b: Int, file: StaticString = #fileID, line: UInt = #line, _ body: (Int, Int) -> Void) {
    let workers = Parallel.isNested ? 1 : Swift.max(1, Swift.min(Parallel.threads, b))
    Parallel.forEach(workers, file: file, line: line) { w in
        let lo = b * w / workers, hi = b * (w + 1) / workers
        if hi > lo { body(lo, hi - lo) }
    }
}
