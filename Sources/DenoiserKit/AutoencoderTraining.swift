import Foundation
import NeuralCore
import Datasets
import Models
import RunKit
import Require

/// Trains the denoising autoencoder in a run folder (new or continued), through the shared loop.
public enum AutoencoderTraining {
    public static func run(_ settings: AutoencoderSettings, out: String, overwrite: Bool = false, threads: Int = Parallel.threads,
                           events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> DenoiserTrainingReport {
        var s = settings
        if s.epochs == nil && s.minutes == nil { s.epochs = 10 }
        try s.validate()
        s.data = s.data.map(RunFolder.absolute)
        return try RunFolder.withNewRun(out, overwrite: overwrite) { run in
            try train(s, run: run, resuming: false, threads: threads, events: events, cancellation: cancellation)
        }
    }

    public static func resume(_ folder: String, _ overrides: ResumeOverrides = ResumeOverrides(), threads: Int = Parallel.threads,
                              events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> DenoiserTrainingReport {
        return try RunFolder.withResumedRun(folder) { run in
            var s = try run.readConfig(AutoencoderSettings.self, program: "denoiser", marker: "latent")
            if let e = overrides.epochs { s.epochs = e }
            if let m = overrides.minutes { s.minutes = m }
            if let d = overrides.data.map(RunFolder.absolute), d != s.data { events.log("resuming on \(d) instead of the run's \(s.data ?? "(none)")"); s.data = d }
            try s.validate()
            return try train(s, run: run, resuming: true, threads: threads, events: events, cancellation: cancellation)
        }
    }

    static func train(_ s: AutoencoderSettings, run: RunFolder, resuming: Bool, threads: Int,
                      events: any TrainingEvents, cancellation: any Cancellation) throws -> DenoiserTrainingReport {
        guard let data = s.data else { throw SettingsError(["data"], "is required") }
        let all = try ImageClassificationData.load(data, channels: 1, height: s.size, width: s.size)
        guard all.count >= 2 else { throw AppError.badInput(data, "needs at least two images") }
        let (train, val) = all.split(validationFraction: s.valFraction)
        var rng = RandomGenerator(seed: s.seed)
        let model = ConvAutoencoder(channels: 1, size: s.size, latent: s.latent, rng: &rng)
        let task = AutoencoderTrainer(model: model, settings: s, train: train.data, validation: val.data)
        var options = TrainingLoop.Options()
        options.epochs = s.epochs; options.minutes = s.minutes
        options.monitor = "val_loss"; options.mode = .minimize
        let loop = TrainingLoop(task: task, options: options, run: run, events: events, cancellation: cancellation)
        if resuming { try loop.resume() } else {
            try run.writeConfig(s, facts: ["program": JSONValue("denoiser"), "arch": JSONValue("conv-ae"), "threads": JSONValue(threads),
                                           "train_images": JSONValue(train.count), "validation_images": JSONValue(val.count),
                                           "class_names": .array(all.classNames.map { JSONValue($0) })])
        }
        events.log("conv-ae, latent \(s.latent): \(model.parameterCount) parameters; \(train.count) training and \(val.count) validation images")
        let outcome = try loop.train()
        let v = task.validate()
        return DenoiserTrainingReport(runFolder: run.path, outcome: outcome == .cancelled ? "cancelled" : "finished", steps: loop.position.step,
                                      minutes: loop.position.seconds / 60, validationPSNR: v["val_psnr"] ?? .nan, validationNoisyPSNR: .nan)
    }
}
