import Require
/// Direct 3x3 convolution, stride 1, padding 1 (the "same" convolution of DnCNN-style and VGG-style
/// networks) without im2col: each image is copied into zero-bordered planes, and each segment of
/// 16 output pixels of 4 output channels is summed in registers over the Cin·9 taps. Used for the
/// forward and, with the adjoint weights, for the input gradient.
enum DirectConv3x3 {
    typealias V = SIMD8<Float>

    /// Off only in tests that compare it with the im2col path.
    nonisolated(unsafe) static var enabled = true

    /// Whether the direct kernel handles this convolution (rows of at least 16 pixels).
    static func applies(_ geo: ConvGeometry) -> Bool {
        enabled && geo.kh == 3 && geo.kw == 3 && geo.sh == 1 && geo.sw == 1 && geo.ph == 1 && geo.pw == 1
            && geo.dh == 1 && geo.dw == 1 && geo.w >= 16
    }

    /// Whether `weightGradient` handles it too: rows of whole 8-pixel vectors (DnCNN's 40, CIFAR's
    /// 32 and 16). Other widths (AudioCNN's 100, 50, 25) measured slower than im2col + sgemm with
    /// masked last vectors, so they keep that path.
    static func appliesToWeightGradient(_ geo: ConvGeometry) -> Bool { applies(geo) && geo.w % 8 == 0 }

    /// weight (Cout, Cin, 3, 3) as [⌈Cout/4⌉][Cin][9][4] (missing channels zero).
    static func pack(_ w: UnsafePointer<Float>, cout: Int, cin: Int) -> Storage {
        let s = Storage(count: (cout + 3) / 4 * cin * 36, repeating: 0)
        for o in 0..<cout {
            for i in 0..<cin {
                for t in 0..<9 { s.pointer[((o / 4 * cin + i) * 9 + t) * 4 + o % 4] = w[(o * cin + i) * 9 + t] }
            }
        }
        return s
    }

    /// The adjoint's weights packed the same way: the input gradient of a 3x3 "same" convolution is
    /// the 3x3 "same" convolution of the output gradient with W'[ci, co, i, j] = W[co, ci, 2-i, 2-j].
    static func packAdjoint(_ w: UnsafePointer<Float>, cout: Int, cin: Int) -> Storage {
        let s = Storage(count: (cin + 3) / 4 * cout * 36, repeating: 0)
        for o in 0..<cin {
            for i in 0..<cout {
                for t in 0..<9 { s.pointer[((o / 4 * cout + i) * 9 + t) * 4 + o % 4] = w[(i * cin + o) * 9 + 8 - t] }
            }
        }
        return s
    }

