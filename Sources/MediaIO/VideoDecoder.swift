import Foundation
internal import CFFmpeg
import Require

/// One decoded video frame: its presentation time and the picture (RGB).
public struct VideoFrame: Sendable {
    public let time: Double
    public let image: Image
}

/// Reads any container/codec FFmpeg reads (MP4/H.264, WebM/VP9, AVI, MKV, ...): size, frame rate,
/// duration, and decoded frames as RGB images, optionally thinned; seek by time.
public final class VideoDecoder {
    /// File name extensions the programs treat as video.
    public static let fileExtensions: Set<String> = ["mp4", "mkv", "webm", "avi", "mov", "m4v"]

    public let path: String
    public let width: Int, height: Int
    /// Frames per second (the stream's average, else its nominal rate).
    public let frameRate: Double
    /// Seconds (container duration, else the stream's).
    public let duration: Double
    /// The stream's frame count when the container states it.
    public let declaredFrameCount: Int?
    /// Whether the file also carries an audio track.
    public let hasAudio: Bool

    private let input: FFmpegInput
    private let converter = FrameToImage()
    private let mode: ColorMode

    public init(_ path: String, mode: ColorMode = .rgb) throws {
        self.path = path
        self.mode = mode
        input = try FFmpegInput(path: path, media: AVMEDIA_TYPE_VIDEO)
        let par = input.parameters.pointee
        guard par.width > 0, par.height > 0, Int(par.width) <= MediaLimits.maxImageSide, Int(par.height) <= MediaLimits.maxImageSide else {
            throw MediaError.tooLarge(path: path, reason: "video size \(par.width)x\(par.height)")
        }
        width = Int(par.width); height = Int(par.height)
        let st = input.stream.pointee
        func rate(_ r: AVRational) -> Double { r.den > 0 && r.num > 0 ? Double(r.num) / Double(r.den) : 0 }
        frameRate = rate(st.avg_frame_rate) > 0 ? rate(st.avg_frame_rate) : rate(st.r_frame_rate)
        let fmtDuration = input.format!.pointee.duration
        if fmtDuration > 0 && fmtDuration != dm_av_nopts_value() {
            duration = Double(fmtDuration) / Double(AV_TIME_BASE)
        } else if st.duration > 0 && st.duration != dm_av_nopts_value() {
            duration = Double(st.duration) * Double(st.time_base.num) / Double(st.time_base.den)
        } else {
            duration = 0
        }
        declaredFrameCount = st.nb_frames > 0 ? Int(st.nb_frames) : nil
        hasAudio = av_find_best_stream(input.format, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0) >= 0
    }

    /// The next frame, or nil at the end.
    public func nextFrame() throws -> VideoFrame? {
        guard try input.nextFrame() else { return nil }
        let image = try converter.convert(input.frame.frame, channels: mode.channels, path: path)
        return VideoFrame(time: input.frameTime ?? 0, image: image)
    }

    /// Every frame from the current position; every `every`-th one, or about `fps` per second when given.
    public func frames(every: Int = 1, fps: Double? = nil) throws -> [VideoFrame] {
        require(every >= 1, "frames: every must be >= 1")
        var out: [VideoFrame] = []
        var index = 0
        var nextTime = -Double.infinity
        while let f = try nextFrame() {
            defer { index += 1 }
            if let fps {
                if f.time + 1e-6 < nextTime { continue }
                nextTime = (nextTime.isFinite ? nextTime : f.time) + 1 / fps
                out.append(f)
            } else if index % every == 0 {
                out.append(f)
            }
        }
        return out
    }

    /// Moves to the first frame at or after `seconds` (decoding forward from the keyframe before it).
    public func seek(to seconds: Double) throws {
        try input.seek(seconds: Swift.max(0, seconds))
        pendingSkip = seconds
    }

    private var pendingSkip: Double?

    /// After a seek, the first frame at or after the target time.
    public func frameAfterSeek() throws -> VideoFrame? {
        let target = pendingSkip ?? 0
        pendingSkip = nil
        while let f = try nextFrame() {
            if f.time + 1e-6 >= target { return f }
        }
        return nil
    }
}
