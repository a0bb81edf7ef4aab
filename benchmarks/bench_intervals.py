"""Coverage of ``BPRegressor.predict_interval`` on new data at 80/90/95 % nominal.

Three ways to calibrate, each over 20 repetitions (new data, new seeds):

* ``calibration=``: Friedman #1 (scikit-learn's ``make_friedman1``, noise 1), 400 training
  rows, 400 calibration rows given to ``fit``, 2000 new rows;
* ``division rows``: the same sizes, ``preset="matlab"`` on the 800 rows together: the
  70/15/15 division's validation and test rows (about 240) are the calibration rows; the
  validation rows also chose the stopping epoch, so they are not fully independent;
* ``ensemble k=5 + calibration=``: as the first, five networks averaged.

Also diabetes (442 rows): 60 % training, 20 % calibration, 20 % new rows, 20 random splits.
Printed: the mean share of new rows inside the interval (its standard deviation over the
repetitions) and the mean interval width. Run: ``python benchmarks/bench_intervals.py``.
"""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np

COVERAGES = (0.8, 0.9, 0.95)
REPS = 20
SETTINGS = dict(hidden=(10,), l2=1e-3, warn=False)


def _friedman(n, seed):
    from sklearn.datasets import make_friedman1

    return make_friedman1(n_samples=n, noise=1.0, random_state=seed)


def _fit(rep, how, X, y, Xc, yc):
    from bpnn import BPRegressor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if how == "division rows":
            return BPRegressor(preset="matlab", random_state=rep, **SETTINGS).fit(
                np.vstack([X, Xc]), np.concatenate([y, yc])
            )
        k = 5 if how.startswith("ensemble") else 1
        return BPRegressor(n_ensemble=k, random_state=rep, **SETTINGS).fit(
            X, y, calibration=(Xc, yc)
        )


def _friedman_rows():
    rows = []
    for how in ("calibration=", "division rows", "ensemble k=5 + calibration="):
        cov = {c: [] for c in COVERAGES}
        wid = {c: [] for c in COVERAGES}
        for rep in range(REPS):
            X, y = _friedman(400, 3 * rep)
            Xc, yc = _friedman(400, 3 * rep + 1)
            Xn, yn = _friedman(2000, 3 * rep + 2)
            model = _fit(rep, how, X, y, Xc, yc)
            for c in COVERAGES:
                lo, hi = model.predict_interval(Xn, coverage=c)
                cov[c].append(np.mean((yn >= lo) & (yn <= hi)))
                wid[c].append(float(np.mean(hi - lo)))
        rows.append(("friedman1", how, cov, wid))
    return rows


def _diabetes_rows():
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    cov = {c: [] for c in COVERAGES}
    wid = {c: [] for c in COVERAGES}
    for rep in range(REPS):
        Xa, Xn, ya, yn = train_test_split(X, y, test_size=0.2, random_state=rep)
        Xt, Xc, yt, yc = train_test_split(Xa, ya, test_size=0.25, random_state=rep)
        model = _fit(rep, "calibration=", Xt, yt, Xc, yc)
        for c in COVERAGES:
            lo, hi = model.predict_interval(Xn, coverage=c)
            cov[c].append(np.mean((yn >= lo) & (yn <= hi)))
            wid[c].append(float(np.mean(hi - lo)))
    return [("diabetes", "calibration=", cov, wid)]


def main():
    t0 = time.perf_counter()
    rows = _friedman_rows() + _diabetes_rows()
    head = " | ".join(f"{int(c * 100)} %: covered (sd), width" for c in COVERAGES)
    print(f"| data | calibration | {head} |")
    print("|---|---|" + "---|" * len(COVERAGES))
    for data, how, cov, wid in rows:
        cells = " | ".join(
            f"{statistics.mean(cov[c]):.3f} ({statistics.stdev(cov[c]):.3f}), "
            f"{statistics.mean(wid[c]):.3g}"
            for c in COVERAGES
        )
        print(f"| {data} | {how} | {cells} |")
    print(f"\n({time.perf_counter() - t0:.0f} s, {REPS} repetitions each)")


if __name__ == "__main__":
    main()
