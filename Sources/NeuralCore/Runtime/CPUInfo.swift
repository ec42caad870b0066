import Foundation
internal import CPUCheck

/// What the machine is, for benchmark headers and reports: CPU model, its widest vector
/// instructions, what the library's own kernels are compiled for, and the BLAS core.
public enum CPUInfo {
    /// "model name" of /proc/cpuinfo ("unknown" elsewhere).
    public static let model: String = firstCPU["model name"] ?? "unknown"

    /// "cpu family" of /proc/cpuinfo (AMD: 25 Zen 3/4, 26 Zen 5; nil elsewhere): the model name of
    /// a cloud CPU is often only "AMD EPYC".
    public static let family: Int? = firstCPU["cpu family"].flatMap { Int($0) }

    /// The first processor's "key : value" lines of /proc/cpuinfo, read once (empty elsewhere).
    static let firstCPU: [String: String] = cpuinfoFields((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

    /// The fields of the first block of a /proc/cpuinfo text (keys and values trimmed).
    static func cpuinfoFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) { if !fields.isEmpty { break }; continue }   // the block's end
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    /// Threads the library uses unless told otherwise: one per physical core this process may run
    /// on (allowed and online; a core with hyperthreads shows as two CPUs that share its vector
    /// units; PyTorch's default too), never more than `cpus`. Where the topology cannot be read,
    /// `cpus`.
    public static let cores: Int = {
        guard let allowed = allowedCPUs, let physical = physicalCores(of: allowed) else { return cpus }
        return Swift.min(cpus, physical)
    }()

    /// CPUs this process may keep busy: Foundation's active processors, or fewer where its affinity
    /// mask (`taskset -c 0`, a container's cpuset) or the cgroup's CPU quota allows fewer (a
    /// container run with `--cpus 1` on a 2-CPU machine: char_lstm trained at 15.6 steps/s on 2
    /// threads, 16.9 on 1). Quota rounded up to whole CPUs.
    public static let cpus: Int = {
        let active = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        let memberships = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        let quota = quotaCPUs(memberships: memberships, root: "/sys/fs/cgroup") ?? active
        return Swift.max(1, Swift.min(active, quota, allowedCPUs?.count ?? active))
    }()

    /// The CPUs this process may run on and that are online (nil when unreadable).
    static let allowedCPUs: [Int]? = allowedOnline(status: try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                                                   online: try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8))

    /// The CPUs of /proc/self/status's Cpus_allowed_list (`status`) that /sys/devices/system/cpu/online
    /// (`online`) lists (the allowed list may name every possible one); nil when either is missing
    /// or malformed, or none is left.
    static func allowedOnline(status: String?, online: String?) -> [Int]? {
        let allowed = status?.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
            .flatMap { cpuList(String($0.dropFirst("Cpus_allowed_list:".count))) }
        guard let allowed, let up = online.flatMap(cpuList).map(Set.init) else { return nil }
        let both = allowed.filter(up.contains)
        return both.isEmpty ? nil : both
    }

    /// Whole CPUs of the CPU quota of this process's cgroup (`memberships`: /proc/self/cgroup's
    /// text; `root`: where the cgroup file systems are mounted): cgroup v2's cpu.max, else v1's
    /// cpu.cfs_quota_us over cpu.cfs_period_us; nil when there is no quota or nothing to read.
    static func quotaCPUs(memberships: String, root: String) -> Int? {
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func whole(_ quota: Double, _ period: Double) -> Int? {
            quota > 0 && period > 0 ? Swift.max(1, Int((quota / period).rounded(.up))) : nil
        }
        for line in memberships.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = parts[2] == "/" ? "" : String(parts[2])
            if parts[1].isEmpty {   // v2: "0::/path"
                for dir in [root + path, root] {
                    guard let max = read(dir + "/cpu.max") else { continue }
                    let f = max.split(separator: " ")
                    guard f.count == 2, f[0] != "max", let q = Double(f[0]), let p = Double(f[1]) else { return nil }
                    return whole(q, p)
                }
            } else if parts[1].split(separator: ",").contains("cpu") {   // v1: "N:cpu,cpuacct:/path"
                for dir in [root + "/cpu" + path, root + "/cpu,cpuacct" + path, root + "/cpu", root + "/cpu,cpuacct"] {
                    guard let q = read(dir + "/cpu.cfs_quota_us").flatMap(Double.init),
                          let p = read(dir + "/cpu.cfs_period_us").flatMap(Double.init) else { continue }
                    return whole(q, p)
                }
            }
        }
        return nil
    }

    /// CPU numbers of a kernel list such as "0-3,8,10-11" (nil when malformed).
    static func cpuList(_ text: String) -> [Int]? {
        var cpus: [Int] = []
        for part in text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let lo = ends.first ?? nil, let hi = ends.last ?? nil, ends.count <= 2, lo >= 0, lo <= hi, hi < 1 << 16 else { return nil }
            cpus += lo...hi
        }
        return cpus.isEmpty ? nil : cpus
    }

    /// Distinct (package, core) pairs among `cpus` in `sysfs` (/sys/devices/system/cpu), nil when
    /// any CPU's topology is missing.
    static func physicalCores(of cpus: [Int], sysfs: String = "/sys/devices/system/cpu") -> Int? {
        var seen = Set<String>()
        for cpu in cpus {
            let dir = "\(sysfs)/cpu\(cpu)/topology/"
            guard let core = try? String(contentsOfFile: dir + "core_id", encoding: .utf8),
                  let package = try? String(contentsOfFile: dir + "physical_package_id", encoding: .utf8) else { return nil }
            seen.insert(package.trimmingCharacters(in: .whitespacesAndNewlines) + "/" + core.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return seen.isEmpty ? nil : seen.count
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
