import Foundation

/// Where the models and sample media that ship with DeepMedia are: $DEEPMEDIA_ASSETS, else the
/// repository's Assets folder found from the executable (.build/<config>/<tool>), else ./Assets.
public enum BundledAssets {
    public static var folder: String {
        if let env = ProcessInfo.processInfo.environment["DEEPMEDIA_ASSETS"], !env.isEmpty { return env }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("Assets")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/Assets"
    }

    /// Assets/models/<name>, which must exist.
    public static func model(_ name: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent("models/\(name)")
        guard FileManager.default.fileExists(atPath: path) else {
            throw AppError.badInput(path, "the bundled model is missing; pass --model FILE")
        }
        return path
    }
}
