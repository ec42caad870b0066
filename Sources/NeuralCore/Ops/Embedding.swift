import Require
/// Row lookup: indices of any shape S into weight (V, D) -> S + (D). Gradient rows accumulate.
public func embedding(_ indices: [Int], shape: [Int], weight: Tensor) -> Tensor {
    require(weight.rank == 2, "embedding: weight must be (vocab, dim), got \(weight.shape)")
    require(Tensor.count(of: shape) == indices.count, "embedding: \(indices.count) indices for shape \(shape)")
    let v = weight.shape[0], d = weight.shape[1]
    for i in indices { require(i >= 0 && i < v, "embedding: index \(i) outside vocabulary of \(v)") }
    let y = Tensor(uninitializedShape: shape + [d])
    let pw = weight.storage.pointer, py = y.storage.pointer
    indices.withUnsafeBufferPointer { ix in
        forEachRowRange(ix.count, d) { rs in for r in rs { (py + r * d).update(from: pw + ix[r] * d, count: d) } }
    }
    return y.recorded(from: [weight]) { g in
        weight.addGrad { gw in
            // Split by vocabulary rows: each thread adds the rows of its own words, in index order.
            indices.withUnsafeBufferPointer { ix in
                forEachRowRange(v, Swift.max(1, ix.count * d / Swift.max(v, 1))) { words in
                    for (r, i) in ix.enumerated() where words.contains(i) {
                        let gr = g + r * d, dst = gw + i * d
                        for j in 0..<d { dst[j] += gr[j] }
                    }
                }
            }
        }
    }
}
