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

    /// Calls marked one by one: the quiet figures take each chunk and each serial gap at its
    /// median over the calls, so a one-off delay in one call (8 ms in chunk 1 of the second) is
    /// left out, while the plain figures keep it.
    func testQuietFiguresTakeTheMedianOverCalls() {
        Parallel.startModel(threads: 2)
        for call in 0..<3 {
            spend(call == 2 ? 3 : 1)   // serial before the region: 1, 1, 3 ms
            Parallel.forEachFixed(4) { _, c in spend(c == 1 && call == 1 ? 9 : 1) }
            spend(0.5)
            Parallel.markModelCall()
        }
        let r = Parallel.endModel()!
        let q = try! XCTUnwrap(r.quiet)
        XCTAssertEqual(q.calls, 3)
        // Median call: 1 ms serial, chunks of 1 ms on 2 workers (2 ms), 0.5 ms after.
        XCTAssertEqual(q.serial, 0.0015, accuracy: 1e-9)
        XCTAssertEqual(q.work, 0.004, accuracy: 1e-9)
        XCTAssertEqual(q.oneThread, 0.0055, accuracy: 1e-9)
        XCTAssertEqual(q.modelled, 0.0035, accuracy: 1e-9)
        XCTAssertEqual(q.waiting[1], 1 - 2 / 3.5, accuracy: 1e-9)
        XCTAssertEqual(q.sites.count, 1)
        XCTAssertEqual(q.sites[0].lost, 0, accuracy: 1e-9)
        // The plain figures: worker 1 of the second call takes 10 ms; serial 1 + 1 + 3 + 3 x 0.5.
        XCTAssertEqual(r.longest, 0.014, accuracy: 1e-9)
        XCTAssertEqual(r.serial, 0.0065, accuracy: 1e-9)
        XCTAssertTrue(r.serialBetween.contains { $0.sites.hasSuffix("-> end") && abs($0.time - 0.0015) < 1e-9 }, "\(r.serialBetween)")
    }

    /// A site named by a caller's own literal (`file:`, `line:`) is booked and named as given.
    func testOneCharacterSiteName() {
        Parallel.startModel(threads: 2)
        Parallel.forEach(2, file: "x", line: 7) { _ in spend(1) }
        let r = Parallel.endModel()!
        XCTAssertEqual(r.sites.map(\.site), ["x:7"])
    }

    /// Calls that do not run the same regions (another cut, or one region more) have no quiet figures.
    func testQuietFiguresNeedTheSameRegionsEveryCall() {
        for change in 0..<2 {
            Parallel.startModel(threads: 2)
            for call in 0..<2 {
                Parallel.forEachFixed(call == 1 && change == 0 ? 3 : 4) { _, _ in spend(1) }
                if call == 1 && change == 1 { Parallel.forEach(2) { _ in spend(1) } }
                Parallel.markModelCall()
            }
            XCTAssertNil(Parallel.endModel()!.quiet, "change \(change)")
        }
        Parallel.startModel(threads: 2)
        Parallel.forEach(2) { _ in spend(1) }
        XCTAssertNil(Parallel.endModel()!.quiet, "no call marked")
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
