internal import CKernels

/// 2x2 max pooling with stride 2 over one (H, W) plane in the active kernel set: the values, the
/// index iy·W + ix of each window's first maximum, and the backward that writes every window
/// whole (so a fresh gradient needs no zeroing unless H or W is odd).
enum MaxPool2x2 {
    /// y (H/2, W/2); argmax (H/2, W/2) when given.
    static func forward(_ x: UnsafePointer<Float>, h: Int, w: Int, into y: UnsafeMutablePointer<Float>,
                        argmax: UnsafeMutablePointer<Int32>?) {
        dm_kernels_active()!.pointee.max_pool2(x, h, w, y, argmax)
    }

    /// gx (H, W): g at each window's argmax, 0 at its other places, or added when `accumulate`.
    /// A last odd row or column is not written.
    static func backward(_ g: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, h: Int, w: Int,
                         into gx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        dm_kernels_active()!.pointee.max_pool2_backward(g, argmax, h, w, gx, accumulate ? 1 : 0)
    }
}
