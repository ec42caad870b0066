import ArgumentParser
import Foundation
import NeuralCore

/// Options every subcommand of every program shares.
public struct CommonOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public func apply() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        Parallel.threads = threads
    }
}
