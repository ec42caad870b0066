// Channel-first <-> channel-last moves of one image, in 8x8 tiles transposed in registers
// (three rounds of shuffles); edges that do not fill a tile element by element. Included by
// dm_kernels_body.h once per instruction set.

typedef int vi8 __attribute__((vector_size(32)));

// The 8x8 block at s (rows lds floats apart) -> o[j] = its column j.
static inline __attribute__((always_inline)) void tile8(const float *s, long lds, vf8 o[8]) {
    vf8 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) __builtin_memcpy(&r[i], s + i * lds, sizeof(vf8));
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int j = 0; j < 4; j++) {
        o[j] = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        o[j + 4] = __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

#if DM_LANES == 16
// The 16x16 block at s (rows lds floats apart) -> o[j] = its column j, in four rounds of
// two-source shuffles (half the shuffles a float of the 8x8 tiles; large blocks move twice as fast).
static inline __attribute__((always_inline)) void tile16(const float *s, long lds, vf o[16]) {
    vf r[16], t[16];
    for (int i = 0; i < 16; i++) __builtin_memcpy(&r[i], s + i * lds, sizeof(vf));
    // Pairs of rows interleaved by single floats, then by pairs, within each 128-bit block: r[4q + c]
    // then holds, in block b, rows 4q..4q+3 of column 4b + c.
    for (int i = 0; i < 16; i += 2) {
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        r[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        r[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        r[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
    }
    // 128-bit blocks of rows 4q.. and 4q+4..: t[q + c] (q = 0, 8) holds columns c and 8 + c of
    // rows q..q+7, t[q + 4 + c] columns 4 + c and 12 + c.
    for (int q = 0; q < 16; q += 8)
        for (int c = 0; c < 4; c++) {
            t[q + c] = __builtin_shufflevector(r[q + c], r[q + 4 + c], 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
            t[q + 4 + c] = __builtin_shufflevector(r[q + c], r[q + 4 + c], 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        }
    // Rows 0..7 and 8..15 joined.
    for (int c = 0; c < 8; c++) {
        o[c] = __builtin_shufflevector(t[c], t[8 + c], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        o[c + 8] = __builtin_shufflevector(t[c], t[8 + c], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    }
}
#endif

// Rows i..i+7, columns j0..cols-1 of the transpose below: 8x8 tiles, then column by column.
static inline __attribute__((always_inline)) void DM_SUFFIX(transpose8)(const float *src, long lds, long i, long j0, long cols,
                                                                    float *dst, long ldd) {
    long j = j0;
    for (; j + 8 <= cols; j += 8) {
        vf8 o[8];
        tile8(src + i * lds + j, lds, o);
        for (int t = 0; t < 8; t++) __builtin_memcpy(dst + (j + t) * ldd + i, &o[t], sizeof(vf8));
    }
    for (; j < cols; j++) for (long r = i; r < i + 8; r++) dst[j * ldd + r] = src[r * lds + j];
}

// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols: a block of a matrix transposed (the
// tiled GEMM packs op(B) = Bᵀ into panels with it).
static void DM_SUFFIX(transpose)(const float *src, long lds, long rows, long cols, float *dst, long ldd) {
    long i = 0;
#if DM_LANES == 16
    for (; i + 16 <= rows; i += 16) {
        long j = 0;
        for (; j + 16 <= cols; j += 16) {
            vf o[16];
            tile16(src + i * lds + j, lds, o);
            for (int t = 0; t < 16; t++) __builtin_memcpy(dst + (j + t) * ldd + i, &o[t], sizeof(vf));
        }
        DM_SUFFIX(transpose8)(src, lds, i, j, cols, dst, ldd);
        DM_SUFFIX(transpose8)(src, lds, i + 8, j, cols, dst, ldd);
    }
#endif
    for (; i + 8 <= rows; i += 8) DM_SUFFIX(transpose8)(src, lds, i, 0, cols, dst, ldd);
    for (; i < rows; i++) for (long j = 0; j < cols; j++) dst[j * ldd + i] = src[i * lds + j];
}

// dst[p·c + ch] = src[ch·l + p] for ch < c, p in [p0, p1).
static void DM_SUFFIX(to_channel_last)(const float *src, long c, long l, long p0, long p1, float *dst) {
    DM_SUFFIX(transpose)(src + p0, l, c, p1 - p0, dst + p0 * c, c);
}

// Plane ch of dst (planes `stride` floats apart), pixels q < l: src[q·c + ch] + bias[ch] written
// (mode 0), then max(·, 0) (mode 1, NaN -> 0), or added to what is there (mode 2).
static inline __attribute__((always_inline)) float moved(float s, float b, float d, int mode) {
    float v = s + b;
    return mode == 2 ? d + v : mode == 1 ? (v > 0 ? v : 0) : v;
}

static void DM_SUFFIX(from_channel_last)(const float *src, long c, long l, long stride, const float *bias, int mode,
                                         float *dst) {
    long ch = 0;
    for (; ch + 8 <= c; ch += 8) {
        long q = 0;
        for (; q + 8 <= l; q += 8) {
            vf8 o[8];
            tile8(src + q * c + ch, c, o);
            for (int j = 0; j < 8; j++) {
                float *d = dst + (ch + j) * stride + q;
                vf8 v = o[j] + (bias ? bias[ch + j] : 0.0f), old;
                if (mode == 2) { __builtin_memcpy(&old, d, sizeof old); v = old + v; }
                else if (mode == 1) v = (vf8)((vi8)v & (v > 0.0f));
                __builtin_memcpy(d, &v, sizeof v);
            }
        }
        for (long k = ch; k < ch + 8; k++) {
            float b = bias ? bias[k] : 0, *d = dst + k * stride;
            for (long r = q; r < l; r++) d[r] = moved(src[r * c + k], b, d[r], mode);
        }
    }
    for (; ch < c; ch++) {
        float b = bias ? bias[ch] : 0, *d = dst + ch * stride;
        for (long r = 0; r < l; r++) d[r] = moved(src[r * c + ch], b, d[r], mode);
    }
}
