import Foundation
import NeuralCore
import Datasets
import Models

/// The training loop of a char-RNN: B contiguous streams read in windows of T characters with the
/// hidden state carried from window to window (truncated BPTT), Adam with a short linear warm-up
/// and cosine decay to 0 over the run (over the steps of --epochs, or over the training clock
/// of --minutes), gradient-norm clipping, validation after every pass, metrics.jsonl, checkpoints
/// (also every few minutes and on Ctrl-C), best.safetensors, curves.svg, samples on stderr.
/// A run stopped at any point continues exactly from its checkpoint: weights, Adam state, carried
/// state, position and the dropout stream are all restored (with --minutes the schedule follows
/// the clock, so a resumed run is as close as the clock allows).
public final class CharRNNTrainer {
    public struct Options: Sendable {
        public var batch = 64, steps = 128
        public var lr: Float = 2e-3, clip: Float = 1
        public var epochs: Int? = nil
        public var minutes: Double? = nil
        public var patience: Int? = nil
        public var sampleEvery = 500
        public var checkpointMinutes = 5.0
        public var validationStreams = 16
        public var seed: UInt64 = 1
        public init() {}
    }

    /// Where a run is: pass (epoch), next window in it, optimizer steps, seconds spent training.
    public struct Position: Sendable {
        public var epoch = 0, window = 0, step = 0
        public var seconds = 0.0
        public var chars = 0
        public init() {}
    }

    public enum Outcome: Sendable { case finished, earlyStopped(bestEpoch: Int), interrupted }

    public let model: CharRNNModel
    let options: Options
    let run: RunFolder
    let extraMetadata: [String: String]
    public let optimizer: Adam
    public private(set) var position = Position()
    var state: CharRNN.State?

    public init(model: CharRNNModel, options: Options, run: RunFolder, metadata: [String: String] = [:]) {
        self.model = model; self.options = options; self.run = run; self.extraMetadata = metadata
        optimizer = Adam(model.network.trainableParameters, lr: options.lr)
    }

    var network: CharRNN { model.network }

    func metadata(valLoss: Double?) -> [String: String] {
        var m = model.metadata.merging(extraMetadata) { a, _ in a }
        m["epoch"] = "\(position.epoch)"; m["window"] = "\(position.window)"; m["step"] = "\(position.step)"
        m["train_seconds"] = "\(position.seconds)"; m["chars"] = "\(position.chars)"
        if let valLoss { m["val_loss"] = "\(valLoss)" }
        return m
    }

    /// Restores weights, Adam state, carried state and position from the run folder.
    public func resume() throws {
        let (meta, extra) = try TrainingCheckpoint.restore(run, model: network, optimizer: optimizer)
        guard let e = meta["epoch"].flatMap(Int.init), let w = meta["window"].flatMap(Int.init),
              let s = meta["step"].flatMap(Int.init), let sec = meta["train_seconds"].flatMap(Double.init) else {
            throw AppError.badInput(run.file("checkpoint.safetensors"), "no training position in the checkpoint")
        }
        position = Position()
        position.epoch = e; position.window = w; position.step = s; position.seconds = sec
        position.chars = meta["chars"].flatMap(Int.init) ?? 0
        state = extra["h"].map { CharRNN.State(h: $0, c: extra["c"]) }
        if let h = state?.h, h.shape != [network.layers, options.batch, network.hidden] { state = nil }
    }

    /// Learning rate at the current position: warm-up over the first 1 % of the run (at most 100
    /// steps), then cosine from lr to 0.
    func learningRate(windowsPerPass: Int) -> Float {
        let progress: Double
        var warm = 100.0
        if let m = options.minutes {
            progress = position.seconds / (m * 60)
        } else {
            let total = Double((options.epochs ?? 1) * windowsPerPass)
            progress = Double(position.step) / max(total, 1)
            warm = min(warm, total / 100)
        }
        let w = warm > 0 ? min(1, Double(position.step + 1) / warm) : 1
        return options.lr * Float(w * 0.5 * (1 + cos(Double.pi * min(progress, 1))))
    }

    var timeIsUp: Bool { options.minutes.map { position.seconds >= $0 * 60 } ?? false }
    var epochsDone: Bool { options.epochs.map { position.epoch >= $0 } ?? false }

