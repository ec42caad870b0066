import Foundation
import NeuralCore
import Datasets
import Models
import RunKit

/// A char-RNN and its vocabulary; the checkpoint metadata holds what rebuilds it
/// (kind "char-rnn", cell, vocab, embedding, hidden, layers). Its verbs (generate, loss, cell
/// activations) run under `inference` and never change the network, so one loaded model serves
/// several tasks at once.
public struct CharRNNModel: @unchecked Sendable {
    public let network: CharRNN
    public let vocabulary: Vocabulary

    public init(network: CharRNN, vocabulary: Vocabulary) { self.network = network; self.vocabulary = vocabulary }

    /// The metadata that describes the architecture.
    public var metadata: [String: String] {
        ["kind": "char-rnn", "cell": network.cell.rawValue, "vocab": vocabulary.stored,
         "embedding": "\(network.embedding)", "hidden": "\(network.hidden)", "layers": "\(network.layers)"]
    }

    /// The bundled Tiny Shakespeare model.
    public static func bundled() throws -> CharRNNModel { try load(BundledAssets.model("shakespeare-lstm.safetensors")).model }

    /// Reads a checkpoint written by `char-rnn train`; anything else is one clear AppError.
    public static func load(_ path: String) throws -> (model: CharRNNModel, metadata: [String: String]) {
        let file = try SafetensorsFile.read(path: path)
        let m = file.metadata
        guard m["kind"] == "char-rnn" else {
            let what = m["arch"].map { "a \($0) checkpoint of the image classifier" } ?? "no char-rnn metadata"
            throw AppError.badInput(path, "not a char-rnn model (\(what))")
        }
        guard let cell = m["cell"].flatMap(RecurrentCell.init(rawValue:)), let vocab = m["vocab"].flatMap(Vocabulary.init(stored:)),
              let e = m["embedding"].flatMap(Int.init), let h = m["hidden"].flatMap(Int.init), let l = m["layers"].flatMap(Int.init),
              e >= 1, h >= 1, l >= 1, e <= 1 << 16, h <= 1 << 16, l <= 64 else {
            throw AppError.badInput(path, "char-rnn metadata is incomplete or invalid")
        }
        // The tensors must have the shapes the metadata promises before anything that size is built.
        let gates = cell == .lstm ? 4 : 3
        var expected: [String: [Int]] = ["embed.weight": [vocab.count, e], "fc.weight": [vocab.count, h], "fc.bias": [vocab.count]]
        for layer in 0..<l {
            expected["\(cell.rawValue).weight_ih_l\(layer)"] = [gates * h, layer == 0 ? e : h]
            expected["\(cell.rawValue).weight_hh_l\(layer)"] = [gates * h, h]
        }
        for (name, shape) in expected where file.tensors[name]?.shape != shape {
            throw AppError.badInput(path, "weights do not match the metadata (\(name) should be \(shape))")
        }
        var rng = RandomGenerator(seed: 0)
        let net = CharRNN(cell: cell, vocab: vocab.count, embedding: e, hidden: h, layers: l, rng: &rng)
        do { try net.load(file, path: path) } catch let e as SafetensorsError {
            throw AppError.badInput(path, "weights do not match the metadata (\(e))")
        }
        net.eval()
        return (CharRNNModel(network: net, vocabulary: vocab), m)
    }
}
