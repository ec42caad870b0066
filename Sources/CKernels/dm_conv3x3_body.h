// The direct 3x3 convolution of one image in CV_L-pixel vectors of type CV_T (included by
// dm_kernels_body.h, which defines CV_T, CV_L, CV_FN(name) and FMA). Rows of 3-vector segments
// (4 channels x 3 vectors: 12 accumulators), then 2-vector ones (the last may overlap the one
// before), then the last 1...CV_L pixels with 8 channels at once.

#define CV_SPLAT(s) ((s) - (CV_T){0})
#ifndef CV_BAND_FLOATS
// Input floats a band of rows may span: 384 KB, inside a 512 KB L2 (Zen 3) with room for the rest.
#define CV_BAND_FLOATS (384 * 1024 / 4)
#endif
#ifndef DM_CONV_TAP
// One tap of the AVX2 segment below: 3 pixel vectors at byte offset OFF of row pointer R, the
// 4 channels' weights at byte offset W of the packed weights, 12 multiply-adds.
#define DM_CONV_TAP(R, OFF, W)                                                                       \
    "vmovups " #OFF "(%[" #R "]), %%ymm12\n\t"                                                       \
    "vmovups " #OFF "+32(%[" #R "]), %%ymm13\n\t"                                                    \
    "vmovups " #OFF "+64(%[" #R "]), %%ymm14\n\t"                                                    \
    "vbroadcastss " #W "(%[w]), %%ymm15\n\t"                                                         \
    "vfmadd231ps %%ymm12, %%ymm15, %[a0]\n\t vfmadd231ps %%ymm13, %%ymm15, %[a1]\n\t vfmadd231ps %%ymm14, %%ymm15, %[a2]\n\t" \
    "vbroadcastss " #W "+4(%[w]), %%ymm15\n\t"                                                       \
    "vfmadd231ps %%ymm12, %%ymm15, %[c0]\n\t vfmadd231ps %%ymm13, %%ymm15, %[c1]\n\t vfmadd231ps %%ymm14, %%ymm15, %[c2]\n\t" \
    "vbroadcastss " #W "+8(%[w]), %%ymm15\n\t"                                                       \
    "vfmadd231ps %%ymm12, %%ymm15, %[d0]\n\t vfmadd231ps %%ymm13, %%ymm15, %[d1]\n\t vfmadd231ps %%ymm14, %%ymm15, %[d2]\n\t" \
    "vbroadcastss " #W "+12(%[w]), %%ymm15\n\t"                                                      \
    "vfmadd231ps %%ymm12, %%ymm15, %[e0]\n\t vfmadd231ps %%ymm13, %%ymm15, %[e1]\n\t vfmadd231ps %%ymm14, %%ymm15, %[e2]\n\t"
