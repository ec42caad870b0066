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
///
/// One-off delays (a timer tick, the host taking a virtual CPU: on the 2-vCPU machines here a
/// 30 us loop takes 1.5x its median up to 0.25 times a millisecond: scripts/noise.c) land in one chunk and lengthen its
/// region by all of it. When the work is a call repeated (`Parallel.markModelCall()` after each
/// training step), the quiet figures take each region's chunks and each serial gap at their median
/// over the calls instead: what the split itself gives, without this machine's delays.
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

        /// Per call, each chunk and gap at its median over the calls (nil: no calls marked, or
        /// the calls did not run the same regions).
        public var quiet: Quiet?

        /// The modelled time at N threads: serial work plus each region's busiest worker.
        public var modelled: Double { serial + longest }
        /// Each virtual worker's share of the modelled time spent with nothing to do.
        public var waiting: [Double] { busy.map { modelled > 0 ? Swift.max(0, 1 - $0 / modelled) : 0 } }
    }

    /// One call's quiet figures, in seconds.
    public struct Quiet {
        public var calls = 0
        public var serial = 0.0, work = 0.0, longest = 0.0
        public var busy: [Double] = []
        /// Per call site, as `Report.sites`.
        public var sites: [(site: String, regions: Int, work: Double, lost: Double)] = []
        /// On one thread, and at N.
        public var oneThread: Double { serial + work }
        public var modelled: Double { serial + longest }
        public var waiting: [Double] { busy.map { modelled > 0 ? Swift.max(0, 1 - $0 / modelled) : 0 } }
    }

    /// Hands a region's chunks to `participants` virtual workers as the pool does: chunk c to
    /// worker c % N when fixed, else to the worker free first (ties: the lowest).
    struct Booking {
        let fixed: Bool
        private(set) var load: [UInt64]
        private var chunk = 0
        init(participants: Int, fixed: Bool) {
            self.fixed = fixed
            load = Array(repeating: 0, count: participants)
        }
        func worker() -> Int { fixed ? chunk % load.count : load.indices.min { load[$0] < load[$1] }! }
        mutating func add(_ t: UInt64, to w: Int) { load[w] += t; chunk += 1 }
    }

    nonisolated(unsafe) static var active: ThreadModel?
    /// Nanoseconds (a test gives a clock of its own, so the booking is exact).
    nonisolated(unsafe) static var clock: () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }

    public let threads: Int
    let threadsBefore: Int   // Parallel.threads before the model, restored at its end
    private let since = ThreadModel.clock()
    private var inRegions: UInt64 = 0, work: UInt64 = 0, longest: UInt64 = 0, regions = 0
    private var busy: [UInt64]
    /// A call site, kept as the literal's address and the line until the report names it.
    private struct Site: Hashable {
        let file: UInt, line: UInt
        static let start = Site(file: 0, line: 0), end = Site(file: 0, line: 1)
    }
    /// The regions of a call in order: site, cut, and per call (up to `quietCalls`) each chunk's
    /// time and the serial gap before it, in nanoseconds.
    private struct Occurrence {
        let site: Site, participants: Int, fixed: Bool, chunks: Int
        var times: [UInt32] = [], before: [UInt32] = []   // (calls, chunks), (calls)
    }
    static let quietCalls = 1000
    private var occurrences: [Occurrence] = []
    private var occurrence = 0, calls = 0, sameEveryCall = true
    private var tails: [UInt32] = []   // serial time after a call's last region
    private var files: [UInt: StaticString] = [:]
    private var sites: [Site: (regions: Int, work: Double, lost: Double)] = [:]
    private var serialBetween: [[Site]: UInt64] = [:]
    private lazy var lastEnd = since
    private var lastSite = Site.start

    init(threads: Int, threadsBefore: Int) {
        self.threads = threads
        self.threadsBefore = threadsBefore
        busy = Array(repeating: 0, count: threads)
    }

    /// Runs a region's chunks in order on this thread (nested: inner regions run serially) and
    /// books them to `participants` virtual workers; `body(worker, chunk)` sees the virtual worker.
    /// The booking itself is neither serial time nor work: serial time runs from the end of one
    /// region's booking to the start of the next region.
    func run(chunks: Int, participants: Int, fixed: Bool, file: StaticString, line: UInt, _ body: (Int, Int) -> Void) {
        let start = ThreadModel.clock()
        let site = Site(file: UInt(bitPattern: file.utf8Start), line: line)
        if files[site.file] == nil { files[site.file] = file }
        serialBetween[[lastSite, site], default: 0] += start - lastEnd
        lastSite = site
        var booking = Booking(participants: participants, fixed: fixed)
        var times = [UInt64](repeating: 0, count: chunks)
        Parallel.asNested {
            for c in 0..<chunks {
                let w = booking.worker()
                let t0 = ThreadModel.clock()
                body(w, c)
                times[c] = ThreadModel.clock() - t0
                booking.add(times[c], to: w)
            }
        }
        let load = booking.load, total = times.reduce(0, +), most = load.max()!
        for w in 0..<participants { busy[w] += load[w] }
        keepQuiet(site: site, participants: participants, fixed: fixed, times: times, before: start - lastEnd)
        work += total
        longest += most
        regions += 1
        let lost = (Double(most) - Double(total) / Double(threads)) / 1e9
        let seen = sites[site] ?? (0, 0, 0)
        sites[site] = (seen.regions + 1, seen.work + Double(total) / 1e9, seen.lost + lost)
        lastEnd = ThreadModel.clock()
        inRegions += lastEnd - start
    }

    /// Files a region under its place in the call: the first call sets the order, later ones
    /// must follow it.
    private func keepQuiet(site: Site, participants: Int, fixed: Bool, times: [UInt64], before: UInt64) {
        defer { occurrence += 1 }
        guard calls < ThreadModel.quietCalls else { return }
        if calls == 0 {
            occurrences.append(Occurrence(site: site, participants: participants, fixed: fixed, chunks: times.count))
        }
        guard occurrence < occurrences.count, occurrences[occurrence].site == site, occurrences[occurrence].fixed == fixed,
              occurrences[occurrence].participants == participants, occurrences[occurrence].chunks == times.count
        else { sameEveryCall = false; return }
        occurrences[occurrence].before.append(UInt32(clamping: before))
        occurrences[occurrence].times += times.map { UInt32(clamping: $0) }
    }

    /// Ends one call (`Parallel.markModelCall()`): the serial time since its last region is its
    /// tail, and the next call's first gap starts here.
    func endCall() {
        let now = ThreadModel.clock()
        serialBetween[[lastSite, .end], default: 0] += now - lastEnd
        if calls < ThreadModel.quietCalls {
            tails.append(UInt32(clamping: now - lastEnd))
            if occurrence != occurrences.count { sameEveryCall = false }
        }
        calls += 1
        occurrence = 0
        lastSite = .start
        lastEnd = now
    }

    private func quietReport() -> Quiet? {
        guard calls > 0, sameEveryCall, occurrence == 0 else { return nil }
        /// The lower median.
        func median<C: Collection<UInt32>>(_ xs: C) -> UInt64 { UInt64(xs.sorted()[(xs.count - 1) / 2]) }
        var q = Quiet()
        q.calls = tails.count
        var busy = [UInt64](repeating: 0, count: threads), serial = median(tails), work: UInt64 = 0, longest: UInt64 = 0
        var sites: [String: (regions: Int, work: Double, lost: Double)] = [:]
        for o in occurrences {
            let chunks = (0..<o.chunks).map { c in median(stride(from: c, to: o.times.count, by: o.chunks).lazy.map { o.times[$0] }) }
            var booking = Booking(participants: o.participants, fixed: o.fixed)
            for t in chunks { booking.add(t, to: booking.worker()) }
            for w in booking.load.indices { busy[w] += booking.load[w] }
            serial += median(o.before)
            let total = chunks.reduce(0, +), most = booking.load.max()!
            work += total
            longest += most
            let seen = sites[name(o.site)] ?? (0, 0, 0)
            sites[name(o.site)] = (seen.regions + 1, seen.work + Double(total) / 1e9,
                                   seen.lost + (Double(most) - Double(total) / Double(threads)) / 1e9)
        }
        q.sites = sites.map { (site: $0.key, regions: $0.value.regions, work: $0.value.work, lost: $0.value.lost) }.sorted { $0.lost > $1.lost }
        busy[0] += serial
        q.serial = Double(serial) / 1e9
        q.work = Double(work) / 1e9
        q.longest = Double(longest) / 1e9
        q.busy = busy.map { Double($0) / 1e9 }
        return q
    }

    /// "file:line" ("start" before the first region of a call, "end" after its last).
    private func name(_ site: Site) -> String {
        guard let file = files[site.file] else { return site == .end ? "end" : "start" }
        return "\(file):\(site.line)"
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
        // One file may have more than one literal: merged by name.
        var named: [String: (regions: Int, work: Double, lost: Double)] = [:]
        for (site, v) in sites {
            let seen = named[name(site)] ?? (0, 0, 0)
            named[name(site)] = (seen.regions + v.regions, seen.work + v.work, seen.lost + v.lost)
        }
        r.sites = named.map { (site: $0.key, regions: $0.value.regions, work: $0.value.work, lost: $0.value.lost) }
            .sorted { $0.lost > $1.lost }
        var between: [String: UInt64] = [:]
        for (pair, t) in serialBetween { between["\(name(pair[0])) -> \(name(pair[1]))", default: 0] += t }
        r.serialBetween = between.map { (sites: $0.key, time: Double($0.value) / 1e9) }.sorted { $0.time > $1.time }
        r.quiet = quietReport()
        return r
    }
}
