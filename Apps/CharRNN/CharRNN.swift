import ArgumentParser
import Foundation
import NeuralCore
import Datasets
import Models
import AppSupport

/// Character-level language models (LSTM or GRU) on any UTF-8 text.
@main
struct CharRNNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "char-rnn",
        abstract: "Train a character-level LSTM/GRU on any text, generate from it, evaluate it, show its cells.",
        subcommands: [Train.self, Generate.self, Evaluate.self, Explain.self])
}

extension RecurrentCell: ExpressibleByArgument {}

/// --model FILE, or the bundled Tiny Shakespeare model.
struct ModelOption: ParsableArguments {
    @Option(help: "Checkpoint written by char-rnn train (default: the bundled Shakespeare model).") var model: String?

    func load() throws -> CharRNNModel {
        try CharRNNModel.load(model ?? BundledAssets.model("shakespeare-lstm.safetensors")).model
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train on a text file; writes a run folder with checkpoints, metrics.jsonl and curves.svg. Ctrl-C saves and stops; --resume continues.")

    @Option(help: "UTF-8 text file.") var text: String?
    @Option(help: "Recurrent cell.") var cell: RecurrentCell = .lstm
    @Option(help: "Recurrent layers.") var layers: Int = 2
    @Option(help: "Hidden units per layer.") var hidden: Int = 512
    @Option(help: "Character embedding size.") var embedding: Int = 64
    @Option(help: "Dropout between recurrent layers.") var dropout: Float = 0.2
    @Option(name: .customLong("seq-len"), help: "Characters per window (backpropagation length).") var seqLen: Int = 128
    @Option(name: .customLong("batch-size"), help: "Parallel streams.") var batchSize: Int = 64
    @Option(help: "Peak learning rate (Adam; warm-up, then cosine decay to 0).") var lr: Float = 2e-3
    @Option(help: "Gradient-norm clipping (0: off).") var clip: Float = 1
    @Option(name: .customLong("val-fraction"), help: "Last fraction of the text held out for validation.") var valFraction: Double = 0.1
    @Option(help: "Passes over the text (default 10 unless --minutes).") var epochs: Int?
    @Option(help: "Minutes of training (the clock stops during validation).") var minutes: Double?
    @Option(help: "Stop after this many passes without a better validation loss.") var patience: Int?
    @Option(name: .customLong("sample-every"), help: "Print a short sample every N steps (0: never).") var sampleEvery: Int = 500
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder.") var out: String = "runs/char-rnn"
    @Option(help: "Continue the run in this folder.") var resume: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard layers >= 1, hidden >= 1, embedding >= 1, seqLen >= 1, batchSize >= 1 else {
            throw ValidationError("--layers, --hidden, --embedding, --seq-len and --batch-size must be positive")
        }
        guard layers <= 16, hidden <= 8192, embedding <= 8192, seqLen <= 100_000, batchSize <= 65_536 else {
            throw ValidationError("sizes out of range: --layers at most 16, --hidden and --embedding at most 8192, --seq-len 100000, --batch-size 65536")
        }
        guard lr > 0, clip >= 0 else { throw ValidationError("--lr must be positive and --clip not negative") }
        guard dropout >= 0, dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        guard valFraction >= 0, valFraction < 1 else { throw ValidationError("--val-fraction must be in [0, 1)") }
        if let e = epochs, e < 1 { throw ValidationError("--epochs must be positive") }
        if let m = minutes, !(m > 0) { throw ValidationError("--minutes must be positive") }
        if let p = patience, p < 1 { throw ValidationError("--patience must be positive") }
        if resume == nil && text == nil { throw ValidationError("--text FILE is required (or --resume RUN_DIR)") }
    }

    func run() throws {
        try common.apply()
        var s = self
        let run: RunFolder
        if let resume {
            run = try RunFolder.existing(resume)
            let c = try run.readConfig()
            s.text = c["text"]?.string
            s.cell = c["cell"]?.string.flatMap(RecurrentCell.init(rawValue:)) ?? cell
            s.layers = c["layers"]?.int ?? layers; s.hidden = c["hidden"]?.int ?? hidden
            s.embedding = c["embedding"]?.int ?? embedding; s.dropout = Float(c["dropout"]?.double ?? Double(dropout))
            s.seqLen = c["seq_len"]?.int ?? seqLen; s.batchSize = c["batch_size"]?.int ?? batchSize
            s.lr = Float(c["lr"]?.double ?? Double(lr)); s.clip = Float(c["clip"]?.double ?? Double(clip))
            s.valFraction = c["val_fraction"]?.double ?? valFraction
            s.epochs = epochs ?? c["epochs"]?.int; s.minutes = minutes ?? c["minutes"]?.double
            s.patience = patience ?? c["patience"]?.int
            s.seed = UInt64(c["seed"]?.int ?? Int(seed))
        } else {
            run = try RunFolder(out)
        }
        if s.epochs == nil && s.minutes == nil { s.epochs = 10 }
        try s.train(run: run, resuming: resume != nil)
    }

