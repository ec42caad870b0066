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

// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols: a block of a matrix transposed (the
// tiled GEMM packs op(B) = Bᵀ into panels with it).
static void DM_SUFFIX(transpose)(const float *src, long lds, long rows, long cols, float *dst, long ldd) {
    long i = 0;
    for (; i + 8 <= rows; i += 8) {
        long j = 0;
        for (; j + 8 <= cols; j += 8) {
            vf8 o[8];
            tile8(src + i * lds + j, lds, o);
            for (int t = 0; t < 8; t++) __builtin_memcpy(dst + (j + t) * ldd + i, &o[t], sizeof(vf8));
        }
        for (; j < cols; j++) for (long r = i; r < i + 8; r++) dst[j * ldd + r] = src[r * lds + j];
    }
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
