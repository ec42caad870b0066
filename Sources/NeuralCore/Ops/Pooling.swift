import Require
// Pooling and nearest upsampling over NCHW. Pooling floors the output size (ceil_mode false).

/// Max over k×k windows; padding counts as -inf. (N, C, H, W) -> (N, C, Ho, Wo).
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    require(x.rank == 4, "maxPool2d: needs (N, C, H, W), got \(x.shape)")
    let s = stride ?? kernel
    require(kernel >= 1 && s >= 1 && padding >= 0, "maxPool2d: kernel \(kernel) and stride \(s) must be positive, padding \(padding) not negative")
    let nc = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
    let ho = (h + 2 * padding - kernel) / s + 1, wo = (w + 2 * padding - kernel) / s + 1
    require(ho > 0 && wo > 0, "maxPool2d: input \(x.shape) too small for kernel \(kernel)")
    let y = Tensor(uninitializedShape: [x.shape[0], x.shape[1], ho, wo])
    let px = x.storage.pointer, py = y.storage.pointer
    if kernel == 2 && s == 2 && padding == 0 {
        // The common 2x2 window in the kernel set: the first maximum wins, and NaN only in a window's
        // first place (the general loop below starts from -inf, so NaN never wins there).
        let keep = GradMode.isEnabled && x.requiresGrad
        let argmax = keep ? UnsafeMutablePointer<Int32>.allocate(capacity: nc * ho * wo) : nil
        Parallel.forRanges(nc, minPerChunk: 4) { r in
            for p in r { MaxPool2x2.forward(px + p * h * w, h: h, w: w, into: py + p * ho * wo, argmax: argmax.map { $0 + p * ho * wo }) }
        }
        guard let argmax else { return y }
        let indices = PointerBox(argmax), odd = h % 2 != 0 || w % 2 != 0
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                if fresh && odd { gx.update(repeating: 0, count: x.count) }
                Parallel.forRanges(nc, minPerChunk: 4) { r in
                    for p in r {
                        MaxPool2x2.backward(g + p * ho * wo, argmax: indices.pointer + p * ho * wo, h: h, w: w,
                                            into: gx + p * h * w, accumulate: !fresh)
                    }
                }
            }
        }
    }
    let argmax = UnsafeMutablePointer<Int32>.allocate(capacity: nc * ho * wo)
    Parallel.forRanges(nc, minPerChunk: 4) { r in
        for p in r {
            let xp = px + p * h * w, yp = py + p * ho * wo, ap = argmax + p * ho * wo
            for oy in 0..<ho {
                let y0 = oy * s - padding, y1 = Swift.min(y0 + kernel, h), ys = Swift.max(y0, 0)
                for ox in 0..<wo {
                    let x0 = ox * s - padding, x1 = Swift.min(x0 + kernel, w), xs = Swift.max(x0, 0)
                    var best = -Float.infinity, bi = ys * w + xs
                    for iy in ys..<y1 { for ix in xs..<x1 { let v = xp[iy * w + ix]; if v > best { best = v; bi = iy * w + ix } } }
                    yp[oy * wo + ox] = best
                    ap[oy * wo + ox] = Int32(bi)
                }
            }
        }
    }
    let indices = PointerBox(argmax)
    return y.recorded(from: [x]) { g in
        x.addGrad { gx in
            Parallel.forRanges(nc, minPerChunk: 4) { r in
                for p in r {
                    let gp = g + p * ho * wo, ap = indices.pointer + p * ho * wo, gxp = gx + p * h * w
                    for i in 0..<ho * wo { gxp[Int(ap[i])] += gp[i] }
                }
            }
        }
    }
}

/// Output size of a pooling window along one axis, PyTorch's rule: floor (or ceil) of
/// (n + 2p - d·(k-1) - 1)/s + 1, and with ceil a last window must start inside the input or its
/// left padding.
func pooledSize(_ n: Int, kernel k: Int, stride s: Int, padding p: Int, dilation d: Int, ceil: Bool) -> Int {
    let span = n + 2 * p - d * (k - 1) - 1
    var out = (ceil ? (span + s - 1) / s : span / s) + 1
    if ceil && (out - 1) * s >= n + p { out -= 1 }
    return out
}

/// Max pooling with PyTorch's options: `dilation` between window taps, `ceilMode` for the output
/// size. Returns the pooled tensor and, per output, the index of its maximum in the flattened
/// (H·W) plane of its (n, c), as PyTorch's return_indices. (N, C, H, W) -> (N, C, Ho, Wo).
public func maxPool2dWithIndices(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                                 ceilMode: Bool = false) -> (output: Tensor, indices: [Int]) {
    require(x.rank == 4, "maxPool2d: needs (N, C, H, W), got \(x.shape)")
    let s = stride ?? kernel
    require(kernel >= 1 && s >= 1 && dilation >= 1 && padding >= 0 && 2 * padding <= kernel,
            "maxPool2d: kernel \(kernel), stride \(s), padding \(padding) (at most half the kernel), dilation \(dilation)")
    let nc = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
    let ho = pooledSize(h, kernel: kernel, stride: s, padding: padding, dilation: dilation, ceil: ceilMode)
    let wo = pooledSize(w, kernel: kernel, stride: s, padding: padding, dilation: dilation, ceil: ceilMode)
    require(ho > 0 && wo > 0, "maxPool2d: input \(x.shape) too small for kernel \(kernel) with dilation \(dilation)")
    let y = Tensor(uninitializedShape: [x.shape[0], x.shape[1], ho, wo])
    let px = x.storage.pointer, py = y.storage.pointer
    var argmax = [Int](repeating: 0, count: nc * ho * wo)
    for p in 0..<nc {
        let xp = px + p * h * w
        for oy in 0..<ho { for ox in 0..<wo {
            var best = -Float.infinity, bi = -1
            for ky in 0..<kernel {
                let iy = oy * s - padding + ky * dilation
                guard iy >= 0 && iy < h else { continue }
                for kx in 0..<kernel {
                    let ix = ox * s - padding + kx * dilation
                    guard ix >= 0 && ix < w else { continue }
                    let v = xp[iy * w + ix]
                    if v > best || bi < 0 || v.isNaN { best = v; bi = iy * w + ix; if v.isNaN { break } }
                }
            }
            py[(p * ho + oy) * wo + ox] = best
            argmax[(p * ho + oy) * wo + ox] = bi
        } }
    }
    let out = y.recorded(from: [x]) { g in
        x.addGrad { gx in
            for p in 0..<nc { for i in 0..<(ho * wo) where argmax[p * ho * wo + i] >= 0 { gx[p * h * w + argmax[p * ho * wo + i]] += g[p * ho * wo + i] } }
        }
    }
    return (out, argmax)
}

