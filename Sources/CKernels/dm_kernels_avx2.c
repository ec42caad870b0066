// The kernels for avx2 (see dm_kernels_body.h); empty on other architectures.
#if defined(__x86_64__)
#define DM_LANES 8
#define DM_FUSED 1
#define DM_SUFFIX(f) f##_avx2
#define DM_KERNELS_NAME "avx2"
#define DM_KERNELS_LEVEL DM_KERNELS_AVX2
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "dm_kernels_body.h"
#pragma clang attribute pop

const dm_kernels *dm_kernels_avx2(void) { return &dm_kernels_set_avx2; }
#endif
