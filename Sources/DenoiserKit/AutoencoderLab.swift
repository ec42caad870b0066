import Foundation
import MediaIO
import Datasets
import RunKit
import SafeFiles
import NeuralCore

/// Pictures named by a user: files, or with a data set, indices into it (gray, at `size`).
public struct PictureSource {
    let set: ImageClassificationData?
    let source: String?

    public init(_ data: String?, size: Int) throws {
        source = data
        set = try data.map { try ImageClassificationData.load($0, channels: 1, height: size, width: size) }
    }

    public func picture(_ name: String) throws -> Image {
        guard let set, let source else { return try Image.read(name, mode: .gray) }
        guard let i = Int(name), i >= 0, i < set.count else { throw AppError.badInput(source, "\(name) is not an index into it (0..<\(set.count))") }
        let s = set.data.images.shape[2]
        return Image(chw: set.data.batch([i]).images.scalars, channels: 1, height: s, width: s)
    }
}

extension LoadedAutoencoder {
    /// The latent plot of `data` as `png` plus an SVG beside it, and for a 2-D latent the plane
    /// decoded on 15 x 15 codes (`<stem>-manifold.png`); the files written.
    public func writeLatent(_ data: ImageClassificationData, to png: String) throws -> [String] {
        let plot = latentPlot(data)
        try plot.png().write(png)
        let stem = (png as NSString).deletingPathExtension
        try AtomicFile.write(Data(plot.svg().utf8), to: stem + ".svg")
        guard model.latent == 2 else { return [png, stem + ".svg"] }
        try manifold(of: data.data.images, n: 15).upscaled(2).write(stem + "-manifold.png")
        return [png, stem + ".svg", stem + "-manifold.png"]
    }

    /// The walk from a to b written to `out`: a video there and back (8x larger frames at `fps`)
    /// when its extension is a video's (with the audio track of `audio`, copied), else a strip;
    /// the pictures written.
    public func writeWalk(_ a: Image, _ b: Image, steps: Int, fps: Double, audio: String? = nil, to out: String) throws -> Int {
        guard VideoDecoder.fileExtensions.contains((out as NSString).pathExtension.lowercased()) else {
            try interpolate(a, b, steps: steps).upscaled(3).write(out)
            return steps
        }
        let frames = walk(a, b, steps: steps).map { $0.upscaled(8).rgb() }
        let sink = try VideoEncoder(out, width: frames[0].width, height: frames[0].height, frameRate: fps, audioFrom: audio)
        for f in frames + frames.reversed() { try sink.append(f) }
        try sink.finish()
        return 2 * steps
    }
}

extension AutoencoderTraining {
    /// Whether `folder` holds an autoencoder's run (rather than a DnCNN's).
    public static func holdsRun(_ folder: String) -> Bool {
        (try? RunFolder.existing(folder).readConfig(AutoencoderSettings.self, program: "denoiser", marker: "latent")) != nil
    }
}

extension GaussianNoise {
    /// A picture or video file (by extension) with noise of sigma/255, gray kept gray; the
    /// frames of a video, nil for a picture.
    public static func addToFile(_ input: String, to out: String, sigma: Float, seed: UInt64) throws -> Int? {
        if VideoDecoder.fileExtensions.contains((input as NSString).pathExtension.lowercased()) {
            return try noisyVideo(input, to: out, sigma: sigma, seed: seed)
        }
        var rng = RandomGenerator(seed: seed)
        let image = try Image.read(input, mode: .rgb)
        try noisy(image.isGray ? image.grayscale() : image, sigma: sigma, using: &rng).write(out)
        return nil
    }
}
