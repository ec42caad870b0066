import XCTest
import Foundation
@testable import SafeFiles

final class AtomicFileTests: XCTestCase {
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testWriteReplacesWholeAndLeavesNoTemporary() throws {
        let dir = try folder(), path = dir + "/a.txt"
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.txt"])
    }

    /// Writers of one name at once (two requests of a server) never share a temporary file: the
    /// result is one writer's bytes, whole.
    func testConcurrentWritersOfOneName() throws {
        let dir = try folder(), path = dir + "/b.bin"
        let payloads = (0..<8).map { Data(repeating: UInt8($0), count: 200_000) }
        DispatchQueue.concurrentPerform(iterations: 8) { i in try? AtomicFile.write(payloads[i], to: path) }
        let got = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertTrue(payloads.contains(got))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["b.bin"])
        XCTAssertNotEqual(AtomicFile.temporaryPath(for: path), AtomicFile.temporaryPath(for: path))
    }

    func testFailureNamesTheReasonAndLeavesNothing() throws {
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: "/nonexistent-folder/x.txt")) { e in
            XCTAssertFalse("\(e)".isEmpty)
        }
    }

    func testRegularFileNamesWhatElseAPathIs() throws {
        let dir = try folder(), file = dir + "/f", fifo = dir + "/p"
        try AtomicFile.write(Data("x".utf8), to: file)
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertNil(RegularFile.problem(file))
        XCTAssertEqual(RegularFile.problem(dir + "/none"), "no such file")
        XCTAssertEqual(RegularFile.problem(dir), "is a folder, not a file")
        XCTAssertEqual(RegularFile.problem(fifo), "is a FIFO, not a regular file")
        XCTAssertEqual(RegularFile.problem("/dev/zero"), "is a device or socket, not a regular file")
    }
}
