// One Adam step over a run of parameters (included by dm_kernels_body.h, with L, vf, load, store
// and splat defined). The vectors and the scalar tail do the same operations in the same order.

// g' = g + wd·p (or, decoupled, p *= shrink and g' = g); m = b1·m + (1 - b1)·g';
// v = b2·v + (1 - b2)·g'²; p -= step·m / (√v / c2 + eps).
static void DM_SUFFIX(adam)(float *p, const float *g, float *m, float *v, long n, float b1, float b2,
                            float step, float c2, float eps, float wd, float shrink, int decoupled) {
    const float a1 = 1 - b1, a2 = 1 - b2;
    long j = 0;
    for (; j + L <= n; j += L) {
        vf pj = load(p + j), gj = load(g + j);
        if (decoupled) pj = pj * splat(shrink); else gj = gj + splat(wd) * pj;
        const vf mj = splat(b1) * load(m + j) + splat(a1) * gj;
        const vf vj = splat(b2) * load(v + j) + splat(a2) * gj * gj;
        pj = pj - splat(step) * mj / (__builtin_elementwise_sqrt(vj) / splat(c2) + splat(eps));
        store(m + j, mj); store(v + j, vj); store(p + j, pj);
    }
    for (; j < n; j++) {
        float pj = p[j], gj = g[j];
        if (decoupled) pj = pj * shrink; else gj = gj + wd * pj;
        const float mj = b1 * m[j] + a1 * gj;
        const float vj = b2 * v[j] + a2 * gj * gj;
        pj = pj - step * mj / (__builtin_sqrtf(vj) / c2 + eps);
        m[j] = mj; v[j] = vj; p[j] = pj;
    }
}
