"""Time-series benchmarks of BPForecaster (published in docs/timeseries.md).

(a) Sunspots with the split of Weigend, Huberman & Rumelhart (1990): fit on 1700-1920,
    one-step predictions of 1921-1955 and 1956-1979. Average relative variance
    ARV(S) = sum_S (y - yhat)^2 / (N_S * sigma^2), sigma^2 the variance of the whole record
    1700-1979 (Weigend et al.'s normalisation), and the per-set variant
    sum_S (y - yhat)^2 / sum_S (y - mean_S)^2. A 12-8-1 NAR network (12 lags, as the
    papers) over five seeds, MATLAB-style (lm, early stopping) and with Bayesian
    regularisation (br, 12-4-1), beside an AR(12) fitted by least squares on the same years.
(b) Closed-loop RMSE against horizon: sunspots (NAR 1:12, fit on 1700-1920, origins
    1921..1979-H) and the Narendra plant (NARX 1:2 / 1:2, fit on steps 0-799, origins
    800..999-H), against a recursive scikit-learn MLPRegressor on the same lags
    (skforecast's ForecasterRecursive scheme: one-step regressor, predictions fed back;
    series standardised on the training values) and the persistence forecast.
(d) Time to fit, and to forecast 1,000 steps closed loop.

Run: python benchmarks/bench_timeseries.py   (about a minute on 2 cores)
"""

from __future__ import annotations

import time
import warnings

import numpy as np

SEEDS = (0, 1, 2, 3, 4)
SUN_LAGS = tuple(range(1, 13))


def _sunspots():
    import bpnn

    return bpnn.load_dataset("sunspots").frame.set_index("year")["sunspots"].astype(float)


def _plant():
    import bpnn

    df = bpnn.load_dataset("narendra_plant").frame
    return df["u"].to_numpy(float), df["y"].to_numpy(float)


def arv(truth, pred, var):
    truth, pred = np.asarray(truth, float), np.asarray(pred, float)
    return float(np.mean((truth - pred) ** 2) / var)


def arv_own(truth, pred):
    truth, pred = np.asarray(truth, float), np.asarray(pred, float)
    return float(np.sum((truth - pred) ** 2) / np.sum((truth - truth.mean()) ** 2))


#: the two sunspot networks: MATLAB's defaults (trainlm, early stopping on a block of the
#: last 15 % of the training years), and Bayesian regularisation (trainbr, no validation
#: rows, as MATLAB recommends for small noisy sets) with 4 hidden units
SUN_NETS = {
    "NAR 12-8-1 lm, early stop": dict(hidden=8, ratios=(0.85, 0.15, 0.0)),
    "NAR 12-4-1 br": dict(hidden=4, algorithm="br", division=None),
}


def sun_net(seed, name="NAR 12-8-1 lm, early stop", **kw):
    import bpnn

    # MATLAB's preset: what is not given (the algorithm, the division) is narnet's own
    params = dict(feedback_delays=SUN_LAGS, random_state=seed, warn=False, preset="matlab")
    params.update(SUN_NETS[name])
    params.update(kw)
    return bpnn.narnet(**params)


# -- (a) --------------------------------------------------------------------------------------
def ar_least_squares(y_train, lags):
    """AR(p) with an intercept by least squares: coefficients (1 + p,)."""
    from bpnn.timeseries import lag_matrix

    Z, T = lag_matrix(np.asarray(y_train, float)[:, None], None, lags, ())
    A = np.hstack([np.ones((len(Z), 1)), Z])
    coef, *_ = np.linalg.lstsq(A, T[:, 0], rcond=None)
    return coef


def ar_one_step(coef, y, lags):
    from bpnn.timeseries import lag_matrix

    Z, _ = lag_matrix(np.asarray(y, float)[:, None], None, lags, ())
    out = np.full(len(y), np.nan)
    out[max(lags) :] = coef[0] + Z @ coef[1:]
    return out


