internal import CKernels

/// Direct convolution with stride 1 and any kernel for inputs of few channels (LeNet's 1 -> 32
/// 5x5), where im2col + sgemm spend more time copying columns and results than multiplying: the
/// padded plane is read as one run of positions, 4 output channels x 3 vectors at a time, and
/// the positions past each row's end are dropped (CKernels, dm_convflat_body.h); the weight
/// gradient likewise (dm_wgradflat_body.h).
enum DirectConvFlat {

    /// Off only in tests that compare it with the im2col path.
    nonisolated(unsafe) static var enabled = true

    /// Floats of flat scratch one image needs; 0 where the kernel does not apply.
    static func scratch(_ geo: ConvGeometry) -> Int {
        Int(dm_kernels_active()!.pointee.conv_flat_scratch(geo.h, geo.w, geo.kh, geo.kw, geo.ph, geo.pw))
    }

    /// Fewer than 16 input channels, stride and dilation 1, and at least 3/4 of the computed
    /// positions kept (wo of every w + 2·pw).
    static func applies(_ geo: ConvGeometry) -> Bool {
        enabled && geo.c < 16 && geo.sh == 1 && geo.sw == 1 && geo.dh == 1 && geo.dw == 1
            && 4 * geo.wo >= 3 * (geo.w + 2 * geo.pw) && scratch(geo) > 0
    }

    /// Whether the weight gradient of n images on `workers` threads goes here: where the forward
    /// does and each call (a piece of the batch, BatchLayout) gets two images or more. LeNet's first
    /// layer, 64 images on 1 thread: 565 against 1,000 us with im2col + sgemm; one image a call
    /// (then 16 threads on 64, now 32): 654 against 584 us, that product small enough for OpenBLAS's
    /// small-matrix kernel (release build, Zen 5, OpenBLAS 0.3.21 SkylakeX).
    static func appliesToWeightGradient(_ geo: ConvGeometry, images n: Int, workers: Int) -> Bool {
        applies(geo) && n >= 2 * BatchLayout.pieces(n: n, workers: workers)
    }

    /// Floats of scratch the weight gradient needs per call (one padded plane per input channel and
    /// the output gradient in rows of the padded width).
    static func weightGradientScratch(_ geo: ConvGeometry, cout: Int) -> Int {
        dm_kernels_active()!.pointee.wgrad_flat_scratch(geo.h, geo.w, geo.kh, geo.kw, geo.ph, geo.pw, geo.c, cout)
    }

    /// gw (Cout, Cin, kh, kw) += the weight gradient of `images` images, x (images, Cin, H, W) and
    /// g (images, Cout, Ho, Wo), in flat mode (where `applies`): per tap and pair of channels one
    /// dot product along the positions, instead of im2col and a thin sgemm (LeNet's first layer:
    /// 32 x 25 outputs, 36,864 positions a batch).
    static func weightGradient(x: UnsafePointer<Float>, g: UnsafePointer<Float>, images: Int, cout: Int, geo: ConvGeometry,
                               gw: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        dm_kernels_active()!.pointee.wgrad_flat(x, g, images, geo.c, cout, geo.h, geo.w, geo.kh, geo.kw, geo.ph, geo.pw, gw, scratch)
    }

    /// weight (Cout, Cin, kh, kw) as [⌈Cout/4⌉][Cin][kh·kw][4] (missing channels zero).
    static func pack(_ w: UnsafePointer<Float>, cout: Int, cin: Int, taps: Int) -> Storage {
        DirectConv3x3.packFours(w, outs: cout, ins: cin, taps: taps, outStride: cin * taps, inStride: taps, reversed: false)
    }

    /// y (outs, Ho, Wo) = conv(x (ins, H, W)) [+ bias] [then ReLU] for one image; `pad` holds the
    /// zero-bordered planes (ins·(H+2ph)·(W+2pw) floats) when the geometry pads, `flat` `scratch(geo)` floats.
    static func image(_ x: UnsafePointer<Float>, outs: Int, geo: ConvGeometry, packed: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>?,
                      flat: UnsafeMutablePointer<Float>, relu: Bool) {
        dm_kernels_active()!.pointee.conv_flat(x, geo.c, outs, geo.h, geo.w, geo.kh, geo.kw, geo.ph, geo.pw, packed, bias, y,
                                               pad, flat, relu ? 1 : 0)
    }
}
