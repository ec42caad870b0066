import XCTest
import NeuralCore
import TestSupport

final class BatchNormTests: XCTestCase {
    func testParityWithPyTorch() throws {
        for name in ["batch_norm2d_train", "batch_norm1d_train", "batch_norm2d_eval"] {
            let training = !name.hasSuffix("eval")
            var runMean: Tensor?, runVar: Tensor?
            try runOpFixture(name) { fx, t in
                runMean = try fx.tensor("running_mean").detached()
                runVar = try fx.tensor("running_var").detached()
                return ["output": batchNorm(t["input"]!, weight: t["weight"]!, bias: t["bias"]!, runningMean: runMean,
                                            runningVar: runVar, training: training)]
            }
            let fx = try Fixtures.load("ops/\(name).safetensors")
            if training {
                assertClose(runMean!, try fx.tensor("running_mean_after"), "\(name) running_mean")
                assertClose(runVar!, try fx.tensor("running_var_after"), "\(name) running_var")
            } else {
                assertClose(runMean!, try fx.tensor("running_mean"), "\(name) running_mean unchanged")
            }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 15)
        let x = Tensor.normal([3, 2, 3, 2], using: &rng)
        let w = Tensor.uniform([2], low: 0.5, high: 1.5, using: &rng), b = Tensor.normal([2], using: &rng)
        checkGradients([x, w, b], eps: 1e-2, rtol: 3e-2, atol: 3e-3, "train 2d") {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true)
        }
        let rm = Tensor.normal([2], std: 0.1, using: &rng), rv = Tensor.uniform([2], low: 0.5, high: 1.5, using: &rng)
        checkGradients([x, w, b], "eval 2d") {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: rm, runningVar: rv, training: false)
        }
        // (N, C) takes the row-wise path.
        let x1 = Tensor.normal([5, 3], using: &rng)
        checkGradients([x1], rtol: 3e-2, atol: 3e-3, "train 1d") {
            batchNorm($0[0], weight: nil, bias: nil, runningMean: nil, runningVar: nil, training: true)
        }
        let w3 = Tensor.uniform([3], low: 0.5, high: 1.5, using: &rng), b3 = Tensor.normal([3], using: &rng)
        checkGradients([x1, w3, b3], eps: 1e-2, rtol: 3e-2, atol: 3e-3, "train 1d affine") {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, training: true)
        }
        let rm3 = Tensor.normal([3], std: 0.1, using: &rng), rv3 = Tensor.uniform([3], low: 0.5, high: 1.5, using: &rng)
        checkGradients([x1, w3, b3], "eval 1d") {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: rm3, runningVar: rv3, training: false)
        }
    }
}
