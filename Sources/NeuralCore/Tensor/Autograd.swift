import Require
/// Reverse-mode autograd. Each op computes its value and, when recording, attaches a `GradNode`
/// whose pullback reads the output's gradient and adds (`+=`) into its inputs' gradients.
public final class GradNode {
    let count: Int
    /// Accumulated gradient, allocated (zeroed) on first use.
    var grad: Storage?
    var parents: [GradNode]
    var pullback: ((UnsafePointer<Float>) -> Void)?
    let isLeaf: Bool
    /// Buffers the pullback reads through raw pointers (the op's output, saved statistics).
    var saved: [AnyObject] = []
    /// Set when a backward without `retainGraph` has run through this (non-leaf) node and freed it.
    var released = false

    init(count: Int, parents: [GradNode], isLeaf: Bool, pullback: ((UnsafePointer<Float>) -> Void)?) {
        self.count = count
        self.parents = parents
        self.isLeaf = isLeaf
        self.pullback = pullback
    }

    /// The gradient buffer for a change in place: copied first when a tensor read from `grad`
    /// still shares it (that tensor keeps its values). nil before any backward reached it.
    @inline(__always)
    func uniqueGrad() -> UnsafeMutablePointer<Float>? {
        guard grad != nil else { return nil }
        if !isKnownUniquelyReferenced(&grad!) { grad = Storage(copying: grad!) }
        return grad!.pointer
    }

    /// Gives write access to this node's gradient buffer (zeroed when first created).
    @inline(__always)
    func accumulate(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        if let g = uniqueGrad() { body(g); return }
        let fresh = Storage(count: count)
        Parallel.zero(fresh.pointer, count)
        grad = fresh
        body(fresh.pointer)
    }

    /// Like `accumulate`, but a buffer created here is not zeroed: body(gradient, fresh) must
    /// write every element when `fresh` and add into them otherwise.
    @inline(__always)
    func write(_ body: (UnsafeMutablePointer<Float>, _ fresh: Bool) -> Void) {
        if let g = uniqueGrad() { body(g, false); return }
        let fresh = Storage(count: count)
        grad = fresh
        body(fresh.pointer, true)
    }

    /// Zero gradient: in place, or a new zeroed buffer when a tensor read from `grad` shares it.
    func zeroGrad() {
        guard grad != nil else { return }
        if !isKnownUniquelyReferenced(&grad!) { grad = Storage(count: count) }
        Parallel.zero(grad!.pointer, count)
    }
}

/// How ops run in the current task (or thread): whether they record the graph, whether layers run
/// as in eval mode whatever their own flag, and whether parameters take part in the graph. It is
/// task-local: concurrent callers of one model (a predict beside an explain) never see each
/// other's mode, and the library's worker threads run under their caller's.
public struct GradMode: Sendable, Equatable {
    /// Ops record the graph (backward is possible).
    public var isRecording: Bool
    /// Dropout and batch norm run as in eval mode, whatever `train()`/`eval()` set on the module.
    public var forcesEval: Bool
    /// Parameters act as constants: backward reaches only other leaves (the input), so a shared
    /// model's parameter gradients are never touched.
    public var freezesParameters: Bool
    /// Parameters (by identity) that act as constants here, whatever `freezesParameters` says.
    var frozenParameters: Set<ObjectIdentifier> = []

    public init(isRecording: Bool = true, forcesEval: Bool = false, freezesParameters: Bool = false) {
        self.isRecording = isRecording; self.forcesEval = forcesEval; self.freezesParameters = freezesParameters
    }

    /// The mode of the running task; the default records and lets modules choose train or eval.
    @TaskLocal public static var current = GradMode()

    /// Whether ops record the graph here.
    public static var isEnabled: Bool { current.isRecording }

    /// Runs `body` without recording (optimizer updates, statistics).
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        var m = current
        m.isRecording = false
        return try $current.withValue(m, operation: body)
    }
}

/// Runs `body` without recording the graph.
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R { try GradMode.withoutGrad(body) }

/// Runs `body` as inference on a possibly shared model: no graph, every layer in eval mode, no
/// module flag changed.
public func inference<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$current.withValue(GradMode(isRecording: false, forcesEval: true), operation: body)
}

/// Runs `body` in eval mode recording a graph only from leaves that are not parameters: for
/// gradients with respect to an input (saliency, adversarial examples) on a shared model.
public func inputGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$current.withValue(GradMode(isRecording: true, forcesEval: true, freezesParameters: true), operation: body)
}

extension Tensor {
    public var requiresGrad: Bool { node != nil }

    /// This tensor as a leaf of the graph: backward fills its `grad`.
    public func requiringGrad() -> Tensor {
        var t = self
        t.node = GradNode(count: count, parents: [], isLeaf: true, pullback: nil)
        return t
    }

