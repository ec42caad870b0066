#!/bin/bash
# Issue 19, point 4: each program's own training throughput against deepmedia-bench on the same
# network and batch, for each kernel set: bench before, the program, bench after (all with
# DEEPMEDIA_KERNELS=set, THREADS threads, default 2). One line per program and set:
#   set program program_rate bench_before bench_after ratio(program / mean of the two)
# Rates: items per second of training (images, patches, clips; characters for char-rnn against
# the bench's tokens), from the program's last epoch summary or progress line.
# Usage (from the repository root, after `swift build -c release`):
#   scripts/programs_vs_bench.sh [set ...]        (default: avx512 avx2 portable)
set -euo pipefail
B=.build/release S=../shared/datasets T=${THREADS:-2}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
bench() {   # model key
    "$B/deepmedia-bench" --models "$1" --threads "$T" --seconds 4 --repeats 3 --phase train 2>/dev/null | tail -1 \
        | grep -o "\"$2\": [0-9.]*" | awk '{print $2}'
}
# The last nonzero figure (a pass's first progress line shows 0 before any step is timed).
last_rate() { tr '\r' '\n' | grep -oE '[0-9.]+ (images|patches|clips|samples|chars)/s' | awk '$1 > 0' | tail -1 | awk '{print $1}'; }
run() {   # set name model bench_key command...
    local set=$1 name=$2 model=$3 key=$4; shift 4
    local before after rate
    before=$(DEEPMEDIA_KERNELS=$set bench "$model" "$key")
    rate=$(DEEPMEDIA_KERNELS=$set "$@" --threads "$T" --out "$W/$name-$set" 2>&1 | last_rate)
    after=$(DEEPMEDIA_KERNELS=$set bench "$model" "$key")
    awk -v s="$set" -v n="$name" -v r="$rate" -v b="$before" -v a="$after" \
        'BEGIN { printf "%-8s %-16s %10.1f %10.1f %10.1f %6.2f\n", s, n, r, b, a, r / ((b + a) / 2) }'
}
"$B/deepmedia-bench" --system 2>&1 | sed 's/^/# /'
echo "# threads $T"
printf "%-8s %-16s %10s %10s %10s %6s\n" set program program bench_before bench_after ratio
for set in "${@:-avx512 avx2 portable}"; do
    for s in $set; do
        run "$s" image-classifier lenet train_samples_per_s \
            "$B/image-classifier" train --data "$S/mnist" --epochs 2 --val-fraction 0
        run "$s" gan-sampler dcgan train_samples_per_s \
            "$B/gan-sampler" train --data "$S/mnist" --disable-conditional --eval-samples 0 --minutes 0.5
        run "$s" denoiser dncnn8 train_samples_per_s \
            "$B/denoiser" train --data "$S/denoise/Train400.tar.gz" --depth 8 --channels 32 --patch 40 --batch-size 32 --sigma 25.5 --minutes 0.5
        run "$s" audio-tagger audio_cnn train_samples_per_s \
            "$B/audio-tagger" train --data "$S/fsdd/recordings.tar.gz" --pooling global --batch-size 32 --no-augment --epochs 3
        run "$s" char-rnn char_lstm train_tokens_per_s \
            "$B/char-rnn" train --text "$S/tinyshakespeare/train.txt" --hidden 256 --layers 2 --embedding 64 --dropout 0 --seq-len 64 --batch-size 32 --clip 0 --minutes 0.5
    done
done
