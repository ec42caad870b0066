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

    /// The workers' buffers share one allocation: each on its own 64-byte line, none overlapping
    /// the next, zeroed on request whatever was in the pool before.
    func testBuffersAreAlignedApartAndZeroed() {
        for count in [1, 15, 16, 17, 1_000] {
            do {   // leaves a dirty buffer of this size in the pool
                let dirty = WorkerBuffers(workers: 5, count: count)
                for w in 0..<5 { dirty[w].update(repeating: .nan, count: count) }
            }
            let b = WorkerBuffers(workers: 5, count: count, zeroed: true)
            for w in 0..<5 {
                XCTAssertEqual(Int(bitPattern: b[w]) % 64, 0, "count \(count) worker \(w)")
                XCTAssertTrue((0..<count).allSatisfy { b[w][$0] == 0 }, "count \(count) worker \(w)")
                b[w].update(repeating: Float(w + 1), count: count)
            }
            for w in 0..<5 { XCTAssertTrue((0..<count).allSatisfy { b[w][$0] == Float(w + 1) }, "count \(count) worker \(w) overwritten") }
            XCTAssertEqual(b.pointers, (0..<5).map { b[$0] })
        }
    }
}
