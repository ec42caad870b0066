import XCTest
import Foundation
import NeuralCore
import Models
import TestSupport

/// Models and layers built straight from PyTorch's tensors: a state dict, bytes in memory.
final class StateDictTests: XCTestCase {
    /// LeNet from the PyTorch fixture's own weights gives PyTorch's eval output.
    func testLeNetFromAPyTorchStateDict() throws {
        let fx = try Fixtures.load("models/lenet.safetensors")
        let names = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
        var sd: [String: Tensor] = [:]
        for n in names { sd[n] = try fx.tensor(n) }
        let m = try LeNet(stateDict: sd)
        m.eval()
        assertClose(inference { m(try! fx.tensor("input")) }, try fx.tensor("eval_output"), "lenet from state dict")
        sd["fc2.weight"] = Tensor.zeros([3, 3])
        XCTAssertThrowsError(try LeNet(stateDict: sd)) { e in XCTAssertTrue("\(e)".contains("fc2.weight"), "\(e)") }
        XCTAssertThrowsError(try LeNet(stateDict: ["fc2.bias": Tensor.zeros([10])])) { e in XCTAssertTrue("\(e)".contains("conv1.weight"), "\(e)") }
    }

    /// A CharRNN saved to bytes comes back from the bytes alone, or from its state dict with
    /// its sizes read from the shapes.
    func testCharRNNFromBytesAndFromItsStateDict() throws {
        var rng = RandomGenerator(seed: 3)
        let a = CharRNN(cell: .gru, vocab: 7, embedding: 5, hidden: 6, layers: 2, rng: &rng)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sd-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.save(to: path, metadata: ["kind": "test"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var rng2 = RandomGenerator(seed: 9)
        let b = CharRNN(cell: .gru, vocab: 7, embedding: 5, hidden: 6, layers: 2, rng: &rng2)
        XCTAssertEqual(try b.load(data: bytes)["kind"], "test")
        let c = try CharRNN(stateDict: Dictionary(uniqueKeysWithValues: a.stateDict()))
        XCTAssertEqual([c.vocab, c.embedding, c.hidden, c.layers], [7, 5, 6, 2])
        XCTAssertEqual(c.cell, .gru)
        let tokens = [1, 2, 3, 4, 5, 6]
        let ya = inference { a(tokens, batch: 2, steps: 3).logits }.scalars
        XCTAssertEqual(inference { b(tokens, batch: 2, steps: 3).logits }.scalars, ya)
        XCTAssertEqual(inference { c(tokens, batch: 2, steps: 3).logits }.scalars, ya)
        XCTAssertThrowsError(try b.load(data: Data(bytes.prefix(20))))
    }

    /// Layers from tensors equal the same layers loaded by name; the tensors are copied.
    func testLayersFromTensors() throws {
        var rng = RandomGenerator(seed: 5)
        let w = Tensor.uniform([4, 3], low: -1, high: 1, using: &rng), b = Tensor.uniform([4], low: -1, high: 1, using: &rng)
        let lin = Linear(weight: w, bias: b)
        let x = Tensor.uniform([2, 3], low: -1, high: 1, using: &rng)
        assertClose(lin(x), x.matmul(w.transposed()) + b, "Linear(weight:bias:)")
        let restored = try Linear.restored({ Linear(3, 4, rng: &$0) }, stateDict: ["weight": w, "bias": b])
        XCTAssertEqual(restored(x).scalars, lin(x).scalars)
        let cw = Tensor.uniform([2, 1, 3, 3], low: -1, high: 1, using: &rng)
        let conv = Conv2D(weight: cw, bias: nil, padding: (1, 1))
        let img = Tensor.uniform([1, 1, 5, 5], low: -1, high: 1, using: &rng)
        assertClose(conv(img), conv2d(img, weight: cw, bias: nil, padding: (1, 1)), "Conv2D(weight:)")
        let bn = BatchNorm2D(weight: .ones([2]), bias: .zeros([2]), runningMean: Tensor(shape: [2], scalars: [1, 2]), runningVar: .ones([2]))
        XCTAssertEqual(bn.namedParameters().map(\.0), ["weight", "bias", "running_mean", "running_var"])
        let emb = Embedding(weight: w)
        XCTAssertEqual(emb([3, 0], shape: [2]).scalars, Array(w.scalars[9..<12]) + Array(w.scalars[0..<3]))
    }
}
