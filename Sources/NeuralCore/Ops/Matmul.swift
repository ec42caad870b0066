import Require
// Matrix products through BLAS.sgemm: matmul (2-d and batched) and linear.

extension Tensor {
    /// (m, k)·(k, n) -> (m, n); batched (B.., m, k)·(B.., k, n) -> (B.., m, n); (B.., m, k)·(k, n).
    public func matmul(_ other: Tensor) -> Tensor {
        let a = self, b = other
        require(a.rank >= 2 && b.rank >= 2, "matmul: needs rank >= 2, got \(a.shape) and \(b.shape)")
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        require(b.shape[b.rank - 2] == k, "matmul: inner sizes differ in \(a.shape) · \(b.shape)")
        if b.rank == 2 {
            // Fold a's batch into its rows.
            let rows = a.count / Swift.max(k, 1)
            let y = Tensor(uninitializedShape: Array(a.shape.dropLast()) + [n])
            let pa = a.storage.pointer, pb = b.storage.pointer, py = y.storage.pointer
            BLAS.sgemm(m: rows, n: n, k: k, a: pa, lda: k, b: pb, ldb: n, c: py, ldc: n)
            return y.recorded(from: [a, b]) { g in
                if a.requiresGrad { a.addGrad { ga in BLAS.sgemm(transB: true, m: rows, n: k, k: n, a: g, lda: n, b: pb, ldb: n, beta: 1, c: ga, ldc: k) } }
                if b.requiresGrad { b.addGrad { gb in BLAS.sgemm(transA: true, m: k, n: n, k: rows, a: pa, lda: k, b: g, ldb: n, beta: 1, c: gb, ldc: n) } }
            }
        }
        let batchShape = Array(a.shape.dropLast(2))
        require(batchShape == Array(b.shape.dropLast(2)), "matmul: batch shapes differ in \(a.shape) · \(b.shape)")
        let batch = batchShape.reduce(1, *)
        let y = Tensor(uninitializedShape: batchShape + [m, n])
        let pa = a.storage.pointer, pb = b.storage.pointer, py = y.storage.pointer
        for i in 0..<batch {
            BLAS.sgemm(m: m, n: n, k: k, a: pa + i * m * k, lda: k, b: pb + i * k * n, ldb: n, c: py + i * m * n, ldc: n)
        }
        return y.recorded(from: [a, b]) { g in
            for i in 0..<batch {
                let gi = g + i * m * n
                if a.requiresGrad { a.addGrad { ga in BLAS.sgemm(transB: true, m: m, n: k, k: n, a: gi, lda: n, b: pb + i * k * n, ldb: n, beta: 1, c: ga + i * m * k, ldc: k) } }
                if b.requiresGrad { b.addGrad { gb in BLAS.sgemm(transA: true, m: k, n: n, k: m, a: pa + i * m * k, lda: k, b: gi, ldb: n, beta: 1, c: gb + i * k * n, ldc: n) } }
            }
        }
    }
}

/// y = x·Wᵀ + b. x: (..., in), weight: (out, in), bias: (out) -> (..., out).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let outF = weight.shape[0], inF = weight.shape[1]
    require(weight.rank == 2 && x.shape.last == inF, "linear: input \(x.shape) does not fit weight \(weight.shape)")
    if let bias { checkShape(bias.shape, [outF], "linear bias") }
    let rows = x.count / Swift.max(inF, 1)
    let y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outF])
    let px = x.storage.pointer, pw = weight.storage.pointer, py = y.storage.pointer
    if let bias {
        let pb = bias.storage.pointer
        Parallel.forRanges(rows, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / Swift.max(outF, 1))) { r in
            for i in r { (py + i * outF).update(from: pb, count: outF) }
        }
    }
    BLAS.sgemm(transB: true, m: rows, n: outF, k: inF, a: px, lda: inF, b: pw, ldb: inF, beta: bias == nil ? 0 : 1, c: py, ldc: outF)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return y.recorded(from: inputs) { g in
        x.writeGrad { gx, fresh in BLAS.sgemm(m: rows, n: inF, k: outF, a: g, lda: outF, b: pw, ldb: inF, beta: fresh ? 0 : 1, c: gx, ldc: inF) }
        if weight.requiresGrad { weight.addGrad { gw in BLAS.sgemm(transA: true, m: outF, n: inF, k: rows, a: g, lda: outF, b: px, ldb: inF, beta: 1, c: gw, ldc: inF) } }
        if let bias, bias.requiresGrad {
            // gb[j] += Σ_r g[r, j], split by columns (each column's sum in row order on one thread).
            bias.addGrad { gb in addColumnSums(g, rows: rows, cols: outF, ld: outF, into: gb) }
        }
    }
}
