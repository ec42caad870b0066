import XCTest
import Foundation
import MediaIO
import Datasets
@testable import AudioTaggerKit

/// collect with espeak-ng (skipped, with a line, where it is not installed): the files, their
/// labels and rate, and that the set loads as training data with one speaker per voice.
final class SpeechCollectionTests: XCTestCase {
    func testCollectWritesLabelledClips() throws {
        guard SpeechCollection.espeak() != nil else { throw XCTSkip("espeak-ng is not installed (make installs it)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("col-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var s = CollectSettings()
        s.words = ["yes", "no", "stop"]; s.voices = ["en-us+m1", "en-gb+f2"]; s.variants = 2
        let r = try SpeechCollection.collect(s, out: dir.path)
        XCTAssertEqual(r.clips, 12)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["no", "stop", "yes"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("yes").path).sorted(),
                       ["espeak-en-gb-f2_0.wav", "espeak-en-gb-f2_1.wav", "espeak-en-us-m1_0.wav", "espeak-en-us-m1_1.wav"])
        let b = try AudioBuffer.read(dir.appendingPathComponent("stop/espeak-en-us-m1_0.wav").path)
        XCTAssertEqual(b.sampleRate, 22050); XCTAssertEqual(b.channels, 1)
        XCTAssertGreaterThan(b.duration, 0.2); XCTAssertLessThan(b.duration, 2)
        let set = try LabeledAudio.load([dir.path], sampleRate: 8000)
        XCTAssertEqual(set.classes, ["no", "stop", "yes"])
        XCTAssertEqual(Set(set.speakers), ["espeak-en-us-m1", "espeak-en-gb-f2"])
        var bad = s; bad.voices = ["xx-nothing"]
        XCTAssertThrowsError(try SpeechCollection.collect(bad, out: dir.appendingPathComponent("bad").path)) { XCTAssertTrue("\($0)".contains("xx-nothing"), "\($0)") }
        bad = s; bad.words = ["../up"]
        XCTAssertThrowsError(try bad.validate())
    }
}
