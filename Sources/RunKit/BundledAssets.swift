import Foundation

/// Where the models and sample media that ship with DeepMedia are, first found of:
/// $DEEPMEDIA_ASSETS; `<prefix>/share/deepmedia/Assets` for a program installed in `<prefix>/bin`
/// (`make install`); the repository's Assets folder above the program (.build/<config>/<tool>);
/// ./Assets. The program is found through /proc/self/exe, so a program run from PATH, through a
/// link or as a copy in the repository finds them too.
public enum BundledAssets {
    public static var folder: String { candidates.first { isAssets($0) } ?? candidates.last! }

    /// The folders looked at, in order.
    static var candidates: [String] {
        var out: [String] = []
        if let env = ProcessInfo.processInfo.environment["DEEPMEDIA_ASSETS"], !env.isEmpty { return [env] }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let fromArgs = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for binary in [exe, fromArgs] {
            let dir = binary.deletingLastPathComponent()
            out.append(dir.deletingLastPathComponent().appendingPathComponent("share/deepmedia/Assets").path)
            var up = dir
            for _ in 0..<4 {
                out.append(up.appendingPathComponent("Assets").path)
                up = up.deletingLastPathComponent()
            }
        }
        out.append(FileManager.default.currentDirectoryPath + "/Assets")
        return out
    }

    static func isAssets(_ dir: String) -> Bool {
        FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("README.md"))
            && FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("models"))
    }

    /// Assets/models/<name>, which must exist.
    public static func model(_ name: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent("models/\(name)")
        guard FileManager.default.fileExists(atPath: path) else {
            throw AppError.badInput(path, "the bundled model is missing; set DEEPMEDIA_ASSETS to DeepMedia's Assets folder or pass --model FILE")
        }
        return path
    }
}
