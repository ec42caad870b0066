import Require
/// Row lookup: indices of any shape S into weight (V, D) -> S + (D). Gradient rows accumulate.
public func embedding(_ indices: [Int], shape: [Int], weight: Tensor) -> Tensor {
    require(weight.rank == 2, "embedding: weight must be (vocab, dim), got \(weight.shape)")
    require(Tensor.count(of: shape) == indices.count, "embedding: \(indices.count) indices for shape \(shape)")
    let v = weight.shape[0], d = weight.shape[1]
    for i in indices { require(i >= 0 && i < v, "embedding: index \(i) outside vocabulary of \(v)") }
    let y = Tensor(uninitializedShape: shape + [d])
    let pw = weight.storage.pointer, py = y.storage.pointer
    for (r, i) in indices.enumerated() { (py + r * d).update(from: pw + i * d, count: d) }
    return y.recorded(from: [weight]) { g in
        weight.addGrad { gw in
            for (r, i) in indices.enumerated() { let gr = g + r * d, dst = gw + i * d; for j in 0..<d { dst[j] += gr[j] } }
        }
    }
}
