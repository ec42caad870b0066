import NeuralCore
import Require

/// What a benchmark run times: which models, how long, on how many threads (or a thread model).
public struct BenchSettings: Sendable {
    public enum Phase: String, Sendable { case train, infer }

    public var models = allModels
    public var repeats = 5                // timed repeats per phase; the median is reported
    public var seconds = 5.0              // time budget per model
    public var threads = 2
    public var seed: UInt64 = 0
    public var phase: Phase?              // nil: both
    public var modelThreads: Int?         // model N threads on one (ThreadModel)
    public var verbose = false            // with modelThreads: every call site
    public var memory = false             // each model in its own process (the caller runs them)
    public var ops: [String]?             // core operations (allOps) instead of the models
    public var spin: Double?              // Parallel.spinSeconds (nil: the library's)

    public init() {}

    /// Refuses values out of range, each as a `SettingsError` naming its fields (as every Kit's settings).
    public func validate() throws {
        for n in models where !allModels.contains(n) {
            throw SettingsError(["models"], "has an unknown model '\(n)'; choose from \(allModels.joined(separator: ","))")
        }
        guard (1...1000).contains(repeats) else { throw SettingsError(["repeats"], "must be in 1...1000") }
        guard seconds > 0 && seconds <= 3600 else { throw SettingsError(["seconds"], "must be in (0, 3600]") }
        guard (1...Parallel.maxThreads).contains(threads) else { throw SettingsError(["threads"], "must be in 1...\(Parallel.maxThreads)") }
        if let n = modelThreads, !(1...255).contains(n) { throw SettingsError(["model_threads"], "must be in 1...255") }
        if let v = spin, !(v >= 0 && v <= 1) { throw SettingsError(["spin"], "must be 0...1 seconds") }
        if ops?.isEmpty == true { throw SettingsError(["ops"], "names no op; choose from \(allOps.joined(separator: ",")) or all") }
        for n in ops ?? [] where !allOps.contains(n) {
            throw SettingsError(["ops"], "has an unknown op '\(n)'; choose from \(allOps.joined(separator: ","))")
        }
        if ops != nil && (modelThreads != nil || memory || phase != nil) {
            throw SettingsError(["ops"], "does not go with model threads, memory or a phase")
        }
        if modelThreads != nil && memory { throw SettingsError(["model_threads", "memory"], "do not go together") }
    }
}
