import NeuralCore
import MediaIO
import Require

/// Additive Gaussian noise as the denoising papers add it: standard deviation sigma/255 on images
/// in [0, 1], in float, no clipping or rounding, drawn from the given generator.
public enum GaussianNoise {
    /// x (N, C, H, W) plus noise of sigmas[n]/255 for sample n.
    public static func add(to x: Tensor, sigmas: [Float], using rng: inout RandomGenerator) -> Tensor {
        let n = x.shape[0], per = x.count / Swift.max(n, 1)
        require(sigmas.count == n, "GaussianNoise: \(sigmas.count) sigmas for \(n) samples")
        let noise = Tensor.normal(x.shape, using: &rng)
        let out = Tensor(uninitializedShape: x.shape)
        let px = x.storage.pointer, pn = noise.storage.pointer, po = out.storage.pointer
        for s in 0..<n {
            let k = sigmas[s] / 255
            for i in (s * per)..<((s + 1) * per) { po[i] = px[i] + k * pn[i] }
        }
        return out
    }
}

extension GaussianNoise {
    /// A picture with noise of sigma/255 on every channel, clipped to [0, 1] as a file stores it.
    public static func noisy(_ image: Image, sigma: Float, using rng: inout RandomGenerator) -> Image {
        let x = Tensor(shape: [1, image.channels, image.height, image.width], scalars: image.chw)
        let y = add(to: x, sigmas: [sigma], using: &rng).scalars.map { Swift.min(1, Swift.max(0, $0)) }
        return Image(chw: y, channels: image.channels, height: image.height, width: image.width)
    }

    /// Every frame of a video with noise (frame k from seed + k), same size (odd sides rounded up
    /// to even), frame rate and audio track; returns the frame count. Nothing is left at `output`
    /// on failure.
    public static func noisyVideo(_ input: String, to output: String, sigma: Float, seed: UInt64) throws -> Int {
        let source = try VideoDecoder(input, mode: .rgb)
        let sink = try VideoEncoder(output, width: (source.width + 1) / 2 * 2, height: (source.height + 1) / 2 * 2,
                                    frameRate: source.frameRate, audioFrom: source.hasAudio ? input : nil)
        var frames = 0
        while let frame = try source.nextFrame() {
            var rng = RandomGenerator(seed: seed &+ UInt64(frames))
            try sink.append(noisy(frame.image, sigma: sigma, using: &rng))
            frames += 1
        }
        guard frames > 0 else { throw MediaError.unsupported(path: input, reason: "the video has no frames") }
        try sink.finish()
        return frames
    }
}
