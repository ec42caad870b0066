import Foundation
import NeuralCore
import MediaIO
import Datasets
import RunKit
import Require

/// A trained classifier: network, class names and input normalisation, from a checkpoint. Its
/// verbs never change the model (inference runs under `inference`, gradients with respect to
/// the input under `inputGradients`), so one loaded classifier serves several tasks at once.
public final class LoadedClassifier: @unchecked Sendable {
    public let arch: Architecture
    public let model: any Layer
    public let classNames: [String]
    public let normalization: Normalization

    public init(arch: Architecture, model: any Layer, classNames: [String], normalization: Normalization) {
        self.arch = arch; self.model = model; self.classNames = classNames; self.normalization = normalization
        model.eval()
    }

    /// The checkpoint metadata that rebuilds a classifier: arch, classes (a JSON array), mean, std.
    static func metadata(arch: Architecture, classNames: [String], normalization: Normalization) -> [String: String] {
        ["arch": arch.rawValue, "classes": String(decoding: try! JSONEncoder().encode(classNames), as: UTF8.self),
         "mean": "\(normalization.mean)", "std": "\(normalization.std)"]
    }

    /// Reads a checkpoint (default: the bundled MNIST model). `arch`, `mean` and `std` stand in
    /// for metadata a checkpoint lacks.
    public static func load(_ path: String? = nil, arch: Architecture? = nil, mean: Float? = nil, std: Float? = nil) throws -> LoadedClassifier {
        let file = try path ?? BundledAssets.model("mnist-lenet.safetensors")
        let st = try SafetensorsFile.read(path: file)
        let meta = st.metadata
        if let kind = meta["kind"], arch == nil {
            throw AppError.badInput(file, "a \(kind) model, not an image classifier")
        }
        guard let a = arch ?? meta["arch"].flatMap(Architecture.init(rawValue:)) else {
            throw AppError.badInput(file, "no architecture in the checkpoint; pass --arch lenet|cifar-cnn")
        }
        let classes = meta["classes"].map(Self.classNames(stored:)) ?? (st.tensors["fc2.bias"].map { (0..<$0.count).map(String.init) } ?? [])
        guard !classes.isEmpty else { throw AppError.badInput(file, "cannot tell the number of classes") }
        let model = a.make(classes: classes.count, dropout: 0, seed: 0)
        do { try model.load(st, path: file) } catch let e as SafetensorsError {
            throw AppError.badInput(file, "not a \(a.rawValue) checkpoint (\(e))")
        }
        let m = mean ?? meta["mean"].flatMap(Float.init) ?? 0, s = std ?? meta["std"].flatMap(Float.init) ?? 1
        guard m.isFinite, s.isFinite, s > 0 else {
            throw SettingsError(["mean", "std"], "must be finite, with std above 0 (got mean \(m), std \(s))")
        }
        return LoadedClassifier(arch: a, model: model, classNames: classes, normalization: Normalization(mean: m, std: s))
    }

    /// Class names as stored: a JSON array; checkpoints written before it hold a comma list.
    static func classNames(stored: String) -> [String] {
        if let names = try? JSONDecoder().decode([String].self, from: Data(stored.utf8)) { return names }
        return stored.split(separator: ",").map(String.init)
    }

    // MARK: inputs

    /// A picture as the model's input (1, C, H, W): converted to gray or colour, resized (area).
    public func input(_ image: Image) -> Tensor {
        let img = (arch.channels == 1 ? image.grayscale() : image.rgb()).resized(width: arch.size, height: arch.size, filter: .area)
        return Tensor(shape: [1, arch.channels, arch.size, arch.size], scalars: img.chw)
    }

    /// An image file as the model's input (1, C, H, W) and the picture it came from.
    public func input(_ path: String) throws -> (Tensor, Image) {
        let img = try Image.read(path, mode: arch.channels == 1 ? .gray : .rgb).resized(width: arch.size, height: arch.size, filter: .area)
        return (Tensor(shape: [1, arch.channels, arch.size, arch.size], scalars: img.chw), img)
    }

    // MARK: predict

    /// Class probabilities (N, classes) for images (N, C, H, W) in [0, 1].
    public func probabilities(_ x: Tensor) -> Tensor { inference { model(normalization.apply(x)).softmax() } }

