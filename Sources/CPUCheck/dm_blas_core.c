#include "dm_cpu_check.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

// OpenBLAS picks its kernels when it is loaded, from the CPU it recognises; a CPU newer than the
// OpenBLAS build gets a core below what it can do (Debian's 0.3.21 runs Sapphire Rapids on
// "Prescott", SSE3: 3-5x slower; AMD Zen 5 (family 26) on "Haswell", AVX2: sgemm about 1.5x
// slower). This runs before main, after OpenBLAS chose: when the core's kernels use narrower
// vectors than CPUID shows (AVX-512, or AVX2 and FMA), it sets OPENBLAS_CORETYPE to the best core
// OpenBLAS has for this CPU and runs the program again, once (DEEPMEDIA_BLAS_CORE_WAS says what it
// replaced). DEEPMEDIA_KEEP_BLAS_CORE=1 keeps whatever OpenBLAS chose.
extern char *openblas_get_corename(void);

// The vector width of each x86-64 core's kernels: 2 AVX-512, 1 AVX2 and FMA, 0 older.
// Names not listed (other architectures, cores newer than this list) are never replaced.
static const char *const avx512_cores[] = { "SkylakeX", "Cooperlake", "SapphireRapids", NULL };
static const char *const avx2_cores[] = { "Haswell", "Zen", NULL };
static const char *const older_cores[] = {
    "Prescott", "Nehalem", "Core2", "Penryn", "Dunnington", "Atom", "Katmai", "Coppermine", "Northwood",
    "Banias", "Unknown", "Sandybridge", "Bulldozer", "Piledriver", "Steamroller", "Excavator", "Opteron",
    "Opteron_SSE3", "Barcelona", "Bobcat", "Nano", "Athlon", NULL,
};

static int listed(const char *const *names, const char *core) {
    for (int i = 0; names[i]; i++) if (strcasecmp(core, names[i]) == 0) return 1;
    return 0;
}

static int core_level(const char *core) {
    if (!core) return -1;
    if (listed(avx512_cores, core)) return 2;
    if (listed(avx2_cores, core)) return 1;
    if (listed(older_cores, core)) return 0;
    return -1;
}

int dm_blas_core_is_fallback(const char *core) {
    int level = core_level(core);
    return level >= 0 && level < dm_cpu_vector_level();
}

const char *dm_best_blas_core(void) {
    switch (dm_cpu_vector_level()) {
    case 2: return "SkylakeX";
    case 1: return "Haswell";
    default: return NULL;
    }
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
    // The binary's own path, not /proc/self/exe: the process is named after the file run (ps and
    // top showed every program as "exe").
    char path[4096];
    ssize_t len = readlink("/proc/self/exe", path, sizeof path - 1);
    if (len > 0) {
        path[len] = 0;
        execv(path, argv);
    }
    execv("/proc/self/exe", argv);
    // The exec failed (no /proc): go on with the core OpenBLAS chose.
}

int dm_cpu_vector_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}
