import XCTest
@testable import NeuralCore

/// Two Adams as one: the learning rate keeps their ratio, state round-trips under the members'
/// names, and a group restored from it steps exactly as the original.
final class OptimizerGroupTests: XCTestCase {
    func make(seed: UInt64) -> (Linear, Linear, OptimizerGroup) {
        var rng = RandomGenerator(seed: seed)
        let a = Linear(3, 2, rng: &rng), b = Linear(2, 1, rng: &rng)
        let g = OptimizerGroup([("a", Adam(a.trainableParameters, lr: 2e-3)), ("b", Adam(b.trainableParameters, lr: 1e-3))])
        return (a, b, g)
    }

    func step(_ a: Linear, _ b: Linear, _ g: OptimizerGroup) {
        g.zeroGrad()
        let x = Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) / 7 - 0.5 })
        mseLoss(b(a(x).tanh()), Tensor(shape: [4, 1], scalars: [0.1, -0.2, 0.3, 0])).backward()
        g.step()
    }

    func testRatioStateAndExactRestore() throws {
        let (a, b, g) = make(seed: 1)
        XCTAssertEqual(g.parameters.count, 4)
        g.learningRate = 4e-3
        XCTAssertEqual(g.members[0].optimizer.learningRate, 4e-3)
        XCTAssertEqual(g.members[1].optimizer.learningRate, 2e-3, accuracy: 1e-9)
        for _ in 0..<3 { step(a, b, g) }
        let state = g.state()
        XCTAssertTrue(state.allSatisfy { $0.0.hasPrefix("a.") || $0.0.hasPrefix("b.") }, "\(state.map(\.0))")

        let (a2, b2, g2) = make(seed: 1)
        g2.learningRate = 4e-3
        for (p, q) in zip(a.trainableParameters + b.trainableParameters, a2.trainableParameters + b2.trainableParameters) {
            q.assign(p.value.detached())
        }
        try g2.loadState(Dictionary(uniqueKeysWithValues: state))
        step(a, b, g); step(a2, b2, g2)
        for (p, q) in zip(a.trainableParameters + b.trainableParameters, a2.trainableParameters + b2.trainableParameters) {
            XCTAssertEqual(p.value.scalars, q.value.scalars)
        }
        XCTAssertThrowsError(try g2.loadState([:]))
    }
}
