import Foundation
import NeuralCore
import Datasets
import MediaIO

/// Optimizer choices shared by the programs.
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, momentum, adam

    public func make(_ params: [Parameter], lr: Float, weightDecay: Float) -> any Optimizer {
        switch self {
        case .sgd: return SGD(params, lr: lr, weightDecay: weightDecay)
        case .momentum: return SGD(params, lr: lr, momentum: 0.9, nesterov: true, weightDecay: weightDecay)
        case .adam: return weightDecay > 0 ? AdamW(params, lr: lr, weightDecay: weightDecay) : Adam(params, lr: lr)
        }
    }
}

/// Per-channel input normalisation (x - mean) / std, stored in checkpoint metadata.
public struct Normalization: Sendable {
    public var mean: Float, std: Float
    public init(mean: Float, std: Float) { self.mean = mean; self.std = std }

    /// Mean and standard deviation of a data set's pixels.
    public static func of(_ t: Tensor) -> Normalization {
        let p = t.scalars
        let m = p.reduce(0, +) / Float(max(p.count, 1))
        let v = p.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(max(p.count, 1))
        return Normalization(mean: m, std: max(v.squareRoot(), 1e-6))
    }

    public func apply(_ x: Tensor) -> Tensor { withoutGrad { differentiable(x) } }

    /// The same, recorded on the graph (for gradients with respect to the input pixels).
    public func differentiable(_ x: Tensor) -> Tensor { (x - mean) * (1 / std) }
}

/// The epoch loop of a classifier: shuffled batches with augmentation, validation every epoch,
/// metrics.jsonl, checkpoint.safetensors (+ optimizer state), best.safetensors, curves.svg,
/// early stopping that restores the best weights, and a stop with the last good checkpoint kept
/// when the loss stops being finite.
public final class ClassifierTrainer {
    public struct Options: Sendable {
        public var epochs = 10, batchSize = 64
        public var lr: Float = 1e-3, weightDecay: Float = 0
        public var optimizer: OptimizerKind = .adam
        public var cosineSchedule = true
        public var augmentation: Augmentation?
        public var patience: Int?
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct EpochResult: Sendable {
        public let epoch: Int
        public let trainLoss: Float, trainAccuracy: Float, valLoss: Float, valAccuracy: Float
        public let samplesPerSecond: Double
    }

    let model: any Layer
    let options: Options
    let run: RunFolder
    let normalization: Normalization
    let metadata: [String: String]
    public let optimizer: any Optimizer

    public init(model: any Layer, options: Options, run: RunFolder, normalization: Normalization, metadata: [String: String]) {
        self.model = model; self.options = options; self.run = run
        self.normalization = normalization; self.metadata = metadata
        optimizer = options.optimizer.make(model.trainableParameters, lr: options.lr, weightDecay: options.weightDecay)
    }

    /// The shuffling and augmentation stream of one epoch: a function of the seed and the epoch,
    /// so a resumed run draws exactly what an uninterrupted one would.
    func epochGenerator(_ epoch: Int) -> RandomGenerator {
        RandomGenerator(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &+ 0x5EED)
    }

    var checkpointMetadata: [String: String] {
        metadata.merging(["mean": "\(normalization.mean)", "std": "\(normalization.std)"]) { $1 }
    }

    /// Restores weights, optimizer state and the epoch count from the run folder's last checkpoint.
    public func resume() throws -> Int {
        let (meta, _) = try TrainingCheckpoint.restore(run, model: model, optimizer: optimizer)
        return Int(meta["epoch"] ?? "0") ?? 0
    }

    /// Mean loss and accuracy on a data set (eval mode, no graph), with its confusion matrix.
    public func evaluate(_ data: ImageClassificationData) -> (loss: Float, accuracy: Float, confusion: ConfusionMatrix) {
        model.eval()
        var cm = ConfusionMatrix(classes: data.classNames.count)
        var lossSum: Double = 0
        withoutGrad {
            for s in stride(from: 0, to: data.count, by: 500) {
                let idx = Array(s..<min(s + 500, data.count))
                let (x, y) = data.data.batch(idx)
                let logits = model(normalization.apply(x))
                lossSum += Double(crossEntropy(logits, targets: y).item) * Double(idx.count)
                cm.add(logits: logits, targets: y)
            }
        }
        return (Float(lossSum / Double(max(data.count, 1))), cm.accuracy, cm)
    }

