import XCTest
import Foundation
import MediaIO
import TestSupport

/// The crash and hang cases of the programs, run on the release binaries (`make test` builds
/// them; release is where a missing check would corrupt memory instead of stopping), each with
/// a time limit: every one must end at once with exit 1 and one line naming the problem.
final class ReleaseBinaryTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("rel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func binary(_ name: String) throws -> String {
        let path = Fixtures.repoRoot.appendingPathComponent(".build/release/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw XCTSkip("no release build of \(name) (make test builds it)") }
        return path
    }

    /// Runs with a limit; a run past it is killed and fails the test.
    func run(_ tool: String, _ args: [String], limit: TimeInterval = 30) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary(tool))
        p.arguments = args + ["--threads", "2"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(limit)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate(); XCTFail("\(tool) \(args) still running after \(limit) s") }
        let (code, _, e) = ToolRunner.finish(p, out, err)
        return (code, e)
    }

    func expectOneLine(_ tool: String, _ args: [String], _ words: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (code, e) = try run(tool, args)
        XCTAssertEqual(code, 1, "\(args): \(e)", file: file, line: line)
        XCTAssertTrue(e.contains(words), "\(args): \(e)", file: file, line: line)
        XCTAssertEqual(e.split(separator: "\n").count, 1, "\(args): \(e)", file: file, line: line)
    }

    func testBadInputEndsAtOnceWithOneLine() throws {
        let digit = Fixtures.repoRoot.appendingPathComponent("Assets/samples/digits/7.png").path
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let random = dir.appendingPathComponent("random.png").path
        FileManager.default.createFile(atPath: random, contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }))
        // A two-class model against ten-class data (the old release attack corrupted the heap).
        let bars = dir.appendingPathComponent("bars")
        try BarsDataset.write(to: bars, perClass: 6, shifts: 3)
        let runDir = dir.appendingPathComponent("run").path
        XCTAssertEqual(try run("image-classifier", ["train", "--data", bars.path, "--epochs", "1", "--out", runDir]).0, 0)
        let digits = dir.appendingPathComponent("digits")
        for d in ["3", "4", "5"] {
            try FileManager.default.createDirectory(at: digits.appendingPathComponent(d), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: digit, toPath: digits.appendingPathComponent("\(d)/a.png").path)
        }
        try expectOneLine("image-classifier", ["attack", "--data", digits.path, "--model", runDir + "/checkpoint.safetensors",
                                               "--out", dir.appendingPathComponent("atk").path], "classes the model does not know")
        try expectOneLine("image-classifier", ["predict", digit, "--model", "/dev/zero"], "not a regular file")
        try expectOneLine("image-classifier", ["predict", fifo], "not a regular file")
        try expectOneLine("image-classifier", ["predict", "/dev/urandom"], "not a regular file")
        try expectOneLine("image-classifier", ["predict", random], "not an image")
        try expectOneLine("image-classifier", ["train", "--data", bars.path, "--lr", "inf", "--out", dir.appendingPathComponent("x").path], "--lr")
        try expectOneLine("image-classifier", ["train", "--data", bars.path, "--out", runDir], "already holds a run")
        try expectOneLine("char-rnn", ["generate", "--model", "/dev/zero"], "not a regular file")
        try expectOneLine("char-rnn", ["train", "--text", fifo, "--out", dir.appendingPathComponent("y").path], "not a regular file")
        try expectOneLine("char-rnn", ["evaluate", "--text", "/dev/zero"], "not a regular file")
        try expectOneLine("char-rnn", ["train", "--resume", runDir], "is a run of image-classifier, not of char-rnn")
    }
}
