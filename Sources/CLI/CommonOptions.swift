import ArgumentParser
import Foundation
import NeuralCore

/// The suite's version, shown by every program's --version.
public let deepMediaVersion = "0.4.0"

/// Options every subcommand of every program shares.
public struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("threads"), parsing: .unconditional, help: "Worker threads (default: one per physical core).")
    var requestedThreads: Int?

    public init() {}

    /// The threads to use: --threads, or one per physical core.
    public var threads: Int { requestedThreads ?? CPUInfo.cores }

    public func validate() throws {
        if let t = requestedThreads, t < 1 || t > Parallel.maxThreads { throw ValidationError("--threads must be in 1...\(Parallel.maxThreads)") }
    }

    public func apply() throws { Parallel.threads = threads }
}
