import Require
internal import CKernels

/// Direct 3x3 convolution, stride 1, padding 1 (the "same" convolution of DnCNN-style and VGG-style
/// networks) without im2col: each image is copied into zero-bordered planes, and segments of a
/// row's pixels for 4 output channels are summed in registers over the Cin·9 taps (CKernels).
/// Used for the forward and, with the adjoint weights, for the input gradient.
enum DirectConv3x3 {

    /// Off only in tests that compare it with the im2col path.
    nonisolated(unsafe) static var enabled = true

    /// Whether the direct kernel handles this convolution (rows of at least two vectors).
    static func applies(_ geo: ConvGeometry) -> Bool {
        enabled && geo.kh == 3 && geo.kw == 3 && geo.sh == 1 && geo.sw == 1 && geo.ph == 1 && geo.pw == 1
            && geo.dh == 1 && geo.dw == 1 && dm_kernels_active()!.pointee.conv3x3_applies(geo.w) != 0
    }

    /// Whether `weightGradient` handles it too: every width the forward takes, since the kernel
    /// runs along flat rows of W+2 (AudioCNN's 50 and 25 as well; with part vectors at the end of
    /// each row they had measured slower than im2col + sgemm).
    static func appliesToWeightGradient(_ geo: ConvGeometry) -> Bool {
        applies(geo) && dm_kernels_active()!.pointee.conv3x3_weight_grad_applies(geo.w) != 0
    }

    /// Parts each image's output channels are cut into: 1 when the batch gives every thread an
    /// image, else enough that n·parts covers the threads (whole groups of 4 channels each).
    static func parts(n: Int, cout: Int) -> Int {
        let threads = Parallel.isNested ? 1 : Parallel.threads
        return n >= threads ? 1 : Swift.min((cout + 3) / 4, (threads + n - 1) / n)
    }

    /// Output channels of part `part` of `parts`: a range starting on a multiple of 4 (a packed group).
    static func channels(part: Int, of parts: Int, cout: Int) -> Range<Int> {
        let groups = (cout + 3) / 4
        return Swift.min(cout, part * groups / parts * 4)..<Swift.min(cout, (part + 1) * groups / parts * 4)
    }

    /// weight (Cout, Cin, 3, 3) as [⌈Cout/4⌉][Cin][9][4] (missing channels zero).
    static func pack(_ w: UnsafePointer<Float>, cout: Int, cin: Int) -> Storage {
        packFours(w, outs: cout, ins: cin, taps: 9, outStride: cin * 9, inStride: 9, reversed: false)
    }

    /// The adjoint's weights packed the same way: the input gradient of a 3x3 "same" convolution is
    /// the 3x3 "same" convolution of the output gradient with W'[ci, co, i, j] = W[co, ci, 2-i, 2-j].
    static func packAdjoint(_ w: UnsafePointer<Float>, cout: Int, cin: Int) -> Storage {
        packFours(w, outs: cin, ins: cout, taps: 9, outStride: 9, inStride: cin * 9, reversed: true)
    }

    /// [⌈outs/4⌉][ins][taps][4] with element (o, i, t) = w[o·outStride + i·inStride + t] (taps in
    /// reverse when `reversed`), channels past `outs` zero; groups of 4 outputs across threads
    /// (cifar_cnn's 128x64 layer: 35 us a call on one).
    static func packFours(_ w: UnsafePointer<Float>, outs: Int, ins: Int, taps: Int, outStride: Int, inStride: Int,
                          reversed: Bool) -> Storage {
        let groups = (outs + 3) / 4, per = ins * taps * 4
        let s = Storage(count: groups * per), ps = s.pointer
        // A float here costs a scattered read and write, 1.5 ns: 1K floats a chunk (dncnn8's 32x32
        // layer, 8 groups of 1,152, went to 2 threads of 16).
        Parallel.forRanges(groups, minPerChunk: Swift.max(1, 1024 / Swift.max(per, 1))) { gs in
            for q in gs {
                let dst = ps + q * per
                if (q + 1) * 4 > outs { dst.update(repeating: 0, count: per) }
                for o in (q * 4)..<Swift.min(outs, q * 4 + 4) {
                    for i in 0..<ins {
                        let src = w + o * outStride + i * inStride, row = dst + i * taps * 4 + o % 4
                        for t in 0..<taps { row[t * 4] = src[reversed ? taps - 1 - t : t] }
                    }
                }
            }
        }
        return s
    }

