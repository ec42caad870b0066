#!/usr/bin/env python3
"""DeepMedia's core operations against PyTorch's, in one run.

Times the operations of `deepmedia-bench --ops all` (BenchKit/OpCases.swift: elementwise
arithmetic, activations, softmax, reductions, moves, pooling, losses, a product) and the same
operations on the same shapes in PyTorch, alternately for several rounds, each alone and with its
backward from a fixed output gradient, the median of each side's rounds; prints one Markdown
table per thread count: microseconds a call and PyTorch's time over DeepMedia's (above 1:
DeepMedia is faster).

    python3 scripts/ops_bench.py [--rounds 3] [--seconds 0.6] [--repeats 3] [--threads 1,2]
                                 [--ops add,softmax,...] [--write FILE]
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWIFT = os.path.join(ROOT, ".build", "release", "deepmedia-bench")


def torch_cases(torch):
    """name -> (inputs, op, needs a float input to require grad): the shapes of OpCases.swift."""
    F = torch.nn.functional
    n = 1 << 20
    g = torch.Generator().manual_seed(0)
    normal = lambda *s: torch.randn(*s, generator=g)
    positive = lambda *s: torch.rand(*s, generator=g) * 1.5 + 0.5
    image, square = (16, 64, 32, 32), (1024, 1024)
    targets = torch.randint(0, 65, (2048,), generator=g)
    return {
        "add": ([normal(n), normal(n)], lambda a, b: a + b),
        "mul_scalar": ([normal(n)], lambda a: a * 0.5),
        "add_bias": ([normal(16384, 64), normal(64)], lambda a, b: a + b),
        "relu": ([normal(n)], torch.relu),
        "sigmoid": ([normal(n)], torch.sigmoid),
        "tanh": ([normal(n)], torch.tanh),
        "gelu": ([normal(n)], F.gelu),
        "exp": ([normal(n)], torch.exp),
        "log": ([positive(n)], torch.log),
        "sqrt": ([positive(n)], torch.sqrt),
        "softmax": ([normal(*square)], lambda a: a.softmax(-1)),
        "log_softmax": ([normal(*square)], lambda a: a.log_softmax(-1)),
        "softmax_narrow": ([normal(65536, 16)], lambda a: a.softmax(-1)),
        "sum_all": ([normal(n)], lambda a: a.sum()),
        "sum_axis0": ([normal(*square)], lambda a: a.sum(0)),
        "mean_last": ([normal(*square)], lambda a: a.mean(1)),
        "transpose": ([normal(*square)], lambda a: a.t().contiguous()),
        "permute_nhwc": ([normal(*image)], lambda a: a.permute(0, 2, 3, 1).contiguous()),
        "pixel_shuffle": ([normal(*image)], lambda a: F.pixel_shuffle(a, 2)),
        "concat": ([normal(1024, 512), normal(1024, 512)], lambda a, b: torch.cat([a, b], 1)),
        "max_pool2d": ([normal(*image)], lambda a: F.max_pool2d(a, 2)),
        "avg_pool2d": ([normal(*image)], lambda a: F.avg_pool2d(a, 2)),
        "upsample2x": ([normal(*image)], lambda a: F.interpolate(a, scale_factor=2, mode="nearest")),
        "mse_loss": ([normal(n), normal(n)], F.mse_loss),
        "bce_logits": ([normal(n), torch.rand(n, generator=g)],
                       lambda a, b: F.binary_cross_entropy_with_logits(a, b.detach())),   # no target gradient, as ours
        "cross_entropy": ([normal(2048, 65)], lambda a: F.cross_entropy(a, targets)),
        "matmul": ([normal(256, 256), normal(256, 256)], torch.matmul),
    }


def timed(fn, seconds, repeats):
    """Microseconds a call: warm-up, calibration, then `repeats` timed runs; their median (as
    Benchmark.timedPhase)."""
    t0 = time.perf_counter()
    k = 0
    while k < 2 or time.perf_counter() - t0 < 0.05 * seconds:
        fn(); k += 1
    t0 = time.perf_counter(); k = 0
    while k < 2 or time.perf_counter() - t0 < 0.05:
        fn(); k += 1
    calls = max(1, int(seconds / repeats / ((time.perf_counter() - t0) / k)))
    rates = []
    for _ in range(repeats):
        s = time.perf_counter()
        for _ in range(calls):
            fn()
        rates.append(calls / (time.perf_counter() - s))
    return 1e6 / statistics.median(rates)


def torch_round(ops, threads, seconds, repeats):
    import torch
    torch.set_num_threads(threads)
    cases = torch_cases(torch)
    out = {}
    for name in ops:
        xs, op = cases[name]
        with torch.no_grad():
            y = op(*xs)
        grad = None if y.dim() == 0 else torch.randn(y.shape)

        def forward():
            with torch.no_grad():
                op(*xs)

        def backward():
            leaves = [x.detach().requires_grad_() for x in xs]
            op(*leaves).backward(grad)

        out[name] = (timed(forward, 0.4 * seconds, repeats), timed(backward, 0.5 * seconds, repeats))
    return out


def swift_round(ops, threads, seconds, repeats):
    cmd = [SWIFT, "--ops", ",".join(ops), "--threads", str(threads), "--seconds", str(seconds), "--repeats", str(repeats)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    return {l["op"]: (l["forward_us"], l["forward_backward_us"], l["shape"]) for l in lines}, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=0.6, help="time budget per op and side in a round")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--ops", default="all")
    ap.add_argument("--write", help="also write the tables to this file")
    a = ap.parse_args()
    if not os.path.exists(SWIFT):
        raise SystemExit(f"{SWIFT} is missing: run `swift build -c release` first")
    import torch
    names = [n for n in torch_cases(torch)] if a.ops == "all" else a.ops.split(",")
    report = []
    header = None
    for threads in [int(t) for t in a.threads.split(",")]:
        dm, pt, shapes = {n: ([], []) for n in names}, {n: ([], []) for n in names}, {}
        for _ in range(a.rounds):
            got, err = swift_round(names, threads, a.seconds, a.repeats)
            header = header or [l[2:] for l in err.splitlines() if l.startswith("# ") and "threads=" not in l]
            for n in names:
                dm[n][0].append(got[n][0]); dm[n][1].append(got[n][1]); shapes[n] = got[n][2]
            for n, (f, b) in torch_round(names, threads, a.seconds, a.repeats).items():
                pt[n][0].append(f); pt[n][1].append(b)
        med = statistics.median
        report.append(f"\n{threads} thread{'s' if threads > 1 else ''} (us a call, medians of {a.rounds} rounds; ratio = PyTorch / DeepMedia)\n")
        report.append("| op | shape | DeepMedia | PyTorch | ratio | DeepMedia with backward | PyTorch with backward | ratio |")
        report.append("|---|---|---|---|---|---|---|---|")
        for n in names:
            f, b, tf, tb = med(dm[n][0]), med(dm[n][1]), med(pt[n][0]), med(pt[n][1])
            report.append(f"| {n} | {shapes[n]} | {f:.1f} | {tf:.1f} | {tf / f:.2f} | {b:.1f} | {tb:.1f} | {tb / b:.2f} |")
    text = "\n".join([f"CPU: {'; '.join(header or [])}; PyTorch {torch.__version__}",
                      f"`python3 scripts/ops_bench.py --rounds {a.rounds} --seconds {a.seconds} --repeats {a.repeats} --threads {a.threads}`"]
                     + report) + "\n"
    print(text)
    if a.write:
        with open(a.write, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
