import Foundation

/// What N threads would make of the work, measured on one: while a model is on
/// (`Parallel.startModel(threads:)`), every parallel region is cut as for N threads but its chunks
/// run one after another on the calling thread, each timed, and are handed out on paper to N
/// virtual workers: chunk c to worker c % N in a fixed region, to the worker free first in a
/// claimed one (which is what claiming does when the cores run at one speed). Per region the
/// busiest worker's time is its length at N threads; the time outside regions stays serial.
///
/// Left out, and to be stated with any figure: the cost of starting and ending a region on N
/// cores, memory bandwidth shared by N cores, and caches that N cores have more of.
public final class ThreadModel {
    /// The result since `start`: times in seconds.
    public struct Report {
        public var threads = 0
        public var wall = 0.0              // measured on one thread, regions included
        public var serial = 0.0            // outside regions
        public var work = 0.0              // every chunk of every region
        public var longest = 0.0           // Σ per region: the busiest virtual worker
        public var regions = 0
        public var busy: [Double] = []     // per virtual worker
        /// Per call site (file:line): regions, their work, and the time lost to the split,
        /// Σ (longest - work / N); most lost first.
        public var sites: [(site: String, regions: Int, work: Double, lost: Double)] = []
        /// The serial time between two regions, per pair of call sites ("file:line -> file:line",
        /// the region before and the one after), most first.
        public var serialBetween: [(sites: String, time: Double)] = []

        /// The modelled time at N threads: serial work plus each region's busiest worker.
        public var modelled: Double { serial + longest }
        /// Each virtual worker's share of the modelled time spent with nothing to do.
        public var waiting: [Double] { busy.map { modelled > 0 ? Swift.max(0, 1 - $0 / modelled) : 0 } }
    }

    nonisolated(unsafe) static var active: ThreadModel?
    /// Nanoseconds (a test gives a clock of its own, so the booking is exact).
    nonisolated(unsafe) static var clock: () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }

    public let threads: Int
    let threadsBefore: Int   // Parallel.threads before the model, restored at its end
    private let since = ThreadModel.clock()
    private var inRegions: UInt64 = 0, work: UInt64 = 0, longest: UInt64 = 0, regions = 0
    private var busy: [UInt64]
    private var sites: [String: (regions: Int, work: Double, lost: Double)] = [:]
    private var serialBetween: [String: UInt64] = [:]
    private lazy var lastEnd = since
    private var lastSite = "start"

    init(threads: Int, threadsBefore: Int) {
        self.threads = threads
        self.threadsBefore = threadsBefore
        busy = Array(repeating: 0, count: threads)
    }

    /// Runs a region's chunks in order on this thread (nested: inner regions run serially) and
    /// books them to `participants` virtual workers; `body(worker, chunk)` sees the virtual worker.
    func run(chunks: Int, participants: Int, fixed: Bool, site: String, _ body: (Int, Int) -> Void) {
        let start = ThreadModel.clock()
        serialBetween["\(lastSite) -> \(site)", default: 0] += start - lastEnd
        lastSite = site
        var load = [UInt64](repeating: 0, count: participants)
        var total: UInt64 = 0
        Parallel.asNested {
            for c in 0..<chunks {
                // Fixed: its own worker. Claimed: the one that would be free first (ties: lowest).
                let w = fixed ? c % participants : load.indices.min { load[$0] < load[$1] }!
                let t0 = ThreadModel.clock()
                body(w, c)
                let t = ThreadModel.clock() - t0
                load[w] += t
                total += t
            }
        }
        let most = load.max()!
        for w in 0..<participants { busy[w] += load[w] }
        lastEnd = ThreadModel.clock()
        inRegions += lastEnd - start
        work += total
        longest += most
        regions += 1
        let lost = (Double(most) - Double(total) / Double(threads)) / 1e9
        let seen = sites[site] ?? (0, 0, 0)
        sites[site] = (seen.regions + 1, seen.work + Double(total) / 1e9, seen.lost + lost)
    }

    func report() -> Report {
        let wall = ThreadModel.clock() - since
        var r = Report()
        r.threads = threads
        r.wall = Double(wall) / 1e9
        r.serial = Double(wall - inRegions) / 1e9
        r.work = Double(work) / 1e9
        r.longest = Double(longest) / 1e9
        r.regions = regions
        r.busy = busy.map { Double($0) / 1e9 }
        r.busy[0] += r.serial   // the caller runs what is outside regions
        r.sites = sites.map { (site: $0.key, regions: $0.value.regions, work: $0.value.work, lost: $0.value.lost) }
            .sorted { $0.lost > $1.lost }
        r.serialBetween = serialBetween.map { (sites: $0.key, time: Double($0.value) / 1e9) }.sorted { $0.time > $1.time }
        return r
    }
}
