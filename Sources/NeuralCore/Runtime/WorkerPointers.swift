import Foundation

/// Per-worker arrays of `count` float pointers (a convolution's tap rows, `ConvTapRows.swift`),
/// kept for reuse between calls as `WorkerBuffers`' floats are: allocated each step they cost
/// dcgan 0.1 ms a training step of serial time at 16 workers. Returned when this is released.
final class WorkerPointers {
    typealias Row = UnsafePointer<Float>?
    private let arrays: [UnsafeMutablePointer<Row>]
    let count: Int

    init(workers: Int, count: Int) {
        self.count = count
        arrays = (0..<workers).map { _ in PointerPool.shared.take(count) }
    }
    deinit { for a in arrays { PointerPool.shared.give(a, count) } }

    subscript(w: Int) -> UnsafeMutablePointer<Row> { arrays[w] }
}

/// Freed pointer arrays by exact length, up to `limitBytes` in all (past it they are freed).
final class PointerPool: @unchecked Sendable {
    static let shared = PointerPool()
    var limitBytes = 64 << 20
    private var free: [Int: [UnsafeMutablePointer<WorkerPointers.Row>]] = [:]
    private var pooledBytes = 0
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }

    func take(_ count: Int) -> UnsafeMutablePointer<WorkerPointers.Row> {
        pthread_mutex_lock(&lock)
        if let p = free[count]?.popLast() {
            pooledBytes -= count * 8
            pthread_mutex_unlock(&lock)
            return p
        }
        pthread_mutex_unlock(&lock)
        return .allocate(capacity: Swift.max(count, 1))
    }

    func give(_ p: UnsafeMutablePointer<WorkerPointers.Row>, _ count: Int) {
        pthread_mutex_lock(&lock)
        if pooledBytes + count * 8 <= limitBytes {
            free[count, default: []].append(p)
            pooledBytes += count * 8
            pthread_mutex_unlock(&lock)
            return
        }
        pthread_mutex_unlock(&lock)
        p.deallocate()
    }
}
