import Foundation

/// Where the package's executables are: built next to the test bundle by `swift build --build-tests`.
public enum ToolPaths {
    public static func path(_ name: String) -> String {
        let here = Bundle.main.bundleURL.deletingLastPathComponent()
        for base in [here, here.deletingLastPathComponent()] {
            let p = base.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return Fixtures.repoRoot.appendingPathComponent(".build/debug/\(name)").path
    }
}
