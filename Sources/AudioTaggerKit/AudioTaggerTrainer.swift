import Foundation
import NeuralCore
import Datasets
import Models
import RunKit

/// An audio tagger's part of the training loop: shuffled batches of clips, each placed in a
/// window and (with augmentation) changed on the waveform and the features, AudioCNN,
/// cross-entropy, AdamW with cosine decay; validation loss and accuracy on fixed windows. The
/// order of a pass is a function of the seed and the pass, the changes of a step of the seed
/// and the step, so a run resumes exactly (within a pass too). Without augmentation the
/// features are computed once.
public final class AudioTaggerTrainer: TrainingTask {
    public let model: AudioCNN
    public let optimizer: any Optimizer
    let settings: AudioTaggerSettings
    let train: LabeledAudio, validation: LabeledAudio
    let extractor: ClipFeatureExtractor
    let cachedTrain: Tensor?
    let validationInputs: Tensor
    let batch: Int
    private var order: [Int] = []

    public init(model: AudioCNN, settings: AudioTaggerSettings, train: LabeledAudio, validation: LabeledAudio) throws {
        self.model = model; self.settings = settings; self.train = train; self.validation = validation
        extractor = try ClipFeatureExtractor(settings.features)
        optimizer = AdamW(model.trainableParameters, lr: settings.lr, weightDecay: settings.weightDecay)
        batch = min(settings.batchSize, train.count)
        cachedTrain = settings.augment ? nil : extractor.batch(clips: train.clips.map(\.samples))
        validationInputs = extractor.batch(clips: validation.clips.map(\.samples))
    }

    public var network: any Module { model }
    public var batchesPerPass: Int { max(1, train.count / batch) }
    public var resumesWithinPass: Bool { true }
    public var metadata: [String: String] { LoadedAudioTagger.metadata(settings: settings, classes: train.classes) }

    public func beginPass(_ position: TrainingPosition) {
        model.train()
        var rng = RandomGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(position.pass) &+ 0xA0D1)
        order = rng.permutation(train.count)
    }

    /// Cosine from lr to lr/100 over the run (epochs, or the clock with minutes).
    public func learningRate(at p: TrainingPosition) -> Float {
        p.cosineRate(peak: settings.lr, minutes: settings.minutes, totalSteps: (settings.epochs ?? 1) * batchesPerPass)
    }

    /// The inputs (B, 1, rows, frames) of clips `indices`, changed by the step's draws.
    func inputs(_ indices: [Int], step: Int) -> Tensor {
        if let cachedTrain {
            let per = cachedTrain.count / max(1, train.count)
            let out = Tensor(uninitializedShape: [indices.count] + Array(cachedTrain.shape.dropFirst()))
            for (k, i) in indices.enumerated() { (out.storage.pointer + k * per).update(from: cachedTrain.storage.pointer + i * per, count: per) }
            return out
        }
        let base = settings.seed &* 0xD1B5_4A32_D192_ED03 &+ UInt64(step) &* 0x9E37_79B9 &+ 0x7A6
        let spec = settings.features, a = settings.augmentation, clips = train.clips
        // Clip k's draws come from its own generator, whichever thread makes it.
        return extractor.batch(count: indices.count, window: { k in
            var rng = RandomGenerator(seed: base &+ UInt64(k) &* 0xBF58_476D_1CE4_E5B9)
            let other = clips[rng.int(below: clips.count)].samples
            return a.window(clips[indices[k]].samples, other: other, spec: spec, using: &rng)
        }, change: { k, f in
            var rng = RandomGenerator(seed: base &+ UInt64(k) &* 0xBF58_476D_1CE4_E5B9 &+ 0x51)
            a.mask(&f, rows: spec.rows, frames: spec.frames, using: &rng)
        })
    }

    public func step(_ p: TrainingPosition) throws -> StepResult {
        let idx = Array(order[(p.batch * batch)..<((p.batch + 1) * batch)])
        let x = inputs(idx, step: p.step), y = idx.map { train.clips[$0].label }
        model.train()
        optimizer.zeroGrad()
        let logits = model(x)
        let loss = crossEntropy(logits, targets: y)
        let l = loss.item
        guard l.isFinite else { return StepResult(loss: Double(l), items: batch) }
        loss.backward()
        optimizer.step()
        let correct = zip(logits.argmax(axis: -1), y).filter { $0 == $1 }.count
        return StepResult(loss: Double(l), items: batch, sums: [("acc", Double(correct))])
    }

    public func evaluation() -> TaggerEvaluation {
        TaggerEvaluation.of(model, inputs: validationInputs, labels: validation.clips.map(\.label), classes: validation.classes,
                            speakers: validation.clips.map(\.speaker))
    }

    public func validate() -> [String: Double] {
        guard validation.count > 0 else { return ["val_loss": .nan, "val_accuracy": .nan] }
        let e = evaluation()
        return ["val_loss": e.loss, "val_accuracy": e.accuracy]
    }

    public func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
        ["epoch": JSONValue(s.passes), "step": JSONValue(s.position.step), "train_loss": JSONValue(s.trainLoss),
         "train_accuracy": JSONValue(s.trainMeans["acc"] ?? .nan), "val_loss": JSONValue(s.validation["val_loss"] ?? .nan),
         "val_accuracy": JSONValue(s.validation["val_accuracy"] ?? .nan), "train_minutes": JSONValue(s.position.seconds / 60),
         "samples_per_s": JSONValue(s.itemsPerSecond), "lr": JSONValue(s.learningRate)]
    }

    public func describe(_ s: PassSummary) -> String {
        String(format: "epoch %.2f: train loss %.4f, accuracy %.1f %% | validation loss %.4f, accuracy %.1f %% | %.0f clips/s, %.1f min",
               s.passes, s.trainLoss, 100 * (s.trainMeans["acc"] ?? .nan), s.validation["val_loss"] ?? .nan,
               100 * (s.validation["val_accuracy"] ?? .nan), s.itemsPerSecond, s.position.seconds / 60)
    }

    public func curves(_ history: [[String: JSONValue]]) -> LinePlot {
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        var plot = LinePlot([
            .init("loss (cross-entropy)", [.init("training", col("train_loss"), color: "#1f77b4"), .init("validation", col("val_loss"), color: "#d62728")]),
            .init("accuracy", [.init("training", col("train_accuracy"), color: "#1f77b4"), .init("validation", col("val_accuracy"), color: "#d62728")]),
        ])
        plot.xValues = col("epoch")
        return plot
    }
}
