import Foundation

/// A training run's folder: config.json, metrics.jsonl (one JSON object per epoch),
/// checkpoint.safetensors and best.safetensors, curves.svg and the domain pictures.
public struct RunFolder {
    public let path: String

    /// Creates the folder (and parents); fails with one clear message when it cannot.
    public init(_ path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw AppError.cannotWrite(path, "cannot create the run folder")
        }
    }

    /// An existing run folder (for --resume): it must hold config.json and a checkpoint.
    public static func existing(_ path: String) throws -> RunFolder {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw AppError.badInput(path, "no such run folder")
        }
        let run = try RunFolder(path)
        guard FileManager.default.fileExists(atPath: run.file("config.json")),
              FileManager.default.fileExists(atPath: run.file("checkpoint.safetensors")) else {
            throw AppError.badInput(path, "not a run folder (needs config.json and checkpoint.safetensors)")
        }
        return run
    }

    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` atomically (temporary name, then rename).
    public func write(_ name: String, _ text: String) throws {
        try Self.atomicWrite(file(name), Data(text.utf8))
    }

    public static func atomicWrite(_ path: String, _ data: Data) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try data.write(to: tmp)
            if rename(tmp.path, path) != 0 { throw AppError.cannotWrite(path, String(cString: strerror(errno))) }
        } catch let e as AppError {
            try? FileManager.default.removeItem(at: tmp); throw e
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw AppError.cannotWrite(path, error.localizedDescription)
        }
    }

    /// config.json from a string dictionary of settings.
    public func writeConfig(_ config: [String: JSONValue]) throws {
        try write("config.json", JSONValue.object(config).serialized(pretty: true) + "\n")
    }

    public func readConfig() throws -> [String: JSONValue] {
        guard let data = FileManager.default.contents(atPath: file("config.json")),
              case let .object(o)? = try? JSONValue.parse(data) else {
            throw AppError.badInput(file("config.json"), "not a JSON object")
        }
        return o
    }

    /// Appends one line to metrics.jsonl (the file is rewritten whole, so it is never half a line).
    public func appendMetrics(_ m: [String: JSONValue]) throws {
        var lines = (try? String(contentsOfFile: file("metrics.jsonl"), encoding: .utf8)) ?? ""
        lines += JSONValue.object(m).serialized() + "\n"
        try write("metrics.jsonl", lines)
    }

    /// Every line of metrics.jsonl.
    public func readMetrics() -> [[String: JSONValue]] {
        guard let text = try? String(contentsOfFile: file("metrics.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            if case let .object(o)? = try? JSONValue.parse(Data($0.utf8)) { return o }
            return nil
        }
    }
}
