import XCTest
@testable import NeuralCore

final class WorkerBuffersTests: XCTestCase {
    /// addAll split across threads gives, bit for bit, the buffers summed in order on one thread.
    func testAddAllSplitEqualsSerialOrder() {
        defer { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }
        let count = 100_003
        let buffers = WorkerBuffers(workers: 5, count: count)
        var rng = RandomGenerator(seed: 3)
        for w in 0..<5 { for i in 0..<count { buffers[w][i] = rng.normal() * Float(1 + w * 1000) } }
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            Parallel.threads = threads
            var dst = [Float](repeating: 0.25, count: count)
            dst.withUnsafeMutableBufferPointer { buffers.addAll(into: $0.baseAddress!) }
            results.append(dst)
        }
        var serial = [Float](repeating: 0.25, count: count)
        for w in 0..<5 { for i in 0..<count { serial[i] += buffers[w][i] } }
        for r in results { XCTAssertEqual(r, serial) }
    }
}
