#!/usr/bin/env bash
# The course's small-data exercise: LeNet on the first 128 MNIST training images, validated on the
# last 10,000, five seeds without and with regularisation (shifts, rotations and zoom, dropout 0.5,
# weight decay 0.01), the same 120 epochs otherwise. Two runs at a time, one thread each.
# Prints each run's final validation accuracy; run folders (with curves.svg) go to runs/small-data.
set -euo pipefail
B=.build/release/image-classifier
DATA=${DATA:-../shared/datasets/mnist}
one() {
  mode=$1; seed=$2; extra=""
  [ "$mode" = regularised ] && extra="--augment --rotate 15 --zoom 0.15 --dropout 0.5 --weight-decay 0.01"
  acc=$($B train --data "$DATA" --train-subset 128 --epochs 120 --batch-size 16 --lr 0.002 --seed "$seed" --threads 1 $extra \
        --out "runs/small-data/$mode-$seed" 2>/dev/null | sed -E 's/validation accuracy ([0-9.]+).*/\1/')
  echo "$mode seed $seed: $acc"
}
export -f one; export B DATA
for seed in 1 2 3 4 5; do echo "regularised $seed"; echo "plain $seed"; done | xargs -P 2 -L 1 bash -c 'one "$0" "$1"'
