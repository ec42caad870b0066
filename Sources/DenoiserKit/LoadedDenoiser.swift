import Foundation
import NeuralCore
import MediaIO
import Models
import RunKit
import Require

/// One image's scores in an evaluation: PSNR and SSIM of the denoised and of the noisy picture.
public struct DenoisedScore: Codable, Sendable {
    public var file: String
    public var psnr: Double, ssim: Double
    public var noisyPSNR: Double, noisySSIM: Double
}

/// The standard protocol's result: mean scores and the per-image ones.
public struct DenoiserEvaluation: Codable, Sendable {
    public var sigma: Float
    public var count: Int
    public var psnr: Double, ssim: Double
    public var noisyPSNR: Double, noisySSIM: Double
    public var perImage: [DenoisedScore]
}

/// A trained denoiser (DnCNN or U-Net) from a checkpoint written by DenoiserTraining. Its verbs run under
/// `inference` and never change the model, so one loaded denoiser serves several tasks.
public final class LoadedDenoiser: @unchecked Sendable {
    public let model: any DenoisingNetwork
    public let shape: DenoiserShape
    /// The fixed sigma it was trained for, or nil for a blind model.
    public let trainedSigma: Float?
    /// Orientations each picture is denoised in and averaged (1, 2, 4 or 8; see SelfEnsemble).
    public var ensemble = 1 {
        didSet { require(SelfEnsemble.sizes.contains(ensemble), "LoadedDenoiser: ensemble \(ensemble) (1, 2, 4 or 8)") }
    }

    public static func load(_ path: String) throws -> LoadedDenoiser {
        let st = try SafetensorsFile.read(path: path)
        let m = st.metadata
        guard m["kind"] == "denoiser" else {
            throw AppError.badInput(path, "not a denoiser model (\(m["kind"].map { "a \($0) model" } ?? m["arch"].map { "a \($0) checkpoint of the image classifier" } ?? "no denoiser metadata"))")
        }
        let shape = try DenoiserShape(metadata: m, path: path)
        var rng = RandomGenerator(seed: 0)
        let model = shape.network(rng: &rng)
        do { try model.load(st, path: path) } catch let e as SafetensorsError { throw AppError.badInput(path, "weights do not match the metadata (\(e))") }
        model.eval()
        return LoadedDenoiser(model: model, shape: shape, trainedSigma: m["sigma"].flatMap(Float.init))
    }

    init(model: any DenoisingNetwork, shape: DenoiserShape, trainedSigma: Float?) {
        self.model = model; self.shape = shape; self.trainedSigma = trainedSigma
    }

    /// A gray model on any picture: each channel of a colour picture denoised on its own, in
    /// `ensemble` orientations (default: the `ensemble` property). Large pictures go through in
    /// tiles of 256 pixels (512 for a U-Net) with an overlap of the receptive radius.
    /// `progress(done, total)` follows the passes (channels x orientations).
    public func denoise(_ image: Image, ensemble: Int? = nil, progress: ((_ done: Int, _ total: Int) -> Void)? = nil) -> Image {
        denoise(image, ensemble: ensemble ?? self.ensemble, cancellation: NoCancellation(), progress: progress)!
    }

    /// As above; nil when `cancellation` fired (checked before each pass).
    func denoise(_ image: Image, ensemble count: Int, cancellation: any Cancellation,
                 progress: ((_ done: Int, _ total: Int) -> Void)?) -> Image? {
        require(SelfEnsemble.sizes.contains(count), "LoadedDenoiser: ensemble \(count) (1, 2, 4 or 8)")
        var out = image
        // A colour picture whose channels are equal (a gray one stored as RGB) is denoised once.
        if image.channels == 3 && image.isGray {
            guard let once = denoise(image.grayscale(), ensemble: count, cancellation: cancellation, progress: progress) else { return nil }
            for i in 0..<(image.width * image.height) { for c in 0..<3 { out.pixels[3 * i + c] = once.pixels[i] } }
            return out
        }
        var done = 0, stopped = false
        for c in 0..<image.channels {
            let plane = (0..<(image.width * image.height)).map { image.pixels[$0 * image.channels + c] }
            let y = SelfEnsemble.apply(plane, height: image.height, width: image.width, count: count) { p, h, w in
                if stopped || cancellation.isCancelled { stopped = true; return p }
                let y = inference { TiledInference.apply(Tensor(shape: [1, 1, h, w], scalars: p), model: model) }.scalars
                done += 1
                progress?(done, image.channels * count)
                return y
            }
            if stopped { return nil }
            for i in 0..<(image.width * image.height) { out.pixels[i * image.channels + c] = y[i] }
        }
        return out
    }

    /// Orientations for a picture file when none are asked for: 8 up to 1 megapixel, 1 above
    /// (eight passes over a colour photo of several megapixels take minutes on two cores).
    public static func defaultEnsemble(pixels: Int) -> Int { pixels <= 1_000_000 ? 8 : 1 }

    /// A picture file denoised into `target` (a gray one stays gray) in `ensemble` orientations,
    /// or `defaultEnsemble` when nil; returns the number used, or nil when `cancellation` fired
    /// (nothing written then).
    @discardableResult
    public func denoise(file: String, to target: String, ensemble: Int? = nil, cancellation: any Cancellation = NoCancellation(),
                        progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> Int? {
        let image = try Image.read(file, mode: .rgb)
        let count = ensemble ?? Self.defaultEnsemble(pixels: image.width * image.height)
        guard let out = denoise(image.isGray ? image.grayscale() : image, ensemble: count, cancellation: cancellation, progress: progress) else { return nil }
        try out.write(target)
        return count
    }

    /// The standard protocol on clean pictures: noise of sigma/255 added in float from `seed`
    /// (no clipping or rounding), denoised, PSNR and SSIM against the clean picture.
    public func evaluate(_ images: [(file: String, image: Image)], sigma: Float, seed: UInt64) -> DenoiserEvaluation {
        var rng = RandomGenerator(seed: seed)
        var scores: [DenoisedScore] = []
        for (file, clean) in images {
            let x = Tensor(shape: [1, clean.channels, clean.height, clean.width], scalars: clean.chw)
            let noisyT = GaussianNoise.add(to: x, sigmas: [sigma], using: &rng)
            let noisy = Image(chw: noisyT.scalars, channels: clean.channels, height: clean.height, width: clean.width)
            let out = denoise(noisy)
            scores.append(DenoisedScore(file: file, psnr: ImageQuality.psnr(out, clean), ssim: ImageQuality.ssim(out, clean),
                                        noisyPSNR: ImageQuality.psnr(noisy, clean), noisySSIM: ImageQuality.ssim(noisy, clean)))
        }
        func mean(_ k: KeyPath<DenoisedScore, Double>) -> Double { scores.map { $0[keyPath: k] }.reduce(0, +) / Double(Swift.max(scores.count, 1)) }
        return DenoiserEvaluation(sigma: sigma, count: scores.count, psnr: mean(\.psnr), ssim: mean(\.ssim),
                                  noisyPSNR: mean(\.noisyPSNR), noisySSIM: mean(\.noisySSIM), perImage: scores)
    }
}
