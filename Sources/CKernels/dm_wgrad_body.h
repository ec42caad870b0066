// The 3x3 weight gradient for one image in WG_L-lane vectors of type WG_T (included by
// dm_kernels_body.h, which defines WG_T, WG_L, WG_NAME, WG_C and FMA).
// gw[o, i, dy, dx] += sum over r, c of g[o, r, c] * xpad[i, r+dy, c+dx].
// x goes into zero-bordered planes (H+2, W+2). Rows of whole 8-lane vectors are summed row by
// row; everything else runs flat: g is copied into rows of the padded width W+2 (its last two
// columns zero), so that for one input channel and dy the sum runs along one contiguous run of
// H·(W+2) values (rounded up to whole vectors with zeros), with no part vector per row (DnCNN's
// 40-pixel rows are 2.5 vectors of 16). The zero columns meet real pixels of x: there a NaN or
// infinite input can make more of this gradient NaN than im2col would (the loss is NaN anyway).
// Per WG_C output channels, input channel and dy: WG_C x 3 accumulators (WG_C = 8 where there are
// 32 vector registers, else 4), summed across lanes once at the end.

#define WG_LOAD(v, p) __builtin_memcpy(&(v), (p), sizeof(WG_T))

// The flat g rows: H·(W+2) rounded up to 16 floats.
static inline long wgrad_run(long h, long w) { return (h * (w + 2) + 15) / 16 * 16; }
// Scratch floats: the padded planes, 16 zeros after them (a run's last vector reads up to 16 floats
// past its plane), up to 15 to align g's rows to 64 bytes, and g's flat rows.
static inline long wgrad_scratch(long ins, long outs, long h, long w) {
    return ins * (h + 2) * (w + 2) + 16 + 15 + outs * wgrad_run(h, w);
}

