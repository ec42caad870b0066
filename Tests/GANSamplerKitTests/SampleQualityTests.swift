import XCTest
import NeuralCore
import TestSupport
@testable import GANSamplerKit

/// Inception Score and Frechet distance against NumPy/SciPy (scripts/make_gan_quality_fixtures.py),
/// the eigen solver against a known matrix, the histogram.
final class SampleQualityTests: XCTestCase {
    func testMatchesNumPyAndSciPy() throws {
        let fx = try Fixtures.load("gan/quality.safetensors")
        let expected = try fx.tensor("expected").scalars
        let p = try fx.tensor("probabilities").scalars
        XCTAssertEqual(SampleQuality.inceptionScore(p, classes: 10), Double(expected[0]), accuracy: 1e-4 * Double(expected[0]))
        let a = SampleQuality.gaussian(try fx.tensor("features_a").scalars, dims: 24)
        let b = SampleQuality.gaussian(try fx.tensor("features_b").scalars, dims: 24)
        XCTAssertEqual(SampleQuality.frechetDistance(a, b), Double(expected[1]), accuracy: 1e-3 * Double(expected[1]))
        XCTAssertEqual(SampleQuality.frechetDistance(a, a), 0, accuracy: 1e-6)
    }

    func testEigenDecomposition() {
        let m: [Double] = [4, 1, 0, 1, 3, 1, 0, 1, 2]
        let e = SymmetricEigen(m, n: 3)
        let sorted = e.values.sorted()
        // Eigenvalues of this matrix: 3 - sqrt(3), 3, 3 + sqrt(3).
        XCTAssertEqual(sorted[0], 3 - 3.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(sorted[1], 3, accuracy: 1e-12)
        XCTAssertEqual(sorted[2], 3 + 3.0.squareRoot(), accuracy: 1e-12)
        let back = e.applying { $0 }
        for i in 0..<9 { XCTAssertEqual(back[i], m[i], accuracy: 1e-12) }
        let root = e.applying { $0.squareRoot() }
        for i in 0..<3 { for j in 0..<3 {
            let sq = (0..<3).reduce(0.0) { $0 + root[i * 3 + $1] * root[$1 * 3 + j] }
            XCTAssertEqual(sq, m[i * 3 + j], accuracy: 1e-12)
        } }
    }

    func testHistogramAndPerfectScore() {
        // Ten classes, each sample certain and the classes balanced: IS = 10.
        var p = [Float](repeating: 0, count: 100 * 10)
        for i in 0..<100 { p[i * 10 + i % 10] = 1 }
        XCTAssertEqual(SampleQuality.inceptionScore(p, classes: 10), 10, accuracy: 1e-9)
        XCTAssertEqual(SampleQuality.histogram(p, classes: 10), [Int](repeating: 10, count: 10))
        // All in one class: IS = 1.
        let one = (0..<50).flatMap { _ in [Float(1)] + [Float](repeating: 0, count: 9) }
        XCTAssertEqual(SampleQuality.inceptionScore(one, classes: 10), 1, accuracy: 1e-9)
    }
}
