import Foundation

/// Whether a path is something a reader may open: an existing regular file. A device
/// (/dev/zero, /dev/urandom) would be read without end and a FIFO would block forever, so every
/// reader asks this first.
public enum RegularFile {
    /// nil when `path` is a regular file (after following links), else why not in a few words.
    public static func problem(_ path: String) -> String? {
        var s = stat()
        guard stat(path, &s) == 0 else { return errno == ENOENT ? "no such file" : String(cString: strerror(errno)) }
        switch s.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder, not a file"
        case S_IFIFO: return "is a FIFO, not a regular file"
        default: return "is a device or socket, not a regular file"
        }
    }
}
