/// A convolution's colᵀ read in place: each output pixel's row of colᵀ (kh·kw·C floats, (tap,
/// channel) order) is, in a channel-last image padded by (ph, pw) zeros, `segments` contiguous
/// runs of `segmentLength` floats: one per kernel row (kw·C) when dw = 1, else one per tap (C).
/// `PackedMatrix.multiply(rows:)` reads them through pointers instead of a gathered copy.
extension ConvGeometry {
    var paddedH: Int { h + 2 * ph }
    var paddedW: Int { w + 2 * pw }
    /// Floats of one padded channel-last image (H + 2ph, W + 2pw, C).
    var paddedCount: Int { paddedH * paddedW * c }
    var segments: Int { dw == 1 ? kh : kh * kw }
    var segmentLength: Int { dw == 1 ? kw * c : c }

    /// x (C, H, W) -> dst (H + 2ph, W + 2pw, C), input rows `rows` only (all when nil); dst's top and
    /// bottom border rows are left as they are (zero them once: `clearPaddedRows`), the left and
    /// right borders of `rows` are written zero.
    func toPaddedChannelLast(_ x: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Range<Int>? = nil) {
        if ph == 0 && pw == 0 {
            let r = rows ?? 0..<h
            BatchLayout.toChannelLast(x, dst, c: c, l: h * w, pixels: (r.lowerBound * w)..<(r.upperBound * w))
            return
        }
        // The rows in one transpose, compact at the start of their place (a row at a time, a row of
        // fewer than 16 pixels went mostly to the kernel's element-by-element edge: DCGAN's 14), then
        // moved out to their padded places, the last first (each only ever moves up), and the left
        // and right borders the compact rows wrote over zeroed again.
        let r = rows ?? 0..<h, rowFloats = paddedW * c, base = dst + (r.lowerBound + ph) * rowFloats
        BatchLayout.toChannelLast(x + r.lowerBound * w, base, c: c, l: h * w, pixels: 0..<(r.count * w))
        for y in r.reversed() {
            let to = base + (y - r.lowerBound) * rowFloats
            (to + pw * c).update(from: base + (y - r.lowerBound) * w * c, count: w * c)   // memmove: may overlap
            to.update(repeating: 0, count: pw * c)
            (to + (pw + w) * c).update(repeating: 0, count: pw * c)
        }
    }

    /// Zeroes the top and bottom border rows (ph each) of `images` padded channel-last images side by
    /// side from dst: what `toPaddedChannelLast` leaves as it finds, so scratch need not be zeroed whole.
    func clearPaddedRows(_ dst: UnsafeMutablePointer<Float>, images: Int) {
        let rowFloats = paddedW * c
        for s in 0..<images {
            let image = dst + s * paddedCount
            image.update(repeating: 0, count: ph * rowFloats)
            (image + (ph + h) * rowFloats).update(repeating: 0, count: ph * rowFloats)
        }
    }

    /// For output pixels `pixels` (p = oy·Wo + ox) of the padded channel-last image `a`: the start of
    /// each segment of their colᵀ rows, pixel-major, `segments` per pixel.
    func tapRows(_ a: UnsafePointer<Float>, pixels: Range<Int>, into rows: UnsafeMutablePointer<UnsafePointer<Float>?>) {
        var r = rows
        for p in pixels {
            let oy = p / wo, ox = p % wo
            for i in 0..<kh {
                let row = a + ((oy * sh + i * dh) * paddedW + ox * sw) * c
                if dw == 1 {
                    r.pointee = row; r += 1
                } else {
                    for j in 0..<kw { r.pointee = row + j * dw * c; r += 1 }
                }
            }
        }
    }
}
