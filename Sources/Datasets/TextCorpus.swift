import MediaIO

/// A UTF-8 text file as Unicode scalars (the units a char-RNN reads and writes).
public enum TextFile {
    /// The file's scalars; a missing file, a folder, bytes that are not UTF-8 or an empty file
    /// is a MediaError naming the file (with the byte offset of the first bad sequence).
    /// FNV-1a (64 bit) of a text's scalars, as 16 hex digits: tells a run that its text changed.
    public static func checksum(_ text: [Unicode.Scalar]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in text { h = (h ^ UInt64(c.value)) &* 0x100_0000_01b3 }
        return String(h, radix: 16).leftPadded(to: 16)
    }

    public static func read(_ path: String) throws -> [Unicode.Scalar] {
        let bytes = try FileBytes.read(path)
        guard !bytes.isEmpty else { throw MediaError.corrupt(path: path, reason: "the file is empty") }
        return try decode(bytes, path: path)
    }

    /// Strict UTF-8 decoding: the first invalid sequence is an error, never a replacement character.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(bytes.count)
        var decoder = UTF8()
        var it = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&it) {
            case let .scalarValue(s): out.append(s); offset += UTF8.width(s)
            case .emptyInput: return out
            case .error: throw MediaError.corrupt(path: path, reason: "not UTF-8 text (invalid byte sequence at byte \(offset))")
            }
        }
    }

    /// Splits off the last `fraction` of a text as validation, cut just after a line break
    /// (as PyTorch's peer does), so both parts start at the beginning of a line.
    public static func split(_ text: [Unicode.Scalar], validationFraction fraction: Double) -> (train: [Unicode.Scalar], validation: [Unicode.Scalar]) {
        guard fraction > 0 else { return (text, []) }
        let target = Int(Double(text.count) * (1 - fraction))
        var cut = min(max(target, 0), text.count)
        while cut > 0 && text[cut - 1] != "\n" { cut -= 1 }
        if cut == 0 { cut = min(max(target, 0), text.count) }   // no line break before the cut: cut where asked
        return (Array(text[..<cut]), Array(text[cut...]))
    }
}

/// The characters a model knows, in code-point order; stored in checkpoints as one string.
public struct Vocabulary: Equatable, Sendable {
    public let scalars: [Unicode.Scalar]
    private let index: [Unicode.Scalar: Int]

    public init(of text: [Unicode.Scalar]) { self.init(scalars: Array(Set(text)).sorted { $0.value < $1.value }) }

    public init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        var index: [Unicode.Scalar: Int] = [:]
        for (i, s) in scalars.enumerated() { index[s] = i }
        self.index = index
    }

    /// From the checkpoint form (the characters in order, as one string).
    public init?(stored: String) {
        let s = Array(stored.unicodeScalars)
        guard !s.isEmpty, Set(s).count == s.count else { return nil }
        self.init(scalars: s)
    }

    public var stored: String { String(String.UnicodeScalarView(scalars)) }
    public var count: Int { scalars.count }
    public func id(_ s: Unicode.Scalar) -> Int? { index[s] }

    /// Token ids of a text; characters outside the vocabulary become `fallback` (the space if
    /// known, else 0) and are marked false in `known`.
    public func encode(_ text: [Unicode.Scalar]) -> (ids: [Int], known: [Bool]) {
        let fallback = index[" "] ?? 0
        var ids = [Int](repeating: fallback, count: text.count), known = [Bool](repeating: true, count: text.count)
        for (i, s) in text.enumerated() {
            if let j = index[s] { ids[i] = j } else { known[i] = false }
        }
        return (ids, known)
    }

    public func decode(_ ids: [Int]) -> String { String(String.UnicodeScalarView(ids.map { scalars[$0] })) }
}

/// A token sequence cut into `batch` contiguous streams read in windows of `steps`, so that window
/// w+1 of stream b continues window w of stream b (the hidden state carries over: truncated
/// backpropagation through time). Each pass starts at an offset in [0, steps); every pass has the
/// same number of windows.
public struct CharStreams: Sendable {
    public let ids: [Int]
    public let batch: Int, steps: Int

    public init(ids: [Int], batch: Int, steps: Int) {
        self.ids = ids; self.batch = batch; self.steps = steps
    }

    /// Stream length (inputs) with the largest offset, a whole number of windows.
    var streamLength: Int { (ids.count - steps) / batch / steps * steps }
    /// Windows in one pass over the text (0 when the text is too short for one window per stream).
    public var windowsPerPass: Int { ids.count > steps ? streamLength / steps : 0 }

    /// Window `w` of the pass starting at `offset`: inputs and next-character targets (B·T each,
    /// row-major (B, T)).
    public func window(_ w: Int, offset: Int) -> (inputs: [Int], targets: [Int]) {
        let stride = (ids.count - 1 - offset) / batch
        var x = [Int](repeating: 0, count: batch * steps), y = x
        ids.withUnsafeBufferPointer { p in
            for b in 0..<batch {
                let start = offset + b * stride + w * steps
                for t in 0..<steps { x[b * steps + t] = p[start + t]; y[b * steps + t] = p[start + t + 1] }
            }
        }
        return (x, y)
    }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: Swift.max(0, n - count)) + self }
}
