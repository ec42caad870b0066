/// Why a safetensors file or a checkpoint could not be read or written. Every case names the file.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case truncated(path: String, reason: String)
    case headerLength(path: String, length: UInt64, fileSize: Int)
    case headerNotJSON(path: String, reason: String)
    case badEntry(path: String, name: String, reason: String)
    case unsupportedDType(path: String, name: String, dtype: String)
    case offsetsOutOfRange(path: String, name: String, begin: Int, end: Int, dataSize: Int)
    case overlapping(path: String, first: String, second: String)
    case missingTensors(path: String, names: [String])
    case unexpectedTensors(path: String, names: [String])
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(p, r): return "\(p): cannot open: \(r)"
        case let .truncated(p, r): return "\(p): not a safetensors file: \(r)"
        case let .headerLength(p, n, size): return "\(p): impossible header length \(n) for a file of \(size) bytes"
        case let .headerNotJSON(p, r): return "\(p): header is not a JSON object: \(r)"
        case let .badEntry(p, n, r): return "\(p): tensor '\(n)': \(r)"
        case let .unsupportedDType(p, n, d): return "\(p): tensor '\(n)' has unsupported dtype \(d)"
        case let .offsetsOutOfRange(p, n, b, e, s): return "\(p): tensor '\(n)' data [\(b), \(e)) lies outside the \(s) data bytes"
        case let .overlapping(p, a, b): return "\(p): tensors '\(a)' and '\(b)' overlap"
        case let .missingTensors(p, n): return "\(p): missing tensors: \(n.joined(separator: ", "))"
        case let .unexpectedTensors(p, n): return "\(p): unexpected tensors: \(n.joined(separator: ", "))"
        case let .shapeMismatch(p, n, e, f): return "\(p): tensor '\(n)' has shape \(f), the model expects \(e)"
        case let .cannotWrite(p, r): return "\(p): cannot write: \(r)"
        }
    }
}
