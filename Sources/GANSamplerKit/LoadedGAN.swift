import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit

/// What `evaluate` reports: the judge's scores of generated samples, and of real images of the
/// data set beside them as the reference.
public struct GANEvaluation: Codable, Sendable {
    public struct Scores: Codable, Sendable {
        public var count: Int
        public var inceptionScore: Double
        /// Between these and as many further real images (nil where the set has too few).
        public var frechetDistance: Double?
        public var classHistogram: [Int]
    }
    public var count: Int
    public var inceptionScore: Double
    /// Against real images of --data (nil without them).
    public var frechetDistance: Double?
    public var classHistogram: [Int]
    /// Share of conditional samples the judge puts in the class asked for.
    public var classAgreement: Double?
    public var judge: String
    public var real: Scores?
}

/// A trained generator from a checkpoint written by GANTraining. Its verbs run under `inference`
/// and never change the model, so one loaded GAN serves several tasks at once.
public final class LoadedGAN: @unchecked Sendable {
    public let generator: DCGANGenerator
    public var latent: Int { generator.latent }
    public var classes: Int { generator.classes }

    public static func load(_ path: String) throws -> LoadedGAN {
        let st = try SafetensorsFile.read(path: path)
        let m = st.metadata
        guard m["kind"] == "gan" else {
            throw AppError.badInput(path, "not a GAN model (\(m["kind"].map { "a \($0) model" } ?? m["arch"].map { "a \($0) checkpoint of the image classifier" } ?? "no gan metadata"))")
        }
        guard let latent = m["latent"].flatMap(Int.init), (1...1024).contains(latent), let classes = m["classes"].flatMap(Int.init), (0...1000).contains(classes),
              let channels = m["channels"].flatMap(Int.init), channels == 1 || channels == 3 else {
            throw AppError.badInput(path, "GAN metadata is incomplete or invalid")
        }
        var rng = RandomGenerator(seed: 0)
        let pair = GANPair(generator: DCGANGenerator(latent: latent, classes: classes, channels: channels, rng: &rng),
                           discriminator: DCGANDiscriminator(classes: classes, channels: channels, rng: &rng))
        do { try pair.load(st, path: path) } catch let e as SafetensorsError { throw AppError.badInput(path, "weights do not match the metadata (\(e))") }
        pair.generator.eval()
        return LoadedGAN(generator: pair.generator)
    }

    init(generator: DCGANGenerator) { self.generator = generator }

    func check(_ cls: Int?) throws {
        if let c = cls {
            guard classes > 0 else { throw AppError.badInput("--class", "this GAN is unconditional: it takes no class") }
            guard (0..<classes).contains(c) else { throw AppError.badInput("--class", "\(c) is not a class of this model (0...\(classes - 1))") }
        }
    }

