"""How time and memory grow with samples, width and depth for sgd, scg and lm; and the
network size where SCG overtakes LM. Writes docs/scaling_time.png, docs/scaling_memory.png,
docs/scaling_scg_vs_lm.png and prints the numbers behind them.

Problem: y = sin(x1) + 0.5 x2 x3 - 0.3 x4 (4 inputs in [-1, 1]), tanh hidden layers, a
linear output, MSE, float64, one BLAS thread. "Time per epoch" is the median over a few
epochs of ``bpnn.train`` (so each algorithm's own epoch: one pass of per-sample updates
for sgd, one SCG iteration, one LM iteration with its μ retries). "Peak memory" is the
tracemalloc peak of a one-epoch ``bpnn.train`` call, data excluded. SCG vs LM: the training
MSE each reaches in the same 3 s of wall time, for one hidden layer of growing width on
5,000 samples, Glorot initialisation (Nguyen-Widrow saturates wide tanh layers and would
handicap SCG); SCG overtakes LM from the width where its MSE stays lower.

    python benchmarks/bench_scaling.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import tracemalloc

import numpy as np
from bench_common import ROOT, threads

ALGS = {"sgd": {"lr": 0.01}, "scg": {}, "lm": {}}


def problem(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 4))
    Y = np.sin(X[:, :1]) + 0.5 * X[:, 1:2] * X[:, 2:3] - 0.3 * X[:, 3:4]
    return X, Y


def net_for(width, depth, seed=0, init="nguyen-widrow"):
    import bpnn

    sizes = [4] + [width] * depth + [1]
    return bpnn.Network(sizes, ["tansig"] * depth + ["purelin"], init=init, seed=seed)


def epoch_time(alg, X, Y, width, depth, epochs):
    import bpnn

    net = net_for(width, depth)
    rec = bpnn.train(net, X, Y, alg, loss="mse", epochs=epochs, goal=0.0, min_grad=0.0, **ALGS[alg])
    t = np.diff([0.0] + list(rec.time[1:]))  # seconds of each epoch
    return statistics.median(t[1:] if len(t) > 1 else t), net.n_params


def peak_memory(alg, X, Y, width, depth):
    import bpnn

    net = net_for(width, depth)
    tracemalloc.start()
    try:
        bpnn.train(net, X, Y, alg, loss="mse", epochs=1, **ALGS[alg])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def sweep(quick):
    ns = [500, 2000, 8000, 32000] if quick else [500, 2000, 8000, 32000, 128000]
    widths = [2, 4, 8, 16, 32, 64] if quick else [2, 4, 8, 16, 32, 64, 128]
    depths = [1, 2, 3, 4]
    out = {"samples": {}, "width": {}, "depth": {}}
    for alg in ALGS:
        ep = 3 if alg == "lm" else 5
        for key, values, fn in (
            ("samples", ns, lambda v: (problem(v), 16, 1)),
            ("width", widths, lambda v: (problem(2000), v, 1)),
            ("depth", depths, lambda v: (problem(2000), 16, v)),
        ):
            pts = []
            for v in values:
                (X, Y), w, d = fn(v)
                t, p = epoch_time(alg, X, Y, w, d, ep)
                m = peak_memory(alg, X, Y, w, d)
                pts.append((v, t, m, p))
                print(
                    f"{alg:>3} {key:>7}={v:<7} params={p:<6} {t * 1e3:9.3f} ms/epoch "
                    f"{m / 1e6:8.2f} MB peak",
                    flush=True,
                )
            out[key][alg] = pts
    return out


def crossover(quick, budget=3.0, n=5000):
    """Training MSE that scg and lm reach in the same wall-clock ``budget`` vs the width
    of one hidden layer (median of 3 seeds): SCG overtakes LM where its MSE is lower."""
    import bpnn

    widths = [16, 128, 512] if quick else [16, 64, 128, 256, 512, 768, 1024]
    X, Y = problem(n)
    res = {"scg": [], "lm": []}
    for w in widths:
        for alg in ("scg", "lm"):
            losses = []
            for seed in (0, 1, 2):
                net = net_for(w, 1, seed, init="glorot")  # NW saturates wide layers
                rec = bpnn.train(
                    net, X, Y, alg, loss="mse", goal=0.0, time=budget, epochs=10**6, min_grad=0.0
                )
                losses.append(min(rec.loss))
            res[alg].append((w, statistics.median(losses), net.n_params))
            print(
                f"MSE after {budget:g} s: {alg:>3} width {w:<4} params {net.n_params:<5} "
                f"{statistics.median(losses):.3e}",
                flush=True,
            )
    over = None  # the smallest width from which SCG stays ahead of LM
    for (w, l_scg, p), (_, l_lm, _) in reversed(list(zip(res["scg"], res["lm"]))):
        if l_scg >= l_lm:
            break
        over = (w, p)
    return res, over


def plot(data, cross, over, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {
        "samples": "samples (width 16, 1 hidden layer)",
        "width": "hidden width (2,000 samples, 1 hidden layer)",
        "depth": "hidden layers (width 16, 2,000 samples)",
    }
    for idx, (what, ylabel, fname) in enumerate(
        (
            (1, "seconds per epoch", "scaling_time.png"),
            (2, "peak extra memory (MB)", "scaling_memory.png"),
        )
    ):
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
        for ax, key in zip(axes, ("samples", "width", "depth")):
            for alg, pts in data[key].items():
                x = [p[0] for p in pts]
                y = [p[what] / (1e6 if what == 2 else 1) for p in pts]
                ax.plot(x, y, marker="o", label=alg)
            ax.set_xlabel(labels[key])
            if key != "depth":
                ax.set_xscale("log")
            ax.set_yscale("log")
            ax.grid(True, which="both", alpha=0.3)
        axes[0].set_ylabel(ylabel)
        axes[0].legend()
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, fname), dpi=110)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    for alg, pts in cross.items():
        ax.plot([p[2] for p in pts], [p[1] for p in pts], marker="o", label=alg)
    if over:
        ax.axvline(over[1], color="grey", ls="--", label=f"SCG faster from {over[1]} parameters on")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parameters (4-H-1, 5,000 samples)")
    ax.set_ylabel("training MSE after 3 s (median of 3 seeds)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "scaling_scg_vs_lm.png"), dpi=110)
    plt.close(fig)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    with threads(1):
        data = None if "--crossover-only" in argv else sweep(quick)
        cross, over = crossover(quick)
    print(
        "SCG overtakes LM at:",
        "never in this range" if over is None else f"width {over[0]} ({over[1]} parameters)",
    )
    if data is not None:
        plot(data, cross, over, os.path.join(ROOT, "docs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
