import XCTest
import Foundation
import NeuralCore
import Datasets
import Models
import RunKit
import Require
@testable import CharRNNKit

/// CharRNNTraining in-process: a run folder from settings, its config read back, resume with an
/// override, events and cancellation through the protocols; and one model shared by tasks.
final class CharRNNTrainingTests: XCTestCase {
    final class Recorder: TrainingEvents {
        var lines: [String] = [], reports = 0
        func progress(_ p: TrainingProgress) { reports += 1 }
        func log(_ line: String) { lines.append(line) }
    }

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func settings(_ text: String) -> CharRNNSettings {
        var s = CharRNNSettings()
        s.text = text; s.hidden = 16; s.embedding = 8; s.layers = 1; s.dropout = 0
        s.seqLen = 16; s.batchSize = 4; s.epochs = 2; s.lr = 0.01
        return s
    }

    func testRunThenResumeWithMorePasses() throws {
        let dir = try folder()
        let text = dir.appendingPathComponent("t.txt").path
        try String(repeating: "the cat sat on the mat. ", count: 40).write(toFile: text, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run").path
        let events = Recorder()
        let r = try CharRNNTraining.run(settings(text), out: out, events: events)
        XCTAssertEqual(r.outcome, "finished")
        XCTAssertGreaterThan(events.reports, 0)
        XCTAssertTrue(events.lines.contains { $0.hasPrefix("pass 1.00: train loss") }, "\(events.lines)")
        let run = try RunFolder.existing(out)
        XCTAssertEqual(try run.readConfig(CharRNNSettings.self), settings(text))
        XCTAssertEqual(run.readMetrics().count, 2)
        // The other program's resume names the run's program.
        let config = try String(contentsOfFile: run.file("config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"program\" : \"char-rnn\""), config)
        let more = try CharRNNTraining.resume(out, ResumeOverrides(epochs: 3))
        XCTAssertEqual(more.outcome, "finished")
        XCTAssertEqual(run.readMetrics().count, 3)
        XCTAssertLessThan(run.readMetrics()[2]["val_loss"]!.double!, run.readMetrics()[0]["val_loss"]!.double!)
    }

    func testSettingsAreCheckedBeforeAnythingIsWritten() throws {
        let out = try folder().appendingPathComponent("never").path
        var s = settings("/nonexistent.txt")
        s.dropout = 1
        XCTAssertThrowsError(try CharRNNTraining.run(s, out: out)) { e in
            XCTAssertEqual(e as? SettingsError, SettingsError(["dropout"], "must be in [0, 1)"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// generate and loss on one model from many tasks at once give what they give alone.
    func testOneModelServesConcurrentTasks() async throws {
        let vocab = Vocabulary(of: Array("abcdefgh \n".unicodeScalars))
        var rng = RandomGenerator(seed: 4)
        let m = CharRNNModel(network: CharRNN(cell: .lstm, vocab: vocab.count, embedding: 4, hidden: 12, layers: 2, dropout: 0.5, rng: &rng),
                             vocabulary: vocab)
        m.network.train()     // a model left in training mode: the verbs must still run it in eval mode
        func text(_ seed: UInt64) -> String {
            var s = String.UnicodeScalarView()
            m.generate(prime: Array("ab".unicodeScalars), length: 60, temperature: 1, seed: seed) { s.append($0) }
            return String(s)
        }
        let ids = vocab.encode(Array("abc defg\nhab cd".unicodeScalars))
        let serialText = (0..<8).map { text(UInt64($0)) }
        let serialLoss = m.loss(ids: ids.ids, known: ids.known).nats
        try await withThrowingTaskGroup(of: (Int, String?, Double?).self) { group in
            for i in 0..<8 {
                group.addTask { (i, text(UInt64(i)), nil) }
                group.addTask { (i, nil, m.loss(ids: ids.ids, known: ids.known).nats) }
            }
            for try await (i, t, l) in group {
                if let t { XCTAssertEqual(t, serialText[i]) }
                if let l { XCTAssertEqual(l, serialLoss) }
            }
        }
        m.network.eval()
        XCTAssertEqual(m.loss(ids: ids.ids, known: ids.known).nats, serialLoss, "the verbs ran in eval mode")
    }
}
