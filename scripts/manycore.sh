#!/bin/bash
# Issue 19 on a many-core machine (the device machine of a session lent one; docs/BENCHMARKS.md,
# "On a many-core machine"). Two steps:
#   scripts/manycore.sh pack    here: a static deepmedia-bench, Debian's OpenBLAS (pthread build)
#                               with libgfortran/libquadmath, and PyTorch's reference script,
#                               xz-compressed into carry-manycore/ (git-ignored; about 20 MB)
#   scripts/manycore.sh run     there (carry: ["carry-manycore"]): the CPU, then at 1, 2 and 16
#                               threads DeepMedia and PyTorch alternating, then the thread model
#                               at 16 for comparison (with --verbose: its regions by loss there);
#                               everything into one file, $OUT/manycore.txt
# then the AVX2 kernels forced (1 and 16 threads), 4 and 8 threads, and at 16 threads idle workers
# polling 0.02 s and 0 s (--spin) for lenet, dncnn8 and char_lstm, written as they come, so a
# cut-off run still returns the first parts. SECONDS_EACH=3 (per model, both phases), REPEATS=3 by
# default: about 6 minutes on 16 cores (346 s on a 16-core Xeon on 2026-11-30, before the --spin part).
# scripts/manycore.sh table FILE turns that file into the ratio table (DeepMedia / PyTorch).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
pack)
    swift build -c release --product deepmedia-bench --static-swift-stdlib --scratch-path .build-static
    rm -rf carry-manycore && mkdir -p carry-manycore/payload
    strip -o carry-manycore/payload/deepmedia-bench .build-static/release/deepmedia-bench
    for lib in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0; do
        cp -L "$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')" carry-manycore/payload/$lib
    done
    cp ../shared/bench/reference/torch_reference.py carry-manycore/payload/
    tar -C carry-manycore -cJf carry-manycore/payload.tar.xz payload && rm -rf carry-manycore/payload
    ls -la carry-manycore
    # What travels to the device machine: the tracked files and the carried folder, 64 MiB at most.
    bytes=$(( $(git ls-files -z | du -cb --files0-from=- | tail -1 | cut -f1) + $(du -sb carry-manycore | cut -f1) ))
    echo "travels: $((bytes / 1048576)) MiB of 64"
    if [ $bytes -gt $((62 * 1048576)) ]; then echo "too much to travel (64 MiB): shrink carry-manycore" >&2; exit 1; fi
    ;;
run)
    set +e   # one failing part must not stop the rest
    out=${OUT:-/tmp/manycore-out}; mkdir -p "$out"; r=$out/manycore.txt
    s=${SECONDS_EACH:-3} n=${REPEATS:-3}
    # unpacked outside the tree (95 MB: left in carry-manycore, the next call would not travel)
    x=$(mktemp -d); trap 'rm -rf "$x"' EXIT; tar -C "$x" -xJf carry-manycore/payload.tar.xz
    p=$x/payload; export LD_LIBRARY_PATH=$p
    {
        echo "## machine"; uname -sr; lscpu | grep -E "Model name|^CPU\(s\)|Thread|Core|Socket"
        echo "flags: $(grep -ow 'avx2\|avx512f\|avx512_bf16\|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')"
        echo "## system"; "$p/deepmedia-bench" --system
        python3 -c "import torch; print('torch', torch.__version__, torch.backends.mkldnn.is_available())"
        for t in 1 2 16; do
            echo "## deepmedia threads=$t"; "$p/deepmedia-bench" --threads $t --seconds $s --repeats $n 2>&1
            echo "## torch threads=$t"; python3 "$p/torch_reference.py" --threads $t --seconds $s --repeats $n 2>&1
        done
        echo "## deepmedia model-threads=16"; "$p/deepmedia-bench" --model-threads 16 --verbose --seconds $s --repeats $n 2>&1
        # what the 512-bit kernels buy on this CPU: the AVX2 set forced, 1 and 16 threads
        for t in 1 16; do
            echo "## deepmedia-avx2 threads=$t"; DEEPMEDIA_KERNELS=avx2 "$p/deepmedia-bench" --threads $t --seconds $s --repeats $n 2>&1
        done
        for t in 4 8; do
            echo "## deepmedia threads=$t"; "$p/deepmedia-bench" --threads $t --seconds $s --repeats $n 2>&1
            echo "## torch threads=$t"; python3 "$p/torch_reference.py" --threads $t --seconds $s --repeats $n 2>&1
        done
        # late workers or uneven work: idle workers polling ten times longer, and not at all
        for sp in 0.02 0; do
            echo "## deepmedia-spin$sp threads=16"; "$p/deepmedia-bench" --threads 16 --spin $sp --models lenet,dncnn8,char_lstm --seconds $s --repeats $n 2>&1
        done
        echo "## done in ${SECONDS} s"
    } > "$r" 2>&1
    echo "written $r"
    ;;
table)
    python3 - "$2" <<'PY'
import json, sys
sec, rows = None, {}
for line in open(sys.argv[1]):
    if line.startswith("## "): sec = line[3:].strip(); continue
    if sec and line.startswith("{"):
        d = json.loads(line)
        if "model" in d: rows[(sec, d["model"])] = d
models = ["lenet", "cifar_cnn", "dncnn8", "audio_cnn", "char_lstm", "dcgan", "mlp"]
print("| model | threads | DeepMedia train | PyTorch | ratio | DeepMedia infer | PyTorch | ratio | most waiting thread | latest worker |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for m in models:
    for t in (1, 2, 4, 8, 16):
        a, b = rows.get((f"deepmedia threads={t}", m)), rows.get((f"torch threads={t}", m))
        if not a or not b: continue
        w, late = max(a.get("train_wait_by_thread") or [0]), max(a.get("train_late_by_worker") or [0])
        print(f"| {m} | {t} | {a['train_steps_per_s']:.2f} | {b['train_steps_per_s']:.2f} | {a['train_steps_per_s'] / b['train_steps_per_s']:.2f} "
              f"| {a['infer_samples_per_s']:,.0f} | {b['infer_samples_per_s']:,.0f} | {a['infer_samples_per_s'] / b['infer_samples_per_s']:.2f} | {100 * w:.0f} % | {100 * late:.0f} % |")
for m in models:
    runs = [(label, rows.get((sec, m))) for label, sec in (("spin default", "deepmedia threads=16"), ("0.02 s", "deepmedia-spin0.02 threads=16"),
                                                           ("0 s", "deepmedia-spin0 threads=16"))]
    if all(r for _, r in runs[1:]):
        print(f"{m} at 16 threads, training steps/s (latest worker late): " + ", ".join(
            f"{label} {r['train_steps_per_s']:.2f} ({100 * max(r.get('train_late_by_worker') or [0]):.0f} %)" for label, r in runs if r))
for m in models:
    a, mod = rows.get(("deepmedia threads=16", m)), rows.get(("deepmedia model-threads=16", m))
    if a and mod:
        quiet = [f"{a[f'{k}_{u}'] / mod[f'{k}_quiet_modelled_per_s']:.2f}" if f"{k}_quiet_modelled_per_s" in mod else "-"
                 for k, u in (("train", "steps_per_s"), ("infer", "samples_per_s"))]
        print(f"{m}: measured 16 / modelled 16: train {a['train_steps_per_s'] / mod['train_modelled_per_s']:.2f}, "
              f"infer {a['infer_samples_per_s'] / mod['infer_modelled_per_s']:.2f}; / quiet model: train {quiet[0]}, infer {quiet[1]}")
PY
    ;;
*)
    echo "usage: scripts/manycore.sh pack | run | table FILE" >&2; exit 64 ;;
esac
