internal import CKernels
import Require
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

    /// Stops with a message naming `op` unless stride and dilation are positive and padding is not
    /// negative (a stride of 0 divided by zero in the output size).
    static func checkArguments(_ op: String, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) {
        require(stride.0 >= 1 && stride.1 >= 1 && dilation.0 >= 1 && dilation.1 >= 1 && padding.0 >= 0 && padding.1 >= 0,
                "\(op): stride \(stride) and dilation \(dilation) must be positive, padding \(padding) not negative")
    }

    /// Outputs o in [lo, hi) whose input position o·stride + offset lies in 0..<size, for the
    /// kernel tap's offset (i·dh - ph for rows, j·dw - pw for columns).
    @inline(__always)
    static func validRange(offset: Int, stride: Int, size: Int, outputs: Int) -> (Int, Int) {
        let lo = Swift.min(outputs, offset >= 0 ? 0 : (-offset + stride - 1) / stride)
        let hi = Swift.max(lo, Swift.min(outputs, offset >= size ? 0 : (size - offset + stride - 1) / stride))
        return (lo, hi)
    }

    @inline(__always) func validRows(_ i: Int) -> (Int, Int) { Self.validRange(offset: i * dh - ph, stride: sh, size: h, outputs: ho) }
    @inline(__always) func validColumns(_ j: Int) -> (Int, Int) { Self.validRange(offset: j * dw - pw, stride: sw, size: w, outputs: wo) }

    /// col[(c·kh + i)·kw + j, oy·wo + ox] = x[c, oy·sh - ph + i·dh, ox·sw - pw + j·dw] (0 outside).
    /// Rows of col are `ld` floats apart (l for one image; n·l when images sit side by side).
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, ld: Int? = nil) {
        let ld = ld ?? l
        if halvesEvenPlanes { return im2colByPhases(x, col, ld: ld) }
        for ci in 0..<c {
            let xc = x + ci * h * w
            for i in 0..<kh {
                let (oyLo, oyHi) = validRows(i)
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * ld
                    if sh == 1 && sw == 1 && wo == w {
                        copyShiftedPlane(xc, row, i: i, j: j)
                        continue
                    }
                    let (lo, hi) = validColumns(j)
                    let x0 = j * dw - pw
                    if oyLo > 0 { row.update(repeating: 0, count: oyLo * wo) }
                    if oyHi < ho { (row + oyHi * wo).update(repeating: 0, count: (ho - oyHi) * wo) }
                    if sw == 1 && lo == 0 && hi == wo {
                        // Whole rows valid (no column padding for this tap): strided row copies.
                        Self.copyRows(xc + (oyLo * sh - ph + i * dh) * w + x0, sh * w, row + oyLo * wo, wo,
                                      rows: oyHi - oyLo, n: wo)
                        continue
                    }
                    for oy in oyLo..<oyHi {
                        let dst = row + oy * wo, src = xc + (oy * sh - ph + i * dh) * w + x0
                        for ox in 0..<lo { dst[ox] = 0 }
                        if sw == 1 {
                            Self.copyRow(src + lo, dst + lo, hi - lo)
                        } else {
                            for ox in lo..<hi { dst[ox] = src[ox * sw] }
                        }
                        for ox in hi..<wo { dst[ox] = 0 }
                    }
                }
            }
        }
    }

    /// im2col's row for tap (i, j) when stride is 1 and the width is kept (same padding): the
    /// output plane is the input plane shifted, so the valid rows are one contiguous copy and only
    /// the columns that fall off the left or right edge are zeroed afterwards.
    @inline(__always)
    private func copyShiftedPlane(_ xc: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, i: Int, j: Int) {
        let dy = i * dh - ph, dx = j * dw - pw
        let oyLo = Swift.min(ho, Swift.max(0, -dy)), oyHi = Swift.max(oyLo, Swift.min(ho, h - dy))
        if oyLo > 0 { dst.update(repeating: 0, count: oyLo * wo) }
        if oyHi < ho { (dst + oyHi * wo).update(repeating: 0, count: (ho - oyHi) * wo) }
        if oyHi == oyLo { return }
        // dst[oy·w + ox] = xc[(oy + dy)·w + ox + dx] for the valid rows, clipped to the plane.
        let dstStart = oyLo * wo, count = (oyHi - oyLo) * wo
        var srcStart = (oyLo + dy) * w + dx, first = 0, n = count
        if srcStart < 0 { first = -srcStart; srcStart = 0; n -= first }
        n = Swift.min(n, h * w - srcStart)
        if n > 0 { (dst + dstStart + first).update(from: xc + srcStart, count: n) }
        // Columns whose source lies outside the row: zero (covers the clipped ends too).
        if dx != 0 {
            let lo = dx < 0 ? 0 : Swift.max(0, wo - dx), hi = dx < 0 ? Swift.min(wo, -dx) : wo
            for oy in oyLo..<oyHi { let r = dst + oy * wo; for ox in lo..<hi { r[ox] = 0 } }
        }
    }

    /// The adjoint of im2col: x[c, iy, ix] += col[...] for every position that reads it. With
    /// `images` > 1, image s reads the columns from col + s·l and adds into x + s·c·h·w.
    func col2im(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, ld: Int? = nil, images: Int = 1) {
        let ld = ld ?? l
        if halvesEvenPlanes { return col2imByPhases(col, x, ld: ld, images: images) }
        for s in 0..<images { col2imImage(col + s * l, x + s * c * h * w, ld: ld) }
    }

    private func col2imImage(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, ld: Int) {
        for ci in 0..<c {
            let xc = x + ci * h * w
            for i in 0..<kh {
                let (oyLo, oyHi) = validRows(i)
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * ld
                    let (lo, hi) = validColumns(j)
                    let x0 = j * dw - pw
                    if sw == 1 {
                        if oyHi > oyLo && hi > lo {
                            Self.addRows(row + oyLo * wo + lo, wo, xc + (oyLo * sh - ph + i * dh) * w + x0 + lo, sh * w,
                                         rows: oyHi - oyLo, n: hi - lo)
                        }
                        continue
                    }
                    for oy in oyLo..<oyHi {
                        let src = row + oy * wo, dst = xc + (oy * sh - ph + i * dh) * w + x0
                        for ox in lo..<hi { dst[ox * sw] += src[ox] }
                    }
                }
            }
        }
    }

    /// dst[0..<n] = src[0..<n], 8 lanes at a time (the last vector overlaps the one before).
    @inline(__always)
    static func copyRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        if n < 8 { for k in 0..<n { dst[k] = src[k] }; return }
        var k = 0
        while k + 8 <= n { dst.store8(src.load8(k), k); k += 8 }
        if k < n { dst.store8(src.load8(n - 8), n - 8) }
    }

    /// rows x n floats from src (rows `srcStride` apart) to dst (rows `dstStride` apart).
    @inline(__always)
    static func copyRows(_ src: UnsafePointer<Float>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Float>, _ dstStride: Int,
                         rows: Int, n: Int) {
        var s = src, d = dst
        if n == 8 {
            for _ in 0..<rows { d.store8(s.load8()); s += srcStride; d += dstStride }
        } else {
            for _ in 0..<rows { copyRow(s, d, n); s += srcStride; d += dstStride }
        }
    }

    /// dst rows += src rows: rows x n floats, rows `srcStride` and `dstStride` apart (the kernel set's vectors).
    static func addRows(_ src: UnsafePointer<Float>, _ srcStride: Int, _ dst: UnsafeMutablePointer<Float>, _ dstStride: Int,
                        rows: Int, n: Int) {
        dm_kernels_active()!.pointee.add_rows(src, srcStride, dst, dstStride, rows, n)
    }

    // col2im for the same geometry, by output phase: the taps that land on one phase plane of x
    // are whole col rows shifted by at most a row and a column. Each phase plane is gathered from
    // x, then 8 of its pixels at a time get their taps in col2im's (i, j) order (lanes a tap does
    // not reach add 0) and are written back once: the same sums as col2im, to the bit. A tap's 8
    // reads may run into the neighbouring image's columns or the next col row (lanes masked to
    // 0); only where they would leave col's k·ld floats are they done lane by lane.
    private func col2imByPhases(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, ld: Int, images: Int) {
        let hp = h / 2, wp = w / 2, pl = hp * wp
        let planes = Storage(count: 4 * pl), masks = Storage(count: kh * kw * pl)
        let pp = planes.pointer, pm = masks.pointer
        // Per phase, its taps in (i, j) order: col row offset, flat shift d, mask.
        let most = ((kh + 1) / 2) * ((kw + 1) / 2)
        var rows = [Int](repeating: 0, count: 4 * most), shifts = rows, count = [0, 0, 0, 0]
        for i in 0..<kh {
            let (py, dy) = Self.phase(i - ph)
            for j in 0..<kw {
                let (px, dx) = Self.phase(j - pw)
                // mask[q] = 1 where phase pixel q reads col pixel q - d from inside the plane.
                let mask = pm + (i * kw + j) * pl
                for m in 0..<hp {
                    let rowIn = m - dy >= 0 && m - dy < hp
                    for n in 0..<wp { mask[m * wp + n] = rowIn && n - dx >= 0 && n - dx < wp ? 1 : 0 }
                }
                let ph = py * 2 + px
                rows[ph * most + count[ph]] = i * kw + j; shifts[ph * most + count[ph]] = dy * wp + dx; count[ph] += 1
            }
        }
        let colStart = col, colEnd = col + k * ld
        for plane in 0..<(images * c) {   // plane = s·c + ci
            let s = plane / c, ci = plane % c
            let xc = x + plane * h * w, colc = col + s * l + ci * kh * kw * ld
            for phase in 0..<4 {
                let py = phase / 2, px = phase % 2, a = pp + phase * pl, first = phase * most, n = count[phase]
                for m in 0..<hp { let src = xc + (2 * m + py) * w + px; for n in 0..<wp { a[m * wp + n] = src[2 * n] } }
                var q0 = 0
                while q0 + 8 <= pl {
                    var acc = a.load8(q0)
                    for t in first..<(first + n) {
                        let src = colc + rows[t] * ld + q0 - shifts[t], mask = pm + rows[t] * pl + q0
                        var v: SIMD8<Float>
                        if src >= colStart && src + 8 <= colEnd {
                            v = src.load8().replacing(with: 0, where: mask.load8() .== 0)
                        } else {
                            // at either end of col: only the lanes the tap reaches
                            v = SIMD8(repeating: 0)
                            for lane in 0..<8 where mask[lane] != 0 { v[lane] = src[lane] }
                        }
                        acc += v
                    }
                    a.store8(acc, q0)
                    q0 += 8
                }
                for q in q0..<pl {
                    var v = a[q]
                    for t in first..<(first + n) where pm[rows[t] * pl + q] != 0 { v += colc[rows[t] * ld + q - shifts[t]] }
                    a[q] = v
                }
                for m in 0..<hp { let dst = xc + (2 * m + py) * w + px; for n in 0..<wp { dst[2 * n] = a[m * wp + n] } }
            }
        }
    }

    // Stride 2 on even planes that halves them (k4 s2 p1, as in DCGAN): split each input plane into
    // its four phases (even/odd rows x even/odd columns, each (h/2, w/2)); every kernel tap then
    // reads one phase shifted by at most one row and column, so im2col's rows are contiguous
    // copies of whole phase planes instead of strided gathers along rows of 7 or 14 pixels.
    var halvesEvenPlanes: Bool {
        sh == 2 && sw == 2 && dh == 1 && dw == 1 && h % 2 == 0 && w % 2 == 0 && ho == h / 2 && wo == w / 2
    }

    /// Tap offset r = i - pad as (phase, shift): input index 2·o + r = 2·(o + shift) + phase.
    @inline(__always) static func phase(_ r: Int) -> (Int, Int) { let p = r & 1; return (p, (r - p) / 2) }

    private func im2colByPhases(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, ld: Int) {
        let hp = h / 2, wp = w / 2, pl = hp * wp
        let phases = Storage(count: c * 4 * pl)
        let pp = phases.pointer
        for ci in 0..<c {
            let xc = x + ci * h * w
            for py in 0..<2 { for px in 0..<2 {
                let dst = pp + ((ci * 2 + py) * 2 + px) * pl
                for yy in 0..<hp { let src = xc + (2 * yy + py) * w + px; for xx in 0..<wp { dst[yy * wp + xx] = src[2 * xx] } }
            } }
        }
        for ci in 0..<c {
            for i in 0..<kh {
                let (py, dy) = Self.phase(i - ph)
                for j in 0..<kw {
                    let (px, dx) = Self.phase(j - pw)
                    let src = UnsafePointer(pp + ((ci * 2 + py) * 2 + px) * pl), dst = col + ((ci * kh + i) * kw + j) * ld
                    // dst[oy·wp + ox] = src[(oy + dy)·wp + ox + dx], 0 outside the phase plane.
                    let oyLo = Swift.max(0, -dy), oyHi = Swift.min(hp, hp - dy)
                    if oyLo > 0 { dst.update(repeating: 0, count: oyLo * wp) }
                    if oyHi < hp { (dst + oyHi * wp).update(repeating: 0, count: (hp - oyHi) * wp) }
                    guard oyHi > oyLo else { continue }
                    var start = (oyLo + dy) * wp + dx, first = oyLo * wp, n = (oyHi - oyLo) * wp
                    if start < 0 { first -= start; n += start; start = 0 }
                    n = Swift.min(n, pl - start)
                    if n > 0 { (dst + first).update(from: src + start, count: n) }
                    if dx != 0 {   // columns that wrapped into the neighbouring row
                        let zx = dx < 0 ? 0 : wp - dx
                        for oy in oyLo..<oyHi { (dst + oy * wp + zx).update(repeating: 0, count: Swift.abs(dx)) }
                    }
                }
            }
        }
    }
}