def bench_arv():
    y = _sunspots().loc[:1979]
    var = float(np.var(y.loc[1700:1979]))
    sets = {
        "train 1712-1920": (1712, 1920),
        "test 1921-1955": (1921, 1955),
        "test 1956-1979": (1956, 1979),
    }
    rows = {}
    for net in SUN_NETS:
        per_seed = {k: [] for k in sets}
        per_seed_own = {k: [] for k in sets}
        for seed in SEEDS:
            m = sun_net(seed, net).fit(y.loc[:1920])
            p = m.predict_open_loop(y)
            for k, (a, b) in sets.items():
                per_seed[k].append(arv(y.loc[a:b], p.loc[a:b], var))
                per_seed_own[k].append(arv_own(y.loc[a:b], p.loc[a:b]))
        rows[f"bpnn {net}"] = {
            k: f"{np.mean(v):.3f} ± {np.std(v):.3f}" for k, v in per_seed.items()
        }
        rows[f"  {net}, per-set var."] = {
            k: f"{np.mean(v):.3f} ± {np.std(v):.3f}" for k, v in per_seed_own.items()
        }
    coef = ar_least_squares(y.loc[:1920].to_numpy(), SUN_LAGS)
    p = ar_one_step(coef, y.to_numpy(), SUN_LAGS)
    ps = dict(zip(y.index, p))
    get = lambda a, b: [ps[t] for t in range(a, b + 1)]  # noqa: E731
    rows["AR(12) least squares"] = {
        k: f"{arv(y.loc[a:b], get(a, b), var):.3f}" for k, (a, b) in sets.items()
    }
    rows["  AR(12), per-set var."] = {
        k: f"{arv_own(y.loc[a:b], get(a, b)):.3f}" for k, (a, b) in sets.items()
    }
    return rows, var


# -- (b) --------------------------------------------------------------------------------------
class RecursiveMLP:
    """The skforecast ForecasterRecursive scheme with scikit-learn's MLPRegressor: a
    one-step regressor on the lags (and exogenous lags), its predictions fed back."""

    def __init__(self, lags, exog_lags=(), hidden=10, seed=0):
        self.lags, self.exog_lags, self.hidden, self.seed = lags, exog_lags, hidden, seed

    def fit(self, y, u=None):
        from sklearn.neural_network import MLPRegressor

        from bpnn.timeseries import lag_matrix

        self.my, self.sy = float(np.mean(y)), float(np.std(y))
        if u is not None:
            self.mu, self.su = float(np.mean(u)), float(np.std(u))
        ys, us = self._scale(y, u)
        Z, T = lag_matrix(
            ys[:, None], None if us is None else us[:, None], self.lags, self.exog_lags
        )
        self.reg = MLPRegressor(
            hidden_layer_sizes=(self.hidden,),
            max_iter=2000,
            early_stopping=True,
            random_state=self.seed,
            n_iter_no_change=20,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.reg.fit(Z, T[:, 0])
        return self

    def _scale(self, y, u):
        return (np.asarray(y, float) - self.my) / self.sy, None if u is None else (
            np.asarray(u, float) - self.mu
        ) / self.su

    def rolling(self, y, u, origins, H):
        """Forecasts (B, H) from every origin, true values before it."""
        ys, us = self._scale(y, u)
        D = max((*self.lags, *self.exog_lags))
        B = len(origins)
        buf = np.zeros((B, D + H))
        for b, s in enumerate(origins):
            buf[b, :D] = ys[s - D : s]
        for k in range(H):
            cols = []
            if us is not None:
                cols += [[us[s + k - d] for s in origins] for d in self.exog_lags]
            cols += [buf[:, D + k - d] for d in self.lags]
            row = np.column_stack(cols)
            buf[:, D + k] = self.reg.predict(row)
        return buf[:, D:] * self.sy + self.my


def _rmse_by_h(fc, truth):
    return np.sqrt(np.mean((np.asarray(fc) - np.asarray(truth)) ** 2, axis=0))


def bench_horizons():
    from bpnn.timeseries import rolling_forecasts
    import bpnn

    out = {}
    # sunspots
    y = _sunspots().loc[:1979].to_numpy()
    years = _sunspots().loc[:1979].index.to_numpy()
    start, H = int(np.flatnonzero(years == 1921)[0]), 12
    origins = np.arange(start, len(y) - H + 1)
    truth = np.stack([y[s : s + H] for s in origins])
    res = {f"bpnn {n}": [] for n in SUN_NETS}
    res["MLPRegressor recursive"] = []
    for seed in SEEDS:
        for net in SUN_NETS:
            m = sun_net(seed, net).fit(y[:start])
            _, fc, tr = rolling_forecasts(m, y, horizon=H, start=start)
            res[f"bpnn {net}"].append(_rmse_by_h(fc[:, :, 0], tr[:, :, 0]))
        r = RecursiveMLP(SUN_LAGS, hidden=8, seed=seed).fit(y[:start])
        res["MLPRegressor recursive"].append(_rmse_by_h(r.rolling(y, None, origins, H), truth))
    res = {k: np.mean(v, axis=0) for k, v in res.items()}
    res["persistence"] = _rmse_by_h(np.repeat(y[origins - 1][:, None], H, axis=1), truth)
    coef = ar_least_squares(y[:start], SUN_LAGS)
    buf = np.stack([y[s - 12 : s] for s in origins]).astype(float)
    for k in range(H):
        nxt = coef[0] + buf[:, -12:][:, ::-1] @ coef[1:]
        buf = np.hstack([buf, nxt[:, None]])
    res["AR(12) least squares"] = _rmse_by_h(buf[:, 12:], truth)
    out["sunspots"] = (res, H, len(origins))
    # plant
    u, y = _plant()
    start, H = 800, 20
    origins = np.arange(start, len(y) - H + 1)
    truth = np.stack([y[s : s + H] for s in origins])
    res = {"bpnn NARX 1:2/1:2, 10 hidden": [], "MLPRegressor recursive": []}
    for seed in SEEDS:
        m = bpnn.narxnet(
            preset="matlab",
            input_delays=(1, 2),
            feedback_delays=(1, 2),
            hidden=10,
            epochs=200,
            random_state=seed,
            warn=False,
        ).fit(y[:start], u[:start])
        _, fc, tr = rolling_forecasts(m, y, u, horizon=H, start=start)
        res["bpnn NARX 1:2/1:2, 10 hidden"].append(_rmse_by_h(fc[:, :, 0], tr[:, :, 0]))
        r = RecursiveMLP((1, 2), (1, 2), hidden=10, seed=seed).fit(y[:start], u[:start])
        res["MLPRegressor recursive"].append(_rmse_by_h(r.rolling(y, u, origins, H), truth))
    res = {k: np.mean(v, axis=0) for k, v in res.items()}
    res["persistence"] = _rmse_by_h(np.repeat(y[origins - 1][:, None], H, axis=1), truth)
    out["narendra_plant"] = (res, H, len(origins))
    return out


# -- (c) --------------------------------------------------------------------------------------
def _best_of(fn, repeats=3):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), float(np.median(ts))


