import Foundation
import SafeFiles
internal import CZlib

/// Whole-file reading, with transparent gzip decompression (zlib) for `.gz` data files.
public enum FileBytes {
    /// The file's bytes; gzip content (magic 1f 8b) is inflated, up to `maxBytes` of output.
    public static func read(_ path: String, maxBytes: Int = 1 << 31) throws -> [UInt8] {
        if let problem = RegularFile.problem(path) { throw MediaError.cannotOpen(path: path, reason: problem) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MediaError.cannotOpen(path: path, reason: "not readable")
        }
        let bytes = [UInt8](data)
        if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b { return try gunzip(bytes, path: path, maxBytes: maxBytes) }
        return bytes
    }

    /// The first `count` bytes (fewer for a shorter file).
    public static func prefix(_ path: String, count: Int) throws -> [UInt8] {
        if let problem = RegularFile.problem(path) { throw MediaError.cannotOpen(path: path, reason: problem) }
        guard let h = FileHandle(forReadingAtPath: path) else { throw MediaError.cannotOpen(path: path, reason: "not readable") }
        defer { try? h.close() }
        return [UInt8]((try? h.read(upToCount: count)) ?? Data())
    }

    static func gunzip(_ input: [UInt8], path: String, maxBytes: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard dm_inflate_init_gzip(&stream) == Z_OK else { throw MediaError.corrupt(path: path, reason: "zlib init failed") }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            var rc: Int32 = Z_OK
            while rc == Z_OK {
                rc = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    out.append(contentsOf: c[0..<(c.count - Int(stream.avail_out))])
                    return r
                }
                if out.count > maxBytes { return Z_MEM_ERROR }
                if rc == Z_BUF_ERROR && stream.avail_in == 0 { return Z_DATA_ERROR }   // truncated
            }
            return rc
        }
        if out.count > maxBytes { throw MediaError.tooLarge(path: path, reason: "decompresses to more than \(maxBytes) bytes") }
        guard status == Z_STREAM_END else {
            throw MediaError.corrupt(path: path, reason: "gzip data is truncated or damaged (zlib code \(status))")
        }
        return out
    }
}
