import Foundation

/// Writes bytes to a temporary name in the same folder, then renames: a reader never sees a
/// half-written file, and a failure leaves nothing behind.
enum AtomicWrite {
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let tmp = temporaryPath(for: path)
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
            throw MediaError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        try commit(tmp, to: path)
    }

    /// Renames a finished temporary file into place (removing it on failure).
    static func commit(_ tmp: String, to path: String) throws {
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw MediaError.cannotWrite(path: path, reason: reason)
        }
    }
}
