import XCTest
import NeuralCore

/// Runs one `ops/<case>` fixture: differentiable inputs and parameters become leaves, `build`
/// computes the named outputs, which are compared with the stored ones; then backward with all
/// stored upstream gradients at once, and every stored `grad_<name>` is compared.
public func runOpFixture(_ name: String, rtol: Float = 1e-4, atol: Float = 1e-5,
                         file: StaticString = #filePath, line: UInt = #line,
                         _ build: (SafetensorsFile, [String: Tensor]) throws -> [String: Tensor]) throws {
    let fx = try Fixtures.load("ops/\(name).safetensors")
    let config = fx.config
    let differentiable = (config["inputs"] as? [String] ?? []) + (config["params"] as? [String] ?? [])
    var leaves: [String: Tensor] = [:]
    for n in differentiable { if let t = fx.tensors[n] { leaves[n] = t.requiringGrad() } }
    let outputs = try build(fx, leaves)
    let outputNames = config["outputs"] as? [String] ?? ["output"]
    var total: Tensor?
    for n in outputNames where fx.integers[n] == nil {   // integer outputs (indices) are checked by `build`
        guard let out = outputs[n] else { XCTFail("\(name): op gave no '\(n)'", file: file, line: line); continue }
        assertClose(out, try fx.tensor(n), rtol: rtol, atol: atol, "\(name) \(n)", file: file, line: line)
        let up = try fx.tensor("grad_\(n)")
        let term = (out * up).sum()
        total = total.map { $0 + term } ?? term
    }
    total?.backward()
    for g in config["grads"] as? [String] ?? [] {
        let leafName = String(g.dropFirst("grad_".count))
        guard let leaf = leaves[leafName] else { XCTFail("\(name): no leaf for \(g)", file: file, line: line); continue }
        guard let got = leaf.grad else { XCTFail("\(name): \(leafName) got no gradient", file: file, line: line); continue }
        assertClose(got, try fx.tensor(g), rtol: rtol, atol: atol, "\(name) \(g)", file: file, line: line)
    }
}
