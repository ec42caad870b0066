// Direct convolution of one image, stride 1, any kh x kw, in flat mode (included by
// dm_kernels_body.h, which defines CF_T, CF_L, CF_FN(name) and FMA): in the padded input of
// width pw, output position q = oy·pw + ox reads tap (i, j) at q + i·pw + j, so a run of
// positions is one stream of vectors; the pw - wo positions past each row's end are computed
// into `flat` and dropped. For inputs of few channels (LeNet's 1 -> 32 5x5), where im2col and
// sgemm copy more than they multiply. 4 output channels x 3 vectors: 12 accumulators.

// Rows of output per band (a band's run of positions is at least 3 vectors long).
static inline long CF_FN(flat_min_rows)(long pw) { return (3 * CF_L + pw - 1) / pw + 1; }
static inline long CF_FN(flat_band_rows)(long pw) { long m = CF_FN(flat_min_rows)(pw), r = 16384 / pw; return r > m ? r : m; }

static void CF_FN(conv_flat)(const float *x, long ins, long outs, long h, long w, long kh, long kw, long py, long px,
                             const float *packed, const float *bias, float *y, float *pad, float *flat, int relu) {
    const long pw = w + 2 * px, plane = (h + 2 * py) * pw, ho = h + 2 * py - kh + 1, wo = pw - kw + 1, taps = kh * kw;
    const float *src = x;
    if (py || px) {
        for (long c = 0; c < ins; c++)
            for (long r = 0; r < h; r++) __builtin_memcpy(pad + c * plane + (r + py) * pw + px, x + (c * h + r) * w, (size_t)w * sizeof(float));
        src = pad;
    }
    const long minRows = CF_FN(flat_min_rows)(pw), bandRows = CF_FN(flat_band_rows)(pw);
    for (long r0 = 0, r1; r0 < ho; r0 = r1) {
        r1 = r0 + bandRows < ho ? r0 + bandRows : ho;
        if (ho - r1 < minRows) r1 = ho;
        const long span = (r1 - r0) * pw, qn = (r1 - r0 - 1) * pw + wo;
        for (long cb = 0; cb < (outs + 3) / 4; cb++) {
            const float *wb = packed + cb * ins * taps * 4;
            const long co = cb * 4, nco = outs - co < 4 ? outs - co : 4;
            float bs[4] = {0, 0, 0, 0};
            if (bias) for (long o = 0; o < nco; o++) bs[o] = bias[co + o];
            for (long q = 0; q < qn; q += 3 * CF_L) {
                const long qs = q < qn - 3 * CF_L ? q : qn - 3 * CF_L;   // the last may overlap the one before
                CF_T a0 = bs[0] - (CF_T){0}, a1 = a0, a2 = a0, c0 = bs[1] - (CF_T){0}, c1 = c0, c2 = c0;
                CF_T d0 = bs[2] - (CF_T){0}, d1 = d0, d2 = d0, e0 = bs[3] - (CF_T){0}, e1 = e0, e2 = e0;
                for (long c = 0; c < ins; c++) {
                    const float *base = src + c * plane + r0 * pw + qs, *wt = wb + c * taps * 4;
                    for (long i = 0; i < kh; i++) {
                        for (long j = 0; j < kw; j++, wt += 4) {
                            const float *s = base + i * pw + j;
                            CF_T v0, v1, v2;
                            __builtin_memcpy(&v0, s, sizeof v0); __builtin_memcpy(&v1, s + CF_L, sizeof v1); __builtin_memcpy(&v2, s + 2 * CF_L, sizeof v2);
                            CF_T k = wt[0] - (CF_T){0}; a0 = FMA(k, v0, a0); a1 = FMA(k, v1, a1); a2 = FMA(k, v2, a2);
                            k = wt[1] - (CF_T){0}; c0 = FMA(k, v0, c0); c1 = FMA(k, v1, c1); c2 = FMA(k, v2, c2);
                            k = wt[2] - (CF_T){0}; d0 = FMA(k, v0, d0); d1 = FMA(k, v1, d1); d2 = FMA(k, v2, d2);
                            k = wt[3] - (CF_T){0}; e0 = FMA(k, v0, e0); e1 = FMA(k, v1, e1); e2 = FMA(k, v2, e2);
                        }
                    }
                }
                CF_T out[12] = {a0, a1, a2, c0, c1, c2, d0, d1, d2, e0, e1, e2};
                for (int o = 0; o < 4; o++)
                    for (int v = 0; v < 3; v++) __builtin_memcpy(flat + o * span + qs + v * CF_L, &out[o * 3 + v], sizeof(CF_T));
            }
            for (long o = 0; o < nco; o++) {
                for (long r = r0; r < r1; r++) {
                    const float *f = flat + o * span + (r - r0) * pw;
                    float *d = y + ((co + o) * ho + r) * wo;
                    if (relu) for (long k = 0; k < wo; k++) d[k] = f[k] > 0 ? f[k] : 0;
                    else __builtin_memcpy(d, f, (size_t)wo * sizeof(float));
                }
            }
        }
    }
}

#undef CF_T
#undef CF_L
#undef CF_FN
