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
}
