"""Forecast intervals per horizon step: split conformal on rolling-origin closed-loop
residuals, or an ensemble's spread.

**Conformal (the default).** After fitting, the forecaster runs closed loop from every
origin s whose whole window of targets s, ..., s + H - 1 lies among the *held-out* target
times — those no member of the ensemble trained on (the validation and test parts of the
division; for a random division, the times held out of every member) — each run started
from the true values before s, as a real forecast is. The absolute residuals
``r[i, h] = |y(s_i + h) - ŷ_i(h)|`` (n origins × H steps × n_targets) are stored sorted per
step (``interval_scores_``); for coverage c the half-width at step h is the
``ceil((n + 1) c)``-th smallest of the n residuals at that step (split conformal: Vovk,
Gammerman & Shafer 2005; Lei et al. 2018; :mod:`bpnn.conformal`). One half-width per step
and target: a forecast's error grows with the horizon, and so does its interval.

The training targets never enter: a residual of a time the network was fitted on would be
smaller than a forecast's and the interval too narrow. The rows before an origin are read as
the run's history (its known past), not scored. Rolling origins overlap, so the residuals
are not exchangeable as split conformal assumes; for a stationary series the coverage is
close to nominal in practice (docs/timeseries.md gives a measured figure), not guaranteed.

**Spread.** For an ensemble (``n_ensemble >= 2``), ``mean ± z · sd`` per step, with ``sd``
the standard deviation (ddof = 1) of the members' own closed-loop trajectories and ``z`` the
standard normal quantile of (1 + c) / 2. It is not calibrated: it assumes the forecast error
is normal with the members' disagreement as its spread, and it leaves out the noise of the
series, so it is usually too narrow. It is what ``method="spread"`` gives, and what
``method="auto"`` falls back to (with a warning) when there are too few origins.
"""

from __future__ import annotations

import warnings
from statistics import NormalDist

import numpy as np

from ..conformal import _check_coverage, conformal_rank, min_calibration_rows

__all__ = [
    "MAX_AUTO_HORIZON",
    "MIN_ORIGINS",
    "calibrate",
    "calibration_origins",
    "conformal_halfwidth",
    "forecast_band",
    "held_out_positions",
    "interval_bounds",
    "spread_halfwidth",
]

#: the automatic calibration horizon stops at this many steps (the stored residuals are
#: n origins x H steps x n targets numbers)
MAX_AUTO_HORIZON = 100
#: the automatic horizon keeps at least this many origins where it can (0.95 needs 19)
MIN_ORIGINS = min_calibration_rows(0.95)
METHODS = ("auto", "conformal", "spread")


def calibration_origins(model) -> str:
    """Where the conformal residuals of ``model`` come from, as the CLI, the app and the
    report say it: held-out rolling origins, or (a model that trained on every time) the
    structure search's validation block."""
    if len(held_out_positions(model)):
        return "held-out rolling origins"
    return "rolling origins of the structure search's validation block"


def held_out_positions(model) -> np.ndarray:
    """Target positions (in the fitted series) that no member trained on, sorted."""
    D, n = model.max_delay_, model.n_series_
    used = np.zeros(n, dtype=bool)
    used[:D] = True  # the initial values are never targets
    for rec in model._member_records():
        if rec is None or rec.train_idx is None:
            return np.empty(0, dtype=np.int64)  # unknown split: nothing is safely unseen
        used[np.asarray(rec.train_idx, dtype=np.int64)] = True
    return np.flatnonzero(~used)


def _run_lengths(positions, n):
    """For each position p, how many consecutive positions p, p + 1, ... are listed."""
    mark = np.zeros(n + 1, dtype=np.int64)
    mark[positions] = 1
    run = np.zeros(n + 1, dtype=np.int64)
    for t in range(n - 1, -1, -1):  # run[t] = mark[t] * (1 + run[t + 1])
        run[t] = mark[t] * (1 + run[t + 1])
    return run[positions]


