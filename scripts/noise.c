// How often this machine delays a short loop: times a ~30 us dependent multiply-add chain 100,000
// times and prints the median, tail, and how often (per ms) it ran 1.5x its median or more.
// cc -O2 -o /tmp/noise scripts/noise.c && /tmp/noise
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000ull + t.tv_nsec;
}

static int ascending(const void *a, const void *b) {
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    enum { n = 100000 };
    static unsigned long long t[n];
    volatile float sink = 0;
    for (int i = 0; i < n; i++) {
        unsigned long long a = now();
        float s = 0;
        for (int j = 0; j < 20000; j++) s = s * 1.0001f + 1e-7f;
        sink += s;
        t[i] = now() - a;
    }
    unsigned long long total = 0, excess = 0;
    for (int i = 0; i < n; i++) total += t[i];
    qsort(t, n, sizeof t[0], ascending);
    unsigned long long median = t[n / 2];
    int slow = 0;
    for (int i = 0; i < n; i++)
        if (t[i] > 1.5 * median) { slow++; excess += t[i] - median; }
    printf("median %.1f us, p99 %.1f, p99.9 %.1f, max %.1f; >= 1.5x median: %d of %d (%.2f per ms), excess %.2f %% of the time\n",
           median / 1e3, t[n * 99 / 100] / 1e3, t[n * 999 / 1000] / 1e3, t[n - 1] / 1e3, slow, n, slow / (total / 1e6),
           100.0 * excess / total);
    return 0;
}
