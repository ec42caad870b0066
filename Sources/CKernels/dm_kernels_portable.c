// The kernels for any CPU (see dm_kernels_body.h): 8-lane vectors that the compiler maps to the
// baseline's registers (SSE2 on x86-64, NEON on arm64), multiply and add unfused.
#define DM_LANES 8
#define DM_FUSED 0
#define DM_SUFFIX(f) f##_portable
#define DM_KERNELS_NAME "portable"
#define DM_KERNELS_LEVEL DM_KERNELS_PORTABLE
// 8-lane vectors wider than the baseline's registers are split by the compiler; the helpers that
// take them are static and inlined, so the ABI note does not apply.
#pragma clang diagnostic ignored "-Wpsabi"
#include "dm_kernels_body.h"

const dm_kernels *dm_kernels_portable(void) { return &dm_kernels_set_portable; }
