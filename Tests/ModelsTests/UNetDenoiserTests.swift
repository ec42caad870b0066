import XCTest
import NeuralCore
@testable import Models

final class UNetDenoiserTests: XCTestCase {
    /// The layout of the photo denoiser's U-Net: PyTorch counts 2,283,393 parameters for the same
    /// layers (torch.nn, width 32, 3 levels); state_dict names by level.
    func testParametersAndNames() {
        var rng = RandomGenerator(seed: 1)
        let net = UNetDenoiser(width: 32, levels: 3, rng: &rng)
        XCTAssertEqual(net.parameterCount, 2_283_393)
        let names = net.namedParameters().map(\.0)
        for n in ["inc.0.weight", "inc.3.weight", "down1.0.weight", "down3.6.running_var", "up1.weight", "dec0.0.weight", "dec2.4.bias", "outc.bias"] {
            XCTAssertTrue(names.contains(n), n)
        }
        XCTAssertEqual(net.alignment, 8)
    }

    /// One changed input pixel changes no output pixel farther than `receptiveRadius` away (the
    /// bound tiling relies on), and does change pixels well beyond a plain 15-layer network's reach.
    func testReceptiveRadiusBoundsTheReach() {
        var rng = RandomGenerator(seed: 2)
        let net = UNetDenoiser(width: 4, levels: 3, rng: &rng)
        net.eval()
        let side = 176, c = 88
        let x = Tensor.uniform([1, 1, side, side], low: 0, high: 1, using: &rng)
        var bumped = x.scalars; bumped[c * side + c] += 1
        let a = inference { net(x) }.scalars, b = inference { net(Tensor(shape: x.shape, scalars: bumped)) }.scalars
        var reach = 0
        for y in 0..<side { for xx in 0..<side where a[y * side + xx] != b[y * side + xx] {
            reach = Swift.max(reach, Swift.abs(y - c), Swift.abs(xx - c))
        } }
        XCTAssertLessThanOrEqual(reach, net.receptiveRadius)
        XCTAssertGreaterThan(reach, 30)
    }

    /// Any size in inference (edge-padded to multiples of 8 and cropped); training refuses one.
    func testOddSizesInInference() {
        var rng = RandomGenerator(seed: 3)
        let net = UNetDenoiser(width: 4, levels: 2, rng: &rng)
        net.eval()
        let x = Tensor.uniform([2, 1, 13, 18], low: 0, high: 1, using: &rng)
        XCTAssertEqual(inference { net(x) }.shape, [2, 1, 13, 18])
        net.train()
        XCTAssertEqual(net(Tensor.uniform([2, 1, 16, 12], low: 0, high: 1, using: &rng)).shape, [2, 1, 16, 12])
    }
}
