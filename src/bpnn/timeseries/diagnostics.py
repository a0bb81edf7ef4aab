"""The numbers behind MATLAB's time-series diagnostics (ploterrcorr, plotinerrcorr,
plotresponse), as plain arrays for the report and the plots.

* :func:`error_autocorrelation` — the autocorrelation of the one-step errors for lags
  -max_lag..max_lag (1 at lag 0) with the 95 % band of white noise, ±1.96/√N: a model that
  has used all the structure of the series leaves errors inside the band at every lag ≠ 0.
* :func:`input_error_crosscorrelation` — the correlation of an input x(t) with the error
  e(t + k) for k in -max_lag..max_lag, same band: inside it, the errors hold nothing more
  that the input could explain.
* :func:`response` — target, output, error and split (initial / train / val / test) for
  every time step of a series, for the response plot.
* :func:`rolling_forecasts` and :func:`horizon_errors` — closed-loop forecasts of H steps
  from every origin of a stretch of the series (true values up to the origin), and their
  root-mean-square error at each horizon 1..H: multi-step error against horizon;
  :func:`baseline_forecasts` gives persistence and the seasonal naive forecast over the same
  origins, with the season from :func:`seasonal_period`.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "baseline_forecasts",
    "error_autocorrelation",
    "horizon_errors",
    "input_error_crosscorrelation",
    "response",
    "rolling_forecasts",
    "seasonal_period",
]


def _finite_1d(a, name):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{name} must be one series (1-D), got shape {a.shape}")
    return a


def _check_max_lag(max_lag, n):
    if isinstance(max_lag, bool) or int(max_lag) != max_lag or max_lag < 0:
        raise ValueError(f"max_lag must be an integer >= 0, got {max_lag!r}")
    return min(int(max_lag), n - 1)


def input_error_crosscorrelation(x, e, max_lag=20):
    """``(lags, r, band)``: r[k] = corr(x(t), e(t + lag_k)) over the times where both are
    finite; lags -max_lag..max_lag (max_lag capped at N - 1); band = 1.96 / sqrt(N)."""
    x, e = _finite_1d(x, "x"), _finite_1d(e, "e")
    if x.shape != e.shape:
        raise ValueError(f"x has {x.size} values but e has {e.size}")
    ok = np.isfinite(x) & np.isfinite(e)
    n = int(ok.sum())
    if n < 2:
        raise ValueError(f"need at least 2 finite pairs of values, got {n}")
    L = _check_max_lag(max_lag, n)
    xc = np.where(ok, x - x[ok].mean(), 0.0)
    ec = np.where(ok, e - e[ok].mean(), 0.0)
    denom = np.sqrt(np.sum(xc**2) * np.sum(ec**2))
    lags = np.arange(-L, L + 1)
    r = np.empty(lags.size)
    T = x.size
    for i, k in enumerate(lags):  # sum over t of x(t) e(t + k), the biased estimate
        r[i] = np.dot(xc[max(0, -k) : T - max(0, k)], ec[max(0, k) : T - max(0, -k)])
    r = r / denom if denom > 0 else np.zeros_like(r)
    return lags, r, 1.96 / np.sqrt(n)


def error_autocorrelation(e, max_lag=20):
    """``(lags, r, band)`` of the errors e (NaN where there is no prediction): r = 1 at
    lag 0; band = 1.96 / sqrt(N), N the number of finite errors."""
    return input_error_crosscorrelation(e, e, max_lag)


def starts_with_fitted_series(model, Y, Xa=None) -> bool:
    """Whether the rows of ``Y`` (and ``Xa``), checked arrays, begin with the series the model
    was fitted on, so that ``record_``'s positions apply to them: the same length (taken
    as the fitted series), or longer with the fitted series' last max_delay_ values (the
    ones kept in ``last_y_`` / ``last_X_``) at the same rows — the fitted series continued
    with later values."""
    n = getattr(model, "n_series_", None)
    if n is None or len(Y) < n:
        return False
    if len(Y) == n:
        return True
    D = model.max_delay_
    last_y, last_X = getattr(model, "last_y_", None), getattr(model, "last_X_", None)
    if last_y is None or not np.array_equal(Y[n - D : n], last_y):
        return False
    return last_X is None or Xa is None or np.array_equal(Xa[n - D : n], last_X)


def response(model, y, X=None):
    """A DataFrame with, for every time step of the series, ``target``, ``output`` (the
    open-loop, one-step prediction), ``error`` (target - output) and ``split``: "initial"
    for the first max_delay_ steps, else "train", "val", "test" — as in ``record_`` when
    ``y`` is the series the model was fitted on (the same length, or that series continued:
    see :func:`starts_with_fitted_series`), "new" for the times after the fitted series in
    a continued one, else "" (unknown)."""
    import pandas as pd

    out = model.predict_open_loop(y, X)
    Y, Xa = model._check_like_fit(y, X)
    P = np.asarray(out, dtype=np.float64).reshape(len(out), -1)
    split = np.full(len(out), "", dtype=object)
    split[: model.max_delay_] = "initial"
    rec = model.record_
    if rec is not None and starts_with_fitted_series(model, Y, Xa):
        for name, idx in (("train", rec.train_idx), ("val", rec.val_idx), ("test", rec.test_idx)):
            if idx is not None:
                split[np.asarray(idx, dtype=np.int64)] = name
        split[model.n_series_ :] = "new"  # the fitted series continued: times it never saw
    index = getattr(y, "index", None)
    cols = {}
    names = list(model.target_names_)
    for j, name in enumerate(names):
        tag = "" if len(names) == 1 else f"_{name}"
        cols[f"target{tag}"] = Y[:, j]
        cols[f"output{tag}"] = P[:, j]
        cols[f"error{tag}"] = Y[:, j] - P[:, j]
    cols["split"] = split
    return pd.DataFrame(cols, index=index)


def rolling_forecasts(model, y, X=None, horizon=10, start=None):
    """Closed-loop forecasts of ``horizon`` steps from every origin s with
    ``start <= s <= T - horizon`` (default start: the model's max delay), each from the
    true values before s (and X over the whole window), all run side by side.

    Returns ``(origins, forecasts, truth)``: positions s (B,), forecasts and the true
    values (B, horizon, n_targets) in the series' units; forecasts[b, h] predicts
    position origins[b] + h.
    """
    from ..estimators import _check_number

    H = _check_number("horizon", horizon, low=1, integer=True)
    Y, Xa = model._check_like_fit(y, X)
    D, T = model.max_delay_, Y.shape[0]
    s0 = D if start is None else max(D, _check_number("start", start, low=0, integer=True))
    if s0 > T - H:
        raise ValueError(
            f"no origin for {H}-step forecasts: the series has {T} rows, the first origin is {s0}"
        )
    origins = np.arange(s0, T - H + 1)
    fc = model._rolling(Y, Xa, origins, H).mean(axis=0)  # an ensemble's: the mean path
    truth = np.stack([Y[s : s + H] for s in origins])
    return origins, fc, truth


def horizon_errors(model, y, X=None, horizon=10, start=None):
    """Root-mean-square error of :func:`rolling_forecasts` at each horizon: an array
    (horizon,), element h-1 over every origin and target series."""
    _, fc, truth = rolling_forecasts(model, y, X, horizon, start)
    return np.sqrt(np.mean((fc - truth) ** 2, axis=(0, 2)))


def seasonal_period(y, max_period=None):
    """The season length a series shows, or None: the lag m in 2..max_period (default
    min(N // 3, 400)) where the autocorrelation of the series, its straight-line trend
    removed, peaks highest, counted only when that peak is a local maximum above the
    white-noise band 1.96/√N. ``y``: (N,) or (N, k) (the first column is used)."""
    v = np.asarray(y, dtype=np.float64)
    v = v[:, 0] if v.ndim == 2 else v
    v = v[np.isfinite(v)]
    n = v.size
    L = min(n // 3, 400) if max_period is None else min(int(max_period), n - 2)
    if L < 2:
        return None
    t = np.arange(n)
    v = v - np.polyval(np.polyfit(t, v, 1), t)  # a trend would make every lag look alike
    denom = float(np.dot(v, v))
    if denom == 0:
        return None
    r = np.array([np.dot(v[: n - k], v[k:]) / denom for k in range(L + 2)])
    peaks = [k for k in range(2, L + 1) if r[k] > r[k - 1] and r[k] >= r[k + 1]]
    peaks = [k for k in peaks if r[k] > 1.96 / np.sqrt(n)]
    return max(peaks, key=lambda k: r[k]) if peaks else None


def baseline_forecasts(Y, origins, horizon, season=None):
    """The two classical baselines over the same origins as :func:`rolling_forecasts`:
    persistence (the last known value, y(s-1), at every horizon) and, with a ``season``
    m, the seasonal naive forecast (the value one season before, in the last season
    known: y(s + h - m·⌈(h+1)/m⌉) for horizon h = 0..H-1). Origins need s >= m.

    Returns a dict name -> array (B, horizon, n_targets): "persistence" and, with a
    season, "seasonal naive (m=M)"."""
    Y = np.asarray(Y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    origins = np.asarray(origins, dtype=np.int64)
    h = np.arange(horizon)
    out = {"persistence": np.repeat(Y[origins - 1][:, None, :], horizon, axis=1)}
    if season:
        m = int(season)
        if origins.size and origins.min() < m:
            raise ValueError(f"a seasonal naive forecast of season {m} needs origins >= {m}")
        back = m * ((h // m) + 1)  # the same point of the season, in the last known one
        out[f"seasonal naive (m={m})"] = Y[origins[:, None] + h[None, :] - back[None, :]]
    return out
