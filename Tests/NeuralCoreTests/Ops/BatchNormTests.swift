import XCTest
@testable import NeuralCore
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
    /// (N, C), x used twice: the norm's input gradient is added to what x's gradient holds (the
    /// branch-free row loops for training and eval, written or added): equal to the norm's alone
    /// plus 2x, on 1 and 3 threads.
    func testRowsInputGradientAddsToAGradientHeld() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 29)
        let x = Tensor.normal([6, 300], using: &rng), up = Tensor.normal([6, 300], using: &rng)
        let w = Tensor.uniform([300], low: 0.5, high: 1.5, using: &rng), b = Tensor.normal([300], using: &rng)
        let rm = Tensor.normal([300], std: 0.1, using: &rng), rv = Tensor.uniform([300], low: 0.5, high: 1.5, using: &rng)
        for threads in [1, 3] {
            Parallel.threads = threads
            for training in [true, false] {
                func gradient(twice: Bool) -> [Float] {
                    let xg = x.detached().requiringGrad()
                    let y = batchNorm(xg, weight: w, bias: b, runningMean: rm.detached(), runningVar: rv.detached(), training: training)
                    ((y * up).sum() + (twice ? (xg * xg).sum() : Tensor(0))).backward()
                    return xg.grad!.scalars
                }
                let alone = gradient(twice: false), both = gradient(twice: true)
                let expected = zip(alone, x.scalars).map { $0 + 2 * $1 }
                assertClose(both, expected, rtol: 1e-5, atol: 1e-5, "training \(training), \(threads) threads")
            }
        }
    }

    /// batchNormReLU against batchNorm(...).relu(): the same bits in the output, the running
    /// statistics and every gradient, training and eval, with planes (4x6x5x7, one of 33 floats) and
    /// without ((N, C): the two ops), on 1 and 3 threads; and a Sequential of conv, norm and ReLU
    /// (which takes the fused op when recording) against the three layers called one by one.
    func testBatchNormReLUIsTheTwoOpsBitForBit() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 41)
        for shape in [[4, 6, 5, 7], [3, 2, 33], [5, 4]] {
            let c = shape[1]
            let x = Tensor.normal(shape, using: &rng).requiringGrad()
            let w = Tensor.normal([c], using: &rng).requiringGrad(), b = Tensor.normal([c], using: &rng).requiringGrad()
            let up = Tensor.normal(shape, using: &rng)
            for training in [true, false] {
                for threads in [1, 3] {
                    Parallel.threads = threads
                    func run(_ fused: Bool) -> [[Float]] {
                        for p in [x, w, b] { p.zeroGrad() }
                        let rm = Tensor(shape: [c], scalars: (0..<c).map { Float($0) * 0.1 }), rv = Tensor(shape: [c], scalars: (0..<c).map { 1 + Float($0) * 0.2 })
                        let y = fused ? batchNormReLU(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: training)
                                      : batchNorm(x, weight: w, bias: b, runningMean: rm, runningVar: rv, training: training).relu()
                        (y * up).sum().backward()
                        return [y.scalars, rm.scalars, rv.scalars, x.grad!.scalars, w.grad!.scalars, b.grad!.scalars]
                    }
                    let two = run(false), one = run(true)
                    for (i, name) in ["output", "running mean", "running var", "x grad", "weight grad", "bias grad"].enumerated() {
                        XCTAssertEqual(one[i], two[i], "\(name), shape \(shape), training \(training), \(threads) threads")
                    }
                }
            }
        }
        let conv = Conv2D(3, 8, kernel: 3, padding: 1, rng: &rng), bn = BatchNorm2D(8), relu = ReLU()
        let seq = Sequential([conv, bn, relu])
        let x = Tensor.normal([2, 3, 6, 5], using: &rng), up = Tensor.normal([2, 8, 6, 5], using: &rng)
        func grads(_ forward: () -> Tensor) -> [[Float]] {
            for p in seq.trainableParameters { p.zeroGrad() }
            let y = forward()
            (y * up).sum().backward()
            return [y.scalars] + seq.trainableParameters.map { $0.grad!.scalars }   // (running stats: the op test above)
        }
        let layered = grads { relu(bn(conv(x))) }, fused = grads { seq(x) }
        XCTAssertEqual(fused.count, layered.count)
        for (f, l) in zip(fused, layered) { XCTAssertEqual(f, l) }
    }
}
