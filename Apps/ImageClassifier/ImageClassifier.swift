import ArgumentParser
import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import AppSupport

/// Train, evaluate and run image classifiers on real images.
@main
struct ImageClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-classifier",
        abstract: "Train, evaluate and run image classifiers (LeNet on digits, a small CNN on colour images).",
        subcommands: [Train.self, Evaluate.self, Predict.self, Explain.self, Attack.self])
}

/// The network architectures this program builds.
enum Architecture: String, ExpressibleByArgument, CaseIterable {
    case lenet, cifarCNN = "cifar-cnn"
    var channels: Int { self == .lenet ? 1 : 3 }
    var size: Int { self == .lenet ? 28 : 32 }

    func make(classes: Int, dropout: Float, seed: UInt64) -> any Layer {
        var rng = RandomGenerator(seed: seed)
        switch self {
        case .lenet: return LeNet(classes: classes, dropout: dropout, rng: &rng)
        case .cifarCNN: return CifarCNN(classes: classes, dropout: dropout, rng: &rng)
        }
    }
}

extension OptimizerKind: ExpressibleByArgument {}

/// A trained classifier: network, class names and input normalisation, from a checkpoint.
struct LoadedClassifier {
    let arch: Architecture
    let model: any Layer
    let classNames: [String]
    let normalization: Normalization

    static func load(_ path: String?, arch: Architecture?, mean: Float?, std: Float?) throws -> LoadedClassifier {
        let file = try path ?? BundledAssets.model("mnist-lenet.safetensors")
        let st = try SafetensorsFile.read(path: file)
        let meta = st.metadata
        guard let a = arch ?? meta["arch"].flatMap(Architecture.init(rawValue:)) else {
            throw AppError.badInput(file, "no architecture in the checkpoint; pass --arch lenet|cifar-cnn")
        }
        let classes = meta["classes"].map { $0.split(separator: ",").map(String.init) }
            ?? (st.tensors["fc2.bias"].map { (0..<$0.count).map(String.init) } ?? [])
        guard !classes.isEmpty else { throw AppError.badInput(file, "cannot tell the number of classes") }
        let model = a.make(classes: classes.count, dropout: 0, seed: 0)
        do { try model.load(st, path: file) } catch let e as SafetensorsError {
            throw AppError.badInput(file, "not a \(a.rawValue) checkpoint (\(e))")
        }
        model.eval()
        let m = mean ?? meta["mean"].flatMap(Float.init) ?? 0, s = std ?? meta["std"].flatMap(Float.init) ?? 1
        return LoadedClassifier(arch: a, model: model, classNames: classes, normalization: Normalization(mean: m, std: s))
    }

    /// Class probabilities for images (N, C, H, W) in [0, 1].
    func probabilities(_ x: Tensor) -> Tensor { withoutGrad { model(normalization.apply(x)).softmax() } }

    /// An image file as the model's input (1, C, H, W) and the picture it came from.
    func input(_ path: String) throws -> (Tensor, Image) {
        let img = try Image.read(path, mode: arch.channels == 1 ? .gray : .rgb).resized(width: arch.size, height: arch.size, filter: .area)
        return (Tensor(shape: [1, arch.channels, arch.size, arch.size], scalars: img.chw), img)
    }

    /// d loss / d pixels for images x with the given classes (cross-entropy), and the logits.
    func inputGradient(_ x: Tensor, classes: [Int]) -> (Tensor, Tensor) {
        let leaf = x.requiringGrad()
        let logits = model(normalization.differentiable(leaf))
        crossEntropy(logits, targets: classes).backward()
        return (leaf.grad!, logits.detached())
    }

    /// Fast gradient sign method: x + ε·sign(∇x loss), clipped to [0, 1].
    func fgsm(_ x: Tensor, classes: [Int], epsilon: Float) -> Tensor {
        let (g, _) = inputGradient(x, classes: classes)
        let px = x.scalars, pg = g.scalars
        return Tensor(shape: x.shape, scalars: zip(px, pg).map { Swift.min(1, Swift.max(0, $0 + epsilon * ($1 > 0 ? 1 : ($1 < 0 ? -1 : 0)))) })
    }

    func describe(_ p: [Float], top: Int) -> String {
        p.indices.sorted { p[$0] > p[$1] }.prefix(top).map { String(format: "%@ %.3f", classNames[$0], p[$0]) }.joined(separator: ", ")
    }
}

