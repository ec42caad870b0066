import XCTest
import NeuralCore
import TestSupport

final class PoolingTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try runOpFixture("max_pool2d_k2_s2") { _, t in ["output": maxPool2d(t["input"]!, kernel: 2, stride: 2)] }
        try runOpFixture("max_pool2d_k3_s2_p1") { _, t in ["output": maxPool2d(t["input"]!, kernel: 3, stride: 2, padding: 1)] }
        try runOpFixture("avg_pool2d_k2") { _, t in ["output": avgPool2d(t["input"]!, kernel: 2)] }
        try runOpFixture("global_avg_pool") { _, t in ["output": globalAvgPool2d(t["input"]!)] }
        try runOpFixture("upsample_nearest_x2") { _, t in ["output": upsampleNearest2d(t["input"]!, factor: 2)] }
    }

    /// Inference 2x2 pooling (no argmax kept) gives the training path's values, NaN and signed
    /// zeros included, on odd sizes.
    func testInferenceMaxPoolMatchesTrainingPath() {
        var rng = RandomGenerator(seed: 18)
        for shape in [[2, 3, 7, 9], [1, 2, 16, 34], [3, 1, 2, 2]] {
            var values = Tensor.normal(shape, using: &rng).scalars
            for i in stride(from: 0, to: values.count, by: 7) { values[i] = i % 3 == 0 ? .nan : (i % 2 == 0 ? -0.0 : 0.0) }
            let x = Tensor(shape: shape, scalars: values)
            let inference = withoutGrad { maxPool2d(x, kernel: 2) }
            let training = maxPool2d(x.requiringGrad(), kernel: 2)
            XCTAssertEqual(inference.shape, training.shape)
            XCTAssertEqual(inference.scalars.map(\.bitPattern), training.scalars.map(\.bitPattern), "\(shape)")
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 14)
        let x = Tensor.normal([2, 2, 5, 7], using: &rng)
        checkGradients([x], eps: 1e-3, "max k2") { maxPool2d($0[0], kernel: 2) }
        checkGradients([x], eps: 1e-3, "max k3 s2 p1") { maxPool2d($0[0], kernel: 3, stride: 2, padding: 1) }
        checkGradients([x], "avg k2") { avgPool2d($0[0], kernel: 2) }
        checkGradients([x], "global avg") { globalAvgPool2d($0[0]) }
        checkGradients([x], "upsample") { upsampleNearest2d($0[0], factor: 2) }
    }
}
