import XCTest
@testable import NeuralCore
import TestSupport

final class ConvTranspose2DTests: XCTestCase {
    /// In inference ConvTranspose2D + eval BatchNorm2D + ReLU runs as one pass (the norm folded
    /// into the (Cin, Cout, k, k) weight along Cout): the same values as the layers one by one,
    /// on DCGAN's k4 s2 p1 geometry and a k3 s1 one, with and without bias.
    func testThenNormAndReLU() {
        var rng = RandomGenerator(seed: 42)
        for (k, s, p, bias) in [(4, 2, 1, true), (3, 1, 1, false)] {
            let deconv = ConvTranspose2D(6, 5, kernel: k, stride: s, padding: p, bias: bias, rng: &rng)
            let bn = randomEvalNorm(BatchNorm2D(5), using: &rng)
            let x = Tensor.normal([3, 6, 7, 7], using: &rng)
            for (norm, relu) in [(bn, true), (bn, false), (nil, true)] as [(BatchNorm?, Bool)] {
                let fused = withoutGrad { deconv(x, then: norm, relu: relu) }
                let layered = layerByLayer(deconv(x), then: norm, relu: relu)
                assertClose(fused, layered, rtol: 1e-5, atol: 1e-5, "k\(k) s\(s), norm \(norm != nil), relu \(relu)")
            }
        }
    }
}
