import Foundation
import NeuralCore
import Datasets
import Models
import RunKit
import Require

/// What a denoiser training reports when it stops.
public struct DenoiserTrainingReport: Codable, Sendable {
    public var runFolder: String
    public var outcome: String
    public var steps: Int
    public var minutes: Double
    public var validationPSNR: Double
    public var validationNoisyPSNR: Double
}

/// Trains a photo denoiser (DnCNN or U-Net) in a run folder (new or continued), through the shared loop.
public enum DenoiserTraining {
    public static func run(_ settings: DenoiserSettings, out: String, overwrite: Bool = false, threads: Int = Parallel.threads,
                           events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> DenoiserTrainingReport {
        var s = settings
        if s.epochs == nil && s.minutes == nil { s.epochs = 10 }
        try s.validate()
        s.data = s.data.map(RunFolder.absolute)
        if let start = s.startFrom.map(RunFolder.absolute) {
            // The architecture is the starting model's; loading it first checks the file.
            let d = try LoadedDenoiser.load(start)
            s.startFrom = start
            d.shape.apply(to: &s)
        }
        return try RunFolder.withNewRun(out, overwrite: overwrite) { run in
            try train(s, run: run, resuming: false, threads: threads, events: events, cancellation: cancellation)
        }
    }

    /// Continues a run of this program (a conv-ae run too); `ema` starts (or changes) the moving
    /// average of the weights from here on, for good.
    public static func resume(_ folder: String, _ overrides: ResumeOverrides = ResumeOverrides(), ema: Float? = nil,
                              threads: Int = Parallel.threads,
                              events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> DenoiserTrainingReport {
        // The program's other kind of run: the course's autoencoder.
        if AutoencoderTraining.holdsRun(folder) {
            if ema != nil { throw SettingsError(["ema"], "is for dncnn and unet runs; \(folder) is a conv-ae run") }
            return try AutoencoderTraining.resume(folder, overrides, threads: threads, events: events, cancellation: cancellation)
        }
        return try RunFolder.withResumedRun(folder) { run in
            var s = try run.readConfig(DenoiserSettings.self, program: "denoiser", marker: "sigma_range")
            if let d = ema, d != s.ema {
                s.ema = d
                try s.validate()
                try run.updateConfig("ema", JSONValue(Double("\(d)") ?? Double(d)))   // 0.999, not 0.99900001
                events.log("averaging the weights from here on (decay \(d) per step)")
            }
            if let e = overrides.epochs { s.epochs = e }
            if let m = overrides.minutes { s.minutes = m }
            if let p = overrides.patience { s.patience = p }
            if let d = overrides.data.map(RunFolder.absolute), d != s.data { events.log("resuming on \(d) instead of the run's \(s.data ?? "(none)")"); s.data = d }
            try s.validate()
            return try train(s, run: run, resuming: true, threads: threads, events: events, cancellation: cancellation)
        }
    }

    static func train(_ s: DenoiserSettings, run: RunFolder, resuming: Bool, threads: Int,
                      events: any TrainingEvents, cancellation: any Cancellation) throws -> DenoiserTrainingReport {
        guard let data = s.data else { throw SettingsError(["data"], "is required") }
        let all = try ImagePatches.load(data, channels: 1)
        guard all.count >= 2 || s.valFraction == 0 else { throw AppError.badInput(data, "needs at least two images (one to validate on)") }
        let (train, val) = all.split(validationFraction: s.valFraction)
        var rng = RandomGenerator(seed: s.seed)
        let shape = DenoiserShape(s)
        let model = shape.network(rng: &rng)
        if !resuming, let start = s.startFrom {
            try model.load(try SafetensorsFile.read(path: start), path: start)
            events.log("starting from the weights of \(start)")
        }
        let task = DenoiserTrainer(model: model, settings: s, train: train, validation: val)
        var options = TrainingLoop.Options()
        options.epochs = s.epochs; options.minutes = s.minutes; options.patience = s.patience
        options.monitor = "val_psnr"; options.mode = .maximize
        let loop = TrainingLoop(task: task, options: options, run: run, events: events, cancellation: cancellation)
        if resuming { try loop.resume() } else {
            try run.writeConfig(s, facts: ["program": JSONValue("denoiser"), "threads": JSONValue(threads),
                                           "train_images": JSONValue(train.count), "validation_images": JSONValue(val.count)])
        }
        events.log("\(shape.description): \(model.parameterCount) parameters; \(train.count) training and \(val.count) validation images")
        let outcome = try loop.train()
        let v = task.validate()
        return DenoiserTrainingReport(runFolder: run.path, outcome: outcome.word, steps: loop.position.step,
                                      minutes: loop.position.seconds / 60, validationPSNR: v["val_psnr"] ?? .nan,
                                      validationNoisyPSNR: v["val_noisy_psnr"] ?? .nan)
    }
}
