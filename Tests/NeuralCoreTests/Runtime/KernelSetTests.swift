import XCTest
import NeuralCore
import TestSupport

final class KernelSetTests: XCTestCase {
    /// The portable set runs everywhere; the active one is the widest this CPU runs unless
    /// DEEPMEDIA_KERNELS names another, and CPUInfo reports it.
    func testActiveIsTheWidestAvailable() {
        let available = KernelSet.available
        XCTAssertEqual(available.first, .portable)
        let forced = ProcessInfo.processInfo.environment["DEEPMEDIA_KERNELS"].flatMap(KernelSet.init(rawValue:))
        XCTAssertEqual(KernelSet.active, forced.map { available.contains($0) ? $0 : available.last! } ?? available.last!)
        XCTAssertEqual(CPUInfo.kernels, KernelSet.active.rawValue)
        XCTAssertEqual(KernelSet.portable.lanes, 8)
        if available.contains(.avx512) { XCTAssertEqual(KernelSet.avx512.lanes, 16) }
        #if arch(x86_64)
        if CPUInfo.isa == "avx512" { XCTAssertTrue(available.contains(.avx512)) }
        if CPUInfo.isa != "baseline" { XCTAssertTrue(available.contains(.avx2)) }
        #endif
    }

    /// 16-lane rows in part filled are taken where 512-bit vectors run at full width: Intel's
    /// AVX-512 cores and AMD from family 26 (Zen 5) on, not Zen 4 (family 25), never without
    /// AVX-512; the setter forces it and forEachKernelSet puts it back.
    func testFullWidth512FollowsTheCPU() throws {
        let forced = ProcessInfo.processInfo.environment["DEEPMEDIA_WIDE512"]
        guard forced == nil else { throw XCTSkip("DEEPMEDIA_WIDE512 is set") }
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let amd = text.contains("AuthenticAMD")
        let expected = CPUInfo.isa == "avx512" && (amd ? (CPUInfo.family ?? 0) >= 26 : true)
        XCTAssertEqual(KernelSet.fullWidth512, expected, "family \(CPUInfo.family ?? -1), AMD \(amd)")
        var seen: [Bool] = []
        forEachKernelSet { set in if set == .avx512 { seen.append(KernelSet.fullWidth512) } }
        XCTAssertEqual(seen, KernelSet.available.contains(.avx512) ? [false, true] : [])
        XCTAssertEqual(KernelSet.fullWidth512, expected)
    }

    /// A set the CPU lacks is refused and the active one stays.
    func testUseRefusesWhatTheCPULacks() {
        let was = KernelSet.active
        for set in KernelSet.allCases where !KernelSet.available.contains(set) {
            XCTAssertFalse(KernelSet.use(set))
            XCTAssertEqual(KernelSet.active, was)
            XCTAssertEqual(set.lanes, 0)
        }
        forEachKernelSet { set in XCTAssertEqual(KernelSet.active, set) }
        XCTAssertEqual(KernelSet.active, was)
    }

    /// One small network trained for a few steps gives the same losses on every set (to float
    /// rounding: fused and unfused multiply-adds differ in the last bits).
    func testTrainingAgreesAcrossSets() {
        var losses: [[Float]] = []
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 4)
            let x = Tensor.normal([4, 3, 16, 20], using: &rng)
            let w = Parameter(Tensor.normal([8, 3, 3, 3], std: 0.2, using: &rng)), b = Parameter(Tensor.zeros([8]))
            let opt = Adam([w, b], lr: 0.01)
            var run: [Float] = []
            for _ in 0..<5 {
                opt.zeroGrad()
                let y = conv2dReLU(x, weight: w.value, bias: b.value, padding: (1, 1)).tanh().sigmoid()
                let loss = (y * y).mean()
                loss.backward()
                opt.step()
                run.append(loss.item)
            }
            losses.append(run)
        }
        for run in losses.dropFirst() {
            for (a, b) in zip(run, losses[0]) { XCTAssertEqual(a, b, accuracy: 1e-5 * Swift.max(1, Swift.abs(b))) }
        }
    }
}
