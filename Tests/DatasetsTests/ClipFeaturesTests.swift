import XCTest
import Foundation
import MediaIO
import NeuralCore
import TestSupport
@testable import Datasets

/// The tagger's features: log-mel of a clip against librosa (the 8 kHz fixture, 80 dB range),
/// also after a round trip through a 16-bit WAV file; placement of clips in the window;
/// standardisation; metadata round trip.
final class ClipFeaturesTests: XCTestCase {
    func spec8k() -> ClipFeatures {
        var s = ClipFeatures()
        s.sampleRate = 8000; s.clipSeconds = 1; s.fftSize = 256; s.winLength = 200; s.hop = 80; s.mels = 40
        return s
    }

    /// librosa's log_mel clamped 80 dB below its peak, first 100 frames.
    func reference(_ fx: SafetensorsFile) throws -> [Float] {
        let ref = try fx.tensor("log_mel")
        let rows = ref.shape[0], frames = ref.shape[1], top = ref.scalars.max()!
        var out: [Float] = []
        for r in 0..<rows { for t in 0..<100 { out.append(max(ref.scalars[r * frames + t], top - 80)) } }
        return out
    }

    func testLogMelMatchesLibrosa() throws {
        let fx = try Fixtures.load("audio/features_8k.safetensors")
        let signal = try fx.tensor("signal").scalars
        let e = try ClipFeatureExtractor(spec8k())
        let s = e.logMelDB(signal)
        XCTAssertEqual([s.rows, s.frames], [40, 100])
        assertClose(s.values, try reference(fx), rtol: 1e-4, atol: 1e-3, "log-mel")
    }

    func testDecodedClipMatchesLibrosa() throws {
        let fx = try Fixtures.load("audio/features_8k.safetensors")
        let signal = try fx.tensor("signal").scalars
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tone"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("other"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // At half amplitude (the signal peaks above 1, which 16 bits would clip): 6.02 dB lower.
        try AudioBuffer(sampleRate: 8000, channels: 1, samples: signal.map { $0 / 2 }).write(dir.appendingPathComponent("tone/a_0.wav").path)
        try AudioBuffer(sampleRate: 8000, channels: 1, samples: [Float](repeating: 0.1, count: 800)).write(dir.appendingPathComponent("other/b_0.wav").path)
        let set = try LabeledAudio.load([dir.path], sampleRate: 8000)
        XCTAssertEqual(set.classes, ["other", "tone"])
        XCTAssertEqual(set.speakers, ["b", "a"])
        let clip = set.clips.first { $0.label == 1 }!
        XCTAssertEqual(clip.samples.count, 8000)
        let s = try ClipFeatureExtractor(spec8k()).logMelDB(clip.samples)
        // 16-bit quantisation moves the quietest kept bins by a few hundredths of a dB.
        let shift = Float(10 * log10(0.25))
        assertClose(s.values, try reference(fx).map { $0 + shift }, rtol: 1e-3, atol: 0.05, "log-mel of the decoded clip")
    }

    func testFitCentresTheEnergyAndCutsLongClips() {
        var s = ClipFeatures(); s.sampleRate = 1000; s.clipSeconds = 0.1; s.padding = .zeros   // 100-sample windows
        let burst = [Float](repeating: 0, count: 10) + [Float](repeating: 1, count: 10)   // centroid 14.5 -> 14
        let w = s.fit(burst)
        XCTAssertEqual(w.count, 100)
        XCTAssertEqual(w.firstIndex(of: 1), 46); XCTAssertEqual(w.lastIndex(of: 1), 55)   // sample 14 at the centre, 50
        XCTAssertEqual(s.fit(burst, shift: 5).firstIndex(of: 1), 51)
        let long = (0..<300).map { Float($0 >= 200 && $0 < 220 ? 1 : 0) }
        let cut = s.fit(long)
        XCTAssertEqual(cut.firstIndex(of: 1), 41); XCTAssertEqual(cut.filter { $0 == 1 }.count, 20)
    }

    /// Background padding: around a short clip, its quietest 50 ms, back and forth, at the
    /// clip's own floor level (a long recording's window has no digital silence either).
    func testBackgroundPaddingRepeatsTheQuietestStretch() {
        var s = ClipFeatures(); s.sampleRate = 1000; s.clipSeconds = 0.4; s.padding = .background   // 400-sample windows, 50-sample stretch
        var rng = RandomGenerator(seed: 4)
        let floor = (0..<100).map { _ in 0.01 * rng.normal() }
        let clip = floor + (0..<60).map { Float(sin(Double($0))) } + floor.map { $0 * 3 }
        let w = s.fit(clip)
        XCTAssertEqual(w.count, 400)
        let inside = Set(clip.map(\.bitPattern)), quiet = Set(floor.map(\.bitPattern))
        let padded = w.enumerated().filter { !inside.contains($0.element.bitPattern) }
        XCTAssertTrue(padded.isEmpty, "every padded sample comes from the clip")
        let head = w.prefix(50)   // before the clip (its centroid is near 130, the window starts near -70)
        XCTAssertTrue(head.allSatisfy { quiet.contains($0.bitPattern) }, "padding comes from the quiet floor, not the tone")
        XCTAssertLessThan(head.map { abs($0) }.max()!, 0.05)
        XCTAssertFalse(head.allSatisfy { $0 == 0 })
    }

    func testFeaturesAreStandardisedAndGainFree() throws {
        let e = try ClipFeatureExtractor(ClipFeatures())
        var rng = RandomGenerator(seed: 2)
        let x = (0..<8000).map { i in 0.3 * Float(sin(Double(i) * 0.3)) + 0.01 * rng.normal() }
        let f = e.features(x), g = e.features(x.map { $0 * 0.05 })
        XCTAssertEqual(f.count, 64 * 100)
        let mean = f.reduce(0, +) / Float(f.count)
        let variance = f.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(f.count)
        XCTAssertEqual(mean, 0, accuracy: 1e-4); XCTAssertEqual(variance, 1, accuracy: 1e-3)
        assertClose(f, g, rtol: 1e-3, atol: 1e-3, "a quieter copy")
        XCTAssertEqual(e.features([Float](repeating: 0, count: 8000)).max(), 0, "silence: all zeros, no NaN")
    }

    func testMetadataRoundTrip() {
        var s = ClipFeatures(); s.kind = .mfcc; s.clipSeconds = 0.75; s.padding = .zeros
        XCTAssertEqual(ClipFeatures(metadata: s.metadata), s)
        s.padding = .background
        XCTAssertEqual(ClipFeatures(metadata: s.metadata), s)
        var m = s.metadata; m["hop"] = "0"
        XCTAssertNil(ClipFeatures(metadata: m))
    }
}