    /// The same values, cut from the graph.
    public func detached() -> Tensor {
        var t = self
        t.node = nil
        return t
    }

    /// The accumulated gradient of a leaf (nil before any backward reached it).
    public var grad: Tensor? {
        guard let g = node?.grad else { return nil }
        return Tensor(shape: shape, storage: g)
    }

    /// Sets the accumulated gradient of a leaf to zero (keeps the buffer).
    public func zeroGrad() { node?.zeroGrad() }

    /// True when an op on these inputs must record a node.
    @inline(__always)
    static func recording(_ inputs: [Tensor]) -> Bool {
        GradMode.isEnabled && inputs.contains { $0.node != nil }
    }

    /// Attaches a node to `self` (an op's fresh output) when any input requires grad.
    /// `pullback(g)` receives the output gradient and must add into the inputs' gradients. The
    /// output's storage and every buffer in `saving` stay alive until the pullback has run.
    func recorded(from inputs: [Tensor], saving: [AnyObject] = [],
                  _ pullback: @escaping (UnsafePointer<Float>) -> Void) -> Tensor {
        guard Tensor.recording(inputs) else { return self }
        var t = self
        let node = GradNode(count: count, parents: inputs.compactMap(\.node), isLeaf: false, pullback: pullback)
        node.saved = [storage] + saving
        t.node = node
        return t
    }

    /// Adds into this tensor's gradient, if it takes part in the graph.
    @inline(__always)
    func addGrad(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        node?.accumulate(body)
    }

    /// Writes (`fresh`: a new, uninitialised buffer; every element) or adds into this tensor's
    /// gradient, if it takes part in the graph: saves zeroing a buffer an op overwrites anyway.
    @inline(__always)
    func writeGrad(_ body: (UnsafeMutablePointer<Float>, _ fresh: Bool) -> Void) {
        node?.write(body)
    }

    /// Backpropagates from a scalar (seed 1) or with an explicit upstream gradient of this shape.
    /// Leaf gradients accumulate. The graph behind `self` is released afterwards unless
    /// `retainGraph`; a later backward through a released part stops with a message (as PyTorch's
    /// "Trying to backward through the graph a second time").
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false) {
        Tensor.backward([self], seeds: [seed], retainGraph: retainGraph)
    }

    /// Backpropagates from several outputs at once (PyTorch's torch.autograd.backward(outputs,
    /// grads)): each output's seed (nil: 1 for a scalar) starts its gradient, and one pass in
    /// topological order reaches every leaf once.
    public static func backward(_ outputs: [Tensor], seeds: [Tensor?], retainGraph: Bool = false) {
        require(outputs.count == seeds.count, "backward: \(outputs.count) outputs but \(seeds.count) seeds")
        var roots: [GradNode] = []
        for (out, seed) in zip(outputs, seeds) {
            guard let root = out.node else { fatalError("backward: an output (shape \(out.shape)) does not require grad") }
            if let seed {
                checkShape(seed.shape, out.shape, "backward seed")
                if root.grad == nil && !root.isLeaf && seed.storage.count == out.count {
                    // The seed's buffer itself: pullbacks only read it, a write (another root
                    // adding into this one) copies it first (uniqueGrad), and a non-leaf's
                    // gradient is dropped after the pass, so the seed keeps its values.
                    root.grad = seed.storage
                } else {
                    let ps = seed.storage.pointer, n = out.count
                    root.write { g, fresh in moveRows(1, n, from: ps, stride: 0, to: g, stride: 0, accumulate: !fresh) }
                }
            } else {
                require(out.count == 1, "backward: needs a scalar or a seed; shape is \(out.shape)")
                root.accumulate { $0[0] += 1 }
            }
            roots.append(root)
        }
        // Iterative topological order (post-order DFS from every root).
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        for root in roots where visited.insert(ObjectIdentifier(root)).inserted {
            var stack: [(GradNode, Int)] = [(root, 0)]
            while let (n, i) = stack.popLast() {
                require(!n.released, "backward: trying to backward through the graph a second time (its buffers were freed by the first backward); pass retainGraph: true to the first one")
                if i < n.parents.count {
                    stack.append((n, i + 1))
                    let p = n.parents[i]
                    if visited.insert(ObjectIdentifier(p)).inserted { stack.append((p, 0)) }
                } else {
                    order.append(n)
                }
            }
        }
        for n in order.reversed() {
            if let g = n.grad, let pb = n.pullback { pb(UnsafePointer(g.pointer)) }
            guard !n.isLeaf else { continue }
            n.grad = nil
            if !retainGraph { n.pullback = nil; n.parents = []; n.saved = []; n.released = true }
        }
    }
}
