internal import CKernels

/// dst row o = src row o (or += when `accumulate`) for o < rows, `len` floats each; rows `srcStride`
/// and `dstStride` floats apart. The moves of slice, concatenate, reshape and padding, and of their
/// gradients. Split across threads by ranges of the rows·len floats (a range may start or end inside
/// a row), so a few long rows spread as well as many short ones; each float is written once.
func moveRows(_ rows: Int, _ len: Int, from src: UnsafePointer<Float>, stride srcStride: Int,
              to dst: UnsafeMutablePointer<Float>, stride dstStride: Int, accumulate: Bool,
              file: StaticString = #fileID, line: UInt = #line) {
    if rows <= 0 || len <= 0 { return }
    Parallel.forRanges(rows * len, minPerChunk: Parallel.pointwiseGrain, file: file, line: line) { r in
        // rows × n floats from s to d, rows at the layouts' strides
        func move(_ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, rows: Int, n: Int) {
            if accumulate { dm_kernels_active()!.pointee.add_rows(s, srcStride, d, dstStride, rows, n); return }
            for k in 0..<rows { (d + k * dstStride).update(from: s + k * srcStride, count: n) }
        }
        var i = r.lowerBound
        while i < r.upperBound {
            let o = i / len, j = i - o * len
            let s = src + o * srcStride + j, d = dst + o * dstStride + j
            let whole = j == 0 ? (r.upperBound - i) / len : 0   // whole rows from here
            if whole > 0 {
                move(s, d, rows: whole, n: len); i += whole * len
            } else {
                let n = Swift.min(len - j, r.upperBound - i)   // a row's head or tail
                move(s, d, rows: 1, n: n); i += n
            }
        }
    }
}
