import XCTest
import Foundation
@testable import MediaIO
import TestSupport

final class AudioIOTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = temporaryFolder() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Stereo test signal on the 16-bit grid (k / 32768), so 16-bit files can hold it exactly.
    func grid16(frames: Int, rate: Int = 16_000) -> AudioBuffer {
        var s: [Float] = []
        for i in 0..<frames {
            let a = (0.5 * sin(2 * Double.pi * 440 * Double(i) / Double(rate)) * 32768).rounded() / 32768
            let b = (0.25 * sin(2 * Double.pi * 1250 * Double(i) / Double(rate)) * 32768).rounded() / 32768
            s += [Float(a), Float(b)]
        }
        return AudioBuffer(sampleRate: rate, channels: 2, samples: s)
    }

    func testWAVAndFLACRoundTripsAreExact() throws {
        let a = grid16(frames: 4_000)
        for (name, fmt) in [("x.wav", AudioFileFormat.wav16), ("x.flac", .flac16), ("f.wav", .wavFloat), ("y.flac", .flac24)] {
            let path = dir.appendingPathComponent(name).path
            try a.write(path, format: fmt)
            let b = try AudioBuffer.read(path)
            XCTAssertEqual(b.sampleRate, a.sampleRate, name)
            XCTAssertEqual(b.channels, 2, name)
            XCTAssertEqual(b.samples, a.samples, "\(name) must round-trip exactly")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["f.wav", "x.flac", "x.wav", "y.flac"])
    }

    func testMonoAndResample() throws {
        let a = grid16(frames: 16_000)
        let path = dir.appendingPathComponent("s.wav").path
        try a.write(path)
        let m = try AudioBuffer.read(path, sampleRate: 8_000, mono: true)
        XCTAssertEqual(m.channels, 1)
        XCTAssertEqual(m.sampleRate, 8_000)
        XCTAssertEqual(Double(m.frames), 8_000, accuracy: 40)
        // The 440 Hz component survives (half amplitude after the mono average), 1250 Hz too.
        let rms = (m.samples.reduce(0) { $0 + Double($1 * $1) } / Double(m.frames)).squareRoot()
        XCTAssertEqual(rms, ((0.25 * 0.25 + 0.125 * 0.125) / 2).squareRoot(), accuracy: 0.01)
    }

    func testSharedSamplesDecode() throws {
        let expected: [(String, Int, Int, Double)] = [
            ("kevin_macleod_freepd_30s.mp3", 44_100, 2, 30.04), ("librispeech_198-209-0000.ogg", 16_000, 1, 13.91),
            ("guit_em9.flac", 44_100, 2, 439_768.0 / 44_100),
        ]
        for (name, rate, ch, seconds) in expected {
            let a = try AudioBuffer.read(try sample(name))
            XCTAssertEqual(a.sampleRate, rate, name)
            XCTAssertEqual(a.channels, ch, name)
            XCTAssertEqual(a.duration, seconds, accuracy: 0.06, name)
            let peak = a.samples.map { Swift.abs($0) }.max() ?? 0
            XCTAssertTrue(peak > 0.05 && peak <= 1.5, "\(name) peak \(peak)")
        }
        XCTAssertEqual(try AudioBuffer.read(try sample("guit_em9.flac")).frames, 439_768)
        let speech = try AudioBuffer.read(try sample("kevin_macleod_freepd_30s.mp3"), sampleRate: 16_000, mono: true)
        XCTAssertEqual(speech.sampleRate, 16_000)
        XCTAssertEqual(speech.duration, 30.04, accuracy: 0.06)
    }

    func testSpokenDigitArchiveRecordingsDecode() throws {
        guard let fsdd = Fixtures.dataset("fsdd") else { throw XCTSkip("no fsdd") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/tar")
        p.arguments = ["-xzf", fsdd.appendingPathComponent("recordings.tar.gz").path, "-C", dir.path, "recordings/7_jackson_0.wav"]
        try p.run(); p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("could not unpack a recording") }
        let a = try AudioBuffer.read(dir.appendingPathComponent("recordings/7_jackson_0.wav").path)
        XCTAssertEqual(a.sampleRate, 8_000)
        XCTAssertEqual(a.channels, 1)
        XCTAssertTrue(a.duration > 0.1 && a.duration < 2)
    }
}
