"""Writes Tests/Fixtures/audio/options.safetensors: librosa 0.11's features with the options
MediaIO copies (window, fmin/fmax, htk, norm, ref/amin/top_db, MFCC lifter) on a 0.5 s signal at
16 kHz (two tones and a seeded noise). Run: python3 scripts/make_audio_option_fixtures.py
"""
import os
import numpy as np
import librosa
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "audio", "options.safetensors")
sr, n_fft, hop = 16000, 512, 160
t = np.arange(sr // 2) / sr
rng = np.random.default_rng(5)
y = (0.4 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 3100 * t) + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
out = {"signal": y}
for window in ["hamming", "boxcar"]:
    S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop, window=window, center=True)) ** 2
    out[f"power_{window}"] = S.astype(np.float32)
S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop, window="hann", center=True)) ** 2
mel_htk = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=40, fmin=100, fmax=6000, htk=True, norm=None)
out["mel_htk_nonorm"] = mel_htk.astype(np.float32)
mel_band = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=40, fmin=100, fmax=6000)
out["mel_band"] = mel_band.astype(np.float32)
mel_power = mel_band @ S
log_mel = librosa.power_to_db(mel_power, ref=np.max, amin=1e-6, top_db=60.0)
out["log_mel_ref_max_top60"] = log_mel.astype(np.float32)
out["mfcc_lifter22"] = librosa.feature.mfcc(S=log_mel, n_mfcc=13, lifter=22).astype(np.float32)
save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, OUT)
print("wrote", OUT, {k: v.shape for k, v in out.items()})
