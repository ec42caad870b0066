/// Inference with the batch split across the threads: each worker runs the whole network `f` on
/// its contiguous share of dim 0, and the kernels inside run serially on that worker. A small
/// network (an MLP: three products and two ReLUs on a batch of 128) then costs one parallel
/// region instead of one per op, and no op waits for the other core in between.
/// x (N, ...) -> f's output for all N rows, (N, ...). Without a graph only: with one (or with
/// fewer than 2·minRows rows, or inside a parallel region) it is just f(x).
public func batchParallel(_ x: Tensor, minRows: Int = 16, _ f: (Tensor) -> Tensor) -> Tensor {
    let n = x.shape.first ?? 0
    let workers = Swift.min(Parallel.threads, n / Swift.max(minRows, 1))
    if GradMode.isEnabled || Parallel.isNested || workers <= 1 { return f(x) }
    var parts = [Tensor?](repeating: nil, count: workers)
    parts.withUnsafeMutableBufferPointer { out in
        Parallel.forEach(workers) { w in   // each worker writes its own slot
            out[w] = f(x.slice(axis: 0, (n * w / workers)..<(n * (w + 1) / workers)))
        }
    }
    return Tensor.concatenate(parts.map { $0! }, axis: 0)
}
