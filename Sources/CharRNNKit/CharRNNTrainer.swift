import Foundation
import NeuralCore
import Datasets
import Models
import RunKit

/// A char-RNN's part of the training loop: B contiguous streams read in windows of T characters
/// with the hidden state carried from window to window (truncated BPTT), Adam with a short
/// linear warm-up and cosine decay to 0 over the run (over the steps of `epochs`, or over the
/// training clock of `minutes`), gradient-norm clipping, validation loss after every pass.
/// Everything a pass draws is a function of the seed and the position, and the carried state is
/// checkpointed, so a run stopped at any step continues exactly.
public final class CharRNNTrainer: TrainingTask {
    public let model: CharRNNModel
    public let optimizer: any Optimizer
    let settings: CharRNNSettings
    let streams: CharStreams
    let validation: (ids: [Int], known: [Bool])
    let validationStreams = 16
    private var offset = 0
    private var state: CharRNN.State?

    /// Throws when the text is too short for one window of every stream.
    public init(model: CharRNNModel, settings: CharRNNSettings, text: [Int], validation: (ids: [Int], known: [Bool])) throws {
        self.model = model; self.settings = settings; self.validation = validation
        streams = CharStreams(ids: text, batch: settings.batchSize, steps: settings.seqLen)
        optimizer = Adam(model.network.trainableParameters, lr: settings.lr)
        guard streams.windowsPerPass >= 1 else {
            throw AppError.badInput("training text", "\(text.count) characters is too short for --batch-size \(settings.batchSize) x --seq-len \(settings.seqLen) (needs at least \(settings.batchSize * settings.seqLen + settings.seqLen))")
        }
    }

    var net: CharRNN { model.network }
    public var network: any Module { net }
    public var batchesPerPass: Int { streams.windowsPerPass }
    public var resumesWithinPass: Bool { true }
    public var passName: String { "pass" }
    public var itemUnit: String { "chars" }
    public var metadata: [String: String] {
        model.metadata.merging(["dropout": "\(settings.dropout)", "seq_len": "\(settings.seqLen)", "batch_size": "\(settings.batchSize)"]) { a, _ in a }
    }

    public func beginPass(_ position: TrainingPosition) {
        var rng = RandomGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(position.pass) &+ 0x7E47)
        offset = rng.int(below: settings.seqLen)
        if position.batch == 0 { state = nil }          // each pass starts from a zero state
    }

    /// Warm-up over the first 1 % of the run (at most 100 steps), then cosine from lr to 0.
    public func learningRate(at position: TrainingPosition) -> Float {
        let progress: Double
        var warm = 100.0
        if let m = settings.minutes {
            progress = position.seconds / (m * 60)
        } else {
            let total = Double((settings.epochs ?? 1) * batchesPerPass)
            progress = Double(position.step) / max(total, 1)
            warm = min(warm, total / 100)
        }
        let w = warm > 0 ? min(1, Double(position.step + 1) / warm) : 1
        return settings.lr * Float(w * 0.5 * (1 + cos(Double.pi * min(progress, 1))))
    }

    public func step(_ position: TrainingPosition) throws -> StepResult {
        let (x, y) = streams.window(position.batch, offset: offset)
        net.train()
        net.rnn.reseedDropout(settings.seed &+ 0xD50 &* UInt64(position.step + 1))
        optimizer.zeroGrad()
        let (logits, next) = net(x, batch: settings.batchSize, steps: settings.seqLen, state: state)
        let loss = crossEntropy(logits, targets: y)
        let l = loss.item
        let chars = settings.batchSize * settings.seqLen
        guard l.isFinite else { return StepResult(loss: Double(l), items: chars) }
        loss.backward()
        if settings.clip > 0 { clipGradNorm(net.trainableParameters, maxNorm: settings.clip) }
        optimizer.step()
        state = next.detached()
        return StepResult(loss: Double(l), items: chars)
    }

    public func validate() -> [String: Double] {
        let vl = validation.ids.count > 1 ? model.loss(ids: validation.ids, known: validation.known, streams: validationStreams).nats : .nan
        return ["val_loss": vl]
    }

    public func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
        let vl = s.validation["val_loss"] ?? .nan
        return ["pass": JSONValue(s.passes), "step": JSONValue(s.position.step), "chars": JSONValue(s.position.items),
                "train_loss": JSONValue(s.trainLoss), "val_loss": JSONValue(vl), "val_bits_per_char": JSONValue(vl / log(2)),
                "train_minutes": JSONValue(s.position.seconds / 60), "lr": JSONValue(s.learningRate),
                "chars_per_s": JSONValue(Double(s.position.items) / max(s.position.seconds, 1e-9))]
    }

    public func describe(_ s: PassSummary) -> String {
        let vl = s.validation["val_loss"] ?? .nan
        return String(format: "pass %.2f: train loss %.4f, validation loss %.4f nats/char (%.3f bits), %.1f min of training",
                      s.passes, s.trainLoss.isFinite ? s.trainLoss : .nan, vl, vl / log(2), s.position.seconds / 60)
    }

    public func curves(_ history: [[String: JSONValue]]) -> LinePlot {
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        var plot = LinePlot([.init("loss (nats/char)", [.init("training", col("train_loss"), color: "#1f77b4"),
                                                        .init("validation", col("val_loss"), color: "#d62728")])])
        plot.xLabel = "pass over the text"
        plot.xValues = col("pass")
        return plot
    }

    /// A short sample (200 characters at temperature 0.8) from the current weights.
    public func sample(at position: TrainingPosition) -> String? {
        var s = String.UnicodeScalarView()
        model.generate(prime: [], length: 200, temperature: 0.8, seed: UInt64(position.step)) { s.append($0) }
        return String(s)
    }

    public func carriedState() -> [String: Tensor] {
        guard let state else { return [:] }
        var t = ["h": state.h]
        if let c = state.c { t["c"] = c }
        return t
    }

    public func restoreCarriedState(_ tensors: [String: Tensor]) {
        state = tensors["h"].map { CharRNN.State(h: $0, c: tensors["c"]) }
        if let h = state?.h, h.shape != [net.layers, settings.batchSize, net.hidden] { state = nil }
    }
}
