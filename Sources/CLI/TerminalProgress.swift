import Foundation

import RunKit

/// Training events on stderr: a redrawn bar on a terminal, plain periodic lines otherwise.
/// Shows done/total, running figures (loss, accuracy), throughput and ETA.
public final class TerminalProgress: TrainingEvents {
    private var label = ""
    private var start = Date()
    private var lastPrint = Date.distantPast
    private let terminal = isatty(2) != 0

    public init() {}

    /// A bar for `label` whose rate and ETA count from `start` (shown only once it is worth it).
    public init(label: String, since start: Date) { self.label = label; self.start = start }

    public func progress(_ p: TrainingProgress) {
        if p.label != label { label = p.label; start = Date(); lastPrint = .distantPast }
        update(p.done, total: p.total, unit: p.unit, p.fields)
    }

    public func log(_ line: String) { Self.log(line) }

    /// `done` items of `total`; extra shows e.g. ["loss": 0.12, "acc": 0.98].
    func update(_ done: Int, total: Int, unit: String, _ extra: [(String, Double)], force: Bool = false) {
        let now = Date()
        let interval = terminal ? 0.2 : 10
        guard force || now.timeIntervalSince(lastPrint) >= interval || done >= total else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0.5 ? Double(done) / elapsed : 0     // no rate from the first instant
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let fields = extra.map { String(format: "%@ %.4f", $0.0, $0.1) }.joined(separator: "  ")
        let frac = total > 0 ? Double(done) / Double(total) : 1
        let speed = Self.speed(rate: rate, unit: unit, eta: eta)
        let stats = fields.isEmpty ? speed : fields + "  " + speed
        if terminal {
            let width = 24, filled = Int(frac * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)  \(stats)\u{1B}[K".utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            FileHandle.standardError.write(Data("\(label) \(done)/\(total)  \(stats)\n".utf8))
        }
    }

    /// A line on stderr (on a terminal, below the bar).
    public static func log(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    /// "12.50 frames/s  ETA 1:04": a slow rate (video frames, big pictures) with two decimals, not
    /// rounded to 0 or 1; "- samples/s  ETA -" while the rate is not known yet (the first half
    /// second), not a rate of 0.
    static func speed(rate: Double, unit: String, eta: Double) -> String {
        guard rate > 0 else { return "- \(unit)/s  ETA -" }
        return String(format: rate < 10 ? "%.2f %@/s  ETA %@" : "%.0f %@/s  ETA %@", rate, unit, clock(eta))
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
