import XCTest
@testable import NeuralCore
import TestSupport

final class WeightAverageTests: XCTestCase {
    /// After updates with weights w1, w2, w3 the average is the EMA with d_n = min(decay, (1+n)/(10+n))
    /// started at the initial weights w0; copy(into:) writes it; state/restore and reset round-trip.
    func testAverageFollowsTheDefinition() throws {
        var rng = RandomGenerator(seed: 5)
        let net = Linear(3, 2, rng: &rng)
        let avg = WeightAverage(of: net, decay: 0.2)
        var expected = net.weight.value.scalars
        for n in 0..<3 {
            let w = Tensor.normal([2, 3], using: &rng)
            net.weight.assign(w)
            avg.update(from: net)
            let d = min(Float(0.2), Float(1 + n) / Float(10 + n))
            expected = zip(expected, w.scalars).map { d * $0 + (1 - d) * $1 }
        }
        XCTAssertEqual(avg.updates, 3)
        let other = Linear(3, 2, rng: &rng)
        avg.copy(into: other)
        for (a, b) in zip(other.weight.value.scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }

        let again = WeightAverage(of: net, decay: 0.2)
        try again.restore(avg.state)
        XCTAssertEqual(again.updates, 3)
        let third = Linear(3, 2, rng: &rng)
        again.copy(into: third)
        XCTAssertEqual(third.weight.value.scalars, other.weight.value.scalars)
        again.reset(to: net)
        XCTAssertEqual(again.updates, 0)
        again.copy(into: third)
        XCTAssertEqual(third.weight.value.scalars, net.weight.value.scalars)
        XCTAssertThrowsError(try again.restore(["updates": Tensor(Float(1))]))
    }
}
