import Foundation
import Synchronization

/// The library's thread budget. OpenBLAS runs single-threaded; the library splits work itself, so
/// the two never oversubscribe the cores.
///
/// Parallel regions run on a pool of `threads - 1` persistent workers plus the calling thread.
/// Between regions a worker spins for a while (`spinSeconds`) before it sleeps: a training step is
/// dozens of regions a few hundred microseconds to milliseconds long, and waking a sleeping thread
/// (on a virtual machine: an idle virtual CPU) costs a good part of that.
public enum Parallel {
    nonisolated(unsafe) private static var _threads = CPUInfo.cores
    nonisolated(unsafe) private static var depthKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Worker threads used by kernels (default: `CPUInfo.cores`, one per physical core), 1...1024
    /// (a value outside is taken as the nearest end: a product's tile count is sized by it).
    public static var threads: Int {
        get { _threads }
        set { _threads = min(max(1, newValue), maxThreads) }
    }

    /// The most threads `threads` takes (the programs' and the bench's `--threads` limit).
    public static let maxThreads = 1024

    /// CPUs this process may keep busy (`CPUInfo.cpus`): the most threads a region runs on.
    static let cpus = CPUInfo.cpus

    /// Elements below which a pointwise pass runs on one thread (a region costs about a
    /// microsecond; 16k floats take a few).
    public static let pointwiseGrain = 1 << 14

    /// p[0..<n] = 0, split across threads when large (a gradient buffer of a million floats).
    public static func zero(_ p: UnsafeMutablePointer<Float>, _ n: Int, file: StaticString = #fileID, line: UInt = #line) {
        forRanges(n, minPerChunk: 1 << 16, file: file, line: line) { r in (p + r.lowerBound).update(repeating: 0, count: r.count) }
    }

    /// How long an idle worker polls for the next region before it sleeps.
    /// 0...1 s (a value outside, or NaN, is taken as the nearest end, or 0).
    public static var spinSeconds: Double {
        get { _spinSeconds }
        set { _spinSeconds = newValue.isNaN ? 0 : min(max(newValue, 0), 1) }
    }
    nonisolated(unsafe) private static var _spinSeconds = 0.002

    /// Starts counting how long each thread of the pool waits (see `usage()`); off until called.
    public static func startUsage() { WorkerPool.shared.startUsage() }

    /// Each thread's share of the time since `startUsage()` spent waiting: [0] is the calling
    /// thread (done with its part of a region, waiting for the workers), [w] pool worker w (no
    /// region to work on: the caller runs serial code, or its part of the region is done).
    public static func usage() -> [Double] { WorkerPool.shared.usage(threads: threads) }

    /// Each pool worker's share of the regions since `startUsage()` it was to take part in but had
    /// not started on when the caller was done with its own part, so that the caller closed its
    /// seat (and ran its share, when fixed): [w - 1] for worker w. A worker that is often late is
    /// one the OS runs late (its CPU busy, or slow to wake), not one that is slow.
    public static func lateShares() -> [Double] { WorkerPool.shared.lateShares(threads: threads) }

    /// True inside a `forEach` body: nested calls then run serially.
    public static var isNested: Bool { pthread_getspecific(depthKey) != nil }

    /// Runs `body(chunk)` for chunk in 0..<chunks on up to `threads` threads.
    public static func forEach(_ chunks: Int, file: StaticString = #fileID, line: UInt = #line, _ body: (Int) -> Void) {
        forEachChunk(chunks, fixed: false, file: file, line: line) { _, c in body(c) }
    }

    /// Runs `body(worker, chunk)` for chunk in 0..<chunks: each of min(threads, chunks, cpus) workers
    /// (0 is the caller) claims the next chunk whenever it is free, so a core that runs slower
    /// (on a virtual machine the two cores' speeds drift apart by tens of percent) takes fewer.
    /// `worker` selects per-worker scratch; no two chunks run on one worker at once.
    public static func forEachClaimed(_ chunks: Int, file: StaticString = #fileID, line: UInt = #line,
                                      _ body: (_ worker: Int, _ chunk: Int) -> Void) {
        forEachChunk(chunks, fixed: false, file: file, line: line, body)
    }

