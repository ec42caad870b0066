import XCTest
import NeuralCore
import TestSupport

final class MatmulTests: XCTestCase {
    func testParity() throws {
        try runOpFixture("matmul_2d") { _, t in ["output": t["input0"]!.matmul(t["input1"]!)] }
        try runOpFixture("matmul_batched") { _, t in ["output": t["input0"]!.matmul(t["input1"]!)] }
        try runOpFixture("linear") { _, t in ["output": linear(t["input"]!, weight: t["weight"]!, bias: t["bias"]!)] }
        try runOpFixture("linear_3d") { _, t in ["output": linear(t["input"]!, weight: t["weight"]!, bias: t["bias"]!)] }
        try runOpFixture("linear_nobias") { _, t in ["output": linear(t["input"]!, weight: t["weight"]!)] }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 6)
        let a = Tensor.normal([3, 4], using: &rng), b = Tensor.normal([4, 5], using: &rng)
        checkGradients([a, b], "matmul") { $0[0].matmul($0[1]) }
        let ba = Tensor.normal([2, 3, 4], using: &rng), bb = Tensor.normal([2, 4, 2], using: &rng)
        checkGradients([ba, bb], "batched matmul") { $0[0].matmul($0[1]) }
        let w = Tensor.normal([5, 4], using: &rng), bias = Tensor.normal([5], using: &rng)
        checkGradients([ba, w, bias], "linear") { linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    /// A batch large enough that the bias is added and its gradient summed on two threads:
    /// bias gradient = column sums of the output gradient, as loops give it.
    func testLinearBiasSplitAcrossThreads() {
        Parallel.threads = 2
        defer { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }
        var rng = RandomGenerator(seed: 8)
        let (rows, inF, outF) = (300, 20, 130)
        let x = Tensor.normal([rows, inF], using: &rng), w = Tensor.normal([outF, inF], using: &rng)
        let b = Tensor.normal([outF], using: &rng).requiringGrad(), g = Tensor.normal([rows, outF], using: &rng)
        let y = linear(x, weight: w, bias: b)
        assertClose(y - x.matmul(w.transposed()), b.reshaped([1, outF]) + Tensor(shape: [rows, outF], repeating: 0), rtol: 1e-4, atol: 1e-4)
        (y * g).sum().backward()
        let pg = g.scalars
        let ref = (0..<outF).map { j in (0..<rows).reduce(Float(0)) { $0 + pg[$1 * outF + j] } }
        assertClose(b.grad!, Tensor(shape: [outF], scalars: ref), rtol: 1e-4, atol: 1e-4)
    }

    func testLargeProductSplitsAcrossThreads() {
        // Large enough that sgemm splits it; compare with a naive product.
        var rng = RandomGenerator(seed: 7)
        let a = Tensor.normal([130, 90], using: &rng), b = Tensor.normal([90, 70], using: &rng)
        let c = a.matmul(b)
        let pa = a.scalars, pb = b.scalars
        var ref = [Float](repeating: 0, count: 130 * 70)
        for i in 0..<130 { for j in 0..<70 { var s: Float = 0; for k in 0..<90 { s += pa[i * 90 + k] * pb[k * 70 + j] }; ref[i * 70 + j] = s } }
        assertClose(c, Tensor(shape: [130, 70], scalars: ref), rtol: 1e-4, atol: 1e-4)
    }
}
