/// Why a media or data file could not be read or written. Every case names the file.
public enum MediaError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case tooLarge(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(p, r): return "\(p): cannot open: \(r)"
        case let .corrupt(p, r): return "\(p): corrupt or unsupported: \(r)"
        case let .tooLarge(p, r): return "\(p): refused: \(r)"
        case let .cannotWrite(p, r): return "\(p): cannot write: \(r)"
        }
    }
}
