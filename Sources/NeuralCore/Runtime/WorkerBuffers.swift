/// Per-worker scratch: `count` floats each, from the pool.
struct WorkerBuffers {
    let storages: [Storage]
    let count: Int
    init(workers: Int, count: Int, zeroed: Bool = false) {
        self.count = count
        storages = (0..<workers).map { _ in Storage(count: count) }
        if zeroed {
            // On the threads (a padded plane per worker: 16 of them are megabytes at 16 threads).
            let pointers = storages.map(\.pointer)
            Parallel.forEach(pointers.count) { w in pointers[w].update(repeating: 0, count: count) }
        }
    }
    subscript(w: Int) -> UnsafeMutablePointer<Float> { storages[w].pointer }

    /// dst += the sum of the buffers in order (partial weight gradients of the batch's pieces),
    /// split by elements across threads: each element's sum runs in buffer order on one thread,
    /// so the result does not depend on the thread count. (At 16 threads a batch has 64 pieces:
    /// summed on one thread, LeNet's second convolution alone would add 3.3M floats a step.)
    func addAll(into dst: UnsafeMutablePointer<Float>) {
        let pointers = storages.map(\.pointer), count = count
        let grain = Swift.max(256, Parallel.pointwiseGrain / Swift.max(1, pointers.count))
        Parallel.forRanges(count, minPerChunk: grain) { r in
            for p in pointers { for i in r { dst[i] += p[i] } }
        }
    }
}
