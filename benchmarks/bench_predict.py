"""Prediction latency, 784-256-128-10 relu/softmax, one float32 row per call.

bpnn's figure is the public ``Network.predict(x)`` — with its input check — on a float32
network (the peers compute in float32 too). PyTorch: ``model(x)`` plus softmax under
``torch.no_grad()``; scikit-learn: ``predict_proba``. One thread everywhere; each side's
median per-call time over ``calls`` calls, repeated ``repeats`` times (min / median of
those medians). The ratio compares the best medians.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from bench_common import Row, fmt_s, threads

SIZES = (784, 256, 128, 10)


def _median_call(fn, rows, calls):
    for i in range(200):
        fn(rows[i % len(rows)])
    ts = []
    for i in range(calls):
        x = rows[i % len(rows)]
        t0 = time.perf_counter()
        fn(x)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def run(repeats=3, calls=3000):
    import bpnn
    from benchmarks.peers import sklearn_peer, torch_peer

    rng = np.random.default_rng(0)
    rows32 = [rng.random((1, SIZES[0]), dtype=np.float32) for _ in range(16)]
    out = []
    with threads(1):
        net = bpnn.Network(
            SIZES, ["relu", "relu", "softmax"], init="glorot", seed=0, dtype=np.float32
        )
        ours = [_median_call(net.predict, rows32, calls) for _ in range(repeats)]
        ours = (min(ours), statistics.median(ours))
        net64 = net.astype(np.float64)
        rows64 = [r.astype(np.float64) for r in rows32]
        ours64 = [_median_call(net64.predict, rows64, calls) for _ in range(repeats)]
        batch = rng.random((1000, SIZES[0]), dtype=np.float32)
        t_batch = [_median_call(net.predict, [batch], 50) for _ in range(repeats)]
        peers = {}
        if torch_peer.is_available():
            ts = [
                torch_peer.time_single_row_predict(SIZES, n_calls=calls, threads=1).median_s
                for _ in range(repeats)
            ]
            peers["torch"] = (min(ts), statistics.median(ts))
        if sklearn_peer.is_available():
            ts = [
                sklearn_peer.time_single_row_predict(SIZES, n_calls=calls, threads=1).median_s
                for _ in range(repeats)
            ]
            peers["sklearn"] = (min(ts), statistics.median(ts))
    for name, label, goal in (
        ("torch", "PyTorch forward + softmax under no_grad", 2.0),
        ("sklearn", "scikit-learn predict_proba", 5.0),
    ):
        if name in peers:
            out.append(
                Row(
                    "predict one row, 784-256-128-10 f32",
                    label,
                    f">= {goal:g}x",
                    goal,
                    peers[name][0] / ours[0],
                    fmt_s(*ours),
                    fmt_s(*peers[name]),
                )
            )
        else:
            out.append(
                Row(
                    "predict one row, 784-256-128-10 f32",
                    f"{label} (absent)",
                    f">= {goal:g}x",
                    goal,
                    float("nan"),
                    fmt_s(*ours),
                    "-",
                )
            )
    ref = peers.get("torch", (float("nan"),))[0]
    out.append(
        Row(
            "  predict one row, float64 network",
            "PyTorch (float32)",
            "",
            None,
            ref / min(ours64),
            fmt_s(min(ours64), statistics.median(ours64)),
            "-",
        )
    )
    out.append(
        Row(
            "  predict 1,000 rows (one call), f32",
            "-",
            "",
            None,
            float("nan"),
            fmt_s(min(t_batch), statistics.median(t_batch)),
            "-",
            note=f"{1000 / min(t_batch):,.0f} rows/s",
        )
    )
    return out


if __name__ == "__main__":
    for row in run():
        print(row.status, f"{row.ratio:.2f}", row.work, "|", row.ours, "|", row.theirs, row.note)
