import XCTest
import Foundation
import MediaIO
import NeuralCore
import RunKit
import Datasets
import TestSupport
@testable import AudioTaggerKit

/// A tiny tagger trained in-process on generated tones must tell them apart on held-out
/// speakers, tag a long recording of tones and silences (as a WAV and as a video's soundtrack)
/// into the right sequence, and refuse bad input with a message naming the file.
final class AudioTaggerTrainingTests: XCTestCase {
    nonisolated(unsafe) static var trained: (dir: URL, model: String, report: AudioTaggerTrainingReport)?

    /// Trained once for the class: 3 classes x 32 clips, width 4, 6 epochs.
    func model() throws -> (dir: URL, model: String, report: AudioTaggerTrainingReport) {
        if let t = Self.trained { return t }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("at-\(UUID().uuidString)")
        try ToneClips.write(to: dir.appendingPathComponent("tones"), perClass: 32)
        var s = AudioTaggerSettings()
        s.data = [dir.appendingPathComponent("tones").path]
        s.width = 4; s.batchSize = 8; s.epochs = 6; s.lr = 1e-2; s.valSpeakers = ["s3"]
        let r = try AudioTaggerTraining.run(s, out: dir.appendingPathComponent("run").path)
        Self.trained = (dir, r.runFolder + "/checkpoint.safetensors", r)
        return Self.trained!
    }

    override class func tearDown() { if let t = trained { try? FileManager.default.removeItem(at: t.dir) } }

