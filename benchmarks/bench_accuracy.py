"""Accuracy out of the box: bpnn's defaults vs scikit-learn's MLP vs bpnn's MATLAB preset.

Repeated k-fold cross-validation (default 3 x 5, shuffled, seeds 0..repeats-1, stratified for
classification) on the classic small tabular sets, synthetic problems and bpnn's shipped
sets, every side with its own defaults and nothing tuned:

* ``bpnn``: ``BPClassifier()`` / ``BPRegressor()`` (preset "default");
* ``sklearn``: ``MLPClassifier()`` / ``MLPRegressor()`` after a ``StandardScaler``; the
  regressor's targets are standardised too (``TransformedTargetRegressor``), without which
  its 200 Adam epochs do not reach the targets' scale (diabetes R² -1.03);
* ``matlab``: ``BPClassifier(preset="matlab")`` / ``BPRegressor(preset="matlab")``.

Every side sees the same folds; scores are accuracy or R² on the held-out fold. The fit time
is the sum over all folds (one BLAS thread, so the sides compete on equal terms). The
``diff`` column is bpnn - sklearn, averaged over the folds, with its standard error over the
paired folds (the fold-to-fold noise of the comparison).

    python benchmarks/bench_accuracy.py                # the full suite (about 10 minutes)
    python benchmarks/bench_accuracy.py --quick        # 1 x 5 folds on a few sets
    python benchmarks/bench_accuracy.py --markdown     # the table for docs/benchmarks.md

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np


def _suite():
    """name -> (loader returning X, y, task); the order of the printed table."""
    from sklearn import datasets as D

    from bpnn import dataset_names, load_dataset

    def shipped(name):
        def load():
            ds = load_dataset(name)
            X = ds.frame[ds.features].to_numpy(float)
            y = ds.frame[ds.target[0]].to_numpy()
            return X, (y if ds.task == "classification" else y.astype(float)), ds.task

        return load

    def synth(fn, task, **kw):
        return lambda: (*fn(random_state=0, **kw), task)

    suite = {n: shipped(n) for n in ("iris", "wine", "breast_cancer", "diabetes")}
    suite["digits"] = lambda: (*D.load_digits(return_X_y=True), "classification")
    suite["friedman1"] = synth(D.make_friedman1, "regression", n_samples=500, noise=1.0)
    suite["friedman2"] = synth(D.make_friedman2, "regression", n_samples=500, noise=50.0)
    suite["friedman3"] = synth(D.make_friedman3, "regression", n_samples=500, noise=0.1)
    for n in (300, 1000, 3000):
        suite[f"classification_{n}"] = synth(
            D.make_classification, "classification", n_samples=n, n_features=20, n_informative=5
        )
    # the shipped sets big enough for 5 folds (xor, parity3 and the tutorial's one sample
    # are not): sine, plus those above
    for name in dataset_names():
        if name == "sine":
            suite[name] = shipped(name)
    return suite


def _sides(task):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from bpnn import BPClassifier, BPRegressor

    if task == "classification":
        return {
            "bpnn": BPClassifier(random_state=0),
            "sklearn": make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
            "matlab": BPClassifier(preset="matlab", random_state=0),
        }
    sk = make_pipeline(StandardScaler(), MLPRegressor(random_state=0))
    return {
        "bpnn": BPRegressor(random_state=0),
        "sklearn": TransformedTargetRegressor(sk, transformer=StandardScaler()),
        "matlab": BPRegressor(preset="matlab", random_state=0),
    }


def run_one(X, y, task, repeats, folds):
    """{side: (scores (repeats*folds,), total fit seconds)} on shared folds."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold

    split = StratifiedKFold if task == "classification" else KFold
    sides = _sides(task)
    scores = {k: [] for k in sides}
    times = dict.fromkeys(sides, 0.0)
    for r in range(repeats):
        for tr, te in split(folds, shuffle=True, random_state=r).split(X, y):
            for name, est in sides.items():
                m = clone(est)
                t = time.perf_counter()
                m.fit(X[tr], y[tr])
                times[name] += time.perf_counter() - t
                scores[name].append(m.score(X[te], y[te]))
    return {k: (np.asarray(scores[k]), times[k]) for k in sides}


def _row(name, task, res):
    b, s = res["bpnn"][0], res["sklearn"][0]
    d = b - s
    se = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan")
    cells = [name, "acc" if task == "classification" else "R²"]
    for side in ("bpnn", "sklearn", "matlab"):
        sc, t = res[side]
        cells += [f"{sc.mean():.4f} ± {sc.std():.4f}", f"{t:.2f}"]
    cells.append(f"{d.mean():+.4f} ± {se:.4f}")
    return cells


HEADER = [
    "data set",
    "score",
    "bpnn default",
    "fit s",
    "sklearn MLP",
    "fit s",
    "bpnn matlab",
    "fit s",
    "diff bpnn-sklearn ± se",
]


def _print(rows, markdown):
    if markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "|".join("---" for _ in HEADER) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for r in [HEADER, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--datasets", help="comma-separated subset of the suite")
    p.add_argument("--quick", action="store_true", help="1 x 5 folds on iris, wine, diabetes")
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    a = p.parse_args(argv)
    from threadpoolctl import threadpool_limits

    import bpnn

    suite = _suite()
    names = a.datasets.split(",") if a.datasets else list(suite)
    repeats = a.repeats
    if a.quick:
        names, repeats = ["iris", "wine", "diabetes"], 1
    unknown = [n for n in names if n not in suite]
    if unknown:
        p.error(f"unknown data set(s) {unknown}; the suite is {list(suite)}")
    warnings.filterwarnings("ignore")  # ConvergenceWarnings of every side
    rows, totals, means = [], {"bpnn": 0.0, "sklearn": 0.0, "matlab": 0.0}, []
    t0 = time.perf_counter()
    with threadpool_limits(a.threads):
        for n in names:
            X, y, task = suite[n]()
            res = run_one(X, y, task, repeats, a.folds)
            rows.append(_row(n, task, res))
            for side in totals:
                totals[side] += res[side][1]
            means.append([res[s][0].mean() for s in ("bpnn", "sklearn", "matlab")])
            if not a.markdown:
                print(" ".join(rows[-1][:1] + rows[-1][2:]), flush=True)
    m = np.mean(means, axis=0)
    rows.append(
        [
            "**mean / total**" if a.markdown else "mean / total",
            "",
            f"{m[0]:.4f}",
            f"{totals['bpnn']:.1f}",
            f"{m[1]:.4f}",
            f"{totals['sklearn']:.1f}",
            f"{m[2]:.4f}",
            f"{totals['matlab']:.1f}",
            f"{m[0] - m[1]:+.4f}",
        ]
    )
    print(
        f"\n{repeats} x {a.folds}-fold CV, {a.threads} BLAS thread(s), bpnn {bpnn.__version__},"
        f" python {platform.python_version()}, run {time.perf_counter() - t0:.0f} s; "
        f"fit time bpnn/sklearn = {totals['bpnn'] / totals['sklearn']:.2f}, "
        f"matlab/sklearn = {totals['matlab'] / totals['sklearn']:.2f}\n"
    )
    _print(rows, a.markdown)


if __name__ == "__main__":
    main()
