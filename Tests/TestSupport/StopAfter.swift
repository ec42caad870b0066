import RunKit

/// A cancellation that fires from the n-th question on (the training loop asks before every
/// step): a run stopped part-way, for resume tests.
public final class StopAfter: Cancellation, @unchecked Sendable {
    var asked = 0
    let n: Int
    public init(_ n: Int) { self.n = n }
    public var isCancelled: Bool { asked += 1; return asked > n }
}
