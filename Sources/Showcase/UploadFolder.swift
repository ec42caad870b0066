import Foundation
import Hummingbird

/// The server's own scratch folder for request bodies that the media readers take as files
/// (images, audio in any FFmpeg format). Names are made here, never taken from a request; each
/// file is removed when its request is done; the folder is removed when the server stops.
public final class UploadFolder: Sendable {
    public let path: String

    /// A new private folder (mode 700) under `parent` (default: the system's temporary folder).
    public init(parent: String? = nil) throws {
        let base = parent ?? NSTemporaryDirectory()
        path = (base as NSString).appendingPathComponent("deepmedia-showcase-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Runs `body` with the request body written to a fresh file of this folder; the file is
    /// removed afterwards whatever happens. An empty body is a 400.
    public func withFile<T>(_ bytes: ByteBuffer, suffix: String = "", _ body: (String) async throws -> T) async throws -> T {
        guard bytes.readableBytes > 0 else { throw APIError(.badRequest, "the request has no body: send the file's bytes (curl --data-binary @FILE)") }
        let file = (path as NSString).appendingPathComponent("upload-\(UUID().uuidString)\(suffix)")
        guard FileManager.default.createFile(atPath: file, contents: Data(buffer: bytes), attributes: [.posixPermissions: 0o600]) else {
            throw APIError(.serviceUnavailable, "the server could not store the upload (disk full?)")
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try await body(file)
    }

    /// A fresh name in this folder for a file the server writes and reads back; removed after `body`.
    public func withScratch<T>(suffix: String, _ body: (String) async throws -> T) async throws -> T {
        let file = (path as NSString).appendingPathComponent("out-\(UUID().uuidString)\(suffix)")
        defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: (file as NSString).deletingPathExtension + ".svg") }
        return try await body(file)
    }

    /// A message with this folder's file names replaced by "the upload".
    public func scrub(_ message: String) -> String {
        guard let r = message.range(of: path) else { return message }
        var out = message
        var end = r.upperBound
        while end < out.endIndex, !out[end].isWhitespace, out[end] != ":" { end = out.index(after: end) }
        out.replaceSubrange(r.lowerBound..<end, with: "the upload")
        return scrub(out)
    }
}
