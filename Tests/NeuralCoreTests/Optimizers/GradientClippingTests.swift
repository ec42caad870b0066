import XCTest
import NeuralCore
import TestSupport

final class GradientClippingTests: XCTestCase {
    func testMatchesPyTorch() throws {
        for name in ["clip_grad_norm", "clip_grad_norm_noclip"] {
            let fx = try Fixtures.load("optim/\(name).safetensors")
            let g0 = try fx.tensor("grad0_before"), g1 = try fx.tensor("grad1_before")
            let p0 = Parameter(.zeros(g0.shape)), p1 = Parameter(.zeros(g1.shape))
            ((p0.value * g0).sum() + (p1.value * g1).sum()).backward()
            let norm = clipGradNorm([p0, p1], maxNorm: Float(fx.config["max_norm"] as! Double))
            XCTAssertEqual(norm, try fx.tensor("total_norm").item, accuracy: 1e-5)
            assertClose(p0.grad!, try fx.tensor("grad0_after"), name)
            assertClose(p1.grad!, try fx.tensor("grad1_after"), name)
        }
    }
}