    /// Runs `body(worker, chunk)` for chunk in 0..<chunks with chunk c on worker
    /// c % min(threads, chunks, cpus) (0 is the caller; all on the caller when the region runs
    /// serially). Work that follows the same split from region to region (a tensor's rows, a
    /// parameter's halves) then finds its data in the cache of the core that wrote it; on a
    /// virtual machine whose two vCPUs sit where a cache line takes 400 ns to cross, not 100,
    /// that is what two threads lose (see docs/BENCHMARKS.md). A worker that has not started on
    /// the region when the caller is done with its own chunks (the OS runs another program on
    /// its CPU) is not waited for: the caller runs its chunks. Select the work by `chunk`, not
    /// by `worker`: a region that runs serially runs every chunk on worker 0.
    public static func forEachFixed(_ chunks: Int, file: StaticString = #fileID, line: UInt = #line,
                                    _ body: (_ worker: Int, _ chunk: Int) -> Void) {
        forEachChunk(chunks, fixed: true, file: file, line: line, body)
    }

    private static func forEachChunk(_ chunks: Int, fixed: Bool, file: StaticString, line: UInt,
                                     _ body: (_ worker: Int, _ chunk: Int) -> Void) {
        if chunks <= 0 { return }
        let participants = min(threads, chunks, 255)
        if let model = ThreadModel.active, !isNested {
            model.run(chunks: chunks, participants: participants, fixed: fixed, file: file, line: line, body)
            return
        }
        // Never more threads at once than CPUs: the chunks stay those of `threads` (and so do the
        // results), but 16 participants on 2 CPUs wait on each other's time slices at every region
        // (measured: char_lstm training 0.36 steps/s at --threads 16 on 2 CPUs, 34 at 2).
        let running = min(participants, cpus)
        if running == 1 || isNested || !WorkerPool.shared.tryBegin() {
            for c in 0..<chunks { body(0, c) }
            return
        }
        defer { WorkerPool.shared.end() }
        // Pool threads run the caller's grad mode (a task-local the threads do not inherit).
        let mode = GradMode.current
        withoutActuallyEscaping(body) { body in
            WorkerPool.shared.run(chunks: chunks, participants: running, fixed: fixed) { w, c in
                if w == 0 || GradMode.current == mode { body(w, c) } else { GradMode.$current.withValue(mode) { body(w, c) } }
            }
        }
    }

    /// From now on, regions are cut as for `threads` threads but run on the calling thread alone,
    /// every chunk timed, to model what that many cores would give (`ThreadModel`). For one
    /// thread of one program (a benchmark); `endModel()` returns the figures and the thread count.
    public static func startModel(threads n: Int) {
        let before = ThreadModel.active?.threadsBefore ?? threads
        threads = n
        ThreadModel.active = ThreadModel(threads: threads, threadsBefore: before)
    }

    /// Ends the model begun by `startModel`: its figures (nil if none was running).
    @discardableResult
    public static func endModel() -> ThreadModel.Report? {
        guard let model = ThreadModel.active else { return nil }
        ThreadModel.active = nil
        threads = model.threadsBefore
        return model.report()
    }

    /// Marks the end of one call of the modelled work (a training step): the model's quiet
    /// figures then take each region and gap at its median over the calls. No effect without a model.
    public static func markModelCall() { ThreadModel.active?.endCall() }

    /// True while a thread model runs (`startModel`): code that hands work between its chunks
    /// itself (stealing) must keep each chunk to its own share, or the first chunk would take all.
    static var isModelling: Bool { ThreadModel.active != nil }