    /// The latent vector of a seed (N(0, 1), latent numbers).
    public func noise(seed: UInt64, count: Int = 1) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return .normal([count, latent], using: &rng)
    }

    /// `count` samples (N, C, 28, 28) in [-1, 1] from the seed: all of class `cls`, or the
    /// classes in turn (0, 1, ..., 0, 1, ...) for a conditional GAN.
    public func sample(count: Int, cls: Int? = nil, seed: UInt64) throws -> (images: Tensor, labels: [Int]) {
        guard (1...100_000).contains(count) else { throw AppError.badInput("--count", "\(count) must be in 1...100000") }
        try check(cls)
        let z = noise(seed: seed, count: count)
        guard classes > 0 else { return (inference { generator(z) }, []) }
        let labels = (0..<count).map { cls ?? $0 % classes }
        var out: [Tensor] = []
        for lo in stride(from: 0, to: count, by: 1000) {
            let hi = min(count, lo + 1000)
            let zz = withoutGrad { z.slice(axis: 0, lo..<hi) }
            out.append(inference { generator(zz, labels: Array(labels[lo..<hi])) })
        }
        return (out.count == 1 ? out[0] : Tensor.concatenate(out, axis: 0), labels)
    }

    /// `count` unit directions of the latent space, orthogonal to each other, fixed by `seed`:
    /// the handles of the steering sliders. (count, latent)
    public func directions(count: Int, seed: UInt64 = 7) -> [[Float]] {
        var rng = RandomGenerator(seed: seed)
        var out: [[Float]] = []
        for _ in 0..<Swift.min(count, latent) {
            var v = (0..<latent).map { _ in rng.normal() }
            for u in out { let d = zip(v, u).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, u).map { $0 - d * $1 } }
            let n = Swift.max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
            out.append(v.map { $0 / n })
        }
        return out
    }

    /// Samples as `sample(count:cls:seed:)` draws them, each latent vector moved by
    /// `offsets[i]` standard deviations along `directions(count: offsets.count)[i]`.
    public func steered(count: Int, cls: Int?, seed: UInt64, offsets: [Float]) throws -> (images: Tensor, labels: [Int]) {
        guard (1...1000).contains(count) else { throw AppError.badInput("count", "\(count) must be in 1...1000") }
        guard offsets.count <= latent, offsets.allSatisfy({ $0.isFinite }) else { throw AppError.badInput("offsets", "at most \(latent) finite numbers") }
        try check(cls)
        var z = noise(seed: seed, count: count).scalars
        for (u, k) in zip(directions(count: offsets.count), offsets) {
            for i in 0..<count { for j in 0..<latent { z[i * latent + j] += k * u[j] } }
        }
        let zt = Tensor(shape: [count, latent], scalars: z)
        guard classes > 0 else { return (inference { generator(zt) }, []) }
        let labels = (0..<count).map { cls ?? $0 % classes }
        return (inference { generator(zt, labels: labels) }, labels)
    }

    /// A spherical walk from the noise of `fromSeed` to that of `toSeed`, the class code blended
    /// from `fromClass` to `toClass` (conditional GANs); `steps` pictures, ends included.
    public func interpolate(fromSeed: UInt64, toSeed: UInt64, fromClass: Int?, toClass: Int?, steps: Int) throws -> [Image] {
        guard (2...10_000).contains(steps) else { throw AppError.badInput("--steps", "\(steps) must be in 2...10000") }
        try check(fromClass); try check(toClass)
        let a = noise(seed: fromSeed).scalars, b = noise(seed: toSeed).scalars
        let z = Tensor(shape: [steps, latent], scalars: (0..<steps).flatMap { Self.slerp(a, b, Float($0) / Float(steps - 1)) })
        guard classes > 0 else { return SampleGrid.images(inference { generator(z) }) }
        let c0 = fromClass ?? 0, c1 = toClass ?? c0
        var codes = [Float](repeating: 0, count: steps * classes)
        for k in 0..<steps {
            let t = Float(k) / Float(steps - 1)
            codes[k * classes + c0] += 1 - t; codes[k * classes + c1] += t
        }
        return SampleGrid.images(inference { generator(z, classCodes: Tensor(shape: [steps, classes], scalars: codes)) })
    }

    /// The walk written to `out`: a video (8x larger frames at `fps`) when its extension is a
    /// video's, else a strip of 2x pictures; the pictures written.
    public func writeWalk(fromSeed: UInt64, toSeed: UInt64, fromClass: Int?, toClass: Int?, steps: Int, fps: Double, to out: String) throws -> Int {
        let frames = try interpolate(fromSeed: fromSeed, toSeed: toSeed, fromClass: fromClass, toClass: toClass, steps: steps)
        guard VideoDecoder.fileExtensions.contains((out as NSString).pathExtension.lowercased()) else {
            try Image.strip(frames.map { $0.upscaled(2) }).write(out)
            return steps
        }
        let big = frames.map { $0.upscaled(8).rgb() }
        let video = try VideoEncoder(out, width: big[0].width, height: big[0].height, frameRate: fps)
        for f in big { try video.append(f) }
        try video.finish()
        return steps
    }

    /// Spherical interpolation of two vectors (linear where they are parallel).
    static func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let cosine = max(-1, min(1, zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / max(na * nb, 1e-12)))
        let omega = acos(cosine)
        if omega < 1e-4 { return zip(a, b).map { $0 + t * ($1 - $0) } }
        let wa = sin((1 - t) * omega) / sin(omega), wb = sin(t * omega) / sin(omega)
        return zip(a, b).map { wa * $0 + wb * $1 }
    }

    /// The judge's scores of `count` samples (classes in turn), and of real images from `data`.
    public func evaluate(count: Int, seed: UInt64, judge: SampleJudge, data: String?) throws -> GANEvaluation {
        guard generator.channels == 1 else { throw AppError.badInput("--model", "the digit judge scores gray 28x28 samples; this GAN makes colour ones") }
        let (x, labels) = try sample(count: count, seed: seed)
        let (p, f) = judge.judge((x + 1) * 0.5)
        let c = judge.classNames.count
        var agreement: Double?
        if classes == c { agreement = Double(zip(labels, SampleQuality.predicted(p, classes: c)).filter { $0 == $1 }.count) / Double(count) }
        var fd: Double?, real: GANEvaluation.Scores?
        if let data {
            // `count` real images against the generated ones; the next `count` (where the set
            // has them) against the first, the distance between two real samples.
            let set = try ImageClassificationData.load(data, channels: 1, height: 28, width: 28, limit: 2 * count)
            let n = min(count, set.count)
            let (rp, rf) = judge.judge(withoutGrad { set.data.images.slice(axis: 0, 0..<n) })
            let realGaussian = SampleQuality.gaussian(rf, dims: 128)
            fd = SampleQuality.frechetDistance(SampleQuality.gaussian(f, dims: 128), realGaussian)
            var realFD: Double?
            if set.count >= n + 2 {
                let other = judge.judge(withoutGrad { set.data.images.slice(axis: 0, n..<set.count) }).features
                realFD = SampleQuality.frechetDistance(SampleQuality.gaussian(other, dims: 128), realGaussian)
            }
            real = .init(count: n, inceptionScore: SampleQuality.inceptionScore(rp, classes: c), frechetDistance: realFD,
                         classHistogram: SampleQuality.histogram(rp, classes: c))
        }
        return GANEvaluation(count: count, inceptionScore: SampleQuality.inceptionScore(p, classes: c), frechetDistance: fd,
                             classHistogram: SampleQuality.histogram(p, classes: c), classAgreement: agreement, judge: judge.path, real: real)
    }
}
