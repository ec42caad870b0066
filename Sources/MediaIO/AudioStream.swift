import Foundation
internal import CFFmpeg

/// A sound file (or a video's audio track) decoded piece by piece, as mono Float at one sample
/// rate, so an hour of audio never sits in memory whole. Any format FFmpeg reads (WAV and FLAC
/// too). `read(_:)` returns up to n samples, an empty array at the end.
public final class AudioStream {
    public let path: String
    public let sampleRate: Int
    /// The container's duration in seconds, when it states one.
    public let duration: Double?
    private let input: FFmpegInput
    private let swr: SwrBox
    private var pending: [Float] = []
    private var start = 0
    private var finished = false
    /// Samples handed out so far.
    public private(set) var position = 0

    public init(path: String, sampleRate: Int) throws {
        guard sampleRate > 0, sampleRate <= 1_000_000 else { throw MediaError.unsupported(path: path, reason: "sample rate \(sampleRate)") }
        if try FileBytes.prefix(path, count: 4).isEmpty { throw MediaError.corrupt(path: path, reason: "empty file") }
        self.path = path; self.sampleRate = sampleRate
        input = try FFmpegInput(path: path, media: AVMEDIA_TYPE_AUDIO)
        let par = input.parameters.pointee
        let inRate = Int(par.sample_rate), inChannels = Int(par.ch_layout.nb_channels)
        guard inRate > 0, inRate <= 1_000_000, inChannels > 0, inChannels <= 64 else {
            throw MediaError.corrupt(path: path, reason: "\(inChannels) channels at \(inRate) Hz")
        }
        swr = try SwrBox(path: path, inLayout: par.ch_layout, inRate: inRate, inFormat: AVSampleFormat(rawValue: par.format),
                         outChannels: 1, outRate: sampleRate)
        let d = input.format!.pointee.duration
        duration = d > 0 ? Double(d) / Double(AV_TIME_BASE) : nil
    }

    /// The next up to `count` samples; empty at the end of the stream.
    public func read(_ count: Int) throws -> [Float] {
        while pending.count - start < count && !finished {
            if start > 0 && start >= pending.count / 2 { pending.removeFirst(start); start = 0 }
            if try input.nextFrame() {
                let f = input.frame.frame
                let planes = UnsafeMutableRawPointer(f.pointee.extended_data).map { $0.assumingMemoryBound(to: UnsafePointer<UInt8>?.self) }
                try swr.convert(planes, count: Int(f.pointee.nb_samples), into: &pending)
            } else {
                try swr.flush(into: &pending)
                finished = true
            }
        }
        let n = min(count, pending.count - start)
        let out = Array(pending[start..<(start + n)])
        start += n; position += n
        if start == pending.count { pending.removeAll(keepingCapacity: true); start = 0 }
        return out
    }
}
