"""Coverage of BPForecaster's forecast intervals on origins the model never saw.

For each series and seed: fit on the first N values (block division 70/15/15, so the
conformal residuals come from the last 30 % of those N), then from every origin s of the
next stretch forecast H steps closed loop from the true values before s and check whether
each true value y(s + h) falls inside the 90 % interval. Reported per method: the pooled
coverage over all (seed, origin, step), its range over the seeds, the coverage at steps 1
and H, and the mean half-width at step 1 and H.

* ``conformal k=1``: one network, split conformal per step (the default);
* ``conformal k=5``: an ensemble of five, conformal on the ensemble's residuals;
* ``spread k=5``: the same ensemble, mean ± z·sd of the members (uncalibrated);
* ``default preset``: ``BPForecaster()`` with nothing set but ``interval_horizon``: the
  structure searched, the final network trained on all N values, the residuals from the
  searched candidate on the search's validation block (the last 20 % of N).

The first three pin the series' structure, Levenberg-Marquardt and the block division
(MATLAB's training, as before the automatic structure became the default).

Series: a noisy sine (period 20, noise sd 0.25; N = 800, 300 origins), an AR(2) process
(y(t) = 1.2 y(t-1) - 0.5 y(t-2) + e(t), e ~ N(0, 1); N = 800, 300 origins) and the shipped
yearly sunspots (fit 1700-1946, origins 1947-1999; seeds vary the initial weights only).

    python benchmarks/bench_forecast_intervals.py            # about a minute
    python benchmarks/bench_forecast_intervals.py --seeds 3  # quicker

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import bpnn
from bpnn.timeseries import BPForecaster

COVERAGE = 0.9


def noisy_sine(n, seed):
    t = np.arange(n)
    return np.sin(2 * np.pi * t / 20) + 0.25 * np.random.default_rng(seed).standard_normal(n)


def ar2(n, seed):
    e = np.random.default_rng(seed).standard_normal(n + 200)
    y = np.zeros(n + 200)
    for t in range(2, n + 200):
        y[t] = 1.2 * y[t - 1] - 0.5 * y[t - 2] + e[t]
    return y[200:]  # the start-up transient dropped


def sunspots(n, seed):
    return bpnn.load_dataset("sunspots").frame["sunspots"].to_numpy(dtype=float)


#: name -> (series(n, seed), N fitted, origins, H, forecaster parameters, series varies by seed)
SERIES = {
    "noisy sine": (noisy_sine, 800, 300, 10, dict(feedback_delays=(1, 2, 3, 4), hidden=4), True),
    "AR(2)": (ar2, 800, 300, 10, dict(feedback_delays=(1, 2), hidden=3), True),
    "sunspots": (sunspots, 247, 53, 10, dict(feedback_delays="1:12", hidden=4), False),
}
PINNED = dict(algorithm="lm", division="block")
METHODS = (("conformal k=1", 1, "conformal"), ("conformal k=5", 5, "conformal"))
METHODS += (("spread k=5", 5, "spread"), ("default preset", 0, "conformal"))


def measure(name, seeds):
    make, N, M, H, params, varies = SERIES[name]
    out = {m: {"hits": [], "hw": [], "per_seed": []} for m, _, _ in METHODS}
    for seed in range(seeds):
        y = make(N + M + H, seed if varies else 0)
        models = {}
        for label, k, method in METHODS:
            if k not in models:
                given = dict(n_ensemble=k, **PINNED, **params) if k else {}
                models[k] = BPForecaster(
                    interval_horizon=H, random_state=seed, warn=False, **given
                ).fit(y[:N])
            m, hits, hws = models[k], [], []
            for s in range(N, N + M):
                lo, hi = m.predict_interval(H, last_window=y[:s], coverage=COVERAGE, method=method)
                lo, hi = np.ravel(lo), np.ravel(hi)
                hits.append((lo <= y[s : s + H]) & (y[s : s + H] <= hi))
                hws.append((hi - lo) / 2)
            out[label]["hits"] += hits
            out[label]["hw"] += hws
            out[label]["per_seed"].append(float(np.mean(hits)))
    return out, {label: len(models[k].interval_origins_) for label, k, _ in METHODS}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    print(f"nominal coverage {COVERAGE}, {args.seeds} seeds\n")
    print(
        "| series | method | calibration origins | coverage | range over seeds "
        "| step 1 | step H | half-width step 1 | step H |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in SERIES:
        t0 = time.perf_counter()
        res, n_cal = measure(name, args.seeds)
        H = SERIES[name][3]
        for label, r in res.items():
            hits, hw = np.asarray(r["hits"]), np.asarray(r["hw"])
            lo, hi = min(r["per_seed"]), max(r["per_seed"])
            print(
                f"| {name} | {label} | {n_cal[label]} | {hits.mean():.3f} | {lo:.3f}–{hi:.3f} "
                f"| {hits[:, 0].mean():.3f} | {hits[:, -1].mean():.3f} "
                f"| {hw[:, 0].mean():.3g} | {hw[:, -1].mean():.3g} |"
            )
        print(f"<!-- {name}: {time.perf_counter() - t0:.1f} s (H = {H}) -->")


if __name__ == "__main__":
    main()
