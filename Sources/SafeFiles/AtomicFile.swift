import Foundation
import Synchronization

/// The one way DeepMedia writes a file: bytes go to a temporary name in the same folder, then a
/// rename puts them in place. A reader never sees a half-written file, a failure (a full disk)
/// leaves nothing behind, and two writers of one name in one process never share a temporary.
public enum AtomicFile {
    /// Why a write failed (strerror's words or Foundation's).
    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    private static let counter = Atomic<Int>(0)

    /// A temporary name next to `path`, unique in this process: ".<name>.tmp-<pid>-<n>".
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(n)").path
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws(Failure) {
        let tmp = temporaryPath(for: path)
        do { try data.write(to: URL(fileURLWithPath: tmp)) } catch {
            unlink(tmp)
            throw Failure(reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        try commit(tmp, to: path)
    }

    /// Renames a finished temporary file into place (removing it on failure).
    public static func commit(_ tmp: String, to path: String) throws(Failure) {
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw Failure(reason: reason)
        }
    }
}