def _horizon(runs, asked):
    """The calibration horizon: ``asked``, or the longest h <= min(MAX_AUTO_HORIZON,
    n_held / 4) that leaves at least MIN_ORIGINS origins (else 1). A quarter: a block
    division's held-out stretch then gives >= 3/4 of its times as origins, so each step's
    quantile rests on as many residuals as the horizon allows."""
    if asked is not None:
        return int(asked)
    top = min(MAX_AUTO_HORIZON, max(1, len(runs) // 4))
    for h in range(top, 0, -1):
        if np.count_nonzero(runs >= h) >= MIN_ORIGINS:
            return h
    return 1


def calibrate(model, Y, Xa, searched=None):
    """Set ``interval_scores_`` (n, H, n_targets), sorted along the origins, and
    ``interval_origins_`` (n,) from the fitted series Y (T, n_y) and X (T, n_x) or None;
    both None when no window of H held-out times exists.

    The residuals are the model's own closed-loop errors from origins at times no member
    trained on. A model that trained on every time (``division=None``, the default
    preset's final fit) has none; then, when its structure was searched, ``searched`` —
    the chosen candidate fitted on the rows before the search's validation block — gives
    them, from origins in that block (times it never trained on). Its network saw fewer
    rows than the final one, so its errors, and the intervals, tend to be a little wide.
    """
    held = held_out_positions(model)
    runs = _run_lengths(held, model.n_series_)
    H = _horizon(runs, model.interval_horizon)
    origins = held[runs >= H]
    model.interval_scores_ = model.interval_origins_ = None
    if not len(origins):
        if searched is not None and not len(held):
            _calibrate_from_search(model, searched, Y, Xa)
        return
    paths = model._rolling(Y, Xa, origins, H).mean(axis=0)  # (n, H, n_y): the ensemble's
    truth = np.stack([Y[s : s + H] for s in origins])
    model.interval_scores_ = np.sort(np.abs(truth - paths), axis=0)
    model.interval_origins_ = origins


def _calibrate_from_search(model, searched, Y, Xa):
    """``interval_scores_`` from the searched candidate's closed-loop residuals at the
    origins after the rows it was fitted on (see :func:`calibrate`)."""
    from .diagnostics import rolling_forecasts

    cut = searched.n_series_  # the candidate fitted on rows 0..cut-1
    held = np.arange(max(cut, model.max_delay_), model.n_series_)
    runs = _run_lengths(held, model.n_series_)
    H = _horizon(runs, model.interval_horizon)
    if not np.count_nonzero(runs >= H):
        return
    origins, fc, truth = rolling_forecasts(searched, Y, Xa, horizon=H, start=int(held[0]))
    if not np.all(np.isfinite(fc)):
        return
    model.interval_scores_ = np.sort(np.abs(truth - fc), axis=0)
    model.interval_origins_ = origins


def conformal_halfwidth(scores, steps, coverage) -> np.ndarray:
    """Half-widths (steps, n_targets): per step h the ``ceil((n + 1) coverage)``-th
    smallest residual of step h. ValueError naming what is missing."""
    c = _check_coverage(coverage)
    if scores is None or not len(scores):
        raise ValueError(
            "conformal forecast intervals need closed-loop residuals from held-out "
            "times, and this model has none (division=None trains on every time, and "
            "files saved before intervals existed hold none): fit again with "
            "division='block' (validation and test after the training times)"
        )
    n, H = scores.shape[0], scores.shape[1]
    if steps > H:
        raise ValueError(
            f"the forecast intervals are calibrated for up to {H} steps, asked for "
            f"{steps}: forecast at most {H} steps with intervals, or fit with "
            f"interval_horizon={steps} (it needs a held-out stretch that long)"
        )
    k = conformal_rank(n, c)
    if k > n:
        raise ValueError(
            f"coverage={coverage!r} needs at least {min_calibration_rows(c)} calibration "
            f"origins for a finite interval; the model has {n}: hold out more of the "
            "series, lower interval_horizon, or ask for a lower coverage"
        )
    return scores[k - 1, :steps]


def spread_halfwidth(paths, coverage) -> np.ndarray:
    """``z · sd`` (steps, n_targets) from the members' trajectories ``paths`` (k, steps,
    n_targets): sd over the members (ddof = 1), z the normal quantile of (1 + c) / 2."""
    c = _check_coverage(coverage)
    if paths.shape[0] < 2:
        raise ValueError(
            "spread intervals need an ensemble: this model is one network (fit it with "
            "n_ensemble >= 2), or use method='conformal'"
        )
    return NormalDist().inv_cdf((1.0 + c) / 2.0) * np.std(paths, axis=0, ddof=1)


def _conformal_problem(model, steps, coverage):
    """Why conformal intervals cannot be given here (a sentence), or None."""
    try:
        conformal_halfwidth(model.__dict__.get("interval_scores_"), steps, coverage)
    except ValueError as exc:
        return str(exc)
    return None


def interval_bounds(model, paths, steps, coverage, method):
    """``(mean, lower, upper, used)``, arrays (steps, n_targets) and the method used, from
    the members' trajectories ``paths`` (k, steps, n_targets)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    _check_coverage(coverage)
    mean = paths.mean(axis=0)
    used = method
    if method == "auto":
        why = _conformal_problem(model, steps, coverage)
        used = "conformal" if why is None or paths.shape[0] < 2 else "spread"
        if used == "spread":
            warnings.warn(
                f"{why.rstrip('.')}; using the ensemble's spread instead (mean ± z·sd of "
                "the members' forecasts: not calibrated, usually too narrow)",
                UserWarning,
                stacklevel=3,
            )
    if used == "conformal":
        hw = conformal_halfwidth(model.__dict__.get("interval_scores_"), steps, coverage)
    else:
        hw = spread_halfwidth(paths, coverage)
    return mean, mean - hw, mean + hw, used


def forecast_band(model, paths, coverage=0.9):
    """A band to draw around a forecast of any length: ``(lower, upper, method)`` over the
    first k steps (arrays (k, n_targets)) — conformal over the steps the calibration covers
    (k = min(steps, H)), else an ensemble's spread over every step, else None. ``paths``:
    the members' trajectories (n_ensemble, steps, n_targets)."""
    scores = model.__dict__.get("interval_scores_")
    steps = paths.shape[1]
    k = steps if scores is None else min(steps, scores.shape[1])
    mean = paths.mean(axis=0)
    try:
        hw, method = conformal_halfwidth(scores, k, coverage), "conformal"
    except ValueError:
        if paths.shape[0] < 2:
            return None
        k, hw, method = steps, spread_halfwidth(paths, coverage), "spread"
    return mean[:k] - hw, mean[:k] + hw, method
