// 2x2 max pooling with stride 2 over one plane, forward with the winners' indices and backward
// (included by dm_kernels_body.h, with L, vf, vi, load, store, splat and select defined). L
// outputs at a time: two rows of 2L inputs split into even and odd columns by shuffles.

#if L == 16
#define DM_EVEN 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define DM_ODD 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define DM_LO 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define DM_HI 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define DM_IOTA 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#else
#define DM_EVEN 0, 2, 4, 6, 8, 10, 12, 14
#define DM_ODD 1, 3, 5, 7, 9, 11, 13, 15
#define DM_LO 0, 8, 1, 9, 2, 10, 3, 11
#define DM_HI 4, 12, 5, 13, 6, 14, 7, 15
#define DM_IOTA 0, 1, 2, 3, 4, 5, 6, 7
#endif

// Rows narrower than L outputs (LeNet's 24-wide planes give 12, its 8x8 ones 4; CIFAR's 16x16
// give 8) also go in vectors: steps of 8 and 4 outputs after the L-wide ones, the same
// comparisons in the same order, so every window picks the same winner.
typedef float dm_vf4 __attribute__((vector_size(16)));
typedef int dm_vi4 __attribute__((vector_size(16)));
#define DM_EVEN8 0, 2, 4, 6, 8, 10, 12, 14
#define DM_ODD8 1, 3, 5, 7, 9, 11, 13, 15
#define DM_LO8 0, 8, 1, 9, 2, 10, 3, 11
#define DM_HI8 4, 12, 5, 13, 6, 14, 7, 15
#define DM_IOTA8 0, 1, 2, 3, 4, 5, 6, 7
#define DM_EVEN4 0, 2, 4, 6
#define DM_ODD4 1, 3, 5, 7
#define DM_LO4 0, 4, 1, 5
#define DM_HI4 2, 6, 3, 7
#define DM_IOTA4 0, 1, 2, 3

// y[ox ..< ox + W] from two input rows (and the winners' indices when keep).
#define DM_POOL_STEP(W, VF, VI, EVEN, ODD, IOTA)                                                            \
    for (; ox + W <= wo; ox += W) {                                                                          \
        VF t0, t1, b0, b1;                                                                                   \
        __builtin_memcpy(&t0, top + 2 * ox, sizeof t0); __builtin_memcpy(&t1, top + 2 * ox + W, sizeof t1);      \
        __builtin_memcpy(&b0, bottom + 2 * ox, sizeof b0); __builtin_memcpy(&b1, bottom + 2 * ox + W, sizeof b1); \
        VF a = __builtin_shufflevector(t0, t1, EVEN), b = __builtin_shufflevector(t0, t1, ODD);             \
        VF c = __builtin_shufflevector(b0, b1, EVEN), d = __builtin_shufflevector(b0, b1, ODD);             \
        VI k = (VI){0}, m;                                                                                   \
        VF best = a;                                                                                         \
        m = (VI)(b > best); best = (VF)(((VI)b & m) | ((VI)best & ~m)); k = (k & ~m) | (m & 1);              \
        m = (VI)(c > best); best = (VF)(((VI)c & m) | ((VI)best & ~m)); k = (k & ~m) | (m & (int)w);         \
        m = (VI)(d > best); best = (VF)(((VI)d & m) | ((VI)best & ~m)); k = (k & ~m) | (m & (int)(w + 1));   \
        __builtin_memcpy(out + ox, &best, sizeof best);                                                      \
        if (keep) {                                                                                          \
            VI base = ((VI){IOTA} + (int)ox) * 2 + (int)(2 * oy * w) + k;                                    \
            __builtin_memcpy(arg + ox, &base, sizeof base);                                                  \
        }                                                                                                    \
    }

