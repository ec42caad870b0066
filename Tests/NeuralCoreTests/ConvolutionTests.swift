import XCTest
@testable import NeuralCore
import TestSupport

/// (a, a) from an int, or (a, b) from a two-element list, as PyTorch's arguments.
func pair(_ v: Any?, default d: Int) -> (Int, Int) {
    if let i = v as? Int { return (i, i) }
    if let l = v as? [Int], l.count == 2 { return (l[0], l[1]) }
    return (d, d)
}

final class ConvolutionTests: XCTestCase {
    func testParityWithPyTorch() throws {
        let cases = Fixtures.cases(in: "ops").filter { $0.hasPrefix("conv2d_") }
        XCTAssertEqual(cases.count, 7)
        for name in cases {
            try runOpFixture(name) { fx, t in
                let args = fx.config["args"] as! [String: Any]
                return ["output": conv2d(t["input"]!, weight: t["weight"]!, bias: t["bias"],
                                         stride: pair(args["stride"], default: 1), padding: pair(args["padding"], default: 0),
                                         dilation: pair(args["dilation"], default: 1))]
            }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor.normal([2, 3, 6, 5], using: &rng)
        let w = Tensor.normal([4, 3, 3, 3], std: 0.3, using: &rng), b = Tensor.normal([4], using: &rng)
        checkGradients([x, w, b], "conv k3 p1") { conv2d($0[0], weight: $0[1], bias: $0[2], padding: (1, 1)) }
        checkGradients([x, w], "conv k3 s2 d2") { conv2d($0[0], weight: $0[1], stride: (2, 1), padding: (2, 1), dilation: (2, 1)) }
        // k4 s2 p1 on even planes (DCGAN's down-sampling): im2col and col2im by phase planes.
        let xe = Tensor.normal([2, 3, 6, 8], using: &rng), w4 = Tensor.normal([4, 3, 4, 4], std: 0.3, using: &rng)
        checkGradients([xe, w4, b], "conv k4 s2 p1") { conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1)) }
    }

    /// Inference takes the direct 3x3 kernel (rows of 16+ pixels): it agrees with the im2col path
    /// on DnCNN's layers and on widths with an overlapping last segment and channel counts that
    /// are not a multiple of 4.
    func testDirectKernelMatchesIm2col() {
        var rng = RandomGenerator(seed: 14)
        for (cin, cout, h, w) in [(32, 32, 40, 40), (1, 32, 40, 40), (32, 1, 40, 40), (3, 5, 3, 20), (4, 6, 2, 17)] {
            let x = Tensor.normal([3, cin, h, w], using: &rng)
            let wt = Tensor.normal([cout, cin, 3, 3], std: 0.06, using: &rng), b = Tensor.normal([cout], using: &rng)
            let direct = withoutGrad { conv2d(x, weight: wt, bias: b, padding: (1, 1)) }
            DirectConv3x3.enabled = false
            let reference = withoutGrad { conv2d(x, weight: wt, bias: b, padding: (1, 1)) }
            DirectConv3x3.enabled = true
            assertClose(direct, reference, rtol: 1e-5, atol: 1e-5, "\(cin)->\(cout) \(h)x\(w)")
        }
    }

    func testParallelBatchMatchesSerial() {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.normal([5, 2, 7, 7], using: &rng), w = Tensor.normal([3, 2, 3, 3], using: &rng)
        let saved = Parallel.threads
        Parallel.threads = 1
        let serial = conv2d(x, weight: w, padding: (1, 1))
        Parallel.threads = 2
        let parallel = conv2d(x, weight: w, padding: (1, 1))
        Parallel.threads = saved
        assertClose(parallel, serial, rtol: 1e-6, atol: 1e-6)
    }
}
