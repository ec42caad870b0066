import Foundation
import SafeFiles

/// The safetensors format: 8-byte little-endian header length N, N bytes of JSON
/// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the
/// raw little-endian data. Reading validates everything before allocating any tensor.
public struct SafetensorsFile {
    /// Floating tensors (F32; F64, F16 and BF16 converted to Float32).
    public var tensors: [String: Tensor] = [:]
    /// Integer tensors (I64, I32): shape and values.
    public var integers: [String: (shape: [Int], values: [Int])] = [:]
    public var metadata: [String: String] = [:]

    public init() {}

    /// Largest header accepted (the format's own reference reader uses 100 MB).
    public static let maxHeaderBytes = 100_000_000

    public static func read(path: String) throws -> SafetensorsFile {
        if let problem = RegularFile.problem(path) { throw SafetensorsError.cannotOpen(path: path, reason: problem) }
        guard let fh = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file"
            throw SafetensorsError.cannotOpen(path: path, reason: reason)
        }
        defer { try? fh.close() }
        let data: Data
        do { data = try fh.readToEnd() ?? Data() } catch {
            throw SafetensorsError.cannotOpen(path: path, reason: "\(error)")
        }
        return try parse(data, path: path)
    }

    private struct Entry { let name: String; let dtype: String; let shape: [Int]; let begin: Int; let end: Int }

    private static let dtypeSizes: [String: Int] = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4]

    public static func parse(_ data: Data, path: String) throws -> SafetensorsFile {
        guard data.count >= 8 else { throw SafetensorsError.truncated(path: path, reason: "\(data.count) bytes, fewer than the 8-byte header length") }
        let n = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
        guard n >= 2, n <= UInt64(maxHeaderBytes), n <= UInt64(data.count - 8) else {
            throw SafetensorsError.headerLength(path: path, length: n, fileSize: data.count)
        }
        let headerLen = Int(n)
        let header = data.subdata(in: 8..<(8 + headerLen))
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: header) } catch {
            throw SafetensorsError.headerNotJSON(path: path, reason: "invalid JSON")
        }
        guard let dict = json as? [String: Any] else { throw SafetensorsError.headerNotJSON(path: path, reason: "not an object") }
        let dataStart = 8 + headerLen, dataSize = data.count - dataStart
        var file = SafetensorsFile()
        var entries: [Entry] = []
        for (name, value) in dict {
            if name == "__metadata__" {
                guard let md = value as? [String: Any] else { throw SafetensorsError.headerNotJSON(path: path, reason: "__metadata__ is not an object") }
                for (k, v) in md {
                    guard let s = v as? String else { throw SafetensorsError.headerNotJSON(path: path, reason: "__metadata__ value for '\(k)' is not a string") }
                    file.metadata[k] = s
                }
                continue
            }
            guard let e = value as? [String: Any] else { throw SafetensorsError.badEntry(path: path, name: name, reason: "entry is not an object") }
            guard let dtype = e["dtype"] as? String else { throw SafetensorsError.badEntry(path: path, name: name, reason: "no dtype") }
            guard let size = dtypeSizes[dtype] else { throw SafetensorsError.unsupportedDType(path: path, name: name, dtype: dtype) }
            guard let shapeAny = e["shape"] as? [Any], let offAny = e["data_offsets"] as? [Any], offAny.count == 2 else {
                throw SafetensorsError.badEntry(path: path, name: name, reason: "shape or data_offsets missing")
            }
            let shape = try shapeAny.map { v -> Int in
                guard let num = v as? NSNumber, let i = Int(exactly: num.doubleValue), i >= 0, i <= Int(Int32.max) else {
                    throw SafetensorsError.badEntry(path: path, name: name, reason: "shape \(shapeAny) is not a list of sizes")
                }
                return i
            }
            let offs = try offAny.map { v -> Int in
                guard let num = v as? NSNumber, let d = Optional(num.doubleValue), d >= 0, d <= Double(Int.max / 2), let i = Int(exactly: d) else {
                    throw SafetensorsError.badEntry(path: path, name: name, reason: "data_offsets \(offAny) are not byte offsets")
                }
                return i
            }
            var count = 1
            for d in shape {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o, p <= Int(Int32.max) * 16 else { throw SafetensorsError.badEntry(path: path, name: name, reason: "shape \(shape) is too large") }
                count = p
            }
            guard offs[0] <= offs[1], offs[1] <= dataSize else {
                throw SafetensorsError.offsetsOutOfRange(path: path, name: name, begin: offs[0], end: offs[1], dataSize: dataSize)
            }
            guard offs[1] - offs[0] == count * size else {
                throw SafetensorsError.badEntry(path: path, name: name, reason: "shape \(shape) of \(dtype) needs \(count * size) bytes, data_offsets give \(offs[1] - offs[0])")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: offs[0], end: offs[1]))
        }
        let sorted = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.end > b.begin && b.end > b.begin {
            throw SafetensorsError.overlapping(path: path, first: a.name, second: b.name)
        }
        // Valid: now copy the data out.
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for e in entries {
                let count = Tensor.count(of: e.shape)
                let src = base + e.begin
                switch e.dtype {
                case "F32", "F64", "F16", "BF16":
                    let t = Tensor(uninitializedShape: e.shape)
                    let p = t.storage.pointer
                    for i in 0..<count {
                        switch e.dtype {
                        case "F32": p[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                        case "F64": p[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                        case "F16": p[i] = Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                        default: p[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                        }
                    }
                    file.tensors[e.name] = t
                default:
                    var values = [Int](repeating: 0, count: count)
                    for i in 0..<count {
                        values[i] = e.dtype == "I64"
                            ? Int(Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                            : Int(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    }
                    file.integers[e.name] = (e.shape, values)
                }
            }
        }
        return file
    }

    /// The file's bytes: tensors in the given order (F32), then `integers` (I64), keys sorted in the header.
    public func serialized(order: [String]? = nil) -> Data {
        let names = order ?? tensors.keys.sorted()
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        let intNames = integers.keys.sorted()
        for name in intNames {
            let t = integers[name]!
            header[name] = ["dtype": "I64", "shape": t.shape, "data_offsets": [offset, offset + 8 * t.values.count]] as [String: Any]
            offset += 8 * t.values.count
        }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }   // pad with spaces to keep data aligned
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            let t = tensors[name]!
            out.append(UnsafeBufferPointer(start: t.storage.pointer, count: t.count))
        }
        for name in intNames {
            let v = integers[name]!.values.map { Int64($0).littleEndian }
            v.withUnsafeBufferPointer { out.append($0) }
        }
        return out
    }

    /// Writes atomically (AtomicFile: a temporary file in the same folder, then a rename).
    public func write(to path: String, order: [String]? = nil) throws {
        do { try AtomicFile.write(serialized(order: order), to: path) } catch {
            throw SafetensorsError.cannotWrite(path: path, reason: error.reason)
        }
    }
}