// gx's windows for g[ox ..< ox + W]: g at the winner, 0 (or what gx held, when accumulating) elsewhere.
#define DM_POOL_BACK_STEP(W, VF, VI, LO, HI, IOTA)                                                          \
    for (; ox + W <= wo; ox += W) {                                                                          \
        VF gv, z = (VF){0};                                                                                  \
        VI at;                                                                                               \
        __builtin_memcpy(&gv, gr + ox, sizeof gv); __builtin_memcpy(&at, arg + ox, sizeof at);               \
        VI d = at - (((VI){IOTA} + (int)ox) * 2 + (int)(2 * oy * w));                                        \
        VF a = (VF)(((VI)gv & (d == 0)) | ((VI)z & ~(d == 0)));                                              \
        VF b = (VF)(((VI)gv & (d == 1)) | ((VI)z & ~(d == 1)));                                              \
        VF c = (VF)(((VI)gv & (d == (int)w)) | ((VI)z & ~(d == (int)w)));                                    \
        VF e = (VF)(((VI)gv & (d == (int)(w + 1))) | ((VI)z & ~(d == (int)(w + 1))));                        \
        VF t0 = __builtin_shufflevector(a, b, LO), t1 = __builtin_shufflevector(a, b, HI);                  \
        VF u0 = __builtin_shufflevector(c, e, LO), u1 = __builtin_shufflevector(c, e, HI);                  \
        if (accumulate) {                                                                                    \
            VF p;                                                                                            \
            __builtin_memcpy(&p, top + 2 * ox, sizeof p); t0 += p;                                           \
            __builtin_memcpy(&p, top + 2 * ox + W, sizeof p); t1 += p;                                       \
            __builtin_memcpy(&p, bottom + 2 * ox, sizeof p); u0 += p;                                        \
            __builtin_memcpy(&p, bottom + 2 * ox + W, sizeof p); u1 += p;                                    \
        }                                                                                                    \
        __builtin_memcpy(top + 2 * ox, &t0, sizeof t0); __builtin_memcpy(top + 2 * ox + W, &t1, sizeof t1);      \
        __builtin_memcpy(bottom + 2 * ox, &u0, sizeof u0); __builtin_memcpy(bottom + 2 * ox + W, &u1, sizeof u1); \
    }

// One output row: y[ox] for ox < wo and, when `keep` (a constant at each call, so that no store
// to a NULL argmax is ever issued, not even masked off: such stores cost microcode assists),
// the winners' indices.
static inline __attribute__((always_inline)) void DM_SUFFIX(max_pool2_row)(const float *top, const float *bottom, long w, long wo,
                                                                     long oy, float *out, int *arg, int keep) {
    long ox = 0;
    for (; ox + L <= wo; ox += L) {
        vf t0 = load(top + 2 * ox), t1 = load(top + 2 * ox + L), b0 = load(bottom + 2 * ox), b1 = load(bottom + 2 * ox + L);
        vf a = __builtin_shufflevector(t0, t1, DM_EVEN), b = __builtin_shufflevector(t0, t1, DM_ODD);
        vf c = __builtin_shufflevector(b0, b1, DM_EVEN), d = __builtin_shufflevector(b0, b1, DM_ODD);
        vi k = (vi){0}, m;
        vf best = a;
        m = (vi)(b > best); best = select(m, b, best); k = (k & ~m) | (m & 1);
        m = (vi)(c > best); best = select(m, c, best); k = (k & ~m) | (m & (int)w);
        m = (vi)(d > best); best = select(m, d, best); k = (k & ~m) | (m & (int)(w + 1));
        store(out + ox, best);
        if (keep) {
            vi base = ((vi){DM_IOTA} + (int)ox) * 2 + (int)(2 * oy * w) + k;
            __builtin_memcpy(arg + ox, &base, sizeof base);
        }
    }
#if L == 16
    DM_POOL_STEP(8, vf8, vi8, DM_EVEN8, DM_ODD8, DM_IOTA8)
#endif
    DM_POOL_STEP(4, dm_vf4, dm_vi4, DM_EVEN4, DM_ODD4, DM_IOTA4)
    for (; ox < wo; ox++) {   // selects, not branches: which place wins is a coin toss
        const long i0 = 2 * ox;
        const float b = top[i0 + 1], c = bottom[i0], d = bottom[i0 + 1];
        float best = top[i0];
        int k = 0, t;
        t = b > best; best = t ? b : best; k = t ? 1 : k;
        t = c > best; best = t ? c : best; k = t ? (int)w : k;
        t = d > best; best = t ? d : best; k = t ? (int)(w + 1) : k;
        out[ox] = best;
        if (keep) arg[ox] = (int)(2 * oy * w + i0) + k;
    }
}

