import Require

/// Several optimizers as one (a GAN's generator and discriminator optimizers): one learning-rate
/// knob, one state for checkpoints. Setting `learningRate` sets the first member's and scales the
/// others by their rate at creation relative to it (so a schedule keeps their ratio).
/// `step()` steps every member; a GAN steps members one at a time through `members`.
public final class OptimizerGroup: Optimizer {
    public let members: [(name: String, optimizer: any Optimizer)]
    private let ratios: [Float]

    public init(_ members: [(name: String, optimizer: any Optimizer)]) {
        require(!members.isEmpty, "OptimizerGroup: no optimizers")
        require(Set(members.map(\.name)).count == members.count && members.allSatisfy { !$0.name.isEmpty && !$0.name.contains(".") },
                "OptimizerGroup: names \(members.map(\.name)) must be distinct, non-empty and without dots")
        self.members = members
        let first = members[0].optimizer.learningRate
        ratios = members.map { first > 0 ? $0.optimizer.learningRate / first : 1 }
    }

    public var parameters: [Parameter] { members.flatMap { $0.optimizer.parameters } }

    public var learningRate: Float {
        get { members[0].optimizer.learningRate }
        set { for (m, r) in zip(members, ratios) { m.optimizer.learningRate = newValue * r } }
    }

    public func step() { members.forEach { $0.optimizer.step() } }

    /// Each member's state under "<name>.".
    public func state() -> [(String, Tensor)] {
        members.flatMap { m in m.optimizer.state().map { ("\(m.name).\($0.0)", $0.1) } }
    }

    public func loadState(_ state: [String: Tensor]) throws {
        for m in members {
            let prefix = m.name + "."
            var own: [String: Tensor] = [:]
            for (k, v) in state where k.hasPrefix(prefix) { own[String(k.dropFirst(prefix.count))] = v }
            try m.optimizer.loadState(own)
        }
    }
}
