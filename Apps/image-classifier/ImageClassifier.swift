import ArgumentParser
import Foundation
import MediaIO
import Datasets
import RunKit
import CLI
import ImageClassifierKit
import CommandLineErrors

/// Train, evaluate and run image classifiers on real images: the command line of ImageClassifierKit.
@main
struct ImageClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-classifier",
        abstract: "Train, evaluate and run image classifiers (LeNet on digits, a small CNN on colour images).",
        version: deepMediaVersion,
        subcommands: [Train.self, Evaluate.self, Predict.self, Explain.self, Attack.self])
}

extension Architecture: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ImageClassificationData.IDXSplit: ExpressibleByArgument {}

/// Shared model options of the commands that use a trained classifier.
struct ModelOptions: ParsableArguments {
    @Option(help: "Checkpoint (default: the bundled MNIST model).") var model: String?
    @Option(help: "Architecture of a checkpoint without metadata.") var arch: Architecture?
    @Option(parsing: .unconditional, help: "Input mean of a checkpoint without metadata.") var mean: Float?
    @Option(parsing: .unconditional, help: "Input standard deviation of a checkpoint without metadata.") var std: Float?

    func load() throws -> LoadedClassifier { try flagged { try LoadedClassifier.load(model, arch: arch, mean: mean, std: std) } }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a classifier; writes a run folder with checkpoints, metrics, curves.svg and confusion.png. Ctrl-C stops, keeping the last epoch's checkpoint; --resume continues.")

    @Option(help: "Folder with MNIST-style IDX files or one subfolder per class (required unless --resume).") var data: String?
    @Option(help: "Architecture.") var arch: Architecture = .lenet
    @Option(parsing: .unconditional, help: "Epochs (default 10; with --resume: the run's own).") var epochs: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Batch size.") var batchSize: Int = 64
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Float = 1e-3
    @Option(help: "Optimizer.") var optimizer: OptimizerKind = .adam
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay.") var weightDecay: Float = 0
    @Option(parsing: .unconditional, help: "Dropout before the last layer.") var dropout: Float = 0
    @Flag(help: "Random shifts (and flips for colour images) of the training images.") var augment = false
    @Option(parsing: .unconditional, help: "With --augment: random rotations up to this many degrees.") var rotate: Float = 0
    @Option(parsing: .unconditional, help: "With --augment: random scaling by up to this fraction.") var zoom: Float = 0
    @Option(name: .customLong("val-fraction"), parsing: .unconditional, help: "Fraction held out for validation (default 1/6; 0: none, train on all).") var valFraction: Double?
    @Option(parsing: .unconditional, help: "Early-stopping patience in epochs.") var patience: Int?
    @Option(name: .customLong("train-subset"), parsing: .unconditional, help: "Train on only the first N training images.") var trainSubset: Int?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder.") var out: String = "runs/image-classifier"
    @Option(help: "Continue the run in this folder (--epochs, --patience and --data may change).") var resume: String?
    @Flag(help: "Replace a run already in --out (otherwise refused).") var overwrite = false
    @OptionGroup var common: CommonOptions

    var settings: ClassifierSettings {
        var s = ClassifierSettings()
        s.data = data; s.arch = arch; s.epochs = epochs ?? 10; s.batchSize = batchSize; s.lr = lr; s.optimizer = optimizer
        s.weightDecay = weightDecay; s.dropout = dropout; s.augment = augment; s.rotate = rotate; s.zoom = zoom
        s.valFraction = valFraction ?? 1.0 / 6; s.patience = patience; s.trainSubset = trainSubset; s.seed = seed
        return s
    }

    func validate() throws {
        try flagged { try settings.validate() }
        if resume == nil && data == nil { throw ValidationError("--data DIR is required (or --resume RUN_DIR)") }
    }

