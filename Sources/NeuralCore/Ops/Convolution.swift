import Require
/// 2-d convolution (cross-correlation), PyTorch semantics. Each worker takes a share of the batch
/// and lowers a few images at a time with im2col into a cache-sized column matrix
/// (K = Cin·kh·kw rows, images·Ho·Wo columns) that one sgemm multiplies.
/// input (N, Cin, H, W), weight (Cout, Cin, kh, kw), bias (Cout) -> (N, Cout, Ho, Wo).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: false)
}

/// conv2d followed by ReLU in the same pass over the output, for inference: with a graph to
/// record it is the two ops.
public func conv2dReLU(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                       stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) -> Tensor {
    let recording = GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false))
    if recording { return conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation).relu() }
    return conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, relu: true)
}

private func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int),
                    dilation: (Int, Int), relu: Bool) -> Tensor {
    require(x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[1],
                 "conv2d: input \(x.shape) does not fit weight \(weight.shape)")
    ConvGeometry.checkArguments("conv2d", stride: stride, padding: padding, dilation: dilation)
    let n = x.shape[0], cout = weight.shape[0]
    let geo = ConvGeometry(c: x.shape[1], h: x.shape[2], w: x.shape[3], kernel: (weight.shape[2], weight.shape[3]),
                           stride: stride, padding: padding, dilation: dilation)
    require(geo.ho > 0 && geo.wo > 0, "conv2d: input \(x.shape) too small for kernel \(weight.shape)")
    if let bias { checkShape(bias.shape, [cout], "conv2d bias") }
    let k = geo.k, l = geo.l, inSize = geo.c * geo.h * geo.w
    let chunk = BatchLayout.chunk(n: n, floatsPerImage: k * l), workers = BatchLayout.workers(n: n)
    let y = Tensor(uninitializedShape: [n, cout, geo.ho, geo.wo])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    let pb = bias?.storage.pointer
    // 3x3 "same" convolutions with rows of 16+ pixels: the direct kernel, in training too. Its sums
    // round differently from im2col + sgemm (1e-6 relative), which can move a batch-norm output
    // lying within rounding of 0 across a ReLU kink; the model parity tests allow for that.
    if DirectConv3x3.applies(geo) {
        let packed = DirectConv3x3.pack(pw, cout: cout, cin: geo.c)
        // Fewer images than threads (one picture at inference): each image's output channels are
        // shared out in groups of 4 as well, every part reading the whole input.
        let parts = DirectConv3x3.parts(n: n, cout: cout)
        let pad = WorkerBuffers(workers: BatchLayout.workers(n: n * parts), count: DirectConv3x3.padCount(ins: geo.c, h: geo.h, w: geo.w)) {
            DirectConv3x3.clearBorders($0, planes: geo.c, h: geo.h, w: geo.w)
        }
        Parallel.forEachClaimed(n * parts) { w, c in
            let i = c / parts, part = DirectConv3x3.channels(part: c % parts, of: parts, cout: cout)
            DirectConv3x3.image(px + i * inSize, ins: geo.c, outs: part.count, h: geo.h, w: geo.w,
                                packed: packed.pointer + part.lowerBound * geo.c * 9, bias: pb.map { $0 + part.lowerBound },
                                y: py + (i * cout + part.lowerBound) * l, pad: pad[w], relu: relu)
        }
    } else if DirectConvFlat.applies(geo) {
        let packed = DirectConvFlat.pack(pw, cout: cout, cin: geo.c, taps: geo.kh * geo.kw)
        let parts = DirectConv3x3.parts(n: n, cout: cout), workers = BatchLayout.workers(n: n * parts)
        let padded = geo.ph > 0 || geo.pw > 0
        let pad = WorkerBuffers(workers: padded ? workers : 0, count: geo.c * geo.paddedH * geo.paddedW, zeroed: true)
        let flat = WorkerBuffers(workers: workers, count: DirectConvFlat.scratch(geo))
        Parallel.forEachClaimed(n * parts) { w, c in
            let i = c / parts, part = DirectConv3x3.channels(part: c % parts, of: parts, cout: cout)
            DirectConvFlat.image(px + i * inSize, outs: part.count, geo: geo, packed: packed.pointer + part.lowerBound * geo.c * geo.kh * geo.kw,
                                 bias: pb.map { $0 + part.lowerBound }, y: py + (i * cout + part.lowerBound) * l,
                                 pad: padded ? pad[w] : nil, flat: flat[w], relu: relu)
        }
    } else if geo.c >= 16 {
        channelLastForward(px, weight: pw, bias: pb, into: py, n: n, cout: cout, geo: geo, relu: relu)
    } else {
        let col = WorkerBuffers(workers: workers, count: k * chunk * l), tmp = WorkerBuffers(workers: workers, count: cout * chunk * l)
        BatchLayout.forEachClaimedChunk(n: n, chunk: chunk) { w, c0, nc in
            let cols = nc * l
            for s in 0..<nc { geo.im2col(px + (c0 + s) * inSize, col[w] + s * l, ld: cols) }
            // tmp[cout, nc·l] = W[cout, k] · col[k, nc·l]
            BLAS.sgemm(m: cout, n: cols, k: k, a: pw, lda: k, b: col[w], ldb: cols, c: tmp[w], ldc: cols)
            BatchLayout.toImageMajor(tmp[w], py + c0 * cout * l, n: nc, c: cout, l: l, bias: pb, relu: relu)
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        if let bias, bias.requiresGrad {
            bias.addGrad { BatchLayout.addChannelSums(g, into: $0, n: n, c: cout, l: l) }
        }
        let needW = weight.requiresGrad, needX = x.requiresGrad
        if !needW && !needX { return }
        var gx: UnsafeMutablePointer<Float>?, fresh = false   // fresh: gx is new and not zeroed
        x.writeGrad { p, isNew in gx = p; fresh = isNew }
        // 3x3 "same": the input gradient is a direct 3x3 convolution of g with the adjoint weights,
        // and the weight gradient is summed directly from g and the padded input.
        let direct = gx != nil && DirectConv3x3.applies(geo), directW = needW && DirectConv3x3.appliesToWeightGradient(geo)
        // Few input channels, stride 1: the weight gradient in flat mode, as the forward.
        let flatW = needW && !directW && DirectConvFlat.appliesToWeightGradient(geo, images: n, workers: workers)
        let lowered = needW && !directW && !flatW
        // 16+ input channels: channel-last (channelLastWeightGradient), in a pass of its own.
        let channelLastW = lowered && geo.c >= 16
        let loweredW = lowered && !channelLastW
        if channelLastW { channelLastWeightGradient(x: px, g: g, n: n, cout: cout, geo: geo, weight: weight) }
        let col = WorkerBuffers(workers: loweredW ? workers : 0, count: k * chunk * l)
        let gy = WorkerBuffers(workers: loweredW ? workers : 0, count: cout * chunk * l)
        let gw = WorkerBuffers(workers: needW && !channelLastW ? BatchLayout.pieces(n: n, workers: workers) : 0, count: cout * k)
        let adjoint = direct ? DirectConv3x3.packAdjoint(pw, cout: cout, cin: geo.c) : nil
        let pad = WorkerBuffers(workers: direct ? workers : 0, count: DirectConv3x3.padCount(ins: cout, h: geo.h, w: geo.w)) {
            DirectConv3x3.clearBorders($0, planes: cout, h: geo.h, w: geo.w)
        }
        let padX = WorkerBuffers(workers: directW ? workers : 0,
                                 count: directW ? DirectConv3x3.weightGradientScratch(ins: geo.c, outs: cout, h: geo.h, w: geo.w) : 0) {
            DirectConv3x3.clearBorders($0, planes: geo.c, h: geo.h, w: geo.w, after: 16)
        }
        let flatScratch = WorkerBuffers(workers: flatW ? workers : 0, count: flatW ? DirectConvFlat.weightGradientScratch(geo, cout: cout) : 0)
        // Per chunk of images: the weight gradient's pieces (not channel-last) and the direct input gradient.
        if directW || flatW || loweredW || adjoint != nil {
            BatchLayout.forEachChunk(n: n, chunk: chunk, workers: workers) { ch in
                let w = ch.worker, c0 = ch.first, nc = ch.count
                let cols = nc * l
                if loweredW { BatchLayout.toChannelMajor(g + c0 * cout * l, gy[w], n: nc, c: cout, l: l) }
                if directW {
                    if ch.opensPiece { gw[ch.piece].update(repeating: 0, count: cout * k) }
                    for s in c0..<(c0 + nc) {
                        DirectConv3x3.weightGradient(x: px + s * inSize, g: g + s * cout * l, ins: geo.c, outs: cout, h: geo.h, w: geo.w,
                                                     gw: gw[ch.piece], pad: padX[w])
                    }
                } else if flatW {
                    if ch.opensPiece { gw[ch.piece].update(repeating: 0, count: cout * k) }
                    DirectConvFlat.weightGradient(x: px + c0 * inSize, g: g + c0 * cout * l, images: nc, cout: cout, geo: geo,
                                                  gw: gw[ch.piece], scratch: flatScratch[w])
                } else if loweredW {
                    for s in 0..<nc { geo.im2col(px + (c0 + s) * inSize, col[w] + s * l, ld: cols) }
                    // gW[cout, k] += gy[cout, nc·l] · col[k, nc·l]ᵀ
                    BLAS.sgemm(transB: true, m: cout, n: k, k: cols, a: gy[w], lda: cols, b: col[w], ldb: cols, beta: ch.opensPiece ? 0 : 1, c: gw[ch.piece], ldc: k)
                }
                if let gx, let adjoint {
                    for s in c0..<(c0 + nc) {
                        DirectConv3x3.image(g + s * cout * l, ins: cout, outs: geo.c, h: geo.h, w: geo.w, packed: adjoint.pointer,
                                            bias: nil, y: gx + s * inSize, pad: pad[w], accumulate: !fresh)
                    }
                }
            }
        }
        // Otherwise the input gradient is the transposed convolution of g with the same weights.
        if let gx, !direct {
            transposedConvolution(g, weight: pw, bias: nil, into: gx, n: n, cin: cout, hin: geo.ho, win: geo.wo, cout: geo.c,
                                  geo: geo, relu: false, accumulate: !fresh)
        }
        if needW && !channelLastW { weight.addGrad { gw.addAll(into: $0) } }
    }
}

/// weight's gradient (Cout, Cin, kh, kw) += that of the convolution of geometry `geo` (16+ input
/// channels) for input x (N, Cin, H, W) and output gradient g (N, Cout, Ho, Wo): per worker a few
/// images at a time, colᵀ gathered channel-last (Cin contiguous floats per tap, not im2col's short
/// strided rows) into a packed product, gw'[Cout, taps·Cin] += gy[Cout, nc·Ho·Wo] · colᵀ, per piece
/// of the batch; the pieces summed in order and reordered to (Cout, Cin, kh, kw).
func channelLastWeightGradient(x px: UnsafePointer<Float>, g: UnsafePointer<Float>, n: Int, cout: Int, geo: ConvGeometry,
                               weight: Tensor) {
    let k = geo.k, l = geo.l, inSize = geo.c * geo.h * geo.w
    // About 128K floats of packed colᵀ a chunk (LeNet's second layer: 2 images, 400 KB), read by
    // the product while still in L2; at im2col's 2 MB (10 images) it came from further out
    // (lenet training 121.6 -> 124.9 steps/s).
    let chunk = Swift.max(1, Swift.min(n, (1 << 17) / Swift.max(1, k * l))), workers = BatchLayout.workers(n: n)
    let xt = WorkerBuffers(workers: workers, count: geo.paddedCount * chunk,
                           prepare: geo.ph > 0 ? { geo.clearPaddedRows($0, images: chunk) } : nil)
    let taps = WorkerPointers(workers: workers, count: chunk * l * geo.segments)
    let gy = WorkerBuffers(workers: workers, count: cout * chunk * l)
    let gw = WorkerBuffers(workers: BatchLayout.pieces(n: n, workers: workers), count: cout * k)
    BatchLayout.forEachChunk(n: n, chunk: chunk, workers: workers) { ch in
        let w = ch.worker, c0 = ch.first, nc = ch.count, cols = nc * l
        BatchLayout.toChannelMajor(g + c0 * cout * l, gy[w], n: nc, c: cout, l: l)
        let a = xt[w], image = geo.paddedCount
        for s in 0..<nc {
            geo.toPaddedChannelLast(px + (c0 + s) * inSize, a + s * image)
            geo.tapRows(a + s * image, pixels: 0..<l, into: taps[w] + s * l * geo.segments)
        }
        // colᵀ (nc·l, taps·Cin), packed; gw'[cout, taps·Cin] += gy[cout, nc·l] · colᵀ
        let b = PackedMatrix(rows: cols, segments: taps[w], count: geo.segments, length: geo.segmentLength)
        b.multiply(a: gy[w], lda: cols, m: cout, c: gw[ch.piece], ldc: k, accumulate: !ch.opensPiece)
    }
    weight.addGrad { dst in
        // The pieces summed in order, (Cout, taps, Cin) -> (Cout, Cin, kh, kw), output channels
        // across threads. A range of output channels is one contiguous run of every piece:
        // summed run by run (32 pieces at 16 threads: read one at a time, not 32 interleaved).
        let taps = geo.kh * geo.kw, cin = geo.c, per = taps * cin, pieces = gw.pointers
        defer { withExtendedLifetime(gw) {} }   // pieces point into it
        Parallel.forRanges(cout) { r in
            let count = r.count * per, buffer = Storage(count: count, repeating: 0), sum = buffer.pointer   // pooled
            defer { withExtendedLifetime(buffer) {} }
            for p in pieces {
                let run = UnsafePointer(p + r.lowerBound * per)
                for i in 0..<count { sum[i] += run[i] }
            }
            for co in r {
                let src = sum + (co - r.lowerBound) * per, out = dst + co * per
                for t in 0..<taps { for ci in 0..<cin { out[ci * taps + t] += src[t * cin + ci] } }
            }
        }
    }
}

/// The forward outside the direct path, per worker a few images at a time, channel-last: each
/// output pixel's row of colᵀ (nc·Ho·Wo, kh·kw·Cin) holds its taps' input pixels (Cin contiguous
/// floats each, zeros off the image), times W' (kh·kw·Cin, Cout) packed once for all chunks:
/// yᵀ (nc·Ho·Wo, Cout), written out per channel plane with the bias and, if `relu`, max(·, 0).
/// colᵀ is never copied: its rows are runs of the padded channel-last images, read in place
/// through pointers (`ConvTapRows.swift`). With fewer images than threads, each image's output
/// pixels are shared out in runs instead (`byPixels`). With `accumulate`, y += the convolution
/// (a transposed convolution's input gradient).
func channelLastForward(_ px: UnsafePointer<Float>, weight pw: UnsafePointer<Float>, bias pb: UnsafePointer<Float>?,
                        into py: UnsafeMutablePointer<Float>, n: Int, cout: Int, geo: ConvGeometry, relu: Bool,
                        accumulate: Bool = false) {
    let cin = geo.c, taps = geo.kh * geo.kw, kk = taps * cin, lin = geo.h * geo.w, l = geo.l
    // W' (taps·Cin, Cout): W'[t·Cin + ci, co] = W[co, ci, t].
    let packed = PackedMatrix(convolutionWeight: pw, cout: cout, cin: cin, taps: taps)
    let image = geo.paddedCount, segs = geo.segments
    if let runs = BatchLayout.ranges(n: n, count: l, align: 16) {
        byPixels(px, packed: packed, bias: pb, into: py, n: n, cout: cout, geo: geo, relu: relu, accumulate: accumulate, runs: runs)
        return
    }
    // About 128K floats of colᵀ's size per chunk.
    let chunk = Swift.max(1, Swift.min(n, (1 << 17) / Swift.max(1, l * kk))), workers = BatchLayout.workers(n: n)
    let xt = WorkerBuffers(workers: workers, count: chunk * image, prepare: geo.ph > 0 ? { geo.clearPaddedRows($0, images: chunk) } : nil)
    let yt = WorkerBuffers(workers: workers, count: chunk * l * cout)
    let rows = WorkerPointers(workers: workers, count: chunk * l * segs)
    BatchLayout.forEachClaimedChunk(n: n, chunk: chunk) { w, c0, nc in
        let a = xt[w], out = yt[w]
        for s in 0..<nc {
            geo.toPaddedChannelLast(px + (c0 + s) * cin * lin, a + s * image)
            geo.tapRows(a + s * image, pixels: 0..<l, into: rows[w] + s * l * segs)
        }
        packed.multiply(rows: rows[w], segments: segs, length: geo.segmentLength, m: nc * l, c: out, ldc: cout, accumulate: false)
        for s in 0..<nc {
            BatchLayout.fromChannelLast(out + s * l * cout, py + (c0 + s) * cout * l, c: cout, l: l, bias: pb, relu: relu,
                                        accumulate: accumulate)
        }
    }
}

/// channelLastForward for fewer images than threads: the images go channel-last whole, then each
/// run of output pixels (starting on a multiple of 16, so the packed product's groups of 4 rows
/// are those of the whole image and every value rounds as it would there) is multiplied and
/// written out by whichever thread claims it.
private func byPixels(_ px: UnsafePointer<Float>, packed: PackedMatrix, bias pb: UnsafePointer<Float>?,
                      into py: UnsafeMutablePointer<Float>, n: Int, cout: Int, geo: ConvGeometry, relu: Bool, accumulate: Bool,
                      runs: [Range<Int>]) {
    let cin = geo.c, lin = geo.h * geo.w, l = geo.l, image = geo.paddedCount, segs = geo.segments
    let xt = Storage(count: n * image), a = xt.pointer
    if geo.ph > 0 { Parallel.forEach(n) { s in geo.clearPaddedRows(a + s * image, images: 1) } }
    let inRuns = BatchLayout.ranges(n: n, count: geo.h) ?? [0..<geo.h]
    Parallel.forEach(n * inRuns.count) { u in
        let s = u / inRuns.count
        geo.toPaddedChannelLast(px + s * cin * lin, a + s * image, rows: inRuns[u % inRuns.count])
    }
    let longest = runs.map(\.count).max() ?? 0, workers = BatchLayout.workers(n: n * runs.count)
    let yt = WorkerBuffers(workers: workers, count: longest * cout)
    let rows = WorkerPointers(workers: workers, count: longest * segs)
    Parallel.forEachClaimed(n * runs.count) { w, u in
        let s = u / runs.count, run = runs[u % runs.count]
        geo.tapRows(a + s * image, pixels: run, into: rows[w])
        packed.multiply(rows: rows[w], segments: segs, length: geo.segmentLength, m: run.count, c: yt[w], ldc: cout, accumulate: false)
        BatchLayout.fromChannelLast(yt[w], py + s * cout * l + run.lowerBound, c: cout, l: run.count, planeStride: l,
                                    bias: pb, relu: relu, accumulate: accumulate)
    }
}
