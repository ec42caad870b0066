import Foundation
import NeuralCore
import Datasets
import Models
import RunKit
import Require

/// What a char-RNN training reports when it stops.
public struct CharRNNTrainingReport: Codable, Sendable {
    public var runFolder: String
    public var outcome: String
    /// The pass best.safetensors keeps, after early stopping.
    public var bestPass: Int?
    public var steps: Int
    public var passes: Double
    public var minutes: Double
}

/// Trains a char-RNN in a run folder: a new run from settings, or a run continued from its
/// folder (weights, Adam state, carried state, position and dropout stream restored).
public enum CharRNNTraining {
    /// A new run in `out`; a folder holding a run is refused unless `overwrite`.
    public static func run(_ settings: CharRNNSettings, out: String, overwrite: Bool = false, threads: Int = Parallel.threads, sampleEvery: Int = 0,
                           events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> CharRNNTrainingReport {
        var settings = settings
        if settings.epochs == nil && settings.minutes == nil { settings.epochs = 10 }
        try settings.validate()
        settings.text = settings.text.map(RunFolder.absolute)
        return try RunFolder.withNewRun(out, overwrite: overwrite) { run in
            try train(settings, run: run, resuming: false, threads: threads, sampleEvery: sampleEvery, events: events, cancellation: cancellation)
        }
    }

    public static func resume(_ folder: String, _ overrides: ResumeOverrides = ResumeOverrides(), threads: Int = Parallel.threads,
                              sampleEvery: Int = 0, events: any TrainingEvents = SilentEvents(),
                              cancellation: any Cancellation = NoCancellation()) throws -> CharRNNTrainingReport {
        return try RunFolder.withResumedRun(folder) { run in
            var settings = try run.readConfig(CharRNNSettings.self, program: "char-rnn", marker: "cell")
            if let e = overrides.epochs { settings.epochs = e }
            if let m = overrides.minutes { settings.minutes = m }
            if let p = overrides.patience { settings.patience = p }
            if let t = overrides.data.map(RunFolder.absolute), t != settings.text {
                events.log("resuming on \(t) instead of the run's \(settings.text ?? "(none)")")
                settings.text = t
            }
            if settings.epochs == nil && settings.minutes == nil { settings.epochs = 10 }
            try settings.validate()
            return try train(settings, run: run, resuming: true, threads: threads, sampleEvery: sampleEvery, events: events, cancellation: cancellation)
        }
    }

    static func train(_ s: CharRNNSettings, run: RunFolder, resuming: Bool, threads: Int, sampleEvery: Int,
                      events: any TrainingEvents, cancellation: any Cancellation) throws -> CharRNNTrainingReport {
        guard let text = s.text else { throw SettingsError(["text"], "is required") }
        let all = try TextFile.read(text)
        let checksum = TextFile.checksum(all)
        let (trainText, valText) = TextFile.split(all, validationFraction: s.valFraction)
        let vocab: Vocabulary
        if resuming {
            guard let v = (try? SafetensorsFile.read(path: run.file("checkpoint.safetensors")))?.metadata["vocab"].flatMap(Vocabulary.init(stored:)) else {
                throw AppError.badInput(run.file("checkpoint.safetensors"), "no vocabulary in the checkpoint")
            }
            vocab = v
        } else {
            vocab = Vocabulary(of: trainText)
        }
        var rng = RandomGenerator(seed: s.seed)
        let net = CharRNN(cell: s.cell, vocab: vocab.count, embedding: s.embedding, hidden: s.hidden, layers: s.layers, dropout: s.dropout, rng: &rng)
        let ids = vocab.encode(trainText).ids
        let val = vocab.encode(valText)
        let task = try CharRNNTrainer(model: CharRNNModel(network: net, vocabulary: vocab), settings: s, text: ids, validation: (val.ids, val.known))
        var options = TrainingLoop.Options()
        options.epochs = s.epochs; options.minutes = s.minutes; options.patience = s.patience
        options.monitor = "val_loss"; options.mode = .minimize
        options.sampleEvery = sampleEvery
        let loop = TrainingLoop(task: task, options: options, run: run, events: events, cancellation: cancellation)
        if resuming {
            try loop.resume()
            if case let .object(o)? = try? JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: run.file("config.json")))),
               let stored = o["text_checksum"]?.string, stored != checksum {
                events.log("warning: \(text) changed since this run started (checksum \(stored) -> \(checksum)); training goes on with the new text")
            }
        } else {
            try run.writeConfig(s, facts: ["program": JSONValue("char-rnn"), "threads": JSONValue(threads), "text_checksum": JSONValue(checksum), "train_chars": JSONValue(trainText.count),
                                           "validation_chars": JSONValue(valText.count), "vocab": JSONValue(vocab.count)])
        }
        events.log("\(s.cell.rawValue) \(s.layers)x\(s.hidden): \(net.parameterCount) parameters; \(trainText.count) training and \(valText.count) validation characters, vocabulary \(vocab.count)")
        let outcome = try loop.train()
        let p = loop.position
        var report = CharRNNTrainingReport(runFolder: run.path, outcome: "finished", bestPass: nil, steps: p.step,
                                           passes: Double(p.items) / Double(max(ids.count, 1)), minutes: p.seconds / 60)
        switch outcome {
        case .finished: break
        case .cancelled: report.outcome = "cancelled"
        case let .earlyStopped(best): report.outcome = "early-stopped"; report.bestPass = best
        }
        return report
    }
}
