import NeuralCore

/// `bn` in eval mode with random scale, shift and running statistics (not the identity of a
/// fresh norm), for tests of the fused inference paths.
public func randomEvalNorm<Norm: BatchNorm>(_ bn: Norm, using rng: inout RandomGenerator) -> Norm {
    let c = bn.weight.value.count
    bn.weight.assign(Tensor.uniform([c], low: 0.5, high: 1.5, using: &rng))
    bn.bias.assign(Tensor.normal([c], using: &rng))
    bn.runningMean.assign(Tensor.normal([c], std: 0.3, using: &rng))
    bn.runningVar.assign(Tensor.uniform([c], low: 0.3, high: 2, using: &rng))
    bn.eval()
    return bn
}

/// The reference for a fused `layer(x, then: norm, relu:)`: h, then the norm, then ReLU, one by one.
public func layerByLayer(_ h: Tensor, then norm: BatchNorm?, relu: Bool) -> Tensor {
    let normed = norm.map { $0(h) } ?? h
    return relu ? normed.relu() : normed
}
