/// A stretch of a recording with one tag: start and end in seconds, the mean top probability of
/// its windows.
public struct TagSegment: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var tag: String
    public var confidence: Double
}

/// One window's decision: the span of the timeline it speaks for, and its class (nil when
/// silent or below the threshold) with that class's probability.
public struct WindowDecision: Sendable, Equatable {
    public var start: Double, end: Double
    public var label: Int?
    public var confidence: Float
    public init(start: Double, end: Double, label: Int?, confidence: Float) {
        self.start = start; self.end = end; self.label = label; self.confidence = confidence
    }
}

public enum TagSegmentation {
    /// The window's decision: silent if its level is below `silenceDB`, no tag if its best
    /// probability is below `threshold`.
    public static func decide(_ p: [Float], levelDB: Float, silenceDB: Float, threshold: Float, start: Double, end: Double) -> WindowDecision {
        guard levelDB >= silenceDB, let best = p.indices.max(by: { p[$0] < p[$1] }), p[best] >= threshold else {
            return WindowDecision(start: start, end: end, label: nil, confidence: 0)
        }
        return WindowDecision(start: start, end: end, label: best, confidence: p[best])
    }

    /// Neighbouring windows with the same tag merged into segments; untagged windows end them.
    public static func segments(_ windows: [WindowDecision], classes: [String]) -> [TagSegment] {
        var out: [TagSegment] = []
        var run: (label: Int, start: Double, end: Double, sum: Double, n: Int)?
        func close() {
            if let r = run { out.append(TagSegment(start: r.start, end: r.end, tag: classes[r.label], confidence: r.sum / Double(r.n))) }
            run = nil
        }
        for w in windows {
            guard let l = w.label else { close(); continue }
            if let r = run, r.label == l, w.start <= r.end + 1e-9 {
                run = (l, r.start, w.end, r.sum + Double(w.confidence), r.n + 1)
            } else {
                close()
                run = (l, w.start, w.end, Double(w.confidence), 1)
            }
        }
        close()
        return out
    }
}
