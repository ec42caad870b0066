// Chooses the kernel set once, before main: the widest the CPU runs, or DEEPMEDIA_KERNELS.
#include "include/dm_kernels.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

const dm_kernels *dm_kernels_portable(void);
#if defined(__x86_64__)
const dm_kernels *dm_kernels_avx2(void);
const dm_kernels *dm_kernels_avx512(void);
#endif

static const dm_kernels *active;

int dm_kernels_best_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return DM_KERNELS_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return DM_KERNELS_AVX2;
#endif
    return DM_KERNELS_PORTABLE;
}

static int wide512 = -1;

static int dm_kernels_detect_wide512(void) {
    const char *forced = getenv("DEEPMEDIA_WIDE512");
    if (forced && (!strcmp(forced, "0") || !strcmp(forced, "1"))) return forced[0] == '1';
#if defined(__x86_64__)
    if (dm_kernels_best_level() < DM_KERNELS_AVX512) return 0;
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    const int amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;   // "AuthenticAMD"
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    unsigned family = (a >> 8) & 0xf;
    if (family == 0xf) family += (a >> 20) & 0xff;
    return amd ? family >= 26 : 1;   // Zen 4 (family 25) splits 512-bit operations in two
#else
    return 0;
#endif
}

int dm_kernels_wide512(void) {
    int w = __atomic_load_n(&wide512, __ATOMIC_RELAXED);
    if (w < 0) { w = dm_kernels_detect_wide512(); __atomic_store_n(&wide512, w, __ATOMIC_RELAXED); }
    return w;
}

void dm_kernels_set_wide512(int on) { __atomic_store_n(&wide512, on ? 1 : 0, __ATOMIC_RELAXED); }

const dm_kernels *dm_kernels_for_level(int level) {
    if (level < DM_KERNELS_PORTABLE || level > dm_kernels_best_level()) return NULL;
#if defined(__x86_64__)
    if (level == DM_KERNELS_AVX512) return dm_kernels_avx512();
    if (level == DM_KERNELS_AVX2) return dm_kernels_avx2();
#endif
    return dm_kernels_portable();
}

int dm_kernels_use(int level) {
    const dm_kernels *k = dm_kernels_for_level(level);
    if (!k) return 0;
    __atomic_store_n(&active, k, __ATOMIC_RELEASE);
    return 1;
}

// Chosen at the first kernel call, not in a constructor: a constructor also runs in the process
// that CPUCheck's BLAS-core fix replaces with a fresh one (execv), and its warning came twice.
static pthread_once_t chosen = PTHREAD_ONCE_INIT;

static void dm_kernels_choose(void) {
    int level = dm_kernels_best_level();
    const char *forced = getenv("DEEPMEDIA_KERNELS");
    if (forced && *forced) {
        int want = !strcmp(forced, "portable") ? DM_KERNELS_PORTABLE
                 : !strcmp(forced, "avx2") ? DM_KERNELS_AVX2
                 : !strcmp(forced, "avx512") ? DM_KERNELS_AVX512 : -1;
        if (want < 0)
            fprintf(stderr, "deepmedia: DEEPMEDIA_KERNELS=%s is not one of portable, avx2, avx512; using the best this CPU runs\n", forced);
        else if (want > level)
            fprintf(stderr, "deepmedia: this CPU cannot run the %s kernels (DEEPMEDIA_KERNELS); using the best it runs\n", forced);
        else
            level = want;
    }
    dm_kernels_use(level);
}

const dm_kernels *dm_kernels_active(void) {
    const dm_kernels *k = __atomic_load_n(&active, __ATOMIC_ACQUIRE);
    if (!k) {   // the first call (unless dm_kernels_use came first)
        pthread_once(&chosen, dm_kernels_choose);
        k = __atomic_load_n(&active, __ATOMIC_ACQUIRE);
    }
    return k;
}
