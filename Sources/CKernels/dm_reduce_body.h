// Sums along one run of floats, the elementwise losses' sums in double, and the affine maps of
// batch normalisation (included by dm_kernels_body.h, with L, vf, load, store, splat, lanesum,
// FMA and vlogit_cross_entropy defined). Four L-lane
// accumulators, so the adds overlap instead of waiting on each other; summed across lanes at the
// end (the float order differs from a plain loop).

#define DM_REDUCE(name, params, per_vector, per_float)                                              \
    static float DM_SUFFIX(name) params {                                                           \
        vf s0 = splat(0), s1 = s0, s2 = s0, s3 = s0;                                                \
        long i = 0;                                                                                 \
        for (; i + 4 * L <= n; i += 4 * L) {                                                        \
            s0 = per_vector(i, s0); s1 = per_vector(i + L, s1);                                     \
            s2 = per_vector(i + 2 * L, s2); s3 = per_vector(i + 3 * L, s3);                         \
        }                                                                                           \
        for (; i + L <= n; i += L) s0 = per_vector(i, s0);                                          \
        float s = lanesum((s0 + s1) + (s2 + s3));                                                   \
        for (; i < n; i++) s += per_float(i);                                                       \
        return s;                                                                                   \
    }

// Σ p[i]
#define DM_SUM_V(i, s) ((s) + load(p + (i)))
#define DM_SUM_F(i) (p[i])
DM_REDUCE(sum, (const float *p, long n), DM_SUM_V, DM_SUM_F)

// Σ (p[i] - m)²
static inline __attribute__((always_inline)) vf DM_SUFFIX(sqdev_v)(const float *p, long i, float m, vf s) {
    vf d = load(p + i) - splat(m);
    return FMA(d, d, s);
}
#define DM_SQDEV_V(i, s) DM_SUFFIX(sqdev_v)(p, (i), m, (s))
#define DM_SQDEV_F(i) ((p[i] - m) * (p[i] - m))
DM_REDUCE(squared_deviation, (const float *p, long n, float m), DM_SQDEV_V, DM_SQDEV_F)

// Σ a[i]·(b[i] - m)
static inline __attribute__((always_inline)) vf DM_SUFFIX(dotc_v)(const float *a, const float *b, long i, float m, vf s) {
    return FMA(load(a + i), load(b + i) - splat(m), s);
}
#define DM_DOTC_V(i, s) DM_SUFFIX(dotc_v)(a, b, (i), m, (s))
#define DM_DOTC_F(i) (a[i] * (b[i] - m))
DM_REDUCE(dot_centered, (const float *a, const float *b, long n, float m), DM_DOTC_V, DM_DOTC_F)

// Sums in double over i < n: term(s, i, k) adds f of the k (= L: a whole vector) elements from i
// into the L doubles *s (a pointer: a 512-bit vector is no return value without AVX-512); two
// accumulators, the lanes of the last vector past n left out, summed across lanes at the end.
// The elementwise losses' sums, and a data set's mean and variance (runs of equal values, on which
// float sums drift one way).
typedef double vd __attribute__((vector_size(DM_LANES * 8)));
#define DM_LOAD(p, i, k) ((k) == L ? load((p) + (i)) : load_part((p) + (i), (k)))
#define DM_DOUBLE_SUM(name, params, term)                                                           \
    static double DM_SUFFIX(name) params {                                                           \
        vd s0 = {0}, s1 = {0};                                                                        \
        long i = 0;                                                                                   \
        for (; i + 2 * L <= n; i += 2 * L) { term(&s0, i, L); term(&s1, i + L, L); }                  \
        for (; i < n; i += L) {                                                                       \
            long k = n - i < L ? n - i : L;                                                           \
            vd r = {0};                                                                               \
            term(&r, i, k);                                                                           \
            for (long j = k; j < L; j++) r[j] = 0;                                                    \
            s0 += r;                                                                                  \
        }                                                                                             \
        s0 += s1;                                                                                     \
        double s = 0;                                                                                 \
        for (int j = 0; j < L; j++) s += s0[j];                                                       \
        return s;                                                                                     \
    }

// (x - t)² and |x - t|: the difference in float, then in double; binary cross-entropy on a
// logit in float (vlogit_cross_entropy), widened.
#define DM_SQERR_T(s, i, k) { vd d = __builtin_convertvector(DM_LOAD(x, i, k) - DM_LOAD(t, i, k), vd); *(s) += d * d; }
#define DM_ABSERR_T(s, i, k) { *(s) += __builtin_elementwise_abs(__builtin_convertvector(DM_LOAD(x, i, k) - DM_LOAD(t, i, k), vd)); }
#define DM_BCE_T(s, i, k) { *(s) += __builtin_convertvector(vlogit_cross_entropy(DM_LOAD(x, i, k), DM_LOAD(t, i, k)), vd); }
// p[i] and (p[i] - m)², each float widened first (the difference then exact).
#define DM_SUMD_T(s, i, k) { *(s) += __builtin_convertvector(DM_LOAD(p, i, k), vd); }
#define DM_SQDEVD_T(s, i, k) { vd d = __builtin_convertvector(DM_LOAD(p, i, k), vd) - (double)m; *(s) += d * d; }
DM_DOUBLE_SUM(squared_error_sum, (const float *x, const float *t, long n), DM_SQERR_T)
DM_DOUBLE_SUM(absolute_error_sum, (const float *x, const float *t, long n), DM_ABSERR_T)
DM_DOUBLE_SUM(logit_cross_entropy_sum, (const float *x, const float *t, long n), DM_BCE_T)
DM_DOUBLE_SUM(sum_double, (const float *p, long n), DM_SUMD_T)
DM_DOUBLE_SUM(squared_deviation_double, (const float *p, long n, float m), DM_SQDEVD_T)
#undef DM_DOUBLE_SUM
#undef DM_LOAD

// y[i] = a·u[i] + b·(v[i] - m) + c (u NULL: no first term), or y[i] += that when accumulate.
static void DM_SUFFIX(affine_centered)(const float *u, float a, const float *v, float m, float b, float c, long n,
                                       float *y, int accumulate) {
    const vf av = splat(a), mv = splat(m), bv = splat(b), cv = splat(c);
    long i = 0;
    for (; i + L <= n; i += L) {
        vf r = FMA(bv, load(v + i) - mv, cv);
        if (u) r = FMA(av, load(u + i), r);
        store(y + i, accumulate ? load(y + i) + r : r);
    }
    for (; i < n; i++) {
        float r = b * (v[i] - m) + c;
        if (u) r += a * u[i];
        y[i] = accumulate ? y[i] + r : r;
    }
}

#undef DM_REDUCE
#undef DM_SUM_V
#undef DM_SUM_F
#undef DM_SQDEV_V
#undef DM_SQDEV_F
#undef DM_DOTC_V
#undef DM_DOTC_F
