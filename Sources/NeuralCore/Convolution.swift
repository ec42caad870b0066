/// 2-d convolution (cross-correlation), PyTorch semantics. The batch is lowered with im2col into
/// one column matrix (K = Cin·kh·kw rows, N·Ho·Wo columns, in chunks of about 16 MB) so each
/// chunk is a single sgemm.
/// input (N, Cin, H, W), weight (Cout, Cin, kh, kw), bias (Cout) -> (N, Cout, Ho, Wo).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[1],
                 "conv2d: input \(x.shape) does not fit weight \(weight.shape)")
    let n = x.shape[0], cout = weight.shape[0]
    let geo = ConvGeometry(c: x.shape[1], h: x.shape[2], w: x.shape[3], kernel: (weight.shape[2], weight.shape[3]),
                           stride: stride, padding: padding, dilation: dilation)
    precondition(geo.ho > 0 && geo.wo > 0, "conv2d: input \(x.shape) too small for kernel \(weight.shape)")
    if let bias { checkShape(bias.shape, [cout], "conv2d bias") }
    let k = geo.k, l = geo.l, inSize = geo.c * geo.h * geo.w
    let chunk = BatchLayout.chunk(n: n, floatsPerImage: k * l)
    let y = Tensor(uninitializedShape: [n, cout, geo.ho, geo.wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    let col = Storage(count: k * chunk * l), tmp = Storage(count: cout * chunk * l)
    for c0 in Swift.stride(from: 0, to: n, by: chunk) {
        let nc = Swift.min(chunk, n - c0), cols = nc * l
        Parallel.forRanges(nc) { r in for s in r { geo.im2col(px + (c0 + s) * inSize, col.pointer + s * l, ld: cols) } }
        // tmp[cout, nc·l] = W[cout, k] · col[k, nc·l]
        BLAS.sgemm(m: cout, n: cols, k: k, a: pw, lda: k, b: col.pointer, ldb: cols, c: tmp.pointer, ldc: cols)
        BatchLayout.toImageMajor(tmp.pointer, py + c0 * cout * l, n: nc, c: cout, l: l, bias: pb)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { gb in
                for s in 0..<n { for o in 0..<cout { gb[o] += vectorSum(g + (s * cout + o) * l, l) } }
            }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        var gw: UnsafeMutablePointer<Float>?, gx: UnsafeMutablePointer<Float>?
        if needW { weight.addGrad { gw = $0 } }
        if needX { x.addGrad { gx = $0 } }
        let col = Storage(count: k * chunk * l), gy = Storage(count: cout * chunk * l)
        for c0 in Swift.stride(from: 0, to: n, by: chunk) {
            let nc = Swift.min(chunk, n - c0), cols = nc * l
            BatchLayout.toChannelMajor(g + c0 * cout * l, gy.pointer, n: nc, c: cout, l: l)
            if let gw {
                Parallel.forRanges(nc) { r in for s in r { geo.im2col(px + (c0 + s) * inSize, col.pointer + s * l, ld: cols) } }
                // gW[cout, k] += gy[cout, nc·l] · col[k, nc·l]ᵀ
                BLAS.sgemm(transB: true, m: cout, n: k, k: cols, a: gy.pointer, lda: cols, b: col.pointer, ldb: cols, beta: 1, c: gw, ldc: k)
            }
            if let gx {
                // gcol[k, nc·l] = Wᵀ[k, cout] · gy[cout, nc·l], folded back image by image.
                BLAS.sgemm(transA: true, m: k, n: cols, k: cout, a: pw, lda: k, b: gy.pointer, ldb: cols, c: col.pointer, ldc: cols)
                Parallel.forRanges(nc) { r in for s in r { geo.col2im(col.pointer + s * l, gx + (c0 + s) * inSize, ld: cols) } }
            }
        }
    }
}
