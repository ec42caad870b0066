import Require
/// 2-d transposed convolution, PyTorch semantics (the adjoint of conv2d with the same geometry).
/// Forward: every input pixel's contributions by one packed product, then added into the output
/// channel-last (`transposedConvolution`). Backward: the input gradient is the convolution of the
/// output gradient with the same weights, the weight gradient that convolution's with input and
/// output swapped: with 16+ output channels both by conv2d's channel-last kernels, else lowered
/// (im2col of the gradient, sgemm).
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
    require(!relu || !GradMode.isEnabled, "convTranspose2d: the fused ReLU is for inference")
    require(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[0],
                 "convTranspose2d: input \(x.shape) does not fit weight \(weight.shape)")
    ConvGeometry.checkArguments("convTranspose2d", stride: stride, padding: padding, dilation: dilation)
    require(outputPadding.0 >= 0 && outputPadding.1 >= 0
                && outputPadding.0 < Swift.max(stride.0, dilation.0) && outputPadding.1 < Swift.max(stride.1, dilation.1),
            "convTranspose2d: output padding \(outputPadding) must be below stride \(stride) or dilation \(dilation) (PyTorch's rule)")
    let n = x.shape[0], cin = x.shape[1], hin = x.shape[2], win = x.shape[3]
    let cout = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
    let ho = (hin - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
    let wo = (win - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
    require(ho > 0 && wo > 0, "convTranspose2d: output size \(ho)x\(wo) for input \(x.shape)")
    if let bias { checkShape(bias.shape, [cout], "convTranspose2d bias") }
    // The conv whose input is our output and whose output is our input.
    let geo = ConvGeometry(c: cout, h: ho, w: wo, kernel: (kh, kw), stride: stride, padding: padding,
                           dilation: dilation, outputSize: (hin, win))
    let k = geo.k, lin = hin * win, outSize = cout * ho * wo
    let chunk = BatchLayout.chunk(n: n, floatsPerImage: k * lin), workers = BatchLayout.workers(n: n)
    let y = Tensor(uninitializedShape: [n, cout, ho, wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    transposedConvolution(px, weight: pw, bias: pb, into: py, n: n, cin: cin, hin: hin, win: win, cout: cout, geo: geo,
                          relu: relu, accumulate: false)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { BatchLayout.addChannelSums(g, into: $0, n: n, c: cout, l: ho * wo) }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        var gx: UnsafeMutablePointer<Float>?, fresh = false   // fresh: gx is new and not zeroed
        x.writeGrad { p, isNew in gx = p; fresh = isNew }
        if geo.c >= 16 {
            // gx (N, Cin, H, W) (+)= conv(g) with the weight read as a convolution's (Cin, Cout, kh, kw).
            if let gx {
                channelLastForward(g, weight: pw, bias: nil, into: gx, n: n, cout: cin, geo: geo, relu: false, accumulate: !fresh)
            }
            // The convolution g -> x: its weight gradient from input g and output gradient x.
            if needW { channelLastWeightGradient(x: g, g: px, n: n, cout: cin, geo: geo, weight: weight) }
            return
        }
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

/// The transposed convolution y = convT(x) for the geometry `geo` of the convolution it is the
/// adjoint of (ConvTranspose2d's forward, and conv2d's input gradient): x (N, Cin, H, W) with
/// H, W = geo.ho, geo.wo; weight (Cin, Cout, kh, kw); y (N, Cout, geo.h, geo.w) written (+ bias,
/// ReLU if `relu`) or, with `accumulate`, added to.
/// Per worker a few images at a time: colᵀ (nc·H·W, kh·kw·Cout) = xᵀ (nc·H·W, Cin) · W'
/// (Cin, kh·kw·Cout), W' the weight with columns in (tap, out channel) order and packed once for
/// all chunks. Each input pixel's row of colᵀ then adds, tap by tap, a whole vector of Cout
/// values into a channel-last accumulator (nc, Ho, Wo, Cout), written out per channel plane.
/// Sums per output value in (input pixel, tap) order. (Lowered as col = Wᵀ·x and col2im instead,
/// OpenBLAS zeroed and wrote a column matrix too large for the cache, repacked Wᵀ for every
/// chunk, and col2im gathered and scattered by pixels.) With fewer images than threads, runs of
/// input pixels and then of output rows are shared out instead (`byRuns`).
func transposedConvolution(_ px: UnsafePointer<Float>, weight pw: UnsafePointer<Float>, bias pb: UnsafePointer<Float>?,
                           into py: UnsafeMutablePointer<Float>, n: Int, cin: Int, hin: Int, win: Int, cout: Int,
                           geo: ConvGeometry, relu: Bool, accumulate: Bool) {
    let kh = geo.kh, kw = geo.kw, taps = kh * kw, row = taps * cout
    let lin = hin * win, outPlane = geo.h * geo.w
    // W' (Cin, taps·Cout): W'[ci, t·Cout + co] = W[ci, co, t].
    let packed = PackedMatrix(pw, rowOffsets: (0..<cin).map { $0 * row }, colOffsets: (0..<row).map { ($0 % cout) * taps + $0 / cout })
    if let pixelRuns = BatchLayout.ranges(n: n, count: lin, align: 16), let rowRuns = BatchLayout.ranges(n: n, count: geo.h) {
        byRuns(px, packed: packed, bias: pb, into: py, n: n, cin: cin, hin: hin, win: win, cout: cout, geo: geo,
               relu: relu, accumulate: accumulate, pixelRuns: pixelRuns, rowRuns: rowRuns)
        return
    }
    // About 256K floats of colᵀ per chunk (5 of DCGAN's 7x7 images; 1 image made m = 49 rows too few).
    let chunk = Swift.max(1, Swift.min(n, (1 << 18) / Swift.max(1, lin * row))), workers = BatchLayout.workers(n: n)
    let xt = WorkerBuffers(workers: workers, count: chunk * lin * cin), colT = WorkerBuffers(workers: workers, count: chunk * lin * row)
    let acc = WorkerBuffers(workers: workers, count: chunk * outPlane * cout)
    BatchLayout.forEachClaimedChunk(n: n, chunk: chunk) { w, c0, nc in
        let a = xt[w], c = colT[w], out = acc[w]
        for s in 0..<nc { BatchLayout.toChannelLast(px + (c0 + s) * cin * lin, a + s * lin * cin, c: cin, l: lin) }
        packed.multiply(a: a, lda: cin, m: nc * lin, c: c, ldc: row, accumulate: false)
        out.update(repeating: 0, count: nc * outPlane * cout)
        for s in 0..<nc {
            addTaps(c + s * lin * row, into: out + s * outPlane * cout, hin: hin, win: win, cout: cout, geo: geo, rows: 0..<geo.h)
        }
        for s in 0..<nc {
            BatchLayout.fromChannelLast(out + s * outPlane * cout, py + (c0 + s) * cout * outPlane, c: cout, l: outPlane,
                                        bias: pb, relu: relu, accumulate: accumulate)
        }
    }
}

/// transposedConvolution for fewer images than threads, in two passes over shared buffers: runs of
/// input pixels (starting on multiples of 16: the packed product's groups of 4 rows are the whole
/// image's) make their rows of colᵀ; then each run of output rows adds the taps that land in it,
/// in the same order as for the whole image, so every value is the same bits.
private func byRuns(_ px: UnsafePointer<Float>, packed: PackedMatrix, bias pb: UnsafePointer<Float>?,
                    into py: UnsafeMutablePointer<Float>, n: Int, cin: Int, hin: Int, win: Int, cout: Int,
                    geo: ConvGeometry, relu: Bool, accumulate: Bool, pixelRuns: [Range<Int>], rowRuns: [Range<Int>]) {
    let row = geo.kh * geo.kw * cout, lin = hin * win, outPlane = geo.h * geo.w
    let xt = Storage(count: n * lin * cin), colT = Storage(count: n * lin * row), acc = Storage(count: n * outPlane * cout)
    let a = xt.pointer, c = colT.pointer, out = acc.pointer
    Parallel.forEachClaimed(n * pixelRuns.count) { _, u in
        let s = u / pixelRuns.count, run = pixelRuns[u % pixelRuns.count]
        BatchLayout.toChannelLast(px + s * cin * lin, a + s * lin * cin, c: cin, l: lin, pixels: run)
        packed.multiply(a: a + (s * lin + run.lowerBound) * cin, lda: cin, m: run.count,
                        c: c + (s * lin + run.lowerBound) * row, ldc: row, accumulate: false)
    }
    Parallel.forEachClaimed(n * rowRuns.count) { _, u in
        let s = u / rowRuns.count, rows = rowRuns[u % rowRuns.count]
        let image = out + s * outPlane * cout, first = rows.lowerBound * geo.w
        (image + first * cout).update(repeating: 0, count: rows.count * geo.w * cout)
        addTaps(c + s * lin * row, into: image, hin: hin, win: win, cout: cout, geo: geo, rows: rows)
        BatchLayout.fromChannelLast(image + first * cout, py + s * cout * outPlane + first, c: cout, l: rows.count * geo.w,
                                    planeStride: outPlane, bias: pb, relu: relu, accumulate: accumulate)
    }
}

/// acc (Ho, Wo, Cout) of one image += each input pixel's taps from its row of colᵀ (H·W, kh·kw·Cout),
/// for the output rows in `rows` only. Per input row and tap, the run of input pixels whose output
/// column is on the image (ox = ix·sw + j·dw - pw). Taps from the last column down and pixels left
/// to right give each output value its terms in (input pixel, tap) order.
private func addTaps(_ c: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, hin: Int, win: Int, cout: Int,
                     geo: ConvGeometry, rows: Range<Int>) {
    let kh = geo.kh, kw = geo.kw, row = kh * kw * cout
    for iy in 0..<hin {
        for i in 0..<kh {
            let oy = iy * geo.sh - geo.ph + i * geo.dh
            if !rows.contains(oy) { continue }
            for j in stride(from: kw - 1, through: 0, by: -1) {
                let off = j * geo.dw - geo.pw
                let lo = off >= 0 ? 0 : (-off + geo.sw - 1) / geo.sw
                let hi = Swift.min(win, geo.w - 1 - off < 0 ? 0 : (geo.w - 1 - off) / geo.sw + 1)
                if lo >= hi { continue }
                ConvGeometry.addRows(c + (iy * win + lo) * row + (i * kw + j) * cout, row,
                                     out + (oy * geo.w + lo * geo.sw + off) * cout, geo.sw * cout, rows: hi - lo, n: cout)
            }
        }
    }
}
