"""GA/PSO/DE-chosen initial weights against restarts, at the same compute budget.

On four data sets that ship with scikit-learn (diabetes regression; breast cancer, wine and
iris classification), ten 70/30 train/test splits each, the estimators are fitted with
the same settings (hidden (10,), l2 1e-3, the default preset otherwise: standard scaling,
scaled conjugate gradient, division "refit", epochs 200) and five ways to start:

* ``nw``: one Nguyen-Widrow initialisation (``n_restarts=1``), the reference;
* ``ga``, ``pso``, ``de``: ``init="ga"`` ... (600-evaluation population search, then BP);
* ``restarts``: ``n_restarts=R`` Nguyen-Widrow starts, the best on validation kept, with R
  chosen per data set so that its loss evaluations match the search methods' (below).

Budget: every call of ``Objective.value`` or ``Objective.value_and_grad`` counts as one
loss evaluation (the search's evaluations are forward passes only, BP's carry a gradient
too, so at equal counts the search methods spend somewhat *less* arithmetic than the
restarts); the table also gives the wall time. R = ceil(mean evaluations of the search
fits / evaluations of the one-start fit), at least 2, then raised once by the measured
cost per extra start, so that the restarts get about the searches' count. With division
"refit" the search runs twice per fit (the selection run and the refit on all rows), as a
user's fit does.

Run: ``python benchmarks/bench_init.py [--json out.json]`` (1-2 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
import warnings

SETTINGS = dict(hidden=(10,), l2=1e-3, warn=False)
SEEDS = range(10)
SEARCHES = ("ga", "pso", "de")


class _Counter:
    """Counts Objective.value / value_and_grad calls (the budget's unit)."""

    def __init__(self):
        from bpnn.objective import Objective

        self.n, self._cls = 0, Objective
        self._orig = Objective.value, Objective.value_and_grad
        counter = self

        def value(obj, w):
            counter.n += 1
            return counter._orig[0](obj, w)

        def value_and_grad(obj, w):
            counter.n += 1
            return counter._orig[1](obj, w)

        Objective.value, Objective.value_and_grad = value, value_and_grad

    def close(self):
        self._cls.value, self._cls.value_and_grad = self._orig


def _datasets():
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine

    return {
        "diabetes": (load_diabetes, "regression"),
        "breast_cancer": (load_breast_cancer, "classification"),
        "wine": (load_wine, "classification"),
        "iris": (load_iris, "classification"),
    }


def _fit(task, X, y, seed, counter, **kw):
    from bpnn import BPClassifier, BPRegressor

    cls = BPRegressor if task == "regression" else BPClassifier
    counter.n = 0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(random_state=seed, **SETTINGS, **kw).fit(X, y)
    start = model.selection_record_ or model.record_
    return model, counter.n, time.perf_counter() - t0, float(start.loss[0])


def run(seeds=SEEDS):
    from sklearn.model_selection import train_test_split

    counter = _Counter()
    rows = []
    try:
        for name, (loader, task) in _datasets().items():
            X, y = loader(return_X_y=True)
            res = {m: [] for m in ("nw", *SEARCHES, "restarts")}
            splits = [
                train_test_split(
                    X,
                    y,
                    test_size=0.3,
                    random_state=s,
                    stratify=None if task == "regression" else y,
                )
                for s in seeds
            ]
            for s, (Xtr, Xte, ytr, yte) in zip(seeds, splits):
                for m in ("nw", *SEARCHES):
                    kw = {} if m == "nw" else {"init": m}
                    model, evals, sec, start = _fit(task, Xtr, ytr, s, counter, **kw)
                    res[m].append((model.score(Xte, yte), evals, sec, start))
            one = statistics.mean(r[1] for r in res["nw"])
            search = statistics.mean(r[1] for m in SEARCHES for r in res[m])
            R = max(2, math.ceil(search / one))
            for _ in range(2):  # a second pass corrects R by the measured cost per start
                res["restarts"] = []
                for s, (Xtr, Xte, ytr, yte) in zip(seeds, splits):
                    model, evals, sec, start = _fit(task, Xtr, ytr, s, counter, n_restarts=R)
                    res["restarts"].append((model.score(Xte, yte), evals, sec, start))
                got = statistics.mean(r[1] for r in res["restarts"])
                per_start = (got - one) / (R - 1)
                if got >= search:
                    break
                R += math.ceil((search - got) / per_start)
            for m, rs in res.items():
                scores = [r[0] for r in rs]
                rows.append(
                    {
                        "data": name,
                        "metric": "R^2" if task == "regression" else "accuracy",
                        "method": m if m != "restarts" else f"restarts x{R}",
                        "score_mean": statistics.mean(scores),
                        "score_sd": statistics.stdev(scores),
                        "evals": statistics.mean(r[1] for r in rs),
                        "seconds": statistics.mean(r[2] for r in rs),
                        "start_loss": statistics.mean(r[3] for r in rs),
                    }
                )
    finally:
        counter.close()
    return rows


def table(rows):
    out = [
        "| data (test metric) | start | test score, mean ± sd of 10 splits | loss evals "
        "per fit | s per fit | training loss at epoch 0 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['data']} ({r['metric']}) | {r['method']} | {r['score_mean']:.4f} ± "
            f"{r['score_sd']:.4f} | {r['evals']:.0f} | {r['seconds']:.2f} | "
            f"{r['start_loss']:.4g} |"
        )
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", help="also write the rows as JSON here")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    rows = run()
    print(table(rows))
    print(f"\n({time.perf_counter() - t0:.0f} s in all)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
