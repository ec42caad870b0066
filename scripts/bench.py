#!/usr/bin/env python3
"""DeepMedia against its peers, in one run (what `make bench` runs).

Runs deepmedia-bench and the PyTorch and Keras reference benchmarks of ../shared/bench/reference
alternately for several rounds at 1 and 2 threads, then each model alone in its own process for
peak resident memory, and prints one table per model: DeepMedia, PyTorch, Keras and the ratio to
the faster peer; last, one image through `image-classifier predict` (process start to answer)
against PyTorch's import alone. DeepMedia runs once per kernel set (DEEPMEDIA_KERNELS; by default
every set this CPU runs): the main table shows the widest, a second one all of them beside
PyTorch. Writes it all, the date, the CPU and the command to docs/BENCHMARKS.md.

    python3 scripts/bench.py [--rounds 3] [--seconds 4] [--threads 1,2] [--models ...] [--no-keras]
                             [--kernels portable,avx2,avx512] [--isa avx2|sse4]

--isa avx2 holds every framework to AVX2 and FMA, as on a CPU without AVX-512 (AMD Zen 3, Intel
client cores): PyTorch by ATEN_CPU_CAPABILITY, ONEDNN_MAX_CPU_ISA and MKL_ENABLE_INSTRUCTIONS,
Keras by ONEDNN_MAX_CPU_ISA (TensorFlow's own kernels are built for AVX2 at most), DeepMedia by
its avx2 kernels and OpenBLAS's Haswell core. --isa sse4 holds them to SSE4, as on a CPU without
AVX (Intel's Celeron, Pentium Silver and Atom lines, Core 2 to Westmere): PyTorch to its default
kernels, oneDNN's SSE4.1 and MKL's SSE4.2 paths, DeepMedia to its portable kernels and OpenBLAS's
Nehalem core (what it picks on such a CPU); Keras only by oneDNN (TensorFlow's own kernels keep AVX2).
On an AMD CPU MKL ignores MKL_ENABLE_INSTRUCTIONS: PyTorch's matrix products are then not held.
"""
import argparse, datetime, json, os, platform, resource, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "..", "shared", "bench", "reference")
SWIFT = os.path.join(ROOT, ".build", "release", "deepmedia-bench")
CLASSIFIER = os.path.join(ROOT, ".build", "release", "image-classifier")
MODELS = ["lenet", "cifar_cnn", "dncnn8", "audio_cnn", "char_lstm", "dcgan", "mlp"]
KERAS_MODELS = {"lenet", "dncnn8", "char_lstm", "dcgan"}
# What --isa sets for every process it starts, and the kernel sets it leaves.
HELD = {
    "avx2": ({"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2",
              "OPENBLAS_CORETYPE": "Haswell", "DEEPMEDIA_KEEP_BLAS_CORE": "1"}, {"portable", "avx2"}),
    "sse4": ({"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
              "OPENBLAS_CORETYPE": "Nehalem", "DEEPMEDIA_KEEP_BLAS_CORE": "1"}, {"portable"}),
}


def command(fw, models, threads, seconds, repeats):
    common = ["--models", ",".join(models), "--threads", str(threads), "--seconds", str(seconds), "--repeats", str(repeats)]
    if fw.startswith("deepmedia"):
        return [SWIFT] + common
    script = "torch_reference.py" if fw == "torch" else "keras_reference.py"
    return [sys.executable, os.path.join(REF, script)] + common


def run(cmd, env=None):
    """Runs a benchmark; returns (JSON lines, peak RSS of the child in MB)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    out, _ = p.communicate()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}")
    return lines, usage


def peak_rss_mb(cmd, env=None):
    """Peak RSS (MB) of one child process, via wait4's rusage."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return ru.ru_maxrss / 1024