def bench_times():
    import bpnn

    y = _sunspots().loc[:1920].to_numpy()
    u, yp = _plant()
    rows = {}

    def fit_sun():
        return sun_net(0).fit(y)

    def fit_br():
        return sun_net(0, "NAR 12-4-1 br").fit(y)

    def fit_plant():
        return bpnn.narxnet(hidden=10, epochs=200, random_state=0, warn=False, preset="matlab").fit(
            yp[:800], u[:800]
        )

    rows["fit sunspots NAR 12-8-1 lm, early stop (209 rows)"] = _best_of(fit_sun)
    rows["fit sunspots NAR 12-4-1 br (209 rows)"] = _best_of(fit_br)
    rows["fit plant NARX 4-10-1 lm, 200 epochs max (798 rows)"] = _best_of(fit_plant)
    m, mp = fit_sun(), fit_plant()
    x_future = np.random.default_rng(0).uniform(-1, 1, 1000)
    rows["forecast 1,000 steps NAR"] = _best_of(lambda: m.predict(1000), 5)
    rows["forecast 1,000 steps NARX"] = _best_of(lambda: mp.predict(1000, X=x_future), 5)
    r = RecursiveMLP((1, 2), (1, 2)).fit(yp[:800], u[:800])
    uu = np.concatenate([u, x_future])
    yy = np.concatenate([yp, np.zeros(1000)])
    rows["forecast 1,000 steps NARX, MLPRegressor recursive"] = _best_of(
        lambda: r.rolling(yy, uu, np.array([1000]), 1000), 3
    )
    return rows


def main():
    t0 = time.perf_counter()
    print("(a) Sunspots, one-step ARV (Weigend et al.'s split)")
    rows, var = bench_arv()
    print(f"    sigma^2 of 1700-1979 in the shipped data: {var:.1f}")
    print(
        f"    {'model':44s} {'train 1712-1920':>16s} {'test 1921-1955':>16s} "
        f"{'test 1956-1979':>16s}"
    )
    for name, r in rows.items():
        print(f"    {name:44s} " + " ".join(f"{v:>16s}" for v in r.values()))
    print("\n(b) Closed-loop RMSE against horizon (mean over seeds for the networks)")
    for series, (res, H, n) in bench_horizons().items():
        hs = [h for h in (1, 2, 3, 5, 8, 12, 16, 20) if h <= H]
        print(f"    {series}: {n} origins; horizon " + " ".join(f"{h:>7d}" for h in hs))
        for name, v in res.items():
            print(f"      {name:32s}" + " ".join(f"{v[h - 1]:7.3g}" for h in hs))
    print("\n(c) Times (min / median of repeats, seconds)")
    for name, (lo, med) in bench_times().items():
        print(f"    {name:54s} {lo:8.4f} / {med:.4f}")
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
