import XCTest
import NeuralCore
@testable import ImageClassifierKit

final class NormalizationTests: XCTestCase {
    /// A data set's statistics as numpy's x.mean() and x.std() give them, for 2M pixel-like
    /// values (a float running sum over them drifted: std 0.2885 for MNIST's 0.3081), and
    /// `apply` maps them to mean 0 and std 1.
    func testStatisticsOfManyPixels() {
        var rng = RandomGenerator(seed: 5)
        let n = 2_000_000
        let u = Tensor.uniform([n], low: 0.2, high: 1, using: &rng).scalars
        let x = Tensor(shape: [n], scalars: (0..<n).map { $0 % 4 == 0 ? u[$0] : 0 })
        let mean = x.scalars.reduce(0.0) { $0 + Double($1) } / Double(n)
        let std = (x.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)).squareRoot()
        let norm = Normalization.of(x)
        XCTAssertEqual(Double(norm.mean), mean, accuracy: 1e-6 * mean)
        XCTAssertEqual(Double(norm.std), std, accuracy: 1e-6 * std)
        let y = norm.apply(x).varianceMean(correction: 0)
        XCTAssertEqual(y.mean, 0, accuracy: 1e-6)
        XCTAssertEqual(y.variance, 1, accuracy: 1e-5)
    }

    /// A constant or empty set keeps a usable scale (no division by 0).
    func testConstantAndEmpty() {
        let c = Normalization.of(Tensor(shape: [100], repeating: 0.5))
        XCTAssertEqual(c.mean, 0.5)
        XCTAssertGreaterThan(c.std, 0)
        XCTAssertEqual(Normalization.of(Tensor.zeros([0])), Normalization(mean: 0, std: 1))
    }
}
