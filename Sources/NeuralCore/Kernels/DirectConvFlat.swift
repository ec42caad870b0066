internal import CKernels

/// Direct convolution with stride 1 and any kernel for inputs of few channels (LeNet's 1 -> 32
/// 5x5), where im2col + sgemm spend more time copying columns and results than multiplying: the
/// padded plane is read as one run of positions, 4 output channels x 3 vectors at a time, and
/// the positions past each row's end are dropped (CKernels, dm_convflat_body.h). Forward only.
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
