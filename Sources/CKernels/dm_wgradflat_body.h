// The weight gradient of a stride-1 convolution in flat mode, for inputs of few channels (the
// adjoint of dm_convflat_body.h; included by dm_kernels_body.h, which defines WF_T, WF_L, WF_OB
// and FMA). In the padded input of width pw, output position q = oy·pw + ox meets tap (i, j) at
// q + i·pw + j, so for one output channel o, input channel c and tap t
//     gw[o, c, t] += Σ_q g[o, q] · x[c, q + off_t]
// is one dot product along a run of positions, with g zero at the pw - wo positions past each
// row's end (their x values are read and multiplied by 0: a NaN or infinite input there makes
// more of gw NaN than im2col would; the loss is NaN either way).
// WF_OB output channels x 5 taps of accumulators run along the positions of one image; each is
// then summed across lanes (halves added, log2(WF_L) times) into gw.

#define WF_TG 5

// Lanes summed by halves: (v[0..L/2) + v[L/2..L)), then the same on the result.
static inline __attribute__((always_inline)) float WF_FN(wf_lanes)(WF_T v) {
#if WF_L == 16
    vf8 h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
#else
    vf8 h = v;
#endif
    typedef float vf4 __attribute__((vector_size(16)));
    vf4 q = __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
    return (q[0] + q[2]) + (q[1] + q[3]);
}

static void WF_FN(wgrad_flat)(const float *x, const float *g, long images, long ins, long outs, long h, long w, long kh,
                              long kw, long py, long px, float *gw, float *scratch) {
    const long pw = w + 2 * px, hp = h + 2 * py, ho = hp - kh + 1, wo = pw - kw + 1, taps = kh * kw;
    const long pv = (ho * pw + WF_L - 1) / WF_L * WF_L;          // positions, whole vectors
    const long xs = pv + (kh - 1) * pw + kw + WF_L;              // one padded plane and its slack
    float *xp = scratch, *gp = xp + ins * xs;
    // Zeros where no image is copied: the planes' borders and slack, g past each row's end.
    for (long k = 0; k < ins * xs; k++) xp[k] = 0;
    for (long o = 0; o < outs; o++) {
        for (long r = 0; r < ho; r++) for (long k = wo; k < pw; k++) gp[o * pv + r * pw + k] = 0;
        for (long k = ho * pw; k < pv; k++) gp[o * pv + k] = 0;
    }
    for (long s = 0; s < images; s++) {
        const float *xi = x + s * ins * h * w, *gi = g + s * outs * ho * wo;
        for (long c = 0; c < ins; c++)
            for (long r = 0; r < h; r++) __builtin_memcpy(xp + c * xs + (r + py) * pw + px, xi + (c * h + r) * w, (size_t)w * sizeof(float));
        for (long o = 0; o < outs; o++)
            for (long r = 0; r < ho; r++) __builtin_memcpy(gp + o * pv + r * pw, gi + (o * ho + r) * wo, (size_t)wo * sizeof(float));
        for (long ob = 0; ob < outs; ob += WF_OB) {
            const long nco = outs - ob < WF_OB ? outs - ob : WF_OB;
            const float *gr[WF_OB];
            for (int o = 0; o < WF_OB; o++) gr[o] = gp + (ob + (o < nco ? o : nco - 1)) * pv;   // missing: repeat, dropped
            for (long c = 0; c < ins; c++) {
                const float *xc = xp + c * xs;
                for (long t0 = 0; t0 < taps; t0 += WF_TG) {
                    const long nt = taps - t0 < WF_TG ? taps - t0 : WF_TG;
                    long off[WF_TG];
                    for (int j = 0; j < WF_TG; j++) { long t = t0 + (j < nt ? j : nt - 1); off[j] = t / kw * pw + t % kw; }
                    WF_T a[WF_OB][WF_TG];
                    for (int o = 0; o < WF_OB; o++)
                        for (int j = 0; j < WF_TG; j++) a[o][j] = (WF_T){0};
                    for (long q = 0; q < pv; q += WF_L) {
                        WF_T u[WF_TG];
                        for (int j = 0; j < WF_TG; j++) __builtin_memcpy(&u[j], xc + q + off[j], sizeof(WF_T));
                        for (int o = 0; o < WF_OB; o++) {
                            WF_T v;
                            __builtin_memcpy(&v, gr[o] + q, sizeof v);
                            for (int j = 0; j < WF_TG; j++) a[o][j] = FMA(v, u[j], a[o][j]);
                        }
                    }
                    for (long o = 0; o < nco; o++)
                        for (long j = 0; j < nt; j++) gw[((ob + o) * ins + c) * taps + t0 + j] += WF_FN(wf_lanes)(a[o][j]);
                }
            }
        }
    }
}

static long WF_FN(wgrad_flat_scratch)(long h, long w, long kh, long kw, long py, long px, long ins, long outs) {
    const long pw = w + 2 * px, ho = h + 2 * py - kh + 1;
    const long pv = (ho * pw + WF_L - 1) / WF_L * WF_L, xs = pv + (kh - 1) * pw + kw + WF_L;
    return ins * xs + outs * pv;
}

#undef WF_TG
#undef WF_T
#undef WF_L
#undef WF_OB
#undef WF_FN
