import XCTest
import Foundation
@testable import MediaIO
import NeuralCore
import TestSupport

/// STFT, mel filters, log-mel and MFCC against librosa 0.11 (fixtures at 16 kHz and 8 kHz).
final class AudioFeaturesTests: XCTestCase {
    private func tensor(_ s: Spectrogram) -> Tensor { Tensor(shape: [s.rows, s.frames], scalars: s.values) }

    private func check(_ name: String) throws {
        let fx = try Fixtures.load("audio/\(name).safetensors")
        let cfg = fx.config
        let stftCfg = cfg["stft"] as! [String: Any], melCfg = cfg["mel"] as! [String: Any]
        let signal = try fx.tensor("signal").scalars
        let stft = try STFT(nFFT: stftCfg["n_fft"] as! Int, hop: stftCfg["hop_length"] as! Int, winLength: stftCfg["win_length"] as? Int)
        assertClose(stft.window.map(Float.init), try fx.tensor("window").scalars, rtol: 1e-6, atol: 1e-7, "\(name) window")
        let (re, im) = stft.complex(signal)
        let tol: (Float, Float) = (1e-4, 1e-4)
        assertClose(tensor(re), try fx.tensor("stft_real"), rtol: tol.0, atol: tol.1, "\(name) stft_real")
        assertClose(tensor(im), try fx.tensor("stft_imag"), rtol: tol.0, atol: tol.1, "\(name) stft_imag")
        let power = stft.power(signal)
        assertClose(tensor(power), try fx.tensor("power"), rtol: tol.0, atol: tol.1, "\(name) power")
        assertClose(tensor(stft.magnitude(signal)), try fx.tensor("stft_mag"), rtol: tol.0, atol: tol.1, "\(name) stft_mag")
        let mel = MelFilterBank(sampleRate: melCfg["sr"] as! Int, nFFT: melCfg["n_fft"] as! Int, nMels: melCfg["n_mels"] as! Int)
        assertClose(Tensor(shape: [mel.nMels, mel.bins], scalars: mel.weights), try fx.tensor("mel_filters"), rtol: 1e-5, atol: 1e-7, "\(name) mel_filters")
        let melPower = mel.apply(power)
        assertClose(tensor(melPower), try fx.tensor("mel_power"), rtol: tol.0, atol: tol.1, "\(name) mel_power")
        let logMel = AudioFeatures.powerToDB(melPower)
        assertClose(tensor(logMel), try fx.tensor("log_mel"), rtol: tol.0, atol: tol.1, "\(name) log_mel")
        let mfcc = AudioFeatures.mfcc(logMel: logMel, count: (cfg["mfcc"] as! [String: Any])["n_mfcc"] as? Int ?? 20)
        assertClose(tensor(mfcc), try fx.tensor("mfcc"), rtol: tol.0, atol: tol.1, "\(name) mfcc")
    }

    func testLibrosaParity16k() throws { try check("features") }
    func testLibrosaParity8k() throws { try check("features_8k") }

    func testMelScaleRoundTrip() {
        for f in [0.0, 500, 999, 1000, 4000, 8000] {
            XCTAssertEqual(MelFilterBank.melToHz(MelFilterBank.hzToMel(f)), f, accuracy: 1e-9)
        }
        XCTAssertEqual(MelFilterBank.hzToMel(1000), 15, accuracy: 1e-12)
    }

    /// The options against librosa 0.11 (scripts/make_audio_option_fixtures.py): Hamming and
    /// rectangular windows, a 100-6000 Hz band, the HTK scale without normalisation, power_to_db
    /// with ref = max, amin 1e-6 and top_db 60, and MFCC with lifter 22.
    func testLibrosaOptions() throws {
        let fx = try Fixtures.load("audio/options.safetensors")
        let signal = try fx.tensor("signal").scalars
        let tol: (Float, Float) = (1e-4, 1e-4)
        for (window, name) in [(STFT.Window.hamming, "hamming"), (.rectangular, "boxcar")] {
            let stft = try STFT(nFFT: 512, hop: 160, window: window)
            assertClose(tensor(stft.power(signal)), try fx.tensor("power_\(name)"), rtol: tol.0, atol: tol.1, "power \(name)")
        }
        let htk = MelFilterBank(sampleRate: 16000, nFFT: 512, nMels: 40, fMin: 100, fMax: 6000, htk: true, normalized: false)
        assertClose(Tensor(shape: [40, 257], scalars: htk.weights), try fx.tensor("mel_htk_nonorm"), rtol: 1e-5, atol: 1e-6, "htk filters")
        let band = MelFilterBank(sampleRate: 16000, nFFT: 512, nMels: 40, fMin: 100, fMax: 6000)
        assertClose(Tensor(shape: [40, 257], scalars: band.weights), try fx.tensor("mel_band"), rtol: 1e-5, atol: 1e-7, "band filters")
        let melPower = band.apply(try STFT(nFFT: 512, hop: 160).power(signal))
        let db = AudioFeatures.powerToDB(melPower, ref: melPower.values.max()!, amin: 1e-6, topDB: 60)
        assertClose(tensor(db), try fx.tensor("log_mel_ref_max_top60"), rtol: tol.0, atol: 1e-3, "power_to_db")
        let viaLogMel = try AudioFeatures.logMel(signal, sampleRate: 16000, nFFT: 512, hop: 160, nMels: 40, fMin: 100, fMax: 6000,
                                                 ref: melPower.values.max()!, amin: 1e-6, topDB: 60)
        XCTAssertEqual(viaLogMel.values, db.values)
        assertClose(tensor(AudioFeatures.mfcc(logMel: db, count: 13, lifter: 22)), try fx.tensor("mfcc_lifter22"), rtol: tol.0, atol: 2e-3, "mfcc lifter")
    }

    func testHTKMelScaleRoundTrip() {
        for f in [0.0, 700, 4000] { XCTAssertEqual(MelFilterBank.htkMelToHz(MelFilterBank.hzToHTKMel(f)), f, accuracy: 1e-9) }
        XCTAssertEqual(MelFilterBank.hzToHTKMel(700), 2595 * log10(2.0), accuracy: 1e-9)
    }
}
