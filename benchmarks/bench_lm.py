"""Levenberg–Marquardt on sin(πx), 1-5-1, to MSE 0.002: bpnn vs scikit-learn's L-BFGS.

Same network shape (1-5-1, tanh hidden, linear output) and data (41 points on [-1, 1]);
each library starts from its own default initialisation (bpnn: Nguyen–Widrow, as MATLAB's
trainlm; scikit-learn: Glorot) for 20 seeds. bpnn's time is ``bpnn.train(..., "lm",
loss="mse", goal=0.002)`` end to end — network construction, validation, every epoch's
Jacobian, Cholesky solves with μ retries, the record — best of ``repeats`` per seed;
scikit-learn's is the fastest ``fit`` whose ``max_iter`` just reaches the same training
MSE (``sklearn_peer.time_lbfgs_to_mse``). The ratio compares the medians over seeds.
"""

from __future__ import annotations

import statistics

import numpy as np
from bench_common import Row, fmt_s, threads, timings

GOAL = 0.002


def _bpnn_time(seed, x, y, repeats):
    import bpnn

    out = {}

    def run():
        net = bpnn.Network([1, 5, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=seed)
        out["rec"] = bpnn.train(net, x, y, "lm", loss="mse", goal=GOAL, epochs=1000)

    t = timings(run, repeats)
    return t[0], out["rec"]


def run(repeats=3, seeds=range(20)):
    from benchmarks.peers import sklearn_peer

    x, y = sklearn_peer.sin_dataset(41)
    ours, peer, epochs, reached = [], [], [], 0
    with threads(1):
        for seed in seeds:
            t, rec = _bpnn_time(seed, x, y[:, None], repeats)
            ours.append(t)
            epochs.append(rec.epochs)
            reached += rec.stop_reason == "goal met"
            if sklearn_peer.is_available():
                r = sklearn_peer.time_lbfgs_to_mse(GOAL, seed=seed, repeats=repeats, threads=1)
                peer.append(r.elapsed_s if r.reached else float("nan"))
    med = statistics.median(ours)
    note = (
        f"bpnn reached the goal for {reached}/{len(ours)} seeds in a median of "
        f"{statistics.median(epochs):g} epochs"
    )
    if not peer:
        return [
            Row(
                "LM 1-5-1 sin(pi x) to MSE 0.002",
                "scikit-learn (absent)",
                ">= 3x",
                3.0,
                float("nan"),
                fmt_s(min(ours), med),
                "-",
                note=note,
            )
        ]
    pmed = float(np.nanmedian(peer))
    return [
        Row(
            "LM 1-5-1 sin(pi x) to MSE 0.002, median of 20 seeds",
            "scikit-learn lbfgs to the same MSE",
            ">= 3x",
            3.0,
            pmed / med,
            fmt_s(min(ours), med),
            fmt_s(float(np.nanmin(peer)), pmed),
            note=note,
        )
    ]


if __name__ == "__main__":
    for row in run():
        print(row.status, f"{row.ratio:.2f}", row.work, "|", row.ours, "|", row.theirs, row.note)
