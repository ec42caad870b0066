/// A contiguous, 64-byte aligned Float32 buffer. Tensors share one through copy-on-write.
public final class Storage {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage of `count` floats.
    public init(count: Int) {
        precondition(count >= 0, "Storage: negative count \(count)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Storage filled with `value`.
    public convenience init(count: Int, repeating value: Float) {
        self.init(count: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// A copy of `other`.
    public convenience init(copying other: Storage) {
        self.init(count: other.count)
        pointer.update(from: other.pointer, count: count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    public func zero() { pointer.update(repeating: 0, count: count) }
}
