#!/usr/bin/env python3
"""Fits the polynomial behind GELU's normal tail in the kernel sets (dm_kernels_body.h,
vhalf_scaled_erfc): e^(a²)·erfc(a) = t·Q(t), t = 1/(1 + k·a), a in [0, 9.2], Q of the given
degree with the least largest fractional error (least squares weighted by the error, Lawson's
iteration). Prints the worst error in exact arithmetic and in float32 (Horner with the float
coefficients) and the coefficients of ½·Q, lowest first.

    python3 scripts/fit_erfc.py [--k 0.4] [--degree 8]     (needs numpy and scipy)
"""
import argparse
import numpy as np
from scipy.special import erfcx

A_MAX = 9.2


def fit(k, degree, nodes=4000, rounds=60):
    t_min = 1 / (1 + k * A_MAX)
    u = np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes)          # Chebyshev nodes
    t = t_min + (1 - t_min) * (u + 1) / 2
    f = erfcx((1 / t - 1) / k) / t
    V = np.vander(t, degree + 1, increasing=True)
    w = np.ones(nodes)
    for _ in range(rounds):
        c, *_ = np.linalg.lstsq(V * (w / f)[:, None], w, rcond=None)
        w = w * np.abs((V @ c - f) / f)
        w /= w.sum()
    return c


def worst(c, k, dtype):
    a = np.linspace(0, A_MAX, 200001).astype(dtype)
    t = (dtype(1) / (a * dtype(k) + dtype(1))).astype(dtype)
    q = np.zeros_like(t) + dtype(c[-1])
    for cj in c[-2::-1]:
        q = (q.astype(np.float64) * t + dtype(cj)).astype(dtype)
    exact = erfcx(a.astype(np.float64))
    return np.max(np.abs(q.astype(np.float64) * t - exact) / exact)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--k", type=float, default=0.4)
    p.add_argument("--degree", type=int, default=8)
    o = p.parse_args()
    c = fit(o.k, o.degree)
    print(f"k {o.k}, degree {o.degree}: worst fractional error {worst(c, o.k, np.float64):.2e} exact, "
          f"{worst(c.astype(np.float32), o.k, np.float32):.2e} in float32")
    print("½·Q:", ", ".join(f"{x / 2:.9e}f" for x in c))


if __name__ == "__main__":
    main()