    func train(run: RunFolder, resuming: Bool) throws {
        guard let text else { throw ValidationError("--text FILE is required") }
        let all = try TextFile.read(text)
        let (trainText, valText) = TextFile.split(all, validationFraction: valFraction)
        let vocab: Vocabulary
        if resuming {
            guard let v = (try? SafetensorsFile.read(path: run.file("checkpoint.safetensors")))?.metadata["vocab"].flatMap(Vocabulary.init(stored:)) else {
                throw AppError.badInput(run.file("checkpoint.safetensors"), "no vocabulary in the checkpoint")
            }
            vocab = v
        } else {
            vocab = Vocabulary(of: trainText)
        }
        var rng = RandomGenerator(seed: seed)
        let net = CharRNN(cell: cell, vocab: vocab.count, embedding: embedding, hidden: hidden, layers: layers, dropout: dropout, rng: &rng)
        var options = CharRNNTrainer.Options()
        options.batch = batchSize; options.steps = seqLen; options.lr = lr; options.clip = clip
        options.epochs = epochs; options.minutes = minutes; options.patience = patience
        options.sampleEvery = sampleEvery; options.seed = seed
        let trainer = CharRNNTrainer(model: CharRNNModel(network: net, vocabulary: vocab), options: options, run: run,
                                     metadata: ["dropout": "\(dropout)", "seq_len": "\(seqLen)", "batch_size": "\(batchSize)"])
        if resuming {
            try trainer.resume()
        } else {
            try run.writeConfig([
                "text": JSONValue(text), "cell": JSONValue(cell.rawValue), "layers": JSONValue(layers), "hidden": JSONValue(hidden),
                "embedding": JSONValue(embedding), "dropout": JSONValue(dropout), "seq_len": JSONValue(seqLen), "batch_size": JSONValue(batchSize),
                "lr": JSONValue(lr), "clip": JSONValue(clip), "val_fraction": JSONValue(valFraction),
                "epochs": epochs.map { JSONValue($0) } ?? .null, "minutes": minutes.map { JSONValue($0) } ?? .null,
                "patience": patience.map { JSONValue($0) } ?? .null, "seed": JSONValue(Int(seed)), "threads": JSONValue(common.threads),
                "train_chars": JSONValue(trainText.count), "validation_chars": JSONValue(valText.count), "vocab": JSONValue(vocab.count),
            ])
        }
        let ids = vocab.encode(trainText).ids
        let val = vocab.encode(valText)
        Progress.log("\(cell.rawValue) \(layers)x\(hidden): \(net.parameterCount) parameters; \(trainText.count) training and \(valText.count) validation characters, vocabulary \(vocab.count)")
        Interrupt.install()
        let outcome = try trainer.train(text: ids, validation: (val.ids, val.known))
        let p = trainer.position
        switch outcome {
        case .interrupted:
            print("interrupted after \(p.step) steps: checkpoint saved; continue with: char-rnn train --resume \(run.path)")
            throw ExitCode(130)
        case let .earlyStopped(best):
            print("stopped early; best.safetensors holds pass \(best); run folder \(run.path)")
        case .finished:
            print(String(format: "trained %d steps (%.1f passes, %.1f min); run folder %@", p.step,
                         Double(p.chars) / Double(max(ids.count, 1)), p.seconds / 60, run.path))
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write text from a model to stdout as it is produced.")

    @OptionGroup var modelOption: ModelOption
    @Option(help: "Text to start from (printed first).") var prime: String = ""
    @Option(help: "Characters to generate.") var length: Int = 500
    @Option(help: "Sampling temperature (0: always the most likely character).") var temperature: Float = 0.8
    @Option(name: .customLong("top-k"), help: "Sample only among the K most likely characters.") var topK: Int?
    @Option(help: "Random seed (same seed, same text).") var seed: UInt64 = 1
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
            throw ValidationError("--prime has characters the model does not know: \(String(String.UnicodeScalarView(unknown)).debugDescription)")
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
    @Option(help: "Evaluate only the last fraction of the file, cut at a line break (the validation split of train).") var fraction: Double = 1
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
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
            print(JSONValue.object([
                "loss_nats_per_char": JSONValue(nats), "bits_per_char": JSONValue(nats / log(2)),
                "chars": JSONValue(count), "out_of_vocabulary": JSONValue(oov), "seconds": JSONValue(seconds),
            ]).serialized())
        } else {
            print(String(format: "%.4f nats/char (%.4f bits/char) over %d predicted characters", nats, nats / log(2), count))
            if oov > 0 { print("\(oov) characters outside the model's vocabulary were not counted (read as spaces)") }
        }
    }
}