/// Shared model options of the commands that use a trained classifier.
struct ModelOptions: ParsableArguments {
    @Option(help: "Checkpoint (default: the bundled MNIST model).") var model: String?
    @Option(help: "Architecture of a checkpoint without metadata.") var arch: Architecture?
    @Option(help: "Input mean of a checkpoint without metadata.") var mean: Float?
    @Option(help: "Input standard deviation of a checkpoint without metadata.") var std: Float?

    func load() throws -> LoadedClassifier { try LoadedClassifier.load(model, arch: arch, mean: mean, std: std) }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a classifier; writes a run folder with checkpoints, metrics, curves.svg and confusion.png.")

    @Option(help: "Folder with MNIST-style IDX files or one subfolder per class.") var data: String?
    @Option(help: "Architecture.") var arch: Architecture = .lenet
    @Option(help: "Epochs.") var epochs: Int = 10
    @Option(name: .customLong("batch-size"), help: "Batch size.") var batchSize: Int = 64
    @Option(help: "Learning rate.") var lr: Float = 1e-3
    @Option(help: "Optimizer.") var optimizer: OptimizerKind = .adam
    @Option(name: .customLong("weight-decay"), help: "Weight decay.") var weightDecay: Float = 0
    @Option(help: "Dropout before the last layer.") var dropout: Float = 0
    @Flag(help: "Random shifts (and flips for colour images) of the training images.") var augment = false
    @Option(help: "With --augment: random rotations up to this many degrees.") var rotate: Float = 0
    @Option(help: "With --augment: random scaling by up to this fraction.") var zoom: Float = 0
    @Option(name: .customLong("val-fraction"), help: "Fraction held out for validation (the last images).") var valFraction: Double = 1.0 / 6
    @Option(help: "Early-stopping patience in epochs.") var patience: Int?
    @Option(name: .customLong("train-subset"), help: "Train on only the first N training images.") var trainSubset: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder.") var out: String = "runs/image-classifier"
    @Option(help: "Continue the run in this folder.") var resume: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard epochs >= 1, batchSize >= 1, lr > 0 else { throw ValidationError("--epochs, --batch-size and --lr must be positive") }
        guard dropout >= 0, dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        guard valFraction > 0, valFraction < 1 else { throw ValidationError("--val-fraction must be in (0, 1)") }
        guard rotate >= 0, rotate <= 180, zoom >= 0, zoom < 1 else { throw ValidationError("--rotate must be in [0, 180] and --zoom in [0, 1)") }
        if resume == nil && data == nil { throw ValidationError("--data DIR is required (or --resume RUN_DIR)") }
        if let t = trainSubset, t < 1 { throw ValidationError("--train-subset must be positive") }
    }

    func run() throws {
        try common.apply()
        let run: RunFolder
        var settings = self
        if let resume {
            run = try RunFolder.existing(resume)
            let cfg = try run.readConfig()
            settings.data = cfg["data"]?.string
            settings.arch = cfg["arch"]?.string.flatMap(Architecture.init(rawValue:)) ?? arch
            settings.batchSize = cfg["batch_size"]?.int ?? batchSize
            settings.lr = Float(cfg["lr"]?.double ?? Double(lr))
            settings.optimizer = cfg["optimizer"]?.string.flatMap(OptimizerKind.init(rawValue:)) ?? optimizer
            settings.weightDecay = Float(cfg["weight_decay"]?.double ?? 0)
            settings.dropout = Float(cfg["dropout"]?.double ?? 0)
            settings.augment = cfg["augment"]?.bool ?? false
            settings.rotate = Float(cfg["rotate"]?.double ?? 0)
            settings.zoom = Float(cfg["zoom"]?.double ?? 0)
            settings.valFraction = cfg["val_fraction"]?.double ?? valFraction
            settings.trainSubset = cfg["train_subset"]?.int
            settings.seed = UInt64(cfg["seed"]?.int ?? Int(seed))
            settings.patience = cfg["patience"]?.int
        } else {
            run = try RunFolder(out)
        }
        try settings.train(run: run, resuming: resume != nil)
    }

    func train(run: RunFolder, resuming: Bool) throws {
        guard let data else { throw ValidationError("--data DIR is required") }
        let all = try ImageClassificationData.load(data, channels: arch.channels, height: arch.size, width: arch.size)
        guard all.count >= 2 else { throw AppError.badInput(data, "needs at least two images") }
        var (train, val) = all.split(validationFraction: valFraction)
        if let n = trainSubset { train = ImageClassificationData(data: train.data.subset(0..<min(n, train.count)), classNames: train.classNames) }
        let model = arch.make(classes: all.classNames.count, dropout: dropout, seed: seed)
        var options = ClassifierTrainer.Options()
        options.epochs = epochs; options.batchSize = batchSize; options.lr = lr; options.weightDecay = weightDecay
        options.optimizer = optimizer; options.patience = patience; options.seed = seed
        options.augmentation = augment ? Augmentation(maxShift: arch == .lenet ? 2 : 4, maxRotation: rotate, maxScale: zoom,
                                                      horizontalFlip: arch != .lenet) : nil
        let norm = Normalization.of(train.data.images)
        let trainer = ClassifierTrainer(model: model, options: options, run: run, normalization: norm,
                                        metadata: ["arch": arch.rawValue, "classes": all.classNames.joined(separator: ",")])
        var start = 0
        if resuming { start = try trainer.resume() } else {
            try run.writeConfig([
                "data": JSONValue(data), "arch": JSONValue(arch.rawValue), "epochs": JSONValue(epochs), "batch_size": JSONValue(batchSize),
                "lr": JSONValue(lr), "optimizer": JSONValue(optimizer.rawValue), "weight_decay": JSONValue(weightDecay),
                "dropout": JSONValue(dropout), "augment": .bool(augment), "rotate": JSONValue(rotate), "zoom": JSONValue(zoom), "val_fraction": JSONValue(valFraction),
                "train_subset": trainSubset.map { JSONValue($0) } ?? .null, "patience": patience.map { JSONValue($0) } ?? .null,
                "seed": JSONValue(Int(seed)), "threads": JSONValue(common.threads),
                "train_images": JSONValue(train.count), "validation_images": JSONValue(val.count),
            ])
        }
        Progress.log("\(arch.rawValue): \(model.parameterCount) parameters, \(train.count) training and \(val.count) validation images, \(all.classNames.count) classes")
        let results = try trainer.train(train, validation: val, startEpoch: start) { r in
            Progress.log(String(format: "epoch %d: train loss %.4f acc %.4f | val loss %.4f acc %.4f | %.0f samples/s",
                                r.epoch, r.trainLoss, r.trainAccuracy, r.valLoss, r.valAccuracy, r.samplesPerSecond))
        }
        let (vl, va, cm) = trainer.evaluate(val)
        try cm.picture().writePNG(run.file("confusion.png"))
        print(String(format: "validation accuracy %.4f (loss %.4f) on %d images after %d epochs; run folder %@",
                     va, vl, val.count, (results.last?.epoch ?? start), run.path))
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accuracy, per-class precision and recall, confusion matrix.")

    @Option(help: "Folder with IDX files or class subfolders.") var data: String
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Evaluate only the last fraction of the data (the validation split of train).") var fraction: Double = 1
    @Option(help: "Write confusion.png into this folder.") var out: String?
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--fraction must be in (0, 1]") }
        let c = try modelOptions.load()
        var d = try ImageClassificationData.load(data, channels: c.arch.channels, height: c.arch.size, width: c.arch.size)
        if fraction < 1 { d = d.split(validationFraction: fraction).validation }
        guard d.count > 0 else { throw AppError.badInput(data, "no images") }
        var cm = ConfusionMatrix(classes: c.classNames.count)
        for s in stride(from: 0, to: d.count, by: 500) {
            let (x, y) = d.data.batch(Array(s..<min(s + 500, d.count)))
            guard y.allSatisfy({ $0 < c.classNames.count }) else { throw AppError.badInput(data, "has more classes than the model") }
            cm.add(logits: c.probabilities(x), targets: y)
        }
        if let out { _ = try RunFolder(out); try cm.picture().writePNG((out as NSString).appendingPathComponent("confusion.png")) }
        let perClass = (0..<c.classNames.count).map { k -> JSONValue in
            .object(["class": JSONValue(c.classNames[k]), "precision": JSONValue(cm.precision(k)), "recall": JSONValue(cm.recall(k)),
                     "count": JSONValue(cm.counts[k].reduce(0, +))])
        }
        if json {
            print(JSONValue.object(["accuracy": JSONValue(cm.accuracy), "count": JSONValue(cm.total), "per_class": .array(perClass),
                                    "confusion": .array(cm.counts.map { .array($0.map { JSONValue($0) }) })]).serialized())
            return
        }
        print(String(format: "accuracy %.4f on %d images", cm.accuracy, cm.total))
        for k in 0..<c.classNames.count {
            print(String(format: "  %-12@ precision %.4f  recall %.4f", c.classNames[k], cm.precision(k), cm.recall(k)))
        }
        print("confusion (rows: true class, columns: predicted):")
        for row in cm.counts { print("  " + row.map { String(format: "%5d", $0) }.joined()) }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Classify image files or folders of images.")

    @Argument(help: "Image files, folders of images, or videos.") var files: [String]
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "How many classes to show.") var top: Int = 3
    @Option(help: "For a video: seconds between classified frames.") var every: Double = 1
    @Flag(help: "Print one JSON object per image.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard every > 0 else { throw ValidationError("--every must be positive") }
        let c = try modelOptions.load()
        var paths: [String] = []
        for f in files {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: f, isDirectory: &isDir) else { throw AppError.badInput(f, "no such file or folder") }
            if isDir.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: f)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                paths += names.map { (f as NSString).appendingPathComponent($0) }
            } else { paths.append(f) }
        }
        for path in paths {
            if Predict.videoExtensions.contains((path as NSString).pathExtension.lowercased()) {
                try timeline(path, c)
                continue
            }
            let (x, _) = try c.input(path)
            let p = c.probabilities(x).scalars
            let ranked = p.indices.sorted { p[$0] > p[$1] }.prefix(min(top, p.count))
            if json {
                print(JSONValue.object(["file": JSONValue(path), "top": .array(ranked.map {
                    .object(["class": JSONValue(c.classNames[$0]), "probability": JSONValue(p[$0])]) })]).serialized())
            } else {
                print("\(path): " + ranked.map { String(format: "%@ %.3f", c.classNames[$0], p[$0]) }.joined(separator: ", "))
            }
        }
    }

    static let videoExtensions: Set<String> = ["mp4", "mkv", "webm", "avi", "mov", "m4v"]

    /// The top class of a frame every `every` seconds.
    func timeline(_ path: String, _ c: LoadedClassifier) throws {
        let video = try VideoDecoder(path, mode: c.arch.channels == 1 ? .gray : .rgb)
        for f in try video.frames(fps: 1 / every) {
            let img = f.image.resized(width: c.arch.size, height: c.arch.size, filter: .area)
            let p = c.probabilities(Tensor(shape: [1, c.arch.channels, c.arch.size, c.arch.size], scalars: img.chw)).scalars
            let best = p.indices.max { p[$0] < p[$1] }!
            if json {
                print(JSONValue.object(["file": JSONValue(path), "time": JSONValue(f.time), "class": JSONValue(c.classNames[best]),
                                        "probability": JSONValue(p[best])]).serialized())
            } else {
                print(String(format: "%@ %7.2fs: %@ %.3f", path, f.time, c.classNames[best], p[best]))
            }
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Saliency map: where the top class's score is most sensitive to the pixels, laid over the image.")

    @Argument(help: "Image file.") var image: String
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Output PNG.") var out: String
    @Option(help: "Output size in pixels (the picture is scaled up from the model's input).") var size: Int = 224
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        guard size >= 8, size <= 4096 else { throw ValidationError("--size must be in 8...4096") }
        let c = try modelOptions.load()
        let (x, img) = try c.input(image)
        let p = c.probabilities(x).scalars
        let top = p.indices.max { p[$0] < p[$1] }!
        // Gradient of the top logit = -gradient of the loss toward that class, up to softmax terms;
        // the magnitude per pixel (max over channels) is the saliency.
        let leaf = x.requiringGrad()
        let logits = c.model(c.normalization.differentiable(leaf))
        (logits * Tensor(shape: logits.shape, scalars: (0..<logits.count).map { $0 == top ? 1 : 0 })).sum().backward()
        let g = leaf.grad!.scalars, hw = c.arch.size * c.arch.size
        var sal = [Float](repeating: 0, count: hw)
        for ch in 0..<c.arch.channels { for i in 0..<hw { sal[i] = Swift.max(sal[i], Swift.abs(g[ch * hw + i])) } }
        let peak = sal.max() ?? 1
        let base = img.rgb().resized(width: size, height: size, filter: .bilinear)
        let heat = Image(width: c.arch.size, height: c.arch.size, channels: 1, pixels: sal.map { $0 / Swift.max(peak, 1e-12) })
            .resized(width: size, height: size, filter: .bilinear)
        var overlay = base
        for i in 0..<(size * size) {
            let (r, gg, b) = ColorMap.viridis.color(heat.pixels[i])
            let a = 0.35 + 0.5 * heat.pixels[i]
            overlay.pixels[3 * i] = (1 - a) * base.pixels[3 * i] + a * r
            overlay.pixels[3 * i + 1] = (1 - a) * base.pixels[3 * i + 1] + a * gg
            overlay.pixels[3 * i + 2] = (1 - a) * base.pixels[3 * i + 2] + a * b
        }
        let parent = (out as NSString).deletingLastPathComponent
        if !parent.isEmpty { _ = try RunFolder(parent) }   // creates the folder, or says why it cannot
        try overlay.write(out)
        print("\(image): \(c.describe(p, top: 3)); saliency of '\(c.classNames[top])' written to \(out)")
    }
}

struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Adversarial examples (FGSM): one image, or accuracy under attack over a data set.")

    @Argument(help: "Image file (or use --data).") var image: String?
    @Option(help: "Folder with IDX files or class subfolders: accuracy per epsilon.") var data: String?
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Perturbation size for one image (pixels in [0, 1]).") var epsilon: Float = 0.1
    @Option(help: "Comma list of perturbation sizes for --data.") var epsilons: String = "0,0.05,0.1,0.2,0.3"
    @Option(help: "Use the last N images of --data.") var limit: Int = 2000
    @Option(help: "Output folder.") var out: String = "runs/attack"
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        let c = try modelOptions.load()
        let run = try RunFolder(out)
        if let data { try curve(data, c, run); return }
        guard let image else { throw ValidationError("give an IMAGE or --data DIR") }
        guard epsilon >= 0, epsilon <= 1 else { throw ValidationError("--epsilon must be in [0, 1]") }
        let (x, img) = try c.input(image)
        let p = c.probabilities(x).scalars
        let top = p.indices.max { p[$0] < p[$1] }!
        let adv = c.fgsm(x, classes: [top], epsilon: epsilon)
        let pa = c.probabilities(adv).scalars
        let s = c.arch.size, ch = c.arch.channels
        let advImage = Image(chw: adv.scalars, channels: ch, height: s, width: s)
        let delta = Image(chw: zip(adv.scalars, x.scalars).map { 0.5 + ($0 - $1) / Swift.max(2 * epsilon, 1e-6) }, channels: ch, height: s, width: s)
        try img.writePNG(run.file("original.png"))
        try advImage.writePNG(run.file("adversarial.png"))
        try delta.writePNG(run.file("perturbation.png"))
        print("original:    \(c.describe(p, top: 3))")
        print(String(format: "adversarial (epsilon %.3f): ", epsilon) + c.describe(pa, top: 3))
        print("pictures: \(run.file("original.png")), \(run.file("adversarial.png")), \(run.file("perturbation.png"))")
    }

    func curve(_ data: String, _ c: LoadedClassifier, _ run: RunFolder) throws {
        let eps = try epsilons.split(separator: ",").map { s -> Float in
            guard let v = Float(s.trimmingCharacters(in: .whitespaces)), v >= 0, v <= 1 else { throw ValidationError("--epsilons: '\(s)' is not in [0, 1]") }
            return v
        }
        guard !eps.isEmpty, limit >= 1 else { throw ValidationError("--epsilons and --limit need values") }
        let d = try ImageClassificationData.load(data, channels: c.arch.channels, height: c.arch.size, width: c.arch.size)
        let set = d.data.subset(Swift.max(0, d.count - limit)..<d.count)
        var accuracies: [Double] = []
        for e in eps {
            var correct = 0
            for s in stride(from: 0, to: set.count, by: 250) {
                let (x, y) = set.batch(Array(s..<Swift.min(s + 250, set.count)))
                let adv = e == 0 ? x : c.fgsm(x, classes: y, epsilon: e)
                correct += zip(c.probabilities(adv).argmax(axis: -1), y).filter { $0 == $1 }.count
            }
            let acc = Double(correct) / Double(set.count)
            accuracies.append(acc)
            print(String(format: "epsilon %.3f: accuracy %.4f", e, acc))
        }
        var plot = LinePlot([.init("accuracy under FGSM attack", [.init("accuracy", accuracies, color: "#d62728")])])
        plot.xLabel = "epsilon"
        plot.xValues = eps.map(Double.init)
        try run.write("attack.svg", plot.svg())
        print("curve: \(run.file("attack.svg")) (\(set.count) images)")
    }
}
