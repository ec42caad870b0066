"""Writes Tests/Fixtures/media/quality.safetensors: PSNR and SSIM by scikit-image on images made
here (a smooth pattern with edges, the same with Gaussian noise of sigma 25/255 and with a blur),
gray and colour. SSIM as the denoiser issue specifies: structural_similarity(gaussian_weights=True,
sigma=1.5, use_sample_covariance=False, data_range=255) on the 0..255 scale.

    python3 scripts/make_quality_fixtures.py
"""
import os
import numpy as np
from skimage.metrics import structural_similarity, peak_signal_noise_ratio
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "media", "quality.safetensors")
rng = np.random.default_rng(12)
h, w = 40, 48
yy, xx = np.mgrid[0:h, 0:w]
clean = 0.5 + 0.3 * np.sin(xx / 5.0) * np.cos(yy / 7.0) + 0.15 * (xx > 24)
clean = np.clip(clean, 0, 1).astype(np.float32)
noisy = (clean + rng.normal(0, 25 / 255, clean.shape)).astype(np.float32)
blurred = ((clean + np.roll(clean, 1, 0) + np.roll(clean, 1, 1) + np.roll(clean, -1, 0)) / 4).astype(np.float32)
colour_clean = np.stack([clean, np.flipud(clean), np.fliplr(clean)], axis=-1).astype(np.float32)
colour_noisy = (colour_clean + rng.normal(0, 15 / 255, colour_clean.shape)).astype(np.float32)


def ssim(a, b, channel_axis=None):
    return structural_similarity(a.astype(np.float64) * 255, b.astype(np.float64) * 255, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=255, channel_axis=channel_axis)


out = {"clean": clean, "noisy": noisy, "blurred": blurred, "colour_clean": colour_clean, "colour_noisy": colour_noisy}
expected = [
    peak_signal_noise_ratio(clean.astype(np.float64) * 255, noisy.astype(np.float64) * 255, data_range=255),
    ssim(noisy, clean),
    peak_signal_noise_ratio(clean.astype(np.float64) * 255, blurred.astype(np.float64) * 255, data_range=255),
    ssim(blurred, clean),
    peak_signal_noise_ratio(colour_clean.astype(np.float64) * 255, colour_noisy.astype(np.float64) * 255, data_range=255),
    ssim(colour_noisy, colour_clean, channel_axis=-1),
]
out["expected"] = np.array(expected, dtype=np.float64).astype(np.float32)
save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, OUT)
print("psnr/ssim noisy, blurred, colour:", [round(float(e), 5) for e in expected])
