import Foundation

/// The library's thread budget. OpenBLAS runs single-threaded; the library splits work itself, so
/// the two never oversubscribe the cores.
public enum Parallel {
    nonisolated(unsafe) private static var _threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    nonisolated(unsafe) private static var depthKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Worker threads used by kernels (default: the active cores).
    public static var threads: Int {
        get { _threads }
        set { _threads = max(1, newValue) }
    }

    /// True inside a `forEach` body: nested calls then run serially.
    public static var isNested: Bool { pthread_getspecific(depthKey) != nil }

    /// Runs `body(chunk)` for chunk in 0..<chunks on up to `threads` workers.
    public static func forEach(_ chunks: Int, _ body: (Int) -> Void) {
        if chunks <= 0 { return }
        if chunks == 1 || threads == 1 || isNested {
            for c in 0..<chunks { body(c) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                pthread_setspecific(depthKey, UnsafeRawPointer(bitPattern: 1))
                body(c)
                pthread_setspecific(depthKey, nil)
            }
        }
    }

    /// Splits 0..<n into at most `threads` contiguous ranges (each at least `minPerChunk` long)
    /// and runs `body(range)` on each in parallel.
    public static func forRanges(_ n: Int, minPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        if n <= 0 { return }
        let chunks = isNested ? 1 : max(1, min(threads, n / max(1, minPerChunk)))
        if chunks == 1 { body(0..<n); return }
        forEach(chunks) { c in
            let lo = n * c / chunks, hi = n * (c + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }
}

