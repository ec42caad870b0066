/// Direct 3x3 convolution, stride 1, padding 1 (the "same" convolution of DnCNN-style and VGG-style
/// networks) without im2col: each image is copied into zero-bordered planes, and each segment of
/// 16 output pixels of 4 output channels is summed in registers over the Cin·9 taps (inference).
enum DirectConv3x3 {
    typealias V = SIMD8<Float>

    /// Off only in tests that compare it with the im2col path.
    nonisolated(unsafe) static var enabled = true

    /// Whether the direct kernel handles this convolution (rows of at least 16 pixels).
    static func applies(_ geo: ConvGeometry) -> Bool {
        enabled && geo.kh == 3 && geo.kw == 3 && geo.sh == 1 && geo.sw == 1 && geo.ph == 1 && geo.pw == 1
            && geo.dh == 1 && geo.dw == 1 && geo.w >= 16
    }

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

    /// y (outs, H, W) = conv(x (ins, H, W)) [+ bias] for one image; `pad` holds ins·(H+2)·(W+2)
    /// floats whose border is zero.
    static func image(_ x: UnsafePointer<Float>, ins: Int, outs: Int, h: Int, w: Int, packed: UnsafePointer<Float>,
                      bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pad: UnsafeMutablePointer<Float>) {
        let pw = w + 2, plane = (h + 2) * pw
        for c in 0..<ins {
            for r in 0..<h { (pad + c * plane + (r + 1) * pw + 1).update(from: x + (c * h + r) * w, count: w) }
        }
        for cb in 0..<((outs + 3) / 4) {
            let wb = packed + cb * ins * 36
            let co = cb * 4, nco = Swift.min(4, outs - co)
            var b0: Float = 0, b1: Float = 0, b2: Float = 0, b3: Float = 0
            if let bias { b0 = bias[co]; if nco > 1 { b1 = bias[co + 1] }; if nco > 2 { b2 = bias[co + 2] }; if nco > 3 { b3 = bias[co + 3] } }
            for r in 0..<h {
                var x0 = 0
                while x0 < w {
                    let xs = Swift.min(x0, w - 16)     // the last segment overlaps the one before
                    var a0 = V(repeating: b0), a1 = a0, c0 = V(repeating: b1), c1 = c0
                    var d0 = V(repeating: b2), d1 = d0, e0 = V(repeating: b3), e1 = e0
                    for c in 0..<ins {
                        let base = UnsafePointer(pad) + c * plane + r * pw + xs
                        let wc = wb + c * 36
                        for t in 0..<9 {
                            let src = base + (t / 3) * pw + t % 3
                            let v0 = UnsafeRawPointer(src).loadUnaligned(as: V.self)
                            let v1 = UnsafeRawPointer(src + 8).loadUnaligned(as: V.self)
                            let wt = wc + t * 4
                            var k = V(repeating: wt[0]); a0.addProduct(k, v0); a1.addProduct(k, v1)
                            k = V(repeating: wt[1]); c0.addProduct(k, v0); c1.addProduct(k, v1)
                            k = V(repeating: wt[2]); d0.addProduct(k, v0); d1.addProduct(k, v1)
                            k = V(repeating: wt[3]); e0.addProduct(k, v0); e1.addProduct(k, v1)
                        }
                    }
                    let out = y + (co * h + r) * w + xs
                    store(a0, a1, out)
                    if nco > 1 { store(c0, c1, out + h * w) }
                    if nco > 2 { store(d0, d1, out + 2 * h * w) }
                    if nco > 3 { store(e0, e1, out + 3 * h * w) }
                    x0 += 16
                }
            }
        }
    }

    /// 16 pixels to p (an overlapping last segment rewrites the same values).
    @inline(__always)
    static func store(_ v0: V, _ v1: V, _ p: UnsafeMutablePointer<Float>) {
        let r = UnsafeMutableRawPointer(p)
        r.storeBytes(of: v0, as: V.self)
        r.storeBytes(of: v1, toByteOffset: 32, as: V.self)
    }
}
