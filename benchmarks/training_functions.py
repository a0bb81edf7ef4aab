"""Speed comparison of bpnn's training algorithms, in the form of MATLAB's published
"Speed and memory comparison for training multilayer networks" (Neural Network Toolbox
User's Guide): for each problem, every algorithm trains 30 random initialisations to the
goal; the table gives mean / min / max / std of the time and of the epochs to the goal
and the ratio of each mean time to the fastest.

Problems (as MATLAB's):

* SIN — 1-5-1, tansig/purelin, 41 points of sin(πx) on [−1, 1], MSE goal 0.002;
* PARITY — 3-bit parity, 3-10-10-1 tansig, ±1 targets, MSE goal 0.001.

Every algorithm runs with MATLAB's defaults except where noted in ``PARAMS`` (plain and
momentum descent, Adam: MATLAB's lr 0.01 needs far more than the epoch budget there).
Time statistics cover the runs that met the goal; "met" counts them. Training is
deterministic, so each run is timed ``--repeat`` times and the fastest kept (this removes
the noise of other processes); BLAS runs on one thread (these networks are tiny).

Run:  python benchmarks/training_functions.py [--runs 30] [--epochs 20000] [--repeat 3]
                                              [--matlab] [--rprop-variants] [--inc 1.2]
                                              [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

import bpnn

PARAMS = {
    "sin": {"gd": {"lr": 0.1}, "gdm": {"lr": 0.5}, "adam": {"lr": 0.03}},
    "parity": {"gd": {"lr": 0.5}, "gdm": {"lr": 0.5}, "adam": {"lr": 0.03}},
}
ORDER = [
    "lm",
    "br",
    "bfgs",
    "lbfgs",
    "rprop",
    "scg",
    "cgb",
    "cgf",
    "cgp",
    "oss",
    "quickprop",
    "gdx",
    "gda",
    "gdm",
    "gd",
    "sgd",
    "adam",
]
MATLAB = ["lm", "bfgs", "rprop", "scg", "cgb", "cgf", "cgp", "oss", "gdx"]  # its table's nine


def problems():
    x = np.linspace(-1, 1, 41)[:, None]
    X = np.array([[a, b, c] for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)], float)
    return {
        "sin": (x, np.sin(np.pi * x), [1, 5, 1], ["tansig", "purelin"], 0.002),
        "parity": (X, -np.prod(X, axis=1, keepdims=True), [3, 10, 10, 1], "tansig", 0.001),
    }


def run(problem, algorithm, runs, epochs, repeat=1):
    """Train ``runs`` initialisations; return per-run (seconds, epochs, met goal)."""
    X, Y, sizes, acts, goal = problems()[problem]
    kw = PARAMS[problem].get(algorithm, {})
    out = []
    for seed in range(runs):
        best = np.inf
        for _ in range(repeat):
            net = bpnn.Network(sizes, acts, init="nguyen-widrow", seed=1000 + seed)
            t0 = time.perf_counter()
            rec = bpnn.train(
                net,
                X,
                Y,
                algorithm=algorithm,
                loss="mse",
                epochs=epochs,
                goal=goal,
                seed=seed,
                **kw,
            )
            best = min(best, time.perf_counter() - t0)
        out.append((best, rec.epochs, rec.stop_reason == "goal met"))
    return out


def table(problem, results, runs):
    """Markdown rows sorted by mean time to goal (algorithms that never met it last)."""
    stats = {}
    for alg, rs in results.items():
        t = np.array([r[0] for r in rs if r[2]])
        e = np.array([r[1] for r in rs if r[2]])
        stats[alg] = (len(t), t, e)
    fastest = min((s[1].mean() for s in stats.values() if s[0]), default=np.nan)
    head = (
        "| algorithm | met goal | mean time (s) | median time | worst time | ratio "
        "| mean epochs | median | worst | std |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = []
    for alg, (met, t, e) in sorted(
        stats.items(), key=lambda kv: kv[1][1].mean() if kv[1][0] else np.inf
    ):
        if not met:
            rows.append(f"| {alg} | 0/{runs} | – | – | – | – | – | – | – | – |")
            continue
        rows.append(
            f"| {alg} | {met}/{runs} | {t.mean():.4f} | {np.median(t):.4f} "
            f"| {t.max():.4f} | {t.mean() / fastest:.2f} | {e.mean():.1f} "
            f"| {np.median(e):g} | {e.max()} | {e.std():.1f} |"
        )
    return "\n".join([head] + rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--epochs", type=int, default=20000, help="epoch budget per run")
    ap.add_argument("--repeat", type=int, default=3, help="timings per run (fastest kept)")
    ap.add_argument("--algorithms", nargs="*", default=ORDER)
    ap.add_argument(
        "--matlab",
        action="store_true",
        help="only the algorithms of MATLAB's comparison (" + " ".join(MATLAB) + ")",
    )
    ap.add_argument("--markdown", help="also write the tables to this file")
    ap.add_argument(
        "--rprop-variants",
        action="store_true",
        help="only compare Rprop+, Rprop-, iRprop+, iRprop- (goal met, epochs)",
    )
    ap.add_argument(
        "--inc", type=float, help="Rprop's step growth (bpnn's default 1.1; MATLAB's trainrp 1.2)"
    )
    args = ap.parse_args(argv)
    if args.inc is not None:
        for problem in PARAMS:
            PARAMS[problem]["rprop"] = {"inc": args.inc}
    if args.matlab:
        args.algorithms = MATLAB
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _main(args)


def rprop_variants(runs, epochs):
    """Markdown table: the four RPROP variants on both problems (goal met, epochs)."""
    rows = [
        "| variant | SIN met | SIN mean / max epochs | PARITY met | PARITY mean / max epochs |",
        "|---|---|---|---|---|",
    ]
    for v in ("rprop+", "rprop-", "irprop+", "irprop-"):
        cells = [v]
        for problem in ("sin", "parity"):
            PARAMS[problem]["rprop"] = {**PARAMS[problem].get("rprop", {}), "variant": v}
            r = run(problem, "rprop", runs, epochs)
            e = [x[1] for x in r if x[2]]
            cells += [f"{len(e)}/{runs}", f"{np.mean(e):.1f} / {max(e)}" if e else "–"]
        rows.append("| " + " | ".join(cells) + " |")
    for problem in PARAMS:
        PARAMS[problem].pop("rprop", None)
    return "\n".join(rows)


def _main(args):
    if args.rprop_variants:
        print(rprop_variants(args.runs, args.epochs))
        return 0
    for alg in args.algorithms:  # compile the per-sample kernel outside the timing
        run("sin", alg, 1, 2)
    parts = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, NumPy {np.__version__}; "
        f"{args.runs} initialisations, budget {args.epochs} epochs, fastest of "
        f"{args.repeat} timings per run, one BLAS thread"
        + (f", rprop inc {args.inc}" if args.inc is not None else "")
        + ".\n"
    ]
    for problem, title in (
        ("sin", "SIN 1-5-1, MSE goal 0.002"),
        ("parity", "PARITY 3-10-10-1, MSE goal 0.001"),
    ):
        results = {}
        for alg in args.algorithms:
            results[alg] = run(problem, alg, args.runs, args.epochs, args.repeat)
            print(f"  {problem:6s} {alg:10s} done", file=sys.stderr)
        parts.append(f"### {title}\n\n{table(problem, results, args.runs)}\n")
    text = "\n".join(parts)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
