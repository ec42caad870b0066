import Foundation
import NeuralCore
import Require

/// The seven reference models of MODELS.md, timed like ../shared/bench/reference/torch_reference.py:
/// warm-up, calibration, then `repeats` timed repeats; the median rate is reported as one JSON
/// line per model with the same keys.
public struct Benchmark {
    public let settings: BenchSettings

    /// Sets the library's threads (or starts the thread model) for the run.
    public init(_ settings: BenchSettings) {
        self.settings = settings
        Parallel.threads = settings.threads
        if let spin = settings.spin { Parallel.spinSeconds = spin }
        if let n = settings.modelThreads { Parallel.startModel(threads: n) }
    }

    /// The header lines (threads, budget, the machine), for stderr.
    public var header: String {
        "# deepmedia-bench threads=\(settings.modelThreads.map { "\($0) modelled on 1" } ?? "\(settings.threads)") "
            + "seconds=\(settings.seconds) repeats=\(settings.repeats)\(settings.spin.map { " spin=\($0)" } ?? "")\n# \(CPUInfo.summary)\n"
    }

    /// One model's JSON line; a model whose parameter count is not MODELS.md's is an error.
    public func line(_ name: String) throws -> String {
        guard let c = buildCase(name, seed: settings.seed) else { throw SettingsError(["models"], "has an unknown model '\(name)'") }
        guard c.params == expectedParams[name] else {
            throw SettingsError(["models"], "has \(name) with \(c.params) parameters, MODELS.md says \(expectedParams[name]!): not benchmarked")
        }
        return BenchLine.text(figures(name, c))
    }

    /// One core operation's JSON line (`allOps`): microseconds a call, alone and with its
    /// backward, each the median of the repeats.
    public func opLine(_ name: String) throws -> String {
        guard let c = buildOpCase(name, seed: settings.seed) else { throw SettingsError(["ops"], "has an unknown op '\(name)'") }
        let start = Date()
        let forward = timedPhase(c.forward, budget: 0.4 * settings.seconds, warmup: 0.05 * settings.seconds)
        let backward = timedPhase(c.backward, budget: 0.5 * settings.seconds, warmup: 0.05 * settings.seconds)
        return BenchLine.text([
            "op": name, "shape": c.shape, "forward_us": round3(1e6 / forward.median), "forward_backward_us": round3(1e6 / backward.median),
            "forward_spread": round3(forward.rates.max()! / forward.rates.min()! - 1),
            "forward_backward_spread": round3(backward.rates.max()! / backward.rates.min()! - 1),
            "threads": settings.threads, "repeats": settings.repeats, "framework": "deepmedia", "kernels": CPUInfo.kernels,
            "wall_s": round1(Date().timeIntervalSince(start) * 100) / 100,
        ])
    }

