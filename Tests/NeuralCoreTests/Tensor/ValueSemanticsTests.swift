import XCTest
import NeuralCore

/// Tensors are values: no update through the API (optimizer steps, running statistics, zeroGrad,
/// clipping, backward, a mutation of another tensor) ever changes a tensor the caller holds.
final class ValueSemanticsTests: XCTestCase {
    func testParameterOwnsItsValue() {
        let t = Tensor(shape: [3], scalars: [1, 2, 3])
        let p = Parameter(t)
        (p.value * p.value).sum().backward()
        SGD([p], lr: 0.1).step()
        XCTAssertEqual(t.scalars, [1, 2, 3], "the caller's tensor")
        XCTAssertEqual(p.value.scalars, [0.8, 1.6, 2.4])
        let held = p.value
        SGD([p], lr: 0.1).step()
        XCTAssertEqual(held.scalars, [0.8, 1.6, 2.4], "a value read before the step")
        p.assign(Tensor(shape: [3], scalars: [9, 9, 9]))
        XCTAssertEqual(held.scalars, [0.8, 1.6, 2.4], "a value read before assign")
    }

    func testRunningStatisticsDoNotShowThroughAHeldTensor() {
        let bn = BatchNorm1D(2)
        let mean = bn.runningMean.value
        bn.train()
        _ = bn(Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8]))
        XCTAssertEqual(mean.scalars, [0, 0])
        XCTAssertEqual(bn.runningMean.value.scalars[0], 0.4, accuracy: 1e-6)   // 0.1 · mean(1, 3, 5, 7)
    }

    func testGradientsReadEarlierKeepTheirValues() {
        let p = Parameter(Tensor(shape: [2], scalars: [1, -2]))
        (p.value * p.value).sum().backward()
        let g = p.grad!
        XCTAssertEqual(g.scalars, [2, -4])
        clipGradNorm([p], maxNorm: 1)
        XCTAssertEqual(g.scalars, [2, -4], "clipping")
        XCTAssertEqual(p.grad!.scalars[0], 2 / Float(20).squareRoot(), accuracy: 1e-5)
        p.zeroGrad()
        XCTAssertEqual(g.scalars, [2, -4], "zeroGrad")
        XCTAssertEqual(p.grad!.scalars, [0, 0])
        (p.value * 3).sum().backward()
        XCTAssertEqual(g.scalars, [2, -4], "a later backward")
        XCTAssertEqual(p.grad!.scalars, [3, 3])
    }

    /// Property: among tensors obtained through many API paths from one another, mutating any one
    /// (withMutableData) leaves every other as it was.
    func testMutatingAnyObtainedTensorChangesNoOther() {
        var rng = RandomGenerator(seed: 11)
        for round in 0..<20 {
            let base = Tensor.uniform([2, 3], low: -1, high: 1, using: &rng)
            let lin = Linear(3, 2, rng: &rng)
            let p = Parameter(base)
            (p.value * p.value).sum().backward()
            lin(base.requiringGrad()).sum().backward()
            var tensors: [Tensor] = [base, base.reshaped([3, 2]), base.detached(), base.requiringGrad(), p.value, p.grad!,
                                     lin.weight.value, lin.weight.grad!, lin.stateDict()[0].1, base.slice(axis: 0, 0..<1),
                                     Tensor(shape: [6], scalars: base.scalars), withoutGrad { base + 0 }]
            let before = tensors.map(\.scalars)
            let k = round % tensors.count
            tensors[k].withMutableData { ptr in ptr[0] += 100 }
            for (i, t) in tensors.enumerated() where i != k {
                XCTAssertEqual(t.scalars, before[i], "round \(round): mutating tensor \(k) changed tensor \(i)")
            }
            XCTAssertEqual(tensors[k].scalars[0], before[k][0] + 100)
            XCTAssertEqual(p.value.scalars, base.scalars)
        }
    }
}
