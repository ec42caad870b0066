#!/bin/bash
# Issue 19, point 3: why two threads sometimes scale poorly on a small virtual machine. Every
# sample: the round trip of one cache line between cpu 0 and cpu 1 (two pinned threads handing a
# counter back and forth), then mlp training at 1 and at 2 threads with the waiting shares.
# Usage (from the repository root, after `swift build -c release`):
#   scripts/vcpu_crossing.sh [samples]        (default 100; about 1.5 s each)
set -euo pipefail
N=${1:-100} B=.build/release/deepmedia-bench
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat > "$W/pingpong.c" <<'C'
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
enum { ROUNDS = 200000 };
static _Atomic long turn __attribute__((aligned(64)));
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); pthread_setaffinity_np(pthread_self(), sizeof s, &s); }
static void *answer(void *unused) {
    pin(1);
    for (long i = 0; i < ROUNDS; i++) {
        while (atomic_load(&turn) != 2 * i + 1) {}
        atomic_store(&turn, 2 * i + 2);
    }
    return unused;
}
int main(void) {
    pthread_t t; struct timespec a, b;
    pin(0);
    pthread_create(&t, 0, answer, 0);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < ROUNDS; i++) {
        atomic_store(&turn, 2 * i + 1);
        while (atomic_load(&turn) != 2 * i + 2) {}
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    pthread_join(t, 0);
    printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / ROUNDS);
    return 0;
}
C
cc -O2 -pthread "$W/pingpong.c" -o "$W/pingpong"
rate() { "$B" --models mlp --threads "$1" --seconds 1 --repeats 2 --phase train 2>/dev/null | tail -1; }
echo "time round_trip_ns mlp_1T mlp_2T wait_by_thread_2T"
for _ in $(seq "$N"); do
    rt=$("$W/pingpong")
    one=$(rate 1 | grep -o '"train_steps_per_s": [0-9.]*' | awk '{print $2}')
    two=$(rate 2)
    echo "$(date +%T) $rt $one $(echo "$two" | grep -o '"train_steps_per_s": [0-9.]*' | awk '{print $2}')" \
         "$(echo "$two" | grep -o '"train_wait_by_thread": \[[0-9., ]*\]' | sed 's/.*\[\(.*\)\]/\1/' | tr -d ' ')"
done
