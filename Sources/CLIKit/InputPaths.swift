import Foundation
import RunKit

/// The files a command was given: each file as it is, each folder as its files (sorted, hidden
/// ones skipped); a path that does not exist is one clear error.
public enum InputPaths {
    public static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        for f in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: f, isDirectory: &isDir) else { throw AppError.badInput(f, "no such file or folder") }
            if isDir.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: f)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                out += names.map { (f as NSString).appendingPathComponent($0) }
            } else { out.append(f) }
        }
        return out
    }
}
