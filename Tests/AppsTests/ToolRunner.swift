import Foundation
import TestSupport

/// Runs the package's executables (built next to the test bundle by `swift build --build-tests`).
enum ToolRunner {
    static func path(_ name: String) -> String { ToolPaths.path(name) }

    /// A started process with its output pipes.
    static func start(_ name: String, _ args: [String]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path(name))
        p.arguments = args + ["--threads", "2"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        return (p, out, err)
    }

    /// Runs to the end; returns (exit code, stdout, stderr).
    static func run(_ name: String, _ args: [String]) throws -> (Int32, String, String) {
        let (p, out, err) = try start(name, args)
        return finish(p, out, err)
    }

    static func finish(_ p: Process, _ out: Pipe, _ err: Pipe) -> (Int32, String, String) {
        // stderr is read on another thread so neither pipe can fill up and block the tool.
        final class Box: @unchecked Sendable { var data = Data() }
        let e = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { e.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e.data, as: UTF8.self))
    }
}
