#include "dm_cpu_check.h"
#include <stdio.h>
#include <stdlib.h>

// The Swift code of an x86-64 build is compiled for AVX2 and FMA (Haswell, 2013, and later). This
// file is compiled for the baseline, and runs before main: on an older CPU the program says so in
// one line and exits, instead of dying on an illegal instruction.
__attribute__((constructor)) static void dm_check_cpu(void) {
#if defined(__x86_64__) && defined(DM_REQUIRE_AVX2)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        fprintf(stderr, "deepmedia: this build needs a CPU with AVX2 and FMA; rebuild with DEEPMEDIA_NATIVE=0 (see README)\n");
        exit(1);
    }
#endif
}

int dm_cpu_check_linked(void) { return 1; }
