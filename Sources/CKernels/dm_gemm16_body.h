// The packed GEMM for B in panels of G16_V x 16 columns (included by dm_kernels_body.h, which
// defines G16_V, 1 or 2 (16 lanes only), and G16_FN(name)): 16 for N <= 16, where panels of 3
// vectors of 8 leave a third or more of every vector empty (a convolution's 16 output channels),
// and with 8 lanes where 24 would pad more (64 channels: 4 panels, not 3 with 8 columns empty);
// 32 for N = 32 on AVX-512 (not 48). Each k, G16_V loads of B's 16 floats and one broadcast of A
// per row, into G16_R rows of accumulators: 6 with 8 lanes (12 of AVX2's 16 registers), 8 with 16.
// C (m, n) (+)= A (m, k) . B, A's rows in place or given by pointers, as in dm_gemm_body.h.

#ifndef G16_TYPES
#define G16_TYPES
typedef float v16 __attribute__((vector_size(64)));
// (v16 never passed or returned by value: without AVX-512 that would change the call ABI.)
#define G16_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(v16))

// cols (<= 16) results *v to c, added to what is there when accumulate.
static inline __attribute__((always_inline)) void g16_put(const v16 *v, float *c, long cols, int accumulate) {
    if (cols >= 16) {
        v16 o = *v;
        if (accumulate) { v16 old; G16_LOAD(old, c); o += old; }
        __builtin_memcpy(c, &o, sizeof o);
    } else {
        for (long j = 0; j < cols; j++) c[j] = (accumulate ? c[j] : 0) + (*v)[j];
    }
}
#endif

#define G16_W (16 * G16_V)
#define G16_R (DM_LANES == 16 ? 8 : 6)
// K block: kc x G16_W floats of the panel (16 or 32 KB) stay in L1 across row groups.
#define G16_KC (256 / G16_V)

// rows (a constant once inlined) rows a[0..<rows] x G16_W columns over k.
static inline __attribute__((always_inline)) void G16_FN(g16_tile)(const float *const *a, int rows, const float *b, long k, float *c,
                                                                   long ldc, long cols, int accumulate) {
    v16 s[G16_R][G16_V];
    for (int r = 0; r < rows; r++) for (int v = 0; v < G16_V; v++) s[r][v] = (v16){0};
    for (long kk = 0; kk < k; kk++) {
        for (int v = 0; v < G16_V; v++) {
            v16 bv;
            G16_LOAD(bv, b + kk * G16_W + 16 * v);
            for (int r = 0; r < rows; r++) s[r][v] = FMA(a[r][kk] - (v16){0}, bv, s[r][v]);
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < G16_V && 16 * v < cols; v++) g16_put(&s[r][v], c + r * ldc + 16 * v, cols - 16 * v, accumulate);
    }
}

#define G16_TILE(R)                                                                                                       \
    static __attribute__((noinline)) void G16_FN(g16_tile##R)(const float *const *a, const float *b, long k, float *c, long ldc, \
                                                               long cols, int accumulate) {                               \
        G16_FN(g16_tile)(a, R, b, k, c, ldc, cols, accumulate);                                                           \
    }
G16_TILE(1)
G16_TILE(2)
#if G16_R > 4
G16_TILE(4)
#endif
static __attribute__((noinline)) void G16_FN(g16_tile_full)(const float *const *a, const float *b, long k, float *c, long ldc,
                                                            long cols, int accumulate) {
    G16_FN(g16_tile)(a, G16_R, b, k, c, ldc, cols, accumulate);
}
#undef G16_TILE

// One K block (kb values from k0) over all panels; A's row i is a + i·lda + k0, or with rows,
// rows[i·segs] + t. Rows go in groups of G16_R, the rest in 4 (when G16_R > 4), 2 and 1.
static inline __attribute__((always_inline)) void G16_FN(g16_block)(const float *a, long lda, const float *const *rows, long segs,
                                                                    long t, long m, const float *b, long k, long k0, long kb, long n,
                                                                    float *c, long ldc, int acc) {
    long panels = (n + G16_W - 1) / G16_W;
    const float *p[G16_R];
    for (long pi = 0; pi < panels; pi++) {
        const float *bp = b + (pi * k + k0) * G16_W;
        long j0 = pi * G16_W, cols = n - j0 < G16_W ? n - j0 : G16_W;
        for (long i = 0; i < m;) {
            long left = m - i, r = left >= G16_R ? G16_R : G16_R > 4 && left >= 4 ? 4 : left >= 2 ? 2 : 1;
            for (long q = 0; q < r; q++) p[q] = rows ? rows[(i + q) * segs] + t : a + (i + q) * lda + k0;
            float *ci = c + i * ldc + j0;
            if (r == G16_R) G16_FN(g16_tile_full)(p, bp, kb, ci, ldc, cols, acc);
#if G16_R > 4
            else if (r == 4) G16_FN(g16_tile4)(p, bp, kb, ci, ldc, cols, acc);
#endif
            else if (r == 2) G16_FN(g16_tile2)(p, bp, kb, ci, ldc, cols, acc);
            else G16_FN(g16_tile1)(p, bp, kb, ci, ldc, cols, acc);
            i += r;
        }
    }
}

DM_GEMM_DRIVERS(G16_FN(g16_multiply), G16_FN(g16_multiply_rows), G16_FN(g16_block), G16_KC)

#undef G16_KC
#undef G16_R
#undef G16_W
#undef G16_V
#undef G16_FN
