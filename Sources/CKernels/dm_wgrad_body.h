// The 3x3 weight gradient for one image in WG_L-pixel vectors of type WG_T (included by
// dm_kernels_body.h, which defines WG_T, WG_L, WG_NAME and FMA): rows of whole vectors, and with
// 16 lanes also a last half vector (widths 16k + 8).
// gw[o, i, dy, dx] += sum over r, c of g[o, r, c] * xpad[i, r+dy, c+dx]. Per 4 output channels,
// input channel and dy: 12 accumulators (4 channels x 3 dx) run along the rows and are summed
// across lanes once at the end.

#define WG_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(WG_T))
#if WG_L == 16
// 8 floats from p in the low lanes of a 16-lane vector, zeros above.
static inline __attribute__((always_inline)) WG_T wg_half16(const float *p) {
    vf8 h; __builtin_memcpy(&h, p, sizeof h);
    return __builtin_shufflevector(h, (vf8){0}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
#endif

static void WG_NAME(const float *x, const float *g, long ins, long outs, long h, long w, float *gw, float *pad) {
    const long pw = w + 2, plane = (h + 2) * pw, l = h * w;
    for (long c = 0; c < ins; c++)
        for (long r = 0; r < h; r++) __builtin_memcpy(pad + c * plane + (r + 1) * pw + 1, x + (c * h + r) * w, (size_t)w * sizeof(float));
    for (long cb = 0; cb < outs; cb += 4) {
        const long nco = outs - cb < 4 ? outs - cb : 4;
        // Missing channels (outs not a multiple of 4) repeat the last one; their sums are dropped.
        const float *g0 = g + cb * l;
        const float *g1 = g0 + (nco > 1 ? 1 : nco - 1) * l, *g2 = g0 + (nco > 2 ? 2 : nco - 1) * l, *g3 = g0 + (nco > 3 ? 3 : nco - 1) * l;
        for (long c = 0; c < ins; c++) {
            for (int dy = 0; dy < 3; dy++) {
                WG_T z = {0};
                WG_T a0 = z, a1 = z, a2 = z, b0 = z, b1 = z, b2 = z, c0 = z, c1 = z, c2 = z, d0 = z, d1 = z, d2 = z;
                for (long r = 0; r < h; r++) {
                    const float *xr = pad + c * plane + (r + dy) * pw;
                    const long gr = r * w;
                    long x0 = 0;
                    for (; x0 + WG_L <= w; x0 += WG_L) {
                        WG_T u0, u1, u2, v;
                        WG_LOAD(u0, xr + x0); WG_LOAD(u1, xr + x0 + 1); WG_LOAD(u2, xr + x0 + 2);
                        WG_LOAD(v, g0 + gr + x0);
                        a0 = FMA(v, u0, a0); a1 = FMA(v, u1, a1); a2 = FMA(v, u2, a2);
                        WG_LOAD(v, g1 + gr + x0);
                        b0 = FMA(v, u0, b0); b1 = FMA(v, u1, b1); b2 = FMA(v, u2, b2);
                        WG_LOAD(v, g2 + gr + x0);
                        c0 = FMA(v, u0, c0); c1 = FMA(v, u1, c1); c2 = FMA(v, u2, c2);
                        WG_LOAD(v, g3 + gr + x0);
                        d0 = FMA(v, u0, d0); d1 = FMA(v, u1, d1); d2 = FMA(v, u2, d2);
                    }
#if WG_L == 16
                    if (x0 < w) {   // the last 8 pixels (w % 16 == 8): 8 floats, the upper lanes zero
                        WG_T u0 = wg_half16(xr + x0), u1 = wg_half16(xr + x0 + 1), u2 = wg_half16(xr + x0 + 2);
                        WG_T v = wg_half16(g0 + gr + x0);
                        a0 = FMA(v, u0, a0); a1 = FMA(v, u1, a1); a2 = FMA(v, u2, a2);
                        v = wg_half16(g1 + gr + x0);
                        b0 = FMA(v, u0, b0); b1 = FMA(v, u1, b1); b2 = FMA(v, u2, b2);
                        v = wg_half16(g2 + gr + x0);
                        c0 = FMA(v, u0, c0); c1 = FMA(v, u1, c1); c2 = FMA(v, u2, c2);
                        v = wg_half16(g3 + gr + x0);
                        d0 = FMA(v, u0, d0); d1 = FMA(v, u1, d1); d2 = FMA(v, u2, d2);
                    }
#endif
                }
                WG_T s[4][3] = {{a0, a1, a2}, {b0, b1, b2}, {c0, c1, c2}, {d0, d1, d2}};
                for (long o = 0; o < nco; o++) {
                    float *row = gw + ((cb + o) * ins + c) * 9 + dy * 3;
                    for (int dx = 0; dx < 3; dx++) {
                        float sum = 0;
                        for (int i = 0; i < WG_L; i++) sum += s[o][dx][i];
                        row[dx] += sum;
                    }
                }
            }
        }
    }
}

#undef WG_T
#undef WG_L
#undef WG_NAME
#undef WG_LOAD
