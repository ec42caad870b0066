import Foundation
internal import CFFmpeg

extension AudioBuffer {
    /// Decodes a sound file: WAV, FLAC, Ogg/Vorbis, AIFF through libsndfile; MP3, AAC/M4A, Opus and
    /// the audio track of any video through FFmpeg. Resampled to `sampleRate` and downmixed to
    /// mono on request (libswresample).
    public static func read(_ path: String, sampleRate: Int? = nil, mono: Bool = false) throws -> AudioBuffer {
        if let r = sampleRate, r <= 0 || r > 1_000_000 { throw MediaError.unsupported(path: path, reason: "sample rate \(r)") }
        let head = try FileBytes.prefix(path, count: 4)
        if head.isEmpty { throw MediaError.corrupt(path: path, reason: "empty file") }
        let sndfileMagic = [Array("RIFF".utf8), Array("FORM".utf8), Array("fLaC".utf8), Array("RF64".utf8)].contains(head)
        var decoded: AudioBuffer?
        if let sf = try? SoundFile(reading: path), sf.isNativeFormat {
            decoded = try sf.readAll(maxSamples: MediaLimits.maxAudioSamples)
        } else if sndfileMagic {
            _ = try SoundFile(reading: path)   // throws libsndfile's own message for a damaged WAV/AIFF/FLAC
            throw MediaError.unsupported(path: path, reason: "libsndfile opened it but cannot decode this encoding")
        }
        if var buffer = decoded {
            if mono { buffer = buffer.mono() }
            if let r = sampleRate, r != buffer.sampleRate { buffer = try Resampler.convert(buffer, to: r, path: path) }
            return buffer
        }
        return try FFmpegAudio.decode(path: path, sampleRate: sampleRate, mono: mono)
    }

    /// Writes WAV or FLAC through libsndfile, atomically.
    public func write(_ path: String, format: AudioFileFormat? = nil) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        let fmt: AudioFileFormat
        if let format { fmt = format } else {
            switch ext {
            case "wav": fmt = .wav16
            case "flac": fmt = .flac16
            default: throw MediaError.unsupported(path: path, reason: "writes .wav or .flac")
            }
        }
        let tmp = AtomicWrite.temporaryPath(for: path)
        do {
            let sf = try SoundFile(writing: tmp, format: fmt.sndfile, sampleRate: sampleRate, channels: channels, reportAs: path)
            try sf.write(samples, frames: frames)
            sf.close()
        } catch {
            unlink(tmp)
            throw error
        }
        try AtomicWrite.commit(tmp, to: path)
    }
}

/// Audio decoding through FFmpeg, converted by libswresample to interleaved Float.
enum FFmpegAudio {
    static func decode(path: String, sampleRate: Int?, mono: Bool) throws -> AudioBuffer {
        let input = try FFmpegInput(path: path, media: AVMEDIA_TYPE_AUDIO)
        let par = input.parameters.pointee
        let inRate = Int(par.sample_rate), inChannels = Int(par.ch_layout.nb_channels)
        guard inRate > 0, inRate <= 1_000_000, inChannels > 0, inChannels <= 64 else {
            throw MediaError.corrupt(path: path, reason: "\(inChannels) channels at \(inRate) Hz")
        }
        let outRate = sampleRate ?? inRate, outChannels = mono ? 1 : inChannels
        let swr = try SwrBox(path: path, inLayout: par.ch_layout, inRate: inRate, inFormat: AVSampleFormat(rawValue: par.format),
                             outChannels: outChannels, outRate: outRate)
        var out: [Float] = []
        while try input.nextFrame() {
            let f = input.frame.frame
            // extended_data points at every plane (data[] holds only the first 8).
            let planes = UnsafeMutableRawPointer(f.pointee.extended_data).map { $0.assumingMemoryBound(to: UnsafePointer<UInt8>?.self) }
            try swr.convert(planes, count: Int(f.pointee.nb_samples), into: &out)
            if out.count > MediaLimits.maxAudioSamples { throw MediaError.tooLarge(path: path, reason: "more than \(MediaLimits.maxAudioSamples) samples") }
        }
        try swr.flush(into: &out)
        if out.isEmpty { throw MediaError.corrupt(path: path, reason: "no audio could be decoded") }
        return AudioBuffer(sampleRate: outRate, channels: outChannels, samples: out)
    }
}
