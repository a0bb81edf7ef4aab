"""Per-sample (incremental) back-propagation: bpnn's compiled kernel vs FANN and NumPy.

Same work on every side: logistic hidden and output layers, squared error, learning rate
0.1, no momentum, samples in their stored order (FANN does not shuffle), one epoch per
timed call, every repeat from the same starting weights. bpnn's epoch is
``SGD.run_epoch`` — the algorithm protocol's epoch, which like ``fann_train_epoch``
forward-propagates, back-propagates and updates after every sample and accumulates the
in-pass error. ``bpnn.train`` additionally evaluates the exact training loss after each
epoch (its stopping rules need it); that end-to-end figure is reported as an info row.
One BLAS thread everywhere (FANN and the kernel are single-threaded).
"""
from __future__ import annotations

import numpy as np
from bench_common import Row, fmt_s, threads, timings, timings_setup

NETS = (((8, 16, 1), 20_000), ((784, 64, 10), 3_000))
EPOCHS = 10


def _bpnn_epoch(sizes, X, Y):
    import bpnn
    from bpnn.algorithms import get_algorithm
    net = bpnn.Network(sizes, "logsig", seed=0)
    obj = bpnn.Objective(net, "sse", X, Y)
    alg = get_algorithm("sgd", lr=0.1)
    w0 = net.params.copy()
    order = np.arange(X.shape[0])

    def epoch():
        state = alg.init(obj, w0)
        alg.run_epoch(obj, w0, state, order)
    return epoch


def _bpnn_train(sizes, X, Y, epochs, repeats):
    """``bpnn.train`` end to end, the network built outside the clock."""
    import bpnn

    def run(net):
        bpnn.train(net, X, Y, "sgd", lr=0.1, epochs=epochs, shuffle=False)
    return timings_setup(lambda: bpnn.Network(sizes, "logsig", seed=0), run, repeats)


def run(repeats=3):
    from benchmarks.peers import fann, numpy_loop
    rows, numpy_ratios = [], []
    with threads(1):
        for sizes, n in NETS:
            name = "-".join(map(str, sizes))
            X, Y = fann.random_dataset(n, sizes[0], sizes[-1], seed=0)
            kernel = timings(_bpnn_epoch(sizes, X, Y), repeats)
            ours = _bpnn_train(sizes, X, Y, EPOCHS, repeats)
            if fann.is_available():
                r = fann.time_incremental_epoch(sizes, n, repeats=repeats, X=X, Y=Y)
                one = (r["best_s"], r["median_s"])
                theirs = (one[0] * EPOCHS, one[1] * EPOCHS)   # FANN: 10 train_epoch calls
                goal = 1.5 if sizes == (8, 16, 1) else 3.0
                rows.append(Row(f"bpnn.train per-sample sgd, {name} logsig, SSE, {n} rows, "
                                f"{EPOCHS} epochs", f"FANN incremental (double), {EPOCHS} epochs",
                                f">= {goal}x", goal, theirs[0] / ours[0], fmt_s(*ours),
                                fmt_s(*theirs),
                                note=f"{n * EPOCHS / ours[0]:,.0f} vs "
                                     f"{n * EPOCHS / theirs[0]:,.0f} samples/s"))
                rows.append(Row(f"  kernel only: SGD.run_epoch, {name}, 1 epoch",
                                "FANN incremental, 1 epoch", "", None, one[0] / kernel[0],
                                fmt_s(*kernel), fmt_s(*one), note="info: not the public path"))
            else:
                rows.append(Row(f"bpnn.train per-sample sgd, {name}", "FANN (not installed)",
                                ">= 1.5x", 1.5, float("nan"), fmt_s(*ours), "-"))
            npl = timings(lambda s=sizes, x=X, y=Y: numpy_loop.time_epoch(s, x, y, lr=0.1),
                          repeats, 0)
            numpy_ratios.append(npl[0] / kernel[0])
            rows.append(Row(f"  per-sample BP, {name}, 1 epoch", "plain NumPy per-sample loop",
                            "", None, npl[0] / kernel[0], fmt_s(*kernel), fmt_s(*npl),
                            note="kernel only; target is on either net: see the row below"))
    best = max(numpy_ratios)
    rows.append(Row("per-sample BP, either net", "plain NumPy per-sample loop", ">= 50x",
                    50.0, best, "-", "-", note="the better of the two nets above"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row.status, f"{row.ratio:.2f}", row.work, "|", row.ours, "|", row.theirs)