    /// y (outs, H, W) = conv(x (ins, H, W)) [+ bias] for one image, or y += conv(x) when
    /// `accumulate`; `pad` holds ins·(H+2)·(W+2) floats whose border is zero.
    static func image(_ x: UnsafePointer<Float>, ins: Int, outs: Int, h: Int, w: Int, packed: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>,
                      accumulate: Bool = false, relu: Bool = false) {
        let pw = w + 2, plane = (h + 2) * pw
        for c in 0..<ins {
            for r in 0..<h { (pad + c * plane + (r + 1) * pw + 1).update(from: x + (c * h + r) * w, count: w) }
        }
        // Each row: segments of 24 pixels (12 accumulators), then 16-pixel ones (the last may
        // overlap the one before), then, for the last 1...8 pixels, the 8-channel tail below.
        var tailStart = 0
        while w - tailStart >= 24 { tailStart += 24 }
        let starts24 = tailStart
        while w - tailStart > 8 { tailStart += 16 }
        if tailStart > w { tailStart = w }
        for cb in 0..<((outs + 3) / 4) {
            let wb = packed + cb * ins * 36
            let co = cb * 4, nco = Swift.min(4, outs - co)
            var b0: Float = 0, b1: Float = 0, b2: Float = 0, b3: Float = 0
            if let bias { b0 = bias[co]; if nco > 1 { b1 = bias[co + 1] }; if nco > 2 { b2 = bias[co + 2] }; if nco > 3 { b3 = bias[co + 3] } }
            for r in 0..<h {
                var x0 = 0
                while x0 < starts24 {
                    var a0 = V(repeating: b0), a1 = a0, a2 = a0, c0 = V(repeating: b1), c1 = c0, c2 = c0
                    var d0 = V(repeating: b2), d1 = d0, d2 = d0, e0 = V(repeating: b3), e1 = e0, e2 = e0
                    for c in 0..<ins {
                        let base = UnsafePointer(pad) + c * plane + r * pw + x0
                        let wc = wb + c * 36
                        for t in 0..<9 {
                            let src = base + (t / 3) * pw + t % 3
                            let v0 = src.load8(), v1 = src.load8(8), v2 = src.load8(16)
                            let wt = wc + t * 4
                            var k = V(repeating: wt[0]); a0.addProduct(k, v0); a1.addProduct(k, v1); a2.addProduct(k, v2)
                            k = V(repeating: wt[1]); c0.addProduct(k, v0); c1.addProduct(k, v1); c2.addProduct(k, v2)
                            k = V(repeating: wt[2]); d0.addProduct(k, v0); d1.addProduct(k, v1); d2.addProduct(k, v2)
                            k = V(repeating: wt[3]); e0.addProduct(k, v0); e1.addProduct(k, v1); e2.addProduct(k, v2)
                        }
                    }
                    let out = y + (co * h + r) * w + x0
                    put(a0, a1, out, 0, accumulate, relu); put8(a2, out + 16, 0, accumulate, relu)
                    if nco > 1 { put(c0, c1, out + h * w, 0, accumulate, relu); put8(c2, out + h * w + 16, 0, accumulate, relu) }
                    if nco > 2 { put(d0, d1, out + 2 * h * w, 0, accumulate, relu); put8(d2, out + 2 * h * w + 16, 0, accumulate, relu) }
                    if nco > 3 { put(e0, e1, out + 3 * h * w, 0, accumulate, relu); put8(e2, out + 3 * h * w + 16, 0, accumulate, relu) }
                    x0 += 24
                }
                while x0 < tailStart {
                    let xs = Swift.min(x0, w - 16)     // the last segment may overlap the one before
                    var a0 = V(repeating: b0), a1 = a0, c0 = V(repeating: b1), c1 = c0
                    var d0 = V(repeating: b2), d1 = d0, e0 = V(repeating: b3), e1 = e0
                    for c in 0..<ins {
                        let base = UnsafePointer(pad) + c * plane + r * pw + xs
                        let wc = wb + c * 36
                        for t in 0..<9 {
                            let src = base + (t / 3) * pw + t % 3
                            let v0 = src.load8(), v1 = src.load8(8)
                            let wt = wc + t * 4
                            var k = V(repeating: wt[0]); a0.addProduct(k, v0); a1.addProduct(k, v1)
                            k = V(repeating: wt[1]); c0.addProduct(k, v0); c1.addProduct(k, v1)
                            k = V(repeating: wt[2]); d0.addProduct(k, v0); d1.addProduct(k, v1)
                            k = V(repeating: wt[3]); e0.addProduct(k, v0); e1.addProduct(k, v1)
                        }
                    }
                    let out = y + (co * h + r) * w + xs
                    // An overlapping last segment adds only its new pixels.
                    let skip = x0 - xs
                    put(a0, a1, out, skip, accumulate, relu)
                    if nco > 1 { put(c0, c1, out + h * w, skip, accumulate, relu) }
                    if nco > 2 { put(d0, d1, out + 2 * h * w, skip, accumulate, relu) }
                    if nco > 3 { put(e0, e1, out + 3 * h * w, skip, accumulate, relu) }
                    x0 += 16
                }
            }
        }
        // Rows whose last 1...8 pixels remain (w = 32, 50, 100, ...): 8 pixels x 8 channels in
        // registers instead of a 16-pixel segment of 4 channels that recomputes up to 15 pixels.
        let rem = w - tailStart
        guard rem >= 1 else { return }
        let xs = w - 8, skip = 8 - rem, blocks = (outs + 3) / 4
        for cb in stride(from: 0, to: blocks, by: 2) {
            let wa = packed + cb * ins * 36, wb = cb + 1 < blocks ? packed + (cb + 1) * ins * 36 : wa
            let co = cb * 4, nco = Swift.min(8, outs - co)
            func b(_ o: Int) -> V { V(repeating: o < nco ? bias?[co + o] ?? 0 : 0) }
            let bias0 = b(0), bias1 = b(1), bias2 = b(2), bias3 = b(3), bias4 = b(4), bias5 = b(5), bias6 = b(6), bias7 = b(7)
            for r in 0..<h {
                var acc0 = bias0, acc1 = bias1, acc2 = bias2, acc3 = bias3, acc4 = bias4, acc5 = bias5, acc6 = bias6, acc7 = bias7
                for c in 0..<ins {
                    let base = UnsafePointer(pad) + c * plane + r * pw + xs
                    let ua = wa + c * 36, ub = wb + c * 36
                    for t in 0..<9 {
                        let v = (base + (t / 3) * pw + t % 3).load8()
                        let ta = ua + t * 4, tb = ub + t * 4
                        acc0.addProduct(V(repeating: ta[0]), v); acc1.addProduct(V(repeating: ta[1]), v)
                        acc2.addProduct(V(repeating: ta[2]), v); acc3.addProduct(V(repeating: ta[3]), v)
                        acc4.addProduct(V(repeating: tb[0]), v); acc5.addProduct(V(repeating: tb[1]), v)
                        acc6.addProduct(V(repeating: tb[2]), v); acc7.addProduct(V(repeating: tb[3]), v)
                    }
                }
                let out = y + (co * h + r) * w + xs
                let op = h * w
                put8(acc0, out, skip, accumulate, relu)
                if nco > 1 { put8(acc1, out + op, skip, accumulate, relu) }
                if nco > 2 { put8(acc2, out + 2 * op, skip, accumulate, relu) }
                if nco > 3 { put8(acc3, out + 3 * op, skip, accumulate, relu) }
                if nco > 4 { put8(acc4, out + 4 * op, skip, accumulate, relu) }
                if nco > 5 { put8(acc5, out + 5 * op, skip, accumulate, relu) }
                if nco > 6 { put8(acc6, out + 6 * op, skip, accumulate, relu) }
                if nco > 7 { put8(acc7, out + 7 * op, skip, accumulate, relu) }
            }
        }
    }