    func testTinyTrainingTellsTonesApart() throws {
        let (_, path, r) = try model()
        XCTAssertEqual(r.outcome, "finished")
        XCTAssertEqual(r.trainingClips, 72); XCTAssertEqual(r.validationClips, 24)
        XCTAssertGreaterThanOrEqual(r.validationAccuracy, 0.9, "held-out speaker s3")
        let run = try RunFolder.existing((path as NSString).deletingLastPathComponent)
        XCTAssertEqual(run.readMetrics().count, 6)
        for f in ["confusion.png", "confusion.svg", "validation.png", "validation.svg", "curves.svg", "best.safetensors"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.file(f)), f)
        }
        let m = try LoadedAudioTagger.load(path)
        XCTAssertEqual(m.classes, ToneClips.classes)
        let e = try m.evaluate(try m.read([run.path + "/../tones"]))
        XCTAssertEqual(e.count, 96)
        XCTAssertEqual(e.confusion.map { $0.reduce(0, +) }, [32, 32, 32])
        XCTAssertEqual(e.perSpeaker?.count, 4)
        var rng = RandomGenerator(seed: 5)
        XCTAssertEqual(try m.tags(clip: ToneClips.tone("mid", seconds: 0.4, using: &rng), top: 2).top.first?.tag, "mid")
    }

    func testLongRecordingBecomesTheSequence() throws {
        let (dir, path, _) = try model()
        let m = try LoadedAudioTagger.load(path)
        let tags = ["low", "high", "mid", "mid", "low"]
        let (x, spans) = ToneClips.sequence(tags)
        let wav = dir.appendingPathComponent("long.wav").path
        try AudioBuffer(sampleRate: 8000, channels: 1, samples: x).write(wav)
        var o = TagOptions(); o.hop = 0.1
        let picture = dir.appendingPathComponent("long.png").path
        let r = try m.tag(file: wav, options: o, picture: picture)
        XCTAssertNil(r.top)
        XCTAssertEqual(r.duration, Double(x.count) / 8000, accuracy: 1e-3)
        XCTAssertEqual(r.segments.map(\.tag), tags, "\(r.segments)")
        for (s, span) in zip(r.segments, spans) {
            XCTAssertLessThan(abs(s.start - span.0), 0.3, "\(s) vs \(span)"); XCTAssertLessThan(abs(s.end - span.1), 0.3, "\(s) vs \(span)")
        }
        let img = try Image.read(picture, mode: .rgb)
        XCTAssertGreaterThan(img.width, 100)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("long.svg").path))

        // The same sound as a video's soundtrack.
        let video = dir.appendingPathComponent("long.mkv").path
        let enc = try VideoEncoder(video, width: 32, height: 32, frameRate: 5, audioFrom: wav)
        for _ in 0..<Int(r.duration * 5) { try enc.append(Image(width: 32, height: 32, channels: 3, value: 0.5)) }
        try enc.finish()
        XCTAssertEqual(try m.tag(file: video, options: o).segments.map(\.tag), tags)
    }

    func testBadInputNamesTheFile() throws {
        let (dir, path, _) = try model()
        let m = try LoadedAudioTagger.load(path)
        func refuses(_ body: () throws -> Void, _ words: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try body(), file: file, line: line) { XCTAssertTrue("\($0)".contains(words), "\($0)", file: file, line: line) }
        }
        let empty = dir.appendingPathComponent("empty.wav").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        refuses({ _ = try m.tag(file: empty) }, "empty.wav")
        let corrupt = dir.appendingPathComponent("corrupt.wav").path
        FileManager.default.createFile(atPath: corrupt, contents: Data("RIFF....WAVEfmt garbage".utf8))
        refuses({ _ = try m.tag(file: corrupt) }, "corrupt.wav")
        let picture = dir.appendingPathComponent("picture.png").path
        try Image(width: 8, height: 8, channels: 3, value: 0.3).writePNG(picture)
        refuses({ _ = try m.tag(file: picture) }, "picture.png")
        let short = dir.appendingPathComponent("short.wav").path
        try AudioBuffer(sampleRate: 8000, channels: 1, samples: [Float](repeating: 0.1, count: 200)).write(short)
        refuses({ _ = try m.tag(file: short) }, "too short")
        let lenet = Fixtures.repoRoot.appendingPathComponent("Assets/models/mnist-lenet.safetensors").path
        refuses({ _ = try LoadedAudioTagger.load(lenet) }, "not an audio tagger model")
        let one = dir.appendingPathComponent("oneclass/low")
        try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir.appendingPathComponent("tones/low/s0_0.wav").path, toPath: one.appendingPathComponent("a_0.wav").path)
        var s = AudioTaggerSettings(); s.data = [one.deletingLastPathComponent().path]; s.epochs = 1
        refuses({ _ = try AudioTaggerTraining.run(s, out: dir.appendingPathComponent("r1").path) }, "one class")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r1").path), "nothing left behind")
        s.data = [dir.appendingPathComponent("tones").path]; s.valSpeakers = ["nobody"]
        refuses({ _ = try AudioTaggerTraining.run(s, out: dir.appendingPathComponent("r2").path) }, "nobody")
        refuses({ _ = try m.read([picture]) }, "picture.png")
    }
}

/// A run cancelled within its second epoch and resumed from its folder (config.json read back,
/// the checkpoint taken at the stop) ends with the same metrics as one that ran straight through.
final class AudioTaggerResumeTests: XCTestCase {
    func testResumeIsExact() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ToneClips.write(to: dir.appendingPathComponent("tones"), perClass: 12)
        var s = AudioTaggerSettings()
        s.data = [dir.appendingPathComponent("tones").path]
        s.width = 4; s.batchSize = 8; s.epochs = 3; s.lr = 1e-2; s.valFraction = 0.25
        _ = try AudioTaggerTraining.run(s, out: dir.appendingPathComponent("straight").path)
        let stopped = try AudioTaggerTraining.run(s, out: dir.appendingPathComponent("parts").path, cancellation: StopAfter(5))
        XCTAssertEqual(stopped.outcome, "cancelled")
        _ = try AudioTaggerTraining.resume(dir.appendingPathComponent("parts").path)
        let a = try RunFolder.existing(dir.appendingPathComponent("straight").path).readMetrics()
        let b = try RunFolder.existing(dir.appendingPathComponent("parts").path).readMetrics()
        XCTAssertEqual(a.count, 3); XCTAssertEqual(b.count, 3)
        for k in ["train_loss", "val_loss", "val_accuracy"] { XCTAssertEqual(a[2][k]?.double, b[2][k]?.double, k) }
    }
}
