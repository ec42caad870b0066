"""Writes Tests/Fixtures/gan/quality.safetensors: the Inception Score and the Frechet distance as
NumPy/SciPy compute them, on features and probabilities made here (two correlated Gaussian
feature sets of 400 x 24; 400 x 10 softmax probabilities).

IS = exp(mean_i KL(p_i || mean_j p_j)) (one split);
FD = |m1 - m2|^2 + tr(S1 + S2 - 2 sqrtm(S1 S2)), covariances with ddof=1 (as pytorch-fid).

    python3 scripts/make_gan_quality_fixtures.py
"""
import os
import numpy as np
from scipy import linalg
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "gan", "quality.safetensors")
rng = np.random.default_rng(7)
n, d, c = 400, 24, 10
mix = rng.normal(size=(d, d)) / np.sqrt(d)
a = (rng.normal(size=(n, d)) @ mix + 0.5).astype(np.float32)
b = (rng.normal(size=(n, d)) @ (mix + 0.3 * rng.normal(size=(d, d)) / np.sqrt(d)) - 0.2).astype(np.float32)
logits = rng.normal(size=(n, c)) * 3
p = np.exp(logits - logits.max(1, keepdims=True))
p = (p / p.sum(1, keepdims=True)).astype(np.float32)

p64 = p.astype(np.float64)
marginal = p64.mean(0)
inception = np.exp(np.mean(np.sum(p64 * (np.log(p64) - np.log(marginal)), axis=1)))


def fd(x, y):
    x, y = x.astype(np.float64), y.astype(np.float64)
    m1, m2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    root = linalg.sqrtm(s1 @ s2)
    return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root.real))


out = {"features_a": a, "features_b": b, "probabilities": p,
       "expected": np.array([inception, fd(a, b), fd(a, a)], dtype=np.float64)}
save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, OUT)
print("IS %.6f FD %.6f FD(a,a) %.3g" % (inception, fd(a, b), fd(a, a)))
