import Foundation
import MediaIO
import NeuralCore

/// Generated sound for the tagger's tests: three classes of tones (low 300 Hz, mid 900 Hz, high
/// 2000 Hz, each ±5 %, 0.3-0.6 s, random amplitude, a little noise) at 8 kHz.
public enum ToneClips {
    public static let classes = ["high", "low", "mid"]
    public static let hertz: [String: Double] = ["low": 300, "mid": 900, "high": 2000]

    public static func tone(_ cls: String, seconds: Double, using rng: inout RandomGenerator) -> [Float] {
        let f = hertz[cls]! * Double(rng.uniform(0.95, 1.05)), a = rng.uniform(0.1, 0.5)
        let n = Int(seconds * 8000)
        return (0..<n).map { i in
            let fade = Float(min(1, Double(min(i, n - i)) / 200))
            return a * fade * Float(sin(2 * Double.pi * f * Double(i) / 8000)) + 0.003 * rng.normal()
        }
    }

    /// dir/<class>/s<k>_<i>.wav: `perClass` clips per class, speakers s0..s3.
    public static func write(to dir: URL, perClass: Int, seed: UInt64 = 1) throws {
        var rng = RandomGenerator(seed: seed)
        for c in classes {
            let sub = dir.appendingPathComponent(c)
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let x = tone(c, seconds: Double(rng.uniform(0.3, 0.6)), using: &rng)
                try AudioBuffer(sampleRate: 8000, channels: 1, samples: x).write(sub.appendingPathComponent("s\(i % 4)_\(i).wav").path)
            }
        }
    }

    /// Silence and tones: the tags in order and where each tone is (seconds).
    public static func sequence(_ tags: [String], gap: Double = 0.7, seed: UInt64 = 9) -> (samples: [Float], spans: [(Double, Double)]) {
        var rng = RandomGenerator(seed: seed)
        var out = [Float](repeating: 0, count: Int(gap * 8000))
        var spans: [(Double, Double)] = []
        for t in tags {
            let start = Double(out.count) / 8000
            out += tone(t, seconds: 0.5, using: &rng)
            spans.append((start, Double(out.count) / 8000))
            out += (0..<Int(gap * 8000)).map { _ in 0.0005 * rng.normal() }
        }
        return (out, spans)
    }
}
