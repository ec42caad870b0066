internal import CKernels
/// Moves a batch between image-major (N, C, L) and channel-major (C, N·L) layouts, the form in
/// which a whole batch is one sgemm operand.
enum BatchLayout {
    /// dst[c, s·l + i] (+)= src[s, c, i] for s < n.
    static func toChannelMajor(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, n: Int, c: Int, l: Int) {
        Parallel.forRanges(n) { r in
            for s in r { for ch in 0..<c { (dst + ch * n * l + s * l).update(from: src + (s * c + ch) * l, count: l) } }
        }
    }

    /// dst[s, c, i] = src[c, s·l + i] (+ bias[c]) (then max(·, 0) when `relu`), or += when `accumulate`.
    static func toImageMajor(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, n: Int, c: Int, l: Int,
                             bias: UnsafePointer<Float>? = nil, accumulate: Bool = false, relu: Bool = false) {
        Parallel.forRanges(n) { r in
            for s in r {
                for ch in 0..<c {
                    let from = src + ch * n * l + s * l, to = dst + (s * c + ch) * l
                    if accumulate {
                        for i in 0..<l { to[i] += from[i] }
                    } else if relu {
                        let b = bias?[ch] ?? 0
                        for i in 0..<l { let v = from[i] + b; to[i] = v > 0 ? v : 0 }
                    } else {
                        let b = bias?[ch] ?? 0
                        for i in 0..<l { to[i] = from[i] + b }
                    }
                }
            }
        }
    }

    /// dst (L, C) = src (C, L)ᵀ for one image: channel-last, for the packed products; only the
    /// rows of `pixels` when given. (In 8x8 tiles transposed in registers: dm_transpose_body.h.)
    static func toChannelLast(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, c: Int, l: Int,
                              pixels: Range<Int>? = nil) {
        let pixels = pixels ?? 0..<l
        dm_kernels_active()!.pointee.to_channel_last(src, c, l, pixels.lowerBound, pixels.upperBound, dst)
    }

    /// dst (C, L) = src (L, C)ᵀ + bias[c] (then max(·, 0) when `relu`), or += when `accumulate`;
    /// dst's channel planes `planeStride` floats apart (a run of L pixels inside larger planes).
    static func fromChannelLast(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, c: Int, l: Int,
                                planeStride: Int? = nil, bias: UnsafePointer<Float>?, relu: Bool, accumulate: Bool) {
        dm_kernels_active()!.pointee.from_channel_last(src, c, l, planeStride ?? l, bias, accumulate ? 2 : relu ? 1 : 0, dst)
    }

    /// gb[c] += Σ over images and positions of g (N, C, L): the bias gradient of a convolution.
    static func addChannelSums(_ g: UnsafePointer<Float>, into gb: UnsafeMutablePointer<Float>, n: Int, c: Int, l: Int) {
        // Split by channels: each channel's sum runs over the images in order on one thread.
        Parallel.forRanges(c, minPerChunk: Swift.max(1, Parallel.pointwiseGrain / Swift.max(n * l, 1))) { chs in
            for s in 0..<n { for ch in chs { gb[ch] += vectorSum(g + (s * c + ch) * l, l) } }
        }
    }

    /// How many images go into one sgemm: column buffers of about 2 MB, so they are still in
    /// cache when the sgemm reads them.
    static func chunk(n: Int, floatsPerImage: Int) -> Int { Swift.max(1, Swift.min(n, (1 << 19) / Swift.max(floatsPerImage, 1))) }

    /// One sub-chunk of a batch: images first..<first + count of piece `piece`, run on `worker`
    /// (< workers: selects per-worker buffers); `opensPiece` for the piece's first sub-chunk.
    struct Chunk {
        let worker, piece, first, count: Int
        let opensPiece: Bool
    }

    /// Runs body over a batch of n images: the batch is cut into `pieces(n:workers:)` contiguous
    /// pieces (two per worker), which the workers claim as they get free (see
    /// Parallel.forEachClaimed), and each piece into sub-chunks of at most `chunk` images, run in
    /// order. Piece boundaries depend only on n and the worker count, so per-piece partial sums
    /// added in piece order give the same result however the pieces were shared out. Nested BLAS
    /// calls inside run on their worker's thread.
    static func forEachChunk(n: Int, chunk: Int, workers: Int, file: StaticString = #fileID, line: UInt = #line,
                             _ body: (Chunk) -> Void) {
        let count = pieces(n: n, workers: workers)
        Parallel.forEachClaimed(count, file: file, line: line) { w, piece in
            let lo = n * piece / count, hi = n * (piece + 1) / count
            var c0 = lo
            while c0 < hi {
                let nc = Swift.min(chunk, hi - c0)
                body(Chunk(worker: w, piece: piece, first: c0, count: nc, opensPiece: c0 == lo))
                c0 += nc
            }
        }
    }

    /// Runs body(worker, first, count) over a batch of n images in chunks of at most `chunk`
    /// (and at most n / (4·workers), so every core gets several), each claimed by whichever core
    /// is free: for passes with no partial sums to keep in order (forwards), where fixed pieces
    /// left a core idle at the end.
    static func forEachClaimedChunk(n: Int, chunk: Int, file: StaticString = #fileID, line: UInt = #line,
                                   _ body: (_ worker: Int, _ first: Int, _ count: Int) -> Void) {
        let chunk = Swift.max(1, Swift.min(chunk, n / (4 * workers(n: n))))
        let chunks = (n + chunk - 1) / chunk
        Parallel.forEachClaimed(chunks, file: file, line: line) { w, c in body(w, c * chunk, Swift.min(chunk, n - c * chunk)) }
    }

    /// Fewer images than threads (one picture at inference): 0..<count (an image's pixels or rows)
    /// cut into ranges, about four per thread over the n images, each starting on a multiple of
    /// `align`. Nil when the images alone keep the threads busy, or inside a parallel region.
    static func ranges(n: Int, count: Int, align: Int = 1) -> [Range<Int>]? {
        let threads = Parallel.isNested ? 1 : Parallel.threads
        if n >= threads { return nil }
        let parts = Swift.min((4 * threads + n - 1) / n, count / align)
        if parts <= 1 { return nil }
        let step = ((count + parts - 1) / parts + align - 1) / align * align
        return stride(from: 0, to: count, by: step).map { $0..<Swift.min(count, $0 + step) }
    }

    /// How many pieces forEachChunk cuts a batch of n into: two a worker. Each piece keeps a
    /// partial weight gradient, written whole and summed after; at four a worker (64 pieces of
    /// one image at 16 threads) those partials added 9 % to DCGAN's training step (512 KB
    /// partials for 49-pixel images), at two 5 %, with the claimed pieces still balanced.
    static func pieces(n: Int, workers: Int) -> Int { workers <= 1 ? 1 : Swift.min(n, 2 * workers) }

    /// Worker count for a batch: the thread budget, but no more than there are images.
    static func workers(n: Int) -> Int { Parallel.isNested ? 1 : Swift.max(1, Swift.min(Parallel.threads, n)) }
}
