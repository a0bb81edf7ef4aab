"""Cascade-correlation: bpnn's ``algorithm="cascade"`` against FANN's own cascade training.

Three problems, the same data for both (inputs scaled to about [-1, 1]):

* **two-spirals** (Lang & Witbrock's 194 points, 97 per spiral): logistic output, targets
  0/1, MSE goal 0.01, at most 40 units;
* **parity-8** (all 256 patterns of 8 bits in {-1, 1}): the same;
* **friedman1** (scikit-learn's ``make_friedman1``, 10 inputs, noise 1, 500 training and
  500 test rows, inputs and target standardised): linear output, MSE goal 0.05 (the noise
  alone is ~0.043 of the target's variance), at most 20 units.

bpnn: ``bpnn.train(Network([n_in, n_out]), X, Y, "cascade", loss, max_units=...)`` with
its defaults (8 candidates, Rprop candidates; output phase LM for "mse", Rprop for
"cross_entropy"), the classification problems both with the MSE loss and with
cross-entropy (then a callback stops growth at the MSE goal).
FANN 2.2: ``fann_create_shortcut(2, n_in, n_out)`` then ``fann_cascadetrain_on_data`` with
FANN's cascade defaults (80 candidates, RPROP, its TANH error function) — each library as
its authors set it up. Both stop on the same MSE (mean over rows and outputs of the squared
error), measured by each on the training rows. Reported per problem, as the median (and
range) over seeds: hidden units installed, the training MSE reached, the share of training
rows classified right (or the test MSE), and the wall time of the whole growth on one
thread.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_cascade.py [--seeds 5]``; prints a
Markdown table (the one in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import numpy as np
from bench_common import threads


def two_spirals():
    """Lang & Witbrock's two spirals: 97 points each, radius 6.5 -> 0.5, scaled by 1/6.5."""
    i = np.arange(97)
    angle, radius = i * np.pi / 16, 6.5 * (104 - i) / 104
    P = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    X = np.concatenate([P, -P]) / 6.5
    Y = np.concatenate([np.ones(97), np.zeros(97)])[:, None]
    return X, Y, None


def parity(bits=8):
    X = np.array(list(itertools.product([-1.0, 1.0], repeat=bits)))
    return X, ((X > 0).sum(axis=1) % 2)[:, None].astype(float), None


def friedman1():
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(1000, noise=1.0, random_state=0)
    X = (X - X[:500].mean(0)) / X[:500].std(0)
    y = (y - y[:500].mean()) / y[:500].std()
    return X[:500], y[:500, None], (X[500:], y[500:, None])


#: name -> (data, output: "logsig"/"purelin", MSE goal, max units)
PROBLEMS = {
    "two-spirals": (two_spirals, "logsig", 0.01, 40),
    "parity-8": (parity, "logsig", 0.01, 40),
    "friedman1": (friedman1, "purelin", 0.05, 20),
}


def _score(pred, X, Y, test):
    """Share of training rows right (0/1 targets), else the test MSE."""
    if test is None:
        return float(np.mean((pred(X) > 0.5) == (Y > 0.5)))
    return float(np.mean((pred(test[0]) - test[1]) ** 2))


def run_bpnn(X, Y, test, out, goal, max_units, seed, loss="mse"):
    """bpnn's cascade; with ``loss="cross_entropy"`` growth stops when the MSE reaches
    ``goal`` (a callback naming its reason), so both libraries stop on the same figure."""
    import bpnn

    def mse_goal(epoch, rec, net):
        return "goal met" if np.mean((net.forward(X) - Y) ** 2) <= goal else None

    net = bpnn.Network([X.shape[1], Y.shape[1]], [out], seed=seed)
    t0 = time.perf_counter()
    bpnn.train(
        net,
        X,
        Y,
        "cascade",
        loss,
        goal=goal if loss == "mse" else 0.0,
        callbacks=[] if loss == "mse" else [mse_goal],
        epochs=100_000,
        seed=seed,
        max_units=max_units,
    )
    elapsed = time.perf_counter() - t0
    mse = float(np.mean((net.forward(X) - Y) ** 2))
    return len(net.sizes) - 2, mse, _score(net.forward, X, Y, test), elapsed


def run_fann(X, Y, test, out, goal, max_units, seed):
    from benchmarks.peers import fann

    act = fann.FANN_SIGMOID if out == "logsig" else fann.FANN_LINEAR
    with fann.FannCascade(X.shape[1], Y.shape[1], output_activation=act, seed=seed) as net:
        with fann.TrainData(X, Y) as td:
            t0 = time.perf_counter()
            net.cascadetrain(td, max_units, goal)
            elapsed = time.perf_counter() - t0
            mse = float(np.mean((net.predict(X) - Y) ** 2))
            return net.n_hidden, mse, _score(net.predict, X, Y, test), elapsed


def _cell(values, fmt):
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    return f"{fmt.format(med)} ({fmt.format(lo)}–{fmt.format(hi)})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    args = parser.parse_args(argv)
    from benchmarks.peers import fann

    import functools

    peers = {
        "bpnn, cross-entropy": functools.partial(run_bpnn, loss="cross_entropy"),
        "bpnn, mse": run_bpnn,
    }
    if fann.is_available():
        peers["FANN 2.2"] = run_fann
    print(
        "| problem | library | hidden units | training MSE | goal met | "
        "accuracy / test MSE | time (s) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with threads(1):
        for name in args.problems:
            make, out, goal, max_units = PROBLEMS[name]
            X, Y, test = make()
            for lib, fn in peers.items():
                if out == "purelin" and "cross-entropy" in lib:
                    continue  # a regression: mse only
                rows = [fn(X, Y, test, out, goal, max_units, s) for s in range(args.seeds)]
                units, mse, score, secs = zip(*rows)
                met = sum(m <= goal * (1 + 1e-6) for m in mse)
                kind = "{:.3f}" if test is not None else "{:.1%}"
                print(
                    f"| {name} | {lib} | {_cell(units, '{:.0f}')} | {_cell(mse, '{:.4f}')} "
                    f"| {met}/{len(rows)} | {_cell(score, kind)} | {_cell(secs, '{:.2f}')} |"
                )


if __name__ == "__main__":
    main()