    /// The `top` most likely classes of one image (1, C, H, W).
    public func predict(_ x: Tensor, top: Int = 3, file: String? = nil) -> Prediction {
        ranked(probabilities(x).scalars, top: top, file: file)
    }

    func ranked(_ p: [Float], top: Int, file: String? = nil) -> Prediction {
        let order = p.indices.sorted { p[$0] > p[$1] }.prefix(max(1, min(top, p.count)))
        return Prediction(file: file, top: order.map { ClassScore(class: classNames[$0], probability: p[$0]) })
    }

    /// "7 0.998, 1 0.001, ..." for the `top` classes.
    public func describe(_ p: Prediction) -> String { describe(p.top) }

    public func describe(_ top: [ClassScore]) -> String {
        top.map { String(format: "%@ %.3f", $0.class, $0.probability) }.joined(separator: ", ")
    }

    /// Files this classifier reads: images, and videos (a frame every few seconds).
    public static let imageExtensions = ImageClassificationData.imageExtensions
    public static let videoExtensions = VideoDecoder.fileExtensions

    /// The `top` classes of a frame every `every` seconds of a video, handed over as decoded.
    public func timeline(_ path: String, every: Double, top: Int = 1, _ emit: (FramePrediction) throws -> Void) throws {
        let video = try VideoDecoder(path, mode: arch.channels == 1 ? .gray : .rgb)
        for f in try video.frames(fps: 1 / every) {
            try emit(FramePrediction(file: path, time: f.time, top: predict(input(f.image), top: top).top))
        }
    }

    // MARK: evaluate