    /// Splits 0..<n into at most `threads` contiguous ranges (each at least `minPerChunk` long)
    /// and runs `body(range)` on each in parallel, range c on worker c (`forEachFixed`).
    public static func forRanges(_ n: Int, minPerChunk: Int = 1, file: StaticString = #fileID, line: UInt = #line,
                                 _ body: (Range<Int>) -> Void) {
        if n <= 0 { return }
        let chunks = isNested ? 1 : max(1, min(threads, n / max(1, minPerChunk)))
        if chunks == 1 { body(0..<n); return }
        forEachFixed(chunks, file: file, line: line) { _, c in
            let lo = n * c / chunks, hi = n * (c + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }

    /// Runs `body` marked as inside a parallel region (nested regions run serially).
    static func asNested(_ body: () -> Void) {
        pthread_setspecific(depthKey, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(depthKey, nil)
    }
}

/// Persistent workers for `Parallel.forEach`. One region at a time (a second thread that finds
/// the pool busy runs its region serially). A region is published by storing a new `epoch`
/// (generation << 8 | participants); the caller (participant 0) and pool thread w (participant
/// w + 1) claim chunks from `next` until none are left (or, in a fixed region, run chunks p, p +
/// participants, ...).
/// Each pool thread's seat (`seats`, a cache line each) says where it is in the region: a thread
/// takes part only by taking its seat while it is open, and marks it done when its share is; the
/// caller, done with its own share, closes every seat still empty and runs those participants'
/// fixed chunks itself (claimed chunks are all taken by then). So a thread the OS has not run
/// yet (its CPU busy with another program) never holds a region up: with a busy loop on one of
/// two CPUs, two threads ran lenet's training at half the speed of one. Threads still waking from
/// sleep (after a pause) are not waited for either; the shares the caller takes meanwhile cost
/// such a region at most one share more than waiting did (a grace of one share before closing a
/// seat was slower here, where a sleeping thread takes 200 us or more to wake).
/// The caller then waits until every seated pool thread is done, so the body never outlives the
/// call and the next region cannot start early. (Each seat a line of its own rather than one
/// counter every thread adds to, which on many cores passes one line from core to core in turn;
/// at 2 threads the two are the same.)
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    private let busy = Mutex(false)
    private let epoch = Atomic<Int>(0)
    private let next = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// Participant p's seat at `seats[p * 8]` (a cache line each): generation << 2 | open, seated
    /// (the pool thread takes part), done (its share is) or closed (the caller ran its share).
    private let seats = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 256 * 8)
    private static let open = 0, seated = 1, done = 2, closed = 3
    /// Tests only: how long pool threads wait before taking a seat (as if the OS had not run them).
    nonisolated(unsafe) static var seatDelayForTests = 0.0
    private var sleepLock = pthread_mutex_t()
    private var wake = pthread_cond_t()
    // The region, written before `epoch` is stored and read by its participants after they see it.
    private var body: ((Int, Int) -> Void)?
    private var chunks = 0, participants = 0, fixed = false
    /// Polls of a waiting thread before it yields its CPU at each further one: another process (a
    /// second training, a server) may need the CPU this one spins on, or a participant of this
    /// region may be waiting for it (two 2-thread trainings on 2 CPUs: 4.9 steps/s each, against
    /// 17.7 each with one thread).
    static let politePolls = 4096
    private var workers = 0
    // Usage counting (off until `startUsage`): nanoseconds per participant, one cache line each;
    // slot 0 is the caller's waiting time, slot w the busy time of worker w. A worker writes its
    // slot before it marks its seat done, which the caller reads with acquire ordering.
    private var counting = false
    private var countingSince: UInt64 = 0
    private let nanos = UnsafeMutablePointer<UInt64>.allocate(capacity: 256 * 8)
    // Also when counting, written by the caller alone: regions each participant was asked to join,
    // and the seats of those the caller closed.
    private let asked = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
    private let closedSeats = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)

    private init() {
        for i in 0..<256 * 8 { (seats + i).initialize(to: Atomic(0)) }
        pthread_mutex_init(&sleepLock, nil)
        pthread_cond_init(&wake, nil)
    }

    func tryBegin() -> Bool {
        busy.withLock { taken in
            if taken { return false }
            taken = true
            return true
        }
    }

    func end() { busy.withLock { $0 = false } }

    func startUsage() {
        nanos.initialize(repeating: 0, count: 256 * 8)
        asked.initialize(repeating: 0, count: 256); closedSeats.initialize(repeating: 0, count: 256)
        countingSince = DispatchTime.now().uptimeNanoseconds
        counting = true
    }

