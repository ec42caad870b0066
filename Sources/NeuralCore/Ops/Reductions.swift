import Require
// Reductions: sum, mean, max and argmax over axes.

extension Tensor {
    private func normalizedAxes(_ axes: [Int]) -> [Int] {
        let a = axes.map { $0 < 0 ? $0 + rank : $0 }
        require(a.allSatisfy { $0 >= 0 && $0 < rank }, "reduce: axes \(axes) out of range for shape \(shape)")
        return Array(Set(a)).sorted()
    }

    /// Sum over `axes` (all axes when nil). Shape: reduced dims removed, or kept as 1.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes ?? Array(0..<rank))
        var keep = shape
        for a in ax { keep[a] = 1 }
        let outShape = keepDims ? keep : shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        let x = self
        if !ax.isEmpty && ax == Array((rank - ax.count)..<rank) && count > 0 {
            return sumTrailing(ax.count, outShape: outShape)
        }
        if !ax.isEmpty && ax == Array(0..<ax.count) && count > 0 {
            return sumLeading(ax.count, outShape: outShape)
        }
        let y = Tensor(shape: outShape, repeating: 0)
        let plan = BroadcastPlan(keep, shape)   // A = output (0-strided on reduced axes), B = input
        let px = storage.pointer, py = y.storage.pointer
        plan.forEachRow { o, oa, _, n, sa, _ in
            if sa == 0 {
                var s: Float = 0
                for j in 0..<n { s += px[o + j] }
                py[oa] += s
            } else {
                for j in 0..<n { py[oa + j] += px[o + j] }
            }
        }
        return y.recorded(from: [x]) { g in
            x.addGrad { gx in
                plan.forEachRow { o, oa, _, n, sa, _ in for j in 0..<n { gx[o + j] += g[oa + j * sa] } }
            }
        }
    }

    /// Sum over the last `axes` axes (a global pool: (N, C, H, W) -> (N, C)): each output is one
    /// contiguous run of `inner` inputs; outputs are split across threads, forward and backward.
    private func sumTrailing(_ axes: Int, outShape: [Int]) -> Tensor {
        let x = self
        let inner = shape.suffix(axes).reduce(1, *), outer = count / inner
        let y = Tensor(uninitializedShape: outShape)
        let px = storage.pointer, py = y.storage.pointer
        let grain = Swift.max(1, Parallel.pointwiseGrain / inner), block = 1 << 16
        if outer == 1 && inner >= 2 * block {
            // One long run: blocks of 64k floats summed on threads, then their sums in order (the
            // same bits on any number of threads).
            let blocks = (inner + block - 1) / block
            withUnsafeTemporaryAllocation(of: Float.self, capacity: blocks) { sums in
                Parallel.forRanges(blocks) { bs in
                    for b in bs { sums[b] = vectorSum(px + b * block, Swift.min(block, inner - b * block)) }
                }
                var total: Float = 0
                for b in 0..<blocks { total += sums[b] }
                py[0] = total
            }
        } else {
            Parallel.forRanges(outer, minPerChunk: grain) { r in for i in r { py[i] = vectorSum(px + i * inner, inner) } }
        }
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                Parallel.forRanges(outer, minPerChunk: grain) { r in
                    for i in r {
                        let v = g[i], row = gx + i * inner
                        if fresh { row.update(repeating: v, count: inner) } else { for j in 0..<inner { row[j] += v } }
                    }
                }
            }
        }
    }

    /// Sum over the first `axes` axes (a bias gradient: (N, C) -> (C)): the column sums of a
    /// (outer, inner) matrix, each column summed in row order on one thread; backward adds g to
    /// every row.
    private func sumLeading(_ axes: Int, outShape: [Int]) -> Tensor {
        let x = self
        let outer = shape.prefix(axes).reduce(1, *), inner = count / outer
        let y = Tensor(shape: outShape, repeating: 0)
        let px = storage.pointer, py = y.storage.pointer
        addColumnSums(px, rows: outer, cols: inner, ld: inner, into: py)
        return y.recorded(from: [x]) { g in
            x.writeGrad { gx, fresh in
                moveRows(outer, inner, from: g, stride: 0, to: gx, stride: inner, accumulate: !fresh)
            }
        }
    }

    /// Variance and mean of all elements (`torch.var_mean(x, correction=c)`, no graph), summed in
    /// double: blocks of 64k floats on threads, the block sums added in order (the same bits on any
    /// threads); the variance about the float mean, less n·(mean's rounding)². (Float sums over
    /// 47M MNIST pixels, mostly equal zeros, drifted: std 0.2885 for 0.3081.) Empty: NaN, NaN;
    /// n <= correction: the squares over 0, as PyTorch (inf, or NaN when they are 0).
    public func varianceMean(correction: Int = 1) -> (variance: Double, mean: Double) {
        require(correction >= 0, "varianceMean: correction \(correction) must be >= 0")
        let n = count, block = 1 << 16
        if n == 0 { return (.nan, .nan) }
        let blocks = (n + block - 1) / block, p = storage.pointer
        var parts = [Double](repeating: 0, count: blocks)
        func total(_ f: (UnsafePointer<Float>, Int) -> Double) -> Double {
            parts.withUnsafeMutableBufferPointer { s in
                Parallel.forRanges(blocks) { r in for b in r { s[b] = f(p + b * block, Swift.min(block, n - b * block)) } }
            }
            return parts.reduce(0, +)
        }
        let mean = total { vectorSumDouble($0, $1) } / Double(n)
        let m = Float(mean), off = Double(m) - mean
        let squares = total { vectorSquaredDeviationDouble($0, $1, m) } - Double(n) * off * off
        return (Swift.max(0, squares) / Double(Swift.max(n - correction, 0)), mean)
    }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxes(axes ?? Array(0..<rank))
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Maximum over one axis: the values (axis removed) and the index of the first maximum.
    public func max(axis: Int) -> (values: Tensor, indices: [Int]) {
        let a = axis < 0 ? axis + rank : axis
        require(a >= 0 && a < rank, "max: axis \(axis) out of range for shape \(shape)")
        let d = shape[a], inner = shape[(a + 1)...].reduce(1, *), outer = count / Swift.max(d * inner, 1)
        var outShape = shape
        outShape.remove(at: a)
        let x = self
        let y = Tensor(uninitializedShape: outShape)
        var idx = [Int](repeating: 0, count: outer * inner)
        let px = storage.pointer, py = y.storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = -Float.infinity, bi = 0
                for k in 0..<d {
                    let v = px[(o * d + k) * inner + i]
                    if k == 0 || v > best { best = v; bi = k }
                }
                py[o * inner + i] = best
                idx[o * inner + i] = bi
            }
        }
        let indices = idx
        let values = y.recorded(from: [x]) { g in
            x.addGrad { gx in
                for o in 0..<outer { for i in 0..<inner { gx[(o * d + indices[o * inner + i]) * inner + i] += g[o * inner + i] } }
            }
        }
        return (values, indices)
    }

    /// Index of the maximum along `axis` (first on ties), shape without that axis, flattened.
    public func argmax(axis: Int = -1) -> [Int] {
        withoutGrad { max(axis: axis).indices }
    }
}
