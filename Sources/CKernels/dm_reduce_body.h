// Sums along one run of floats and the affine maps of batch normalisation (included by
// dm_kernels_body.h, with L, vf, load, store, splat, lanesum and FMA defined). Four L-lane
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

// Σ (x[i] - t[i])² (square 1) or Σ |x[i] - t[i]| (square 0): each difference in float, then in
// double; two L-lane double accumulators, summed across lanes at the end.
typedef double vd __attribute__((vector_size(DM_LANES * 8)));
static inline __attribute__((always_inline)) double DM_SUFFIX(error_sum)(const float *x, const float *t, long n, int square) {
    vd s0 = {0}, s1 = {0};
    long i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
        vd d0 = __builtin_convertvector(load(x + i) - load(t + i), vd);
        vd d1 = __builtin_convertvector(load(x + i + L) - load(t + i + L), vd);
        if (square) { s0 = d0 * d0 + s0; s1 = d1 * d1 + s1; }
        else { s0 += __builtin_elementwise_abs(d0); s1 += __builtin_elementwise_abs(d1); }
    }
    s0 += s1;
    double s = 0;
    for (int j = 0; j < L; j++) s += s0[j];
    for (; i < n; i++) { double d = (double)(x[i] - t[i]); s += square ? d * d : fabs(d); }
    return s;
}
static double DM_SUFFIX(squared_error_sum)(const float *x, const float *t, long n) { return DM_SUFFIX(error_sum)(x, t, n, 1); }
static double DM_SUFFIX(absolute_error_sum)(const float *x, const float *t, long n) { return DM_SUFFIX(error_sum)(x, t, n, 0); }

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
