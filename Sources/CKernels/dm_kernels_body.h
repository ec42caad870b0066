// The kernels, written once for L-lane float vectors (clang vector extensions) and included by
// one .c file per instruction set, which defines before including:
//   DM_LANES      8 or 16
//   DM_FUSED      1 when a*b+c is one fused multiply-add (FMA hardware), else 0
//   DM_SUFFIX(f)  f's name in this instruction set
// and wraps the include in a target attribute for every function. Each lane is computed alone
// with the same operations in the same order, so overlapping segments rewrite equal values.

#include "include/dm_kernels.h"
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

// e^x, x clamped to [-87.3, 88.3] (NaN stays NaN). Rounding and 2^n by the 1.5*2^23 trick.
static inline __attribute__((always_inline)) vf vexp(vf x) {
    x = select(x > 88.3f, splat(88.3f), x);
    x = select(x < -87.3f, splat(-87.3f), x);
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

#define DM_MAP(name, f)                                                          \
    static void DM_SUFFIX(name)(const float *x, float *y, long n) {              \
        long i = 0;                                                              \
        for (; i + L <= n; i += L) store(y + i, f(load(x + i)));                 \
        if (i < n) {                                                             \
            vf v = splat(0);                                                     \
            for (long j = 0; j < n - i; j++) v[j] = x[i + j];                    \
            vf r = f(v);                                                         \
            for (long j = 0; j < n - i; j++) y[i + j] = r[j];                    \
        }                                                                        \
    }
DM_MAP(map_exp, vexp)
DM_MAP(map_sigmoid, vsigmoid)
DM_MAP(map_tanh, vtanh)

static void DM_SUFFIX(lstm_pointwise)(float *pre, const float *bias, const float *cprev, float *c, float *h,
                                      long n, float *saving, float *tanhc) {
    long full = n / L * L, j;
    for (j = 0; j < full; j += L) {
        store(pre + j, vsigmoid(load(pre + j) + load(bias + j)));
        store(pre + n + j, vsigmoid(load(pre + n + j) + load(bias + n + j)));
        store(pre + 2 * n + j, vtanh(load(pre + 2 * n + j) + load(bias + 2 * n + j)));
        store(pre + 3 * n + j, vsigmoid(load(pre + 3 * n + j) + load(bias + 3 * n + j)));
    }
    for (j = full; j < n; j++) {   // the same lane arithmetic, one unit at a time
        pre[j] = vsigmoid(splat(pre[j] + bias[j]))[0];
        pre[n + j] = vsigmoid(splat(pre[n + j] + bias[n + j]))[0];
        pre[2 * n + j] = vtanh(splat(pre[2 * n + j] + bias[2 * n + j]))[0];
        pre[3 * n + j] = vsigmoid(splat(pre[3 * n + j] + bias[3 * n + j]))[0];
    }
    for (j = 0; j < full; j += L) {
        vf cn = load(pre + n + j) * load(cprev + j) + load(pre + j) * load(pre + 2 * n + j);
        vf tc = vtanh(cn);
        store(c + j, cn);
        store(h + j, load(pre + 3 * n + j) * tc);
        if (tanhc) store(tanhc + j, tc);
    }
    for (j = full; j < n; j++) {
        float cn = pre[n + j] * cprev[j] + pre[j] * pre[2 * n + j];
        float tc = vtanh(splat(cn))[0];
        c[j] = cn;
        h[j] = pre[3 * n + j] * tc;
        if (tanhc) tanhc[j] = tc;
    }
    if (saving) __builtin_memcpy(saving, pre, (size_t)(4 * n) * sizeof(float));
}

// ---- packed GEMM: panels of 3 vectors (PW floats) ------------------------------------------

#define PW (3 * L)

// cols (<= L) results to c, added to what is there when accumulate.
static inline __attribute__((always_inline)) void put_cols(vf v, float *c, long cols, int accumulate) {
    if (cols >= L) {
        store(c, accumulate ? load(c) + v : v);
    } else {
        for (long j = 0; j < cols; j++) c[j] = (accumulate ? c[j] : 0) + v[j];
    }
}

static inline __attribute__((always_inline)) void put_row(vf v0, vf v1, vf v2, float *c, long cols, int accumulate) {
    put_cols(v0, c, cols, accumulate);
    if (cols > L) put_cols(v1, c + L, cols - L, accumulate);
    if (cols > 2 * L) put_cols(v2, c + 2 * L, cols - 2 * L, accumulate);
}

// 4 rows (lda apart) x PW columns: 12 accumulators; per k three loads of B, four broadcasts of A.
static __attribute__((noinline)) void gemm_kernel4(const float *a, long lda, const float *b, long k, float *c, long ldc,
                                                   long cols, int accumulate) {
    vf c0 = splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    vf c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    const float *a1 = a + lda, *a2 = a + 2 * lda, *a3 = a + 3 * lda;
#if DM_LANES == 8 && DM_FUSED && defined(__x86_64__)
    // AVX2: 12 accumulators + 3 B vectors + 1 broadcast are all 16 registers, which clang's
    // allocator does not manage without copies and spills in the loop (measured 47 against
    // 100 GFLOP/s); so the loop is written out. Same operations, same order as the C below.
    if (k > 0) {
        const float *bp = b;
        long kk = 0;
        __asm__ volatile(
            "1:\n\t"
            "vmovups (%[b]), %%ymm12\n\t"
            "vmovups 32(%[b]), %%ymm13\n\t"
            "vmovups 64(%[b]), %%ymm14\n\t"
            "vbroadcastss (%[a0],%[kk],4), %%ymm15\n\t"
            "vfmadd231ps %%ymm12, %%ymm15, %[c0]\n\t"
            "vfmadd231ps %%ymm13, %%ymm15, %[c1]\n\t"
            "vfmadd231ps %%ymm14, %%ymm15, %[c2]\n\t"
            "vbroadcastss (%[a1],%[kk],4), %%ymm15\n\t"
            "vfmadd231ps %%ymm12, %%ymm15, %[c3]\n\t"
            "vfmadd231ps %%ymm13, %%ymm15, %[c4]\n\t"
            "vfmadd231ps %%ymm14, %%ymm15, %[c5]\n\t"
            "vbroadcastss (%[a2],%[kk],4), %%ymm15\n\t"
            "vfmadd231ps %%ymm12, %%ymm15, %[c6]\n\t"
            "vfmadd231ps %%ymm13, %%ymm15, %[c7]\n\t"
            "vfmadd231ps %%ymm14, %%ymm15, %[c8]\n\t"
            "vbroadcastss (%[a3],%[kk],4), %%ymm15\n\t"
            "vfmadd231ps %%ymm12, %%ymm15, %[c9]\n\t"
            "vfmadd231ps %%ymm13, %%ymm15, %[c10]\n\t"
            "vfmadd231ps %%ymm14, %%ymm15, %[c11]\n\t"
            "addq $96, %[b]\n\t"
            "incq %[kk]\n\t"
            "cmpq %[k], %[kk]\n\t"
            "jl 1b\n\t"
            : [c0] "+x"(c0), [c1] "+x"(c1), [c2] "+x"(c2), [c3] "+x"(c3), [c4] "+x"(c4), [c5] "+x"(c5),
              [c6] "+x"(c6), [c7] "+x"(c7), [c8] "+x"(c8), [c9] "+x"(c9), [c10] "+x"(c10), [c11] "+x"(c11),
              [b] "+r"(bp), [kk] "+r"(kk)
            : [a0] "r"(a), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), [k] "r"(k)
            : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
    }
#else
    for (long kk = 0; kk < k; kk++) {
        const float *q = b + kk * PW;
        vf b0 = load(q), b1 = load(q + L), b2 = load(q + 2 * L);
        vf x = splat(a[kk]);
        c0 = FMA(x, b0, c0); c1 = FMA(x, b1, c1); c2 = FMA(x, b2, c2);
        x = splat(a1[kk]);
        c3 = FMA(x, b0, c3); c4 = FMA(x, b1, c4); c5 = FMA(x, b2, c5);
        x = splat(a2[kk]);
        c6 = FMA(x, b0, c6); c7 = FMA(x, b1, c7); c8 = FMA(x, b2, c8);
        x = splat(a3[kk]);
        c9 = FMA(x, b0, c9); c10 = FMA(x, b1, c10); c11 = FMA(x, b2, c11);
    }
#endif
    put_row(c0, c1, c2, c, cols, accumulate);
    put_row(c3, c4, c5, c + ldc, cols, accumulate);
    put_row(c6, c7, c8, c + 2 * ldc, cols, accumulate);
    put_row(c9, c10, c11, c + 3 * ldc, cols, accumulate);
}

// 1 row x PW columns (rows left over after groups of 4); two k at a time.
static __attribute__((noinline)) void gemm_kernel1(const float *a, const float *b, long k, float *c, long cols, int accumulate) {
    vf c0 = splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    const float *bp = b;
    long kk = 0;
    for (; kk + 2 <= k; kk += 2, bp += 2 * PW) {
        vf x0 = splat(a[kk]), x1 = splat(a[kk + 1]);
        c0 = FMA(x0, load(bp), c0); c1 = FMA(x0, load(bp + L), c1); c2 = FMA(x0, load(bp + 2 * L), c2);
        c3 = FMA(x1, load(bp + PW), c3); c4 = FMA(x1, load(bp + PW + L), c4); c5 = FMA(x1, load(bp + PW + 2 * L), c5);
    }
    if (kk < k) {
        vf x0 = splat(a[kk]);
        c0 = FMA(x0, load(bp), c0); c1 = FMA(x0, load(bp + L), c1); c2 = FMA(x0, load(bp + 2 * L), c2);
    }
    put_row(c0 + c3, c1 + c4, c2 + c5, c, cols, accumulate);
}

static void DM_SUFFIX(packed_multiply)(const float *a, long lda, long m, const float *b, long k, long n,
                                       float *c, long ldc, int accumulate) {
    const long kc = 192;   // K block: a panel slice of kc x PW floats stays in L1 across row groups
    long panels = (n + PW - 1) / PW;
    for (long k0 = 0; k0 < k; k0 += kc) {
        long kb = k - k0 < kc ? k - k0 : kc;
        int acc = accumulate || k0 > 0;
        for (long pi = 0; pi < panels; pi++) {
            const float *bp = b + (pi * k + k0) * PW;
            long j0 = pi * PW, cols = n - j0 < PW ? n - j0 : PW;
            long i = 0;
            for (; i + 4 <= m; i += 4) gemm_kernel4(a + i * lda + k0, lda, bp, kb, c + i * ldc + j0, ldc, cols, acc);
            for (; i < m; i++) gemm_kernel1(a + i * lda + k0, bp, kb, c + i * ldc + j0, cols, acc);
        }
    }
}

// ---- direct 3x3 convolution ----------------------------------------------------------------

#define DM_CAT2(a, b) a##_##b
#define DM_CAT(a, b) DM_CAT2(a, b)
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

// A row needs two vectors (or exactly one: tail only). With 16 lanes the last segment of a row
// may recompute up to 15 pixels, so 8-lane vectors are used unless the width is a multiple of
// 16 or wide enough for that not to matter (DnCNN's 40: 8 lanes; CIFAR's 32: 16).
static int DM_SUFFIX(conv3x3_applies)(long w) { return w >= 16; }
static int conv3x3_uses16(long w) { return DM_LANES == 16 && (w % 16 == 0 || w >= 64); }

static void DM_SUFFIX(conv3x3)(const float *x, long ins, long outs, long h, long w, const float *packed,
                               const float *bias, float *y, float *pad, int accumulate, int relu) {
#if DM_LANES == 16
    if (conv3x3_uses16(w)) { conv3x3_16(x, ins, outs, h, w, packed, bias, y, pad, accumulate, relu); return; }
#endif
    (void)conv3x3_uses16;
    conv3x3_8(x, ins, outs, h, w, packed, bias, y, pad, accumulate, relu);
}

// The weight gradient in vectors of 8 (and, on AVX-512, 16) pixels along rows of whole vectors.
#define WG_T vf8
#define WG_L 8
#define WG_NAME wgrad8
#include "dm_wgrad_body.h"
#if DM_LANES == 16
#define WG_T vf
#define WG_L 16
#define WG_NAME wgrad16
#include "dm_wgrad_body.h"
#endif

static int DM_SUFFIX(conv3x3_weight_grad_applies)(long w) { return DM_SUFFIX(conv3x3_applies)(w) && w % 8 == 0; }

static void DM_SUFFIX(conv3x3_weight_grad)(const float *x, const float *g, long ins, long outs, long h, long w,
                                           float *gw, float *pad) {
#if DM_LANES == 16
    if (w % 16 == 0) { wgrad16(x, g, ins, outs, h, w, gw, pad); return; }
#endif
    wgrad8(x, g, ins, outs, h, w, gw, pad);
}

static const dm_kernels DM_SUFFIX(dm_kernels_set) = {
    .name = DM_KERNELS_NAME, .level = DM_KERNELS_LEVEL, .lanes = L, .packed_width = PW,
    .packed_multiply = DM_SUFFIX(packed_multiply),
    .conv3x3_applies = DM_SUFFIX(conv3x3_applies), .conv3x3 = DM_SUFFIX(conv3x3),
    .conv3x3_weight_grad_applies = DM_SUFFIX(conv3x3_weight_grad_applies),
    .conv3x3_weight_grad = DM_SUFFIX(conv3x3_weight_grad),
    .exp = DM_SUFFIX(map_exp), .sigmoid = DM_SUFFIX(map_sigmoid), .tanh = DM_SUFFIX(map_tanh),
    .lstm_pointwise = DM_SUFFIX(lstm_pointwise),
};

#undef L
#undef PW
#undef FMA
