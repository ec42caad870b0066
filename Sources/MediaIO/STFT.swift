import Foundation
internal import CFFmpeg

/// Short-time Fourier transform through libavutil's real-input transform (av_tx, double precision),
/// librosa's conventions: a periodic window (Hann by default, Hamming or rectangular) of
/// `winLength` centred in `nFFT`, frames every `hop`
/// samples, `center` pads nFFT/2 zeros on each side, unnormalised. Output (nFFT/2+1, frames) with
/// frames = 1 + samples / hop (centred).
public final class STFT {
    /// Window shapes, periodic as librosa's get_window(..., fftbins=True).
    public enum Window: String, Sendable, CaseIterable {
        case hann, hamming, rectangular

        func value(_ i: Int, _ n: Int) -> Double {
            let phase = 2 * Double.pi * Double(i) / Double(n)
            switch self {
            case .hann: return 0.5 - 0.5 * cos(phase)
            case .hamming: return 0.54 - 0.46 * cos(phase)
            case .rectangular: return 1
            }
        }
    }

    public let nFFT: Int, hop: Int, winLength: Int, center: Bool
    /// The window, zero-padded to nFFT.
    public let window: [Double]
    private var ctx: OpaquePointer?
    private var transform: av_tx_fn?

    public init(nFFT: Int, hop: Int, winLength: Int? = nil, center: Bool = true, window shape: Window = .hann) throws {
        let wl = winLength ?? nFFT
        guard nFFT >= 2, nFFT % 2 == 0, hop > 0, wl > 0, wl <= nFFT else {
            throw MediaError.unsupported(path: "<stft>", reason: "nFFT \(nFFT), hop \(hop), window \(wl)")
        }
        self.nFFT = nFFT; self.hop = hop; self.winLength = wl; self.center = center
        var w = [Double](repeating: 0, count: nFFT)
        let offset = (nFFT - wl) / 2
        for i in 0..<wl { w[offset + i] = shape.value(i, wl) }
        window = w
        var scale = 1.0
        try FFmpeg.check(av_tx_init(&ctx, &transform, AV_TX_DOUBLE_RDFT, 0, Int32(nFFT), &scale, UInt64(AV_TX_UNALIGNED.rawValue)),
                         "<stft>", "av_tx_init")
    }

    deinit { av_tx_uninit(&ctx) }

    public var bins: Int { nFFT / 2 + 1 }

    public func frameCount(samples: Int) -> Int {
        center ? 1 + samples / hop : (samples >= nFFT ? 1 + (samples - nFFT) / hop : 0)
    }

    /// The complex STFT: real and imaginary parts, each (bins, frames).
    public func complex(_ signal: [Float]) -> (real: Spectrogram, imag: Spectrogram) {
        let frames = frameCount(samples: signal.count), bins = self.bins
        var re = [Float](repeating: 0, count: bins * frames), im = re
        var input = [Double](repeating: 0, count: nFFT)
        var output = [Double](repeating: 0, count: nFFT + 2)
        let pad = center ? nFFT / 2 : 0
        for f in 0..<frames {
            let start = f * hop - pad
            for i in 0..<nFFT {
                let j = start + i
                input[i] = (j >= 0 && j < signal.count) ? Double(signal[j]) * window[i] : 0
            }
            input.withUnsafeMutableBytes { inp in
                output.withUnsafeMutableBytes { out in
                    transform!(ctx, out.baseAddress, inp.baseAddress, MemoryLayout<Double>.size)
                }
            }
            for k in 0..<bins {
                re[k * frames + f] = Float(output[2 * k])
                im[k * frames + f] = Float(output[2 * k + 1])
            }
        }
        return (Spectrogram(rows: bins, frames: frames, values: re), Spectrogram(rows: bins, frames: frames, values: im))
    }

    /// |STFT|² (bins, frames).
    public func power(_ signal: [Float]) -> Spectrogram {
        let (re, im) = complex(signal)
        var p = re.values
        for i in 0..<p.count { p[i] = re.values[i] * re.values[i] + im.values[i] * im.values[i] }
        return Spectrogram(rows: re.rows, frames: re.frames, values: p)
    }

    /// |STFT| (bins, frames).
    public func magnitude(_ signal: [Float]) -> Spectrogram { power(signal).map { $0.squareRoot() } }
}
