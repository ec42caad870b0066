/// Geometry of a 2-d convolution over one image: input (C, H, W) -> output (Ho, Wo) positions,
/// with the column matrix (C·kh·kw, Ho·Wo) that turns it into one sgemm.
struct ConvGeometry {
    let c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo: Int
    var k: Int { c * kh * kw }          // rows of the column matrix
    var l: Int { ho * wo }              // columns of the column matrix

    init(c: Int, h: Int, w: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int),
         outputSize: (Int, Int)? = nil) {
        self.c = c; self.h = h; self.w = w
        (kh, kw) = kernel; (sh, sw) = stride; (ph, pw) = padding; (dh, dw) = dilation
        if let o = outputSize {
            (ho, wo) = o
        } else {
            ho = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1
            wo = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1
        }
    }

    /// col[(c·kh + i)·kw + j, oy·wo + ox] = x[c, oy·sh - ph + i·dh, ox·sw - pw + j·dw] (0 outside).
    /// Rows of col are `ld` floats apart (l for one image; n·l when images sit side by side).
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, ld: Int? = nil) {
        let ld = ld ?? l
        for ci in 0..<c {
            let xc = x + ci * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * ld
                    for oy in 0..<ho {
                        let iy = oy * sh - ph + i * dh
                        let dst = row + oy * wo
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        let src = xc + iy * w
                        let x0 = j * dw - pw
                        if sw == 1 {
                            // Contiguous run: zero the edges, copy the middle.
                            let lo = Swift.min(Swift.max(0, -x0), wo), hi = Swift.max(lo, Swift.min(wo, w - x0))
                            for ox in 0..<lo { dst[ox] = 0 }
                            for ox in lo..<hi { dst[ox] = src[ox + x0] }
                            for ox in hi..<wo { dst[ox] = 0 }
                        } else {
                            for ox in 0..<wo {
                                let ix = ox * sw + x0
                                dst[ox] = (ix >= 0 && ix < w) ? src[ix] : 0
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: x[c, iy, ix] += col[...] for every position that reads it.
    func col2im(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, ld: Int? = nil) {
        let ld = ld ?? l
        for ci in 0..<c {
            let xc = x + ci * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * ld
                    for oy in 0..<ho {
                        let iy = oy * sh - ph + i * dh
                        if iy < 0 || iy >= h { continue }
                        let src = row + oy * wo
                        let dst = xc + iy * w
                        let x0 = j * dw - pw
                        if sw == 1 {
                            let lo = Swift.max(0, -x0), hi = Swift.min(wo, w - x0)
                            if hi > lo { for ox in lo..<hi { dst[ox + x0] += src[ox] } }
                        } else {
                            for ox in 0..<wo {
                                let ix = ox * sw + x0
                                if ix >= 0 && ix < w { dst[ix] += src[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Moves a batch between image-major (N, C, L) and channel-major (C, N·L) layouts, the form in
/// which a whole batch is one sgemm operand.
enum BatchLayout {
    /// dst[c, s·l + i] (+)= src[s, c, i] for s < n.
    static func toChannelMajor(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, n: Int, c: Int, l: Int) {
        Parallel.forRanges(n) { r in
            for s in r { for ch in 0..<c { (dst + ch * n * l + s * l).update(from: src + (s * c + ch) * l, count: l) } }
        }
    }

    /// dst[s, c, i] = src[c, s·l + i] (+ bias[c]), or += when `accumulate`.
    static func toImageMajor(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, n: Int, c: Int, l: Int,
                             bias: UnsafePointer<Float>? = nil, accumulate: Bool = false) {
        Parallel.forRanges(n) { r in
            for s in r {
                for ch in 0..<c {
                    let from = src + ch * n * l + s * l, to = dst + (s * c + ch) * l
                    if accumulate {
                        for i in 0..<l { to[i] += from[i] }
                    } else {
                        let b = bias?[ch] ?? 0
                        for i in 0..<l { to[i] = from[i] + b }
                    }
                }
            }
        }
    }

    /// How many images of a batch go into one sgemm: column buffers up to about 16 MB.
    static func chunk(n: Int, floatsPerImage: Int) -> Int { Swift.max(1, Swift.min(n, (1 << 22) / Swift.max(floatsPerImage, 1))) }
}
