import XCTest
import NeuralCore
import Models
import Datasets
import TestSupport

/// The MLP of MODELS.md trained on 8,000 real MNIST images must classify 2,000 others it never saw.
final class MLPTrainingTests: XCTestCase {
    func testMNISTSubsetHeldOutAccuracy() throws {
        guard let dir = Fixtures.dataset("mnist") else { throw XCTSkip("../shared/datasets/mnist not present") }
        let all = try LabeledImages.readIDX(images: dir.appendingPathComponent("train-images-idx3-ubyte.gz").path,
                                            labels: dir.appendingPathComponent("train-labels-idx1-ubyte.gz").path)
        XCTAssertEqual(all.count, 60_000)
        let train = all.subset(0..<8_000), test = all.subset(50_000..<52_000)
        var rng = RandomGenerator(seed: 2026)
        let model = MLP(rng: &rng)
        let opt = Adam(model.trainableParameters, lr: 1e-3)
        let x = train.images.reshaped([train.count, 784])
        let batch = 64
        for _ in 0..<6 {
            let order = rng.permutation(train.count)
            for start in stride(from: 0, to: train.count - batch + 1, by: batch) {
                let idx = Array(order[start..<(start + batch)])
                let xb = Tensor.concatenate(idx.map { x.slice(axis: 0, $0..<($0 + 1)) })
                opt.zeroGrad()
                crossEntropy(model(xb), targets: idx.map { train.labels[$0] }).backward()
                opt.step()
            }
        }
        let acc = withoutGrad { accuracy(model(test.images.reshaped([test.count, 784])), targets: test.labels) }
        print("MNIST MLP: 8,000 training images, 6 epochs, accuracy on 2,000 unseen images: \(acc)")
        XCTAssertGreaterThanOrEqual(acc, 0.94)
    }
}
