import Foundation

/// Where the models run: at most `width` requests compute at once, each on a thread of its own
/// (not the server's event loops, not Swift's cooperative pool), the rest wait in order. A loaded
/// model serves several requests at once (the Kits' verbs never change it).
public final class ComputePool: @unchecked Sendable {
    private let queue = OperationQueue()

    public init(width: Int) {
        queue.maxConcurrentOperationCount = max(1, width)
        queue.name = "deepmedia-showcase.compute"
    }

    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            queue.addOperation { c.resume(with: Result { try body() }) }
        }
    }
}