    /// `d` with its labels renumbered to this model's classes, matched by name (a folder "cat" is
    /// the model's class "cat" wherever either sorts it). Classes the model does not know are
    /// refused, naming them: no label outside the model's outputs ever reaches a loss.
    public func aligned(_ d: ImageClassificationData, source: String) throws -> ImageClassificationData {
        guard d.count > 0 else { throw AppError.badInput(source, "no images") }
        if d.classNames == classNames { return d }
        let index = Dictionary(classNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let unknown = d.classNames.filter { index[$0] == nil }
        guard unknown.isEmpty else {
            let shown = unknown.prefix(5).joined(separator: ", ") + (unknown.count > 5 ? ", ..." : "")
            throw AppError.badInput(source, "has classes the model does not know: \(shown) (it knows \(classNames.prefix(12).joined(separator: ", "))\(classNames.count > 12 ? ", ..." : ""))")
        }
        let map = d.classNames.map { index[$0]! }
        return ImageClassificationData(data: LabeledImages(images: d.data.images, labels: d.data.labels.map { map[$0] }), classNames: classNames)
    }

    /// Accuracy, precision, recall and confusion matrix on a labelled set (classes matched by name).
    public func evaluate(_ data: ImageClassificationData, source: String) throws -> (EvaluationReport, ConfusionMatrix) {
        let d = try aligned(data, source: source)
        var cm = ConfusionMatrix(classes: classNames.count)
        for s in stride(from: 0, to: d.count, by: 500) {
            let (x, y) = d.data.batch(Array(s..<min(s + 500, d.count)))
            cm.add(logits: probabilities(x), targets: y)
        }
        let perClass = classNames.indices.map {
            EvaluationReport.PerClass(class: classNames[$0], precision: cm.precision($0), recall: cm.recall($0), count: cm.counts[$0].reduce(0, +))
        }
        return (EvaluationReport(accuracy: cm.accuracy, count: cm.total, set: nil, perClass: perClass, confusion: cm.counts), cm)
    }

    // MARK: gradients with respect to the input

    /// d loss / d pixels for images x with the given classes (cross-entropy); the model is untouched.
    public func inputGradient(_ x: Tensor, classes: [Int]) -> Tensor {
        inputGradients {
            let leaf = x.requiringGrad()
            crossEntropy(model(normalization.differentiable(leaf)), targets: classes).backward()
            return leaf.grad!
        }
    }

    /// Fast gradient sign method: x + ε·sign(∇x loss), clipped to [0, 1].
    public func fgsm(_ x: Tensor, classes: [Int], epsilon: Float) -> Tensor {
        let g = inputGradient(x, classes: classes)
        return Tensor(shape: x.shape, scalars: zip(x.scalars, g.scalars).map {
            Swift.min(1, Swift.max(0, $0 + epsilon * ($1 > 0 ? 1 : ($1 < 0 ? -1 : 0))))
        })
    }

    /// Saliency of the top class of one image (1, C, H, W): |d top logit / d pixel|, the maximum
    /// over channels, scaled to [0, 1]. (H·W) values, and the prediction.
    public func saliency(_ x: Tensor) -> (map: [Float], prediction: Prediction, topClass: Int) {
        let p = probabilities(x).scalars
        let top = p.indices.max { p[$0] < p[$1] }!
        let g: [Float] = inputGradients {
            let leaf = x.requiringGrad()
            let logits = model(normalization.differentiable(leaf))
            (logits * Tensor(shape: logits.shape, scalars: (0..<logits.count).map { $0 == top ? 1 : 0 })).sum().backward()
            return leaf.grad!.scalars
        }
        let hw = arch.size * arch.size
        var sal = [Float](repeating: 0, count: hw)
        for ch in 0..<arch.channels { for i in 0..<hw { sal[i] = Swift.max(sal[i], Swift.abs(g[ch * hw + i])) } }
        let peak = Swift.max(sal.max() ?? 1, 1e-12)
        return (sal.map { $0 / peak }, ranked(p, top: 3), top)
    }

    /// The saliency map laid over the picture in viridis, `size` pixels square.
    public func saliencyPicture(_ image: Image, map: [Float], size: Int) -> Image {
        let base = image.rgb().resized(width: size, height: size, filter: .bilinear)
        let heat = Image(width: arch.size, height: arch.size, channels: 1, pixels: map).resized(width: size, height: size, filter: .bilinear)
        var overlay = base
        for i in 0..<(size * size) {
            let (r, g, b) = ColorMap.viridis.color(heat.pixels[i])
            let a = 0.35 + 0.5 * heat.pixels[i]
            overlay.pixels[3 * i] = (1 - a) * base.pixels[3 * i] + a * r
            overlay.pixels[3 * i + 1] = (1 - a) * base.pixels[3 * i + 1] + a * g
            overlay.pixels[3 * i + 2] = (1 - a) * base.pixels[3 * i + 2] + a * b
        }
        return overlay
    }

    /// One adversarial example of x (1, C, H, W) against its own top class: the predictions
    /// before and after, the adversarial picture and the perturbation (0.5 = unchanged).
    public func attack(_ x: Tensor, epsilon: Float) -> (original: Prediction, adversarial: Prediction, image: Image, perturbation: Image) {
        let p = probabilities(x).scalars
        let top = p.indices.max { p[$0] < p[$1] }!
        let adv = fgsm(x, classes: [top], epsilon: epsilon)
        let s = arch.size, ch = arch.channels
        let delta = zip(adv.scalars, x.scalars).map { 0.5 + ($0 - $1) / Swift.max(2 * epsilon, 1e-6) }
        return (ranked(p, top: 3), predict(adv), Image(chw: adv.scalars, channels: ch, height: s, width: s),
                Image(chw: delta, channels: ch, height: s, width: s))
    }

    /// Accuracy under FGSM at each epsilon on the last `limit` images of a labelled set (classes
    /// matched by name).
    public func attackCurve(_ data: ImageClassificationData, source: String, epsilons: [Float], limit: Int) throws -> AttackCurve {
        let d = try aligned(data, source: source)
        let set = d.data.subset(Swift.max(0, d.count - limit)..<d.count)
        var accuracies: [Double] = []
        for e in epsilons {
            var correct = 0
            for s in stride(from: 0, to: set.count, by: 250) {
                let (x, y) = set.batch(Array(s..<Swift.min(s + 250, set.count)))
                let adv = e == 0 ? x : fgsm(x, classes: y, epsilon: e)
                correct += zip(probabilities(adv).argmax(axis: -1), y).filter { $0 == $1 }.count
            }
            accuracies.append(Double(correct) / Double(Swift.max(set.count, 1)))
        }
        return AttackCurve(epsilons: epsilons, accuracies: accuracies, images: set.count)
    }

    /// The accuracy-against-epsilon plot of an attack curve.
    public static func plot(_ c: AttackCurve) -> LinePlot {
        var plot = LinePlot([.init("accuracy under FGSM attack", [.init("accuracy", c.accuracies, color: "#d62728")])])
        plot.xLabel = "epsilon"
        plot.xValues = c.epsilons.map(Double.init)
        return plot
    }
}