    /// One model's figures (its --verbose report goes to stderr).
    func figures(_ name: String, _ c: BenchCase) -> [String: Any] {
        let start = Date()
        let skipped = PhaseTiming(median: 0, rates: [1], calls: 0)
        let train = settings.phase == .infer ? skipped : timedPhase(c.trainStep, budget: 0.55 * settings.seconds, warmup: 0.08 * settings.seconds)
        let infer = settings.phase == .train ? skipped : timedPhase(c.infer, budget: 0.30 * settings.seconds, warmup: 0.05 * settings.seconds)
        let b = Double(c.batch)
        var out: [String: Any] = [
            "model": name, "batch": c.batch,
            "train_steps_per_s": round3(train.median), "train_samples_per_s": round1(train.median * b),
            "infer_samples_per_s": round1(infer.median * b), "params": c.params, "threads": settings.modelThreads == nil ? settings.threads : 1,   // a model runs on one
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
        if settings.threads > 1 && settings.modelThreads == nil && !train.wait.isEmpty {
            // Each thread's share of the timed training spent waiting (caller first, then workers).
            out["train_wait"] = round3(train.wait.max()!)
            out["train_wait_by_thread"] = train.wait.map(round3)
            // Each worker's share of the regions whose seat the caller closed before it came.
            out["train_late_by_worker"] = train.late.map(round3)
        }
        for (key, m, uncut, calls) in [("train", train.model, train.uncut, train.calls), ("infer", infer.model, infer.uncut, infer.calls)] {
            guard let m else { continue }
            // The same calls with every region whole (a model at 1): what one thread does without the
            // cut for N, which can add work (a product split in N packs its operand N times).
            let uncutOne = uncut?.quiet?.oneThread
            // Per call: measured on one thread, modelled at N; waiting per virtual worker.
            let n = Double(calls * settings.repeats)
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
                if let u = uncutOne { out["\(key)_quiet_uncut_1t_per_s"] = round3((key == "infer" ? b : 1) / u) }
            }
            var lines = "# \(name) \(key): \(m.threads) threads modelled; per call: serial \(String(format: "%.3f", m.serial / n * 1e3)) ms; "
                + "regions by time lost to the split (lost ms, work ms, regions)\n"
            for s in m.sites.prefix(settings.verbose ? m.sites.count : 6) {
                lines += "#   \(s.site) " + [s.lost / n * 1e3, s.work / n * 1e3].map { String(format: "%.3f", $0) }.joined(separator: " ")
                    + String(format: " %.1f\n", Double(s.regions) / n)
            }
            if let q = m.quiet {
                let ms = [q.oneThread, q.modelled, q.serial, q.longest - q.work / Double(m.threads)].map { String(format: "%.3f", $0 * 1e3) }
                lines += "#   quiet (each chunk and gap at its median over \(q.calls) calls), ms per call: 1 thread \(ms[0]), "
                    + "\(m.threads) threads \(ms[1]) (serial \(ms[2]), lost to the split \(ms[3])), waiting "
                    + String(format: "%.0f %%", (q.waiting.max() ?? 0) * 100)
                if let u = uncutOne {
                    lines += String(format: "; uncut on 1 thread %.3f (the cut for %d adds %.0f %%): %d threads %.1fx one", u * 1e3, m.threads,
                                    (q.oneThread / u - 1) * 100, m.threads, u / q.modelled)
                }
                lines += "\n"
                if settings.verbose {
                    for s in q.sites.prefix(8) {
                        lines += "#     quiet \(s.site) " + [s.lost, s.work].map { String(format: "%.3f", $0 * 1e3) }.joined(separator: " ")
                            + " \(s.regions)\n"
                    }
                    if let u = uncut?.quiet {
                        lines += "#   work the cut adds, quiet (ms per call: added, cut, uncut):\n"
                        for c in CutCost.bySite(cut: q, uncut: u) where abs(c.added) >= 0.001 * q.oneThread {
                            lines += "#     \(c.site) " + [c.added, c.cut, c.uncut].map { String(format: "%.3f", $0 * 1e3) }.joined(separator: " ") + "\n"
                        }
                    }
                }
            }
            if settings.verbose {
                lines += "#   serial time between regions (ms per call):\n"
                for s in m.serialBetween.prefix(10) { lines += "#   \(s.sites) " + String(format: "%.3f\n", s.time / n * 1e3) }
            }
            FileHandle.standardError.write(Data(lines.utf8))
        }
        out["train_steps_per_repeat"] = train.calls
        out["infer_batches_per_repeat"] = infer.calls
        out["repeats"] = settings.repeats
        out["framework"] = "deepmedia"
        out["kernels"] = CPUInfo.kernels
        out["params_match_models_md"] = true
        out["peak_rss_mb"] = round1(peakRSSMegabytes())
        out["wall_s"] = round1(Date().timeIntervalSince(start) * 100) / 100
        return out
    }

    /// One timed phase: the median rate (calls/s) and each repeat's, calls per repeat; with threads,
    /// each thread's waiting and each worker's late share (`Parallel.usage`, `lateShares`); with a
    /// thread model, its report and that of the same calls uncut.
    struct PhaseTiming {
        var median: Double, rates: [Double], calls: Int
        var wait: [Double] = [], late: [Double] = []
        var model: ThreadModel.Report? = nil, uncut: ThreadModel.Report? = nil
    }

    func timedPhase(_ fn: () -> Void, budget: Double, warmup: Double) -> PhaseTiming {
        var t0 = DispatchTime.now()
        var n = 0
        while n < 2 || elapsed(t0) < warmup { fn(); n += 1 }
        t0 = DispatchTime.now()
        var k = 0
        while k < 2 || elapsed(t0) < 0.05 { fn(); k += 1 }
        let perCall = elapsed(t0) / Double(k)
        let calls = max(1, Int(budget / Double(settings.repeats) / perCall))
        var rates: [Double] = []
        Parallel.startUsage()
        if let n = settings.modelThreads { Parallel.endModel(); Parallel.startModel(threads: n) }
        for _ in 0..<settings.repeats {
            let s = DispatchTime.now()
            for _ in 0..<calls { fn(); Parallel.markModelCall() }
            rates.append(Double(calls) / elapsed(s))
        }
        let sorted = rates.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let usage = Parallel.usage(), late = Parallel.lateShares()
        var model: ThreadModel.Report?, uncut: ThreadModel.Report?
        if let n = settings.modelThreads {
            model = Parallel.endModel()
            if n > 1 {
                Parallel.startModel(threads: 1)
                for _ in 0..<settings.repeats { for _ in 0..<calls { fn(); Parallel.markModelCall() } }
                uncut = Parallel.endModel()
            }
            Parallel.startModel(threads: n)
        }
        return PhaseTiming(median: median, rates: rates, calls: calls, wait: usage, late: late, model: model, uncut: uncut)
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

}
