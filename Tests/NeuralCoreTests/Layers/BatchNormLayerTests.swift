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

    /// The eval-mode norm folded into a weight large enough to be split across threads (channels on
    /// axis 1, as a transposed convolution's, and on axis 0), and its scale and shift over 6272
    /// channels: the definitions, bit for bit, on 1, 3 and 16 threads.
    func testFoldingOnThreadsIsTheDefinition() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 47)
        for (shape, axis) in [([128, 64, 4, 4], 1), ([64, 128, 3, 3], 0), ([6272], 0)] {
            let c = shape[axis]
            let bn = BatchNorm(weight: .normal([c], using: &rng), bias: .normal([c], using: &rng),
                               runningMean: .normal([c], using: &rng), runningVar: .uniform([c], low: 0.5, high: 2, using: &rng))
            let w = Tensor.normal(shape, using: &rng), b = Tensor.normal([c], using: &rng)
            let g = bn.weight.value.scalars, beta = bn.bias.value.scalars, m = bn.runningMean.value.scalars, v = bn.runningVar.value.scalars
            let s = (0..<c).map { 1 / (v[$0] + bn.eps).squareRoot() * g[$0] }
            let inner = shape[(axis + 1)...].reduce(1, *)
            let wantW = w.scalars.enumerated().map { $0.element * s[$0.offset / inner % c] }
            let wantB = (0..<c).map { (b.scalars[$0] - m[$0]) * s[$0] + beta[$0] }
            let wantShift = (0..<c).map { beta[$0] - m[$0] * s[$0] }
            for threads in [1, 3, 16] {
                Parallel.threads = threads
                let f = bn.folded(weight: w, bias: b, axis: axis), e = bn.evalScaleShift()
                XCTAssertEqual(f.weight.scalars, wantW, "\(shape) \(threads) threads")
                XCTAssertEqual(f.bias.scalars, wantB, "\(shape) \(threads) threads")
                XCTAssertEqual(e.scale.scalars, s, "\(shape) \(threads) threads")
                XCTAssertEqual(e.shift.scalars, wantShift, "\(shape) \(threads) threads")
            }
        }
    }
}
