/// 2-d transposed convolution, PyTorch semantics (the adjoint of conv2d with the same geometry).
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
    let k = geo.k, lin = hin * win, inSize = cin * lin, outSize = cout * ho * wo
    let y = Tensor(uninitializedShape: [n, cout, ho, wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    Parallel.forRanges(n) { range in
        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * lin)
        defer { col.deallocate() }
        for s in range {
            let ys = py + s * outSize
            if let pb { for o in 0..<cout { (ys + o * ho * wo).update(repeating: pb[o], count: ho * wo) } }
            else { ys.update(repeating: 0, count: outSize) }
            // col[k, lin] = Wᵀ[k, cin] · x_s[cin, lin]
            BLAS.sgemm(transA: true, m: k, n: lin, k: cin, a: pw, lda: k, b: px + s * inSize, ldb: lin, c: col, ldc: lin)
            geo.col2im(col, ys)
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { gb in
                for s in 0..<n { for o in 0..<cout { let go = g + s * outSize + o * ho * wo; var acc: Float = 0; for i in 0..<ho * wo { acc += go[i] }; gb[o] += acc } }
            }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        let workers = Parallel.isNested ? 1 : Swift.min(Parallel.threads, n)
        let partials = PartialSums(workers: needW ? workers : 0, count: cin * k)
        let gxPtr: UnsafeMutablePointer<Float>? = needX ? { var p: UnsafeMutablePointer<Float>?; x.addGrad { p = $0 }; return p }() : nil
        Parallel.forEach(workers) { wi in
            let lo = n * wi / workers, hi = n * (wi + 1) / workers
            let col = UnsafeMutablePointer<Float>.allocate(capacity: k * lin)
            defer { col.deallocate() }
            for s in lo..<hi {
                geo.im2col(g + s * outSize, col)
                if let gx = gxPtr {
                    // gx_s[cin, lin] += W[cin, k] · gcol[k, lin]
                    BLAS.sgemm(m: cin, n: lin, k: k, a: pw, lda: k, b: col, ldb: lin, beta: 1, c: gx + s * inSize, ldc: lin)
                }
                if needW {
                    // gW[cin, k] += x_s[cin, lin] · gcol[k, lin]ᵀ
                    BLAS.sgemm(transB: true, m: cin, n: k, k: lin, a: px + s * inSize, lda: lin, b: col, ldb: lin, beta: 1, c: partials.buffers[wi], ldc: k)
                }
            }
        }
        if needW {
            weight.addGrad { partials.reduce(into: $0) }
        }
    }
}
