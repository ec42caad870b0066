#include "dm_cpu_check.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

// OpenBLAS picks its kernels when it is loaded, from the CPU it recognises; a CPU newer than the
// OpenBLAS build gets a fallback core (Debian's 0.3.21 runs Sapphire Rapids on "Prescott", SSE3:
// 3-5x slower). This runs before main, after OpenBLAS chose: when the core is such a fallback
// while CPUID shows AVX-512 or AVX2, it sets OPENBLAS_CORETYPE to the best core OpenBLAS has for
// those instructions and runs the program again, once (DEEPMEDIA_BLAS_CORE_WAS says what it
// replaced). DEEPMEDIA_KEEP_BLAS_CORE=1 keeps whatever OpenBLAS chose.
extern char *openblas_get_corename(void);

static const char *const fallback_cores[] = {
    "Prescott", "Nehalem", "Core2", "Penryn", "Dunnington", "Atom", "Katmai", "Coppermine", "Northwood",
    "Banias", "Unknown", NULL,
};

int dm_blas_core_is_fallback(const char *core) {
    for (int i = 0; fallback_cores[i]; i++) if (core && strcasecmp(core, fallback_cores[i]) == 0) return 1;
    return 0;
}

const char *dm_best_blas_core(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq")) return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return NULL;
}

__attribute__((constructor)) static void dm_fix_blas_core(int argc, char **argv, char **envp) {
    (void)argc; (void)envp;
    if (getenv("DEEPMEDIA_BLAS_CORE_WAS") || getenv("DEEPMEDIA_KEEP_BLAS_CORE")) return;
    const char *core = openblas_get_corename();
    if (!dm_blas_core_is_fallback(core)) return;
    const char *better = dm_best_blas_core();
    if (!better || !argv) return;
    setenv("DEEPMEDIA_BLAS_CORE_WAS", core, 1);
    setenv("OPENBLAS_CORETYPE", better, 1);
    execv("/proc/self/exe", argv);
    // The exec failed (no /proc): go on with the core OpenBLAS chose.
}

int dm_cpu_vector_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}
