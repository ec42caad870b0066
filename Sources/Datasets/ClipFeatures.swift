import Foundation
import MediaIO
import NeuralCore

/// How a sound clip becomes a network input: mono at `sampleRate`, a window of `clipSeconds`,
/// log-mel (dB, 80 dB range below the window's peak) or MFCC, standardised per window (zero
/// mean, unit variance: gain does not matter). Rows x frames, frames = window samples / hop.
/// Stored in a model's metadata, so tagging computes exactly what training did.
public struct ClipFeatures: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case logmel, mfcc }
    public var kind: Kind = .logmel
    public var sampleRate = 8000
    public var clipSeconds = 1.0
    public var fftSize = 512
    public var winLength = 200
    public var hop = 80
    public var mels = 64
    public var mfccCount = 20
    /// What fills the window around a short clip: digital silence, or its own background (its
    /// quietest 50 ms, repeated back and forth), as in a long recording. Zeros scored better:
    /// with background, a held-out speaker with a noisy room (Free Spoken Digit's nicolas) fell
    /// from 67 % to 25 %.
    public var padding = Padding.zeros
    public enum Padding: String, Codable, Sendable, CaseIterable { case background, zeros }

    public init() {}

    public var windowSamples: Int { Int((clipSeconds * Double(sampleRate)).rounded()) }
    public var frames: Int { windowSamples / hop }
    public var rows: Int { kind == .logmel ? mels : mfccCount }

    public func validate() throws {
        guard (1000...96000).contains(sampleRate) else { throw MediaError.unsupported(path: "<features>", reason: "sample rate \(sampleRate) Hz is outside 1000...96000") }
        guard clipSeconds >= 0.1, clipSeconds <= 10 else { throw MediaError.unsupported(path: "<features>", reason: "clip of \(clipSeconds) s is outside 0.1...10") }
        guard hop > 0, winLength > 0, winLength <= fftSize, fftSize <= 8192, mels >= 8, mels <= 256, mfccCount >= 2, mfccCount <= mels, frames >= 8 else {
            throw MediaError.unsupported(path: "<features>", reason: "FFT size \(fftSize), window \(winLength), hop \(hop), mels \(mels): at least 8 frames and mels needed")
        }
    }

    /// The settings as checkpoint metadata, and back.
    public var metadata: [String: String] {
        ["features": kind.rawValue, "sample_rate": "\(sampleRate)", "clip_seconds": "\(clipSeconds)", "n_fft": "\(fftSize)",
         "win_length": "\(winLength)", "hop": "\(hop)", "mels": "\(mels)", "mfcc": "\(mfccCount)", "padding": padding.rawValue]
    }

    public init?(metadata m: [String: String]) {
        guard let k = m["features"].flatMap(Kind.init(rawValue:)), let r = m["sample_rate"].flatMap(Int.init),
              let c = m["clip_seconds"].flatMap(Double.init), let n = m["n_fft"].flatMap(Int.init), let w = m["win_length"].flatMap(Int.init),
              let h = m["hop"].flatMap(Int.init), let mel = m["mels"].flatMap(Int.init), let f = m["mfcc"].flatMap(Int.init) else { return nil }
        kind = k; sampleRate = r; clipSeconds = c; fftSize = n; winLength = w; hop = h; mels = mel; mfccCount = f
        padding = m["padding"].flatMap(Padding.init(rawValue:)) ?? .zeros
        guard (try? validate()) != nil else { return nil }
    }

    /// A clip placed in a window of `windowSamples`: its energy centroid at the window's centre
    /// plus `shift` samples; a clip longer than the window is cut around that centroid; the rest
    /// of the window padded as `padding` says.
    public func fit(_ clip: [Float], shift: Int = 0) -> [Float] {
        let n = windowSamples
        var energy = 0.0, moment = 0.0
        for (i, v) in clip.enumerated() { let e = Double(v * v); energy += e; moment += e * Double(i) }
        let centroid = energy > 0 ? Int(moment / energy) : clip.count / 2
        let start = centroid - n / 2 - shift   // clip index at window position 0
        var out = [Float](repeating: 0, count: n)
        let lo = max(0, -start), hi = min(n, clip.count - start)
        if lo < hi { for i in lo..<hi { out[i] = clip[start + i] } }
        if padding == .background && (lo > 0 || hi < n) {
            let bg = Array(Self.quietestStretch(clip, length: sampleRate / 20))
            if bg.count >= 2 {
                let period = 2 * bg.count - 2
                for i in 0..<n where i < lo || i >= hi {
                    let j = (i - start).mod(period)   // continues the clip's own time axis
                    out[i] = bg[j < bg.count ? j : period - j]
                }
            }
        }
        return out
    }

    /// The `length` samples of `x` with the least energy (all of x when shorter).
    static func quietestStretch(_ x: [Float], length: Int) -> ArraySlice<Float> {
        guard x.count > length, length > 0 else { return x[...] }
        var e = 0.0
        for i in 0..<length { e += Double(x[i] * x[i]) }
        var best = e, at = 0
        for i in length..<x.count {
            e += Double(x[i] * x[i]) - Double(x[i - length] * x[i - length])
            if e < best { best = e; at = i - length + 1 }
        }
        return x[at..<(at + length)]
    }
}

