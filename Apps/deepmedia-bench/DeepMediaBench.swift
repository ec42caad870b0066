import ArgumentParser
import BenchKit
import Foundation
import CommandLineErrors

extension BenchSettings.Phase: ExpressibleByArgument {}

/// The seven reference models of MODELS.md, timed like torch_reference.py (BenchKit): one JSON
/// line per model on stdout, the machine and, with --model-threads, the thread model on stderr.
@main
struct DeepMediaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deepmedia-bench",
        abstract: "Training and inference throughput of the MODELS.md reference models.")

    @Option(help: "Comma list from: \(allModels.joined(separator: ","))")
    var models: String = allModels.joined(separator: ",")
    @Option(help: "Timed repeats per phase (the median is reported).")
    var repeats: Int = 5
    @Option(help: "Approximate time budget per model in seconds.")
    var seconds: Double = 5
    @Option(help: "Worker threads.")
    var threads: Int = 2
    @Option(help: "Seed of the random data and weights.")
    var seed: UInt64 = 0
    @Flag(help: "Run each model in its own process and report its peak resident memory.")
    var memory = false
    @Option(help: "Time only this phase (train or infer; for profiling). Both when not given.")
    var phase: BenchSettings.Phase?
    @Option(help: ArgumentHelp("Model N threads on one: regions cut as for N, their chunks timed one after another (see docs/BENCHMARKS.md).",
                               valueName: "N"))
    var modelThreads: Int?
    @Flag(help: "With --model-threads: list every call site, not the six that lose most.")
    var verbose = false
    @Option(help: ArgumentHelp("Time these core operations instead of the models, each alone and with its backward: a comma list from \(allOps.joined(separator: ",")), or all (scripts/ops_bench.py runs PyTorch beside it).",
                               valueName: "ops"))
    var ops: String?
    @Option(help: ArgumentHelp("Seconds an idle worker polls for the next parallel region before it sleeps (0...1; the library's default when not given: 0.002).",
                               valueName: "seconds"))
    var spin: Double?
    @Flag(help: "Print the CPU model, its vector instructions, the kernel set in use and those available, and the BLAS core as JSON, and exit.")
    var system = false

    var settings: BenchSettings {
        var s = BenchSettings()
        s.models = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        s.repeats = repeats; s.seconds = seconds; s.threads = threads; s.seed = seed
        s.phase = phase; s.modelThreads = modelThreads; s.verbose = verbose; s.memory = memory; s.spin = spin
        s.ops = ops.map { $0 == "all" ? allOps : $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        return s
    }

    /// A mistake as ArgumentParser's validation error (usage after it, exit 64).
    func validate() throws {
        do { try flagged { try settings.validate() } } catch let e as CommandLineError { throw ValidationError(e.description) }
    }

    func run() throws {
        if system { print(try systemReport()); return }
        let settings = settings, bench = Benchmark(settings)
        FileHandle.standardError.write(Data(bench.header.utf8))
        if let ops = settings.ops {
            for name in ops { print(try flagged { try bench.opLine(name) }); fflush(stdout) }
            return
        }
        for name in settings.models {
            if memory && settings.models.count > 1 {
                try runChild(name)
                continue
            }
            print(try flagged { try bench.line(name) })
            fflush(stdout)
        }
    }

    /// Re-runs this program for one model so its peak memory is its own.
    func runChild(_ name: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : "/proc/self/exe")
        p.arguments = ["--models", name, "--threads", "\(threads)", "--seconds", "\(seconds)", "--repeats", "\(repeats)",
                       "--seed", "\(seed)", "--memory"] + (spin.map { ["--spin", "\($0)"] } ?? [])
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw ExitCode(p.terminationStatus) }
    }
}
