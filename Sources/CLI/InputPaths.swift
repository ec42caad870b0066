import Foundation
import RunKit

/// The files a command was given: each file as it is, each folder as its files with one of
/// `extensions` (sorted; hidden and other files skipped and listed in `skipped`); a path that
/// does not exist is one clear error.
public enum InputPaths {
    public static func expand(_ paths: [String], extensions: Set<String>) throws -> (files: [String], skipped: [String]) {
        var out: [String] = [], skipped: [String] = []
        for f in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: f, isDirectory: &isDir) else { throw AppError.badInput(f, "no such file or folder") }
            if isDir.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: f)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                for n in names {
                    let path = (f as NSString).appendingPathComponent(n)
                    if extensions.contains((n as NSString).pathExtension.lowercased()) { out.append(path) } else { skipped.append(path) }
                }
            } else { out.append(f) }
        }
        return (out, skipped)
    }

    /// "skipped 2 file(s) that are not images: a.md, b.txt", or nil when none was skipped.
    public static func note(_ skipped: [String], kind: String) -> String? {
        guard !skipped.isEmpty else { return nil }
        return "skipped \(skipped.count) file(s) that are not \(kind): \(skipped.prefix(3).joined(separator: ", "))\(skipped.count > 3 ? ", ..." : "")"
    }
}