// y (h/2, w/2) = the maximum of each window (the first of equal ones; NaN wins only in the
// window's first place, as a chain of `>`), argmax (NULL: not kept) its index iy·w + ix.
static void DM_SUFFIX(max_pool2)(const float *x, long h, long w, float *y, int *argmax) {
    const long ho = h / 2, wo = w / 2;
    for (long oy = 0; oy < ho; oy++) {
        const float *top = x + 2 * oy * w;
        if (argmax) DM_SUFFIX(max_pool2_row)(top, top + w, w, wo, oy, y + oy * wo, argmax + oy * wo, 1);
        else DM_SUFFIX(max_pool2_row)(top, top + w, w, wo, oy, y + oy * wo, 0, 0);
    }
}

// gx (h, w): each window's g at its argmax, 0 at its other three places (or added to gx when
// accumulate); a last odd row or column, in no window, is left as it is.
static void DM_SUFFIX(max_pool2_backward)(const float *g, const int *argmax, long h, long w, float *gx, int accumulate) {
    const long ho = h / 2, wo = w / 2;
    const vf zero = splat(0);
    for (long oy = 0; oy < ho; oy++) {
        const float *gr = g + oy * wo;
        const int *arg = argmax + oy * wo;
        float *top = gx + 2 * oy * w, *bottom = top + w;
        long ox = 0;
        for (; ox + L <= wo; ox += L) {
            vf gv = load(gr + ox);
            vi at; __builtin_memcpy(&at, arg + ox, sizeof at);
            vi d = at - (((vi){DM_IOTA} + (int)ox) * 2 + (int)(2 * oy * w));
            vf a = select(d == 0, gv, zero), b = select(d == 1, gv, zero);
            vf c = select(d == (int)w, gv, zero), e = select(d == (int)(w + 1), gv, zero);
            vf t0 = __builtin_shufflevector(a, b, DM_LO), t1 = __builtin_shufflevector(a, b, DM_HI);
            vf b0 = __builtin_shufflevector(c, e, DM_LO), b1 = __builtin_shufflevector(c, e, DM_HI);
            if (accumulate) {
                t0 += load(top + 2 * ox); t1 += load(top + 2 * ox + L);
                b0 += load(bottom + 2 * ox); b1 += load(bottom + 2 * ox + L);
            }
            store(top + 2 * ox, t0); store(top + 2 * ox + L, t1);
            store(bottom + 2 * ox, b0); store(bottom + 2 * ox + L, b1);
        }
#if L == 16
        DM_POOL_BACK_STEP(8, vf8, vi8, DM_LO8, DM_HI8, DM_IOTA8)
#endif
        DM_POOL_BACK_STEP(4, dm_vf4, dm_vi4, DM_LO4, DM_HI4, DM_IOTA4)
        if (!accumulate)
            for (long i = 2 * ox; i < 2 * wo; i++) { top[i] = 0; bottom[i] = 0; }
        for (; ox < wo; ox++) gx[arg[ox]] += gr[ox];
    }
}

#undef DM_EVEN
#undef DM_ODD
#undef DM_LO
#undef DM_HI
#undef DM_IOTA
#undef DM_EVEN8
#undef DM_ODD8
#undef DM_LO8
#undef DM_HI8
#undef DM_IOTA8
#undef DM_EVEN4
#undef DM_ODD4
#undef DM_LO4
#undef DM_HI4
#undef DM_IOTA4
#undef DM_POOL_STEP
#undef DM_POOL_BACK_STEP
