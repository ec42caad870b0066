/// Per-worker scratch: `count` floats each, from the pool.
struct WorkerBuffers {
    let storages: [Storage]
    let count: Int
    init(workers: Int, count: Int, zeroed: Bool = false) {
        self.count = count
        storages = (0..<workers).map { _ in zeroed ? Storage(count: count, repeating: 0) : Storage(count: count) }
    }
    subscript(w: Int) -> UnsafeMutablePointer<Float> { storages[w].pointer }

    /// dst += the sum of the buffers in order (partial weight gradients of the batch's pieces).
    func addAll(into dst: UnsafeMutablePointer<Float>) {
        for s in storages { let p = s.pointer; for i in 0..<count { dst[i] += p[i] } }
    }
}
