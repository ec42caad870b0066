import Foundation
import NeuralCore
import Datasets
import RunKit
import Require

/// What a finished (or stopped) classifier training reports.
public struct ClassifierTrainingReport: Codable, Sendable {
    public var runFolder: String
    public var epochs: Int
    public var outcome: String
    public var trainingImages: Int
    public var validationImages: Int
    public var validationAccuracy: Double
    public var validationLoss: Double
}

/// Trains a classifier in a run folder: a new run from settings, or a run continued from its
/// folder. Writes config.json, metrics.jsonl, checkpoints, curves.svg, confusion.png and .svg.
public enum ClassifierTraining {
    /// A new run in `out`; a folder holding a run is refused unless `overwrite`.
    public static func run(_ settings: ClassifierSettings, out: String, overwrite: Bool = false, threads: Int = Parallel.threads,
                           events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> ClassifierTrainingReport {
        var settings = settings
        try settings.validate()
        settings.data = settings.data.map(RunFolder.absolute)
        return try RunFolder.withNewRun(out, overwrite: overwrite) { run in
            try train(settings, run: run, resuming: false, threads: threads, events: events, cancellation: cancellation)
        }
    }

    public static func resume(_ folder: String, _ overrides: ResumeOverrides = ResumeOverrides(), threads: Int = Parallel.threads,
                              events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> ClassifierTrainingReport {
        return try RunFolder.withResumedRun(folder) { run in
            var settings = try run.readConfig(ClassifierSettings.self, program: "image-classifier", marker: "arch")
            if let e = overrides.epochs { settings.epochs = e }
            if let p = overrides.patience { settings.patience = p }
            if let d = overrides.data.map(RunFolder.absolute), d != settings.data {
                events.log("resuming on \(d) instead of the run's \(settings.data ?? "(none)")")
                settings.data = d
            }
            try settings.validate()
            return try train(settings, run: run, resuming: true, threads: threads, events: events, cancellation: cancellation)
        }
    }

    static func train(_ settings: ClassifierSettings, run: RunFolder, resuming: Bool, threads: Int,
                      events: any TrainingEvents, cancellation: any Cancellation) throws -> ClassifierTrainingReport {
        guard let data = settings.data else { throw SettingsError(["data"], "is required") }
        let arch = settings.arch
        let all = try ImageClassificationData.load(data, channels: arch.channels, height: arch.size, width: arch.size)
        guard all.count >= 2 else { throw AppError.badInput(data, "needs at least two images") }
        let present = Set(all.data.labels)
        guard present.count >= 2 else {
            throw AppError.badInput(data, "holds one class only (\(present.map { all.classNames[$0] }.joined())): a classifier needs at least two")
        }
        var (train, val) = all.split(validationFraction: settings.valFraction)
        if let n = settings.trainSubset { train = ImageClassificationData(data: train.data.subset(0..<min(n, train.count)), classNames: train.classNames) }
        let model = arch.make(classes: all.classNames.count, dropout: settings.dropout, seed: settings.seed)
        let task = ClassifierTrainer(model: model, settings: settings, train: train, validation: val,
                                     normalization: Normalization.of(train.data.images), classNames: all.classNames)
        var options = TrainingLoop.Options()
        options.epochs = settings.epochs; options.patience = settings.patience
        options.monitor = "val_accuracy"; options.mode = .maximize
        let loop = TrainingLoop(task: task, options: options, run: run, events: events, cancellation: cancellation)
        if resuming {
            try loop.resume()
        } else {
            try run.writeConfig(settings, facts: ["program": JSONValue("image-classifier"), "threads": JSONValue(threads), "train_images": JSONValue(train.count),
                                                  "validation_images": JSONValue(val.count)])
        }
        events.log("\(arch.rawValue): \(model.parameterCount) parameters, \(train.count) training and \(val.count) validation images, \(all.classNames.count) classes")
        let outcome = try loop.train()
        let (vl, va, cm) = val.count > 0 ? ClassifierTrainer.evaluate(model, task.normalization, val) : (.nan, .nan, ConfusionMatrix(classes: 1))
        if outcome != .cancelled && val.count > 0 {
            try cm.writePictures(in: run, classNames: all.classNames)
        }
        return ClassifierTrainingReport(runFolder: run.path, epochs: loop.position.pass, outcome: outcome.word, trainingImages: train.count, validationImages: val.count,
                                        validationAccuracy: Double(va), validationLoss: Double(vl))
    }
}
