import Foundation
import XCTest
import NeuralCore

/// The PyTorch/librosa reference files: `Tests/Fixtures` in the repo, or `../shared/fixtures`
/// next to the checkout for the large model files.
public enum Fixtures {
    /// The repository root (found from this file's path).
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    public static let local = repoRoot.appendingPathComponent("Tests/Fixtures")
    public static let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// Loads `Tests/Fixtures/<relative>`, else `../shared/fixtures/<relative>`; skips the test
    /// with a clear line when neither exists.
    public static func load(_ relative: String) throws -> SafetensorsFile {
        for base in [local, shared.appendingPathComponent("fixtures")] {
            let path = base.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: path) { return try SafetensorsFile.read(path: path) }
        }
        print("SKIPPED: fixture \(relative) is neither in Tests/Fixtures nor in ../shared/fixtures")
        throw XCTSkip("fixture \(relative) not present (../shared/fixtures missing)")
    }

    /// Names of the files in `Tests/Fixtures/<folder>` (without extension).
    public static func cases(in folder: String) -> [String] {
        let url = local.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(12)) }.sorted()
    }

    /// A folder under ../shared/datasets, or nil (with a printed line) when absent.
    public static func dataset(_ name: String) -> URL? {
        let url = shared.appendingPathComponent("datasets").appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        print("SKIPPED: ../shared/datasets/\(name) is not present")
        return nil
    }
}

extension SafetensorsFile {
    /// The `config` metadata as a JSON object.
    public var config: [String: Any] {
        guard let s = metadata["config"], let d = s.data(using: .utf8),
              let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return obj
    }

    /// A float tensor that must be present.
    public func tensor(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        guard let t = tensors[name] else {
            XCTFail("fixture has no tensor '\(name)'", file: file, line: line)
            throw XCTSkip("missing \(name)")
        }
        return t
    }

    /// An integer tensor's values, flattened.
    public func ints(_ name: String) -> [Int] { integers[name]?.values ?? [] }
}