    func run() throws {
        try common.apply()
        let events = TerminalProgress(), interrupt = Interrupt.installed()
        let r = try flagged {
            if let resume {
                return try ClassifierTraining.resume(resume, ResumeOverrides(epochs: epochs, patience: patience, data: data),
                                                     threads: common.threads, events: events, cancellation: interrupt)
            }
            return try ClassifierTraining.run(settings, out: out, overwrite: overwrite, threads: common.threads, events: events, cancellation: interrupt)
        }
        if r.outcome == "cancelled" {
            print("interrupted after \(r.epochs) epochs: the checkpoint of the last finished epoch is kept; continue with: image-classifier train --resume \(r.runFolder)")
            throw ExitCode(130)
        }
        if r.validationImages == 0 {
            print("trained \(r.epochs) epochs on all \(r.trainingImages) images (no validation split); run folder \(r.runFolder)")
        } else {
            print(String(format: "validation accuracy %.4f (loss %.4f) on %d images after %d epochs; run folder %@",
                         r.validationAccuracy, r.validationLoss, r.validationImages, r.epochs, r.runFolder))
        }
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accuracy, per-class precision and recall, confusion matrix.")

    @Option(help: "Folder with IDX files or class subfolders.") var data: String
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "MNIST-style folders: the test set (t10k-*, the default when present) or the training set (train-*).") var split: ImageClassificationData.IDXSplit?
    @Option(parsing: .unconditional, help: "Evaluate only the last fraction of the data (the validation split of train).") var fraction: Double = 1
    @Option(help: "Write confusion.png and confusion.svg into this folder.") var out: String?
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
    }

    func run() throws {
        try common.apply()
        let c = try modelOptions.load()
        let sets = ImageClassificationData.idxSets(in: data).map(\.split)
        let set = split ?? (sets.contains(.test) ? .test : sets.first)
        var d = try ImageClassificationData.load(data, channels: c.arch.channels, height: c.arch.size, width: c.arch.size, split: set)
        if fraction < 1 { d = d.split(validationFraction: fraction).validation }
        var (report, cm) = try c.evaluate(d, source: data)
        report.set = set?.rawValue
        if let out { try cm.writePictures(in: try RunFolder(out), classNames: c.classNames) }
        try ResultOutput.emit(report, json: json, text: report.description)
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Classify image files or folders of images.")

    @Argument(help: "Image files, folders of images, or videos.") var files: [String]
    @OptionGroup var modelOptions: ModelOptions
    @Option(parsing: .unconditional, help: "How many classes to show.") var top: Int = 3
    @Option(parsing: .unconditional, help: "For a video: seconds between classified frames.") var every: Double = 1
    @Flag(help: "Print one JSON object per image (per frame of a video, with its time).") var json = false
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard every > 0, every.isFinite else { throw ValidationError("--every must be a positive number of seconds") }
    }

    func run() throws {
        try common.apply()
        let c = try modelOptions.load()
        let (paths, skipped) = try InputPaths.expand(files, extensions: LoadedClassifier.imageExtensions.union(LoadedClassifier.videoExtensions))
        if let note = InputPaths.note(skipped, kind: "images or videos") { TerminalProgress.log(note) }
        for path in paths {
            if LoadedClassifier.videoExtensions.contains((path as NSString).pathExtension.lowercased()) {
                try c.timeline(path, every: every, top: top) { f in
                    try ResultOutput.emit(f, json: json, text: String(format: "%@ %7.2fs: ", path, f.time) + c.describe(f.top))
                }
                continue
            }
            let p = c.predict(try c.input(path).0, top: top, file: path)
            try ResultOutput.emit(p, json: json, text: "\(path): " + c.describe(p))
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Saliency map: where the top class's score is most sensitive to the pixels, laid over the image.")

    @Argument(help: "Image file.") var image: String
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Output PNG.") var out: String
    @Option(parsing: .unconditional, help: "Output size in pixels (the picture is scaled up from the model's input).") var size: Int = 224
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard size >= 8, size <= 4096 else { throw ValidationError("--size must be in 8...4096") }
    }

    func run() throws {
        try common.apply()
        let c = try modelOptions.load()
        let (x, img) = try c.input(image)
        let s = c.saliency(x)
        let parent = (out as NSString).deletingLastPathComponent
        if !parent.isEmpty { _ = try RunFolder(parent) }   // creates the folder, or says why it cannot
        try c.saliencyPicture(img, map: s.map, size: size).write(out)
        print("\(image): \(c.describe(s.prediction)); saliency of '\(c.classNames[s.topClass])' written to \(out)")
    }
}

struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Adversarial examples (FGSM): one image, or accuracy under attack over a data set.")

    @Argument(help: "Image file (or use --data).") var image: String?
    @Option(help: "Folder with IDX files or class subfolders: accuracy per epsilon.") var data: String?
    @OptionGroup var modelOptions: ModelOptions
    @Option(parsing: .unconditional, help: "Perturbation size for one image (pixels in [0, 1]).") var epsilon: Float = 0.1
    @Option(help: "Comma list of perturbation sizes for --data.") var epsilons: String = "0,0.05,0.1,0.2,0.3"
    @Option(parsing: .unconditional, help: "Use the last N images of --data.") var limit: Int = 2000
    @Option(help: "Output folder.") var out: String = "runs/attack"
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (image == nil) != (data == nil) else { throw ValidationError("give an IMAGE or --data DIR (one of them)") }
        guard epsilon >= 0, epsilon <= 1 else { throw ValidationError("--epsilon must be in [0, 1]") }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        _ = try numberList(epsilons, flag: "--epsilons", in: 0...1)
    }

    func run() throws {
        try common.apply()
        let c = try modelOptions.load()
        if let data { try curve(data, c); return }
        guard let image else { return }
        let (x, img) = try c.input(image)
        let a = c.attack(x, epsilon: epsilon)
        let run = try RunFolder(out)      // made only once there is something to write
        try img.writePNG(run.file("original.png"))
        try a.image.writePNG(run.file("adversarial.png"))
        try a.perturbation.writePNG(run.file("perturbation.png"))
        print("original:    \(c.describe(a.original))")
        print(String(format: "adversarial (epsilon %.3f): ", epsilon) + c.describe(a.adversarial))
        print("pictures: \(run.file("original.png")), \(run.file("adversarial.png")), \(run.file("perturbation.png"))")
    }

    func curve(_ data: String, _ c: LoadedClassifier) throws {
        let eps = try numberList(epsilons, flag: "--epsilons", in: 0...1)
        let d = try ImageClassificationData.load(data, channels: c.arch.channels, height: c.arch.size, width: c.arch.size)
        let curve = try c.attackCurve(d, source: data, epsilons: eps, limit: limit)
        for (e, a) in zip(curve.epsilons, curve.accuracies) { print(String(format: "epsilon %.3f: accuracy %.4f", e, a)) }
        let run = try RunFolder(out)
        try run.write("attack.svg", LoadedClassifier.plot(curve).svg())
        print("curve: \(run.file("attack.svg")) (\(curve.images) images)")
    }
}
