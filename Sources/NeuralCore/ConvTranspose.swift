/// 2-d transposed convolution, PyTorch semantics (the adjoint of conv2d with the same geometry),
/// lowered like conv2d: one sgemm per chunk of the batch, then col2im.
/// input (N, Cin, H, W), weight (Cin, Cout, kh, kw), bias (Cout) -> (N, Cout, Ho, Wo) with
/// Ho = (H-1)·stride - 2·padding + dilation·(kh-1) + outputPadding + 1.
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                            padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
                            dilation: (Int, Int) = (1, 1)) -> Tensor {
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
    let chunk = BatchLayout.chunk(n: n, floatsPerImage: k * lin)
    let y = Tensor(uninitializedShape: [n, cout, ho, wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    let col = Storage(count: k * chunk * lin), xs = Storage(count: cin * chunk * lin)
    for c0 in Swift.stride(from: 0, to: n, by: chunk) {
        let nc = Swift.min(chunk, n - c0), cols = nc * lin
        BatchLayout.toChannelMajor(px + c0 * cin * lin, xs.pointer, n: nc, c: cin, l: lin)
        // col[k, nc·lin] = Wᵀ[k, cin] · x[cin, nc·lin]
        BLAS.sgemm(transA: true, m: k, n: cols, k: cin, a: pw, lda: k, b: xs.pointer, ldb: cols, c: col.pointer, ldc: cols)
        Parallel.forRanges(nc) { r in
            for s in r {
                let ys = py + (c0 + s) * outSize
                if let pb { for o in 0..<cout { (ys + o * ho * wo).update(repeating: pb[o], count: ho * wo) } }
                else { ys.update(repeating: 0, count: outSize) }
                geo.col2im(col.pointer + s * lin, ys, ld: cols)
            }
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { gb in
                for s in 0..<n { for o in 0..<cout { gb[o] += vectorSum(g + s * outSize + o * ho * wo, ho * wo) } }
            }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        var gw: UnsafeMutablePointer<Float>?, gx: UnsafeMutablePointer<Float>?
        if needW { weight.addGrad { gw = $0 } }
        if needX { x.addGrad { gx = $0 } }
        let col = Storage(count: k * chunk * lin), xs = Storage(count: cin * chunk * lin)
        for c0 in Swift.stride(from: 0, to: n, by: chunk) {
            let nc = Swift.min(chunk, n - c0), cols = nc * lin
            Parallel.forRanges(nc) { r in for s in r { geo.im2col(g + (c0 + s) * outSize, col.pointer + s * lin, ld: cols) } }
            if let gx {
                // gx[cin, nc·lin] = W[cin, k] · gcol[k, nc·lin]
                BLAS.sgemm(m: cin, n: cols, k: k, a: pw, lda: k, b: col.pointer, ldb: cols, c: xs.pointer, ldc: cols)
                BatchLayout.toImageMajor(xs.pointer, gx + c0 * cin * lin, n: nc, c: cin, l: lin, accumulate: true)
            }
            if let gw {
                // gW[cin, k] += x[cin, nc·lin] · gcol[k, nc·lin]ᵀ
                BatchLayout.toChannelMajor(px + c0 * cin * lin, xs.pointer, n: nc, c: cin, l: lin)
                BLAS.sgemm(transB: true, m: cin, n: k, k: cols, a: xs.pointer, lda: cols, b: col.pointer, ldb: cols, beta: 1, c: gw, ldc: k)
            }
        }
    }
}
