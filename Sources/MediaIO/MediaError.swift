/// Why a media or data file could not be read or written. Every case names the file; library
/// failures carry the library's own message (FFmpeg's av_strerror, sf_strerror, libjpeg's).
public enum MediaError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case library(path: String, library: String, message: String)
    case tooLarge(path: String, reason: String)
    case unsupported(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(p, r): return "\(p): cannot open: \(r)"
        case let .corrupt(p, r): return "\(p): corrupt or unsupported: \(r)"
        case let .library(p, lib, m): return "\(p): \(lib): \(m)"
        case let .tooLarge(p, r): return "\(p): refused: \(r)"
        case let .unsupported(p, r): return "\(p): unsupported: \(r)"
        case let .cannotWrite(p, r): return "\(p): cannot write: \(r)"
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case let .cannotOpen(p, _), let .corrupt(p, _), let .library(p, _, _), let .tooLarge(p, _),
             let .unsupported(p, _), let .cannotWrite(p, _): return p
        }
    }
}

/// Limits checked before allocating for a decoded image, audio or video.
public enum MediaLimits {
    /// Largest image side accepted.
    public static let maxImageSide = 32_768
    /// Largest image (pixels) accepted.
    public static let maxImagePixels = 1 << 28
    /// Most audio samples (all channels) decoded into memory.
    public static let maxAudioSamples = 1 << 31
}
