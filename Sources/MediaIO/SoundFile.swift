import Foundation
import SafeFiles
internal import CSndFile

/// An open libsndfile handle (WAV, FLAC, Ogg/Vorbis, AIFF, ...), closed in deinit. Errors carry
/// sf_strerror's message.
final class SoundFile {
    let path: String
    private var handle: OpaquePointer?
    var info = SF_INFO()

    /// Opens for reading.
    init(reading path: String) throws {
        self.path = path
        if let problem = RegularFile.problem(path) { throw MediaError.cannotOpen(path: path, reason: problem) }
        handle = sf_open(path, Int32(SFM_READ), &info)
        guard handle != nil else { throw SoundFile.error(path, nil) }
    }

    /// Opens `path` for writing (the caller renames it into place when done).
    init(writing path: String, format: Int32, sampleRate: Int, channels: Int, reportAs: String) throws {
        self.path = path
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format
        guard sf_format_check(&info) != 0 else {
            throw MediaError.unsupported(path: reportAs, reason: "libsndfile cannot write this format at \(sampleRate) Hz, \(channels) channels")
        }
        handle = sf_open(path, Int32(SFM_WRITE), &info)
        guard handle != nil else { throw SoundFile.error(reportAs, nil) }
    }

    deinit { close() }

    func close() {
        if let h = handle { sf_close(h) }
        handle = nil
    }

    static func error(_ path: String, _ h: OpaquePointer?) -> MediaError {
        .library(path: path, library: "libsndfile", message: String(cString: sf_strerror(h)))
    }

    /// True for the containers this adapter reads (the rest go to FFmpeg).
    var isNativeFormat: Bool {
        let major = info.format & Int32(SF_FORMAT_TYPEMASK)
        let sub = info.format & Int32(SF_FORMAT_SUBMASK)
        let majors: [Int32] = [Int32(SF_FORMAT_WAV), Int32(SF_FORMAT_WAVEX), Int32(SF_FORMAT_AIFF), Int32(SF_FORMAT_FLAC),
                               Int32(SF_FORMAT_W64), Int32(SF_FORMAT_RF64), Int32(SF_FORMAT_AU), Int32(SF_FORMAT_CAF)]
        return majors.contains(major) || (major == Int32(SF_FORMAT_OGG) && sub == Int32(SF_FORMAT_VORBIS))
    }

    /// All frames, read in chunks (never allocating from the header's claim alone).
    func readAll(maxSamples: Int) throws -> AudioBuffer {
        let ch = Int(info.channels)
        guard ch > 0, ch <= 64, info.samplerate > 0, info.samplerate <= 1_000_000 else {
            throw MediaError.corrupt(path: path, reason: "\(info.channels) channels at \(info.samplerate) Hz")
        }
        guard info.frames >= 0, Int(info.frames) <= maxSamples / ch else {
            throw MediaError.tooLarge(path: path, reason: "header declares \(info.frames) frames")
        }
        var samples: [Float] = []
        samples.reserveCapacity(Swift.min(Int(info.frames) * ch, 1 << 24))
        var chunk = [Float](repeating: 0, count: 65_536 * ch)
        while true {
            let n = Int(sf_readf_float(handle, &chunk, 65_536))
            if n <= 0 { break }
            samples += chunk[0..<(n * ch)]
            if samples.count > maxSamples { throw MediaError.tooLarge(path: path, reason: "more than \(maxSamples) samples") }
        }
        if sf_error(handle) != 0 { throw SoundFile.error(path, handle) }
        if samples.isEmpty && info.frames > 0 { throw MediaError.corrupt(path: path, reason: "no samples could be read") }
        return AudioBuffer(sampleRate: Int(info.samplerate), channels: ch, samples: samples)
    }

    func write(_ samples: [Float], frames: Int) throws {
        let n = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        if n != frames { throw SoundFile.error(path, handle) }
    }
}

/// Sample formats for writing.
public enum AudioFileFormat: Sendable {
    case wav16, wav24, wavFloat, flac16, flac24

    var sndfile: Int32 {
        switch self {
        case .wav16: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wav24: return Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_24)
        case .wavFloat: return Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac16: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .flac24: return Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        }
    }
}
