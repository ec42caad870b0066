/// 2-d convolution (cross-correlation), PyTorch semantics, im2col + sgemm per image.
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
    let k = geo.k, l = geo.l, inSize = geo.c * geo.h * geo.w, outSize = cout * l
    let y = Tensor(uninitializedShape: [n, cout, geo.ho, geo.wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    Parallel.forRanges(n) { range in
        let col = UnsafeMutablePointer<Float>.allocate(capacity: k * l)
        defer { col.deallocate() }
        for s in range {
            let ys = py + s * outSize
            if let pb { for o in 0..<cout { (ys + o * l).update(repeating: pb[o], count: l) } }
            geo.im2col(px + s * inSize, col)
            BLAS.sgemm(m: cout, n: l, k: k, a: pw, lda: k, b: col, ldb: l, beta: pb == nil ? 0 : 1, c: ys, ldc: l)
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { gb in
                for s in 0..<n { for o in 0..<cout { let go = g + s * outSize + o * l; var acc: Float = 0; for i in 0..<l { acc += go[i] }; gb[o] += acc } }
            }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        let workers = Parallel.isNested ? 1 : Swift.min(Parallel.threads, n)
        let partials = PartialSums(workers: needW ? workers : 0, count: cout * k)
        let gxPtr: UnsafeMutablePointer<Float>? = needX ? { var p: UnsafeMutablePointer<Float>?; x.addGrad { p = $0 }; return p }() : nil
        Parallel.forEach(workers) { wi in
            let lo = n * wi / workers, hi = n * (wi + 1) / workers
            let col = UnsafeMutablePointer<Float>.allocate(capacity: k * l)
            defer { col.deallocate() }
            for s in lo..<hi {
                let gs = g + s * outSize
                if needW {
                    geo.im2col(px + s * inSize, col)
                    // gW[cout, k] += g_s[cout, l] · col[k, l]ᵀ
                    BLAS.sgemm(transB: true, m: cout, n: k, k: l, a: gs, lda: l, b: col, ldb: l, beta: 1, c: partials.buffers[wi], ldc: k)
                }
                if let gx = gxPtr {
                    // gcol[k, l] = Wᵀ[k, cout] · g_s[cout, l]
                    BLAS.sgemm(transA: true, m: k, n: l, k: cout, a: pw, lda: k, b: gs, ldb: l, c: col, ldc: l)
                    geo.col2im(col, gx + s * inSize)
                }
            }
        }
        if needW {
            weight.addGrad { partials.reduce(into: $0) }
        }
    }
}
