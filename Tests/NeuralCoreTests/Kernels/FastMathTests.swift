import XCTest
import Foundation
@testable import NeuralCore
import TestSupport

final class FastMathTests: XCTestCase {
    func testAgainstFoundation() {
        forEachKernelSet { _ in
            let xs = stride(from: -30.0 as Float, through: 30, by: 0.0137).map { $0 } + [0, 1e-6, -1e-6, 0.6249, 0.6251, -0.625, 80, -80, 100, -100]
            var e = [Float](repeating: 0, count: xs.count), s = e, t = e
            FastMath.exp(xs, &e, xs.count)
            FastMath.sigmoid(xs, &s, xs.count)
            FastMath.tanh(xs, &t, xs.count)
            for (i, x) in xs.enumerated() {
                let d = Double(x)
                if Swift.abs(x) < 85 { XCTAssertEqual(Double(e[i]), Foundation.exp(d), accuracy: 4e-7 * Foundation.exp(d), "exp(\(x))") }
                XCTAssertEqual(Double(s[i]), 1 / (1 + Foundation.exp(-d)), accuracy: 2e-7, "sigmoid(\(x))")
                XCTAssertEqual(Double(t[i]), Foundation.tanh(d), accuracy: 2e-7 + 2e-7 * Swift.abs(Foundation.tanh(d)), "tanh(\(x))")
            }
            XCTAssertTrue(e.allSatisfy { $0.isFinite })
        }
    }

    /// ReLU and leaky ReLU forward and backward against their definitions on every kernel set, over
    /// lengths that leave a tail after the vectors, with NaN (ReLU: 0; leaky: NaN), ±0 and ±inf.
    func testRectifiersMatchTheDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 21)
            for n in [1, 7, 16, 37, 100] {
                var x = Tensor.normal([n], using: &rng).scalars
                x[0] = .nan
                if n > 3 { x[1] = -0.0; x[2] = .infinity; x[3] = -.infinity }
                let g = Tensor.normal([n], using: &rng).scalars
                for slope: Float in [0, 0.2] {
                    var y = [Float](repeating: 7, count: n)
                    FastMath.rectifier(x, slope: slope, &y, n)
                    var gx = [Float](repeating: 1, count: n)
                    FastMath.rectifierBackward(ref: x, g, slope: slope, &gx, n, accumulate: true)
                    for i in 0..<n {
                        let want: Float = x[i] > 0 ? x[i] : (slope == 0 ? 0 : slope * x[i])
                        XCTAssertTrue(y[i] == want || (y[i].isNaN && want.isNaN), "\(set) slope \(slope) x \(x[i]): \(y[i])")
                        XCTAssertEqual(gx[i], 1 + (x[i] > 0 ? g[i] : slope * g[i]), accuracy: 1e-6, "\(set) backward at \(i)")
                    }
                }
            }
        }
    }
}
