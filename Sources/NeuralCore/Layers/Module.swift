/// A trainable tensor or a buffer (BatchNorm running statistics), known by its state_dict name.
/// Parameters are leaves of the graph: backward fills `grad`, optimizers update `value` in place.
/// Under `inputGradients` (parameters frozen) or `frozen(module)` `value` is the same storage cut
/// from the graph.
public final class Parameter {
    private var leaf: Tensor
    public let isTrainable: Bool

    public init(_ value: Tensor, trainable: Bool = true) {
        self.isTrainable = trainable
        // Its own copy: a later update never shows through the caller's tensor (value semantics).
        let own = Tensor(shape: value.shape, storage: Storage(copying: value.storage))
        self.leaf = trainable ? own.requiringGrad() : own
    }

    public var value: Tensor {
        let mode = GradMode.current
        if mode.freezesParameters || (!mode.frozenParameters.isEmpty && mode.frozenParameters.contains(ObjectIdentifier(self))) {
            return leaf.detached()
        }
        return leaf
    }

    public var shape: [Int] { leaf.shape }
    public var grad: Tensor? { leaf.grad }
    public func zeroGrad() { leaf.zeroGrad() }

    /// The value's buffer for an update in place (optimizer step, running statistics): copied
    /// first when a tensor obtained earlier from `value` still shares it, so that one keeps its
    /// values.
    public func mutableValue() -> UnsafeMutablePointer<Float> {
        leaf.ensureUnique()
        return leaf.storage.pointer
    }

    /// The gradient's buffer for a change in place (clipping), likewise copied first when a
    /// tensor obtained from `grad` shares it; nil before any backward reached it.
    public func mutableGrad() -> UnsafeMutablePointer<Float>? { leaf.node?.uniqueGrad() }

    /// Copies `t`'s values in (shapes must match); keeps the leaf and its gradient buffer.
    public func assign(_ t: Tensor) {
        checkShape(t.shape, leaf.shape, "Parameter.assign")
        mutableValue().update(from: t.storage.pointer, count: t.count)
    }
}

/// A network part: its own parameters and buffers, its submodules, and a train/eval switch.
/// Names follow PyTorch's state_dict (`conv1.weight`, `net.0.bias`, `lstm.weight_ih_l0`).
public protocol Module: AnyObject {
    /// Own parameters and buffers, in state_dict order.
    var localParameters: [(String, Parameter)] { get }
    /// Direct submodules, in state_dict order.
    var children: [(String, any Module)] { get }
    /// Switches this module alone between training and eval (dropout, batch norm).
    func setLocalTraining(_ training: Bool)
}

extension Module {
    public var localParameters: [(String, Parameter)] { [] }
    public var children: [(String, any Module)] { [] }
    public func setLocalTraining(_ training: Bool) {}

    /// Every parameter and buffer with its full dotted name.
    public func namedParameters() -> [(String, Parameter)] {
        var out = localParameters
        for (name, child) in children {
            out += child.namedParameters().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// The parameters an optimizer updates.
    public var trainableParameters: [Parameter] { namedParameters().map(\.1).filter(\.isTrainable) }

    /// Number of trainable values.
    public var parameterCount: Int { trainableParameters.reduce(0) { $0 + $1.value.count } }

    /// Training or eval mode for this module and everything below it.
    public func setTraining(_ training: Bool) {
        setLocalTraining(training)
        for (_, c) in children { c.setTraining(training) }
    }
    public func train() { setTraining(true) }
    public func eval() { setTraining(false) }

    public func zeroGrad() { trainableParameters.forEach { $0.zeroGrad() } }

    /// name -> tensor (copies), as PyTorch's state_dict.
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, Tensor(shape: $0.1.shape, storage: Storage(copying: $0.1.value.storage))) }
    }
}

/// A module with one input and one output, usable in `Sequential`.
public protocol Layer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// PyTorch's default init for weights and biases of Linear and Conv: U(-1/√fanIn, 1/√fanIn).
func uniformInit(_ shape: [Int], fanIn: Int, rng: inout RandomGenerator) -> Tensor {
    let bound = 1 / Float(Swift.max(fanIn, 1)).squareRoot()
    return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
}

/// Runs `body` with the parameters of `modules` as constants: the graph it records has no path
/// to them, so a backward skips their gradients and the products that would compute them. A
/// GAN's generator step: `bceWithLogits(frozen(d) { d(fake) }, label: 1).backward()` fills the
/// generator's gradients only (PyTorch: `d.requires_grad_(False)` around the forward).
/// Task-local like the rest of the mode; the modules themselves are not changed.
public func frozen<R>(_ modules: any Module..., body: () throws -> R) rethrows -> R {
    var m = GradMode.current
    for module in modules {
        for p in module.namedParameters() { m.frozenParameters.insert(ObjectIdentifier(p.1)) }
    }
    return try GradMode.$current.withValue(m, operation: body)
}
