import XCTest
import Foundation
@testable import MediaIO
import TestSupport

final class VideoTests: XCTestCase {
    var dir: URL!
    override func setUp() { dir = temporaryFolder() }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Frame i: a smooth picture with a bright square moving right by 4 px per frame.
    func frame(_ i: Int, width: Int = 96, height: Int = 64) -> Image {
        var img = syntheticImage(width: width, height: height, channels: 3)
        for y in 20..<36 { for x in (8 + 4 * i)..<(24 + 4 * i) where x < width { for c in 0..<3 { img[y, x, c] = 0.95 } } }
        return img
    }

    func testWrittenVideoReadsBackWithCountSizeAndContent() throws {
        for name in ["gen.mp4", "gen.mkv"] {
            let path = dir.appendingPathComponent(name).path
            let enc = try VideoEncoder(path, width: 96, height: 64, frameRate: 10)
            for i in 0..<12 { try enc.append(frame(i)) }
            try enc.finish()
            let dec = try VideoDecoder(path)
            XCTAssertEqual([dec.width, dec.height], [96, 64], name)
            XCTAssertEqual(dec.frameRate, 10, accuracy: 0.01, name)
            let frames = try dec.frames()
            XCTAssertEqual(frames.count, 12, name)
            for (i, f) in frames.enumerated() {
                XCTAssertEqual(f.time, Double(i) / 10, accuracy: 1e-3)
                let p = psnr(f.image.pixels, frame(i).pixels)
                XCTAssertGreaterThan(p, 30, "\(name) frame \(i) PSNR \(p) (\(enc.codecName))")
            }
        }
    }

    /// NTSC's 30000/1001 frames per second stays 29.97, not 30, in both containers.
    func testFractionalFrameRateIsKept() throws {
        for name in ["ntsc.mp4", "ntsc.mkv"] {
            let path = dir.appendingPathComponent(name).path
            let enc = try VideoEncoder(path, width: 96, height: 64, frameRate: 30000.0 / 1001)
            for i in 0..<6 { try enc.append(frame(i)) }
            try enc.finish()
            let dec = try VideoDecoder(path)
            XCTAssertEqual(dec.frameRate, 30000.0 / 1001, accuracy: 1e-3, name)
            let frames = try dec.frames()
            XCTAssertEqual(frames.count, 6, name)
            XCTAssertEqual(frames[5].time, 5 * 1001.0 / 30000, accuracy: 1e-3, name)
        }
    }

    func testThinningAndSeeking() throws {
        let path = dir.appendingPathComponent("t.mp4").path
        let enc = try VideoEncoder(path, width: 96, height: 64, frameRate: 10)
        for i in 0..<20 { try enc.append(frame(i % 16)) }
        try enc.finish()
        XCTAssertEqual(try VideoDecoder(path).frames(every: 3).count, 7)          // 0, 3, ..., 18
        XCTAssertEqual(try VideoDecoder(path).frames(fps: 2.5).map { ($0.time * 10).rounded() }, [0, 4, 8, 12, 16])
        let dec = try VideoDecoder(path)
        try dec.seek(to: 1.25)
        let f = try XCTUnwrap(try dec.frameAfterSeek())
        XCTAssertEqual(f.time, 1.3, accuracy: 1e-3)
        XCTAssertGreaterThan(psnr(f.image.pixels, frame(13).pixels), 30)
    }

    func testAudioTrackIsCarriedOver() throws {
        let wav = dir.appendingPathComponent("a.wav").path
        let tone = (0..<16_000).map { Float((0.3 * sin(2 * Double.pi * 440 * Double($0) / 16_000) * 32768).rounded() / 32768) }
        try AudioBuffer(sampleRate: 16_000, channels: 1, samples: tone).write(wav)
        let path = dir.appendingPathComponent("with-audio.mkv").path
        let enc = try VideoEncoder(path, width: 96, height: 64, frameRate: 10, audioFrom: wav)
        for i in 0..<10 { try enc.append(frame(i)) }
        try enc.finish()
        XCTAssertTrue(try VideoDecoder(path).hasAudio)
        let a = try AudioBuffer.read(path)
        XCTAssertEqual(a.sampleRate, 16_000)
        XCTAssertEqual(a.duration, 1.0, accuracy: 0.05)
        XCTAssertEqual(Array(a.samples.prefix(1000)), Array(tone.prefix(1000)), "PCM copied unchanged")
    }

    func testSharedSampleVideo() throws {
        let dec = try VideoDecoder(try sample("bbb_excerpt.mp4"))
        XCTAssertEqual([dec.width, dec.height], [640, 360])
        XCTAssertEqual(dec.frameRate, 30, accuracy: 0.01)
        XCTAssertEqual(dec.duration, 0.234, accuracy: 0.01)
        XCTAssertFalse(dec.hasAudio)
        let frames = try dec.frames()
        XCTAssertEqual(frames.count, 5)
        XCTAssertEqual(frames[0].image.width, 640)
        let mean = frames[4].image.pixels.reduce(0, +) / Float(frames[4].image.pixels.count)
        XCTAssertTrue(mean > 0.05 && mean < 0.95)
    }

    func testNothingLeftBehindOnFailure() throws {
        let path = dir.appendingPathComponent("never.mp4").path
        do {
            let enc = try VideoEncoder(path, width: 96, height: 64, frameRate: 10)
            XCTAssertThrowsError(try enc.finish())   // no frames
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        XCTAssertThrowsError(try VideoEncoder(dir.appendingPathComponent("odd.mp4").path, width: 95, height: 64, frameRate: 10))
    }
}