    func usage(threads: Int) -> [Double] {
        guard counting else { return [] }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - countingSince)
        // One slot per participant; a region has at most 255 (more threads than that wait on none).
        return (0..<Swift.min(threads, 256)).map { t in
            let n = Double(nanos[t * 8]) / wall
            return max(0, min(1, t == 0 ? n : 1 - n))
        }
    }

    func lateShares(threads: Int) -> [Double] {
        guard counting else { return [] }
        return (1..<Swift.max(1, Swift.min(threads, 256))).map { p in asked[p] == 0 ? 0 : Double(closedSeats[p]) / Double(asked[p]) }
    }

    func run(chunks: Int, participants: Int, fixed: Bool, _ body: @escaping (Int, Int) -> Void) {
        while workers < participants - 1 { startWorker(index: workers); workers += 1 }
        self.body = body; self.chunks = chunks; self.participants = participants; self.fixed = fixed
        next.store(0, ordering: .relaxed)
        let generation = (epoch.load(ordering: .relaxed) >> 8) + 1
        for p in 1..<participants { seats[p * 8].store(generation << 2 | WorkerPool.open, ordering: .relaxed) }
        epoch.store(generation << 8 | participants, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(&sleepLock); pthread_cond_broadcast(&wake); pthread_mutex_unlock(&sleepLock)
        }
        Parallel.asNested { runShare(0) }
        // Close the seats not taken yet; a fixed share left behind runs here.
        let open = generation << 2 | WorkerPool.open, done = generation << 2 | WorkerPool.done
        let closed = generation << 2 | WorkerPool.closed
        for p in 1..<participants {
            if counting { asked[p] += 1 }
            guard seats[p * 8].load(ordering: .relaxed) == open,
                  seats[p * 8].compareExchange(expected: open, desired: closed, ordering: .acquiringAndReleasing).exchanged else { continue }
            if counting { closedSeats[p] += 1 }
            if fixed { Parallel.asNested { runShare(p, as: 0) } }
        }
        // Then wait for the seated ones.
        let waitStart = counting ? DispatchTime.now().uptimeNanoseconds : 0
        var polls = 0
        for p in 1..<participants {
            while true {
                let state = seats[p * 8].load(ordering: .acquiring)
                if state == done || state == closed { break }
                polls += 1
                if polls > WorkerPool.politePolls { sched_yield() }   // a participant may be waiting for this CPU
            }
        }
        if counting { nanos[0] += DispatchTime.now().uptimeNanoseconds - waitStart }
        self.body = nil
    }

    /// Participant p claims chunks until none are left (fixed: runs its own, on `worker`: the
    /// caller for a seat it closed); its references to the body end when this returns.
    @inline(never)
    private func runShare(_ p: Int, as worker: Int? = nil) {
        guard let body else { return }
        if fixed {
            for c in stride(from: p, to: chunks, by: participants) { body(worker ?? p, c) }
            return
        }
        while true {
            let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if c >= chunks { return }
            body(p, c)
        }
    }

    private func startWorker(index: Int) {
        let seen = epoch.load(ordering: .acquiring)
        let thread = Thread { [unowned self] in self.workerLoop(index: index, seen: seen) }
        thread.name = "deepmedia-worker-\(index + 1)"
        thread.start()
    }

    private func workerLoop(index: Int, seen start: Int) {
        var seen = start
        while true {
            var current = epoch.load(ordering: .acquiring)
            if current == seen {
                // Poll for up to spinSeconds, then sleep until the next region is published.
                let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Parallel.spinSeconds * 1e9)
                var polls = 0
                while current == seen {
                    polls += 1
                    if polls > WorkerPool.politePolls { sched_yield() }
                    if polls % 1024 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                        pthread_mutex_lock(&sleepLock)
                        sleepers.add(1, ordering: .sequentiallyConsistent)
                        while epoch.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(&wake, &sleepLock) }
                        sleepers.subtract(1, ordering: .sequentiallyConsistent)
                        pthread_mutex_unlock(&sleepLock)
                        polls = 0
                    }
                    current = epoch.load(ordering: .acquiring)
                }
            }
            seen = current
            // A region this worker is seated in cannot end (nor the next begin) before it finishes;
            // one whose seat the caller closed already (or a later region's) is not this worker's.
            guard index + 1 < current & 0xFF else { continue }
            if WorkerPool.seatDelayForTests > 0 { Thread.sleep(forTimeInterval: WorkerPool.seatDelayForTests) }
            let generation = current >> 8
            guard seats[(index + 1) * 8].compareExchange(expected: generation << 2 | WorkerPool.open,
                                                         desired: generation << 2 | WorkerPool.seated, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            let busyStart = counting ? DispatchTime.now().uptimeNanoseconds : 0
            Parallel.asNested { runShare(index + 1) }
            if busyStart != 0 { nanos[(index + 1) * 8] += DispatchTime.now().uptimeNanoseconds - busyStart }
            seats[(index + 1) * 8].store(generation << 2 | WorkerPool.done, ordering: .releasing)
        }
    }
}
