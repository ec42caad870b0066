import XCTest
import NeuralCore
import TestSupport

final class DropoutTests: XCTestCase {
    func testStatisticsAndEval() {
        var rng = RandomGenerator(seed: 16)
        let x = Tensor.ones([10_000])
        let y = dropout(x, p: 0.3, training: true, using: &rng).scalars
        let zeros = y.filter { $0 == 0 }.count
        XCTAssertEqual(Float(zeros) / 10_000, 0.3, accuracy: 0.02)
        XCTAssertTrue(y.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.7) < 1e-6 })
        XCTAssertEqual(y.reduce(0, +) / 10_000, 1, accuracy: 0.03)
        XCTAssertEqual(dropout(x, p: 0.3, training: false, using: &rng).scalars, x.scalars)
    }

    func testGradientUsesTheSameMask() {
        var base = RandomGenerator(seed: 17)
        let x = Tensor.normal([4, 5], using: &base)
        checkGradients([x], "dropout") { xs in
            var rng = RandomGenerator(seed: 99)   // the same mask on every evaluation
            return dropout(xs[0], p: 0.4, training: true, using: &rng)
        }
    }

    func testSameSeedSameMask() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let x = Tensor.ones([100])
        XCTAssertEqual(dropout(x, p: 0.5, training: true, using: &a).scalars, dropout(x, p: 0.5, training: true, using: &b).scalars)
    }

    /// The mask comes from one random sequence whatever the threads; the products run on them.
    func testSameMaskOnAnyThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var base = RandomGenerator(seed: 45)
        let xv = Tensor.normal([70_001], using: &base)
        var first: [[Float]] = []
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            var rng = RandomGenerator(seed: 46)
            let x = xv.requiringGrad(), y = dropout(x, p: 0.3, training: true, using: &rng)
            (y * xv).sum().backward()
            let results = [y.scalars, x.grad!.scalars]
            let ys = y.scalars, xs = xv.scalars
            var wrong = 0   // kept values not x / (1 - p)
            for i in 0..<ys.count where ys[i] != 0 { let want = xs[i] / 0.7; if Swift.abs(ys[i] - want) > 1e-5 * Swift.abs(want) { wrong += 1 } }
            XCTAssertEqual(wrong, 0)
            if first.isEmpty { first = results } else { XCTAssertEqual(results, first, "\(threads) threads against 1") }
        }
    }
}
