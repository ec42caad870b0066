import XCTest
import Foundation
import TestSupport
@testable import NeuralCore

final class BatchParallelTests: XCTestCase {
    override func tearDown() { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }

    /// Shares of the batch run on separate threads give the rows f gives the whole batch, in
    /// order, for even and odd batch sizes and up to 3 threads.
    func testSharesEqualWholeBatch() {
        var rng = RandomGenerator(seed: 21)
        let fc1 = Linear(12, 16, rng: &rng), fc2 = Linear(16, 5, rng: &rng)
        func net(_ x: Tensor) -> Tensor { fc2(fc1(x).relu()) }
        for n in [64, 37] {
            let x = Tensor.normal([n, 12], using: &rng)
            Parallel.threads = 1
            let whole = withoutGrad { net(x) }
            for threads in [2, 3] {
                Parallel.threads = threads
                let split = withoutGrad { batchParallel(x, minRows: 8) { net($0) } }
                XCTAssertEqual(split.shape, [n, 5])
                assertClose(split, whole, rtol: 1e-6, atol: 1e-6, "\(n) rows on \(threads) threads")
            }
        }
    }

    /// With a graph to record it is f(x) itself, so gradients flow as usual.
    func testRecordsGradientsWithGraph() {
        Parallel.threads = 2
        var rng = RandomGenerator(seed: 22)
        let w = Tensor.normal([4, 3], using: &rng).requiringGrad()
        let x = Tensor.normal([64, 3], using: &rng)
        batchParallel(x, minRows: 8) { linear($0, weight: w) }.sum().backward()
        // d/dW[i, j] of Σ x·Wᵀ is Σ_r x[r, j] for every i.
        let columnSums = (0..<3).map { j in (0..<64).reduce(Float(0)) { $0 + x.storage.pointer[$1 * 3 + j] } }
        assertClose(Array(w.grad!.storage.buffer), Array((0..<4).flatMap { _ in columnSums }), rtol: 1e-5, atol: 1e-5)
    }
}
