"""Quick timings of every peer on this machine (a smoke test of the peer
modules, not the benchmark itself).

Run:  python benchmarks/peers/quick_timings.py
Peers that are not installed are reported as skipped.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

try:
    from . import fann, numpy_loop, sklearn_peer, torch_peer
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fann  # type: ignore[no-redef]
    import numpy_loop  # type: ignore[no-redef]
    import sklearn_peer  # type: ignore[no-redef]
    import torch_peer  # type: ignore[no-redef]

CASES = (((8, 16, 1), 10_000), ((784, 64, 10), 2_000))


def main() -> int:
    print(f"CPU count: {os.cpu_count()}")
    # -- per-sample (batch size 1) peers --------------------------------
    for sizes, rows in CASES:
        name = "-".join(map(str, sizes))
        X, Y = fann.random_dataset(rows, sizes[0], sizes[-1], seed=0)
        if fann.is_available():
            r = fann.time_incremental_epoch(sizes, rows, X=X, Y=Y)
            print(
                f"FANN incremental epoch     {name:>10} x {rows:>6}: "
                f"{r['samples_per_s_median']:>12,.0f} samples/s (median of 5, best "
                f"{r['samples_per_s_best']:,.0f})"
            )
        else:
            print("FANN: skipped (libdoublefann not found)")
        t = min(numpy_loop.time_epoch(sizes, X, Y, lr=0.1) for _ in range(3))
        print(
            f"NumPy per-sample epoch     {name:>10} x {rows:>6}: {rows / t:>12,.0f} samples/s (best of 3)"
        )

    # -- mini-batch peers ---------------------------------------------------
    rng = np.random.default_rng(0)
    X = rng.random((2000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 2000)
    for label, mod in (("PyTorch", torch_peer), ("scikit-learn", sklearn_peer)):
        if not mod.is_available():
            print(f"{label}: skipped (not installed)")
            continue
        r = mod.train_minibatch((784, 64, 10), X, y, batch_size=32, epochs=3, lr=0.01, threads=1)
        print(
            f"{label:<12} SGD bs=32 3 epochs 784-64-10 x 2000, 1 thread: "
            f"{r.samples_per_s:>10,.0f} samples/s, final loss {r.final_loss:.4f}"
        )
        p = mod.time_single_row_predict((784, 256, 128, 10), n_calls=2000, threads=1)
        print(
            f"{label:<12} single-row predict 784-256-128-10, 1 thread: "
            f"median {p.median_s * 1e6:.1f} us ({p.calls_per_s:,.0f} calls/s)"
        )
    if fann.is_available():
        with fann.FannNet((784, 256, 128, 10), seed=0) as net:
            row = np.random.default_rng(1).random(784)
            ptr = row.ctypes.data_as(fann._p_fann_type)
            for _ in range(100):
                net.run_ptr(ptr)
            ts = []
            for _ in range(2000):
                t0 = time.perf_counter()
                net.run_ptr(ptr)
                ts.append(time.perf_counter() - t0)
            med = float(np.median(ts))
            print(
                f"FANN         single-row fann_run 784-256-128-10: median {med * 1e6:.1f} us "
                f"({1 / med:,.0f} calls/s)"
            )
    if sklearn_peer.is_available():
        for goal in (1e-3, 1e-4):
            lb = sklearn_peer.time_lbfgs_to_mse(goal)
            print(
                f"scikit-learn lbfgs 1-5-1 tanh sin(pi x), MSE <= {goal:g}: reached={lb.reached}, "
                f"{lb.elapsed_s * 1e3:.1f} ms, {lb.n_iter} iterations, mse {lb.mse:.3g}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
