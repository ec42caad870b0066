/// What a training loop tells whoever watches it: a terminal progress bar, a server's event
/// stream, a test. The loop never prints; it calls these.
public protocol TrainingEvents: AnyObject {
    /// Progress within a pass: `done` of `total` items (samples, characters), running means.
    func progress(_ p: TrainingProgress)
    /// A line worth showing (a pass's summary, a sample, early stopping).
    func log(_ line: String)
}

/// One progress report of a pass.
public struct TrainingProgress: Sendable {
    public var label: String
    public var done: Int, total: Int
    public var unit: String
    /// Running means and other figures, e.g. [("loss", 0.12), ("acc", 0.98)].
    public var fields: [(String, Double)]

    public init(label: String, done: Int, total: Int, unit: String, fields: [(String, Double)]) {
        self.label = label; self.done = done; self.total = total; self.unit = unit; self.fields = fields
    }
}

/// Events that go nowhere.
public final class SilentEvents: TrainingEvents {
    public init() {}
    public func progress(_ p: TrainingProgress) {}
    public func log(_ line: String) {}
}

/// Asked after every step: stop now (the loop saves what resumes exactly, then returns).
public protocol Cancellation {
    var isCancelled: Bool { get }
}

/// Never cancelled.
public struct NoCancellation: Cancellation {
    public init() {}
    public var isCancelled: Bool { false }
}

/// Cancelled when the Swift task that runs the loop is cancelled (a server's request went away).
public struct TaskCancellation: Cancellation {
    public init() {}
    public var isCancelled: Bool { withUnsafeCurrentTask { $0?.isCancelled ?? false } }
}