#endif
static inline __attribute__((always_inline)) CV_T CV_FN(load)(const float *p) { CV_T v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void CV_FN(store)(float *p, CV_T v) { __builtin_memcpy(p, &v, sizeof v); }
// max(v, 0) as ReLU has it (NaN -> 0).
static inline __attribute__((always_inline)) CV_T CV_FN(rectified)(CV_T v) { return (CV_T)((CV_IT)v & (v > 0.0f)); }

// Two vectors of results to p[skip..<2 CV_L]: stored (rectified when relu; overlapping lanes rewrite equal
// values) or added.
static inline __attribute__((always_inline)) void CV_FN(put2)(CV_T v0, CV_T v1, float *p, long skip, int accumulate, int relu) {
    if (!accumulate) {
        CV_FN(store)(p, relu ? CV_FN(rectified)(v0) : v0);
        CV_FN(store)(p + CV_L, relu ? CV_FN(rectified)(v1) : v1);
    } else if (skip == 0) {
        CV_FN(store)(p, CV_FN(load)(p) + v0);
        CV_FN(store)(p + CV_L, CV_FN(load)(p + CV_L) + v1);
    } else {
        for (long k = skip; k < 2 * CV_L; k++) p[k] += k < CV_L ? v0[k] : v1[k - CV_L];
    }
}

static inline __attribute__((always_inline)) void CV_FN(put1)(CV_T v, float *p, long skip, int accumulate, int relu) {
    if (!accumulate) CV_FN(store)(p, relu ? CV_FN(rectified)(v) : v);
    else if (skip == 0) CV_FN(store)(p, CV_FN(load)(p) + v);
    else for (long k = skip; k < CV_L; k++) p[k] += v[k];
}

// The 4 channels x 3 vectors segment whose first pixel (channel 0, tap (0, 0)) is at P in the
// padded input: 12 accumulators a0..e2, declared and started from the bias bs[], summed over
// every input channel and tap (P = a row's x0, or any plane position in the flat mode below).
// AVX2: 12 accumulators + 3 pixel vectors + 1 broadcast are all 16 registers, and clang spills
// (35 % slower than this on AudioCNN); the same loop written out.
#if CV_L == 8 && DM_LANES == 8 && DM_FUSED && defined(__x86_64__)
#define CV_SEG3(P) \
    CV_T a0 = CV_SPLAT(bs[0]), a1 = a0, a2 = a0, c0 = CV_SPLAT(bs[1]), c1 = c0, c2 = c0; \
    CV_T d0 = CV_SPLAT(bs[2]), d1 = d0, d2 = d0, e0 = CV_SPLAT(bs[3]), e1 = e0, e2 = e0; \
    if (ins > 0) { \
        const float *r0 = (P), *r1 = r0 + pw, *r2 = r1 + pw, *wc = wb; \
        long n = ins, step = plane * (long)sizeof(float); \
        __asm__ volatile( \
            "1:\n\t" \
            DM_CONV_TAP(r0, 0, 0) DM_CONV_TAP(r0, 4, 16) DM_CONV_TAP(r0, 8, 32) \
            DM_CONV_TAP(r1, 0, 48) DM_CONV_TAP(r1, 4, 64) DM_CONV_TAP(r1, 8, 80) \
            DM_CONV_TAP(r2, 0, 96) DM_CONV_TAP(r2, 4, 112) DM_CONV_TAP(r2, 8, 128) \
            "addq %[step], %[r0]\n\t" \
            "addq %[step], %[r1]\n\t" \
            "addq %[step], %[r2]\n\t" \
            "addq $144, %[w]\n\t" \
            "decq %[n]\n\t" \
            "jnz 1b\n\t" \
            : [a0] "+x"(a0), [a1] "+x"(a1), [a2] "+x"(a2), [c0] "+x"(c0), [c1] "+x"(c1), [c2] "+x"(c2), \
              [d0] "+x"(d0), [d1] "+x"(d1), [d2] "+x"(d2), [e0] "+x"(e0), [e1] "+x"(e1), [e2] "+x"(e2), \
              [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [w] "+r"(wc), [n] "+r"(n) \
            : [step] "r"(step) \
            : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory"); \
    } \
    do {} while (0)
#else
#define CV_SEG3(P) \
    CV_T a0 = CV_SPLAT(bs[0]), a1 = a0, a2 = a0, c0 = CV_SPLAT(bs[1]), c1 = c0, c2 = c0; \
    CV_T d0 = CV_SPLAT(bs[2]), d1 = d0, d2 = d0, e0 = CV_SPLAT(bs[3]), e1 = e0, e2 = e0; \
    for (long c = 0; c < ins; c++) { \
        const float *base = (P) + c * plane, *wc = wb + c * 36; \
        for (int t = 0; t < 9; t++) { \
            const float *src = base + (t / 3) * pw + t % 3, *wt = wc + t * 4; \
            CV_T v0 = CV_FN(load)(src), v1 = CV_FN(load)(src + CV_L), v2 = CV_FN(load)(src + 2 * CV_L); \
            CV_T k = CV_SPLAT(wt[0]); a0 = FMA(k, v0, a0); a1 = FMA(k, v1, a1); a2 = FMA(k, v2, a2); \
            k = CV_SPLAT(wt[1]); c0 = FMA(k, v0, c0); c1 = FMA(k, v1, c1); c2 = FMA(k, v2, c2); \
            k = CV_SPLAT(wt[2]); d0 = FMA(k, v0, d0); d1 = FMA(k, v1, d1); d2 = FMA(k, v2, d2); \
            k = CV_SPLAT(wt[3]); e0 = FMA(k, v0, e0); e1 = FMA(k, v1, e1); e2 = FMA(k, v2, e2); \
        } \
    } \
    do {} while (0)
#endif

// n >= CV_L results from src to dst (put1 of each vector; the last overlaps the one before).
static inline __attribute__((always_inline)) void CV_FN(put_span)(const float *src, float *dst, long n, int accumulate, int relu) {
    long k = 0;
    for (; k + CV_L <= n; k += CV_L) CV_FN(put1)(CV_FN(load)(src + k), dst + k, 0, accumulate, relu);
    if (k < n) CV_FN(put1)(CV_FN(load)(src + n - CV_L), dst + n - CV_L, CV_L - (n - k), accumulate, relu);
}

static void CV_FN(conv3x3)(const float *x, long ins, long outs, long h, long w, const float *packed,
                               const float *bias, float *y, float *pad, int accumulate, int relu) {
    const long pw = w + 2, plane = (h + 2) * pw, hw = h * w;
    for (long c = 0; c < ins; c++)
        for (long r = 0; r < h; r++) __builtin_memcpy(pad + c * plane + (r + 1) * pw + 1, x + (c * h + r) * w, (size_t)w * sizeof(float));
    long tail_start = 0;
    while (w - tail_start >= 3 * CV_L) tail_start += 3 * CV_L;
    const long starts3 = tail_start;
    while (w - tail_start > CV_L) tail_start += 2 * CV_L;
    if (tail_start > w) tail_start = w;
    const long lanes = starts3 + (tail_start - starts3 + 2 * CV_L - 1) / (2 * CV_L) * 2 * CV_L + (w > tail_start ? CV_L : 0);
    // Flat mode, where a row's vectors leave lanes idle (DnCNN's 40 pixels in 16-lane vectors fill
    // 48): a band of rows is one run of positions q = (r - r0)·pw + x, x < pw, whose tap (i, j) is
    // the padded input at q + i·pw + j; the 2 positions past each row's end are computed into
    // `flat` (4·h·pw floats after the padded planes) and dropped. Each value is summed in the same
    // order as in a row: the same bits.
    // Rows of more than one vector and fewer than two have no row mode: there every band is flat
    // (the caller gives such widths only for images of 3 vectors' positions or more: conv3x3_uses16).
    const int only_flat = w > CV_L && w < 2 * CV_L;
    // Rows of exactly one or two 16-lane vectors (CIFAR's 16 and 32) have row segments of 8
    // accumulators; with 16 input channels or more the flat mode's 12 more than pay for its 2
    // extra positions a row (32 -> 32 channels on 32x32: 215 -> 228 GFLOP/s, 32 -> 64 on 16x16:
    // 204 -> 221; with 3 or 8 input channels it was slower).
    const int flat_rows = CV_L == 16 && (w == CV_L || w == 2 * CV_L) && ins >= 16;
    float *flat = pw < lanes || only_flat || flat_rows ? pad + ins * plane : NULL;
#define CV_FLAT_BAND(r0, r1) (flat && ((r1) - (r0)) * pw - 2 >= 3 * CV_L)

    // Bands of rows whose input (all channels, two rows more) stays in cache while every block of
    // 4 output channels passes over it: the whole image when small (CIFAR's 32x32x64), a few rows
    // of a large one (a 656-pixel tile at 32 channels: 2 rows, 20 % faster than whole-image
    // passes). Single rows for every size were 10 % slower at 32x32 (weights from L2).
    long band = ins > 0 ? CV_BAND_FLOATS / (ins * pw) - 2 : h;
    if (band < 1) band = 1;
    // Flat bands only: each of 3 vectors' positions or more, the last taking in a shorter remainder.
    const long min_band = only_flat ? (3 * CV_L + 2 + pw - 1) / pw : 1;
    if (band < min_band) band = min_band;
#define CV_BAND_END(r0) (h - ((r0) + band) < min_band ? h : (r0) + band)
    for (long r0 = 0, r1; r0 < h; r0 = r1) {
        r1 = CV_BAND_END(r0);
        for (long cb = 0; cb < (outs + 3) / 4; cb++) {
            const float *wb = packed + cb * ins * 36;
            const long co = cb * 4, nco = outs - co < 4 ? outs - co : 4;
            float bs[4] = {0, 0, 0, 0};
            if (bias) for (long o = 0; o < nco; o++) bs[o] = bias[co + o];
            if (CV_FLAT_BAND(r0, r1)) {
                const long span = (r1 - r0) * pw, qn = span - 2;
                for (long q = 0; q < qn; q += 3 * CV_L) {
                    const long qs = q < qn - 3 * CV_L ? q : qn - 3 * CV_L;
                    const float *first = pad + r0 * pw + qs;
                    CV_SEG3(first);
                    float *f = flat + qs;
                    CV_FN(store)(f, a0); CV_FN(store)(f + CV_L, a1); CV_FN(store)(f + 2 * CV_L, a2); f += span;
                    CV_FN(store)(f, c0); CV_FN(store)(f + CV_L, c1); CV_FN(store)(f + 2 * CV_L, c2); f += span;
                    CV_FN(store)(f, d0); CV_FN(store)(f + CV_L, d1); CV_FN(store)(f + 2 * CV_L, d2); f += span;
                    CV_FN(store)(f, e0); CV_FN(store)(f + CV_L, e1); CV_FN(store)(f + 2 * CV_L, e2);
                }
                for (long o = 0; o < nco; o++)
                    for (long r = r0; r < r1; r++)
                        CV_FN(put_span)(flat + o * span + (r - r0) * pw, y + ((co + o) * h + r) * w, w, accumulate, relu);
                continue;
            }
            for (long r = r0; r < r1; r++) {
                long x0 = 0;
                for (; x0 < starts3; x0 += 3 * CV_L) {   // 4 channels x 3 vectors: 12 accumulators
                    CV_SEG3(pad + r * pw + x0);
                    float *out = y + (co * h + r) * w + x0;
                    CV_FN(put2)(a0, a1, out, 0, accumulate, relu); CV_FN(put1)(a2, out + 2 * CV_L, 0, accumulate, relu);
                    if (nco > 1) { CV_FN(put2)(c0, c1, out + hw, 0, accumulate, relu); CV_FN(put1)(c2, out + hw + 2 * CV_L, 0, accumulate, relu); }
                    if (nco > 2) { CV_FN(put2)(d0, d1, out + 2 * hw, 0, accumulate, relu); CV_FN(put1)(d2, out + 2 * hw + 2 * CV_L, 0, accumulate, relu); }
                    if (nco > 3) { CV_FN(put2)(e0, e1, out + 3 * hw, 0, accumulate, relu); CV_FN(put1)(e2, out + 3 * hw + 2 * CV_L, 0, accumulate, relu); }
                }
                for (; x0 < tail_start; x0 += 2 * CV_L) {   // 4 channels x 2 vectors
                    const long xs = x0 < w - 2 * CV_L ? x0 : w - 2 * CV_L;   // the last may overlap the one before
                    CV_T a0 = CV_SPLAT(bs[0]), a1 = a0, c0 = CV_SPLAT(bs[1]), c1 = c0;
                    CV_T d0 = CV_SPLAT(bs[2]), d1 = d0, e0 = CV_SPLAT(bs[3]), e1 = e0;
                    for (long c = 0; c < ins; c++) {
                        const float *base = pad + c * plane + r * pw + xs, *wc = wb + c * 36;
                        for (int t = 0; t < 9; t++) {
                            const float *src = base + (t / 3) * pw + t % 3, *wt = wc + t * 4;
                            CV_T v0 = CV_FN(load)(src), v1 = CV_FN(load)(src + CV_L);
                            CV_T k = CV_SPLAT(wt[0]); a0 = FMA(k, v0, a0); a1 = FMA(k, v1, a1);
                            k = CV_SPLAT(wt[1]); c0 = FMA(k, v0, c0); c1 = FMA(k, v1, c1);
                            k = CV_SPLAT(wt[2]); d0 = FMA(k, v0, d0); d1 = FMA(k, v1, d1);
                            k = CV_SPLAT(wt[3]); e0 = FMA(k, v0, e0); e1 = FMA(k, v1, e1);
                        }
                    }
                    float *out = y + (co * h + r) * w + xs;
                    const long skip = x0 - xs;   // an overlapping segment adds only its new pixels
                    CV_FN(put2)(a0, a1, out, skip, accumulate, relu);
                    if (nco > 1) CV_FN(put2)(c0, c1, out + hw, skip, accumulate, relu);
                    if (nco > 2) CV_FN(put2)(d0, d1, out + 2 * hw, skip, accumulate, relu);
                    if (nco > 3) CV_FN(put2)(e0, e1, out + 3 * hw, skip, accumulate, relu);
                }
            }
        }
    }
    // The last 1...CV_L pixels of each row: 8 channels x 1 vector in registers.
    const long rem = w - tail_start;
    if (rem < 1) return;
    const long xs = w - CV_L, skip = CV_L - rem, blocks = (outs + 3) / 4;
    for (long r0 = 0, r1; r0 < h; r0 = r1) {
        r1 = CV_BAND_END(r0);
        if (CV_FLAT_BAND(r0, r1)) continue;
        for (long cb = 0; cb < blocks; cb += 2) {
            const float *wa = packed + cb * ins * 36, *wb = cb + 1 < blocks ? packed + (cb + 1) * ins * 36 : wa;
            const long co = cb * 4, nco = outs - co < 8 ? outs - co : 8;
            float bs[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            if (bias) for (long o = 0; o < nco; o++) bs[o] = bias[co + o];
            for (long r = r0; r < r1; r++) {
                CV_T acc[8];
                for (int o = 0; o < 8; o++) acc[o] = CV_SPLAT(bs[o]);
                for (long c = 0; c < ins; c++) {
                    const float *base = pad + c * plane + r * pw + xs, *ua = wa + c * 36, *ub = wb + c * 36;
                    for (int t = 0; t < 9; t++) {
                        CV_T v = CV_FN(load)(base + (t / 3) * pw + t % 3);
                        const float *ta = ua + t * 4, *tb = ub + t * 4;
                        acc[0] = FMA(CV_SPLAT(ta[0]), v, acc[0]); acc[1] = FMA(CV_SPLAT(ta[1]), v, acc[1]);
                        acc[2] = FMA(CV_SPLAT(ta[2]), v, acc[2]); acc[3] = FMA(CV_SPLAT(ta[3]), v, acc[3]);
                        acc[4] = FMA(CV_SPLAT(tb[0]), v, acc[4]); acc[5] = FMA(CV_SPLAT(tb[1]), v, acc[5]);
                        acc[6] = FMA(CV_SPLAT(tb[2]), v, acc[6]); acc[7] = FMA(CV_SPLAT(tb[3]), v, acc[7]);
                    }
                }
                float *out = y + (co * h + r) * w + xs;
                for (long o = 0; o < nco; o++) CV_FN(put1)(acc[o], out + o * hw, skip, accumulate, relu);
            }
        }
    }
#undef CV_FLAT_BAND
#undef CV_BAND_END
}

#undef CV_SEG3
#undef CV_SPLAT
#undef CV_T
#undef CV_IT
#undef CV_L
#undef CV_FN