/// Mean over k×k windows with zero `padding` counted in the divisor (PyTorch's default
/// count_include_pad). (N, C, H, W) -> (N, C, Ho, Wo).
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int) -> Tensor {
    if padding == 0 { return avgPool2d(x, kernel: kernel, stride: stride) }
    require(x.rank == 4 && padding >= 0 && 2 * padding <= kernel, "avgPool2d: needs (N, C, H, W) and padding at most half the kernel, got \(x.shape), padding \(padding)")
    return avgPool2d(x.padded2d(padding), kernel: kernel, stride: stride)
}

/// Mean over k×k windows, no padding. (N, C, H, W) -> (N, C, Ho, Wo).
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int? = nil) -> Tensor {
    require(x.rank == 4, "avgPool2d: needs (N, C, H, W), got \(x.shape)")
    let s = stride ?? kernel
    require(kernel >= 1 && s >= 1, "avgPool2d: kernel \(kernel) and stride \(s) must be positive")
    let nc = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
    let ho = (h - kernel) / s + 1, wo = (w - kernel) / s + 1
    require(ho > 0 && wo > 0, "avgPool2d: input \(x.shape) too small for kernel \(kernel)")
    let y = Tensor(uninitializedShape: [x.shape[0], x.shape[1], ho, wo])
    let px = x.storage.pointer, py = y.storage.pointer
    let inv = 1 / Float(kernel * kernel), planes = Swift.max(1, Parallel.pointwiseGrain / (h * w))   // planes a chunk
    Parallel.forRanges(nc, minPerChunk: planes) { ps in
        for p in ps {
            let xp = px + p * h * w, yp = py + p * ho * wo
            for oy in 0..<ho { for ox in 0..<wo {
                var acc: Float = 0
                for i in 0..<kernel { for j in 0..<kernel { acc += xp[(oy * s + i) * w + ox * s + j] } }
                yp[oy * wo + ox] = acc * inv
            } }
        }
    }
    return y.recorded(from: [x]) { g in
        x.addGrad { gx in
            Parallel.forRanges(nc, minPerChunk: planes) { ps in
                for p in ps {
                    let gp = g + p * ho * wo, gxp = gx + p * h * w
                    for oy in 0..<ho { for ox in 0..<wo {
                        let v = gp[oy * wo + ox] * inv
                        for i in 0..<kernel { for j in 0..<kernel { gxp[(oy * s + i) * w + ox * s + j] += v } }
                    } }
                }
            }
        }
    }
}

/// Mean over H and W. (N, C, H, W) -> (N, C).
public func globalAvgPool2d(_ x: Tensor) -> Tensor {
    require(x.rank == 4, "globalAvgPool2d: needs (N, C, H, W), got \(x.shape)")
    return x.mean(axes: [2, 3])
}

/// Nearest-neighbour upsampling by an integer factor: out[i] = in[i / factor].
/// (N, C, H, W) -> (N, C, H·f, W·f). Planes on threads; an output row is written once and copied
/// f - 1 times; backward sums each f x f block, its rows in order.
public func upsampleNearest2d(_ x: Tensor, factor f: Int) -> Tensor {
    require(x.rank == 4 && f >= 1, "upsampleNearest2d: needs (N, C, H, W) and factor >= 1")
    let nc = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3], ho = h * f, wo = w * f
    let y = Tensor(uninitializedShape: [x.shape[0], x.shape[1], ho, wo])
    let px = x.storage.pointer, py = y.storage.pointer
    let planes = Swift.max(1, Parallel.pointwiseGrain / Swift.max(ho * wo, 1))   // planes a chunk
    Parallel.forRanges(nc, minPerChunk: planes) { ps in
        for p in ps {
            for r in 0..<h {
                let src = px + (p * h + r) * w, row = py + (p * ho + r * f) * wo
                for c in 0..<w { let v = src[c]; for k in 0..<f { row[c * f + k] = v } }
                for k in 1..<Swift.max(f, 1) { (row + k * wo).update(from: row, count: wo) }
            }
        }
    }
    return y.recorded(from: [x]) { g in
        x.addGrad { gx in
            Parallel.forRanges(nc, minPerChunk: planes) { ps in
                for p in ps {
                    for r in 0..<h {
                        let dst = gx + (p * h + r) * w
                        for i in 0..<f {
                            let row = g + (p * ho + r * f + i) * wo
                            for c in 0..<w { var s: Float = 0; for k in 0..<f { s += row[c * f + k] }; dst[c] += s }
                        }
                    }
                }
            }
        }
    }
}
