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

    /// Upsampling by 3 and average pooling (kernel 3, stride 2) with planes on threads: the
    /// definitions, gradients included, and the same bits on 1, 3 and 16 threads.
    func testPlanesOnThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 44)
        let xv = Tensor.normal([3, 5, 9, 11], using: &rng), xs = xv.scalars
        let wu = Tensor.normal([3, 5, 27, 33], using: &rng), wa = Tensor.normal([3, 5, 4, 5], using: &rng)
        let wus = wu.scalars
        var first: [UInt32] = []
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let x = xv.requiringGrad(), u = upsampleNearest2d(x, factor: 3), a = avgPool2d(x, kernel: 3, stride: 2)
            ((u * wu).sum() + (a * wa).sum()).backward()
            for p in 0..<15 { for r in 0..<27 { for c in 0..<33 {
                XCTAssertEqual(u.scalars[(p * 27 + r) * 33 + c], xs[(p * 9 + r / 3) * 11 + c / 3])
            } } }
            for p in 0..<15 { for r in 0..<4 { for c in 0..<5 {
                var s: Float = 0
                for i in 0..<3 { for j in 0..<3 { s += xs[(p * 9 + 2 * r + i) * 11 + 2 * c + j] } }
                XCTAssertEqual(a.scalars[(p * 4 + r) * 5 + c], s * (1 / Float(9)), accuracy: 1e-6)
            } } }
            // the upsampling's share of the gradient: each input's 3 x 3 block of wu
            let wa9 = wa.scalars.map { $0 / 9 }, gx = x.grad!.scalars
            for p in 0..<15 { for r in 0..<9 { for c in 0..<11 {
                var want: Double = 0
                for i in 0..<3 { for j in 0..<3 { want += Double(wus[(p * 27 + r * 3 + i) * 33 + c * 3 + j]) } }
                for pr in 0..<4 where (2 * pr...2 * pr + 2).contains(r) { for pc in 0..<5 where (2 * pc...2 * pc + 2).contains(c) { want += Double(wa9[(p * 4 + pr) * 5 + pc]) } }
                XCTAssertEqual(Double(gx[(p * 9 + r) * 11 + c]), want, accuracy: 1e-5, "gradient (\(p), \(r), \(c))")
            } } }
            let bits = (u.scalars + a.scalars + gx).map(\.bitPattern)
            if first.isEmpty { first = bits } else { XCTAssertTrue(bits == first, "\(threads) threads against 1") }
        }
    }
}
