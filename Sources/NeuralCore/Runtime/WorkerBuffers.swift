/// Per-worker scratch: `count` floats each, side by side in one buffer from the pool (one take
/// and give a call, not one per worker: a convolution's 32 weight-gradient pieces at 16 threads),
/// each starting on a 64-byte line.
struct WorkerBuffers {
    private let storage: Storage
    let workers: Int, count: Int, stride: Int
    init(workers: Int, count: Int, zeroed: Bool = false) {
        self.init(workers: workers, count: count, prepare: zeroed ? { $0.update(repeating: 0, count: count) } : nil)
    }

    /// With `prepare(buffer)` run on each worker's buffer first, on the threads (zeroing a padded
    /// plane per worker: 16 of them are megabytes at 16 threads; borders alone are less).
    init(workers: Int, count: Int, prepare: ((UnsafeMutablePointer<Float>) -> Void)?) {
        self.workers = workers; self.count = count
        stride = (count + 15) / 16 * 16
        storage = Storage(count: workers * stride)
        if let prepare {
            let base = storage.pointer, stride = stride
            Parallel.forEach(workers) { w in prepare(base + w * stride) }
        }
    }
    subscript(w: Int) -> UnsafeMutablePointer<Float> { storage.pointer + w * stride }
    /// Every worker's buffer, in order.
    var pointers: [UnsafeMutablePointer<Float>] { (0..<workers).map { self[$0] } }

    /// dst += the sum of the buffers in order (partial weight gradients of the batch's pieces),
    /// split by elements across threads: each element's sum runs in buffer order on one thread,
    /// so the result does not depend on the thread count. (At 16 threads a batch has 32 pieces:
    /// summed on one thread, LeNet's second convolution alone would add 1.6M floats a step.)
    func addAll(into dst: UnsafeMutablePointer<Float>) {
        let pointers = pointers, count = count
        let grain = Swift.max(256, Parallel.pointwiseGrain / Swift.max(1, pointers.count))
        Parallel.forRanges(count, minPerChunk: grain) { r in
            for p in pointers { for i in r { dst[i] += p[i] } }
        }
    }
}
