import XCTest
import Foundation
@testable import NeuralCore

final class OptimizerTests: XCTestCase {
    override func tearDown() { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }

    /// forEachGradient hands every element of every parameter out exactly once, with its right
    /// offset, on 1 to 3 and 16 threads (shares of parameters of 8K or more), and also when its region runs serially because another caller
    /// holds the pool (a share picked by the worker's index instead of the chunk's would update
    /// one share twice and the other never).
    func testEveryElementOnceAlsoWhenSerial() {
        var rng = RandomGenerator(seed: 41)
        let parameters = [[200, 200], [7], [300, 130], [5, 3], [100, 90]].map { Parameter(Tensor.normal($0, using: &rng)) }
        for p in parameters { p.value.sum().backward() }
        for threads in [1, 2, 3, 16] {
            Parallel.threads = threads
            for poolHeld in [false, true] {
                nonisolated(unsafe) let hits = parameters.map { p in
                    let h = UnsafeMutablePointer<Int>.allocate(capacity: p.value.count); h.initialize(repeating: 0, count: p.value.count); return h
                }
                if poolHeld { XCTAssertTrue(WorkerPool.shared.tryBegin()) }
                forEachGradient(parameters) { p, g, n, index, offset in
                    XCTAssertEqual(p, parameters[index].mutableValue() + offset)
                    for i in 0..<n { hits[index][offset + i] += 1 }
                    _ = g
                }
                if poolHeld { WorkerPool.shared.end() }
                for (k, p) in parameters.enumerated() {
                    XCTAssertEqual(Array(UnsafeBufferPointer(start: hits[k], count: p.value.count)), Array(repeating: 1, count: p.value.count),
                                   "parameter \(k), \(threads) threads, pool held \(poolHeld)")
                    hits[k].deallocate()
                }
            }
        }
    }
}
