import ArgumentParser
import Foundation
import Datasets
import Models
import RunKit
import CLI
import CharRNNKit
import CommandLineErrors

/// Character-level language models (LSTM or GRU) on any UTF-8 text: the command line of CharRNNKit.
@main
struct CharRNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "char-rnn",
        abstract: "Train a character-level LSTM/GRU on any text, generate from it, evaluate it, show its cells.",
        version: deepMediaVersion,
        subcommands: [Train.self, Generate.self, Evaluate.self, Explain.self])
}

extension RecurrentCell: ExpressibleByArgument {}

/// --model FILE, or the bundled Tiny Shakespeare model.
struct ModelOption: ParsableArguments {
    @Option(help: "Checkpoint written by char-rnn train (default: the bundled Shakespeare model).") var model: String?

    func load() throws -> CharRNNModel { try model.map { try CharRNNModel.load($0).model } ?? CharRNNModel.bundled() }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train on a text file; writes a run folder with checkpoints, metrics.jsonl and curves.svg. Ctrl-C saves and stops; --resume continues.")

    @Option(help: "UTF-8 text file (required unless --resume).") var text: String?
    @Option(help: "Recurrent cell.") var cell: RecurrentCell = .lstm
    @Option(parsing: .unconditional, help: "Recurrent layers.") var layers: Int = 2
    @Option(parsing: .unconditional, help: "Hidden units per layer.") var hidden: Int = 512
    @Option(parsing: .unconditional, help: "Character embedding size.") var embedding: Int = 64
    @Option(parsing: .unconditional, help: "Dropout between recurrent layers.") var dropout: Float = 0.2
    @Option(name: .customLong("seq-len"), parsing: .unconditional, help: "Characters per window (backpropagation length).") var seqLen: Int = 128
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Parallel streams.") var batchSize: Int = 64
    @Option(parsing: .unconditional, help: "Peak learning rate (Adam; warm-up, then cosine decay to 0).") var lr: Float = 2e-3
    @Option(parsing: .unconditional, help: "Gradient-norm clipping (0: off).") var clip: Float = 1
    @Option(name: .customLong("val-fraction"), parsing: .unconditional, help: "Last fraction of the text held out for validation.") var valFraction: Double = 0.1
    @Option(parsing: .unconditional, help: "Passes over the text (default 10 unless --minutes).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Minutes of training (the clock stops during validation).") var minutes: Double?
    @Option(parsing: .unconditional, help: "Stop after this many passes without a better validation loss.") var patience: Int?
    @Option(name: .customLong("sample-every"), parsing: .unconditional, help: "Print a short sample every N steps (0: never).") var sampleEvery: Int = 500
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder.") var out: String = "runs/char-rnn"
    @Option(help: "Continue the run in this folder (--epochs, --minutes, --patience and --text may change).") var resume: String?
    @Flag(help: "Replace a run already in --out (otherwise refused).") var overwrite = false
    @OptionGroup var common: CommonOptions

    var settings: CharRNNSettings {
        var s = CharRNNSettings()
        s.text = text; s.cell = cell; s.layers = layers; s.hidden = hidden; s.embedding = embedding; s.dropout = dropout
        s.seqLen = seqLen; s.batchSize = batchSize; s.lr = lr; s.clip = clip; s.valFraction = valFraction
        s.epochs = epochs; s.minutes = minutes; s.patience = patience; s.seed = seed
        return s
    }

    func validate() throws {
        try flagged { try settings.validate() }
        if resume == nil && text == nil { throw ValidationError("--text FILE is required (or --resume RUN_DIR)") }
    }

    func run() throws {
        try common.apply()
        let events = TerminalProgress(), interrupt = Interrupt.installed()
        let r = try flagged {
            if let resume {
                return try CharRNNTraining.resume(resume, ResumeOverrides(epochs: epochs, minutes: minutes, patience: patience, data: text),
                                                  threads: common.threads, sampleEvery: sampleEvery, events: events, cancellation: interrupt)
            }
            return try CharRNNTraining.run(settings, out: out, overwrite: overwrite, threads: common.threads, sampleEvery: sampleEvery, events: events, cancellation: interrupt)
        }
        switch r.outcome {
        case "cancelled":
            print("interrupted after \(r.steps) steps: checkpoint saved; continue with: char-rnn train --resume \(r.runFolder)")
            throw ExitCode(130)
        case "early-stopped":
            print("stopped early; best.safetensors holds pass \(r.bestPass ?? 0); run folder \(r.runFolder)")
        default:
            print(String(format: "trained %d steps (%.1f passes, %.1f min); run folder %@", r.steps, r.passes, r.minutes, r.runFolder))
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write text from a model to stdout as it is produced.")

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Text to start from (printed first).") var prime: String = ""
    @Option(parsing: .unconditional, help: "Characters to generate.") var length: Int = 500
    @Option(parsing: .unconditional, help: "Sampling temperature (0: always the most likely character).") var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Sample only among the K most likely characters.") var topK: Int?
    @Option(parsing: .unconditional, help: "Random seed (same seed, same text).") var seed: UInt64 = 1
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard length >= 0 else { throw ValidationError("--length must not be negative") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be 0 or more") }
        if let k = topK, k < 1 { throw ValidationError("--top-k must be positive") }
    }

    func run() throws {
        try common.apply()
        let m = try modelOption.load()
        let primeScalars = Array(prime.unicodeScalars)
        let unknown = primeScalars.filter { m.vocabulary.id($0) == nil }
        guard unknown.isEmpty else {
            throw AppError.badInput("--prime", "has characters the model does not know: \(String(String.UnicodeScalarView(unknown)).debugDescription)")
        }
        let out = FileHandle.standardOutput
        out.write(Data(prime.utf8))
        var buffer: [UInt8] = []
        m.generate(prime: primeScalars, length: length, temperature: temperature, topK: topK, seed: seed) { s in
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: String(s).utf8)
            out.write(Data(buffer))
        }
        out.write(Data("\n".utf8))
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cross-entropy of a text under a model (nats and bits per character, state carried through).")

    @Option(help: "UTF-8 text file.") var text: String
    @OptionGroup var modelOption: ModelOption
    @Option(parsing: .unconditional, help: "Evaluate only the last fraction of the file, cut at a line break (the validation split of train).") var fraction: Double = 1
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
    }

    func run() throws {
        try common.apply()
        let m = try modelOption.load()
        var scalars = try TextFile.read(text)
        if fraction < 1 { scalars = TextFile.split(scalars, validationFraction: fraction).validation }
        guard scalars.count >= 2 else { throw AppError.badInput(text, "needs at least two characters") }
        let (ids, known) = m.vocabulary.encode(scalars)
        let oov = known.dropFirst().filter { !$0 }.count
        let start = Date()
        let (nats, count) = m.loss(ids: ids, known: known)
        let seconds = Date().timeIntervalSince(start)
        if json {
            try ResultOutput.json(TextEvaluationReport(lossNatsPerChar: nats, bitsPerChar: nats / log(2), chars: count,
                                                       outOfVocabulary: oov, seconds: seconds))
        } else {
            print(String(format: "%.4f nats/char (%.4f bits/char) over %d predicted characters", nats, nats / log(2), count))
            if oov > 0 { print("\(oov) characters outside the model's vocabulary were not counted (read as spaces)") }
        }
    }
}
