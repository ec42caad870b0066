import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit
import Require

/// What a GAN training reports when it stops.
public struct GANTrainingReport: Codable, Sendable {
    public var runFolder: String
    public var outcome: String
    public var epochs: Int
    public var minutes: Double
    public var images: Int
    public var inceptionScore: Double?
    public var frechetDistance: Double?
    public var classAgreement: Double?
}

/// Trains a DCGAN (or cGAN) in a run folder, new or continued, through the shared loop. Writes
/// config.json, metrics.jsonl, checkpoint.safetensors (both networks) + optimizer.safetensors
/// (both optimizers), curves.svg, samples-NNN.png after each epoch and progress.mp4 of them.
public enum GANTraining {
    public static func run(_ settings: GANSettings, out: String, overwrite: Bool = false, threads: Int = Parallel.threads,
                           events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> GANTrainingReport {
        var s = settings
        if s.epochs == nil && s.minutes == nil { s.epochs = 5 }
        try s.validate()
        guard let data = s.data else { throw SettingsError(["data"], "is required") }
        s.data = RunFolder.absolute(data)
        s.classifier = s.classifier.map(RunFolder.absolute)
        return try RunFolder.withNewRun(out, overwrite: overwrite) { run in
            try train(s, run: run, resuming: false, threads: threads, events: events, cancellation: cancellation)
        }
    }

    public static func resume(_ folder: String, _ overrides: ResumeOverrides = ResumeOverrides(), threads: Int = Parallel.threads,
                              events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) throws -> GANTrainingReport {
        return try RunFolder.withResumedRun(folder) { run in
            var s = try run.readConfig(GANSettings.self, program: "gan-sampler", marker: "lr_g")
            if let e = overrides.epochs { s.epochs = e }
            if let m = overrides.minutes { s.minutes = m }
            if let d = overrides.data.map(RunFolder.absolute), d != s.data { events.log("resuming on \(d) instead of the run's \(s.data ?? "(none)")"); s.data = d }
            try s.validate()
            return try train(s, run: run, resuming: true, threads: threads, events: events, cancellation: cancellation)
        }
    }

    static func train(_ s: GANSettings, run: RunFolder, resuming: Bool, threads: Int,
                      events: any TrainingEvents, cancellation: any Cancellation) throws -> GANTrainingReport {
        guard let path = s.data else { throw SettingsError(["data"], "is required") }
        let set = try ImageClassificationData.load(path, channels: s.rgb ? 3 : 1, height: 28, width: 28)
        guard set.count >= 2 else { throw AppError.badInput(path, "needs at least two images") }
        let classes = set.classNames.count
        if s.conditional && classes < 2 { throw AppError.badInput(path, "holds one class only: train with --unconditional, or give one subfolder per class") }
        let judge = (s.rgb || s.evalSamples == 0) ? nil : try SampleJudge.load(s.classifier)
        var rng = RandomGenerator(seed: s.seed)
        let g = DCGANGenerator(latent: s.latent, classes: s.conditional ? classes : 0, channels: s.rgb ? 3 : 1, rng: &rng)
        let d = DCGANDiscriminator(classes: s.conditional ? classes : 0, channels: s.rgb ? 3 : 1, rng: &rng)
        let task = GANTrainer(pair: GANPair(generator: g, discriminator: d), settings: s, data: set.data, classes: classes, judge: judge, run: run)
        var options = TrainingLoop.Options()
        options.epochs = s.epochs; options.minutes = s.minutes
        options.monitor = "inception_score"; options.mode = .maximize   // no best.safetensors without a judge
        let loop = TrainingLoop(task: task, options: options, run: run, events: events, cancellation: cancellation)
        if resuming { try loop.resume() } else {
            try run.writeConfig(s, facts: ["program": JSONValue("gan-sampler"), "threads": JSONValue(threads), "images": JSONValue(set.count),
                                           "classes": JSONValue(set.classNames.joined(separator: ","))])
        }
        events.log("\(s.conditional ? "conditional " : "")dcgan: G \(g.parameterCount) + D \(d.parameterCount) parameters; \(set.count) images, \(classes) classes\(judge.map { "; judged by \($0.path)" } ?? "")")
        let outcome = try loop.train()
        try writeProgressVideo(run)
        let last = run.readMetrics().last
        return GANTrainingReport(runFolder: run.path, outcome: outcome.word, epochs: loop.position.pass,
                                 minutes: loop.position.seconds / 60, images: set.count, inceptionScore: last?["inception_score"]?.double,
                                 frechetDistance: last?["frechet_distance"]?.double, classAgreement: last?["class_agreement"]?.double)
    }

    /// progress.mp4: the per-epoch sample grids in order, half a second each.
    static func writeProgressVideo(_ run: RunFolder) throws {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? [])
            .filter { $0.hasPrefix("samples-") && $0.hasSuffix(".png") }.sorted()
        guard let first = names.first, let firstImage = try? Image.read(run.file(first), mode: .rgb) else { return }
        let w = (firstImage.width + 1) / 2 * 2, h = (firstImage.height + 1) / 2 * 2
        let video = try VideoEncoder(run.file("progress.mp4"), width: w, height: h, frameRate: 2)
        for n in names { try video.append(try Image.read(run.file(n), mode: .rgb)) }
        try video.finish()
    }
}