    /// gw (outs, ins, 3, 3) += Σ over pixels of g (outs, H, W) times x (ins, H, W) shifted by each
    /// tap, for one image: the weight gradient, gw[o, i, dy, dx] = Σ_{r,c} g[o, r, c]·xpad[i, r+dy, c+dx].
    /// Per 4 output channels, input channel and dy, 12 accumulators (4 channels x 3 dx) of 8
    /// pixels run along the rows and are summed across lanes once at the end. Widths that are a
    /// multiple of 8 (`appliesToWeightGradient`); `pad` holds ins·(H+2)·(W+2) floats whose border is zero.
    static func weightGradient(x: UnsafePointer<Float>, g: UnsafePointer<Float>, ins: Int, outs: Int, h: Int, w: Int,
                               gw: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>) {
        require(w % 8 == 0, "DirectConv3x3.weightGradient: width \(w) is not a multiple of 8")
        let pw = w + 2, plane = (h + 2) * pw, l = h * w
        for c in 0..<ins {
            for r in 0..<h { (pad + c * plane + (r + 1) * pw + 1).update(from: x + (c * h + r) * w, count: w) }
        }
        for cb in stride(from: 0, to: outs, by: 4) {
            let nco = Swift.min(4, outs - cb)
            // Missing channels (outs not a multiple of 4) repeat the last one; their sums are dropped.
            let g0 = g + cb * l, g1 = g0 + Swift.min(1, nco - 1) * l, g2 = g0 + Swift.min(2, nco - 1) * l, g3 = g0 + Swift.min(3, nco - 1) * l
            for c in 0..<ins {
                for dy in 0..<3 {
                    var a0 = V(), a1 = V(), a2 = V(), b0 = V(), b1 = V(), b2 = V()
                    var c0 = V(), c1 = V(), c2 = V(), d0 = V(), d1 = V(), d2 = V()
                    for r in 0..<h {
                        let xr = UnsafePointer(pad) + c * plane + (r + dy) * pw, gr = r * w
                        var x0 = 0
                        while x0 < w {
                            // 12 accumulators + 3 x vectors + 1 g vector: the 16 ymm registers
                            let u0 = xr.load8(x0), u1 = xr.load8(x0 + 1), u2 = xr.load8(x0 + 2)
                            var v = g0.load8(gr + x0)
                            a0.addProduct(v, u0); a1.addProduct(v, u1); a2.addProduct(v, u2)
                            v = g1.load8(gr + x0)
                            b0.addProduct(v, u0); b1.addProduct(v, u1); b2.addProduct(v, u2)
                            v = g2.load8(gr + x0)
                            c0.addProduct(v, u0); c1.addProduct(v, u1); c2.addProduct(v, u2)
                            v = g3.load8(gr + x0)
                            d0.addProduct(v, u0); d1.addProduct(v, u1); d2.addProduct(v, u2)
                            x0 += 8
                        }
                    }
                    @inline(__always)
                    func put(_ o: Int, _ s0: V, _ s1: V, _ s2: V) {
                        guard o < nco else { return }
                        let row = gw + ((cb + o) * ins + c) * 9 + dy * 3
                        row[0] += s0.sum(); row[1] += s1.sum(); row[2] += s2.sum()
                    }
                    put(0, a0, a1, a2); put(1, b0, b1, b2); put(2, c0, c1, c2); put(3, d0, d1, d2)
                }
            }
        }
    }

