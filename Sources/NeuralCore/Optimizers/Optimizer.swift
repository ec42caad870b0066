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

/// Calls body(param, grad, count, index) for every parameter that has a gradient; a large
/// parameter is split into ranges updated on several threads (body gets the range's pointers,
/// `index` selects the state buffers, `offset` where the range starts in them).
@inline(__always)
func forEachGradient(_ parameters: [Parameter],
                     _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, Int) -> Void) {
    for (i, p) in parameters.enumerated() {
        guard let g = p.value.node?.grad else { continue }
        let pp = p.value.storage.pointer, gp = UnsafePointer(g.pointer)
        Parallel.forRanges(p.value.count, minPerChunk: 1 << 16) { r in
            body(pp + r.lowerBound, gp + r.lowerBound, r.count, i, r.lowerBound)
        }
    }
}
