import XCTest
import NeuralCore
import TestSupport

final class ConvTransposeTests: XCTestCase {
    func testParityWithPyTorch() throws {
        let cases = Fixtures.cases(in: "ops").filter { $0.hasPrefix("conv_transpose2d_") }
        XCTAssertEqual(cases.count, 3)
        for name in cases {
            try runOpFixture(name) { fx, t in
                let args = fx.config["args"] as! [String: Any]
                return ["output": convTranspose2d(t["input"]!, weight: t["weight"]!, bias: t["bias"],
                                                  stride: pair(args["stride"], default: 1), padding: pair(args["padding"], default: 0),
                                                  outputPadding: pair(args["output_padding"], default: 0))]
            }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 13)
        let x = Tensor.normal([2, 3, 3, 4], using: &rng)
        let w = Tensor.normal([3, 2, 4, 4], std: 0.3, using: &rng), b = Tensor.normal([2], using: &rng)
        checkGradients([x, w, b], "convT k4 s2 p1") { convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1)) }
        checkGradients([x, w], "convT k4 s2 op1") { convTranspose2d($0[0], weight: $0[1], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1)) }
    }
}
