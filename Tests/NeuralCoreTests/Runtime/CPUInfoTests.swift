import XCTest
@testable import NeuralCore

/// The default thread count: one per physical core among the CPUs the process may use, read from
/// a topology laid out as the kernel's (/sys/devices/system/cpu) in a temporary folder.
final class CPUInfoTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(UUID().uuidString)")
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// CPU c as core `core` of package `package`.
    func addCPU(_ c: Int, core: Int, package: Int) throws {
        let topo = dir.appendingPathComponent("cpu\(c)/topology")
        try FileManager.default.createDirectory(at: topo, withIntermediateDirectories: true)
        try "\(core)\n".write(to: topo.appendingPathComponent("core_id"), atomically: true, encoding: .utf8)
        try "\(package)\n".write(to: topo.appendingPathComponent("physical_package_id"), atomically: true, encoding: .utf8)
    }

    func testCPUListsAsTheKernelWritesThem() {
        XCTAssertEqual(CPUInfo.cpuList("0-3,8,10-11\n"), [0, 1, 2, 3, 8, 10, 11])
        XCTAssertEqual(CPUInfo.cpuList("\t5"), [5])
        for bad in ["", "3-1", "a", "1-2-3", "-1", "1,,2x"] { XCTAssertNil(CPUInfo.cpuList(bad), bad) }
    }

    /// The affinity mask's CPUs that are online: a mask may name CPUs that are not there; missing
    /// or malformed text, or none left, is nil.
    /// The first processor's fields, as /proc/cpuinfo writes them (tab before the colon).
    func testCPUInfoFieldsOfTheFirstProcessor() {
        let text = "\nprocessor\t: 0\ncpu family\t: 25\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2\n\n"
            + "processor\t: 1\ncpu family\t: 26\nmodel name\t: Other\n"
        let f = CPUInfo.cpuinfoFields(text)
        XCTAssertEqual(f["model name"], "AMD EPYC 7B13")
        XCTAssertEqual(f["cpu family"], "25")
        XCTAssertEqual(f["flags"], "fpu avx2")
        XCTAssertEqual(CPUInfo.cpuinfoFields(""), [:])
        XCTAssertEqual(CPUInfo.model, CPUInfo.firstCPU["model name"] ?? "unknown")
    }

    func testAllowedCPUsAreTheOnlineOnesOfTheMask() {
        let status = "Name:\tbench\nCpus_allowed:\t3\nCpus_allowed_list:\t0-3,8\nMems_allowed_list:\t0\n"
        XCTAssertEqual(CPUInfo.allowedOnline(status: status, online: "0-1\n"), [0, 1])
        XCTAssertEqual(CPUInfo.allowedOnline(status: status, online: "0-15\n"), [0, 1, 2, 3, 8])
        XCTAssertNil(CPUInfo.allowedOnline(status: status, online: "4-7\n"), "none left")
        XCTAssertNil(CPUInfo.allowedOnline(status: "Name:\tbench\n", online: "0-1\n"), "no mask")
        XCTAssertNil(CPUInfo.allowedOnline(status: status, online: nil), "no online list")
        XCTAssertNil(CPUInfo.allowedOnline(status: status, online: "x"), "malformed")
    }

    /// 16 cores with two hyperthreads each (CPUs c and c + 16 share core c, as Linux numbers a Xeon)
    /// are 16; half the CPUs allowed, 8; two packages with the same core numbers count apart.
    func testHyperthreadsCountOnce() throws {
        for c in 0..<32 { try addCPU(c, core: c % 16, package: 0) }
        XCTAssertEqual(CPUInfo.physicalCores(of: Array(0..<32), sysfs: dir.path), 16)
        XCTAssertEqual(CPUInfo.physicalCores(of: Array(0..<8) + Array(16..<24), sysfs: dir.path), 8)
        XCTAssertEqual(CPUInfo.physicalCores(of: [3, 19], sysfs: dir.path), 1)
        for c in 32..<64 { try addCPU(c, core: c % 16, package: 1) }
        XCTAssertEqual(CPUInfo.physicalCores(of: Array(0..<64), sysfs: dir.path), 32)
        XCTAssertNil(CPUInfo.physicalCores(of: [0, 64], sysfs: dir.path), "a CPU without topology")
    }

    /// On this machine: at least one, never more than the active processors.
    func testCoresOnThisMachine() {
        XCTAssertGreaterThanOrEqual(CPUInfo.cores, 1)
        XCTAssertLessThanOrEqual(CPUInfo.cores, ProcessInfo.processInfo.activeProcessorCount)
    }

    func write(_ text: String, _ path: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// CPU quotas as cgroup v2 and v1 write them, rounded up to whole CPUs; none, unlimited or
    /// unreadable: nil.
    func testCgroupQuotas() throws {
        let root = dir.path
        try write("max 100000\n", "cpu.max")
        XCTAssertNil(CPUInfo.quotaCPUs(memberships: "0::/\n", root: root))
        try write("150000 100000\n", "box/cpu.max")
        XCTAssertEqual(CPUInfo.quotaCPUs(memberships: "0::/box\n", root: root), 2)
        try write("50000 100000\n", "small/cpu.max")
        XCTAssertEqual(CPUInfo.quotaCPUs(memberships: "0::/small\n", root: root), 1)
        try write("-1\n", "cpu/cpu.cfs_quota_us"); try write("100000\n", "cpu/cpu.cfs_period_us")
        XCTAssertNil(CPUInfo.quotaCPUs(memberships: "2:cpuacct:/\n1:cpu:/\n0::/\n", root: root))
        try write("300000\n", "cpu,cpuacct/job/cpu.cfs_quota_us"); try write("100000\n", "cpu,cpuacct/job/cpu.cfs_period_us")
        XCTAssertEqual(CPUInfo.quotaCPUs(memberships: "4:cpu,cpuacct:/job\n0::/\n", root: root), 3)
        XCTAssertNil(CPUInfo.quotaCPUs(memberships: "", root: root))
        XCTAssertNil(CPUInfo.quotaCPUs(memberships: "0::/missing\n", root: dir.appendingPathComponent("none").path))
        XCTAssertLessThanOrEqual(CPUInfo.cpus, ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertEqual(Parallel.cpus, CPUInfo.cpus)
    }
}
