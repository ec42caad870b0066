import Foundation
import Require

/// Mel filter bank as librosa's default (`librosa.filters.mel`, htk=False, norm='slaney'):
/// Slaney's mel scale (linear below 1 kHz, logarithmic above), triangles normalised to equal area.
/// weights (nMels, nFFT/2+1), row-major.
public struct MelFilterBank: Sendable {
    public let nMels: Int, bins: Int
    public let weights: [Float]

    public init(sampleRate: Int, nFFT: Int, nMels: Int, fMin: Double = 0, fMax: Double? = nil) {
        let fmax = fMax ?? Double(sampleRate) / 2
        bins = nFFT / 2 + 1
        self.nMels = nMels
        let lo = MelFilterBank.hzToMel(fMin), hi = MelFilterBank.hzToMel(fmax)
        let nb = nFFT / 2 + 1
        var melF: [Double] = [], fft: [Double] = []
        for i in 0..<(nMels + 2) { melF.append(MelFilterBank.melToHz(lo + (hi - lo) * Double(i) / Double(nMels + 1))) }
        for k in 0..<nb { fft.append(Double(sampleRate) / 2 * Double(k) / Double(nb - 1)) }
        var w = [Float](repeating: 0, count: nMels * nb)
        for m in 0..<nMels {
            let enorm = 2 / (melF[m + 2] - melF[m])
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
