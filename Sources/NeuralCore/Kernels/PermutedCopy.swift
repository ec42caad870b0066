internal import CKernels

/// dst, dense in `shape`, = src[Σ i_d · strides[d]] at each index i (or += when `accumulate`): a
/// permutation of axes made dense (`permuted`) and its gradient. Axes of length 1 are dropped and
/// neighbours that are neighbours in src as well merged. Then either dst's rows are runs of src,
/// copied whole, or one axis q runs along src's rows and each (q, last axis) plane is transposed
/// in register tiles (dm_transpose_body.h), 32 rows of the last axis a task. Each float is
/// written once, by one thread.
func copyPermuted(from src: UnsafePointer<Float>, strides: [Int], shape: [Int], to dst: UnsafeMutablePointer<Float>,
                  accumulate: Bool, file: StaticString = #fileID, line: UInt = #line) {
    var lens: [Int] = [], steps: [Int] = []
    for (n, s) in zip(shape, strides) where n != 1 {
        if n == 0 { return }
        if let l = lens.last, steps.last == s * n { lens[lens.count - 1] = l * n; steps[steps.count - 1] = s } else { lens.append(n); steps.append(s) }
    }
    let r = lens.count, total = lens.reduce(1, *)
    if r == 0 { if accumulate { dst[0] += src[0] } else { dst[0] = src[0] }; return }
    var dense = [Int](repeating: 1, count: r)   // dst's strides over the merged axes
    for d in stride(from: r - 2, through: 0, by: -1) { dense[d] = dense[d + 1] * lens[d + 1] }
    // src's offset of the start of dst row `row` (rows of the last axis).
    func rowOffset(_ row: Int) -> Int {
        var s = 0, rest = row
        for d in stride(from: r - 2, through: 0, by: -1) { s += rest % lens[d] * steps[d]; rest /= lens[d] }
        return s
    }
    let last = lens[r - 1], ls = steps[r - 1]
    if ls == 1 {   // rows that are runs of src
        let rows = total / last
        Parallel.forRanges(rows, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / last), file: file, line: line) { range in
            for row in range {
                let s = src + rowOffset(row), d = dst + row * last
                if accumulate { for j in 0..<last { d[j] += s[j] } } else { d.update(from: s, count: last) }
            }
        }
        return
    }
    guard let q = steps.firstIndex(of: 1) else {   // no axis along src's rows (not from a dense tensor)
        for i in 0..<total {
            var s = 0, rest = i
            for d in stride(from: r - 1, through: 0, by: -1) { s += rest % lens[d] * steps[d]; rest /= lens[d] }
            if accumulate { dst[i] += src[s] } else { dst[i] = src[s] }
        }
        return
    }
    // Planes (lens[q], last): dst[iq · dense[q] + i] = src[iq + i · ls]; tasks of `block` x `width`
    // (rows i, columns iq), so the lines of dst a task writes are still in cache for its next tile.
    let cols = lens[q], block = 32, width = 64
    let blocks = (last + block - 1) / block, strips = (cols + width - 1) / width, planes = total / (last * cols)
    let kernels = dm_kernels_active()!
    Parallel.forRanges(planes * blocks * strips, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / (block * width)),
                       file: file, line: line) { range in
        for task in range {
            let plane = task / (blocks * strips), i0 = task / strips % blocks * block, j0 = task % strips * width
            let n = Swift.min(block, last - i0), m = Swift.min(width, cols - j0)
            // the plane's start: its index over the axes other than q and the last
            var so = 0, dof = 0, rest = plane
            for d in stride(from: r - 2, through: 0, by: -1) where d != q {
                let i = rest % lens[d]; rest /= lens[d]
                so += i * steps[d]; dof += i * dense[d]
            }
            let s = src + so + i0 * ls + j0, d = dst + dof + i0 + j0 * dense[q]
            if accumulate {
                for j in 0..<m { let dj = d + j * dense[q]; for i in 0..<n { dj[i] += s[i * ls + j] } }
            } else {
                kernels.pointee.transpose(s, ls, n, m, d, dense[q])
            }
        }
    }
}
