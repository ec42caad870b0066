import Foundation
import NeuralCore
import RunKit
import Require

/// What `collect` synthesizes: every word in every voice, `variants` times with a random speed,
/// pitch and amplitude.
public struct CollectSettings: Codable, Sendable, Equatable {
    public var words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    /// espeak-ng voices (`language+variant`); nil: `SpeechCollection.defaultVoices`.
    public var voices: [String]? = nil
    public var variants = 2
    /// Ranges drawn from for each clip: words per minute, pitch (0-99), amplitude (0-200).
    public var speed = [110, 210]
    public var pitch = [20, 80]
    public var amplitude = [60, 180]
    public var seed: UInt64 = 1
    public init() {}

    public func validate() throws {
        guard !words.isEmpty, words.count <= 1000 else { throw SettingsError(["words"], "must list 1 to 1000 words") }
        for w in words {
            guard !w.isEmpty, w.count <= 64, !w.hasPrefix("-"), !w.hasPrefix("."), !w.contains("/"), !w.contains("\0") else {
                throw SettingsError(["words"], "\"\(w)\" cannot be a class folder name (empty, leading - or ., or a /)")
            }
        }
        guard Set(words).count == words.count else { throw SettingsError(["words"], "lists a word twice") }
        if let v = voices {
            guard !v.isEmpty else { throw SettingsError(["voices"], "must not be empty") }
            for x in v where x.isEmpty || x.hasPrefix("-") || x.contains("/") || x.contains("_") { throw SettingsError(["voices"], "\"\(x)\" is not an espeak-ng voice name") }
        }
        guard (1...100).contains(variants) else { throw SettingsError(["variants"], "must be in 1...100") }
        for (r, name, lo, hi) in [(speed, "speed", 80, 450), (pitch, "pitch", 0, 99), (amplitude, "amplitude", 1, 200)] {
            guard r.count == 2, r[0] <= r[1], r[0] >= lo, r[1] <= hi else { throw SettingsError([name], "must be A,B with \(lo) <= A <= B <= \(hi)") }
        }
    }
}

public struct CollectReport: Codable, Sendable {
    public var folder: String
    public var clips: Int
    public var words: Int
    public var voices: Int
}

/// A labelled data set without a microphone: espeak-ng (run as a process) speaks each word in
/// several voices, written as OUT/<word>/<voice>_<k>.wav (the voice, with + as -, is the
/// speaker). Each file is written under a temporary name and renamed; a stopped collection
/// leaves only whole files, and a second run over the same folder replaces them.
public enum SpeechCollection {
    /// English accents x espeak-ng's male and female variants.
    public static let defaultVoices: [String] = {
        let accents = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
        let variants = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"]
        var seen = Set<String>()
        return accents.flatMap { a in variants.map { "\(a)+\($0)" } }.filter { seen.insert($0).inserted }
    }()

    /// espeak-ng on PATH, or nil.
    public static func espeak() -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/espeak-ng" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static func collect(_ s: CollectSettings, out: String, events: any TrainingEvents = SilentEvents(),
                               cancellation: any Cancellation = NoCancellation()) throws -> CollectReport {
        try s.validate()
        guard let espeak = espeak() else {
            throw AppError.badInput("espeak-ng", "not installed: `make` installs it (Debian package espeak-ng), or `apt-get install espeak-ng`")
        }
        let voices = s.voices ?? defaultVoices
        // A voice espeak-ng does not know fails once, before anything is written.
        for v in Set(voices.map { String($0.split(separator: "+").first!) }) {
            let probe = FileManager.default.temporaryDirectory.appendingPathComponent("deepmedia-probe-\(UUID().uuidString).wav").path
            defer { unlink(probe) }
            if try run(espeak, ["-v", v, "-w", probe, "test"]) != 0 { throw AppError.badInput(v, "espeak-ng has no such voice (see espeak-ng --voices=en)") }
        }
        var rng = RandomGenerator(seed: s.seed)
        var count = 0
        let total = s.words.count * voices.count * s.variants
        for w in s.words {
            let dir = (out as NSString).appendingPathComponent(w)
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw AppError.cannotWrite(dir, error.localizedDescription)
            }
            for v in voices {
                let speaker = "espeak-" + v.replacingOccurrences(of: "+", with: "-")
                for k in 0..<s.variants {
                    if cancellation.isCancelled { return CollectReport(folder: out, clips: count, words: s.words.count, voices: voices.count) }
                    let speed = s.speed[0] + rng.int(below: s.speed[1] - s.speed[0] + 1)
                    let pitch = s.pitch[0] + rng.int(below: s.pitch[1] - s.pitch[0] + 1)
                    let amp = s.amplitude[0] + rng.int(below: s.amplitude[1] - s.amplitude[0] + 1)
                    let file = (dir as NSString).appendingPathComponent("\(speaker)_\(k).wav")
                    let tmp = (dir as NSString).appendingPathComponent(".tmp-\(speaker)_\(k)-\(getpid()).wav")
                    let rc = try run(espeak, ["-v", v, "-s", "\(speed)", "-p", "\(pitch)", "-a", "\(amp)", "-w", tmp, w])
                    guard rc == 0, (try? FileManager.default.attributesOfItem(atPath: tmp)[.size] as? Int) ?? 0 > 44 else {
                        unlink(tmp)
                        throw AppError.cannotWrite(file, "espeak-ng did not write \"\(w)\" as \(v) (exit \(rc)): disk full?")
                    }
                    guard rename(tmp, file) == 0 else { unlink(tmp); throw AppError.cannotWrite(file, String(cString: strerror(errno))) }
                    count += 1
                }
            }
            events.progress(TrainingProgress(label: "collect", done: count, total: total, unit: "clips", fields: []))
        }
        return CollectReport(folder: out, clips: count, words: s.words.count, voices: voices.count)
    }

    static func run(_ exe: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}
