import XCTest
import ArgumentParser
import RunKit
@testable import CLI

final class CLITests: XCTestCase {
    func testProgressClock() {
        XCTAssertEqual(TerminalProgress.clock(75), "1:15")
        XCTAssertEqual(TerminalProgress.clock(3725), "1:02:05")
    }

    /// No rate yet (the first half second) reads as unknown, not as 0 samples/s and ETA 0:00.
    func testProgressSpeed() {
        XCTAssertEqual(TerminalProgress.speed(rate: 0, unit: "samples", eta: 0), "- samples/s  ETA -")
        XCTAssertEqual(TerminalProgress.speed(rate: 2.5, unit: "frames", eta: 64), "2.50 frames/s  ETA 1:04")
        XCTAssertEqual(TerminalProgress.speed(rate: 9856.4, unit: "samples", eta: 3700), "9856 samples/s  ETA 1:01:40")
    }

    func testNumberListsAndSkippedNotes() throws {
        XCTAssertEqual(try numberList("0, 0.05,0.3", flag: "--epsilons", in: 0...1), [0, 0.05, 0.3])
        XCTAssertThrowsError(try numberList("0,2", flag: "--epsilons", in: 0...1)) { e in
            XCTAssertEqual((e as? ValidationError)?.message, "--epsilons: '2' is not a number in [0.0, 1.0]")
        }
        XCTAssertThrowsError(try numberList("", flag: "--epsilons", in: 0...1))
        XCTAssertNil(InputPaths.note([], kind: "images"))
        XCTAssertEqual(InputPaths.note(["a/x.md"], kind: "images"), "skipped 1 file(s) that are not images: a/x.md")
    }
}
