import Foundation
import Require

/// A contiguous, 64-byte aligned Float32 buffer. Tensors share one through copy-on-write.
/// Buffers come from `BufferPool`, which keeps freed ones for reuse: a training step allocates the
/// same sizes every time, so after the first step it allocates nothing new from the system.
public final class Storage {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage of `count` floats.
    public init(count: Int) {
        require(count >= 0, "Storage: negative count \(count)")
        self.count = count
        pointer = BufferPool.shared.take(bytes: count * 4).bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Storage filled with `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(count: count)
        pointer.update(repeating: value, count: count)
    }

    /// A copy of `other`.
    public convenience init(copying other: Storage) {
        self.init(count: other.count)
        pointer.update(from: other.pointer, count: count)
    }

    deinit { BufferPool.shared.give(UnsafeMutableRawPointer(pointer), bytes: count * 4) }

    /// Says what the next work's buffers are sized for (a picture's sides): when `key` differs from
    /// the previous call's, the buffers kept for reuse are released. Training repeats one step's
    /// sizes and needs no call; inference over pictures of many sizes (the tiles at a picture's
    /// edges, uploads to a server) would otherwise keep up to 1 GB of buffers no later pass asks for.
    public static func reuseBuffers(for key: [Int]) { BufferPool.shared.key(key) }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    public func zero() { pointer.update(repeating: 0, count: count) }
}

/// Freed buffers by exact size in bytes, up to `limitBytes` in all; small buffers go straight to
/// malloc. Raw memory, 64-byte aligned: a taker binds it to its element type (floats for `Storage`,
/// pointers for `WorkerPointers`).
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()
    /// Most bytes kept for reuse.
    var limitBytes = 1 << 30
    private let minPooled = 4096   // bytes
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private(set) var pooledBytes = 0
    private var currentKey: [Int] = []
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }

    func take(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= minPooled {
            pthread_mutex_lock(&lock)
            if let p = free[bytes]?.popLast() {
                pooledBytes -= bytes
                pthread_mutex_unlock(&lock)
                return p
            }
            pthread_mutex_unlock(&lock)
        }
        return UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes, 8), alignment: 64)
    }

    /// Releases every kept buffer when `key` is not the last one given.
    func key(_ key: [Int]) {
        pthread_mutex_lock(&lock)
        var released: [UnsafeMutableRawPointer] = []
        if key != currentKey {
            released = free.values.flatMap { $0 }
            free = [:]; pooledBytes = 0; currentKey = key
        }
        pthread_mutex_unlock(&lock)
        for p in released { p.deallocate() }
    }

    func give(_ p: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= minPooled {
            pthread_mutex_lock(&lock)
            if pooledBytes + bytes <= limitBytes {
                free[bytes, default: []].append(p)
                pooledBytes += bytes
                pthread_mutex_unlock(&lock)
                return
            }
            pthread_mutex_unlock(&lock)
        }
        p.deallocate()
    }
}
