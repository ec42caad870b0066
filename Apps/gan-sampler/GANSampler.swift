import ArgumentParser
import Foundation
import MediaIO
import RunKit
import CLI
import GANSamplerKit
import CommandLineErrors

/// Train a (conditional) DCGAN, sample it, walk its latent space and score it: the command line
/// of GANSamplerKit.
@main
struct GANSampler: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan-sampler",
        abstract: "Train a DCGAN on digits or your own image classes, draw samples, walk its latent space, and score it with a classifier.",
        version: deepMediaVersion,
        subcommands: [Train.self, Sample.self, Interpolate.self, Evaluate.self])
}

/// --model FILE (a checkpoint written by gan-sampler train), by default the bundled digit GAN.
struct ModelOption: ParsableArguments {
    @Option(help: "Checkpoint written by gan-sampler train (checkpoint.safetensors or best.safetensors of a run); default: the bundled conditional digit GAN.") var model: String?

    func load() throws -> LoadedGAN { try LoadedGAN.load(model ?? BundledAssets.model("mnist-cgan.safetensors")) }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a DCGAN (conditional by default); writes a run folder with a sample grid per epoch. Ctrl-C saves; --resume continues.",
        discussion: """
            --data takes MNIST IDX files or a folder with one subfolder per class of images (any format, \
            resized to 28x28). After each epoch, samples from fixed noise go to samples-NNN.png and --eval-samples \
            samples are scored by the judge (the bundled MNIST classifier, or --classifier): Inception Score, \
            Frechet distance to real images, class histogram; a collapse is reported with the epoch.
            """)

    @Option(help: "MNIST IDX files or one subfolder per class of images (required unless --resume).") var data: String?
    @Flag(inversion: .prefixedEnableDisable, help: "Condition generator and discriminator on the class.") var conditional = true
    @Flag(help: "Colour images (3 channels) instead of gray.") var rgb = false
    @Option(parsing: .unconditional, help: "Numbers in the latent vector.") var latent = 100
    @Option(parsing: .unconditional, help: "Epochs (default 5 unless --minutes).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Minutes of training.") var minutes: Double?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per step.") var batchSize = 64
    @Option(name: .customLong("lr-g"), parsing: .unconditional, help: "Generator learning rate (Adam 0.5, 0.999).") var lrG: Float = 2e-4
    @Option(name: .customLong("lr-d"), parsing: .unconditional, help: "Discriminator learning rate.") var lrD: Float = 2e-4
    @Option(name: .customLong("eval-samples"), parsing: .unconditional, help: "Samples scored after each epoch (0: none).") var evalSamples = 2000
    @Option(help: "Judge: an image-classifier LeNet checkpoint (default: the bundled MNIST model).") var classifier: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder.") var out = "runs/gan"
    @Option(help: "Continue the run in this folder.") var resume: String?
    @Flag(help: "Replace a run already in --out.") var overwrite = false
    @OptionGroup var common: CommonOptions

    func settings() -> GANSettings {
        var s = GANSettings()
        s.data = data; s.conditional = conditional; s.rgb = rgb; s.latent = latent; s.epochs = epochs; s.minutes = minutes
        s.batchSize = batchSize; s.lrG = lrG; s.lrD = lrD; s.evalSamples = evalSamples; s.classifier = classifier; s.seed = seed
        return s
    }

    func validate() throws {
        try flagged { try settings().validate() }
        if resume == nil && data == nil { throw CommandLineError("--data DIR is required (or --resume RUN_DIR)") }
    }

    func run() throws {
        try common.apply()
        let events = TerminalProgress(), interrupt = Interrupt.installed()
        let r = try flagged {
            if let resume {
                return try GANTraining.resume(resume, ResumeOverrides(epochs: epochs, minutes: minutes, data: data), threads: common.threads,
                                              events: events, cancellation: interrupt)
            }
            return try GANTraining.run(settings(), out: out, overwrite: overwrite, threads: common.threads, events: events, cancellation: interrupt)
        }
        if r.outcome == "cancelled" {
            print("interrupted: checkpoint saved; continue with: gan-sampler train --resume \(r.runFolder)")
            throw ExitCode(130)
        }
        var line = String(format: "trained %d epochs (%.1f min) on %d images", r.epochs, r.minutes, r.images)
        if let i = r.inceptionScore { line += String(format: ": Inception Score %.2f, Frechet distance %.1f", i, r.frechetDistance ?? .nan) }
        if let a = r.classAgreement { line += String(format: ", %.1f %% of samples in the class asked for", 100 * a) }
        print(line + "; run folder \(r.runFolder) (samples-*.png, progress.mp4)")
    }
}

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw samples as PNG files in a folder, or one grid PNG; the same seed gives the same images.")

    @OptionGroup var modelOption: ModelOption
    @Option(parsing: .unconditional, help: "How many.") var count = 16
    @Option(name: .customLong("class"), parsing: .unconditional, help: "Only this class (a conditional GAN); default: the classes in turn.") var cls: Int?
    @Option(parsing: .unconditional, help: "Seed of the latent vectors.") var seed: UInt64 = 0
    @Flag(help: "One grid picture (--out FILE.png) instead of a file per sample.") var grid = false
    @Option(parsing: .unconditional, help: "Pictures per row of the grid (default: the number of classes, or 8).") var columns: Int?
    @Option(help: "Output folder, or a .png with --grid.") var out: String
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (1...100_000).contains(count) else { throw CommandLineError("--count must be in 1...100000") }
        if let columns, !(1...1000).contains(columns) { throw CommandLineError("--columns must be in 1...1000") }
    }

    func run() throws {
        try common.apply()
        let gan = try modelOption.load()
        let (x, labels) = try gan.sample(count: count, cls: cls, seed: seed)
        let pictures = SampleGrid.images(x)
        if grid {
            try SampleGrid.grid(pictures, columns: columns ?? (gan.classes > 0 && cls == nil ? gan.classes : 8)).write(out)
            print("\(count) samples in a grid: \(out)")
            return
        }
        let folder = try RunFolder(out)
        for (k, p) in pictures.enumerated() {
            try p.write(folder.file(labels.isEmpty ? String(format: "%05d.png", k) : String(format: "%05d-class%d.png", k, labels[k])))
        }
        print("\(count) samples in \(out)")
    }
}

struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A walk through latent space (spherical interpolation between the noise of two seeds; the class code blended between two classes) as a video (.mp4, .mkv) or a strip (.png).")

    @OptionGroup var modelOption: ModelOption
    @Option(name: .customLong("from"), parsing: .unconditional, help: "Seed of the first latent vector.") var fromSeed: UInt64 = 0
    @Option(name: .customLong("to"), parsing: .unconditional, help: "Seed of the last latent vector (default: the first: only the class changes).") var toSeed: UInt64?
    @Option(name: .customLong("class"), parsing: .unconditional, help: "Class at the start (a conditional GAN).") var cls: Int?
    @Option(name: .customLong("to-class"), parsing: .unconditional, help: "Class at the end (default: --class).") var toClass: Int?
    @Option(parsing: .unconditional, help: "Pictures, ends included.") var steps = 48
    @Option(parsing: .unconditional, help: "Frames per second of a video.") var fps: Double = 12
    @Option(help: "Output: .mp4/.mkv (a video, 8x larger frames) or .png (a strip).") var out: String
    @OptionGroup var common: CommonOptions

    var isVideo: Bool { VideoDecoder.fileExtensions.contains((out as NSString).pathExtension.lowercased()) }

    func validate() throws {
        guard (2...(isVideo ? 10_000 : 64)).contains(steps) else { throw CommandLineError("--steps must be in 2...\(isVideo ? 10_000 : 64)") }
        guard fps > 0, fps <= 240 else { throw CommandLineError("--fps must be in (0, 240]") }
        if toSeed == nil && toClass == nil { throw CommandLineError("give --to SEED or --to-class C (or both)") }
    }

    func run() throws {
        try common.apply()
        let gan = try modelOption.load()
        let n = try gan.writeWalk(fromSeed: fromSeed, toSeed: toSeed ?? fromSeed, fromClass: cls, toClass: toClass, steps: steps, fps: fps, to: out)
        print(isVideo ? "\(n) frames at \(fps) fps: \(out)" : "\(n) steps: \(out)")
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score samples with a classifier: Inception Score, Frechet distance in its feature space (with --data), class histogram; real images of --data beside them.")

    @OptionGroup var modelOption: ModelOption
    @Option(parsing: .unconditional, help: "Samples to score.") var count = 10_000
    @Option(parsing: .unconditional, help: "Seed of the samples.") var seed: UInt64 = 0
    @Option(help: "Real images (MNIST IDX files or class subfolders) for the Frechet distance and the reference scores.") var data: String?
    @Option(help: "Judge: an image-classifier LeNet checkpoint (default: the bundled MNIST model).") var classifier: String?
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func validate() throws { guard (2...100_000).contains(count) else { throw CommandLineError("--count must be in 2...100000") } }

    func run() throws {
        try common.apply()
        let gan = try modelOption.load()
        let r = try gan.evaluate(count: count, seed: seed, judge: try SampleJudge.load(classifier), data: data)
        var text = String(format: "%d samples: Inception Score %.3f", r.count, r.inceptionScore)
        if let f = r.frechetDistance { text += String(format: ", Frechet distance %.2f", f) }
        if let a = r.classAgreement { text += String(format: ", %.1f %% in the class asked for", 100 * a) }
        text += "\n  class histogram: \(r.classHistogram.map(String.init).joined(separator: " "))"
        if let real = r.real {
            text += String(format: "\n  real images (%d): Inception Score %.3f", real.count, real.inceptionScore)
            if let f = real.frechetDistance { text += String(format: ", Frechet distance to as many others %.2f", f) }
            text += "\n  class histogram: \(real.classHistogram.map(String.init).joined(separator: " "))"
        }
        try ResultOutput.emit(r, json: json, text: text)
    }
}
