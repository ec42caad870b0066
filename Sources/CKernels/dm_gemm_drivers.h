// The two drivers every packed-GEMM body (dm_gemm_body.h, dm_gemm16_body.h) ends with, over K
// blocks of `kc`, given its block function block(a, lda, rows, segs, t, m, b, k, k0, kb, n, c,
// ldc, acc):
//   multiply(a, lda, m, b, k, n, c, ldc, accumulate): A's rows in place, a + i·lda;
//   multiply_rows(rows, segs, seglen, m, b, n, c, ldc, accumulate): A's row r, k = s·seglen + t,
//   at rows[r·segs + s][t] (a convolution's colᵀ row is its taps' input pixels, so the rows can
//   point into the channel-last image instead of a gathered copy); the K blocks are the pieces,
//   each split into equal parts when longer than 1.5 kc.
// Later K blocks add to what the first wrote.
#ifndef DM_GEMM_DRIVERS
#define DM_GEMM_DRIVERS(multiply, multiply_rows, block, kc)                                                       \
    static void multiply(const float *a, long lda, long m, const float *b, long k, long n, float *c, long ldc,    \
                         int accumulate) {                                                                        \
        for (long k0 = 0; k0 < k; k0 += (kc)) {                                                                   \
            long kb = k - k0 < (kc) ? k - k0 : (kc);                                                              \
            block(a, lda, 0, 0, 0, m, b, k, k0, kb, n, c, ldc, accumulate || k0 > 0);                             \
        }                                                                                                         \
    }                                                                                                             \
    static void multiply_rows(const float *const *rows, long segs, long seglen, long m, const float *b, long n,  \
                              float *c, long ldc, int accumulate) {                                               \
        long k = segs * seglen, most = (kc) + (kc) / 2, parts = (seglen + most - 1) / most;                       \
        long pl = (seglen + parts - 1) / parts;                                                                   \
        for (long s = 0; s < segs; s++) {                                                                         \
            for (long t = 0; t < seglen; t += pl) {                                                               \
                long kb = seglen - t < pl ? seglen - t : pl, k0 = s * seglen + t;                                 \
                block(0, 0, rows + s, segs, t, m, b, k, k0, kb, n, c, ldc, accumulate || k0 > 0);                 \
            }                                                                                                     \
        }                                                                                                         \
    }
#endif
