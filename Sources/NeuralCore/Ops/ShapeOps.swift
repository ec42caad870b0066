import Require
// Reshape, permute, slice, concatenate, stack. Gradients route values back to where they came from.

extension Tensor {
    /// The same values under a new shape; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            require(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) for shape \(shape)")
            s[i] = count / known
        }
        require(Tensor.count(of: s) == count, "reshape: shape \(shape) (\(count) values) cannot become \(newShape)")
        let x = self
        let y = viewed(as: s)
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in moveRows(1, x.count, from: g, stride: 0, to: gx, stride: 0, accumulate: !fresh) }
        }
    }

    /// (N, ...) -> (N, product of the rest).
    public func flattened() -> Tensor { reshaped([shape.first ?? 1, -1]) }

    /// Axes reordered: output axis i is input axis perm[i].
    public func permuted(_ perm: [Int]) -> Tensor {
        require(perm.sorted() == Array(0..<rank), "permute: \(perm) is not a permutation of \(rank) axes")
        let x = self
        let outShape = perm.map { shape[$0] }
        let inStrides = strides
        let srcStrides = perm.map { inStrides[$0] }   // input stride for each output axis
        let y = Tensor(uninitializedShape: outShape)
        let px = storage.pointer, py = y.storage.pointer
        copyPermuted(from: px, strides: srcStrides, shape: outShape, to: py, accumulate: false)
        return y.recorded(from: [x]) { g in
            // The inverse permutation: input axis perm[i] reads g along output axis i.
            let gStrides = Tensor.strides(of: outShape)
            var back = [Int](repeating: 0, count: perm.count)
            for (i, p) in perm.enumerated() { back[p] = gStrides[i] }
            x.writeGrad { gx, fresh in copyPermuted(from: g, strides: back, shape: x.shape, to: gx, accumulate: !fresh) }
        }
    }

    /// Swaps two axes.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        let i = a < 0 ? a + rank : a, j = b < 0 ? b + rank : b
        require(i >= 0 && i < rank && j >= 0 && j < rank, "transpose: axes \(a) and \(b) out of range for shape \(shape)")
        var p = Array(0..<rank)
        p.swapAt(i, j)
        return permuted(p)
    }

    /// Elements `range` along `axis` (a copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        require(a >= 0 && a < rank && range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "slice: \(range) along axis \(axis) out of shape \(shape)")
        let inner = shape[(a + 1)...].reduce(1, *), outer = shape[..<a].reduce(1, *), d = shape[a]
        var outShape = shape
        outShape[a] = range.count
        let x = self
        let y = Tensor(uninitializedShape: outShape)
        let px = storage.pointer, py = y.storage.pointer
        let len = range.count * inner
        moveRows(outer, len, from: px + range.lowerBound * inner, stride: d * inner, to: py, stride: len, accumulate: false)
        return y.recorded(from: [x]) { g in
            x.addGrad { gx in moveRows(outer, len, from: g, stride: len, to: gx + range.lowerBound * inner, stride: d * inner, accumulate: true) }
        }
    }

    /// Joins tensors along an existing axis.
    public static func concatenate(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        require(!parts.isEmpty, "concatenate: no tensors")
        let r = parts[0].rank, a = axis < 0 ? axis + r : axis
        require(a >= 0 && a < r, "concatenate: axis \(axis) out of range for shape \(parts[0].shape)")
        for p in parts {
            require(p.rank == r && (0..<r).allSatisfy { $0 == a || p.shape[$0] == parts[0].shape[$0] },
                         "concatenate: shapes \(parts[0].shape) and \(p.shape) differ off axis \(axis)")
        }
        let inner = parts[0].shape[(a + 1)...].reduce(1, *), outer = parts[0].shape[..<a].reduce(1, *)
        let total = parts.reduce(0) { $0 + $1.shape[a] }
        var outShape = parts[0].shape
        outShape[a] = total
        let y = Tensor(uninitializedShape: outShape)
        let py = y.storage.pointer
        var start = 0
        var starts: [Int] = []
        for p in parts {
            starts.append(start)
            let len = p.shape[a] * inner
            moveRows(outer, len, from: p.storage.pointer, stride: len, to: py + start * inner, stride: total * inner, accumulate: false)
            start += p.shape[a]
        }
        return y.recorded(from: parts) { g in
            for (p, s) in zip(parts, starts) {
                let len = p.shape[a] * inner
                p.writeGrad { gp, fresh in
                    moveRows(outer, len, from: g + s * inner, stride: total * inner, to: gp, stride: len, accumulate: !fresh)
                }
            }
        }
    }

    /// Joins tensors of one shape along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        require(!parts.isEmpty, "stack: no tensors")
        let a = axis < 0 ? axis + parts[0].rank + 1 : axis
        require(a >= 0 && a <= parts[0].rank, "stack: axis \(axis) out of range for shape \(parts[0].shape)")
        return concatenate(parts.map { p in
            checkShape(p.shape, parts[0].shape, "stack")
            var s = p.shape
            s.insert(1, at: a)
            return p.reshaped(s)
        }, axis: a)
    }
}

