/// Updates parameters from their accumulated gradients. State buffers are allocated once.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var learningRate: Float { get set }
    /// One update from the current gradients.
    func step()
    /// Named state buffers (moments, step count) for checkpoints; `loadState` puts them back.
    func state() -> [(String, Tensor)]
    func loadState(_ state: [String: Tensor]) throws
}

/// Why optimizer state could not be restored.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// Copies `name` from `state` into `buffer` (sizes must agree).
func restore(_ state: [String: Tensor], _ name: String, into buffer: Storage) throws {
    guard let t = state[name], t.count == buffer.count else {
        throw OptimizerStateError(description: "optimizer state '\(name)' is missing or has the wrong size")
    }
    buffer.pointer.update(from: t.storage.pointer, count: t.count)
}

extension Optimizer {
    /// Zeroes every gradient (buffers kept).
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }
}

/// Per-parameter state buffers, zero-initialised, one per parameter.
func stateBuffers(_ parameters: [Parameter]) -> [Storage] {
    parameters.map { Storage(count: $0.value.count, repeating: 0) }
}

/// Calls body(param, grad, count, index, offset) over every parameter that has a gradient, in one
/// parallel region: worker w takes the w-th of equal contiguous shares of each parameter of 8K
/// floats or more (of a weight (out, in): a block of its rows, whose panels it packs first in the
/// next product, and whose gradient it computed where that was cut by rows: `BLAS.gradientGrid`), and
/// every smaller parameter whole, in turn. body gets a range of one parameter (`index` selects its
/// state buffers, `offset` is where the range starts in them).
@inline(__always)
func forEachGradient(_ parameters: [Parameter],
                     _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, Int) -> Void) {
    var parts: [(index: Int, p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, start: Int, count: Int)] = []
    parts.reserveCapacity(parameters.count)
    var total = 0
    for (i, p) in parameters.enumerated() {
        guard let g = p.value.node?.grad else { continue }
        parts.append((i, p.mutableValue(), UnsafePointer(g.pointer), total, p.shape.reduce(1, *)))
        total += p.shape.reduce(1, *)
    }
    // 8K values a share (a few microseconds of an update): dncnn8's 56K ran on one thread of 16.
    let workers = Parallel.isNested ? 1 : Swift.max(1, Swift.min(Parallel.threads, total / (1 << 13)))
    // Share c by chunk, not by the worker running it: a region that runs serially (the pool busy
    // with another caller's region) runs every chunk on worker 0.
    Parallel.forEachFixed(workers) { _, w in
        for (k, part) in parts.enumerated() {
            if part.count >= 1 << 13 {
                let lo = part.count * w / workers, hi = part.count * (w + 1) / workers
                if lo < hi { body(part.p + lo, part.g + lo, hi - lo, part.index, lo) }
            } else if k % workers == w {
                body(part.p, part.g, part.count, part.index, 0)
            }
        }
    }
}