    /// Trains from `startEpoch` to `options.epochs`; returns every epoch's results.
    public func train(_ train: ImageClassificationData, validation: ImageClassificationData, startEpoch: Int = 0,
                      onEpoch: (EpochResult) -> Void = { _ in }) throws -> [EpochResult] {
        guard train.count >= 1 else { throw AppError.badInput("training data", "no training images") }
        let stopper = options.patience.map { EarlyStopping(patience: $0, mode: .maximize) }
        var results: [EpochResult] = []
        let batch = min(options.batchSize, train.count)
        let stepsPerEpoch = max(1, train.count / batch)
        for epoch in startEpoch..<options.epochs {
            if options.cosineSchedule {
                optimizer.learningRate = LRSchedule.cosine(tMax: options.epochs, etaMin: options.lr * 0.01).learningRate(base: options.lr, epoch: epoch)
            }
            model.train()
            var rng = epochGenerator(epoch)
            let order = rng.permutation(train.count)
            let progress = Progress(total: stepsPerEpoch * batch, label: "epoch \(epoch + 1)/\(options.epochs)")
            var lossSum: Double = 0, correct = 0, seen = 0
            let start = Date()
            for step in 0..<stepsPerEpoch {
                var (x, y) = train.data.batch(Array(order[(step * batch)..<((step + 1) * batch)]))
                if let aug = options.augmentation { aug.apply(&x, using: &rng) }
                optimizer.zeroGrad()
                let logits = model(normalization.apply(x))
                let loss = crossEntropy(logits, targets: y)
                guard loss.item.isFinite else {
                    throw AppError.training("the loss became \(loss.item) in epoch \(epoch + 1); the last good checkpoint is \(run.file("checkpoint.safetensors")) (try a smaller --lr)")
                }
                loss.backward()
                optimizer.step()
                lossSum += Double(loss.item) * Double(batch)
                correct += zip(logits.argmax(axis: -1), y).filter { $0 == $1 }.count
                seen += batch
                progress.update(seen, [("loss", lossSum / Double(seen)), ("acc", Double(correct) / Double(seen))])
            }
            let rate = Double(seen) / Date().timeIntervalSince(start)
            let (vl, va, _) = validation.count > 0 ? evaluate(validation) : (Float.nan, Float.nan, ConfusionMatrix(classes: 1))
            let r = EpochResult(epoch: epoch + 1, trainLoss: Float(lossSum / Double(seen)), trainAccuracy: Float(correct) / Float(seen),
                                valLoss: vl, valAccuracy: va, samplesPerSecond: rate)
            results.append(r)
            try saveEpoch(r)
            onEpoch(r)
            if let stopper, va.isFinite, stopper.update(va, epoch: epoch, model: model) {
                Progress.log("early stopping: no better validation accuracy for \(stopper.patience) epochs; keeping epoch \(stopper.bestEpoch + 1)")
                break
            }
        }
        if let stopper, stopper.bestEpoch >= 0 { stopper.restoreBest(into: model) }
        return results
    }

    /// metrics.jsonl line, checkpoint (+ optimizer state), best checkpoint, curves.svg.
    func saveEpoch(_ r: EpochResult) throws {
        try run.appendMetrics([
            "epoch": JSONValue(r.epoch), "train_loss": JSONValue(r.trainLoss), "train_accuracy": JSONValue(r.trainAccuracy),
            "val_loss": JSONValue(r.valLoss), "val_accuracy": JSONValue(r.valAccuracy), "samples_per_s": JSONValue(r.samplesPerSecond),
            "lr": JSONValue(optimizer.learningRate),
        ])
        var meta = checkpointMetadata
        meta["epoch"] = "\(r.epoch)"
        meta["val_accuracy"] = "\(r.valAccuracy)"
        try TrainingCheckpoint.save(run, model: model, optimizer: optimizer, metadata: meta)
        let history = run.readMetrics()
        let best = history.compactMap { $0["val_accuracy"]?.double }.max() ?? -1
        if Double(r.valAccuracy) >= best { try model.save(to: run.file("best.safetensors"), metadata: meta) }
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        let plot = LinePlot([
            .init("loss", [.init("training", col("train_loss"), color: "#1f77b4"), .init("validation", col("val_loss"), color: "#d62728")]),
            .init("accuracy", [.init("training", col("train_accuracy"), color: "#1f77b4"), .init("validation", col("val_accuracy"), color: "#d62728")]),
        ])
        try run.write("curves.svg", plot.svg())
    }
}
