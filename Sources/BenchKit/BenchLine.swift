import Foundation

/// One model's figures as a JSON line, keys in torch_reference.py's order first (its readers
/// compare line by line), then ours; integral doubles with one decimal, as Python prints them.
/// An op's line (`Benchmark.opLine`) starts with its own keys.
enum BenchLine {
    static let order = ["op", "shape", "forward_us", "forward_backward_us", "forward_spread", "forward_backward_spread",
                        "model", "batch", "train_steps_per_s", "train_samples_per_s", "infer_samples_per_s", "params", "threads",
                        "train_tokens_per_s", "infer_tokens_per_s", "g_infer_samples_per_s", "params_g", "params_d",
                        "train_spread", "infer_spread", "train_wait", "train_wait_by_thread", "train_late_by_worker",
                        "train_modelled_threads", "train_measured_1t_per_s", "train_modelled_per_s", "train_modelled_wait",
                        "train_serial_share", "train_regions_per_call",
                        "train_quiet_1t_per_s", "train_quiet_modelled_per_s", "train_quiet_modelled_wait", "train_quiet_uncut_1t_per_s",
                        "infer_modelled_threads", "infer_measured_1t_per_s", "infer_modelled_per_s", "infer_modelled_wait",
                        "infer_serial_share", "infer_regions_per_call",
                        "infer_quiet_1t_per_s", "infer_quiet_modelled_per_s", "infer_quiet_modelled_wait", "infer_quiet_uncut_1t_per_s",
                        "train_steps_per_repeat", "infer_batches_per_repeat", "repeats",
                        "framework", "kernels", "params_match_models_md", "peak_rss_mb", "wall_s"]

    static func text(_ d: [String: Any]) -> String {
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