extension Tensor {
    /// Zero padding of `p` pixels on every side of the last two axes. (N, C, H, W) -> (N, C, H+2p, W+2p).
    public func padded2d(_ p: Int) -> Tensor {
        require(rank == 4 && p >= 0, "padded2d: needs (N, C, H, W) and p >= 0, got \(shape), \(p)")
        if p == 0 { return self }
        let x = self, nc = shape[0] * shape[1], h = shape[2], w = shape[3], hp = h + 2 * p, wp = w + 2 * p
        let y = Tensor(shape: [shape[0], shape[1], hp, wp], storage: Storage(count: nc * hp * wp, repeating: 0))
        let px = storage.pointer, py = y.storage.pointer
        let grain = Swift.max(1, Parallel.pointwiseGrain / Swift.max(h * w, 1))   // planes a thread
        Parallel.forRanges(nc, minPerChunk: grain) { planes in
            for c in planes { moveRows(h, w, from: px + c * h * w, stride: w, to: py + (c * hp + p) * wp + p, stride: wp, accumulate: false) }
        }
        return y.recorded(from: [x]) { g in
            x.addGrad { gx in
                Parallel.forRanges(nc, minPerChunk: grain) { planes in
                    for c in planes { moveRows(h, w, from: g + (c * hp + p) * wp + p, stride: wp, to: gx + c * h * w, stride: w, accumulate: true) }
                }
            }
        }
    }
}

extension Tensor {
    /// PyTorch's pixel_unshuffle: each r x r block of pixels becomes r² channels.
    /// (N, C, H·r, W·r) -> (N, C·r², H, W), channel c·r² + i·r + j holding x[n, c, h·r + i, w·r + j].
    public func pixelUnshuffled(_ r: Int) -> Tensor {
        require(rank == 4 && r >= 1 && shape[2] % r == 0 && shape[3] % r == 0,
                "pixelUnshuffled: needs (N, C, H, W) with H and W multiples of \(r), got \(shape)")
        if r == 1 { return self }
        let n = shape[0], c = shape[1], h = shape[2] / r, w = shape[3] / r
        return reshaped([n, c, h, r, w, r]).permuted([0, 1, 3, 5, 2, 4]).reshaped([n, c * r * r, h, w])
    }

    /// PyTorch's pixel_shuffle, the inverse of `pixelUnshuffled`. (N, C·r², H, W) -> (N, C, H·r, W·r).
    public func pixelShuffled(_ r: Int) -> Tensor {
        require(rank == 4 && r >= 1 && shape[1] % (r * r) == 0,
                "pixelShuffled: needs (N, C·\(r * r), H, W), got \(shape)")
        if r == 1 { return self }
        let n = shape[0], c = shape[1] / (r * r), h = shape[2], w = shape[3]
        return reshaped([n, c, r, r, h, w]).permuted([0, 1, 4, 2, 5, 3]).reshaped([n, c, h * r, w * r])
    }
}
