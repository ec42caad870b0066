#ifndef DM_KERNELS_H
#define DM_KERNELS_H

// The hand-written kernels of NeuralCore, compiled three times from one source
// (dm_kernels_body.h): for AVX-512, for AVX2+FMA and portably (baseline x86-64 or any other
// CPU). One set is chosen once at start-up from CPUID; DEEPMEDIA_KERNELS=portable|avx2|avx512
// forces a path (a path the CPU lacks is refused with a line on stderr and the best one kept).

#ifdef __cplusplus
extern "C" {
#endif

enum { DM_KERNELS_PORTABLE = 0, DM_KERNELS_AVX2 = 1, DM_KERNELS_AVX512 = 2 };

typedef struct dm_kernels {
    const char *name;   // "portable", "avx2", "avx512"
    int level;          // DM_KERNELS_*
    int lanes;          // floats per vector: 8 or 16

    // Packed GEMM (recurrent weights, channel-last and transposed convolutions). B (K, N) is
    // packed in ceil(N / width) panels of K rows of width floats (last panel zero-padded), with
    // width = packed_width(N). C (m, N) = A (m, K) . B, or C += A . B when accumulate.
    int (*packed_width)(long n);
    // Every width packed_multiply takes (a caller may pack with another than packed_width's
    // choice), ascending, 0 after the last.
    int packed_widths[6];
    void (*packed_multiply)(const float *a, long lda, long m, const float *b, long k, long n, long width,
                            float *c, long ldc, int accumulate);
    // The same with A's row r given as `segs` pieces of `seglen` floats (K = segs * seglen):
    // A[r][s * seglen + t] = rows[r * segs + s][t] (a convolution's taps read in place).
    void (*packed_multiply_rows)(const float *const *rows, long segs, long seglen, long m, const float *b, long n,
                                 long width, float *c, long ldc, int accumulate);
    // B (k, N = segs * seglen) packed for width from rows given the same way: B[r][s * seglen + t] =
    // rows[r * segs + s][t] (a convolution's colᵀ for its weight gradient, taps read in place).
    void (*pack_rows)(const float *const *rows, long segs, long seglen, long k, long width, float *dst);
    // dst[r * ds + i] += src[r * ss + i] for r < rows, i < n.
    void (*add_rows)(const float *src, long ss, float *dst, long ds, long rows, long n);

    // Direct 3x3 convolution, stride 1, padding 1, one image: y (outs, h, w) = conv(x (ins, h, w))
    // [+ bias] [then ReLU], or y += conv(x). packed: weights as [ceil(outs/4)][ins][9][4];
    // pad: (ins + 4) * (h+2) * (w+2) floats: ins zero-bordered planes, then scratch.
    int (*conv3x3_applies)(long w);
    void (*conv3x3)(const float *x, long ins, long outs, long h, long w, const float *packed,
                    const float *bias, float *y, float *pad, int accumulate, int relu);
    // gw (outs, ins, 3, 3) += its weight gradient from g (outs, h, w) and x (ins, h, w), one image.
    // pad: conv3x3_weight_grad_scratch(...) floats, zero before the first call (the planes' borders).
    int (*conv3x3_weight_grad_applies)(long w);
    long (*conv3x3_weight_grad_scratch)(long ins, long outs, long h, long w);
    void (*conv3x3_weight_grad)(const float *x, const float *g, long ins, long outs, long h, long w,
                                float *gw, float *pad);

    // Direct convolution, stride 1, any kh x kw and padding (py, px), one image, for inputs of few
    // channels: y (outs, ho, wo) = conv(x (ins, h, w)) [+ bias] [then ReLU].
    // packed: weights as [ceil(outs/4)][ins][kh·kw][4]; pad: ins·(h+2py)·(w+2px) floats whose
    // border is zero (unused when py = px = 0); flat: conv_flat_scratch(...) floats, which is 0
    // where the kernel does not apply (fewer output positions than 3 vectors).
    int (*conv_flat_scratch)(long h, long w, long kh, long kw, long py, long px);
    void (*conv_flat)(const float *x, long ins, long outs, long h, long w, long kh, long kw, long py, long px,
                      const float *packed, const float *bias, float *y, float *pad, float *flat, int relu);

    // Its weight gradient over `images` images: gw (outs, ins, kh, kw) += Σ g (outs, ho, wo) ⊗ x
    // (ins, h, w) of each, the images one after another in x and g; scratch: wgrad_flat_scratch(...) floats.
    long (*wgrad_flat_scratch)(long h, long w, long kh, long kw, long py, long px, long ins, long outs);
    void (*wgrad_flat)(const float *x, const float *g, long images, long ins, long outs, long h, long w, long kh, long kw,
                       long py, long px, float *gw, float *scratch);

    // y[i] = f(x[i]) for i < n (x == y allowed): Cephes-style polynomials, a few ulp.
    void (*exp)(const float *x, float *y, long n);
    void (*sigmoid)(const float *x, float *y, long n);
    void (*tanh)(const float *x, float *y, long n);
    // y = log x (within 2 ulp; 0, negative, subnormal, inf and NaN as libm's logf), √x, GELU
    // x·Φ(x) (Φ by erfc, fractional error under 5e-7 + 3e-8·x²); GELU's backward gx = g·(Φ(x) + x·φ(x)),
    // added to gx when accumulate is not 0.
    void (*log)(const float *x, float *y, long n);
    void (*sqrt)(const float *x, float *y, long n);
    void (*gelu)(const float *x, float *y, long n);
    void (*gelu_backward)(const float *x, const float *g, long n, float *gx, int accumulate);

    // One LSTM row of n units: pre + bias -> i, f, g, o in place (gate k of unit j at k·stride + j;
    // stride n for a whole row); c = f.cprev + i.g; h = o.tanh(c); saving (4n: gate k at k·n) gets
    // the gates and tanhc (n) tanh(c) when not NULL.
    void (*lstm_pointwise)(float *pre, const float *bias, const float *cprev, float *c, float *h,
                           long n, long stride, float *saving, float *tanhc);
    // Its backward for one row of one step, n units: gates (i, f, g, o blocks `stride` apart, n
    // each: stride = n for a whole row, H for a slice of a row's units), tanhc (n) tanh(c), cprev
    // (n), gy (n) the output's gradient, dh (n) the next step's; dc (n) in: the next step's cell
    // gradient, out: this step's carried back (f times it); dgates (blocks as gates) the
    // pre-activations'.
    void (*lstm_pointwise_backward)(const float *gates, const float *tanhc, const float *cprev, const float *gy,
                                    const float *dh, float *dc, float *dgates, long n, long stride);

    // One image between channel-first (C, L) and channel-last (L, C), for the packed products.
    // dst[p·c + ch] = src[ch·l + p] for the pixels p in [p0, p1).
    void (*to_channel_last)(const float *src, long c, long l, long p0, long p1, float *dst);
    // dst[ch·stride + q] = src[q·c + ch] + bias[ch] for q < l (bias NULL: 0); mode 1: then
    // max(·, 0) (NaN -> 0); mode 2: added to dst instead.
    void (*from_channel_last)(const float *src, long c, long l, long stride, const float *bias, int mode, float *dst);
    // dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols (a strided block transposed).
    void (*transpose)(const float *src, long lds, long rows, long cols, float *dst, long ldd);

    // Sums over p[0..<n] (batch-norm statistics and gradients): Σ p, Σ (p - m)², Σ a·(b - m).
    float (*sum)(const float *p, long n);
    float (*squared_deviation)(const float *p, long n, float m);
    float (*dot_centered)(const float *a, const float *b, long n, float m);
    // Σ (x - t)² and Σ |x - t| (each difference in float, squared and summed in double: the
    // elementwise losses' sums).
    double (*squared_error_sum)(const float *x, const float *t, long n);
    double (*absolute_error_sum)(const float *x, const float *t, long n);
    // Σ p and Σ (p - m)² in double (a data set's mean and variance: runs of equal values, on
    // which float sums drift one way).
    double (*sum_double)(const float *p, long n);
    double (*squared_deviation_double)(const float *p, long n, float m);
    // Binary cross-entropy on logits, max(x, 0) - x·t + log(1 + e^-|x|) in float: each value into
    // y, or their sum in double; its backward gx[i] += (g ? g[i] : k)·(σ(x[i]) - t[i]).
    void (*logit_cross_entropy)(const float *x, const float *t, long n, float *y);
    double (*logit_cross_entropy_sum)(const float *x, const float *t, long n);
    void (*logit_cross_entropy_backward)(const float *x, const float *t, const float *g, float k, long n, float *gx);
    // y[i] = a·u[i] + b·(v[i] - m) + c for i < n (u NULL: no first term), or y[i] += it when accumulate.
    void (*affine_centered)(const float *u, float a, const float *v, float m, float b, float c, long n,
                            float *y, int accumulate);

    // y[i] = x[i] > 0 ? x[i] : slope·x[i] (slope 0: ReLU, NaN -> 0; y may be x).
    void (*rectifier)(const float *x, float slope, long n, float *y);
    // gx[i] = ref[i] > 0 ? g[i] : slope·g[i] (slope 0: 0), or gx[i] += it when accumulate.
    void (*rectifier_backward)(const float *ref, const float *g, float slope, long n, float *gx, int accumulate);

    // 2x2 max pooling, stride 2, one plane (h, w) -> (h/2, w/2): y and each window's index
    // iy·w + ix of its first maximum (argmax NULL: not kept).
    void (*max_pool2)(const float *x, long h, long w, float *y, int *argmax);
    // gx (h, w) = g at each window's argmax and 0 at its other places (accumulate: added);
    // a last odd row or column is left alone.
    void (*max_pool2_backward)(const float *g, const int *argmax, long h, long w, float *gx, int accumulate);

    // One Adam step over n parameters: g' = g + wd·p (decoupled: p *= shrink, g' = g);
    // m = b1·m + (1-b1)·g'; v = b2·v + (1-b2)·g'²; p -= step·m / (√v / c2 + eps).
    void (*adam)(float *p, const float *g, float *m, float *v, long n, float b1, float b2, float step, float c2,
                 float eps, float wd, float shrink, int decoupled);
} dm_kernels;

// The set in use (chosen before main; see above).
const dm_kernels *dm_kernels_active(void);
// The set for a level, or NULL when this CPU (or this build's architecture) lacks it.
const dm_kernels *dm_kernels_for_level(int level);
// Makes a level the active one (tests and the benchmark); returns 0 when the CPU lacks it.
int dm_kernels_use(int level);
// The best level this CPU runs.
int dm_kernels_best_level(void);
// 1 when a 16-lane multiply-add costs what an 8-lane one does (Intel's AVX-512 cores, AMD from
// Zen 5 on), 0 where it is split in two halves (Zen 4) or absent; DEEPMEDIA_WIDE512=0|1 forces it.
int dm_kernels_wide512(void);
// Sets it for the whole process (tests and benchmarks; not while kernels run).
void dm_kernels_set_wide512(int on);

#ifdef __cplusplus
}
#endif
#endif
