/// Per-worker arrays of `count` float pointers (a convolution's tap rows, `ConvTapRows.swift`),
/// side by side in one buffer from the pool, as `WorkerBuffers`' floats are: allocated each step
/// they cost dcgan 0.1 ms a training step of serial time at 16 workers. Returned when released.
final class WorkerPointers {
    typealias Row = UnsafePointer<Float>?
    private let base: UnsafeMutablePointer<Row>
    private let bytes: Int
    let count: Int, stride: Int

    init(workers: Int, count: Int) {
        self.count = count
        stride = (count + 7) / 8 * 8   // 64-byte lines apart
        bytes = workers * stride * MemoryLayout<Row>.stride
        base = BufferPool.shared.take(bytes: bytes).bindMemory(to: Row.self, capacity: Swift.max(workers * stride, 1))
    }
    deinit { BufferPool.shared.give(UnsafeMutableRawPointer(base), bytes: bytes) }

    subscript(w: Int) -> UnsafeMutablePointer<Row> { base + w * stride }
}
