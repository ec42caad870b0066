import Foundation
import Require

/// Mel filter bank as librosa's (`librosa.filters.mel`): by default Slaney's mel scale (linear
/// below 1 kHz, logarithmic above) with triangles normalised to equal area (norm='slaney');
/// `htk` uses 2595·log10(1 + f/700), `normalized: false` leaves the triangles' peaks at 1.
/// weights (nMels, nFFT/2+1), row-major.
public struct MelFilterBank: Sendable {
    public let nMels: Int, bins: Int
    public let weights: [Float]

    public init(sampleRate: Int, nFFT: Int, nMels: Int, fMin: Double = 0, fMax: Double? = nil, htk: Bool = false, normalized: Bool = true) {
        let fmax = fMax ?? Double(sampleRate) / 2
        bins = nFFT / 2 + 1
        self.nMels = nMels
        let toMel = htk ? MelFilterBank.hzToHTKMel : MelFilterBank.hzToMel, toHz = htk ? MelFilterBank.htkMelToHz : MelFilterBank.melToHz
        let lo = toMel(fMin), hi = toMel(fmax)
        let nb = nFFT / 2 + 1
        var melF: [Double] = [], fft: [Double] = []
        for i in 0..<(nMels + 2) { melF.append(toHz(lo + (hi - lo) * Double(i) / Double(nMels + 1))) }
        for k in 0..<nb { fft.append(Double(sampleRate) / 2 * Double(k) / Double(nb - 1)) }
        var w = [Float](repeating: 0, count: nMels * nb)
        for m in 0..<nMels {
            let enorm = normalized ? 2 / (melF[m + 2] - melF[m]) : 1
            for k in 0..<nb {
                let lower = (fft[k] - melF[m]) / (melF[m + 1] - melF[m])
                let upper = (melF[m + 2] - fft[k]) / (melF[m + 2] - melF[m + 1])
                w[m * nb + k] = Float(Swift.max(0, Swift.min(lower, upper)) * enorm)
            }
        }
        weights = w
    }

    static let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = 15.0, logStep = log(6.4) / 27

    /// Slaney mel of a frequency in Hz.
    public static func hzToMel(_ f: Double) -> Double {
        f >= minLogHz ? minLogMel + log(f / minLogHz) / logStep : f / fSp
    }

    public static func melToHz(_ m: Double) -> Double {
        m >= minLogMel ? minLogHz * exp(logStep * (m - minLogMel)) : fSp * m
    }

    /// HTK's mel scale, 2595·log10(1 + f/700), and its inverse.
    public static func hzToHTKMel(_ f: Double) -> Double { 2595 * log10(1 + f / 700) }
    public static func htkMelToHz(_ m: Double) -> Double { 700 * (pow(10, m / 2595) - 1) }

    /// weights · power: (nMels, bins) · (bins, frames) -> (nMels, frames).
    public func apply(_ power: Spectrogram) -> Spectrogram {
        require(power.rows == bins, "MelFilterBank: \(power.rows) bins, filters expect \(bins)")
        var out = [Float](repeating: 0, count: nMels * power.frames)
        for m in 0..<nMels {
            for k in 0..<bins {
                let wk = weights[m * bins + k]
                if wk == 0 { continue }
                for f in 0..<power.frames { out[m * power.frames + f] += wk * power.values[k * power.frames + f] }
            }
        }
        return Spectrogram(rows: nMels, frames: power.frames, values: out)
    }
}
