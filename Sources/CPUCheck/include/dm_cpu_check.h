#ifndef DEEPMEDIA_CPU_CHECK_H
#define DEEPMEDIA_CPU_CHECK_H
// The BLAS core check runs as a constructor before any Swift code; these report what it found.
/// 1 when `core`'s kernels use narrower vectors than this CPU has (Prescott anywhere with AVX2;
/// Haswell or Zen with AVX-512).
int dm_blas_core_is_fallback(const char *core);
/// The OpenBLAS core for this CPU's widest vector instructions ("SkylakeX", "Haswell"), or NULL.
const char *dm_best_blas_core(void);
/// 2: AVX-512 F, VL, BW and DQ; 1: AVX2 and FMA, 0: neither (or not x86-64).
int dm_cpu_vector_level(void);
#endif