    /// Trains until --epochs passes or --minutes of training, early stopping or Ctrl-C.
    public func train(text: [Int], validation: (ids: [Int], known: [Bool])) throws -> Outcome {
        let streams = CharStreams(ids: text, batch: options.batch, steps: options.steps)
        let perPass = streams.windowsPerPass
        guard perPass >= 1 else {
            throw AppError.badInput("training text", "\(text.count) characters is too short for --batch-size \(options.batch) x --seq-len \(options.steps) (needs at least \(options.batch * options.steps + options.steps))")
        }
        let stopper = options.patience.map { EarlyStopping(patience: $0, mode: .minimize) }
        if let stopper { for (i, v) in run.readMetrics().compactMap({ $0["val_loss"]?.double }).enumerated() { _ = stopper.update(Float(v), epoch: i, model: network) } }
        let params = network.trainableParameters
        var lastSave = position.seconds
        var lastSample = position.step
        while !timeIsUp && !epochsDone {
            var rng = RandomGenerator(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(position.epoch) &+ 0x7E47)
            let offset = rng.int(below: options.steps)
            if position.window == 0 { state = nil }          // each pass starts from a zero state
            let label = options.epochs.map { "pass \(position.epoch + 1)/\($0)" } ?? "pass \(position.epoch + 1)"
            let progress = Progress(total: perPass * options.batch * options.steps, label: label, unit: "chars")
            var lossSum: Double = 0, windows = 0
            let charsPerWindow = options.batch * options.steps
            while position.window < perPass && !timeIsUp {
                let t0 = DispatchTime.now().uptimeNanoseconds
                optimizer.learningRate = learningRate(windowsPerPass: perPass)
                let (x, y) = streams.window(position.window, offset: offset)
                network.train()
                network.rnn.reseedDropout(options.seed &+ 0xD50 &* UInt64(position.step + 1))
                optimizer.zeroGrad()
                let (logits, next) = network(x, batch: options.batch, steps: options.steps, state: state)
                let loss = crossEntropy(logits, targets: y)
                let l = loss.item
                guard l.isFinite else {
                    throw AppError.training("the loss became \(l) at step \(position.step); the last good checkpoint is \(run.file("checkpoint.safetensors")) (try a smaller --lr)")
                }
                loss.backward()
                if options.clip > 0 { clipGradNorm(params, maxNorm: options.clip) }
                optimizer.step()
                state = next.detached()
                position.window += 1; position.step += 1; position.chars += charsPerWindow
                position.seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                lossSum += Double(l); windows += 1
                var fields = [("loss", lossSum / Double(windows)), ("lr", Double(optimizer.learningRate))]
                if let m = options.minutes { fields.append(("min_left", max(0, m - position.seconds / 60))) }
                progress.update(position.window * charsPerWindow, fields)
                if options.sampleEvery > 0 && position.step - lastSample >= options.sampleEvery {
                    lastSample = position.step
                    Progress.log("--- sample at step \(position.step) ---\n" + sampleText(seed: UInt64(position.step)) + "\n---")
                }
                if Interrupt.requested {
                    try saveCheckpoint(valLoss: nil)
                    return .interrupted
                }
                if position.seconds - lastSave >= options.checkpointMinutes * 60 {
                    try saveCheckpoint(valLoss: nil); lastSave = position.seconds
                }
            }
            let finishedPass = position.window >= perPass
            let passFraction = Double(position.epoch) + Double(position.window) / Double(perPass)
            if finishedPass { position.epoch += 1; position.window = 0 }
            let (vl, _) = validation.ids.count > 1
                ? model.loss(ids: validation.ids, known: validation.known, streams: options.validationStreams) : (Double.nan, 0)
            network.train()
            try saveEpoch(passes: passFraction, trainLoss: windows > 0 ? lossSum / Double(windows) : .nan, valLoss: vl)
            lastSave = position.seconds
            Progress.log(String(format: "pass %.2f: train loss %.4f, validation loss %.4f nats/char (%.3f bits), %.1f min of training",
                                passFraction, lossSum / Double(max(windows, 1)), vl, vl / log(2), position.seconds / 60))
            if let stopper, vl.isFinite, stopper.update(Float(vl), epoch: run.readMetrics().count - 1, model: network) {
                Progress.log("early stopping: no better validation loss for \(stopper.patience) passes; best.safetensors keeps pass \(stopper.bestEpoch + 1)")
                return .earlyStopped(bestEpoch: stopper.bestEpoch + 1)
            }
        }
        return .finished
    }

    func saveCheckpoint(valLoss: Double?) throws {
        var extra: [String: Tensor] = [:]
        if let state { extra["h"] = state.h; if let c = state.c { extra["c"] = c } }
        try TrainingCheckpoint.save(run, model: network, optimizer: optimizer, metadata: metadata(valLoss: valLoss), extra: extra)
    }

    /// metrics.jsonl line, checkpoint, best.safetensors (lowest validation loss), curves.svg.
    func saveEpoch(passes: Double, trainLoss: Double, valLoss: Double) throws {
        let history = run.readMetrics()
        try run.appendMetrics([
            "pass": JSONValue(passes), "step": JSONValue(position.step), "chars": JSONValue(position.chars),
            "train_loss": JSONValue(trainLoss), "val_loss": JSONValue(valLoss), "val_bits_per_char": JSONValue(valLoss / log(2)),
            "train_minutes": JSONValue(position.seconds / 60), "lr": JSONValue(optimizer.learningRate),
            "chars_per_s": JSONValue(Double(position.chars) / max(position.seconds, 1e-9)),
        ])
        try saveCheckpoint(valLoss: valLoss)
        let best = history.compactMap { $0["val_loss"]?.double }.filter(\.isFinite).min() ?? .infinity
        if valLoss.isFinite && valLoss <= best {
            try network.save(to: run.file("best.safetensors"), metadata: metadata(valLoss: valLoss))
        }
        let all = run.readMetrics()
        func col(_ k: String) -> [Double] { all.map { $0[k]?.double ?? .nan } }
        var plot = LinePlot([.init("loss (nats/char)", [.init("training", col("train_loss"), color: "#1f77b4"),
                                                        .init("validation", col("val_loss"), color: "#d62728")])])
        plot.xLabel = "pass over the text"
        plot.xValues = col("pass")
        try run.write("curves.svg", plot.svg())
    }

    /// A short sample (200 characters at temperature 0.8) from the current weights.
    func sampleText(seed: UInt64) -> String {
        var s = String.UnicodeScalarView()
        model.generate(prime: [], length: 200, temperature: 0.8, seed: seed) { s.append($0) }
        network.train()
        return String(s)
    }
}
