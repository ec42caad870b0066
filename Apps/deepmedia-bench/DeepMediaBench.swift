import ArgumentParser
import Foundation
import NeuralCore

/// The seven reference models of MODELS.md, timed like ../shared/bench/reference/torch_reference.py:
/// warm-up, calibration, then `repeats` timed repeats; the median rate is reported as one JSON
/// line per model with the same keys.
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
    var phase: Phase?
    @Option(help: ArgumentHelp("Model N threads on one: regions cut as for N, their chunks timed one after another (see docs/BENCHMARKS.md).",
                               valueName: "N"))
    var modelThreads: Int?
    @Flag(help: "With --model-threads: list every call site, not the six that lose most.")
    var verbose = false
    @Flag(help: "Print the CPU model, its vector instructions, the kernel set in use and those available, and the BLAS core as JSON, and exit.")
    var system = false

    enum Phase: String, ExpressibleByArgument { case train, infer }

    mutating func validate() throws {
        let names = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for n in names where !allModels.contains(n) {
            throw ValidationError("unknown model '\(n)'; choose from \(allModels.joined(separator: ","))")
        }
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeats must be in 1...1000") }
        guard seconds > 0 && seconds <= 3600 else { throw ValidationError("--seconds must be in (0, 3600]") }
        guard (1...Parallel.maxThreads).contains(threads) else { throw ValidationError("--threads must be in 1...\(Parallel.maxThreads)") }
        if let n = modelThreads, !(1...255).contains(n) { throw ValidationError("--model-threads must be in 1...255") }
        if modelThreads != nil && memory { throw ValidationError("--model-threads and --memory do not go together") }
    }

    func run() throws {
        if system {
            let info: [String: Any] = ["cpu": CPUInfo.model, "isa": CPUInfo.isa, "kernels": CPUInfo.kernels,
                                       "kernels_available": KernelSet.available.map(\.rawValue), "blas_core": BLAS.core,
                                       "blas_core_replaced": BLAS.replacedCore ?? NSNull(),
                                       "cpu_family": CPUInfo.family ?? NSNull(), "full_width_512": KernelSet.fullWidth512,
                                       "cores": CPUInfo.cores, "cpus": CPUInfo.cpus]
            print(String(decoding: try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        Parallel.threads = threads
        if let n = modelThreads { Parallel.startModel(threads: n) }
        let names = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        FileHandle.standardError.write(Data("# deepmedia-bench threads=\(modelThreads.map { "\($0) modelled on 1" } ?? "\(threads)") seconds=\(seconds) repeats=\(repeats)\n# \(CPUInfo.summary)\n".utf8))
        for name in names {
            if memory && names.count > 1 {
                try runChild(name)
                continue
            }
            guard let c = buildCase(name, seed: seed) else { throw ValidationError("unknown model \(name)") }
            guard c.params == expectedParams[name] else {
                throw ValidationError("\(name): \(c.params) parameters, MODELS.md says \(expectedParams[name]!): not benchmarked")
            }
            print(try json(bench(name, c)))
            fflush(stdout)
        }
    }

    /// Re-runs this program for one model so its peak memory is its own.
    func runChild(_ name: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : "/proc/self/exe")
        p.arguments = ["--models", name, "--threads", "\(threads)", "--seconds", "\(seconds)", "--repeats", "\(repeats)",
                       "--seed", "\(seed)", "--memory"]
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw ExitCode(p.terminationStatus) }
    }

    func bench(_ name: String, _ c: BenchCase) -> [String: Any] {
        let start = Date()
        let skipped = (median: 0.0, rates: [1.0], calls: 0, wait: [Double](), model: ThreadModel.Report?.none)
        let train = phase == .infer ? skipped : timedPhase(c.trainStep, budget: 0.55 * seconds, warmup: 0.08 * seconds)
        let infer = phase == .train ? skipped : timedPhase(c.infer, budget: 0.30 * seconds, warmup: 0.05 * seconds)
        let b = Double(c.batch)
        var out: [String: Any] = [
            "model": name, "batch": c.batch,
            "train_steps_per_s": round3(train.median), "train_samples_per_s": round1(train.median * b),
            "infer_samples_per_s": round1(infer.median * b), "params": c.params, "threads": modelThreads == nil ? threads : 1,   // a model runs on one
        ]
        if let t = c.tokensPerSample {
            out["train_tokens_per_s"] = round1(train.median * b * Double(t))
            out["infer_tokens_per_s"] = round1(infer.median * b * Double(t))
        }
        if name == "dcgan" {
            out["g_infer_samples_per_s"] = out["infer_samples_per_s"]
            out["params_g"] = c.paramsG; out["params_d"] = c.paramsD
        }
        out["train_spread"] = round3(train.rates.max()! / train.rates.min()! - 1)
        out["infer_spread"] = round3(infer.rates.max()! / infer.rates.min()! - 1)
        if threads > 1 && modelThreads == nil && !train.wait.isEmpty {
            // Each thread's share of the timed training spent waiting (caller first, then workers).
            out["train_wait"] = round3(train.wait.max()!)
            out["train_wait_by_thread"] = train.wait.map(round3)
        }
        for (key, m, calls) in [("train", train.model, train.calls), ("infer", infer.model, infer.calls)] {
            guard let m else { continue }
            // Per call: measured on one thread, modelled at N; waiting per virtual worker.
            let n = Double(calls * repeats)
            out["\(key)_modelled_threads"] = m.threads
            out["\(key)_measured_1t_per_s"] = round3(n / m.wall * (key == "infer" ? b : 1))
            out["\(key)_modelled_per_s"] = round3(n / m.modelled * (key == "infer" ? b : 1))
            out["\(key)_modelled_wait"] = round3(m.waiting.max() ?? 0)
            out["\(key)_serial_share"] = round3(m.serial / m.wall)
            out["\(key)_regions_per_call"] = round1(Double(m.regions) / n)
            if let q = m.quiet {
                out["\(key)_quiet_1t_per_s"] = round3((key == "infer" ? b : 1) / q.oneThread)
                out["\(key)_quiet_modelled_per_s"] = round3((key == "infer" ? b : 1) / q.modelled)
                out["\(key)_quiet_modelled_wait"] = round3(q.waiting.max() ?? 0)
            }
            var lines = "# \(name) \(key): \(m.threads) threads modelled; per call: serial \(String(format: "%.3f", m.serial / n * 1e3)) ms; "
                + "regions by time lost to the split (lost ms, work ms, regions)\n"
            for s in m.sites.prefix(verbose ? m.sites.count : 6) {
                lines += "#   \(s.site) " + [s.lost / n * 1e3, s.work / n * 1e3].map { String(format: "%.3f", $0) }.joined(separator: " ")
                    + String(format: " %.1f\n", Double(s.regions) / n)
            }
            if let q = m.quiet {
                let ms = [q.oneThread, q.modelled, q.serial, q.longest - q.work / Double(m.threads)].map { String(format: "%.3f", $0 * 1e3) }
                lines += "#   quiet (each chunk and gap at its median over \(q.calls) calls), ms per call: 1 thread \(ms[0]), "
                    + "\(m.threads) threads \(ms[1]) (serial \(ms[2]), lost to the split \(ms[3])), waiting "
                    + String(format: "%.0f %%\n", (q.waiting.max() ?? 0) * 100)
                if verbose {
                    for s in q.sites.prefix(8) {
                        lines += "#     quiet \(s.site) " + [s.lost, s.work].map { String(format: "%.3f", $0 * 1e3) }.joined(separator: " ")
                            + " \(s.regions)\n"
                    }
                }
            }
            if verbose {
                lines += "#   serial time between regions (ms per call):\n"
                for s in m.serialBetween.prefix(10) { lines += "#   \(s.sites) " + String(format: "%.3f\n", s.time / n * 1e3) }
            }
            FileHandle.standardError.write(Data(lines.utf8))
        }
        out["train_steps_per_repeat"] = train.calls
        out["infer_batches_per_repeat"] = infer.calls
        out["repeats"] = repeats
        out["framework"] = "deepmedia"
        out["kernels"] = CPUInfo.kernels
        out["params_match_models_md"] = true
        out["peak_rss_mb"] = round1(peakRSSMegabytes())
        out["wall_s"] = round1(Date().timeIntervalSince(start) * 100) / 100
        return out
    }

    func timedPhase(_ fn: () -> Void, budget: Double, warmup: Double)
        -> (median: Double, rates: [Double], calls: Int, wait: [Double], model: ThreadModel.Report?) {
        var t0 = DispatchTime.now()
        var n = 0
        while n < 2 || elapsed(t0) < warmup { fn(); n += 1 }
        t0 = DispatchTime.now()
        var k = 0
        while k < 2 || elapsed(t0) < 0.05 { fn(); k += 1 }
        let perCall = elapsed(t0) / Double(k)
        let calls = max(1, Int(budget / Double(repeats) / perCall))
        var rates: [Double] = []
        Parallel.startUsage()
        if let n = modelThreads { Parallel.endModel(); Parallel.startModel(threads: n) }
        for _ in 0..<repeats {
            let s = DispatchTime.now()
            for _ in 0..<calls { fn(); Parallel.markModelCall() }
            rates.append(Double(calls) / elapsed(s))
        }
        let sorted = rates.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let model = modelThreads.flatMap { n in defer { Parallel.startModel(threads: n) }; return Parallel.endModel() }
        return (median, rates, calls, Parallel.usage(), model)
    }

    func elapsed(_ t: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e9 }
    func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
    func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// VmHWM of this process, in MB.
    func peakRSSMegabytes() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        let kb = Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0
        return kb / 1024
    }

    func json(_ d: [String: Any]) throws -> String {
        // Keys in torch_reference's order first, the rest after.
        let order = ["model", "batch", "train_steps_per_s", "train_samples_per_s", "infer_samples_per_s", "params", "threads",
                     "train_tokens_per_s", "infer_tokens_per_s", "g_infer_samples_per_s", "params_g", "params_d",
                     "train_spread", "infer_spread", "train_wait", "train_wait_by_thread",
                     "train_modelled_threads", "train_measured_1t_per_s", "train_modelled_per_s", "train_modelled_wait", "train_serial_share", "train_regions_per_call",
                     "train_quiet_1t_per_s", "train_quiet_modelled_per_s", "train_quiet_modelled_wait",
                     "infer_modelled_threads", "infer_measured_1t_per_s", "infer_modelled_per_s", "infer_modelled_wait", "infer_serial_share", "infer_regions_per_call",
                     "infer_quiet_1t_per_s", "infer_quiet_modelled_per_s", "infer_quiet_modelled_wait", "train_steps_per_repeat", "infer_batches_per_repeat", "repeats",
                     "framework", "kernels", "params_match_models_md", "peak_rss_mb", "wall_s"]
        var parts: [String] = []
        for k in order {
            guard let v = d[k] else { continue }
            let value: String
            switch v {
            case let s as String: value = "\"\(s)\""
            case let b as Bool: value = b ? "true" : "false"
            case let i as Int: value = String(i)
            case let x as Double: value = x == x.rounded() && Swift.abs(x) < 1e15 ? String(format: "%.1f", x) : String(x)
            case let xs as [Double]: value = "[" + xs.map { String($0) }.joined(separator: ", ") + "]"
            default: value = "null"
            }
            parts.append("\"\(k)\": \(value)")
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