def startup(runs=9):
    """Median wall seconds, process start to exit: one digit through image-classifier predict
    (bundled LeNet) against `python3 -c "import torch"` alone."""
    def median_seconds(cmd):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if p.returncode != 0:
                return None, ""
        return statistics.median(times), p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    image = os.path.join(ROOT, "Assets", "samples", "digits", "7.png")
    ours, answer = median_seconds([CLASSIFIER, "predict", image]) if os.path.exists(CLASSIFIER) else (None, "")
    torch, _ = median_seconds([sys.executable, "-c", "import torch"])
    return ours, answer, torch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--no-keras", action="store_true")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--kernels", default=None, help="kernel sets to run DeepMedia with (default: all this CPU runs)")
    ap.add_argument("--isa", choices=sorted(HELD), default=None, help="hold every framework to this instruction set")
    ap.add_argument("--write", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    args = ap.parse_args()
    models = [m for m in args.models.split(",") if m]
    threads = [int(t) for t in args.threads.split(",")]
    held_env, held_sets = HELD[args.isa] if args.isa else ({}, None)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **held_env)
    env.pop("DEEPMEDIA_KERNELS", None)
    system = json.loads(subprocess.run([SWIFT, "--system"], capture_output=True, text=True, env=env).stdout)
    kernels = args.kernels.split(",") if args.kernels else system["kernels_available"]
    if held_sets is not None:
        kernels = [k for k in kernels if k in held_sets]
        if not kernels:
            raise SystemExit(f"--isa {args.isa}: no kernel set left to run (it allows {', '.join(sorted(held_sets))})")
    ours_fw = [f"deepmedia:{k}" for k in kernels]
    best = ours_fw[-1]
    frameworks = ours_fw + ["torch"] + ([] if args.no_keras else ["keras"])
    results = {}   # (fw, model, threads) -> {"train": [...], "infer": [...]}
    for r in range(args.rounds):
        order = frameworks if r % 2 == 0 else list(reversed(frameworks))
        for t in threads:
            for fw in order:
                ms = [m for m in models if fw != "keras" or m in KERAS_MODELS]
                if not ms:
                    continue
                print(f"round {r + 1}/{args.rounds}: {fw} threads={t}", file=sys.stderr, flush=True)
                fw_env = dict(env, DEEPMEDIA_KERNELS=fw.split(":", 1)[1]) if fw.startswith("deepmedia:") else env
                lines, _ = run(command(fw, ms, t, args.seconds, args.repeats), fw_env)
                for d in lines:
                    e = results.setdefault((fw, d["model"], t), {"train": [], "infer": []})
                    e["train"].append(d["train_steps_per_s"])
                    e["infer"].append(d["infer_samples_per_s"])
    memory = {}
    if not args.no_memory:
        for m in models:
            for fw in [best, "torch"] + ([] if args.no_keras else ["keras"]):
                if fw == "keras" and m not in KERAS_MODELS:
                    continue
                print(f"memory: {fw} {m}", file=sys.stderr, flush=True)
                memory[("deepmedia" if fw == best else fw, m)] = peak_rss_mb(command(fw, [m], 2, 2, 2), env)

    def med(fw, m, t, k):
        e = results.get((fw, m, t))
        return statistics.median(e[k]) if e else None

    def fmt(x, digits=1):
        return "–" if x is None else f"{x:,.{digits}f}"

    rows = []
    header = ("| model | threads | DeepMedia train steps/s | PyTorch | Keras | ratio to faster peer | "
              "DeepMedia infer samples/s | PyTorch | Keras | ratio to faster peer |")
    rows.append(header)
    rows.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in models:
        for t in threads:
            cells = []
            for k in ("train", "infer"):
                ours, pt, ks = med(best, m, t, k), med("torch", m, t, k), med("keras", m, t, k)
                peer = max([v for v in (pt, ks) if v is not None], default=None)
                ratio = ours / peer if ours and peer else None
                cells += [fmt(ours, 2 if k == "train" else 0), fmt(pt, 2 if k == "train" else 0),
                          fmt(ks, 2 if k == "train" else 0), fmt(ratio, 2)]
            rows.append(f"| {m} | {t} | " + " | ".join(cells) + " |")
    mem_rows = []
    if memory:
        mem_rows.append("| model | DeepMedia peak RSS MB | PyTorch | Keras | DeepMedia / PyTorch |")
        mem_rows.append("|---|---:|---:|---:|---:|")
        for m in models:
            ours, pt, ks = memory.get(("deepmedia", m)), memory.get(("torch", m)), memory.get(("keras", m))
            mem_rows.append(f"| {m} | {fmt(ours, 0)} | {fmt(pt, 0)} | {fmt(ks, 0)} | {fmt(ours / pt if ours and pt else None, 2)} |")
    table = "\n".join(rows)
    print(table)
    # Every kernel set beside PyTorch: what each instruction set buys per model.
    krows = ["| model | threads | " + " | ".join(f"train {k}" for k in kernels) + " | train PyTorch | "
             + " | ".join(f"infer {k}" for k in kernels) + " | infer PyTorch |",
             "|---|---:|" + "---:|" * (2 * len(kernels) + 2)]
    for m in models:
        for t in threads:
            cells = []
            for k, digits in (("train", 2), ("infer", 0)):
                cells += [fmt(med(fw, m, t, k), digits) for fw in ours_fw] + [fmt(med("torch", m, t, k), digits)]
            krows.append(f"| {m} | {t} | " + " | ".join(cells) + " |")
    kernel_table = "\n".join(krows)
    print("\n" + kernel_table)
    if mem_rows:
        print("\n" + "\n".join(mem_rows))
    cpu = "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    family = f", family {system['cpu_family']}" if system.get("cpu_family") is not None else ""
    wide = ", 16-lane rows at full width" if kernels[-1] == "avx512" and system.get("full_width_512") else ""
    cpu = f"{system['cpu']}{family} ({system['isa']} CPU, DeepMedia kernels {kernels[-1]}{wide}, OpenBLAS core {system['blas_core']})"
    line = (f"python3 scripts/bench.py --rounds {args.rounds} --seconds {args.seconds} --repeats {args.repeats} --threads {args.threads} "
            f"--kernels {','.join(kernels)}{' --no-keras' if args.no_keras else ''}{' --no-memory' if args.no_memory else ''}"
            f"{' --isa ' + args.isa if args.isa else ''}")
    command_line = f"`{line}`" if args.isa or args.no_memory else f"`make bench` (= `{line}`)"
    what = {"avx2": "AVX2 and FMA", "sse4": "SSE4 (no AVX)"}
    held = (f"; every framework held to {what[args.isa]} (" + ", ".join(f"{k}={v}" for k, v in held_env.items()) + ")") if args.isa else ""
    import importlib
    versions = []
    for mod in ("torch", "tensorflow", "keras"):
        try:
            versions.append(f"{mod} {importlib.import_module(mod).__version__}")
        except Exception:
            pass
    doc = f"""# Benchmarks

DeepMedia against PyTorch and Keras on the seven reference models of [MODELS.md](MODELS.md)
(same layers, batch, loss, Adam settings and step definition), measured in one run, alternating
the frameworks over {args.rounds} rounds; each figure is the median over the rounds of each program's own
median of {args.repeats} timed repeats. Ratios above 1 mean DeepMedia is faster than the faster peer.

- Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}
- Machine: {cpu}, {system.get('cores', '?')} cores, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}{held}
- Peers: {', '.join(versions) or 'not importable'}
- Command: {command_line}
- Other machines: the sections below (a Zen 3 without AVX-512, "A real AVX2 CPU: Zen 3"; a 16-core
  Intel Xeon at 1 to 16 threads, "A 16-core Xeon")

Training is steps per second (batch as in MODELS.md), inference samples per second (eval mode, no
gradient tape, same batch). Keras implements lenet, dncnn8, char_lstm and dcgan only. DeepMedia
here runs its {kernels[-1]} kernels; the next table has every kernel set.

{table}

Each kernel set of the same build, forced with `DEEPMEDIA_KERNELS` (OpenBLAS, which does the
weight gradients of the fully connected layers and the LSTM's, dispatches on its own and is the same in every column):

{kernel_table}
"""
    if mem_rows:
        doc += "\nPeak resident memory of one process running one model (2 threads, training then inference):\n\n" + "\n".join(mem_rows) + "\n"
    ours, answer, torch_import = startup()
    if ours is not None and torch_import is not None:
        line = (f"One image through a program, process start to answer (median of 9): `image-classifier predict "
                f"Assets/samples/digits/7.png` (bundled LeNet) {ours * 1000:.0f} ms; `python3 -c \"import torch\"` "
                f"alone {torch_import * 1000:.0f} ms ({ours / torch_import:.2f} of it). Our answer: `{answer}`")
        print("\n" + line)
        doc += "\n" + line + "\n"
    # Sections written by hand after the generated part (from "## The BLAS core" on) are kept.
    if os.path.exists(args.write):
        kept = open(args.write).read().split("\n## The BLAS core", 1)
        if len(kept) == 2:
            doc += "\n## The BLAS core" + kept[1]
    os.makedirs(os.path.dirname(args.write), exist_ok=True)
    with open(args.write, "w") as f:
        f.write(doc)
    print(f"\nwritten to {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
