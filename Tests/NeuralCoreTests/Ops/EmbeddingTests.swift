import XCTest
import NeuralCore
import TestSupport

final class EmbeddingTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try runOpFixture("embedding") { fx, t in
            let idx = fx.integers["input"]!
            return ["output": embedding(idx.values, shape: idx.shape, weight: t["weight"]!)]
        }
    }

    func testGradient() {
        var rng = RandomGenerator(seed: 18)
        let w = Tensor.normal([6, 3], using: &rng)
        checkGradients([w], "embedding") { embedding([1, 4, 1, 0, 5, 1], shape: [2, 3], weight: $0[0]) }
    }

    /// Many lookups, split across threads (the gradient by vocabulary rows): the definitions exactly,
    /// gradient rows summed in index order, on 1, 3 and 16 threads.
    func testManyLookupsOnThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 44)
        let (v, d, count) = (70, 16, 5_003)
        let wv = Tensor.normal([v, d], using: &rng), idx = (0..<count).map { _ in rng.int(below: v) }
        let u = Tensor.normal([count, d], using: &rng), us = u.scalars, ws = wv.scalars
        var wantG = [Float](repeating: 0, count: v * d)
        for (r, i) in idx.enumerated() { for j in 0..<d { wantG[i * d + j] += us[r * d + j] } }
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let w = wv.requiringGrad()
            let y = embedding(idx, shape: [count], weight: w)
            (y * u).sum().backward()
            XCTAssertEqual(y.scalars, idx.flatMap { ws[($0 * d)..<(($0 + 1) * d)] }, "\(threads) threads")
            XCTAssertEqual(w.grad!.scalars, wantG, "gradient, \(threads) threads")
        }
    }
}
