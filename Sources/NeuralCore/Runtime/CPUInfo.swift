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

    /// The CPU's widest vector instructions: "avx512", "avx2" or "baseline".
    public static var isa: String { ["baseline", "avx2", "avx512"][Int(dm_cpu_vector_level())] }

    /// The hand-written kernels' instruction set in use (see `KernelSet`).
    public static var kernels: String { KernelSet.active.rawValue }

    /// One line: "AMD EPYC 9R14; avx512 CPU; kernels avx512; OpenBLAS core Cooperlake".
    public static var summary: String {
        var s = "\(model); \(isa) CPU; kernels \(kernels); OpenBLAS core \(BLAS.core)"
        if let was = BLAS.replacedCore { s += " (replaced \(was))" }
        return s
    }
}
