import XCTest
@testable import NeuralCore
import TestSupport

/// The sums and the affine map behind batch normalisation, on every kernel set, against double
/// precision: lengths below the Swift cut (32), around the vector blocks and with a tail.
final class VectorSumsTests: XCTestCase {
    func testSumsMatchDoublePrecision() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 22)
            for n in [0, 5, 31, 32, 63, 64, 65, 200, 1601] {
                let a = Tensor.normal([n], using: &rng).scalars.map { $0 + 3 }, b = Tensor.normal([n], using: &rng).scalars
                let m: Float = 2.5
                let sum = a.reduce(0.0) { $0 + Double($1) }
                let sq = a.reduce(0.0) { $0 + (Double($1) - Double(m)) * (Double($1) - Double(m)) }
                let dot = zip(b, a).reduce(0.0) { $0 + Double($1.0) * (Double($1.1) - Double(m)) }
                let scale = Double(max(n, 1)).squareRoot() * 4e-7 * 8
                XCTAssertEqual(Double(vectorSum(a, n)), sum, accuracy: scale * 4, "\(set) sum n \(n)")
                XCTAssertEqual(Double(vectorSquaredDeviation(a, n, m)), sq, accuracy: scale * 4, "\(set) squared deviation n \(n)")
                XCTAssertEqual(Double(vectorDotCentered(b, a, n, m)), dot, accuracy: scale * 4, "\(set) dot n \(n)")
            }
        }
    }

    /// The elementwise losses' sums: each difference rounded to a float as the loss's own value
    /// does, then squared (or its magnitude) and summed in Double: within Double's rounding of that.
    func testErrorSumsMatchTheirDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 23)
            for n in [0, 1, 15, 16, 17, 31, 32, 33, 200, 4096, 4099] {
                let x = Tensor.normal([n], using: &rng).scalars, t = Tensor.normal([n], using: &rng).scalars.map { $0 * 3 }
                let d = zip(x, t).map { Double($0 - $1) }
                let sq = d.reduce(0) { $0 + $1 * $1 }, ab = d.reduce(0) { $0 + Swift.abs($1) }
                XCTAssertEqual(vectorSquaredErrorSum(x, t, n), sq, accuracy: 1e-13 * Swift.max(sq, 1), "\(set) squared n \(n)")
                XCTAssertEqual(vectorAbsoluteErrorSum(x, t, n), ab, accuracy: 1e-13 * Swift.max(ab, 1), "\(set) absolute n \(n)")
            }
        }
    }

    /// The double sums behind a data set's mean and variance: every element and tail lane once,
    /// within Double's rounding (1e-10 over 400k terms), where float sums of equal values drift.
    func testDoubleSumsOfEqualRuns() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 24)
            for n in [0, 1, 15, 16, 17, 31, 32, 33, 200, 4099, 400_000] {
                let x = Tensor.uniform([n], low: 0.3, high: 1, using: &rng).scalars.enumerated().map { $0.offset % 5 == 0 ? $0.element : 0 }
                let m: Float = 0.13
                let sum = x.reduce(0.0) { $0 + Double($1) }, sq = x.reduce(0.0) { $0 + (Double($1) - Double(m)) * (Double($1) - Double(m)) }
                XCTAssertEqual(vectorSumDouble(x, n), sum, accuracy: 1e-10 * Swift.max(sum, 1), "\(set) sum n \(n)")
                XCTAssertEqual(vectorSquaredDeviationDouble(x, n, m), sq, accuracy: 1e-10 * Swift.max(sq, 1), "\(set) squared deviation n \(n)")
            }
        }
    }

    func testAffineCenteredWritesOrAdds() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 23)
            for n in [3, 16, 45] {
                let u = Tensor.normal([n], using: &rng).scalars, v = Tensor.normal([n], using: &rng).scalars
                var y = [Float](repeating: 0.5, count: n), z = y
                vectorAffineCentered(u, 2, v, 0.25, -3, 0.75, n, into: &y, accumulate: false)
                vectorAffineCentered(nil, 2, v, 0.25, -3, 0.75, n, into: &z, accumulate: true)
                for i in 0..<n {
                    XCTAssertEqual(y[i], 2 * u[i] - 3 * (v[i] - 0.25) + 0.75, accuracy: 1e-5, "\(set) written, \(i)")
                    XCTAssertEqual(z[i], 0.5 - 3 * (v[i] - 0.25) + 0.75, accuracy: 1e-5, "\(set) added, no u, \(i)")
                }
            }
        }
    }

    /// vectorMax and vectorMin: the largest and smallest of every length 0...40 (vector part,
    /// tail, both), wherever they are; -inf and +inf for none.
    func testMaxOfEveryLength() {
        var rng = RandomGenerator(seed: 17)
        XCTAssertEqual([Float]().withUnsafeBufferPointer { vectorMax($0.baseAddress ?? UnsafePointer(bitPattern: 64)!, 0) }, -.infinity)
        XCTAssertEqual([Float]().withUnsafeBufferPointer { vectorMin($0.baseAddress ?? UnsafePointer(bitPattern: 64)!, 0) }, .infinity)
        for n in 1...40 {
            for at in Set([0, n / 2, n - 1]) {
                var x = Tensor.normal([n], using: &rng).scalars.map { $0 - 10 }
                x[at] = 3
                XCTAssertEqual(x.withUnsafeBufferPointer { vectorMax($0.baseAddress!, n) }, 3, "n \(n), largest at \(at)")
                x[at] = -30
                XCTAssertEqual(x.withUnsafeBufferPointer { vectorMin($0.baseAddress!, n) }, -30, "n \(n), smallest at \(at)")
            }
        }
    }
}
