// ReLU and leaky ReLU over a run of floats, forward and backward (included by dm_kernels_body.h,
// with L, vf, vi, load, store, splat and select defined).

// y[i] = x[i] > 0 ? x[i] : slope·x[i]; slope 0 is ReLU, whose NaN becomes 0 (y may be x).
static void DM_SUFFIX(rectifier)(const float *x, float slope, long n, float *y) {
    const vf s = splat(slope), zero = splat(0);
    long i = 0;
    for (; i + L <= n; i += L) {
        vf v = load(x + i);
        store(y + i, select((vi)(v > 0.0f), v, slope == 0 ? zero : v * s));
    }
    for (; i < n; i++) y[i] = x[i] > 0 ? x[i] : (slope == 0 ? 0 : slope * x[i]);
}

// gx[i] = ref[i] > 0 ? g[i] : slope·g[i] (slope 0: 0), or gx[i] += it when accumulate. ref is
// ReLU's output or leaky ReLU's input.
static void DM_SUFFIX(rectifier_backward)(const float *ref, const float *g, float slope, long n, float *gx, int accumulate) {
    const vf s = splat(slope), zero = splat(0);
    long i = 0;
    for (; i + L <= n; i += L) {
        vf gv = load(g + i);
        vf r = select((vi)(load(ref + i) > 0.0f), gv, slope == 0 ? zero : gv * s);
        store(gx + i, accumulate ? load(gx + i) + r : r);
    }
    for (; i < n; i++) {
        float r = ref[i] > 0 ? g[i] : (slope == 0 ? 0 : slope * g[i]);
        gx[i] = accumulate ? gx[i] + r : r;
    }
}
