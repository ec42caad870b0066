import XCTest
import Foundation
import NeuralCore
import Datasets
import Models
@testable import CharRNNKit

/// Sampling, evaluation and cell activations of a char-RNN (CharRNNCheckpoint, TextGeneration,
/// TextEvaluation, CellActivations).
final class TextModelTests: XCTestCase {
    func model(_ cell: RecurrentCell = .lstm) -> CharRNNModel {
        let vocab = Vocabulary(of: Array("abc de\n\"()".unicodeScalars))
        var rng = RandomGenerator(seed: 4)
        return CharRNNModel(network: CharRNN(cell: cell, vocab: vocab.count, embedding: 4, hidden: 6, layers: 2, rng: &rng), vocabulary: vocab)
    }

    func testSampling() {
        var rng = RandomGenerator(seed: 1)
        XCTAssertEqual(CharRNNModel.sample([0, 5, 1], temperature: 0, topK: nil, rng: &rng), 1)
        for _ in 0..<50 { XCTAssertEqual(CharRNNModel.sample([0, 5, 6], temperature: 2, topK: 1, rng: &rng), 2) }
        var counts = [0, 0, 0]
        for _ in 0..<20_000 { counts[CharRNNModel.sample([0, 1, 2], temperature: 1, topK: nil, rng: &rng)] += 1 }
        let z = exp(0.0) + exp(1.0) + exp(2.0)
        for i in 0..<3 { XCTAssertEqual(Double(counts[i]) / 20_000, exp(Double(i)) / z, accuracy: 0.015) }
    }

    func testGenerationIsSeeded() {
        let m = model()
        func text(_ seed: UInt64) -> String {
            var s = String.UnicodeScalarView()
            m.generate(prime: Array("ab".unicodeScalars), length: 40, temperature: 1, seed: seed) { s.append($0) }
            return String(s)
        }
        XCTAssertEqual(text(3), text(3))
        XCTAssertEqual(text(3).unicodeScalars.count, 40)
        XCTAssertNotEqual(text(3), text(4))
    }

    /// The carried-state loss equals one cross-entropy over the whole sequence, whatever the chunk.
    func testLossCarriesStateAcrossChunks() {
        for cell in RecurrentCell.allCases {
            let m = model(cell)
            var rng = RandomGenerator(seed: 9)
            let ids = (0..<50).map { _ in rng.int(below: m.vocabulary.count) }
            let known = [Bool](repeating: true, count: 50)
            let whole = withoutGrad { crossEntropy(m.network(Array(ids.dropLast()), batch: 1, steps: 49).logits, targets: Array(ids.dropFirst())).item }
            let (a, n) = m.loss(ids: ids, known: known, chunk: 7)
            XCTAssertEqual(n, 49)
            XCTAssertEqual(a, Double(whole), accuracy: 1e-5)
            var unknown = known; unknown[10] = false
            XCTAssertEqual(m.loss(ids: ids, known: unknown).count, 48)
            XCTAssertEqual(m.loss(ids: ids, known: known, streams: 4).count, 48)   // 4 parts of 12
        }
    }

    func testFeaturesAndPickedCells() {
        let text = Array("KING:\nsay \"no\" (now)\n".unicodeScalars)
        let f = Dictionary(uniqueKeysWithValues: CellActivations.features(text))
        XCTAssertEqual(f["speaker-name line"]!.prefix(6), [1, 1, 1, 1, 1, 0])
        XCTAssertEqual(f["inside quotes"]![10], 1)            // the "n" of "no"
        XCTAssertEqual(f["inside brackets"]![16], 1)          // the "n" of "now"
        XCTAssertEqual(f["position in the line"]![8], 2)
        let acts = CellActivations(model: model(), text: Array("abc \"de\" (a)\nab".unicodeScalars))
        let cells = acts.pickCells(count: 5)
        XCTAssertEqual(cells.count, 5)
        XCTAssertEqual(Set(cells.map { $0.layer * 100 + $0.index }).count, 5)
        XCTAssertTrue(acts.html(cells: cells, title: "t").contains("title=\""))
    }

    func testLoadRefusesOtherCheckpoints() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let m = model(.gru)
        let path = dir.appendingPathComponent("m.safetensors").path
        try m.network.save(to: path, metadata: m.metadata)
        let back = try CharRNNModel.load(path).model
        XCTAssertEqual(back.vocabulary, m.vocabulary)
        XCTAssertEqual(back.network.cell, .gru)
        try m.network.save(to: path, metadata: ["arch": "lenet"])
        XCTAssertThrowsError(try CharRNNModel.load(path)) { XCTAssertTrue("\($0)".contains("not a char-rnn model")) }
        var meta = m.metadata; meta["hidden"] = "7"
        try m.network.save(to: path, metadata: meta)
        XCTAssertThrowsError(try CharRNNModel.load(path)) { XCTAssertTrue("\($0)".contains("do not match")) }
        meta["hidden"] = "60000"   // would be 57 GB of weights: refused from the shapes, before building
        try m.network.save(to: path, metadata: meta)
        XCTAssertThrowsError(try CharRNNModel.load(path)) { XCTAssertTrue("\($0)".contains("do not match")) }
    }
}
