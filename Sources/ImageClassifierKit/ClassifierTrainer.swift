import Foundation
import NeuralCore
import Datasets
import MediaIO
import RunKit

/// A classifier's part of the training loop: shuffled batches with augmentation, cross-entropy,
/// a cosine learning rate per epoch, validation loss and accuracy after each epoch. The shuffle
/// and augmentation stream of an epoch is a function of the seed and the epoch, so a resumed run
/// draws exactly what an uninterrupted one would.
public final class ClassifierTrainer: TrainingTask {
    public let model: any Layer
    public let optimizer: any Optimizer
    let settings: ClassifierSettings
    let train: ImageClassificationData, validation: ImageClassificationData
    let normalization: Normalization
    let augmentation: Augmentation?
    let batch: Int
    public let metadata: [String: String]
    private var rng = RandomGenerator(seed: 0)
    private var order: [Int] = []

    public init(model: any Layer, settings: ClassifierSettings, train: ImageClassificationData, validation: ImageClassificationData,
                normalization: Normalization, classNames: [String]) {
        self.model = model; self.settings = settings; self.train = train; self.validation = validation
        self.normalization = normalization
        optimizer = settings.optimizer.make(model.trainableParameters, lr: settings.lr, weightDecay: settings.weightDecay)
        augmentation = settings.augment ? Augmentation(maxShift: settings.arch == .lenet ? 2 : 4, maxRotation: settings.rotate,
                                                       maxScale: settings.zoom, horizontalFlip: settings.arch != .lenet) : nil
        batch = min(settings.batchSize, train.count)
        metadata = LoadedClassifier.metadata(arch: settings.arch, classNames: classNames, normalization: normalization)
    }

    public var network: any Module { model }
    public var batchesPerPass: Int { max(1, train.count / batch) }

    public func beginPass(_ position: TrainingPosition) {
        model.train()
        rng = RandomGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(position.pass) &+ 0x5EED)
        order = rng.permutation(train.count)
    }

    /// Cosine from lr to lr/100 over the epochs, set per epoch.
    public func learningRate(at position: TrainingPosition) -> Float {
        LRSchedule.cosine(tMax: settings.epochs, etaMin: settings.lr * 0.01).learningRate(base: settings.lr, epoch: position.pass)
    }

    public func step(_ position: TrainingPosition) throws -> StepResult {
        let i = position.batch
        var (x, y) = train.data.batch(Array(order[(i * batch)..<((i + 1) * batch)]))
        if let augmentation { augmentation.apply(&x, using: &rng) }
        optimizer.zeroGrad()
        let logits = model(normalization.apply(x))
        let loss = crossEntropy(logits, targets: y)
        let l = loss.item
        guard l.isFinite else { return StepResult(loss: Double(l), items: batch) }
        loss.backward()
        optimizer.step()
        let correct = zip(logits.argmax(axis: -1), y).filter { $0 == $1 }.count
        return StepResult(loss: Double(l), items: batch, sums: [("acc", Double(correct))])
    }

    public func validate() -> [String: Double] {
        guard validation.count > 0 else { return ["val_loss": .nan, "val_accuracy": .nan] }
        let (loss, acc, _) = Self.evaluate(model, normalization, validation)
        return ["val_loss": Double(loss), "val_accuracy": Double(acc)]
    }

    /// Mean loss and accuracy on a data set (inference: no graph, eval mode), with its confusion matrix.
    static func evaluate(_ model: any Layer, _ normalization: Normalization, _ data: ImageClassificationData)
        -> (loss: Float, accuracy: Float, confusion: ConfusionMatrix) {
        var cm = ConfusionMatrix(classes: data.classNames.count)
        var lossSum: Double = 0
        inference {
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

    public func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
        ["epoch": JSONValue(s.position.pass), "train_loss": JSONValue(s.trainLoss), "train_accuracy": JSONValue(s.trainMeans["acc"] ?? .nan),
         "val_loss": JSONValue(s.validation["val_loss"] ?? .nan), "val_accuracy": JSONValue(s.validation["val_accuracy"] ?? .nan),
         "samples_per_s": JSONValue(s.itemsPerSecond), "lr": JSONValue(s.learningRate)]
    }

    public func describe(_ s: PassSummary) -> String {
        String(format: "epoch %d: train loss %.4f acc %.4f | val loss %.4f acc %.4f | %.0f samples/s", s.position.pass, s.trainLoss,
               s.trainMeans["acc"] ?? .nan, s.validation["val_loss"] ?? .nan, s.validation["val_accuracy"] ?? .nan, s.itemsPerSecond)
    }

    public func curves(_ history: [[String: JSONValue]]) -> LinePlot {
        func col(_ k: String) -> [Double] { history.map { $0[k]?.double ?? .nan } }
        return LinePlot([
            .init("loss", [.init("training", col("train_loss"), color: "#1f77b4"), .init("validation", col("val_loss"), color: "#d62728")]),
            .init("accuracy", [.init("training", col("train_accuracy"), color: "#1f77b4"), .init("validation", col("val_accuracy"), color: "#d62728")]),
        ])
    }
}
