import Foundation
import MediaIO
import RunKit

/// What `LoadedDenoiser.denoise(video:to:)` did.
public struct VideoDenoiseReport: Codable, Sendable {
    public var input: String, output: String
    public var frames: Int, width: Int, height: Int
    /// The source's frame rate, kept in the output.
    public var frameRate: Double
    /// Whether an audio track was copied over.
    public var audio: Bool
    public var seconds: Double
    public var framesPerSecond: Double
    /// Stopped by the caller; nothing was written.
    public var cancelled: Bool
}

extension LoadedDenoiser {
    /// Every frame of a video (any container FFmpeg reads) denoised as a picture is (a gray model
    /// on each colour channel, in tiles), written with the same frame rate and the audio track
    /// copied unchanged; the size is kept, odd sides rounded up to even (4:2:0 video).
    /// `progress(framesDone, framesDeclared)` after each frame. Written to a temporary name and
    /// renamed at the end: when cancelled or failing, nothing is left at `output`.
    public func denoise(video input: String, to output: String, cancellation: any Cancellation = NoCancellation(),
                        progress: (Int, Int?) -> Void = { _, _ in }) throws -> VideoDenoiseReport {
        let source = try VideoDecoder(input, mode: .rgb)
        let width = (source.width + 1) / 2 * 2, height = (source.height + 1) / 2 * 2
        let start = Date()
        var frames = 0, cancelled = false
        do {
            let sink = try VideoEncoder(output, width: width, height: height, frameRate: source.frameRate,
                                        audioFrom: source.hasAudio ? input : nil)
            while let frame = try source.nextFrame() {
                if cancellation.isCancelled { cancelled = true; break }
                try sink.append(denoise(frame.image))
                frames += 1
                progress(frames, source.declaredFrameCount)
            }
            if frames == 0 && !cancelled { throw AppError.badInput(input, "the video has no frames") }
            if !cancelled { try sink.finish() }
        }
        let seconds = Date().timeIntervalSince(start)
        return VideoDenoiseReport(input: input, output: output, frames: frames, width: width, height: height,
                                  frameRate: source.frameRate, audio: source.hasAudio, seconds: seconds,
                                  framesPerSecond: Double(frames) / Swift.max(seconds, 1e-9), cancelled: cancelled)
    }
}