    /// max(v, 0) as ReLU has it (NaN -> 0).
    @inline(__always)
    static func rectified(_ v: V) -> V { v.replacing(with: 0, where: .!(v .> 0)) }

    /// 16 pixels to p[skip..<16], stored (rectified when `relu`) or added.
    @inline(__always)
    static func put(_ v0: V, _ v1: V, _ p: UnsafeMutablePointer<Float>, _ skip: Int, _ accumulate: Bool, _ relu: Bool) {
        if !accumulate {   // overlapping lanes rewrite the same values
            if relu { store(rectified(v0), rectified(v1), p) } else { store(v0, v1, p) }
            return
        }
        if skip == 0 {
            p.store8(p.load8() + v0); p.store8(p.load8(8) + v1, 8)
            return
        }
        for k in skip..<16 { p[k] += k < 8 ? v0[k] : v1[k - 8] }
    }

    /// 8 pixels to p[skip..<8], stored (rectified when `relu`) or added.
    @inline(__always)
    static func put8(_ v: V, _ p: UnsafeMutablePointer<Float>, _ skip: Int, _ accumulate: Bool, _ relu: Bool) {
        if !accumulate { p.store8(relu ? rectified(v) : v); return }
        if skip == 0 { p.store8(p.load8() + v); return }
        for k in skip..<8 { p[k] += v[k] }
    }

    /// 16 pixels to p (an overlapping last segment rewrites the same values).
    @inline(__always)
    static func store(_ v0: V, _ v1: V, _ p: UnsafeMutablePointer<Float>) {
        p.store8(v0); p.store8(v1, 8)
    }
}
