import Foundation
import Require

/// librosa's feature pipeline on top of STFT and MelFilterBank.
public enum AudioFeatures {
    /// 10·log10(max(x, amin)) - 10·log10(max(amin, ref)), clipped to `topDB` below the peak when given.
    public static func powerToDB(_ s: Spectrogram, ref: Float = 1, amin: Float = 1e-10, topDB: Float? = nil) -> Spectrogram {
        let offset = 10 * log10(Swift.max(amin, ref))
        var out = s.map { 10 * log10(Swift.max($0, amin)) - offset }
        if let topDB, let peak = out.values.max() { out = out.map { Swift.max($0, peak - topDB) } }
        return out
    }

    /// The first `count` rows of the orthonormal DCT-II along the rows (librosa.feature.mfcc on a
    /// log-mel input); `lifter` > 0 scales coefficient n by 1 + (lifter/2)·sin(π(n+1)/lifter).
    public static func mfcc(logMel: Spectrogram, count: Int = 20, lifter: Int = 0) -> Spectrogram {
        let n = logMel.rows, frames = logMel.frames
        require(count <= n, "mfcc: \(count) coefficients from \(n) bands")
        var out = [Float](repeating: 0, count: count * frames)
        for k in 0..<count {
            var scale = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            if lifter > 0 { scale *= 1 + Double(lifter) / 2 * Foundation.sin(Double.pi * Double(k + 1) / Double(lifter)) }
            let basis = (0..<n).map { Foundation.cos(Double.pi * Double(k) * (2 * Double($0) + 1) / (2 * Double(n))) }
            for f in 0..<frames {
                var s = 0.0
                for m in 0..<n { s += basis[m] * Double(logMel.values[m * frames + f]) }
                out[k * frames + f] = Float(scale * s)
            }
        }
        return Spectrogram(rows: count, frames: frames, values: out)
    }

    /// Log-mel spectrogram (dB) of a mono signal, with librosa's options: the band (fMin, fMax),
    /// the mel scale (htk) and normalisation, the window, and power_to_db's ref, amin and topDB.
    public static func logMel(_ signal: [Float], sampleRate: Int, nFFT: Int, hop: Int, winLength: Int? = nil, nMels: Int,
                              fMin: Double = 0, fMax: Double? = nil, htk: Bool = false, normalized: Bool = true,
                              window: STFT.Window = .hann, ref: Float = 1, amin: Float = 1e-10, topDB: Float? = nil) throws -> Spectrogram {
        let stft = try STFT(nFFT: nFFT, hop: hop, winLength: winLength, window: window)
        let mel = MelFilterBank(sampleRate: sampleRate, nFFT: nFFT, nMels: nMels, fMin: fMin, fMax: fMax, htk: htk, normalized: normalized)
        return powerToDB(mel.apply(stft.power(signal)), ref: ref, amin: amin, topDB: topDB)
    }
}
