// The packed GEMM in GM_L-lane vectors of type GM_T (included by dm_kernels_body.h, which
// defines GM_T, GM_L, GM_FN(name), FMA and optionally GM_V): B in panels of GM_PW = GM_V vectors
// of columns, GM_V = 3 (12 accumulators: fits AVX2's 16 registers) or 4 (16 accumulators, for
// AVX-512's 32 registers: 4 loads and 4 broadcasts per 16 multiply-adds instead of 3 and 4 per 12).

#ifndef GM_V
#define GM_V 3
#endif
#define GM_PW (GM_V * GM_L)
#define GM_SPLAT(s) ((s) - (GM_T){0})
static inline __attribute__((always_inline)) GM_T GM_FN(gm_load)(const float *p) { GM_T v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline __attribute__((always_inline)) void GM_FN(gm_store)(float *p, GM_T v) { __builtin_memcpy(p, &v, sizeof v); }

// cols (<= GM_L) results to c, added to what is there when accumulate.
static inline __attribute__((always_inline)) void GM_FN(put_cols)(GM_T v, float *c, long cols, int accumulate) {
    if (cols >= GM_L) {
        GM_FN(gm_store)(c, accumulate ? GM_FN(gm_load)(c) + v : v);
    } else {
        for (long j = 0; j < cols; j++) c[j] = (accumulate ? c[j] : 0) + v[j];
    }
}

static inline __attribute__((always_inline)) void GM_FN(put_row)(GM_T v0, GM_T v1, GM_T v2, float *c, long cols, int accumulate) {
    GM_FN(put_cols)(v0, c, cols, accumulate);
    if (cols > GM_L) GM_FN(put_cols)(v1, c + GM_L, cols - GM_L, accumulate);
    if (cols > 2 * GM_L) GM_FN(put_cols)(v2, c + 2 * GM_L, cols - 2 * GM_L, accumulate);
}

#if GM_V == 4
static inline __attribute__((always_inline)) void GM_FN(put_row4)(GM_T v0, GM_T v1, GM_T v2, GM_T v3, float *c, long cols, int accumulate) {
    GM_FN(put_row)(v0, v1, v2, c, cols, accumulate);
    if (cols > 3 * GM_L) GM_FN(put_cols)(v3, c + 3 * GM_L, cols - 3 * GM_L, accumulate);
}

// 4 rows (a, a1, a2, a3) x 4 vectors: 16 accumulators; per k four loads of B, four broadcasts of A.
static __attribute__((noinline)) void GM_FN(gemm_kernel4)(const float *a, const float *a1, const float *a2, const float *a3,
                                                   const float *b, long k, float *c, long ldc, long cols, int accumulate) {
    GM_T c0 = GM_SPLAT(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    GM_T c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
    for (long kk = 0; kk < k; kk++) {
        const float *q = b + kk * GM_PW;
        GM_T b0 = GM_FN(gm_load)(q), b1 = GM_FN(gm_load)(q + GM_L), b2 = GM_FN(gm_load)(q + 2 * GM_L), b3 = GM_FN(gm_load)(q + 3 * GM_L);
        GM_T x = GM_SPLAT(a[kk]);
        c0 = FMA(x, b0, c0); c1 = FMA(x, b1, c1); c2 = FMA(x, b2, c2); c3 = FMA(x, b3, c3);
        x = GM_SPLAT(a1[kk]);
        c4 = FMA(x, b0, c4); c5 = FMA(x, b1, c5); c6 = FMA(x, b2, c6); c7 = FMA(x, b3, c7);
        x = GM_SPLAT(a2[kk]);
        c8 = FMA(x, b0, c8); c9 = FMA(x, b1, c9); c10 = FMA(x, b2, c10); c11 = FMA(x, b3, c11);
        x = GM_SPLAT(a3[kk]);
        c12 = FMA(x, b0, c12); c13 = FMA(x, b1, c13); c14 = FMA(x, b2, c14); c15 = FMA(x, b3, c15);
    }
    GM_FN(put_row4)(c0, c1, c2, c3, c, cols, accumulate);
    GM_FN(put_row4)(c4, c5, c6, c7, c + ldc, cols, accumulate);
    GM_FN(put_row4)(c8, c9, c10, c11, c + 2 * ldc, cols, accumulate);
    GM_FN(put_row4)(c12, c13, c14, c15, c + 3 * ldc, cols, accumulate);
}

// 2 rows x 4 vectors (a pair left over after groups of 4: an LSTM step on 16 threads has 2 rows
// per thread): 8 accumulators; B read once for both rows, not once per row.
static __attribute__((noinline)) void GM_FN(gemm_kernel2)(const float *a, const float *a1, const float *b, long k, float *c, long ldc,
                                                   long cols, int accumulate) {
    GM_T c0 = GM_SPLAT(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    for (long kk = 0; kk < k; kk++) {
        const float *q = b + kk * GM_PW;
        GM_T b0 = GM_FN(gm_load)(q), b1 = GM_FN(gm_load)(q + GM_L), b2 = GM_FN(gm_load)(q + 2 * GM_L), b3 = GM_FN(gm_load)(q + 3 * GM_L);
        GM_T x = GM_SPLAT(a[kk]);
        c0 = FMA(x, b0, c0); c1 = FMA(x, b1, c1); c2 = FMA(x, b2, c2); c3 = FMA(x, b3, c3);
        x = GM_SPLAT(a1[kk]);
        c4 = FMA(x, b0, c4); c5 = FMA(x, b1, c5); c6 = FMA(x, b2, c6); c7 = FMA(x, b3, c7);
    }
    GM_FN(put_row4)(c0, c1, c2, c3, c, cols, accumulate);
    GM_FN(put_row4)(c4, c5, c6, c7, c + ldc, cols, accumulate);
}

// 1 row x 4 vectors (rows left over after groups of 4); two k at a time.
static __attribute__((noinline)) void GM_FN(gemm_kernel1)(const float *a, const float *b, long k, float *c, long cols, int accumulate) {
    GM_T c0 = GM_SPLAT(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    const float *bp = b;
    long kk = 0;
    for (; kk + 2 <= k; kk += 2, bp += 2 * GM_PW) {
        GM_T x0 = GM_SPLAT(a[kk]), x1 = GM_SPLAT(a[kk + 1]);
        c0 = FMA(x0, GM_FN(gm_load)(bp), c0); c1 = FMA(x0, GM_FN(gm_load)(bp + GM_L), c1);
        c2 = FMA(x0, GM_FN(gm_load)(bp + 2 * GM_L), c2); c3 = FMA(x0, GM_FN(gm_load)(bp + 3 * GM_L), c3);
        c4 = FMA(x1, GM_FN(gm_load)(bp + GM_PW), c4); c5 = FMA(x1, GM_FN(gm_load)(bp + GM_PW + GM_L), c5);
        c6 = FMA(x1, GM_FN(gm_load)(bp + GM_PW + 2 * GM_L), c6); c7 = FMA(x1, GM_FN(gm_load)(bp + GM_PW + 3 * GM_L), c7);
    }
    if (kk < k) {
        GM_T x0 = GM_SPLAT(a[kk]);
        c0 = FMA(x0, GM_FN(gm_load)(bp), c0); c1 = FMA(x0, GM_FN(gm_load)(bp + GM_L), c1);
        c2 = FMA(x0, GM_FN(gm_load)(bp + 2 * GM_L), c2); c3 = FMA(x0, GM_FN(gm_load)(bp + 3 * GM_L), c3);
    }
    GM_FN(put_row4)(c0 + c4, c1 + c5, c2 + c6, c3 + c7, c, cols, accumulate);
}
#else
// 4 rows (a, a1, a2, a3) x GM_PW columns: 12 accumulators; per k three loads of B, four broadcasts of A.
static __attribute__((noinline)) void GM_FN(gemm_kernel4)(const float *a, const float *a1, const float *a2, const float *a3,
                                                   const float *b, long k, float *c, long ldc, long cols, int accumulate) {
    GM_T c0 = GM_SPLAT(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    GM_T c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
#if GM_L == 8 && DM_LANES == 8 && DM_FUSED && defined(__x86_64__)
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
        const float *q = b + kk * GM_PW;
        GM_T b0 = GM_FN(gm_load)(q), b1 = GM_FN(gm_load)(q + GM_L), b2 = GM_FN(gm_load)(q + 2 * GM_L);
        GM_T x = GM_SPLAT(a[kk]);
        c0 = FMA(x, b0, c0); c1 = FMA(x, b1, c1); c2 = FMA(x, b2, c2);
        x = GM_SPLAT(a1[kk]);
        c3 = FMA(x, b0, c3); c4 = FMA(x, b1, c4); c5 = FMA(x, b2, c5);
        x = GM_SPLAT(a2[kk]);
        c6 = FMA(x, b0, c6); c7 = FMA(x, b1, c7); c8 = FMA(x, b2, c8);
        x = GM_SPLAT(a3[kk]);
        c9 = FMA(x, b0, c9); c10 = FMA(x, b1, c10); c11 = FMA(x, b2, c11);
    }
#endif
    GM_FN(put_row)(c0, c1, c2, c, cols, accumulate);
    GM_FN(put_row)(c3, c4, c5, c + ldc, cols, accumulate);
    GM_FN(put_row)(c6, c7, c8, c + 2 * ldc, cols, accumulate);
    GM_FN(put_row)(c9, c10, c11, c + 3 * ldc, cols, accumulate);
}

// 2 rows x GM_PW columns (a pair left over after groups of 4): 6 accumulators, B read once for both.
static __attribute__((noinline)) void GM_FN(gemm_kernel2)(const float *a, const float *a1, const float *b, long k, float *c, long ldc,
                                                   long cols, int accumulate) {
    GM_T c0 = GM_SPLAT(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    for (long kk = 0; kk < k; kk++) {
        const float *q = b + kk * GM_PW;
        GM_T b0 = GM_FN(gm_load)(q), b1 = GM_FN(gm_load)(q + GM_L), b2 = GM_FN(gm_load)(q + 2 * GM_L);
        GM_T x = GM_SPLAT(a[kk]);
        c0 = FMA(x, b0, c0); c1 = FMA(x, b1, c1); c2 = FMA(x, b2, c2);
        x = GM_SPLAT(a1[kk]);
        c3 = FMA(x, b0, c3); c4 = FMA(x, b1, c4); c5 = FMA(x, b2, c5);
    }
    GM_FN(put_row)(c0, c1, c2, c, cols, accumulate);
    GM_FN(put_row)(c3, c4, c5, c + ldc, cols, accumulate);
}

// 1 row x GM_PW columns (rows left over after groups of 4); two k at a time.
static __attribute__((noinline)) void GM_FN(gemm_kernel1)(const float *a, const float *b, long k, float *c, long cols, int accumulate) {
    GM_T c0 = GM_SPLAT(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    const float *bp = b;
    long kk = 0;
    for (; kk + 2 <= k; kk += 2, bp += 2 * GM_PW) {
        GM_T x0 = GM_SPLAT(a[kk]), x1 = GM_SPLAT(a[kk + 1]);
        c0 = FMA(x0, GM_FN(gm_load)(bp), c0); c1 = FMA(x0, GM_FN(gm_load)(bp + GM_L), c1); c2 = FMA(x0, GM_FN(gm_load)(bp + 2 * GM_L), c2);
        c3 = FMA(x1, GM_FN(gm_load)(bp + GM_PW), c3); c4 = FMA(x1, GM_FN(gm_load)(bp + GM_PW + GM_L), c4); c5 = FMA(x1, GM_FN(gm_load)(bp + GM_PW + 2 * GM_L), c5);
    }
    if (kk < k) {
        GM_T x0 = GM_SPLAT(a[kk]);
        c0 = FMA(x0, GM_FN(gm_load)(bp), c0); c1 = FMA(x0, GM_FN(gm_load)(bp + GM_L), c1); c2 = FMA(x0, GM_FN(gm_load)(bp + 2 * GM_L), c2);
    }
    GM_FN(put_row)(c0 + c3, c1 + c4, c2 + c5, c, cols, accumulate);
}
#endif

// One K block (kb values from k0) of C (m, n) (+)= A · B over all panels. A's row i is
// a + i·lda + k0, or with rows, rows[i·segs] + t (a piece of a row given by pointers).
static inline __attribute__((always_inline)) void GM_FN(packed_block)(const float *a, long lda, const float *const *rows, long segs,
                                                                      long t, long m, const float *b, long k, long k0, long kb, long n,
                                                                      float *c, long ldc, int acc) {
#define GM_ROW(i) (rows ? rows[(i) * segs] + t : a + (i) * lda + k0)
    long panels = (n + GM_PW - 1) / GM_PW;
    for (long pi = 0; pi < panels; pi++) {
        const float *bp = b + (pi * k + k0) * GM_PW;
        long j0 = pi * GM_PW, cols = n - j0 < GM_PW ? n - j0 : GM_PW;
        long i = 0;
        for (; i + 4 <= m; i += 4) GM_FN(gemm_kernel4)(GM_ROW(i), GM_ROW(i + 1), GM_ROW(i + 2), GM_ROW(i + 3), bp, kb, c + i * ldc + j0, ldc, cols, acc);
        if (i + 2 <= m) { GM_FN(gemm_kernel2)(GM_ROW(i), GM_ROW(i + 1), bp, kb, c + i * ldc + j0, ldc, cols, acc); i += 2; }
        for (; i < m; i++) GM_FN(gemm_kernel1)(GM_ROW(i), bp, kb, c + i * ldc + j0, cols, acc);
    }
#undef GM_ROW
}

// K block: a panel slice of kc x GM_PW floats (36 KB with 16 lanes) stays near L1 across row groups.
#define GM_KC (GM_V == 4 ? 144 : 192)

DM_GEMM_DRIVERS(GM_FN(packed_multiply), GM_FN(packed_multiply_rows), GM_FN(packed_block), GM_KC)

#undef GM_KC
#undef GM_PW
#undef GM_V
#undef GM_SPLAT
#undef GM_T
#undef GM_L
#undef GM_FN
