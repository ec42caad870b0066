import Foundation
import MediaIO
import Datasets
import RunKit
import Require

/// How `tag` reads a recording.
public struct TagOptions: Codable, Sendable, Equatable {
    /// Seconds of audio per window (nil: the model's clip length) and between windows.
    public var window: Double? = nil
    public var hop = 0.25
    /// Tags listed for a short clip.
    public var top = 3
    /// Windows whose best probability is below it get no tag.
    public var threshold: Float = 0.5
    /// Windows whose middle half is quieter than this (dB RMS, full scale 0 dB) are silent.
    public var silenceDB: Float = -45
    /// Longest recording read (seconds; nil: any length): a server's bound on one request.
    public var maxSeconds: Double? = nil
    public init() {}

    public func validate() throws {
        if let w = window { guard w >= 0.1, w <= 10 else { throw SettingsError(["window"], "must be in 0.1...10 seconds") } }
        guard hop >= 0.01, hop <= 10 else { throw SettingsError(["hop"], "must be in 0.01...10 seconds") }
        guard (1...100).contains(top) else { throw SettingsError(["top"], "must be in 1...100") }
        guard threshold >= 0, threshold <= 1 else { throw SettingsError(["threshold"], "must be in [0, 1]") }
        guard silenceDB.isFinite, silenceDB <= 0 else { throw SettingsError(["silence_db"], "must be a level in dB at or below 0") }
        if let m = maxSeconds { guard m > 0, m.isFinite else { throw SettingsError(["max_seconds"], "must be a positive number of seconds") } }
    }
}

/// A file's tags: a short clip's top tags, and the segments of the timeline (silence and
/// windows below the threshold are not segments).
public struct FileTags: Codable, Sendable {
    public var file: String
    public var duration: Double
    public var windows: Int
    public var top: [ClipTags.Tag]?
    public var segments: [TagSegment]
}

extension LoadedAudioTagger {
    /// Shortest file `tag` accepts.
    public static let shortestClip = 0.1

    /// Tags a sound file or a video's soundtrack, streamed in windows (memory stays bounded for
    /// hours of audio). A file no longer than 1.5 windows is one clip. `picture`: a PNG of the
    /// spectrogram with the segments under it (and an SVG with their names beside it).
    /// `progress(seconds done, duration if known)`.
    public func tag(file: String, options: TagOptions = TagOptions(), picture: String? = nil,
                    progress: (Double, Double?) -> Void = { _, _ in }) throws -> FileTags {
        try options.validate()
        let rate = features.sampleRate
        let stream = try AudioStream(path: file, sampleRate: rate)
        let win = Int(((options.window ?? features.clipSeconds) * Double(rate)).rounded())
        let hop = max(1, Int((options.hop * Double(rate)).rounded()))
        let extractor = try ClipFeatureExtractor(features)
        var timeline = TimelinePicture(rows: features.mels, framesPerSecond: Double(rate) / Double(features.hop))

        // Short clips: one prediction of the whole clip.
        let head = try readFully(stream, win + win / 2 + 1)
        guard head.allSatisfy({ $0.isFinite }) else { throw AppError.badInput(file, "audio samples that are not finite") }
        if head.count <= win + win / 2 {
            let d = Double(head.count) / Double(rate)
            guard d >= Self.shortestClip else {
                throw AppError.badInput(file, String(format: "%.3f s of audio is too short to tag (at least %.1f s)", d, Self.shortestClip))
            }
            let t = try tags(clip: head, top: options.top)
            let level = Self.levelDB(head[...])
            let best = t.top[0]
            var segments: [TagSegment] = []
            if level >= options.silenceDB && Float(best.probability) >= options.threshold {
                segments = [TagSegment(start: 0, end: d, tag: best.tag, confidence: best.probability)]
            }
            if let picture {
                timeline.add(extractor.logMelDB(features.fit(head)), seconds: min(d, features.clipSeconds))
                try timeline.write(picture, segments: segments, duration: min(d, features.clipSeconds), classes: classes)
            }
            return FileTags(file: file, duration: d, windows: 1, top: t.top, segments: segments)
        }

        // Long recordings: a window centred on every hop (the recording padded with half a window
        // of silence at both ends), decided in batches of 64. Window k speaks for the span of
        // one hop around its centre, and is silent when that span is.
        var decisions: [WindowDecision] = []
        let half = win / 2, span = max(hop, rate / 10)
        var buffer = [Float](repeating: 0, count: half) + head
        var bufferStart = 0   // padded index of buffer[0]; padded index = sample index + half
        var ended = false
        var pending: [(centre: Int, window: [Float])] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let p = probabilities(windows: pending.map(\.window), extractor: extractor)
            for (k, w) in pending.enumerated() {
                let centre = Double(w.centre) / Double(rate)
                let level = Self.levelDB(w.window[max(0, half - span / 2)..<min(win, half + span / 2)])
                decisions.append(TagSegmentation.decide(p[k], levelDB: level, silenceDB: options.silenceDB, threshold: options.threshold,
                                                        start: max(0, centre - options.hop / 2), end: centre + options.hop / 2))
                if picture != nil {
                    // The frames of the window's own span, for the picture.
                    let s = extractor.logMelDB(w.window)
                    let f0 = max(0, (half - hop / 2) / features.hop), f1 = min(s.frames, f0 + max(1, hop / features.hop))
                    timeline.add(s, frames: f0..<f1)
                }
            }
            pending.removeAll(keepingCapacity: true)
            progress(Double(bufferStart) / Double(rate), stream.duration)
        }
        var centre = 0   // sample index of the next window's centre = padded index of its start
        while true {
            while !ended && bufferStart + buffer.count < centre + win {
                let more = try stream.read(max(hop, 16_384))
                if more.isEmpty { ended = true } else {
                    guard more.allSatisfy({ $0.isFinite }) else { throw AppError.badInput(file, "audio samples that are not finite") }
                    buffer += more
                    if let m = options.maxSeconds, Double(bufferStart + buffer.count - half) > m * Double(rate) {
                        throw AppError.badInput(file, String(format: "longer than %.0f s, the most this tags in one go", m))
                    }
                }
            }
            if ended && centre >= bufferStart + buffer.count - half { break }   // past the last sample
            let offset = centre - bufferStart
            var w = Array(buffer[offset..<min(buffer.count, offset + win)])
            if w.count < win { w += [Float](repeating: 0, count: win - w.count) }
            pending.append((centre, w))
            if pending.count == 64 { try flush() }
            centre += hop
            // Drop what no later window needs.
            if centre - bufferStart > 4 * win { buffer.removeFirst(centre - bufferStart); bufferStart = centre }
        }
        try flush()
        let duration = Double(stream.position) / Double(rate)
        let segments = TagSegmentation.segments(decisions, classes: classes).map { s in
            var s = s; s.end = min(s.end, duration); return s
        }
        if let picture { try timeline.write(picture, segments: segments, duration: duration, classes: classes) }
        return FileTags(file: file, duration: duration, windows: decisions.count, top: nil, segments: segments)
    }

    /// Up to n samples, fewer only at the end of the stream.
    func readFully(_ s: AudioStream, _ n: Int) throws -> [Float] {
        var out: [Float] = []
        while out.count < n {
            let more = try s.read(n - out.count)
            if more.isEmpty { break }
            out += more
        }
        return out
    }

    /// RMS level in dB (full scale 0 dB).
    static func levelDB(_ x: ArraySlice<Float>) -> Float {
        let p = x.reduce(0) { $0 + $1 * $1 } / Float(max(1, x.count))
        return 10 * log10(max(p, 1e-12))
    }
}
