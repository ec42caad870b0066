import XCTest
import Foundation
@testable import NeuralCore

final class ParallelTests: XCTestCase {
    override func tearDown() { Parallel.threads = ProcessInfo.processInfo.activeProcessorCount }

    /// Every chunk runs exactly once, for any chunk count and thread budget.
    func testEveryChunkOnce() {
        for threads in [1, 2, 3, 5] {
            Parallel.threads = threads
            for chunks in [1, 2, 3, 7, 37] {
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
                counts.initialize(repeating: 0, count: chunks)
                Parallel.forEach(chunks) { c in counts[c] += 1 }
                XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: chunks)), Array(repeating: 1, count: chunks),
                               "\(chunks) chunks on \(threads) threads")
                counts.deallocate()
            }
        }
    }

    /// A fixed region runs chunk c on worker c % participants, or on the caller (0) when that
    /// worker had not started by the time the caller was done, and every chunk once, for several
    /// chunk counts and thread budgets, region after region. Participants: threads, chunks or
    /// CPUs, the fewest (3 threads on a 2-CPU machine run on 2).
    func testFixedChunksStayOnTheirWorker() {
        for threads in [1, 2, 3, Parallel.cpus + 1] {
            Parallel.threads = threads
            for chunks in [1, 2, 3, 7, 2 * Parallel.cpus + 3] {
                let participants = Swift.min(threads, chunks, Parallel.cpus)
                let workers = UnsafeMutablePointer<Int>.allocate(capacity: chunks), runs = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
                for _ in 0..<50 {
                    workers.initialize(repeating: -1, count: chunks)
                    runs.initialize(repeating: 0, count: chunks)
                    Parallel.forEachFixed(chunks) { w, c in workers[c] = w; runs[c] += 1 }
                    XCTAssertEqual(Array(UnsafeBufferPointer(start: runs, count: chunks)), Array(repeating: 1, count: chunks))
                    for c in 0..<chunks {
                        XCTAssertTrue(workers[c] == c % participants || workers[c] == 0,
                                      "chunk \(c) of \(chunks) on worker \(workers[c]), \(threads) threads")
                    }
                    // A chunk the caller took is one of a whole share: a worker runs all of its own or none.
                    for p in 1..<Swift.max(1, participants) {
                        let own = Set(stride(from: p, to: chunks, by: participants).map { workers[$0] })
                        XCTAssertEqual(own.count, 1, "worker \(p)'s chunks split: \(own)")
                    }
                }
                workers.deallocate(); runs.deallocate()
            }
        }
    }

    /// A worker that has not started when the caller is done (here held back 0.3 s before it
    /// takes its seat, as if the OS ran another program on its CPU) does not hold the region up:
    /// the caller runs its chunks, the region returns long before the worker wakes, and the
    /// worker, late, takes no part in it nor runs a chunk twice in the regions that follow.
    func testLateWorkerIsNotWaitedFor() throws {
        try XCTSkipIf(Parallel.cpus < 2, "needs two CPUs")
        Parallel.threads = 2
        Parallel.forEach(2) { _ in }
        WorkerPool.seatDelayForTests = 0.3
        var ranOn = [-1, -1], runs = [0, 0]
        let start = Date()
        ranOn.withUnsafeMutableBufferPointer { w in runs.withUnsafeMutableBufferPointer { r in
            Parallel.forEachFixed(2) { worker, c in w[c] = worker; r[c] += 1 }
        } }
        let took = Date().timeIntervalSince(start)
        WorkerPool.seatDelayForTests = 0
        XCTAssertLessThan(took, 0.2, "the region waited for the late worker")
        XCTAssertEqual(ranOn, [0, 0])
        XCTAssertEqual(runs, [1, 1])
        // The late worker wakes into regions that are over or not its own: every chunk still runs once.
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        defer { counts.deallocate() }
        let end = Date().addingTimeInterval(0.5)
        while Date() < end {
            counts.initialize(repeating: 0, count: 64)
            Parallel.forEach(64) { counts[$0] += 1 }
            XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: 64)), Array(repeating: 1, count: 64))
        }
    }

    /// A worker held back before its seat counts as late in the region whose seat the caller closed.
    func testLateSharesCountClosedSeats() throws {
        try XCTSkipIf(Parallel.cpus < 2, "needs two CPUs")
        Parallel.threads = 2
        Parallel.forEach(2) { _ in }
        WorkerPool.seatDelayForTests = 0.3
        Parallel.startUsage()
        Parallel.forEachFixed(2) { _, _ in }
        let late = Parallel.lateShares()
        WorkerPool.seatDelayForTests = 0
        XCTAssertEqual(late, [1.0], "one region, its one worker's seat closed")
        Thread.sleep(forTimeInterval: 0.35)   // the held-back worker wakes into a region that is over
    }

    /// The usage counter sees a worker idle while the caller runs serial code, and a caller that
    /// waits little when the region's two halves are equal.
    func testUsageCountsWaiting() {
        Parallel.threads = 2
        func spin(_ seconds: Double) { let end = Date().addingTimeInterval(seconds); while Date() < end {} }
        Parallel.forEach(2) { _ in }
        Parallel.startUsage()
        Parallel.forEach(2) { _ in spin(0.04) }
        spin(0.12)                       // serial: the worker has nothing to do
        let shares = Parallel.usage()    // long spins: a worker woken late on a loaded machine moves these little
        XCTAssertEqual(shares.count, 2)
        XCTAssertGreaterThan(shares[1], 0.5, "worker idle for 120 of 160 ms: \(shares)")
        XCTAssertLessThan(shares[0], 0.3, "caller: \(shares)")
    }

    /// The thread budget stays in 1...1024 (Int.max overflowed a product's tile sizing), and a
    /// product runs right at the top of it; the workers' spin stays in 0...1 s.
    func testThreadBudgetIsBounded() {
        Parallel.threads = 0
        XCTAssertEqual(Parallel.threads, 1)
        Parallel.threads = .max
        XCTAssertEqual(Parallel.threads, Parallel.maxThreads)
        let a = [Float](repeating: 1, count: 64 * 96), b = [Float](repeating: 2, count: 96 * 128)
        var c = [Float](repeating: 0, count: 64 * 128)
        c.withUnsafeMutableBufferPointer { cp in
            BLAS.sgemm(m: 64, n: 128, k: 96, a: a, lda: 96, b: b, ldb: 128, c: cp.baseAddress!, ldc: 128)
        }
        XCTAssertEqual(c, [Float](repeating: 192, count: 64 * 128))
        // The workers' spin before sleeping: a negative or NaN one trapped in a worker.
        let spin = Parallel.spinSeconds
        defer { Parallel.spinSeconds = spin }
        for (given, taken) in [(-1.0, 0.0), (.nan, 0), (.infinity, 1), (0.5, 0.5)] {
            Parallel.spinSeconds = given
            XCTAssertEqual(Parallel.spinSeconds, taken)
        }
        Parallel.threads = 2
        Parallel.spinSeconds = -1
        XCTAssertEqual(Parallel.spinSeconds, 0)
        var hits = [Int](repeating: 0, count: 4)
        hits.withUnsafeMutableBufferPointer { h in Parallel.forEach(4) { h[$0] += 1 } }
        XCTAssertEqual(hits, [1, 1, 1, 1])
    }

    /// A region inside a region runs serially on its thread, and ranges cover 0..<n.
    func testNestedAndRanges() {
        Parallel.threads = 2
        let n = 1000
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: n)
        hits.initialize(repeating: 0, count: n)
        Parallel.forEach(2) { half in
            XCTAssertTrue(Parallel.isNested)
            Parallel.forRanges(n / 2) { r in for i in r { hits[half * n / 2 + i] += 1 } }
        }
        XCTAssertFalse(Parallel.isNested)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: hits, count: n)), Array(repeating: 1, count: n))
        hits.deallocate()
    }

    /// Workers that went to sleep (idle longer than spinSeconds) wake for the next region, and a
    /// region started while another thread holds the pool runs serially and correctly.
    func testSleepingWorkersAndConcurrentCallers() {
        Parallel.threads = 2
        Parallel.forEach(2) { _ in }
        Thread.sleep(forTimeInterval: 10 * Parallel.spinSeconds)
        var sums = [0, 0]
        sums.withUnsafeMutableBufferPointer { s in Parallel.forEach(2) { c in s[c] = c + 1 } }
        XCTAssertEqual(sums, [1, 2])

        let group = DispatchGroup()
        nonisolated(unsafe) let totals = UnsafeMutablePointer<Int>.allocate(capacity: 4)
        totals.initialize(repeating: 0, count: 4)
        for caller in 0..<4 {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<200 {
                    let parts = UnsafeMutablePointer<Int>.allocate(capacity: 2)
                    parts.initialize(repeating: 0, count: 2)
                    Parallel.forEach(2) { c in parts[c] = c + 1 }
                    totals[caller] += parts[0] + parts[1]
                    parts.deallocate()
                }
            }
        }
        group.wait()
        XCTAssertEqual(Array(UnsafeBufferPointer(start: totals, count: 4)), [600, 600, 600, 600])
        totals.deallocate()
    }
}
