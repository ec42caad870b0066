import XCTest
@testable import NeuralCore
import TestSupport

final class BatchNormLayerTests: XCTestCase {
    /// Recomputed running statistics are the plain mean over the batches of each batch's mean and
    /// unbiased variance (PyTorch's momentum=None), whatever they were before; the layer's own
    /// momentum is kept and the model is left in eval mode.
    func testRecomputedStatisticsAreThePlainMeanOverBatches() {
        var rng = RandomGenerator(seed: 9)
        let bn = BatchNorm2D(2)
        let model = Sequential([bn])
        let batches = (0..<3).map { k in Tensor.normal([4, 2, 3, 3], using: &rng) * Float(k + 1) + Float(k) }
        _ = model(Tensor.normal([4, 2, 3, 3], using: &rng) * 10)   // statistics that must not remain
        BatchNorm.recomputeStatistics(of: model, batches: 3) { batches[$0] }
        for c in 0..<2 {
            var mean = 0.0, variance = 0.0
            for b in batches {
                let v = (0..<4).flatMap { n in (0..<9).map { Double(b.scalars[(n * 2 + c) * 9 + $0]) } }
                let m = v.reduce(0, +) / Double(v.count)
                mean += m / 3
                variance += v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1) / 3
            }
            XCTAssertEqual(Double(bn.runningMean.value.scalars[c]), mean, accuracy: 1e-4)
            XCTAssertEqual(Double(bn.runningVar.value.scalars[c]), variance, accuracy: 1e-3)
        }
        XCTAssertEqual(bn.momentum, 0.1)
        XCTAssertFalse(bn.training)
        XCTAssertEqual(BatchNorm.all(in: model).count, 1)
    }
}
