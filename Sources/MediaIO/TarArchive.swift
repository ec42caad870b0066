import Foundation
import Require

/// The regular files of a tar archive (ustar or plain; gzip-compressed or not), e.g. an image set
/// shipped as .tar.gz. Every header is checked: a size past the end, an absurd count or a broken
/// header is one MediaError naming the archive.
public enum TarArchive {
    public struct Entry: Sendable {
        public let name: String
        public let bytes: [UInt8]
    }

    /// Most entries read from one archive.
    public static let maxEntries = 1_000_000

    public static func read(_ path: String) throws -> [Entry] {
        let data = try FileBytes.read(path)
        var entries: [Entry] = []
        var offset = 0
        while offset + 512 <= data.count {
            let header = data[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { break }                        // end of archive
            guard let size = octal(header, 124, 12) else { throw MediaError.corrupt(path: path, reason: "tar header at byte \(offset) has no size") }
            let type = header[offset + 156]
            var name = text(header, 0, 100)
            if header[(offset + 257)..<(offset + 262)].elementsEqual(Array("ustar".utf8)) {
                let prefix = text(header, 345, 155)
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            let start = offset + 512
            guard size >= 0, start + size <= data.count else {
                throw MediaError.corrupt(path: path, reason: "tar entry \(name) of \(size) bytes runs past the end (truncated archive?)")
            }
            if type == UInt8(ascii: "0") || type == 0 {
                entries.append(Entry(name: name, bytes: Array(data[start..<(start + size)])))
                guard entries.count <= maxEntries else { throw MediaError.tooLarge(path: path, reason: "more than \(maxEntries) files") }
            }
            offset = start + (size + 511) / 512 * 512
        }
        return entries
    }

    static func text(_ h: ArraySlice<UInt8>, _ at: Int, _ count: Int) -> String {
        let field = h[(h.startIndex + at)..<(h.startIndex + at + count)]
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func octal(_ h: ArraySlice<UInt8>, _ at: Int, _ count: Int) -> Int? {
        let digits = text(h, at, count).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
        return digits.isEmpty ? 0 : Int(digits, radix: 8)
    }
}
