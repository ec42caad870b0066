import XCTest
import Foundation
import TestSupport

/// A fallback OpenBLAS core (forced here with OPENBLAS_CORETYPE=Prescott, what Debian's OpenBLAS
/// picks on CPUs newer than itself) is replaced before main by the best core for the CPU's
/// vector instructions; DEEPMEDIA_KEEP_BLAS_CORE=1 keeps it. So is an AVX2 core on an AVX-512 CPU.
final class BLASCoreTests: XCTestCase {
    func system(_ env: [String: String]) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ToolPaths.path("deepmedia-bench"))
        p.arguments = ["--system"]
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.filter { $0.key != "DEEPMEDIA_BLAS_CORE_WAS" }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func testFallbackCoreIsReplaced() throws {
        let native = try system([:])
        guard let isa = native["isa"] as? String, isa != "baseline" else { throw XCTSkip("no AVX2 here: nothing better than the fallback") }
        let forced = try system(["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(forced["blas_core"] as? String, isa == "avx512" ? "SkylakeX" : "Haswell", "\(forced)")
        XCTAssertEqual(forced["blas_core_replaced"] as? String, "Prescott")
        let kept = try system(["OPENBLAS_CORETYPE": "Prescott", "DEEPMEDIA_KEEP_BLAS_CORE": "1"])
        XCTAssertEqual(kept["blas_core"] as? String, "Prescott")
        XCTAssertFalse((native["blas_core"] as? String ?? "Prescott").isEmpty)
    }

    /// An AVX2 core is a fallback only where the CPU has AVX-512 (AMD Zen 5, CPU family 26, gets
    /// "Haswell" from OpenBLAS 0.3.21; SkylakeX's sgemm is about 1.5x faster there).
    func testAVX2CoreIsReplacedOnlyOnAVX512() throws {
        let native = try system([:])
        guard let isa = native["isa"] as? String, isa != "baseline" else { throw XCTSkip("no AVX2 here: Haswell cannot run") }
        let forced = try system(["OPENBLAS_CORETYPE": "Haswell"])
        if isa == "avx512" {
            XCTAssertEqual(forced["blas_core"] as? String, "SkylakeX", "\(forced)")
            XCTAssertEqual(forced["blas_core_replaced"] as? String, "Haswell")
        } else {
            XCTAssertEqual(forced["blas_core"] as? String, "Haswell", "\(forced)")
            XCTAssertNil(forced["blas_core_replaced"] as? String)
        }
        let wide = try system(["OPENBLAS_CORETYPE": "Cooperlake"])
        if isa == "avx512" { XCTAssertEqual(wide["blas_core"] as? String, "Cooperlake", "an AVX-512 core is kept: \(wide)") }
    }

    /// The program run again with the better core keeps its name (ps and top showed "exe", the
    /// name of /proc/self/exe, for every program where the core was replaced).
    func testReplacedCoreKeepsTheProgramsName() throws {
        let native = try system([:])
        guard let isa = native["isa"] as? String, isa != "baseline" else { throw XCTSkip("no AVX2 here: nothing is replaced") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ToolPaths.path("deepmedia-bench"))
        p.arguments = ["--models", "mlp", "--threads", "1", "--seconds", "20", "--repeats", "1"]
        p.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_CORETYPE": "Prescott"]) { $1 }
            .filter { $0.key != "DEEPMEDIA_BLAS_CORE_WAS" && $0.key != "DEEPMEDIA_KEEP_BLAS_CORE" }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        var name = ""
        for _ in 0..<50 {   // the new image names the process within milliseconds of the start
            Thread.sleep(forTimeInterval: 0.1)
            let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(p.processIdentifier)/environ"))) ?? Data()
            if environ.range(of: Data("DEEPMEDIA_BLAS_CORE_WAS=".utf8)) != nil {
                name = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/comm", encoding: .utf8)) ?? ""
                break
            }
        }
        XCTAssertEqual(name.trimmingCharacters(in: .whitespacesAndNewlines), "deepmedia-bench")
    }
}
