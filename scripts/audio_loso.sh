#!/bin/bash
# Leave-one-speaker-out study of audio-tagger recipes on the Free Spoken Digit speakers: for each
# recipe and each speaker, train on the other speakers (plus synthetic clips where the recipe
# says so) and score the final model (not the best epoch: the held-out speaker chooses nothing)
# on the held-out speaker's 500 clips. One JSON line per run in $OUT/results.jsonl.
# usage: scripts/audio_loso.sh FSDD.tar.gz SYNTHETIC_DIR OUT [recipe...]
# recipes: real, real-aug, real-synth, real-synth-aug (default: all four)
set -euo pipefail
FSDD=$1; SYN=$2; OUT=$3; shift 3
RECIPES=${*:-real real-aug real-synth real-synth-aug}
B=${AUDIO_TAGGER:-$(dirname "$0")/../.build/release/audio-tagger}
EPOCHS=${EPOCHS:-15}
mkdir -p "$OUT"
for r in $RECIPES; do
  for s in george jackson nicolas theo yweweler; do
    args=(--data "$FSDD" --val-speakers "$s" --epochs "$EPOCHS" --lr 1e-2 --batch-size 16 --seed 1)
    case $r in *synth*) args+=(--data "$SYN");; esac
    case $r in *aug*) ;; *) args+=(--no-augment);; esac
    run="$OUT/$r-$s"
    start=$(date +%s)
    "$B" train "${args[@]}" --out "$run" --overwrite > "$run.log" 2>&1
    secs=$(( $(date +%s) - start ))
    acc=$("$B" evaluate --model "$run/checkpoint.safetensors" --data "$FSDD" --json | python3 -c "import sys,json; print(json.load(sys.stdin)['per_speaker']['$s'])")
    echo "{\"recipe\": \"$r\", \"speaker\": \"$s\", \"accuracy\": $acc, \"seconds\": $secs}" | tee -a "$OUT/results.jsonl"
  done
done