/// Computes ClipFeatures of windows: the STFT and mel bank are made once. Not for concurrent
/// use (one per thread).
public final class ClipFeatureExtractor {
    public let spec: ClipFeatures
    private let stft: STFT
    private let melBank: MelFilterBank
    /// Extractors of the other workers in `batch`.
    private var helpers: [ClipFeatureExtractor] = []

    public init(_ spec: ClipFeatures) throws {
        try spec.validate()
        self.spec = spec
        stft = try STFT(nFFT: spec.fftSize, hop: spec.hop, winLength: spec.winLength)
        melBank = MelFilterBank(sampleRate: spec.sampleRate, nFFT: spec.fftSize, nMels: spec.mels)
    }

    /// Log-mel in dB of a window (mels x frames), 80 dB below its peak at most.
    public func logMelDB(_ window: [Float]) -> Spectrogram {
        let full = AudioFeatures.powerToDB(melBank.apply(stft.power(window)), topDB: 80)
        let f = min(spec.frames, full.frames)
        var v = [Float](repeating: 0, count: full.rows * f)
        for r in 0..<full.rows { for t in 0..<f { v[r * f + t] = full[r, t] } }
        return Spectrogram(rows: full.rows, frames: f, values: v)
    }

    /// The network input of one window of `spec.windowSamples`: rows x frames, standardised.
    public func features(_ window: [Float]) -> [Float] {
        var s = logMelDB(window)
        if spec.kind == .mfcc { s = AudioFeatures.mfcc(logMel: s, count: spec.mfccCount) }
        var v = s.values
        let n = Float(v.count)
        let mean = v.reduce(0, +) / n
        let std = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        let inv = std > 1e-4 ? 1 / std : 0
        for i in v.indices { v[i] = (v[i] - mean) * inv }
        return v
    }
}

extension ClipFeatureExtractor {
    /// Network inputs (N, 1, rows, frames): window k is `window(k)`, its features then pass
    /// through `change(k, &features)`. Windows are made on the library's threads (one extractor
    /// per worker), so `window` and `change` must draw from k alone.
    public func batch(count n: Int, window: (Int) -> [Float], change: ((Int, inout [Float]) -> Void)? = nil) -> Tensor {
        let per = spec.rows * spec.frames
        let out = Tensor(uninitializedShape: [n, 1, spec.rows, spec.frames])
        let p = out.storage.pointer
        let workers = min(Parallel.threads, max(1, n), 255)
        while helpers.count < workers - 1 { helpers.append(try! ClipFeatureExtractor(spec)) }   // spec was validated by init
        Parallel.forEachClaimed(n) { w, k in
            let extractor = w == 0 ? self : helpers[w - 1]
            var f = extractor.features(window(k))
            change?(k, &f)
            (p + k * per).update(from: f, count: per)
        }
        return out
    }

    public func batch(windows: [[Float]]) -> Tensor { batch(count: windows.count) { windows[$0] } }

    public func batch(clips: [[Float]]) -> Tensor { batch(count: clips.count) { spec.fit(clips[$0]) } }
}

extension Int {
    /// The remainder in 0..<m (m > 0), also for negative numbers.
    fileprivate func mod(_ m: Int) -> Int { let r = self % m; return r < 0 ? r + m : r }
}
