import Foundation
import MediaIO
import NeuralCore

/// One labelled recording: mono samples at the set's rate, its class, and its speaker when the
/// layout names one.
public struct AudioClip: Sendable {
    public var samples: [Float]
    public var label: Int
    public var speaker: String?
    public var name: String
}

/// Labelled sound clips from one or more sources, mono at one sample rate. A source is
/// - a folder with one subfolder per class of audio files (any format MediaIO reads); a file's
///   speaker is the part of its name before the first "_" (what `collect` writes), or
/// - the Free Spoken Digit layout: `{digit}_{speaker}_{index}.wav` files in a folder or a
///   .tar.gz / .tar of them (class = the digit's word).
/// Classes are the union over the sources: digit words in numeric order, others by name.
public struct LabeledAudio: Sendable {
    public var clips: [AudioClip]
    public var classes: [String]
    public let sampleRate: Int

    public init(clips: [AudioClip], classes: [String], sampleRate: Int) {
        self.clips = clips; self.classes = classes; self.sampleRate = sampleRate
    }

    public var count: Int { clips.count }
    /// Speakers in order of first appearance.
    public var speakers: [String] {
        var seen = Set<String>(), out: [String] = []
        for c in clips { if let s = c.speaker, seen.insert(s).inserted { out.append(s) } }
        return out
    }

    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "oga", "aiff", "aif", "mp3", "m4a", "aac", "opus", "au", "caf", "w64", "webm", "mka"]

    /// Reads every source; `classes` fixes the class list (a model's), refusing others.
    public static func load(_ sources: [String], sampleRate: Int, classes fixed: [String]? = nil) throws -> LabeledAudio {
        var named: [(samples: [Float], label: String, speaker: String?, name: String)] = []
        for src in sources { named += try read(src, sampleRate: sampleRate) }
        guard !named.isEmpty else { throw MediaError.unsupported(path: sources.joined(separator: ", "), reason: "no audio clips found") }
        let classes = fixed ?? order(Set(named.map(\.label)))
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var clips: [AudioClip] = []
        for n in named {
            guard let l = index[n.label] else {
                throw MediaError.unsupported(path: n.name, reason: "class \"\(n.label)\" is not one of the model's (\(classes.joined(separator: ", ")))")
            }
            clips.append(AudioClip(samples: n.samples, label: l, speaker: n.speaker, name: n.name))
        }
        return LabeledAudio(clips: clips, classes: classes, sampleRate: sampleRate)
    }

    /// Digit words by value, then everything else by name.
    static func order(_ labels: Set<String>) -> [String] {
        labels.sorted { a, b in
            let ia = SpokenDigitName.words.firstIndex(of: a), ib = SpokenDigitName.words.firstIndex(of: b)
            switch (ia, ib) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a < b
            }
        }
    }

    static func read(_ src: String, sampleRate: Int) throws -> [(samples: [Float], label: String, speaker: String?, name: String)] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: src, isDirectory: &isDir) else { throw MediaError.cannotOpen(path: src, reason: "no such file or folder") }
        if !isDir.boolValue {
            let lower = src.lowercased()
            guard lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") || lower.hasSuffix(".tar") else {
                throw MediaError.unsupported(path: src, reason: "expected a folder of class subfolders, a Free Spoken Digit folder or a .tar.gz of one")
            }
            return try readArchive(src, sampleRate: sampleRate)
        }
        let items = try FileManager.default.contentsOfDirectory(atPath: src).filter { !$0.hasPrefix(".") }.sorted()
        let files = items.filter { audioExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
        if !files.isEmpty {
            // Free Spoken Digit layout: every audio file must be named {digit}_{speaker}_{index}.
            return try files.map { f in
                guard let n = SpokenDigitName(f) else {
                    throw MediaError.unsupported(path: src + "/" + f, reason: "a flat folder must hold {digit}_{speaker}_{index}.wav files (or use one subfolder per class)")
                }
                return (try decode(src + "/" + f, sampleRate: sampleRate), n.word, n.speaker, f)
            }
        }
        var out: [(samples: [Float], label: String, speaker: String?, name: String)] = []
        for cls in items {
            var sub: ObjCBool = false
            let dir = src + "/" + cls
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &sub), sub.boolValue else { continue }
            for f in try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            where audioExtensions.contains((f as NSString).pathExtension.lowercased()) && !f.hasPrefix(".") {
                let stem = (f as NSString).deletingPathExtension
                let speaker = stem.contains("_") ? String(stem[..<stem.firstIndex(of: "_")!]) : nil
                out.append((try decode(dir + "/" + f, sampleRate: sampleRate), cls, speaker, cls + "/" + f))
            }
        }
        guard !out.isEmpty else { throw MediaError.unsupported(path: src, reason: "no audio files in it or in class subfolders") }
        return out
    }

    static func readArchive(_ src: String, sampleRate: Int) throws -> [(samples: [Float], label: String, speaker: String?, name: String)] {
        let entries = try TarArchive.read(src).filter { audioExtensions.contains(($0.name as NSString).pathExtension.lowercased()) }
        guard !entries.isEmpty else { throw MediaError.unsupported(path: src, reason: "no audio files in the archive") }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("deepmedia-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        return try entries.enumerated().map { k, e in
            guard let n = SpokenDigitName(e.name) else {
                throw MediaError.unsupported(path: "\(src):\(e.name)", reason: "archive members must be named {digit}_{speaker}_{index}.wav")
            }
            let file = tmp.appendingPathComponent("\(k).\((e.name as NSString).pathExtension)").path
            guard FileManager.default.createFile(atPath: file, contents: Data(e.bytes)) else {
                throw MediaError.cannotOpen(path: file, reason: "cannot write a temporary file")
            }
            defer { unlink(file) }
            do { return (try decode(file, sampleRate: sampleRate), n.word, n.speaker, e.name) } catch let m as MediaError {
                throw MediaError.corrupt(path: "\(src):\(e.name)", reason: "\(m)")
            }
        }
    }

    static func decode(_ path: String, sampleRate: Int) throws -> [Float] {
        let b = try AudioBuffer.read(path, sampleRate: sampleRate, mono: true)
        guard b.frames > 0 else { throw MediaError.corrupt(path: path, reason: "no samples") }
        guard b.samples.allSatisfy({ $0.isFinite }) else { throw MediaError.corrupt(path: path, reason: "samples that are not finite") }
        return b.samples
    }

    /// Clips of held-out speakers vs the rest.
    public func split(speakers held: Set<String>) -> (train: LabeledAudio, validation: LabeledAudio) {
        let v = clips.filter { $0.speaker.map(held.contains) ?? false }
        let t = clips.filter { !($0.speaker.map(held.contains) ?? false) }
        return (LabeledAudio(clips: t, classes: classes, sampleRate: sampleRate), LabeledAudio(clips: v, classes: classes, sampleRate: sampleRate))
    }

    /// A seeded random fraction held out, the same share of every class.
    public func split(validationFraction f: Double, seed: UInt64) -> (train: LabeledAudio, validation: LabeledAudio) {
        var rng = RandomGenerator(seed: seed)
        var t: [AudioClip] = [], v: [AudioClip] = []
        for c in 0..<classes.count {
            var members = clips.filter { $0.label == c }
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let k = Int((Double(members.count) * f).rounded())
            v += members.prefix(k); t += members.dropFirst(k)
        }
        return (LabeledAudio(clips: t, classes: classes, sampleRate: sampleRate), LabeledAudio(clips: v, classes: classes, sampleRate: sampleRate))
    }
}
