import Foundation
internal import CPUCheck

/// What the machine is, for benchmark headers and reports: CPU model, its widest vector
/// instructions, what the library's own kernels are compiled for, and the BLAS core.
public enum CPUInfo {
    /// "model name" of /proc/cpuinfo ("unknown" elsewhere).
    public static var model: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// "cpu family" of /proc/cpuinfo (AMD: 25 Zen 3/4, 26 Zen 5; nil elsewhere): the model name of
    /// a cloud CPU is often only "AMD EPYC".
    public static var family: Int? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu family") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    /// The CPU's widest vector instructions: "avx512", "avx2" or "baseline".
    public static var isa: String { ["baseline", "avx2", "avx512"][Int(dm_cpu_vector_level())] }

    /// The hand-written kernels' instruction set in use (see `KernelSet`).
    public static var kernels: String { KernelSet.active.rawValue }

    /// One line: "AMD EPYC (family 26); avx512 CPU; kernels avx512 (full-width); OpenBLAS core SkylakeX".
    public static var summary: String {
        let fam = family.map { " (family \($0))" } ?? ""
        let wide = KernelSet.active == .avx512 && KernelSet.fullWidth512 ? " (full-width)" : ""
        var s = "\(model)\(fam); \(isa) CPU; kernels \(kernels)\(wide); OpenBLAS core \(BLAS.core)"
        if let was = BLAS.replacedCore { s += " (replaced \(was))" }
        return s
    }
}
