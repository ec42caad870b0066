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
