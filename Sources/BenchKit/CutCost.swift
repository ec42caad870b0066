import NeuralCore

/// Where the cut for N threads adds work: per call site, the work of its regions cut for N (run
/// one after another) against the same calls uncut (a model at 1), and the serial time of both,
/// from the two models' quiet figures. A site found in only one run (another path taken at N,
/// an LSTM split by units) counts 0 in the other; work that makes no region at 1 thread (a
/// product left whole to one OpenBLAS call) is the uncut run's serial time. Seconds per call.
struct CutCost: Equatable {
    var site: String
    var cut: Double, uncut: Double
    var added: Double { cut - uncut }

    /// Every site of either run and "serial", most added first (the most saved last).
    static func bySite(cut: ThreadModel.Quiet, uncut: ThreadModel.Quiet) -> [CutCost] {
        var work: [String: (cut: Double, uncut: Double)] = ["serial": (cut.serial, uncut.serial)]
        for s in cut.sites { work[s.site, default: (0, 0)].cut += s.work }
        for s in uncut.sites { work[s.site, default: (0, 0)].uncut += s.work }
        return work.map { CutCost(site: $0.key, cut: $0.value.cut, uncut: $0.value.uncut) }
            .sorted { $0.added != $1.added ? $0.added > $1.added : $0.site < $1.site }
    }
}