#if WG_L == 16
_Static_assert(WG_C * 3 % 8 == 0, "the 16-lane sums fold vectors in eights");
// sums[i] = the sum of v[i]'s 16 lanes, for a multiple of 8 vectors: pairs folded into one vector
// holding both vectors' half sums (low half: the first), four times, 16 -> 8 -> 4 -> 2 -> 1 lanes.
static inline __attribute__((always_inline)) void DM_CAT(WG_NAME, lanesums)(const WG_T *v, long count, float *sums) {
    for (long base = 0; base < count; base += 8) {
        const WG_T *u = v + base;
        WG_T p[4], q[2], r;
        for (int i = 0; i < 4; i++)   // p[i]: 8 lanes of u[2i], then 8 of u[2i+1]
            p[i] = __builtin_shufflevector(u[2 * i], u[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
                 + __builtin_shufflevector(u[2 * i], u[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        for (int i = 0; i < 2; i++)   // q[i]: 4 lanes each of u[4i], u[4i+2], u[4i+1], u[4i+3]
            q[i] = __builtin_shufflevector(p[2 * i], p[2 * i + 1], 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)
                 + __builtin_shufflevector(p[2 * i], p[2 * i + 1], 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        // r: 2 lanes each of u[0], u[4], u[2], u[6], u[1], u[5], u[3], u[7]
        r = __builtin_shufflevector(q[0], q[1], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
          + __builtin_shufflevector(q[0], q[1], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        WG_T t = __builtin_shufflevector(r, r, 0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14)
               + __builtin_shufflevector(r, r, 1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
        static const int order[8] = {0, 4, 2, 6, 1, 5, 3, 7};
        for (int j = 0; j < 8; j++) sums[base + order[j]] = t[j];
    }
}
#else
_Static_assert(WG_C * 3 % 4 == 0, "the 8-lane sums fold vectors in fours");
// As above for 8 lanes and a multiple of 4 vectors: 8 -> 4 -> 2 -> 1 lanes.
static inline __attribute__((always_inline)) void DM_CAT(WG_NAME, lanesums)(const WG_T *v, long count, float *sums) {
    for (long base = 0; base < count; base += 4) {
        const WG_T *u = v + base;
        WG_T p[2], r;
        for (int i = 0; i < 2; i++)   // p[i]: 4 lanes of u[2i], then 4 of u[2i+1]
            p[i] = __builtin_shufflevector(u[2 * i], u[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11)
                 + __builtin_shufflevector(u[2 * i], u[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15);
        // r: 2 lanes each of u[0], u[2], u[1], u[3]
        r = __builtin_shufflevector(p[0], p[1], 0, 1, 8, 9, 4, 5, 12, 13)
          + __builtin_shufflevector(p[0], p[1], 2, 3, 10, 11, 6, 7, 14, 15);
        WG_T t = __builtin_shufflevector(r, r, 0, 2, 4, 6, 0, 2, 4, 6) + __builtin_shufflevector(r, r, 1, 3, 5, 7, 1, 3, 5, 7);
        static const int order[4] = {0, 2, 1, 3};
        for (int j = 0; j < 4; j++) sums[base + order[j]] = t[j];
    }
}
#endif

typedef int DM_CAT(WG_NAME, vi) __attribute__((vector_size(WG_L * 4)));

// acc[o][dx] += g_o[off ..< off + WG_L] * x[dx ..< dx + WG_L] for the WG_C channels of gp, g's lanes
// where `keep` is 0 taken as zero.
static inline __attribute__((always_inline)) void DM_CAT(WG_NAME, step)(WG_T acc[WG_C][3], const float *x, const float *const *gp, long off,
                                                                       DM_CAT(WG_NAME, vi) keep) {
    WG_T u0, u1, u2;
    WG_LOAD(u0, x); WG_LOAD(u1, x + 1); WG_LOAD(u2, x + 2);
    for (int o = 0; o < WG_C; o++) {
        WG_T v;
        WG_LOAD(v, gp[o] + off);
        v = (WG_T)((DM_CAT(WG_NAME, vi))v & keep);
        acc[o][0] = FMA(v, u0, acc[o][0]); acc[o][1] = FMA(v, u1, acc[o][1]); acc[o][2] = FMA(v, u2, acc[o][2]);
    }
}

// sums[o·3 + dx] = Σ_i gp[o][i]·xr[i + dx] over i < run (a multiple of WG_L).
static __attribute__((noinline)) void DM_CAT(WG_NAME, flat)(const float *xr, const float *const *gp, long run, float *sums) {
    WG_T acc[WG_C][3];
    for (int o = 0; o < WG_C; o++) for (int dx = 0; dx < 3; dx++) acc[o][dx] = (WG_T){0};
    const DM_CAT(WG_NAME, vi) all = ~(DM_CAT(WG_NAME, vi)){0};
    for (long i = 0; i < run; i += WG_L) DM_CAT(WG_NAME, step)(acc, xr + i, gp, i, all);
    DM_CAT(WG_NAME, lanesums)(&acc[0][0], WG_C * 3, sums);
}

// The same over h rows of w >= WG_L: xr's rows w + 2 apart, g's w apart, g read in place. A row's
// last part vector is a whole one ending at its end, with g's lanes that the vector before has
// already taken as zero.
static __attribute__((noinline)) void DM_CAT(WG_NAME, rows)(const float *xr, const float *const *gp, long h, long w, float *sums) {
    WG_T acc[WG_C][3];
    for (int o = 0; o < WG_C; o++) for (int dx = 0; dx < 3; dx++) acc[o][dx] = (WG_T){0};
    const long full = w / WG_L * WG_L, rem = w - full;
    DM_CAT(WG_NAME, vi) lane, all = ~(DM_CAT(WG_NAME, vi)){0};
    for (int i = 0; i < WG_L; i++) lane[i] = i;
    const DM_CAT(WG_NAME, vi) tail = lane >= (int)(WG_L - rem);
    for (long r = 0; r < h; r++) {
        for (long x0 = 0; x0 < full; x0 += WG_L) DM_CAT(WG_NAME, step)(acc, xr + r * (w + 2) + x0, gp, r * w + x0, all);
        if (rem) DM_CAT(WG_NAME, step)(acc, xr + r * (w + 2) + w - WG_L, gp, r * w + w - WG_L, tail);
    }
    DM_CAT(WG_NAME, lanesums)(&acc[0][0], WG_C * 3, sums);
}

static void WG_NAME(const float *x, const float *g, long ins, long outs, long h, long w, float *gw, float *pad) {
    const long pw = w + 2, plane = (h + 2) * pw, l = h * w, run = wgrad_run(h, w);
    // Row by row, g read in place: 8-lane rows of whole vectors, and any rows where g is most of
    // what is read (1 or 2 input channels: copying it cost more than the sums). Everything else
    // flat (16-lane rows of 32 and 16 pixels ran slower by rows: cifar_cnn training 14.0 against
    // 18.8 steps/s).
    const int flat = w < WG_L || (ins > 2 && (WG_L == 16 || w % WG_L != 0));
    for (long c = 0; c < ins; c++)
        for (long r = 0; r < h; r++) __builtin_memcpy(pad + c * plane + (r + 1) * pw + 1, x + (c * h + r) * w, (size_t)w * sizeof(float));
    float *gf = pad + ins * plane + 16;
    gf += (16 - ((unsigned long)gf / sizeof(float)) % 16) % 16;
    if (flat) {
        for (long o = 0; o < outs; o++) {
            float *d = gf + o * run;
            for (long r = 0; r < h; r++) {
                __builtin_memcpy(d + r * pw, g + (o * h + r) * w, (size_t)w * sizeof(float));
                d[r * pw + w] = 0; d[r * pw + w + 1] = 0;
            }
            for (long i = h * pw; i < run; i++) d[i] = 0;
        }
    }
    for (long cb = 0; cb < outs; cb += WG_C) {
        const long nco = outs - cb < WG_C ? outs - cb : WG_C;
        // Missing channels (outs not a multiple of WG_C) repeat the last one; their sums are dropped.
        const float *gp[WG_C];
        for (int o = 0; o < WG_C; o++) {
            const long ch = cb + (o < nco ? o : nco - 1);
            gp[o] = flat ? gf + ch * run : g + ch * l;
        }
        for (long c = 0; c < ins; c++) {
            for (int dy = 0; dy < 3; dy++) {
                const float *xr = pad + c * plane + dy * pw;
                float sums[WG_C * 3];
                if (flat) DM_CAT(WG_NAME, flat)(xr, gp, run, sums);
                else DM_CAT(WG_NAME, rows)(xr, gp, h, w, sums);
                for (long o = 0; o < nco; o++) {
                    float *row = gw + ((cb + o) * ins + c) * 9 + dy * 3;
                    for (int dx = 0; dx < 3; dx++) row[dx] += sums[o * 3 + dx];
                }
            }
        }
    }
}

#undef WG_T
#undef WG_L
#undef WG_C
#undef WG_NAME
#undef WG_LOAD
