import XCTest
import Foundation
@testable import MediaIO
import TestSupport

/// Every reader, given truncated, empty, random and mislabelled files, throws a MediaError that
/// names the file: never a crash or a hang. Absurd declared sizes are refused before allocating.
final class BadInputTests: XCTestCase {
    var dir: URL!
    var goodPNG = "", goodJPEG = "", goodWAV = "", goodFLAC = "", goodMP4 = ""

    override func setUpWithError() throws {
        dir = temporaryFolder()
        let img = syntheticImage(width: 64, height: 48, channels: 3)
        goodPNG = dir.appendingPathComponent("good.png").path; try img.writePNG(goodPNG)
        goodJPEG = dir.appendingPathComponent("good.jpg").path; try img.writeJPEG(goodJPEG)
        let tone = AudioBuffer(sampleRate: 8_000, channels: 1, samples: (0..<8_000).map { Float(sin(Double($0) * 0.3)) * 0.5 })
        goodWAV = dir.appendingPathComponent("good.wav").path; try tone.write(goodWAV)
        goodFLAC = dir.appendingPathComponent("good.flac").path; try tone.write(goodFLAC)
        goodMP4 = dir.appendingPathComponent("good.mp4").path
        let enc = try VideoEncoder(goodMP4, width: 64, height: 48, frameRate: 10)
        for _ in 0..<5 { try enc.append(img) }
        try enc.finish()
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path)!) }

    private func make(_ name: String, _ content: [UInt8]) -> String {
        let p = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: p, contents: Data(content))
        return p
    }

    /// The readers, each as "decode this path fully".
    private let readers: [(String, (String) throws -> Void)] = [
        ("image", { _ = try Image.read($0) }),
        ("audio", { _ = try AudioBuffer.read($0) }),
        ("video", { _ = try VideoDecoder($0).frames() }),
    ]

    private func expectMediaError(_ reader: String, _ path: String, _ read: (String) throws -> Void,
                                  file: StaticString = #filePath, line: UInt = #line) {
        do {
            try read(path)
            XCTFail("\(reader) accepted \(path)", file: file, line: line)
        } catch let e as MediaError {
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.description.contains((path as NSString).lastPathComponent), file: file, line: line)
        } catch {
            XCTFail("\(reader) threw a non-media error for \(path): \(error)", file: file, line: line)
        }
    }

    func testZeroByteAndMissingFiles() {
        let empty = make("empty.png", [])
        for (name, read) in readers {
            expectMediaError(name, empty, read)
            expectMediaError(name, dir.appendingPathComponent("missing.wav").path, read)
            expectMediaError(name, dir.path, read)   // a folder
        }
    }

    func testTruncatedFiles() {
        for (good, reader) in [(goodPNG, readers[0]), (goodJPEG, readers[0]), (goodWAV, readers[1]), (goodFLAC, readers[1]), (goodMP4, readers[2])] {
            let b = bytes(good)
            for keep in [4, 40, b.count / 3] {
                let ext = (good as NSString).pathExtension
                let p = make("trunc-\(keep).\(ext)", Array(b.prefix(keep)))
                if reader.0 == "audio" && keep == b.count / 3 {
                    // A WAV/FLAC cut in the middle still holds a valid first part: it must decode
                    // that part or fail cleanly, never crash.
                    if let a = try? AudioBuffer.read(p) { XCTAssertLessThan(a.frames, 8_000) }
                    continue
                }
                expectMediaError(reader.0, p, reader.1)
            }
        }
    }

    func testRandomBytes() {
        var rng = SystemRandomNumberGenerator()
        for i in 0..<20 {
            let n = [1, 3, 16, 100, 1000, 10_000][i % 6]
            let p = make("random-\(i).bin", (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) })
            for (name, read) in readers { expectMediaError(name, p, read) }
        }
    }

    func testMislabelledFiles() {
        // A WAV named .jpg, a PNG named .wav, an MP4 named .png: decoders go by content, so each
        // either decodes what it really is or says it is not what was asked for.
        let wavAsJPG = make("sound.jpg", bytes(goodWAV))
        expectMediaError("image", wavAsJPG, readers[0].1)
        let pngAsWAV = make("picture.wav", bytes(goodPNG))
        expectMediaError("audio", pngAsWAV, readers[1].1)
        let jpgAsMP4 = make("photo.mp4", bytes(goodJPEG))
        XCTAssertNoThrow(try Image.read(jpgAsMP4), "a JPEG is read by content whatever its name")
        expectMediaError("audio", make("movie.wav", bytes(goodMP4)), readers[1].1)
    }

    func testAbsurdDeclaredSizesAreRefused() throws {
        // PNG header claiming 100000 x 100000.
        var png = bytes(goodPNG)
        let big: [UInt8] = [0x00, 0x01, 0x86, 0xA0]   // 100000
        png.replaceSubrange(16..<20, with: big); png.replaceSubrange(20..<24, with: big)
        let crc = crc32(Array(png[12..<29]))
        png.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        expectMediaError("image", make("huge.png", png), readers[0].1)
        // JPEG SOF claiming 65000 x 65000.
        var jpg = bytes(goodJPEG)
        if let sof = (0..<(jpg.count - 9)).first(where: { jpg[$0] == 0xFF && jpg[$0 + 1] == 0xC0 }) {
            jpg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFD, 0xE8, 0xFD, 0xE8])
            expectMediaError("image", make("huge.jpg", jpg), readers[0].1)
        } else { XCTFail("no SOF0 marker") }
        // WAV whose RIFF and data sizes claim 4 GB.
        var wav = bytes(goodWAV)
        wav.replaceSubrange(4..<8, with: [0xF0, 0xFF, 0xFF, 0xFF])
        if let d = (12..<(wav.count - 8)).first(where: { wav[$0..<($0 + 4)] == ArraySlice("data".utf8) }) {
            wav.replaceSubrange((d + 4)..<(d + 8), with: [0xF0, 0xFF, 0xFF, 0xFF])
        }
        let p = make("huge.wav", wav)
        if let a = try? AudioBuffer.read(p) { XCTAssertLessThanOrEqual(a.frames, 8_000, "reads only what is there") }
        // gzip data that is cut short.
        let gz = make("cut.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c])
        XCTAssertThrowsError(try FileBytes.read(gz)) { XCTAssertEqual(($0 as? MediaError)?.path, gz) }
    }

    /// A device is never read without end and a FIFO never waited on: every reader refuses both
    /// at once, naming the path (the FIFO has no writer, so opening it for reading would block).
    func testDevicesAndFIFOsAreRefusedAtOnce() throws {
        let fifo = dir.appendingPathComponent("pipe.png").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for path in ["/dev/zero", "/dev/urandom", fifo, dir.path] {
            let start = Date()
            XCTAssertThrowsError(try Image.read(path)) { XCTAssertEqual(($0 as? MediaError)?.path, path) }
            XCTAssertThrowsError(try AudioBuffer.read(path)) { XCTAssertEqual(($0 as? MediaError)?.path, path) }
            XCTAssertThrowsError(try VideoDecoder(path)) { XCTAssertEqual(($0 as? MediaError)?.path, path) }
            XCTAssertThrowsError(try FileBytes.read(path)) { XCTAssertTrue("\($0)".contains("not a regular file") || "\($0)".contains("folder"), "\($0)") }
            XCTAssertLessThan(Date().timeIntervalSince(start), 2, path)
        }
    }

    /// The message says what is wrong: a PNG that declares an absurd size, random bytes.
    func testMessagesNameTheProblem() throws {
        func be(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> UInt32($0)) } }
        var ihdr: [UInt8] = Array("IHDR".utf8) + be(30_000) + be(30_000) + [8, 0, 0, 0, 0]
        let huge = make("huge.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + [0, 0, 0, 0])
        ihdr = []
        XCTAssertThrowsError(try Image.read(huge)) { XCTAssertTrue("\($0)".contains("declares 30000x30000 pixels"), "\($0)") }
        var rng = SystemRandomNumberGenerator()
        let random = make("random.png", (0..<3000).map { _ in UInt8.random(in: 1...255, using: &rng) })
        XCTAssertThrowsError(try Image.read(random)) { e in
            XCTAssertFalse("\(e)".contains("0x0"), "\(e)")
            XCTAssertEqual((e as? MediaError)?.path, random)
        }
    }
}
