import XCTest
import Foundation

/// deepmedia-bench's options: a mistake gets one error line and exit 64 before any work; more
/// threads than a region has places for (255) still run.
final class BenchOptionsTests: XCTestCase {
    /// Runs deepmedia-bench with exactly `args` (ToolRunner adds --threads 2).
    func bench(_ args: [String], env: [String: String] = [:]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ToolRunner.path("deepmedia-bench"))
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.filter { $0.key != "DEEPMEDIA_BLAS_CORE_WAS" }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        return ToolRunner.finish(p, out, err)
    }

    func testBadOptionsGiveOneErrorLine() throws {
        let cases: [([String], String)] = [
            (["--threads", "100000"], "--threads must be in 1...1024"),
            (["--threads", "0"], "--threads must be in 1...1024"),
            (["--seconds", "inf"], "--seconds must be in (0, 3600]"),
            (["--seconds", "nan"], "--seconds must be in (0, 3600]"),
            (["--seconds", "0"], "--seconds must be in (0, 3600]"),
            (["--repeats", "1000000000"], "--repeats must be in 1...1000"),
            (["--model-threads", "0"], "--model-threads must be in 1...255"),
            (["--models", "resnet"], "unknown model 'resnet'"),
            (["--spin", "nan"], "--spin must be 0...1 seconds"),
            (["--spin=-0.5"], "--spin must be 0...1 seconds"),
            (["--spin", "2"], "--spin must be 0...1 seconds"),
        ]
        for (args, message) in cases {
            let (status, _, err) = try bench(["--models", "mlp"] + args)
            XCTAssertEqual(status, 64, "\(args): \(err)")
            let errors = err.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            XCTAssertEqual(errors.count, 1, "\(args): \(err)")
            XCTAssertTrue(errors.first?.contains(message) ?? false, "\(args): \(err)")
        }
    }

    /// An unknown DEEPMEDIA_KERNELS is said once, also when the BLAS-core fix runs the program
    /// again (forced here with a fallback core; the kernels were chosen, and the warning printed,
    /// in both processes).
    func testUnknownKernelSetIsSaidOnce() throws {
        let (status, out, err) = try bench(["--system"], env: ["DEEPMEDIA_KERNELS": "bogus", "OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(err.split(separator: "\n").filter { $0.contains("DEEPMEDIA_KERNELS=bogus is not one of") }.count, 1, err)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(json["kernels"] as? String, (json["kernels_available"] as? [String])?.last)
    }

    /// Run on one CPU (`taskset -c 0`), the bench counts one: its regions never run two threads
    /// on one CPU, and its default is one thread.
    func testAffinityMaskBoundsTheCPUs() throws {
        let taskset = ["/usr/bin/taskset", "/bin/taskset"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(taskset == nil, "no taskset")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: taskset!)
        p.arguments = ["-c", "0", ToolRunner.path("deepmedia-bench"), "--system"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let (status, text, errors) = ToolRunner.finish(p, out, err)
        try XCTSkipIf(errors.hasPrefix("taskset:"), "taskset cannot set the mask here: \(errors)")
        XCTAssertEqual(status, 0, errors)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(json["cpus"] as? Int, 1)
        XCTAssertEqual(json["cores"] as? Int, 1)
    }

    /// 1024 threads (a region runs on at most 255 of them, and on at most the CPUs): the waiting
    /// shares are read for the places that exist (reading one per thread ran past them and
    /// crashed at 100,000).
    func testMoreThreadsThanPlaces() throws {
        let (status, out, err) = try bench(["--models", "mlp", "--threads", "1024", "--seconds", "0.3", "--repeats", "1", "--phase", "train"])
        XCTAssertEqual(status, 0, err)
        let line = try XCTUnwrap(out.split(separator: "\n").last)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(json["threads"] as? Int, 1024)
        let waits = try XCTUnwrap(json["train_wait_by_thread"] as? [Double])
        XCTAssertEqual(waits.count, 256)
        let late = try XCTUnwrap(json["train_late_by_worker"] as? [Double])
        XCTAssertEqual(late.count, 255, "one per pool worker")
        XCTAssertTrue(late.allSatisfy { (0...1).contains($0) }, "\(late)")
        XCTAssertGreaterThan(json["train_steps_per_s"] as? Double ?? 0, 0)
    }
}
