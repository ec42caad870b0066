import XCTest
import NeuralCore
import TestSupport

/// End to end on data the test generates: three interleaved spirals, a small MLP with batch norm
/// and dropout, Adam with a cosine schedule, accuracy measured on points it never trained on.
final class TrainingTests: XCTestCase {
    /// n points per class of `classes` spirals with noise. x (n·classes, 2), labels.
    static func spirals(_ n: Int, classes: Int = 3, rng: inout RandomGenerator) -> (Tensor, [Int]) {
        var xs: [Float] = [], ys: [Int] = []
        for c in 0..<classes {
            for i in 0..<n {
                let r = Float(i) / Float(n)
                let theta = Float(c) * 2 * .pi / Float(classes) + r * 4 + 0.2 * rng.normal()
                xs += [r * cos(theta), r * sin(theta)]
                ys.append(c)
            }
        }
        return (Tensor(shape: [n * classes, 2], scalars: xs), ys)
    }

    func testSpiralsReachHeldOutAccuracy() {
        var rng = RandomGenerator(seed: 42)
        let (xTrain, yTrain) = Self.spirals(300, rng: &rng)
        let (xTest, yTest) = Self.spirals(100, rng: &rng)
        let model = Sequential([Linear(2, 64, rng: &rng), BatchNorm1D(64), ReLU(), Dropout(0.1, rng: &rng),
                                Linear(64, 64, rng: &rng), ReLU(), Linear(64, 3, rng: &rng)])
        let opt = Adam(model.trainableParameters, lr: 0.01)
        let epochs = 60, batch = 50, n = yTrain.count
        var firstLoss: Float = 0, lastLoss: Float = 0
        for epoch in 0..<epochs {
            opt.learningRate = LRSchedule.cosine(tMax: epochs, etaMin: 1e-4).learningRate(base: 0.01, epoch: epoch)
            model.train()
            let order = rng.permutation(n)
            var total: Float = 0
            for start in stride(from: 0, to: n, by: batch) {
                let idx = Array(order[start..<min(start + batch, n)])
                let xb = Tensor.stack(idx.map { xTrain.slice(axis: 0, $0..<($0 + 1)).reshaped([2]) })
                opt.zeroGrad()
                let loss = crossEntropy(model(xb), targets: idx.map { yTrain[$0] })
                loss.backward()
                opt.step()
                total += loss.item * Float(idx.count)
            }
            if epoch == 0 { firstLoss = total / Float(n) }
            lastLoss = total / Float(n)
        }
        model.eval()
        let acc = withoutGrad { accuracy(model(xTest), targets: yTest) }
        print("spirals: training loss \(firstLoss) -> \(lastLoss), held-out accuracy \(acc)")
        XCTAssertLessThan(lastLoss, 0.25)
        XCTAssertGreaterThanOrEqual(acc, 0.95, "held-out accuracy on 300 unseen spiral points")
    }

    func testSameSeedSameRun() {
        func run() -> [Float] {
            var rng = RandomGenerator(seed: 7)
            let (x, y) = Self.spirals(20, rng: &rng)
            let m = Sequential([Linear(2, 8, rng: &rng), ReLU(), Dropout(0.5, rng: &rng), Linear(8, 3, rng: &rng)])
            let opt = SGD(m.trainableParameters, lr: 0.1, momentum: 0.9)
            for _ in 0..<5 { opt.zeroGrad(); crossEntropy(m(x), targets: y).backward(); opt.step() }
            return m.namedParameters().flatMap { $0.1.value.scalars }
        }
        XCTAssertEqual(run(), run())
    }
}
