/// Scales all gradients so their global L2 norm is at most `maxNorm` (PyTorch's clip_grad_norm_:
/// coef = min(1, maxNorm / (norm + 1e-6))). Returns the norm before clipping.
@discardableResult
public func clipGradNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var sq: Double = 0
    for p in parameters {
        guard let g = p.value.node?.grad else { continue }
        for j in 0..<g.count { sq += Double(g.pointer[j]) * Double(g.pointer[j]) }
    }
    let norm = Float(sq.squareRoot())
    let coef = Swift.min(1, maxNorm / (norm + 1e-6))
    if coef < 1 {
        for p in parameters {
            guard let g = p.mutableGrad() else { continue }
            for j in 0..<p.shape.reduce(1, *) { g[j] *= coef }
        }
    }
    return norm
}
