import XCTest
import Foundation
@testable import NeuralCore

final class ThreadModelTests: XCTestCase {
    /// The model's clock, advanced only by `spend` (milliseconds): the booking does not depend on
    /// how busy the machine running the tests is.
    private var now: UInt64 = 0
    private func spend(_ ms: Double) { now += UInt64(ms * 1e6) }

    override func setUp() {
        now = 1_000_000
        ThreadModel.clock = { [unowned self] in self.now }
    }

    override func tearDown() {
        Parallel.endModel()
        ThreadModel.clock = { DispatchTime.now().uptimeNanoseconds }
        Parallel.threads = ProcessInfo.processInfo.activeProcessorCount
    }

    /// A fixed region books chunk c to worker c % N; a claimed one to the worker free first. Chunks
    /// of 4, 1, 1, 1, 1 ms on 2 claimed workers: worker 1 takes the four short ones, the region
    /// lasts 4 ms (not 6, as the fixed split 4+1+1 / 1+1 does). Every chunk runs once, on this thread.
    func testBooksChunksLikeTheWorkersWould() {
        Parallel.threads = 3
        Parallel.startModel(threads: 2)
        XCTAssertEqual(Parallel.threads, 2)
        let me = pthread_self()
        var fixedWorkers: [Int] = [], claimedWorkers: [Int] = [], ranOn: [Bool] = []
        let fixedLine = #line + 1
        Parallel.forEachFixed(5) { w, c in fixedWorkers.append(w); ranOn.append(pthread_equal(pthread_self(), me) != 0); spend(c == 0 ? 4 : 1) }
        Parallel.forEachClaimed(5) { w, c in claimedWorkers.append(w); spend(c == 0 ? 4 : 1) }
        let r = Parallel.endModel()!
        XCTAssertEqual(Parallel.threads, 3, "the thread count before the model comes back")
        XCTAssertEqual(fixedWorkers, [0, 1, 0, 1, 0])
        XCTAssertEqual(claimedWorkers, [0, 1, 1, 1, 1])
        XCTAssertEqual(ranOn, Array(repeating: true, count: 5))
        XCTAssertEqual(r.threads, 2)
        XCTAssertEqual(r.regions, 2)
        // Fixed: 6 against 2 ms; claimed: 4 against 4. Σ longest 10 ms of 16 ms of work.
        XCTAssertEqual(r.work, 0.016, accuracy: 1e-9)
        XCTAssertEqual(r.longest, 0.010, accuracy: 1e-9)
        XCTAssertEqual(r.busy[0], 0.010, accuracy: 1e-9)
        XCTAssertEqual(r.busy[1], 0.006, accuracy: 1e-9)
        XCTAssertEqual(r.serial, 0, accuracy: 1e-9)
        XCTAssertEqual(r.modelled, 0.010, accuracy: 1e-9)
        XCTAssertEqual(r.waiting[1], 0.4, accuracy: 1e-9)
        // Both regions come from this file; the fixed one loses 6 - 8/2 = 2 ms, the claimed none.
        XCTAssertEqual(r.sites.count, 2)
        XCTAssertTrue(r.sites[0].site.hasSuffix("ThreadModelTests.swift:\(fixedLine)"), r.sites[0].site)
        XCTAssertEqual(r.sites[0].lost, 0.002, accuracy: 1e-9)
        XCTAssertEqual(r.sites[0].work, 0.008, accuracy: 1e-9)
        XCTAssertEqual(r.sites[1].lost, 0, accuracy: 1e-9)
    }

    /// Work outside regions stays serial and is the caller's, booked between the regions around
    /// it; a region inside a chunk runs serially within it and is not booked as a region of its own.
    func testSerialWorkAndNestedRegions() {
        Parallel.startModel(threads: 4)
        spend(3)
        Parallel.forEach(4) { _ in Parallel.forEach(2) { _ in spend(0.5) } }
        spend(2)
        let r = Parallel.endModel()!
        XCTAssertEqual(r.regions, 1)
        XCTAssertEqual(r.serial, 0.005, accuracy: 1e-9)
        XCTAssertEqual(r.longest, 0.001, accuracy: 1e-9)
        XCTAssertEqual(r.busy[0], 0.006, accuracy: 1e-9)
        XCTAssertEqual(r.modelled, 0.006, accuracy: 1e-9)
        // The 3 ms before the region are booked between the start and that region.
        XCTAssertEqual(r.serialBetween.count, 1)
        XCTAssertTrue(r.serialBetween[0].sites.hasPrefix("start -> NeuralCoreTests/ThreadModelTests.swift:"), r.serialBetween[0].sites)
        XCTAssertEqual(r.serialBetween[0].time, 0.003, accuracy: 1e-9)
        XCTAssertNil(Parallel.endModel(), "no model is running")
    }

    /// A tiled product under a model of 5 threads (tiles booked one by one) gives the bits of one thread.
    func testTiledProductUnderAModelHasTheSameBits() throws {
        guard TiledGEMM.applies(transA: false, m: 64, n: 96, k: 80, alpha: 1, beta: 0) else { throw XCTSkip("portable kernel set") }
        let (m, n, k) = (64, 96, 80)
        let a = (0..<(m * k)).map { Float(($0 * 7) % 13) - 6 }, b = (0..<(k * n)).map { Float(($0 * 5) % 11) - 5 }
        func product() -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            c.withUnsafeMutableBufferPointer { cp in
                TiledGEMM.multiply(transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: cp.baseAddress!, ldc: n, accumulate: false)
            }
            return c
        }
        Parallel.threads = 1
        let one = product()
        Parallel.startModel(threads: 5)
        let modelled = product()
        let r = Parallel.endModel()!
        XCTAssertEqual(modelled, one)
        XCTAssertEqual(r.regions, 1)
        XCTAssertTrue(r.sites[0].site.contains("TiledGEMM.swift"), r.sites[0].site)
    }
}
