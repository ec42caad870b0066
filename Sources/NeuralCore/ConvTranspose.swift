/// 2-d transposed convolution, PyTorch semantics (the adjoint of conv2d with the same geometry),
/// lowered like conv2d: per worker, a few images at a time, one sgemm then col2im.
/// input (N, Cin, H, W), weight (Cin, Cout, kh, kw), bias (Cout) -> (N, Cout, Ho, Wo) with
/// Ho = (H-1)·stride - 2·padding + dilation·(kh-1) + outputPadding + 1.
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                            padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
                            dilation: (Int, Int) = (1, 1)) -> Tensor {
    convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                    dilation: dilation, relu: false)
}

/// With `relu` (inference only, no graph): ReLU on each chunk of images while still in cache.
func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int),
                     outputPadding: (Int, Int), dilation: (Int, Int), relu: Bool) -> Tensor {
    precondition(!relu || !GradMode.isEnabled, "convTranspose2d: the fused ReLU is for inference")
    precondition(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[0],
                 "convTranspose2d: input \(x.shape) does not fit weight \(weight.shape)")
    let n = x.shape[0], cin = x.shape[1], hin = x.shape[2], win = x.shape[3]
    let cout = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
    let ho = (hin - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
    let wo = (win - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
    precondition(ho > 0 && wo > 0, "convTranspose2d: output size \(ho)x\(wo) for input \(x.shape)")
    if let bias { checkShape(bias.shape, [cout], "convTranspose2d bias") }
    // The conv whose input is our output and whose output is our input.
    let geo = ConvGeometry(c: cout, h: ho, w: wo, kernel: (kh, kw), stride: stride, padding: padding,
                           dilation: dilation, outputSize: (hin, win))
    let k = geo.k, lin = hin * win, outSize = cout * ho * wo
    let chunk = BatchLayout.chunk(n: n, floatsPerImage: k * lin), workers = BatchLayout.workers(n: n)
    let y = Tensor(uninitializedShape: [n, cout, ho, wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    let col = WorkerBuffers(workers: workers, count: k * chunk * lin), xs = WorkerBuffers(workers: workers, count: cin * chunk * lin)
    BatchLayout.forEachChunk(n: n, chunk: chunk, workers: workers) { ch in
        let w = ch.worker, c0 = ch.first, nc = ch.count
        let cols = nc * lin
        BatchLayout.toChannelMajor(px + c0 * cin * lin, xs[w], n: nc, c: cin, l: lin)
        // col[k, nc·lin] = Wᵀ[k, cin] · x[cin, nc·lin]
        BLAS.sgemm(transA: true, m: k, n: cols, k: cin, a: pw, lda: k, b: xs[w], ldb: cols, c: col[w], ldc: cols)
        for s in 0..<nc {
            let ys = py + (c0 + s) * outSize
            if let pb { for o in 0..<cout { (ys + o * ho * wo).update(repeating: pb[o], count: ho * wo) } }
            else { ys.update(repeating: 0, count: outSize) }
        }
        geo.col2im(col[w], py + c0 * outSize, ld: cols, images: nc)
        if relu { rectify(py + c0 * outSize, nc * outSize) }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { BatchLayout.addChannelSums(g, into: $0, n: n, c: cout, l: ho * wo) }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        var gx: UnsafeMutablePointer<Float>?, fresh = false   // fresh: gx is new and not zeroed
        x.writeGrad { p, isNew in gx = p; fresh = isNew }
        let col = WorkerBuffers(workers: workers, count: k * chunk * lin), xs = WorkerBuffers(workers: workers, count: cin * chunk * lin)
        let gw = WorkerBuffers(workers: needW ? BatchLayout.pieces(n: n, workers: workers) : 0, count: cin * k)
        BatchLayout.forEachChunk(n: n, chunk: chunk, workers: workers) { ch in
            let w = ch.worker, c0 = ch.first, nc = ch.count
            let cols = nc * lin
            for s in 0..<nc { geo.im2col(g + (c0 + s) * outSize, col[w] + s * lin, ld: cols) }
            if let gx {
                // gx[cin, nc·lin] = W[cin, k] · gcol[k, nc·lin]
                BLAS.sgemm(m: cin, n: cols, k: k, a: pw, lda: k, b: col[w], ldb: cols, c: xs[w], ldc: cols)
                BatchLayout.toImageMajor(xs[w], gx + c0 * cin * lin, n: nc, c: cin, l: lin, accumulate: !fresh)
            }
            if needW {
                // gW[cin, k] += x[cin, nc·lin] · gcol[k, nc·lin]ᵀ
                BatchLayout.toChannelMajor(px + c0 * cin * lin, xs[w], n: nc, c: cin, l: lin)
                BLAS.sgemm(transB: true, m: cin, n: k, k: cols, a: xs[w], lda: cols, b: col[w], ldb: cols, beta: ch.opensPiece ? 0 : 1, c: gw[ch.piece], ldc: k)
            }
        }
        if needW { weight.addGrad { gw.addAll(into: $0) } }
    }
}
