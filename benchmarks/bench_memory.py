"""Peak extra memory of whole-batch training on 1,000,000 x 20 float64 rows.

The data (X: 160 MB, Y: 8 MB) exist before tracing starts; ``tracemalloc`` (which NumPy
reports its buffers to) then records the peak of everything ``bpnn.train`` allocates —
validation, the objective, workspaces, gradients, algorithm state — over two epochs of
each whole-batch algorithm on a 20-10-1 tanh network. Target: peak <= 1x the size of X.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
from bench_common import Row, threads

ALGORITHMS = (("gd", {"lr": 0.01}), ("scg", {}), ("rprop", {}), ("lm", {}))


def run(repeats=1, n=1_000_000):
    import bpnn

    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 20))
    Y = np.tanh(0.5 * X[:, :1] + 0.2 * X[:, 1:2])
    rows = []
    with threads(1):
        for name, kw in ALGORITHMS:
            net = bpnn.Network([20, 10, 1], ["tansig", "purelin"], seed=0)
            bpnn.train(net, X[:1000], Y[:1000], name, loss="mse", epochs=1, **kw)  # warm-up
            tracemalloc.start()
            try:
                t0 = time.perf_counter()
                bpnn.train(net, X, Y, name, loss="mse", epochs=2, **kw)
                elapsed = time.perf_counter() - t0
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            rows.append(
                Row(
                    f"memory, whole-batch {name}, 1,000,000 x 20 f64, 2 epochs",
                    "the data itself (X)",
                    "<= 1x",
                    1.0,
                    peak / X.nbytes,
                    f"{peak / 1e6:.1f} MB peak",
                    f"{X.nbytes / 1e6:.0f} MB",
                    lower_is_better=True,
                    note=f"{elapsed:.2f} s",
                )
            )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row.status, f"{row.ratio:.2f}", row.work, "|", row.ours, "|", row.theirs, row.note)