    /// Floats of `image`'s `pad`: the ins zero-bordered planes (H+2)·(W+2), then 4 planes' worth of
    /// scratch for the rows the kernel computes as one run (widths whose vectors would leave lanes idle).
    static func padCount(ins: Int, h: Int, w: Int) -> Int { (ins + 4) * (h + 2) * (w + 2) }

    /// Zeroes what `image` and `weightGradient` need zero in their scratch and never write: the
    /// border of each of the `planes` padded planes (H+2, W+2) at its start, and `after` floats
    /// following them. Their interiors are each image's copy, the rest the kernels' own output.
    /// (DnCNN's training step cut for 16 threads: 6.3 ms zeroing 23 scratch buffers whole, one per
    /// worker each, 3.5 ms their borders alone, which still touch 4 of every 10 cache lines.)
    static func clearBorders(_ pad: UnsafeMutablePointer<Float>, planes: Int, h: Int, w: Int, after: Int = 0) {
        let pw = w + 2, plane = (h + 2) * pw
        for c in 0..<planes {
            let p = pad + c * plane
            p.update(repeating: 0, count: pw + 1)                                       // top row, row 1's left
            for r in 1..<(h + 1) { p[r * pw + pw - 1] = 0; p[r * pw + pw] = 0 }         // row r's right, r+1's left
            (p + (h + 1) * pw).update(repeating: 0, count: pw)                          // bottom row
        }
        (pad + planes * plane).update(repeating: 0, count: after)
    }

    /// y (outs, H, W) = conv(x (ins, H, W)) [+ bias] for one image, or y += conv(x) when
    /// `accumulate`; `pad` holds `padCount(ins:h:w:)` floats, its planes' border zero.
    static func image(_ x: UnsafePointer<Float>, ins: Int, outs: Int, h: Int, w: Int, packed: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>,
                      accumulate: Bool = false, relu: Bool = false) {
        dm_kernels_active()!.pointee.conv3x3(x, ins, outs, h, w, packed, bias, y, pad, accumulate ? 1 : 0, relu ? 1 : 0)
    }

    /// gw (outs, ins, 3, 3) += Σ over pixels of g (outs, H, W) times x (ins, H, W) shifted by each
    /// tap, for one image: gw[o, i, dy, dx] = Σ_{r,c} g[o, r, c]·xpad[i, r+dy, c+dx]
    /// (`appliesToWeightGradient` widths); `pad` holds `weightGradientScratch` floats, the border of
    /// its ins planes and 16 floats after them zero (`clearBorders`); the kernel keeps them so.
    static func weightGradient(x: UnsafePointer<Float>, g: UnsafePointer<Float>, ins: Int, outs: Int, h: Int, w: Int,
                               gw: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>) {
        let kernels = dm_kernels_active()!.pointee
        require(kernels.conv3x3_weight_grad_applies(w) != 0, "DirectConv3x3.weightGradient: width \(w) is not handled")
        kernels.conv3x3_weight_grad(x, g, ins, outs, h, w, gw, pad)
    }

    /// Floats of `weightGradient`'s scratch: x in zero-bordered planes, g in rows of width W+2.
    static func weightGradientScratch(ins: Int, outs: Int, h: Int, w: Int) -> Int {
        dm_kernels_active()!.pointee.conv3x3_weight_grad_scratch(ins, outs, h, w)
    }
}
