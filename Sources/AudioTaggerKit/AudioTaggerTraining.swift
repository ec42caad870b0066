import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit
import Require

/// What an audio tagger training reports when it stops.
public struct AudioTaggerTrainingReport: Codable, Sendable {
    public var runFolder: String
    public var outcome: String
    public var epochs: Int
    public var minutes: Double
    public var trainingClips: Int
    public var validationClips: Int
    public var validationAccuracy: Double
    /// Accuracy per held-out speaker (with valSpeakers).
    public var perSpeaker: [String: Double]?
}

/// Trains an AudioCNN tagger in a run folder (new or continued), through the shared loop.
/// Writes config.json, metrics.jsonl, checkpoints, curves.svg, confusion.png/.svg and
/// validation.png/.svg (spectrograms of validation clips with truth and prediction).
public enum AudioTaggerTraining {
    public static func run(_ settings: AudioTaggerSettings, out: String, overwrite: Bool = false, threads: Int = Parallel.threads,
                           events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> AudioTaggerTrainingReport {
        var s = settings
        if s.epochs == nil && s.minutes == nil { s.epochs = 20 }
        try s.validate()
        guard !s.data.isEmpty else { throw SettingsError(["data"], "is required") }
        s.data = s.data.map(RunFolder.absolute)
        return try RunFolder.withNewRun(out, overwrite: overwrite) { run in
            try train(s, run: run, resuming: false, threads: threads, events: events, cancellation: cancellation)
        }
    }

    public static func resume(_ folder: String, _ overrides: ResumeOverrides = ResumeOverrides(), threads: Int = Parallel.threads,
                              events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> AudioTaggerTrainingReport {
        return try RunFolder.withResumedRun(folder) { run in
            var s = try run.readConfig(AudioTaggerSettings.self, program: "audio-tagger", marker: "features")
            if let e = overrides.epochs { s.epochs = e }
            if let m = overrides.minutes { s.minutes = m }
            if let p = overrides.patience { s.patience = p }
            try s.validate()
            return try train(s, run: run, resuming: true, threads: threads, events: events, cancellation: cancellation)
        }
    }

    static func train(_ s: AudioTaggerSettings, run: RunFolder, resuming: Bool, threads: Int,
                      events: any TrainingEvents, cancellation: any Cancellation) throws -> AudioTaggerTrainingReport {
        let all = try LabeledAudio.load(s.data, sampleRate: s.features.sampleRate)   // MediaErrors name the file
        guard all.classes.count >= 2 else {
            throw AppError.badInput(s.data.joined(separator: ", "), "holds one class only (\(all.classes[0])): a tagger needs at least two")
        }
        let (train, val): (LabeledAudio, LabeledAudio)
        if let held = s.valSpeakers {
            let known = Set(all.speakers), missing = held.filter { !known.contains($0) }
            guard missing.isEmpty else {
                throw AppError.badInput(s.data.joined(separator: ", "), "no clips of speaker(s) \(missing.joined(separator: ", ")) (speakers: \(all.speakers.joined(separator: ", ")))")
            }
            (train, val) = all.split(speakers: Set(held))
        } else {
            (train, val) = all.split(validationFraction: s.valFraction, seed: s.seed)
        }
        guard train.count >= 2 else { throw AppError.badInput(s.data.joined(separator: ", "), "leaves \(train.count) clips to train on") }
        var rng = RandomGenerator(seed: s.seed)
        let model = AudioCNN(classes: all.classes.count, width: s.width, dropout: s.dropout, frequencyBins: s.pooling == .time ? s.features.rows : nil, rng: &rng)
        let task = try AudioTaggerTrainer(model: model, settings: s, train: train, validation: val)
        var options = TrainingLoop.Options()
        options.epochs = s.epochs; options.minutes = s.minutes; options.patience = s.patience
        options.monitor = "val_accuracy"; options.mode = .maximize
        let loop = TrainingLoop(task: task, options: options, run: run, events: events, cancellation: cancellation)
        if resuming { try loop.resume() } else {
            try run.writeConfig(s, facts: ["program": JSONValue("audio-tagger"), "threads": JSONValue(threads), "classes": JSONValue(all.classes.joined(separator: ",")),
                                           "train_clips": JSONValue(train.count), "validation_clips": JSONValue(val.count),
                                           "speakers": JSONValue(all.speakers.joined(separator: ","))])
        }
        events.log("audio_cnn width \(s.width), \(s.pooling.rawValue) pooling: \(model.parameterCount) parameters; \(all.classes.count) classes, \(train.count) training and \(val.count) validation clips, \(s.features.rows)x\(s.features.frames) \(s.features.kind.rawValue)")
        let outcome = try loop.train()
        let e = val.count > 0 ? task.evaluation() : nil
        if outcome != .cancelled, let e {
            var cm = ConfusionMatrix(classes: all.classes.count)
            for (t, row) in e.confusion.enumerated() { for (p, n) in row.enumerated() { for _ in 0..<n { cm.add(truth: t, predicted: p) } } }
            try cm.writePictures(in: run, classNames: all.classes)
            try ValidationPicture.write(in: run, clips: Array(val.clips.prefix(8)), model: model, features: s.features, classes: all.classes)
        }
        return AudioTaggerTrainingReport(runFolder: run.path, outcome: outcome.word, epochs: loop.position.pass, minutes: loop.position.seconds / 60,
                                         trainingClips: train.count, validationClips: val.count,
                                         validationAccuracy: e?.accuracy ?? .nan, perSpeaker: s.valSpeakers == nil ? nil : e?.perSpeaker)
    }
}
