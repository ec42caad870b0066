import Foundation
import SafeFiles

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

    /// The files a training writes into its folder (what `overwrite` replaces).
    public static let trainingFiles = ["config.json", "metrics.jsonl", "checkpoint.safetensors", "optimizer.safetensors", "optimizer-next.safetensors",
                                       "best.safetensors", "curves.svg", "confusion.png", "confusion.svg"]

    /// A folder for a new training, locked for the run's life. A folder that already holds a run
    /// is refused unless `overwrite` (then that run's files are removed; other files stay); the
    /// files of a run that never reached its first checkpoint are replaced without asking.
    /// `created` says whether this call made the folder (so a run that fails at once can remove it).
    public static func forNewRun(_ path: String, overwrite: Bool) throws -> (run: RunFolder, lock: RunLock, created: Bool) {
        let created = !FileManager.default.fileExists(atPath: path)
        let run = try RunFolder(path)
        let lock = try RunLock(run)
        let present = trainingFiles.filter { FileManager.default.fileExists(atPath: run.file($0)) }
        // A run killed before its first save left config.json alone; it cannot be resumed: replaced.
        let neverSaved = present == ["config.json"]
        if !present.isEmpty {
            guard overwrite || neverSaved else {
                throw AppError.badInput(path, "already holds a run (\(present.joined(separator: ", "))); continue it with --resume or replace it with --overwrite")
            }
            for f in present { try? FileManager.default.removeItem(atPath: run.file(f)) }
        }
        run.removeStaleTemporaries()
        return (run, lock, created)
    }

    /// An existing run to continue, locked for the run's life, its stale temporary files removed.
    public static func forResume(_ path: String) throws -> (run: RunFolder, lock: RunLock) {
        let run = try existing(path)
        let lock = try RunLock(run)
        run.removeStaleTemporaries()
        return (run, lock)
    }

    /// Removes ".<name>.tmp-*" files that a killed save left behind (only under the run's lock).
    func removeStaleTemporaries() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for n in names where n.hasPrefix(".") && n.contains(".tmp-") { try? FileManager.default.removeItem(atPath: file(n)) }
    }

    /// Renames a finished file into place.
    static func rename(_ from: String, to: String) throws {
        do { try AtomicFile.commit(from, to: to) } catch { throw AppError.cannotWrite(to, error.reason) }
    }

    /// Keeps the first `count` lines of metrics.jsonl (a resumed run drops the lines of passes
    /// after its checkpoint, which it will run again).
    public func truncateMetrics(to count: Int) throws {
        let lines = readMetrics()
        guard lines.count > count else { return }
        try write("metrics.jsonl", lines.prefix(count).map { JSONValue.object($0).serialized() + "\n" }.joined())
    }

    /// `path` made absolute (against the current folder), so that a run's config.json still
    /// finds its data when resumed from elsewhere.
    public static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// Removes a folder made for a run that failed before it wrote anything.
    public func removeIfUnused() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if names.allSatisfy({ $0 == ".lock" }) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Writes `text` atomically (temporary name, then rename).
    public func write(_ name: String, _ text: String) throws {
        try Self.atomicWrite(file(name), Data(text.utf8))
    }

    public static func atomicWrite(_ path: String, _ data: Data) throws {
        do { try AtomicFile.write(data, to: path) } catch { throw AppError.cannotWrite(path, error.reason) }
    }

    /// config.json: a program's settings (snake_case keys) and facts about the run (image counts,
    /// threads) side by side in one object.
    public func writeConfig<S: Encodable>(_ settings: S, facts: [String: JSONValue] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard case var .object(o) = try JSONValue.parse(encoder.encode(settings)) else {
            fatalError("RunFolder.writeConfig: settings must encode as a JSON object")
        }
        o.merge(facts) { a, _ in a }
        try write("config.json", JSONValue.object(o).serialized(pretty: true) + "\n")
    }

    /// The settings a run was started with (keys it does not know are ignored). With `program`,
    /// a run of another program is refused by name: its config.json names its program, or (runs
    /// from before that) lacks `marker`, a key every config of this program has.
    public func readConfig<S: Decodable>(_ type: S.Type, program: String? = nil, marker: String? = nil) throws -> S {
        guard RegularFile.problem(file("config.json")) == nil, let data = FileManager.default.contents(atPath: file("config.json")) else {
            throw AppError.badInput(file("config.json"), "cannot read it")
        }
        if let program, case let .object(o)? = try? JSONValue.parse(data) {
            if let other = o["program"]?.string, other != program {
                throw AppError.badInput(path, "is a run of \(other), not of \(program)")
            }
            if o["program"] == nil, let marker, o[marker] == nil {
                throw AppError.badInput(path, "is not a run of \(program) (its config.json has no \"\(marker)\")")
            }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(S.self, from: data) } catch {
            throw AppError.badInput(file("config.json"), "not the config of this program's run (\(error))")
        }
    }

    /// Sets one key of config.json, keeping the rest (a setting a resumed run changes for good).
    public func updateConfig(_ key: String, _ value: JSONValue) throws {
        guard let data = FileManager.default.contents(atPath: file("config.json")), case var .object(o) = try JSONValue.parse(data) else {
            throw AppError.badInput(file("config.json"), "cannot read it")
        }
        o[key] = value
        try write("config.json", JSONValue.object(o).serialized(pretty: true) + "\n")
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

extension RunFolder {
    /// `body` on a new run in `out`, under the folder's lock (a folder holding a run is refused
    /// unless `overwrite`); a folder this call created is removed again when `body` throws before
    /// anything was written to it.
    public static func withNewRun<R>(_ out: String, overwrite: Bool, _ body: (RunFolder) throws -> R) throws -> R {
        let (run, lock, created) = try forNewRun(out, overwrite: overwrite)
        do {
            return try withExtendedLifetime(lock) { try body(run) }
        } catch {
            if created { run.removeIfUnused() }
            throw error
        }
    }

    /// `body` on the run in `folder`, under its lock.
    public static func withResumedRun<R>(_ folder: String, _ body: (RunFolder) throws -> R) throws -> R {
        let (run, lock) = try forResume(folder)
        return try withExtendedLifetime(lock) { try body(run) }
    }
}
