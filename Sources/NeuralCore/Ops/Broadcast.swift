import Require
/// Broadcasting of two shapes (NumPy rules): the output shape and, per input, strides with 0 on
/// broadcast dimensions. Kernels walk the output row by row (last dimension contiguous).
struct BroadcastPlan {
    let shape: [Int]
    let stridesA: [Int]
    let stridesB: [Int]

    init(_ a: [Int], _ b: [Int]) {
        let r = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: r - a.count) + a
        let pb = [Int](repeating: 1, count: r - b.count) + b
        var out = [Int](repeating: 0, count: r)
        for i in 0..<r {
            require(pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1, "broadcast: shapes \(a) and \(b) are incompatible")
            out[i] = pa[i] == 1 ? pb[i] : pa[i]
        }
        func strides(_ s: [Int]) -> [Int] {
            var st = Tensor.strides(of: s)
            for i in 0..<r where s[i] == 1 && out[i] != 1 { st[i] = 0 }
            return st
        }
        shape = out
        stridesA = strides(pa)
        stridesB = strides(pb)
    }

    /// Output rows (of the last dimension; 1 for a 0-d output).
    var rows: Int { shape.isEmpty ? 1 : Tensor.count(of: shape) / max(shape[shape.count - 1], 1) }

    /// Calls `body(outOffset, aOffset, bOffset, rowLength, aStep, bStep)` once per output row, for
    /// the rows in `range` (all when nil), in order.
    @inline(__always)
    func forEachRow(in range: Range<Int>? = nil, _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let r = shape.count
        if r == 0 { if range?.isEmpty != true { body(0, 0, 0, 1, 0, 0) }; return }
        let len = shape[r - 1]
        let sa = stridesA[r - 1], sb = stridesB[r - 1]
        let range = range ?? 0..<rows
        if len == 0 || range.isEmpty { return }
        // The multi-index of the first row over the leading r-1 dimensions, and its offsets.
        var idx = [Int](repeating: 0, count: r)
        var offA = 0, offB = 0, q = range.lowerBound
        for d in stride(from: r - 2, through: 0, by: -1) {
            idx[d] = q % shape[d]; q /= shape[d]
            offA += idx[d] * stridesA[d]; offB += idx[d] * stridesB[d]
        }
        for row in range {
            body(row * len, offA, offB, len, sa, sb)
            // Advance the multi-index over the leading r-1 dimensions.
            var d = r - 2
            while d >= 0 {
                idx[d] += 1
                offA += stridesA[d]; offB += stridesB[d]
                if idx[d] < shape[d] { break }
                offA -= stridesA[d] * shape[d]; offB -= stridesB[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }
}
