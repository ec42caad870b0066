import XCTest
import Foundation
import TestSupport

/// Every misuse of the public API stops the process with a message naming the bad shape or index,
/// in the release build too (the library compiles with -Ounchecked, which drops `precondition`;
/// its checks are `require`). Each case runs in a child process (Tests/MisuseProbe).
final class ArgumentChecksTests: XCTestCase {
    static let cases: [(String, String)] = [
        ("embedding-index", "index 7 outside vocabulary of 3"),
        ("cross-entropy-class", "class 5 outside 0..<3"),
        ("matmul-shapes", "[2, 3] · [2, 2]"),
        ("tensor-count", "shape [4] needs 4 values, got 2"),
        ("linear-shapes", "input [2, 3] does not fit weight [4, 5]"),
        ("conv2d-channels", "input [1, 3, 8, 8] does not fit weight [4, 2, 3, 3]"),
        ("backward-twice", "second time"),
        ("backward-nonscalar", "needs a scalar or a seed"),
        ("avg-pool-kernel", "kernel 0 and stride 0 must be positive"),
        ("max-pool-stride", "kernel 2 and stride 0 must be positive"),
        ("transpose-axes", "axes 0 and 2 out of range for shape [2, 3]"),
        ("concatenate-axis", "axis 2 out of range for shape [2, 3]"),
        ("stack-axis", "axis 4 out of range for shape [2, 3]"),
        ("conv2d-stride", "conv2d: stride (0, 1) and dilation (1, 1) must be positive"),
        ("conv-transpose-output-padding", "output padding (2, 0) must be below stride (2, 2)"),
    ]

    func probe(_ binary: String) throws {
        for (name, words) in Self.cases {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = [name]
            let err = Pipe(), out = Pipe()
            p.standardError = err; p.standardOutput = out
            try p.run()
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertNotEqual(p.terminationStatus, 0, "\(binary) \(name) went on: \(o)")
            XCTAssertTrue(e.contains(words), "\(binary) \(name): \(e)")
        }
    }

    func testDebugBuildStops() throws { try probe(ToolPaths.path("misuse-probe")) }

    func testReleaseBuildStopsToo() throws {
        let release = Fixtures.repoRoot.appendingPathComponent(".build/release/misuse-probe").path
        guard FileManager.default.isExecutableFile(atPath: release) else { throw XCTSkip("no release build of misuse-probe (make test builds it)") }
        try probe(release)
    }
}
