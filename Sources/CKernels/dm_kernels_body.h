// The kernels, written once for L-lane float vectors (clang vector extensions) and included by
// one .c file per instruction set, which defines before including:
//   DM_LANES      8 or 16
//   DM_FUSED      1 when a*b+c is one fused multiply-add (FMA hardware), else 0
//   DM_SUFFIX(f)  f's name in this instruction set
// and wraps the include in a target attribute for every function. Each lane is computed alone
// with the same operations in the same order, so overlapping segments rewrite equal values.

#include "include/dm_kernels.h"
#include "dm_gemm_drivers.h"
#include <math.h>
#include <stddef.h>

#define L DM_LANES
typedef float vf __attribute__((vector_size(DM_LANES * 4)));
typedef int vi __attribute__((vector_size(DM_LANES * 4)));
typedef unsigned vu __attribute__((vector_size(DM_LANES * 4)));
typedef float vf8 __attribute__((vector_size(32)));

#if DM_FUSED
#define FMA(a, b, c) __builtin_elementwise_fma((a), (b), (c))
#else
#define FMA(a, b, c) ((a) * (b) + (c))
#endif

// s - (+0) is s for every s (0 + s is not, for s = -0), so this folds to one broadcast.
static inline __attribute__((always_inline)) vf splat(float s) { return s - (vf){0}; }
static inline __attribute__((always_inline)) vf load(const float *p) { vf v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void store(float *p, vf v) { __builtin_memcpy(p, &v, sizeof v); }
// The first n (< L) floats at p, the other lanes 0; and back.
static inline __attribute__((always_inline)) vf load_part(const float *p, long n) {
    vf v = splat(0);
    for (long j = 0; j < n; j++) v[j] = p[j];
    return v;
}
static inline __attribute__((always_inline)) void store_part(float *p, vf v, long n) { for (long j = 0; j < n; j++) p[j] = v[j]; }
// Lanes of a where m is set, else of b.
static inline __attribute__((always_inline)) vf select(vi m, vf a, vf b) { return (vf)(((vi)a & m) | ((vi)b & ~m)); }
// max(v, 0) as ReLU has it (NaN -> 0).
static inline __attribute__((always_inline)) vf rectified(vf v) { return (vf)((vi)v & (v > 0.0f)); }
static inline __attribute__((always_inline)) float lanesum(vf v) {
    float s = 0;
    for (int i = 0; i < L; i++) s += v[i];
    return s;
}

// ---- exp, sigmoid, tanh -------------------------------------------------------------------

// e^x for x in [-87.3, 88.3] (NaN stays NaN). Rounding and 2^n by the 1.5*2^23 trick.
static inline __attribute__((always_inline)) vf vexp_in_range(vf x) {
    const float magic = 12582912.0f;
    vf t = FMA(x, splat(1.44269504088896341f), splat(magic));
    vf n = t - magic;
    vf r = FMA(n, splat(-0.693359375f), x);
    r = FMA(n, splat(2.12194440e-4f), r);
    vf p = splat(1.9875691500e-4f);
    p = FMA(p, r, splat(1.3981999507e-3f));
    p = FMA(p, r, splat(8.3334519073e-3f));
    p = FMA(p, r, splat(4.1665795894e-2f));
    p = FMA(p, r, splat(1.6666665459e-1f));
    p = FMA(p, r, splat(5.0000001201e-1f));
    vf y = FMA(p, r * r, r + 1.0f);
    vu ni = (vu)t - 0x4B400000u;
    vu bits = (ni + 127u) << 23;
    return y * (vf)bits;
}

// e^x, x clamped to [-87.3, 88.3] first.
static inline __attribute__((always_inline)) vf vexp(vf x) {
    x = select(x > 88.3f, splat(88.3f), x);
    x = select(x < -87.3f, splat(-87.3f), x);
    return vexp_in_range(x);
}

static inline __attribute__((always_inline)) vf vsigmoid(vf x) { return 1.0f / (1.0f + vexp(-x)); }

// Odd polynomial for |x| < 0.625, else 1 - 2/(e^{2|x|} + 1) with the sign restored.
static inline __attribute__((always_inline)) vf vtanh(vf x) {
    vf a = select(x < 0.0f, -x, x);
    vf z = x * x;
    vf p = splat(-5.70498872745e-3f);
    p = FMA(p, z, splat(2.06390887954e-2f));
    p = FMA(p, z, splat(-5.37397155531e-2f));
    p = FMA(p, z, splat(1.33314422036e-1f));
    p = FMA(p, z, splat(-3.33332819422e-1f));
    vf small = FMA(x * z, p, x);
    vf big = 1.0f - 2.0f / (vexp(2.0f * a) + 1.0f);
    vf sgn = select(x < 0.0f, -big, big);
    return select(a >= 0.625f, sgn, small);
}

// log x for x in [FLT_MIN, FLT_MAX]: x = m·2^e with m in [√½, √2), log m by a polynomial in
// m - 1 (Cephes' logf); lanes outside that range (0, negative, subnormal, inf, NaN) by libm.
static inline __attribute__((always_inline)) vf vlog_normal(vf x) {
    vi bits = (vi)x;
    vi e = ((bits >> 23) & 0xff) - 126;
    vf m = (vf)((bits & 0x007fffff) | 0x3f000000);   // [0.5, 1)
    vi small = m < 0.707106781f;                       // -1 where true
    e = e + small;
    m = m + (vf)((vi)m & small) - 1.0f;               // 2m - 1 or m - 1
    vf z = m * m;
    vf p = splat(7.0376836292e-2f);
    p = FMA(p, m, splat(-1.1514610310e-1f));
    p = FMA(p, m, splat(1.1676998740e-1f));
    p = FMA(p, m, splat(-1.2420140846e-1f));
    p = FMA(p, m, splat(1.4249322787e-1f));
    p = FMA(p, m, splat(-1.6668057665e-1f));
    p = FMA(p, m, splat(2.0000714765e-1f));
    p = FMA(p, m, splat(-2.4999993993e-1f));
    p = FMA(p, m, splat(3.3333331174e-1f));
    vf ef = __builtin_convertvector(e, vf);
    vf y = p * m * z;
    y = FMA(ef, splat(-2.12194440e-4f), y);
    y = FMA(z, splat(-0.5f), y);
    return FMA(ef, splat(0.693359375f), m + y);
}

static void DM_SUFFIX(map_log)(const float *x, float *y, long n) {
    for (long i = 0; i < n; i += L) {
        long k = n - i < L ? n - i : L;
        vf v = k == L ? load(x + i) : load_part(x + i, k);
        vi ok = (v >= 1.17549435e-38f) & (v <= 3.40282347e38f);
        vf r = vlog_normal(select(ok, v, splat(1.0f)));
        if (__builtin_reduce_or(~ok)) for (long j = 0; j < k; j++) if (!ok[j]) r[j] = logf(v[j]);
        if (k == L) store(y + i, r); else store_part(y + i, r, k);
    }
}

static void DM_SUFFIX(map_sqrt)(const float *x, float *y, long n) {
    long i = 0;
    for (; i + L <= n; i += L) store(y + i, __builtin_elementwise_sqrt(load(x + i)));
    for (; i < n; i++) y[i] = __builtin_sqrtf(x[i]);
}

// ½·e^(a²)·erfc(a) for a in [0, 9.2]: ½·t·Q(t), t = 1/(1 + 0.4a), Q of degree 8 fitted to
// e^(a²)·erfc(a)/t for the least largest fractional error (scripts/fit_erfc.py: 6e-8 in exact
// arithmetic, 3.5e-7 with float's rounding), by Estrin's scheme (depth 4 multiply-adds).
static inline __attribute__((always_inline)) vf vhalf_scaled_erfc(vf a) {
    vf t = 1.0f / FMA(a, splat(0.4f), splat(1.0f));
    vf t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
    vf q01 = FMA(t, splat(1.133563819e-01f), splat(1.128090667e-01f));
    vf q23 = FMA(t, splat(1.003478782e-01f), splat(9.999656031e-02f));
    vf q45 = FMA(t, splat(5.609514622e-02f), splat(3.141411711e-02f));
    vf q67 = FMA(t, splat(-6.513707129e-02f), splat(3.151532609e-02f));
    vf q = FMA(FMA(q67, t2, q45), t4, FMA(q23, t2, q01));
    return t * FMA(splat(1.960262109e-02f), t8, q);
}

// a = |x|/√2, or 9.2 with `far` set where it is beyond (|x| over about 13, where Φ(-|x|) is
// under 1e-38): the tail ½·erfc(a) and x·φ(x) are taken as 0 there (GELU(-20) is -0 and
// GELU(-inf) NaN, as PyTorch's; the derivative at ±inf is 1 and 0). NaN stays NaN.
static inline __attribute__((always_inline)) vf vhalf_sqrt2_abs(vf x, vi *far) {
    vf a = (vf)((vi)x & 0x7fffffff) * 0.707106781f;
    *far = a >= 9.2f;
    return select(*far, splat(9.2f), a);
}
// Φ(x) from the near tail ½·erfc(a) either way, given e = e^(-a²) = e^(-x²/2).
static inline __attribute__((always_inline)) vf vnormal_cdf(vf x, vf a, vi far, vf e) {
    vf tail = (vf)((vi)(vhalf_scaled_erfc(a) * e) & ~far);
    return select(x < 0.0f, tail, 1.0f - tail);
}

// GELU x·Φ(x), and its derivative Φ(x) + x·φ(x), φ(x) = e^(-x²/2)/√(2π): one e^(-x²/2) for both,
// from x² (one rounding, not a²'s two: 4e-6 near |x| = 13 rather than 1e-5); out of
// vexp_in_range's range only where `far` discards it.
static inline __attribute__((always_inline)) vf vgelu(vf x) {
    vi far;
    vf a = vhalf_sqrt2_abs(x, &far);
    return x * vnormal_cdf(x, a, far, vexp_in_range(-0.5f * (x * x)));
}
static inline __attribute__((always_inline)) vf vgelu_derivative(vf x) {
    vi far;
    vf a = vhalf_sqrt2_abs(x, &far);
    vf e = vexp_in_range(-0.5f * (x * x));
    vf xdensity = (vf)((vi)(x * 0.398942280f * e) & ~far);
    return xdensity + vnormal_cdf(x, a, far, e);
}

#define DM_MAP(name, f)                                                          \
    static void DM_SUFFIX(name)(const float *x, float *y, long n) {              \
        long i = 0;                                                              \
        for (; i + L <= n; i += L) store(y + i, f(load(x + i)));                 \
        if (i < n) store_part(y + i, f(load_part(x + i, n - i)), n - i);        \
    }
DM_MAP(map_exp, vexp)
DM_MAP(map_sigmoid, vsigmoid)
DM_MAP(map_tanh, vtanh)
DM_MAP(map_gelu, vgelu)

static void DM_SUFFIX(gelu_backward)(const float *x, const float *g, long n, float *gx, int accumulate) {
    for (long i = 0; i < n; i += L) {
        long k = n - i < L ? n - i : L;
        vf r = (k == L ? load(g + i) : load_part(g + i, k)) * vgelu_derivative(k == L ? load(x + i) : load_part(x + i, k));
        if (accumulate) r += k == L ? load(gx + i) : load_part(gx + i, k);
        if (k == L) store(gx + i, r); else store_part(gx + i, r, k);
    }
}

// Binary cross-entropy on a logit x against t, stable: max(x, 0) - x·t + log1p(e^-|x|), log1p(e)
// as log(1 + e) corrected by the rounding of 1 + e: (e - ((1 + e) - 1))/(1 + e).
static inline __attribute__((always_inline)) vf vlogit_cross_entropy(vf x, vf t) {
    vf e = vexp((vf)((vi)x | (vi)splat(-0.0f)));   // e^-|x|
    vf u = 1.0f + e;
    vf log1p = vlog_normal(u) + (e - (u - 1.0f)) / u;
    return (vf)((vi)x & (x > 0.0f)) - x * t + log1p;
}

static void DM_SUFFIX(logit_cross_entropy)(const float *x, const float *t, long n, float *y) {
    for (long i = 0; i < n; i += L) {
        long k = n - i < L ? n - i : L;
        vf r = k == L ? vlogit_cross_entropy(load(x + i), load(t + i))
                      : vlogit_cross_entropy(load_part(x + i, k), load_part(t + i, k));
        if (k == L) store(y + i, r); else store_part(y + i, r, k);
    }
}

// Its sum: dm_reduce_body.h (logit_cross_entropy_sum).

static void DM_SUFFIX(logit_cross_entropy_backward)(const float *x, const float *t, const float *g, float k, long n, float *gx) {
    for (long i = 0; i < n; i += L) {
        long m = n - i < L ? n - i : L;
        vf xv = m == L ? load(x + i) : load_part(x + i, m), tv = m == L ? load(t + i) : load_part(t + i, m);
        vf scale = g ? (m == L ? load(g + i) : load_part(g + i, m)) : splat(k);
        vf r = (m == L ? load(gx + i) : load_part(gx + i, m)) + scale * (vsigmoid(xv) - tv);
        if (m == L) store(gx + i, r); else store_part(gx + i, r, m);
    }
}

static void DM_SUFFIX(lstm_pointwise)(float *pre, const float *bias, const float *cprev, float *c, float *h,
                                      long n, long stride, float *saving, float *tanhc) {
    const long m = stride;   // gate k of unit j at pre[k·m + j], bias[k·m + j]
    long full = n / L * L, j;
    for (j = 0; j < full; j += L) {
        store(pre + j, vsigmoid(load(pre + j) + load(bias + j)));
        store(pre + m + j, vsigmoid(load(pre + m + j) + load(bias + m + j)));
        store(pre + 2 * m + j, vtanh(load(pre + 2 * m + j) + load(bias + 2 * m + j)));
        store(pre + 3 * m + j, vsigmoid(load(pre + 3 * m + j) + load(bias + 3 * m + j)));
    }
    long rest = n - full;   // units past the whole vectors: one part vector per gate, the same lane arithmetic
    if (rest > 0) {
        store_part(pre + full, vsigmoid(load_part(pre + full, rest) + load_part(bias + full, rest)), rest);
        store_part(pre + m + full, vsigmoid(load_part(pre + m + full, rest) + load_part(bias + m + full, rest)), rest);
        store_part(pre + 2 * m + full, vtanh(load_part(pre + 2 * m + full, rest) + load_part(bias + 2 * m + full, rest)), rest);
        store_part(pre + 3 * m + full, vsigmoid(load_part(pre + 3 * m + full, rest) + load_part(bias + 3 * m + full, rest)), rest);
    }
    for (j = 0; j < full; j += L) {
        vf cn = load(pre + m + j) * load(cprev + j) + load(pre + j) * load(pre + 2 * m + j);
        vf tc = vtanh(cn);
        store(c + j, cn);
        store(h + j, load(pre + 3 * m + j) * tc);
        if (tanhc) store(tanhc + j, tc);
    }
    if (rest > 0) {
        vf cn = load_part(pre + m + full, rest) * load_part(cprev + full, rest) + load_part(pre + full, rest) * load_part(pre + 2 * m + full, rest);
        vf tc = vtanh(cn);
        store_part(c + full, cn, rest);
        store_part(h + full, load_part(pre + 3 * m + full, rest) * tc, rest);
        if (tanhc) store_part(tanhc + full, tc, rest);
    }
    if (saving) for (int k = 0; k < 4; k++) __builtin_memcpy(saving + k * n, pre + k * m, (size_t)n * sizeof(float));
}

// One unit's lanes of the cell's backward (lstm_pointwise_backward), vectors in, dc and dgates out.
#define DM_LSTM_BACK(ig, fg, gg, og, tc, cp, gy, dh, dc)                           \
    vf dhj = (gy) + (dh), dcj = (dc) + dhj * (og) * (1.0f - (tc) * (tc));      \
    vf d_i = dcj * (gg) * (ig) * (1.0f - (ig)), d_f = dcj * (cp) * (fg) * (1.0f - (fg)); \
    vf d_g = dcj * (ig) * (1.0f - (gg) * (gg)), d_o = dhj * (tc) * (og) * (1.0f - (og)); \
    vf dc_out = dcj * (fg);

static void DM_SUFFIX(lstm_pointwise_backward)(const float *g, const float *tc, const float *cp, const float *gy, const float *dh,
                                               float *dc, float *dg, long n, long m) {
    long j = 0;
    for (; j + L <= n; j += L) {
        DM_LSTM_BACK(load(g + j), load(g + m + j), load(g + 2 * m + j), load(g + 3 * m + j), load(tc + j), load(cp + j),
                     load(gy + j), load(dh + j), load(dc + j))
        store(dg + j, d_i); store(dg + m + j, d_f); store(dg + 2 * m + j, d_g); store(dg + 3 * m + j, d_o);
        store(dc + j, dc_out);
    }
    if (j < n) {   // the rest in part vectors, the same lane arithmetic
        long r = n - j;
        DM_LSTM_BACK(load_part(g + j, r), load_part(g + m + j, r), load_part(g + 2 * m + j, r), load_part(g + 3 * m + j, r),
                     load_part(tc + j, r), load_part(cp + j, r), load_part(gy + j, r), load_part(dh + j, r), load_part(dc + j, r))
        store_part(dg + j, d_i, r); store_part(dg + m + j, d_f, r); store_part(dg + 2 * m + j, d_g, r); store_part(dg + 3 * m + j, d_o, r);
        store_part(dc + j, dc_out, r);
    }
}
#undef DM_LSTM_BACK

// ---- packed GEMM ---------------------------------------------------------------------------

#define DM_CAT2(a, b) a##_##b
#define DM_CAT(a, b) DM_CAT2(a, b)
#define GM_T vf8
#define GM_L 8
#define GM_FN(name) DM_CAT(name, 8)
#include "dm_gemm_body.h"
#if DM_LANES == 16
#define GM_T vf
#define GM_L 16
#define GM_FN(name) DM_CAT(name, 16)
#include "dm_gemm_body.h"
#define GM_T vf
#define GM_L 16
#define GM_V 4
#define GM_FN(name) DM_CAT(name, 16x4)
#include "dm_gemm_body.h"
#endif

#define G16_V 1
#define G16_FN(name) DM_CAT(name, 1)
#include "dm_gemm16_body.h"
#if DM_LANES == 16
#define G16_V 2
#define G16_FN(name) DM_CAT(name, 2)
#include "dm_gemm16_body.h"
#endif

// 16 columns for N <= 16 (and, with 8 lanes, where 24 pads more: below); else panels of 24 (3
// vectors of 8), and on AVX-512 also 32, 48 and 64 (2, 3 or 4 vectors of 16): the widest whose
// padding of N is within 1/8 of the least padding (64 channels: 64; 32: 32; an LSTM's 4 x 256
// gates: 64; 200: 48). With 8 lanes, 32 columns (2 rows of 4 vectors a pass: 3 rows need 17
// registers) ran slower than 24 even where 24 pads 64 to 72 (DCGAN, LeNet: 4-9 %).
static int DM_SUFFIX(packed_width)(long n) {
    if (n <= 16) return 16;
    long widths[4] = {24, 32, 48, 64}, count = DM_LANES == 16 ? 4 : 1, least = -1, best = 24;
    for (long i = 0; i < count; i++) {
        long pad = (n + widths[i] - 1) / widths[i] * widths[i];
        if (least < 0 || pad < least) least = pad;
    }
    for (long i = 0; i < count; i++) {
        long pad = (n + widths[i] - 1) / widths[i] * widths[i];
        if (pad * 8 <= least * 9) best = widths[i];
    }
#if DM_LANES == 8
    // 16 columns where they pad at least 1/27 less than 24 (64 channels: 64 columns, not 72): per
    // column summed, the 16-column kernel ran 3-4 % slower than the 24-column one.
    long p16 = (n + 15) / 16 * 16, p24 = (n + 23) / 24 * 24;
    if (p16 * 28 < p24 * 27) return 16;
#endif
    return (int)best;
}

// Every width packed_multiply below takes.
#if DM_LANES == 16
#define DM_PACKED_WIDTHS {16, 24, 32, 48, 64}
#else
#define DM_PACKED_WIDTHS {16, 24}
#endif

static void DM_SUFFIX(packed_multiply)(const float *a, long lda, long m, const float *b, long k, long n, long width,
                                       float *c, long ldc, int accumulate) {
    if (width == 16) { g16_multiply_1(a, lda, m, b, k, n, c, ldc, accumulate); return; }
#if DM_LANES == 16
    if (width == 32) { g16_multiply_2(a, lda, m, b, k, n, c, ldc, accumulate); return; }
    if (width == 64) { packed_multiply_16x4(a, lda, m, b, k, n, c, ldc, accumulate); return; }
    if (width == 48) { packed_multiply_16(a, lda, m, b, k, n, c, ldc, accumulate); return; }
#endif
    packed_multiply_8(a, lda, m, b, k, n, c, ldc, accumulate);
}

static void DM_SUFFIX(packed_multiply_rows)(const float *const *rows, long segs, long seglen, long m, const float *b, long n,
                                            long width, float *c, long ldc, int accumulate) {
    if (width == 16) { g16_multiply_rows_1(rows, segs, seglen, m, b, n, c, ldc, accumulate); return; }
#if DM_LANES == 16
    if (width == 32) { g16_multiply_rows_2(rows, segs, seglen, m, b, n, c, ldc, accumulate); return; }
    if (width == 64) { packed_multiply_rows_16x4(rows, segs, seglen, m, b, n, c, ldc, accumulate); return; }
    if (width == 48) { packed_multiply_rows_16(rows, segs, seglen, m, b, n, c, ldc, accumulate); return; }
#endif
    packed_multiply_rows_8(rows, segs, seglen, m, b, n, c, ldc, accumulate);
}

// ---- direct 3x3 convolution ----------------------------------------------------------------

typedef int vi8 __attribute__((vector_size(32)));
#define CV_T vf8
#define CV_IT vi8
#define CV_L 8
#define CV_FN(name) DM_CAT(name, 8)
#include "dm_conv3x3_body.h"
#if DM_LANES == 16
#define CV_T vf
#define CV_IT vi
#define CV_L 16
#define CV_FN(name) DM_CAT(name, 16)
#include "dm_conv3x3_body.h"
#endif

#define CF_T vf8
#define CF_L 8
#define CF_FN(name) DM_CAT(name, 8)
#include "dm_convflat_body.h"
#if DM_LANES == 16
#define CF_T vf
#define CF_L 16
#define CF_FN(name) DM_CAT(name, 16)
#include "dm_convflat_body.h"
#endif

static int DM_SUFFIX(conv_flat_scratch)(long h, long w, long kh, long kw, long py, long px) {
    const long pw = w + 2 * px, ho = h + 2 * py - kh + 1, wo = pw - kw + 1;
    if (kh < 1 || kw < 1 || ho < 1 || wo < 1 || (ho - 1) * pw + wo < 3 * L) return 0;
#if DM_LANES == 16
    return (int)(4 * (flat_band_rows_16(pw) + flat_min_rows_16(pw)) * pw);
#else
    return (int)(4 * (flat_band_rows_8(pw) + flat_min_rows_8(pw)) * pw);
#endif
}

// Its weight gradient: 4 output channels x 5 taps of 16-lane accumulators with 32 registers, 2 x 5
// of 8 lanes with 16.
#if DM_LANES == 16
#define WF_T vf
#define WF_L 16
#define WF_OB 4
#else
#define WF_T vf8
#define WF_L 8
#define WF_OB 2
#endif
#define WF_FN(name) DM_SUFFIX(name)
#include "dm_wgradflat_body.h"

static void DM_SUFFIX(conv_flat)(const float *x, long ins, long outs, long h, long w, long kh, long kw, long py, long px,
                                 const float *packed, const float *bias, float *y, float *pad, float *flat, int relu) {
#if DM_LANES == 16
    conv_flat_16(x, ins, outs, h, w, kh, kw, py, px, packed, bias, y, pad, flat, relu);
#else
    conv_flat_8(x, ins, outs, h, w, kh, kw, py, px, packed, bias, y, pad, flat, relu);
#endif
}

// B (k, n) packed (panels of `width` columns, the last zero-padded) from rows given as `segs`
// runs of `seglen` floats each (n = segs·seglen): B[r, s·seglen + t] = rows[r·segs + s][t].
static void DM_SUFFIX(pack_rows)(const float *const *rows, long segs, long seglen, long k, long width, float *dst) {
    const long n = segs * seglen, panels = (n + width - 1) / width, tail = n - (panels - 1) * width;
    for (long r = 0; r < k; r++) {
        for (long s = 0; s < segs; s++) {
            const float *src = rows[r * segs + s];
            for (long t = 0; t < seglen;) {
                const long j = s * seglen + t, at = j % width, run = seglen - t < width - at ? seglen - t : width - at;
                float *d = dst + ((j / width) * k + r) * width + at;
                const float *q = src + t;
                long i = 0;
                for (; i + L <= run; i += L) store(d + i, load(q + i));
                for (; i < run; i++) d[i] = q[i];
                t += run;
            }
        }
        for (long i = tail; i < width; i++) dst[((panels - 1) * k + r) * width + i] = 0;
    }
}

// dst[r·ds + i] += src[r·ss + i] for r < rows, i < n (a transposed convolution's taps added into
// its channel-last accumulator; col2im's rows).
static void DM_SUFFIX(add_rows)(const float *src, long ss, float *dst, long ds, long rows, long n) {
    for (long r = 0; r < rows; r++, src += ss, dst += ds) {
        long i = 0;
        for (; i + L <= n; i += L) store(dst + i, load(dst + i) + load(src + i));
        for (; i < n; i++) dst[i] += src[i];
    }
}

static int DM_SUFFIX(conv3x3_applies)(long w) { return w >= 16; }
// A row needs two vectors (or exactly one: tail only). With 16 lanes the last segment of a row
// may recompute up to 15 pixels: where a 16-lane multiply-add costs two 8-lane ones (Zen 4), 8-lane
// vectors are used unless the width is a multiple of 16 or wide enough for that not to matter
// (DnCNN's 40: 8 lanes; CIFAR's 32: 16). Where it costs one (dm_kernels_wide512), 16 lanes at
// every width: rows that would leave lanes idle run in the flat mode, whole vectors along a band
// of rows (AudioCNN's 25-pixel rows at 32 -> 64 channels in 8 lanes: 120 GFLOP/s; in 16: 223).
// Rows of fewer than 32 pixels have only the flat mode in 16 lanes: the image must span 3 vectors.
static int conv3x3_uses16(long w, long h) {
    return DM_LANES == 16 && (w % 16 == 0 || w >= 64 || (dm_kernels_wide512() && (w >= 32 || h * (w + 2) - 2 >= 48)));
}

static void DM_SUFFIX(conv3x3)(const float *x, long ins, long outs, long h, long w, const float *packed,
                               const float *bias, float *y, float *pad, int accumulate, int relu) {
#if DM_LANES == 16
    if (conv3x3_uses16(w, h)) { conv3x3_16(x, ins, outs, h, w, packed, bias, y, pad, accumulate, relu); return; }
#endif
    (void)conv3x3_uses16;
    conv3x3_8(x, ins, outs, h, w, packed, bias, y, pad, accumulate, relu);
}

// The weight gradient in vectors of 16 lanes on AVX-512 (its flat runs are whole vectors at any
// width), of 8 elsewhere (4 output channels a pass there: 16 vector registers).
#if DM_LANES == 16
#define WG_T vf
#define WG_L 16
#define WG_C 8
#else
#define WG_T vf8
#define WG_L 8
#define WG_C 4
#endif
#define WG_NAME DM_SUFFIX(wgrad)
#include "dm_wgrad_body.h"

static int DM_SUFFIX(conv3x3_weight_grad_applies)(long w) { return DM_SUFFIX(conv3x3_applies)(w); }

static long DM_SUFFIX(conv3x3_weight_grad_scratch)(long ins, long outs, long h, long w) { return wgrad_scratch(ins, outs, h, w); }

static void DM_SUFFIX(conv3x3_weight_grad)(const float *x, const float *g, long ins, long outs, long h, long w,
                                           float *gw, float *pad) {
    DM_SUFFIX(wgrad)(x, g, ins, outs, h, w, gw, pad);
}

#include "dm_transpose_body.h"
#include "dm_reduce_body.h"
#include "dm_rectifier_body.h"
#include "dm_pool_body.h"
#include "dm_adam_body.h"

static const dm_kernels DM_SUFFIX(dm_kernels_set) = {
    .name = DM_KERNELS_NAME, .level = DM_KERNELS_LEVEL, .lanes = L, .packed_width = DM_SUFFIX(packed_width),
    .packed_widths = DM_PACKED_WIDTHS,
    .packed_multiply = DM_SUFFIX(packed_multiply), .packed_multiply_rows = DM_SUFFIX(packed_multiply_rows),
    .pack_rows = DM_SUFFIX(pack_rows), .add_rows = DM_SUFFIX(add_rows),
    .conv3x3_applies = DM_SUFFIX(conv3x3_applies), .conv3x3 = DM_SUFFIX(conv3x3),
    .conv3x3_weight_grad_applies = DM_SUFFIX(conv3x3_weight_grad_applies),
    .conv3x3_weight_grad_scratch = DM_SUFFIX(conv3x3_weight_grad_scratch),
    .conv3x3_weight_grad = DM_SUFFIX(conv3x3_weight_grad),
    .conv_flat_scratch = DM_SUFFIX(conv_flat_scratch), .conv_flat = DM_SUFFIX(conv_flat),
    .wgrad_flat_scratch = DM_SUFFIX(wgrad_flat_scratch), .wgrad_flat = DM_SUFFIX(wgrad_flat),
    .exp = DM_SUFFIX(map_exp), .sigmoid = DM_SUFFIX(map_sigmoid), .tanh = DM_SUFFIX(map_tanh),
    .log = DM_SUFFIX(map_log), .sqrt = DM_SUFFIX(map_sqrt), .gelu = DM_SUFFIX(map_gelu),
    .gelu_backward = DM_SUFFIX(gelu_backward),
    .lstm_pointwise = DM_SUFFIX(lstm_pointwise), .lstm_pointwise_backward = DM_SUFFIX(lstm_pointwise_backward),
    .to_channel_last = DM_SUFFIX(to_channel_last), .from_channel_last = DM_SUFFIX(from_channel_last),
    .transpose = DM_SUFFIX(transpose),
    .sum = DM_SUFFIX(sum), .squared_deviation = DM_SUFFIX(squared_deviation), .dot_centered = DM_SUFFIX(dot_centered),
    .squared_error_sum = DM_SUFFIX(squared_error_sum), .absolute_error_sum = DM_SUFFIX(absolute_error_sum),
    .sum_double = DM_SUFFIX(sum_double), .squared_deviation_double = DM_SUFFIX(squared_deviation_double),
    .logit_cross_entropy = DM_SUFFIX(logit_cross_entropy), .logit_cross_entropy_sum = DM_SUFFIX(logit_cross_entropy_sum),
    .logit_cross_entropy_backward = DM_SUFFIX(logit_cross_entropy_backward),
    .affine_centered = DM_SUFFIX(affine_centered),
    .rectifier = DM_SUFFIX(rectifier), .rectifier_backward = DM_SUFFIX(rectifier_backward),
    .max_pool2 = DM_SUFFIX(max_pool2), .max_pool2_backward = DM_SUFFIX(max_pool2_backward),
    .adam = DM_SUFFIX(adam),
};

#undef L
#undef FMA
