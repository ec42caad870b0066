import Foundation
import SafeFiles

/// AtomicFile with MediaIO's error: a failed write is a MediaError naming the file.
enum AtomicWrite {
    static func temporaryPath(for path: String) -> String { AtomicFile.temporaryPath(for: path) }

    static func write(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicFile.write(Data(bytes), to: path) } catch { throw MediaError.cannotWrite(path: path, reason: error.reason) }
    }

    static func commit(_ tmp: String, to path: String) throws {
        do { try AtomicFile.commit(tmp, to: path) } catch { throw MediaError.cannotWrite(path: path, reason: error.reason) }
    }
}
