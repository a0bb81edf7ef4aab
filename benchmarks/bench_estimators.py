"""The estimators as a scikit-learn user calls them: ``fit`` and one-row ``predict_proba``.

* ``BPClassifier.fit`` against ``MLPClassifier.fit`` with the same settings: 784-256-128-10
  relu/softmax, plain SGD (lr 0.1, batch 128, no momentum, no weight decay), 5 epochs, a
  shuffle per epoch, every row trained (``division="none"``), no input scaling, on 20,000
  float32 rows (bpnn keeps float32 with ``dtype="auto"``, as scikit-learn does). Each side's
  whole ``fit`` call is timed, validation and set-up included, the two sides taking turns;
  2 BLAS threads.
* ``BPClassifier.predict_proba`` on one row against ``MLPClassifier.predict_proba`` on one
  row, both fitted on iris (4-10-3), one thread: the median of many calls, each with its
  input checks, as a user pays them in a loop.
"""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np
from bench_common import Row, fmt_s, threads

SIZES = (784, 256, 128, 10)


def _data(n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, SIZES[0]), dtype=np.float32)
    teacher = rng.normal(size=(SIZES[0], SIZES[-1])).astype(np.float32)
    return X, np.argmax((X - 0.5) @ teacher, axis=1)


def _bp_classifier(**kw):
    from bpnn import BPClassifier

    return BPClassifier(
        hidden=SIZES[1:-1],
        activation="relu",
        algorithm="sgd",
        algorithm_params={"batch_size": 128, "lr": 0.1},
        epochs=5,
        division="none",
        scaling="none",
        l2=0.0,
        random_state=0,
        warn=False,
        **kw,
    )


def _mlp_classifier():
    from benchmarks.peers.sklearn_peer import make_classifier

    return make_classifier(SIZES[1:-1], batch_size=128, epochs=5, lr=0.1, seed=0)


def _time_fits(makers, X, y, repeats):
    """(min, median) seconds of ``make().fit(X, y)`` for each maker, the sides taking turns
    call by call after one uncounted warm-up round (caches, JIT), so that a burst of load
    from another process falls on both sides of the ratio."""
    from sklearn.exceptions import ConvergenceWarning

    ts = [[] for _ in makers]
    for i in range(repeats + 1):
        for side, make in enumerate(makers):
            est = make()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                t0 = time.perf_counter()
                est.fit(X, y)
                t = time.perf_counter() - t0
            if i:
                ts[side].append(t)
    return [(min(t), statistics.median(t)) for t in ts]


def _median_call(fn, x, calls):
    for _ in range(200):
        fn(x)
    ts = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn(x)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def run(repeats=3, calls=3000):
    from sklearn.datasets import load_iris
    from sklearn.neural_network import MLPClassifier

    from bpnn import BPClassifier

    rows = []
    X, y = _data()
    with threads(2):
        ours, theirs = _time_fits((_bp_classifier, _mlp_classifier), X, y, repeats)
    rows.append(
        Row(
            "BPClassifier.fit 20,000x784 f32, sgd batch 128, 5 epochs, 2 threads",
            "MLPClassifier.fit, same settings",
            ">= 1.2x",
            1.2,
            theirs[0] / ours[0],
            fmt_s(*ours),
            fmt_s(*theirs),
        )
    )

    Xi, yi = load_iris(return_X_y=True)
    with threads(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bp = BPClassifier(random_state=0).fit(Xi, yi)
        mlp = MLPClassifier(hidden_layer_sizes=(10,), max_iter=2000, random_state=0).fit(Xi, yi)
        row = Xi[:1].copy()
        ours = [_median_call(bp.predict_proba, row, calls) for _ in range(repeats)]
        theirs = [_median_call(mlp.predict_proba, row, calls) for _ in range(repeats)]
    rows.append(
        Row(
            "BPClassifier.predict_proba, one row (iris model), 1 thread",
            "MLPClassifier.predict_proba",
            ">= 3x",
            3.0,
            min(theirs) / min(ours),
            fmt_s(min(ours), statistics.median(ours)),
            fmt_s(min(theirs), statistics.median(theirs)),
        )
    )
    return rows


if __name__ == "__main__":
    for r in run():
        print(r.status, f"{r.ratio:.2f}", r.work, "|", r.ours, "|", r.theirs, r.note)
