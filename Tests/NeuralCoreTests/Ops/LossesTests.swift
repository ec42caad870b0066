import XCTest
import NeuralCore
import TestSupport

final class LossesTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try runOpFixture("cross_entropy") { fx, t in ["output": crossEntropy(t["input"]!, targets: fx.ints("target"))] }
        try runOpFixture("cross_entropy_seq") { fx, t in ["output": crossEntropy(t["input"]!, targets: fx.ints("target"))] }
        try runOpFixture("mse_loss") { fx, t in ["output": mseLoss(t["input"]!, try fx.tensor("target"))] }
        try runOpFixture("l1_loss") { fx, t in ["output": l1Loss(t["input"]!, try fx.tensor("target"))] }
        try runOpFixture("binary_cross_entropy_with_logits") { fx, t in ["output": bceWithLogits(t["input"]!, try fx.tensor("target"))] }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 19)
        let x = Tensor.normal([4, 5], using: &rng), target = Tensor.normal([4, 5], using: &rng)
        let soft = Tensor.uniform([4, 5], using: &rng)
        checkGradients([x], "crossEntropy") { crossEntropy($0[0], targets: [0, 4, 2, 2]) }
        checkGradients([x, target], "mse") { mseLoss($0[0], $0[1]) }
        checkGradients([x], eps: 1e-3, "l1") { l1Loss($0[0], target) }
        checkGradients([x], "bce") { bceWithLogits($0[0], soft) }
    }

    func testCrossEntropyIsStableForLargeLogits() {
        let x = Tensor(shape: [1, 3], scalars: [1000, 0, -1000])
        XCTAssertEqual(crossEntropy(x, targets: [0]).item, 0, accuracy: 1e-6)
        XCTAssertEqual(crossEntropy(x, targets: [1]).item, 1000, accuracy: 1e-2)
    }

    /// Losses over many rows and elements run on threads: the same bits (value and gradient) on 1,
    /// 3 and 16 threads, and the definitions in Double.
    func testLargeLossesAreTheSameOnAnyThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 43)
        let (rows, c, n) = (3_001, 65, 50_003)
        let logits = Tensor.normal([rows, c], std: 2, using: &rng), targets = (0..<rows).map { _ in rng.int(below: c) }
        let x = Tensor.normal([n], using: &rng), t = Tensor.uniform([n], using: &rng)
        let ls = logits.scalars
        var ce = 0.0
        for r in 0..<rows {
            let row = ls[(r * c)..<((r + 1) * c)].map(Double.init), m = row.max()!
            ce += m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) }) - row[targets[r]]
        }
        ce /= Double(rows)
        let mse = zip(x.scalars, t.scalars).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(n)
        var first: [[Float]] = []
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let l = logits.requiringGrad(), xi = x.requiringGrad(), xb = x.requiringGrad(), lo = logits.requiringGrad()
            let lossCE = crossEntropy(l, targets: targets), lossMSE = mseLoss(xi, t), lossBCE = bceWithLogits(xb, t)
            let lossOpt = crossEntropy(lo, targets: targets.map { $0 == 3 ? -100 : $0 }, ignoreIndex: -100, labelSmoothing: 0.1)
            (lossCE + lossMSE + lossBCE + lossOpt).backward()
            XCTAssertEqual(Double(lossCE.item), ce, accuracy: 1e-5 * ce, "cross-entropy, \(threads) threads")
            XCTAssertEqual(Double(lossMSE.item), mse, accuracy: 1e-5 * mse, "mse, \(threads) threads")
            let results = [[lossCE.item, lossMSE.item, lossBCE.item, lossOpt.item], l.grad!.scalars, xi.grad!.scalars, xb.grad!.scalars, lo.grad!.scalars]
            if first.isEmpty { first = results } else { XCTAssertEqual(results, first, "\(threads) threads against 1") }
        }
    }
}
