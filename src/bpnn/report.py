"""The training report: one self-contained HTML file (MATLAB's training window, on paper).

Built from a :class:`~bpnn.TrainingRecord`, a :class:`~bpnn.Network` and, when given, the
data with the model's outputs (:class:`ReportData`). Figures are embedded as base64 PNG,
the style sheet is inline and there is no script, so the file opens offline anywhere.

When the model and its data are at hand, :func:`inputs_from_model` adds an "Inputs"
section: input importance by the methods of :func:`bpnn.importance` and partial-dependence
profiles of the most important inputs (:func:`bpnn.partial_dependence`).

For a time-series model (:class:`~bpnn.timeseries.BPForecaster`), :func:`data_from_forecaster`
gives the one-step outputs as the report's data and :func:`series_from_model` a "Time
series" section: the response over time by split, the errors' autocorrelation and the
input–error cross-correlation with their 95 % bands, and a closed-loop forecast over the
held-out times beside the truth.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import html
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import plots
from ._format import significant

__all__ = [
    "ReportData",
    "InputsSummary",
    "split_metrics",
    "metric_names",
    "build_figures",
    "render_pngs",
    "render_html",
    "write_report",
    "write_plots",
    "data_from_model",
    "inputs_from_model",
    "SeriesSummary",
    "series_from_model",
    "data_from_forecaster",
    "STOP_REASONS",
]

STOP_REASONS = {
    "goal met": "the training loss reached the goal",
    "min grad": "the gradient norm fell below min_grad: a (local) minimum or a plateau",
    "validation stop": "the validation loss rose max_fail epochs in a row; the parameters of "
    "the best validation epoch were restored",
    "max epochs": "the epoch budget ran out before any other rule fired",
    "time limit": "the time budget ran out",
    "diverged": "the loss stopped being finite; the best finite parameters were restored",
    "mu max": "Levenberg–Marquardt's μ reached its maximum: no step lowers the loss",
    "callback": "a callback asked to stop",
}


@dataclass
class ReportData:
    """The data a report shows, in original units.

    Attributes
    ----------
    task : "regression" or "classification"
    y_true, y_pred : arrays, shape (n, n_targets) for regression or (n,) class labels
    splits : dict
        "train"/"validation"/"test" -> index arrays into the rows (empty splits left out).
    proba : array (n, n_classes), optional — class probabilities (classifiers).
    classes : list, optional — class labels in the column order of ``proba``.
    X : array (n, n_features), optional — inputs, for the data summary.
    feature_names, target_names : lists of str
    members : list of arrays, optional — an ensemble's member predictions (regression,
        (n, n_targets) each) or probabilities (classification, (n, n_classes) each).
    sample_weight : array (n,), optional — per-row weights; the metrics weight every row
        by it (a weight of 2 counts as the row twice, 0 as the row removed).
    diagnosis : str, optional — what the fit warned about (the model's ``diagnosis_``),
        shown under the stop reason.
    """

    task: str
    y_true: np.ndarray
    y_pred: np.ndarray
    splits: dict = field(default_factory=dict)
    proba: np.ndarray | None = None
    classes: list | None = None
    X: np.ndarray | None = None
    feature_names: list = field(default_factory=list)
    target_names: list = field(default_factory=list)
    members: list | None = None
    sample_weight: np.ndarray | None = None
    #: the network's input names when they differ from the columns (a table map's
    #: encoded inputs, after dropped constant columns), for the network diagram
    network_inputs: list | None = None
    diagnosis: str | None = None

    def parts(self) -> dict:
        """Split name -> row indices, with "all" last (just "all" without splits)."""
        out = {
            k: np.asarray(v, dtype=np.int64)
            for k, v in self.splits.items()
            if v is not None and len(v)
        }
        out["all"] = np.arange(len(self.y_true))
        return out


def _weighted_pearson(t, y, w):
    """Pearson's R with row weights (w None: the plain one)."""
    if w is None:
        return plots._pearson(t, y)
    if t.size < 2 or w.sum() <= 0:
        return float("nan")
    dt, dy = t - np.average(t, weights=w), y - np.average(y, weights=w)
    vt, vy = float(np.sum(w * dt * dt)), float(np.sum(w * dy * dy))
    if vt <= 0 or vy <= 0:
        return float("nan")
    return float(np.sum(w * dt * dy) / math.sqrt(vt * vy))


def split_metrics(data: ReportData) -> dict:
    """Metrics per split: MSE, RMSE, MAE and R (regression) or accuracy and log loss;
    weighted by ``data.sample_weight`` when given (then also the split's total weight)."""
    out = {}
    sw = None if data.sample_weight is None else np.asarray(data.sample_weight, float).ravel()
    for name, idx in data.parts().items():
        t, y = data.y_true[idx], data.y_pred[idx]
        w = None if sw is None else sw[idx]
        m: dict[str, float] = {"n": int(len(idx))}
        if w is not None:
            m["weight"] = float(w.sum())
            if m["weight"] <= 0:  # every row of the split removed: nothing to measure
                out[name] = m
                continue
        mean = lambda v: float(np.average(v, weights=w))  # noqa: E731  (per row)
        if data.task == "classification":
            m["accuracy"] = mean((t == y).astype(float).reshape(len(idx), -1).mean(axis=1))
            if data.proba is not None:
                p = np.clip(data.proba[idx], 1e-15, 1.0)
                col = {c: j for j, c in enumerate(data.classes)}
                m["log loss"] = mean(-np.log([p[i, col[c]] for i, c in enumerate(t)]))
        else:
            e = (np.asarray(t, float) - np.asarray(y, float)).reshape(len(idx), -1)
            m["MSE"] = mean(np.mean(e**2, axis=1))
            m["RMSE"] = math.sqrt(m["MSE"])
            m["MAE"] = mean(np.mean(np.abs(e), axis=1))
            k = e.shape[1]  # outputs pooled, as MATLAB's regression plot
            m["R"] = _weighted_pearson(
                np.ravel(t).astype(float),
                np.ravel(y).astype(float),
                None if w is None else np.repeat(w, k),
            )
        out[name] = m
    return out


def data_from_model(model, X, y, record=None, task=None, sample_weight=None) -> ReportData:
    """Run ``model`` (a fitted bpnn estimator) on X and collect what a report needs
    (``sample_weight``: row weights for the metrics).

    The record's train/validation/test indices are used when they fit the rows of X
    (i.e. X is the data the model was trained on); otherwise all rows count as one set.
    """
    classes = getattr(model, "classes_", None)
    task = task or ("classification" if classes is not None else "regression")
    y_pred = np.asarray(model.predict(X))
    y_true = np.asarray(y)
    if task == "regression":
        y_pred = y_pred.reshape(len(y_true), -1).astype(float)
        y_true = y_true.reshape(len(y_true), -1).astype(float)
    else:
        y_true = y_true.reshape(-1)
    proba = (
        np.asarray(model.predict_proba(X))
        if task == "classification" and hasattr(model, "predict_proba")
        else None
    )
    if proba is not None and proba.ndim == 2 and proba.shape[1] != len(classes):
        proba = None  # e.g. multilabel output: no single-label ROC
    splits = {}
    if record is not None and record.train_idx is not None:
        idx = [i for i in (record.train_idx, record.val_idx, record.test_idx) if i is not None]
        n = len(y_true)
        if (
            idx
            and sum(len(i) for i in idx) == n
            and max(int(np.max(i, initial=-1)) for i in idx) < n
        ):
            splits = {
                "train": record.train_idx,
                "validation": record.val_idx,
                "test": record.test_idx,
            }
            splits = _ensemble_splits(model, record, n) or splits
    table = getattr(model, "table_map_", None)
    if table is not None and not table.passthrough_:  # text, booleans, missing values
        import pandas as pd

        Xa = pd.DataFrame(X).reset_index(drop=True)  # the user's columns, as they are
    else:
        Xa = np.asarray(X, dtype=float)
    members = None
    if len(getattr(model, "networks_", None) or ()) > 1 and (
        task == "regression" or proba is not None
    ):
        members = [np.asarray(m, dtype=float) for m in model._member_predictions(X)]
    return ReportData(
        task,
        y_true,
        y_pred,
        splits,
        proba,
        None if classes is None else list(classes),
        Xa,
        [str(c) for c in getattr(X, "columns", range(Xa.shape[1]))],
        [str(c) for c in getattr(y, "columns", [getattr(y, "name", "target")])],
        members=members,
        sample_weight=None if sample_weight is None else np.asarray(sample_weight, float),
        network_inputs=_network_inputs(model),
        diagnosis=getattr(model, "diagnosis_", None),
    )


def _network_inputs(model):
    """The encoded inputs' names that reach the network (constant ones dropped), or None
    for a model without a table map, or with PCA (the network then sees components)."""
    table = getattr(model, "table_map_", None)
    m = getattr(model, "input_map_", None)
    if table is None or table.passthrough_ or m is None:
        return None
    if getattr(m, "pca_components_", None) is not None:
        return None
    keep = getattr(m, "keep_", None)
    names = list(table.output_names_)
    if keep is None or len(keep) != len(names):
        return names
    return [n for n, k in zip(names, keep) if k]


# -- ensembles ------------------------------------------------------------------------------
def _ensemble_splits(model, record, n):
    """For an ensemble whose members had different splits (a random division draws one
    each): "train" = the rows some member trained on, "test" = the rows none did; None
    when the members share ``record``'s split (or it is not an ensemble)."""
    recs = [r for r in (getattr(model, "records_", None) or ()) if r is not None]
    if len(recs) < 2 or recs[0] is not record:
        return None

    def split(r):
        return [np.asarray([] if i is None else i) for i in (r.train_idx, r.val_idx, r.test_idx)]

    first = split(record)
    if all(all(map(np.array_equal, split(r), first)) for r in recs[1:]):
        return None
    used = np.zeros(n, dtype=bool)
    for r in recs:
        if r.train_idx is None or (len(r.train_idx) and int(np.max(r.train_idx)) >= n):
            return None
        used[np.asarray(r.train_idx, dtype=np.int64)] = True
    return {"train": np.flatnonzero(used), "test": np.flatnonzero(~used)}


def ensemble_spread(data: ReportData):
    """Per row: the members' spread (std of their predictions of the first target, or of
    their probabilities of the ensemble's class) and the ensemble's error (absolute error
    of the first target, or 1 for a wrong class); None without members."""
    if not data.members:
        return None
    M = np.stack(data.members)  # (k, n, width)
    if data.task == "regression":
        spread = M[:, :, 0].std(axis=0)
        err = np.abs(data.y_true[:, 0] - data.y_pred[:, 0])
    else:
        col = {c: j for j, c in enumerate(data.classes)}
        j = np.array([col[c] for c in data.y_pred])
        spread = M[:, np.arange(M.shape[1]), j].std(axis=0)
        err = (np.asarray(data.y_true) != np.asarray(data.y_pred)).astype(float)
    return spread, err


def _member_metrics(data: ReportData) -> list:
    """Rows [who, metric per split] for the ensemble and each member (RMSE or accuracy)."""
    key = "RMSE" if data.task == "regression" else "accuracy"
    rows = [["ensemble"] + [split_metrics(data)[s][key] for s in data.parts()]]
    for i, m in enumerate(data.members, start=1):
        pred = (
            m
            if data.task == "regression"
            else np.asarray(data.classes, dtype=object)[np.argmax(m, axis=1)]
        )
        one = dataclasses.replace(data, y_pred=pred, proba=None, members=None)
        rows.append([f"member {i}"] + [split_metrics(one)[s][key] for s in data.parts()])
    return rows


def _ensemble_html(data: ReportData, figures: dict) -> str:
    key = "RMSE" if data.task == "regression" else "accuracy"
    k = len(data.members)
    what = (
        "the standard deviation of the members' predictions"
        if data.task == "regression"
        else "the standard deviation of the members' probabilities of the predicted class"
    )
    rows = [[r[0]] + [float(f"{v:.4g}") for v in r[1:]] for r in _member_metrics(data)]
    out = [
        "<h2>Ensemble</h2>",
        f"<p>{k} networks, their outputs averaged. {'Accuracy' if key == 'accuracy' else key}"
        " of each member and of the ensemble, per split:</p>",
        _table(rows, [""] + list(data.parts())),
        f'<p class="sub">The spread is {what}: where they disagree, not an interval '
        "(see docs/uncertainty.md). When the members were trained on different random "
        'splits, "train" is the rows some member trained on and "test" the rows '
        "none did (some were validation rows, used for early stopping).</p>",
    ]
    if "ensemble_spread" in figures:
        out.append(_figure_html(*figures["ensemble_spread"]))
    return "\n".join(out)


# -- inputs ---------------------------------------------------------------------------------
@dataclass
class InputsSummary:
    """What the "Inputs" section shows (built by :func:`inputs_from_model`).

    Attributes
    ----------
    importance : dict {method: DataFrame} as returned by :func:`bpnn.importance`
    partial_dependence : dict {input: DataFrame} as returned by :func:`bpnn.partial_dependence`
    n_rows : the number of rows they were computed on
    notes : list of str, what was left out and why
    ylabel : what the partial-dependence profiles show
    X, feature_names : the rows used, for the profiles' decile ticks
    """

    importance: dict
    partial_dependence: dict
    n_rows: int
    notes: list = field(default_factory=list)
    ylabel: str = "output"
    X: np.ndarray | None = None
    feature_names: list = field(default_factory=list)


#: the figures of the Inputs section (build_figures' names)
INPUT_FIGURES = ("importance", "partial_dependence")


def inputs_from_model(
    model,
    data: ReportData,
    max_rows=1000,
    max_inputs=100,
    n_profiles=6,
    n_repeats=5,
    seed=0,
    min_held_out=50,
) -> InputsSummary | None:
    """Importance of every input (permutation, MIV, Olden, and Garson for one hidden layer)
    and the partial dependence of the ``n_profiles`` most important, on the report's data.

    When the data's splits hold at least ``min_held_out`` validation and test rows, only
    those rows are used (the network did not train on them); at most ``max_rows`` rows are
    used (a random subset beyond); with more than
    ``max_inputs`` inputs only the connection-weight methods run (the others cost a
    prediction per input and repeat). None when ``data`` has no inputs.
    """
    if data is None or data.X is None or not hasattr(model, "network_"):
        return None
    from .inspection import importance, partial_dependence

    table = hasattr(data.X, "iloc")  # the user's columns, text included (a table map)
    X = data.X if table else np.asarray(data.X, dtype=float)

    def take(A, rows):
        return A.iloc[rows].reset_index(drop=True) if hasattr(A, "iloc") else A[rows]

    y = data.y_true
    notes = []
    parts = data.parts()
    kept_out = [k for k in ("validation", "test") if k in parts]
    held = np.concatenate([parts[k] for k in kept_out] or [np.empty(0, dtype=np.int64)])
    if len(held) >= min_held_out:  # rows the network did not train on
        X, y = take(X, np.sort(held)), y[np.sort(held)]
        notes.append(f"computed on the {len(held)} held-out ({' and '.join(kept_out)}) rows")
    elif "train" in parts:
        notes.append(
            f"computed on all rows, the training rows included (fewer than "
            f"{min_held_out} held-out rows)"
        )
    if len(X) > max_rows:
        rows = np.sort(np.random.default_rng(seed).choice(len(X), max_rows, replace=False))
        notes.append(f"computed on {max_rows} rows drawn at random from {len(X)}")
        X, y = take(X, rows), y[rows]
    if data.task == "regression" and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    names = list(data.feature_names)
    if table:
        Xin, kw = X, dict[str, Any]()
        notes.append(
            "each column of the table counts as one input, whatever inputs of the network "
            "it became (one per level, a missing-value indicator): permutation shuffles the "
            "column, the MIV of a text column is the mean spread of the output over its "
            "levels (unsigned), Olden and Garson sum its network inputs, and its partial "
            "dependence has one point per level"
        )
    elif getattr(model, "feature_names_in_", None) is not None:
        import pandas as pd

        Xin, kw = pd.DataFrame(X, columns=names), {}
    else:
        Xin, kw = X, {"feature_names": names}
    methods = ["permutation", "miv", "olden", "garson"]
    if X.shape[1] > max_inputs:
        methods = ["olden", "garson"]
        notes.append(
            f"{X.shape[1]} inputs: permutation importance, MIV and partial "
            f"dependence left out (more than {max_inputs}; run `bpnn importance`)"
        )
    frames = {}
    for method in methods:
        nets = getattr(model, "networks_", None) or [model.network_]
        if method == "garson" and any(n.n_layers != 2 for n in nets):
            notes.append("Garson's method left out: it needs exactly one hidden layer")
            continue
        if method == "garson" and any(n.connections == "cascade" for n in nets):
            notes.append("Garson's method left out: it needs layered connections")
            continue
        try:
            frames[method] = importance(
                model, Xin, y, method=method, n_repeats=n_repeats, random_state=seed, **kw
            )
        except ValueError as exc:
            notes.append(f"{method}: {' '.join(str(exc).split())}")
    profiles = {}
    lead = next((frames[m] for m in ("permutation", "miv") if m in frames), None)
    if lead is not None and n_profiles > 0:
        left_out = _ignored_columns(model) if table else set()
        shown = [c for c in lead.index if c not in left_out][:n_profiles]
        try:
            profiles = partial_dependence(model, Xin, shown, **kw)
        except ValueError as exc:
            notes.append(f"partial dependence: {' '.join(str(exc).split())}")
    if not frames and not profiles:
        return None
    words = names + [str(v) for f in profiles.values() if f.index.dtype == object for v in f.index]
    if any(plots.has_cjk(w) for w in words) and not plots.cjk_fonts():
        notes.append(
            "no font with Chinese characters is installed here, so the figures show them "
            "as boxes (on Debian: apt-get install fonts-noto-cjk or fonts-wqy-zenhei)"
        )
    ylabel = (
        "class probability"
        if data.task == "classification"
        else (data.target_names[0] if len(data.target_names) == 1 else "prediction")
    )
    return InputsSummary(frames, profiles, len(X), notes, ylabel, X, names)


def _ignored_columns(model) -> set:
    """The columns a model's table map leaves out of the inputs (dates, identifiers)."""
    table = getattr(model, "table_map_", None)
    if table is None:
        return set()
    return {col for (col, _), c in zip(table.groups_, table.columns_) if c["kind"] == "ignored"}


# -- time series ----------------------------------------------------------------------------
@dataclass
class SeriesSummary:
    """What the "Time series" section shows (built by :func:`series_from_model`).

    Attributes
    ----------
    kind : "narnet", "narxnet" or "timedelaynet"
    times : array (T,) — the time of every step (numbers or datetime64)
    time_name : what the times are (the time column's name, or "time step")
    response : DataFrame — :func:`bpnn.timeseries.response` (target, output, error, split)
    target_names, exog_names : lists of str
    autocorrelation : dict {target: (lags, r, band)} of the one-step errors
    crosscorrelation : dict {input: (lags, r, band)}, input x(t) against the first
        target's error e(t + lag) (NARX and time-delay networks)
    origin : position where the closed-loop forecast starts (the first held-out time)
    forecast, truth : arrays (h, n_targets) — the forecast of positions origin..origin+h-1
        and the true values there
    forecast_rmse, persistence_rmse : RMSE per target of the forecast, and of the
        persistence forecast (the last known value, repeated)
    notes : list of str
    band : None, or ``(lower, upper, label, text)``: the model's 90 % forecast interval
        over the first steps of the forecast (arrays (k, n_targets), k <= h), the plot's
        legend and a sentence saying what it is (see :func:`forecast_band`)
    horizon_rmse : dict {name: array (H,)} — the RMSE at horizons 1..H of closed-loop
        forecasts from every origin of the held-out times (:func:`bpnn.timeseries.
        horizon_errors`), "network" first, then the baselines over the same origins
        ("persistence", "seasonal naive (m=M)"); empty when too few times are held out
    horizon_origins : range of the origins (positions) those forecasts start from
    season : the season length M of the seasonal naive forecast, or None
    """

    kind: str
    times: np.ndarray
    time_name: str
    response: Any  # a pandas DataFrame (pandas is imported lazily)
    target_names: list
    exog_names: list
    autocorrelation: dict
    crosscorrelation: dict
    origin: int | None = None
    forecast: np.ndarray | None = None
    truth: np.ndarray | None = None
    forecast_rmse: list = field(default_factory=list)
    persistence_rmse: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    band: tuple | None = None
    horizon_rmse: dict = field(default_factory=dict)
    horizon_origins: range | None = None
    season: int | None = None
    structure: dict | None = None  # the model's structure_search_ (automatic structure)
    held_out: bool = True  # False: nothing after the training times; plots on trained-on ones


#: the figures of the Time series section (build_figures' names)
SERIES_FIGURES = (
    "response",
    "error_autocorrelation",
    "input_error_crosscorrelation",
    "closed_loop_forecast",
    "error_horizon",
)


def _column(frame, what, names, j):
    return frame[what if len(names) == 1 else f"{what}_{names[j]}"].to_numpy(dtype=float)


def data_from_forecaster(model, y, X=None) -> ReportData:
    """The one-step (open-loop) outputs of a fitted BPForecaster on its series as the
    report's data: one row per target time (the first max_delay_ steps, initial values,
    have none), the lagged values as the inputs, and the record's split when ``y`` is the
    fitted series; when ``y`` is the fitted series continued, its later times form the
    split "new" (one-step errors on times the model never saw). An ensemble's members'
    one-step predictions are ``members`` (the report's Ensemble section)."""

    Y, Xa = model._check_like_fit(y, X)
    D = model.max_delay_
    P = np.asarray(model.predict_open_loop(y, X), dtype=float).reshape(len(Y), -1)[D:]
    Z, T = model.lagged_inputs(y, X)  # with differences modelled: lagged differences
    from .timeseries.diagnostics import starts_with_fitted_series

    splits = {}
    rec = getattr(model, "record_", None)
    if rec is not None and starts_with_fitted_series(model, Y, Xa):
        for name, idx in (
            ("train", rec.train_idx),
            ("validation", rec.val_idx),
            ("test", rec.test_idx),
        ):
            if idx is not None and len(idx):
                splits[name] = np.asarray(idx, dtype=np.int64) - D
        if len(Y) > model.n_series_:  # the fitted series continued: the times it never saw
            splits["new"] = np.arange(model.n_series_, len(Y), dtype=np.int64) - D
    members = None
    if len(model._members()) > 1:  # an ensemble: each member's one-step predictions
        members = model._one_step_members(Y, Xa)
    return ReportData(
        "regression",
        T,
        P,
        splits,
        X=Z,
        feature_names=model.input_names(),
        target_names=list(model.target_names_),
        members=members,
        diagnosis=getattr(model, "diagnosis_", None),
    )


def series_from_model(
    model,
    y,
    X=None,
    times=None,
    time_name=None,
    max_lag=20,
    max_horizon=500,
    horizon=None,
    season="auto",
) -> SeriesSummary:
    """The Time series section's numbers for a fitted BPForecaster and its series.

    The closed-loop forecast starts at the first time after the last training time (the
    first validation time of a block division), or, when that leaves fewer than two steps
    (a random division, say), at 85 % of the series; it runs to the end of the series (at
    most ``max_horizon`` steps) from the true values before it and the true exogenous
    inputs. The correlations use every one-step error of the series.

    Error against horizon: closed-loop forecasts of ``horizon`` steps (default: 2 seasons,
    at least 12, at most half the held-out times) from every origin from that start on
    (and at least one season in), and persistence and the seasonal naive forecast from the
    same origins; ``season``: its length, "auto" (:func:`bpnn.timeseries.diagnostics.
    seasonal_period` on the values before the start) or None (persistence only).
    """
    from .timeseries import error_autocorrelation, input_error_crosscorrelation, response
    from .timeseries.diagnostics import starts_with_fitted_series

    Y, Xa = model._check_like_fit(y, X)
    n, D = len(Y), model.max_delay_
    resp = response(model, y, X)
    if times is None:
        idx = getattr(y, "index", None)
        times = np.asarray(idx) if idx is not None else np.arange(n)
    times = np.asarray(times)
    names = list(model.target_names_)
    notes = []
    auto = {}
    for j, name in enumerate(names):
        e = _column(resp, "error", names, j)
        auto[name] = error_autocorrelation(e, max_lag)
    cross = {}
    if model.n_exog_:
        e0 = _column(resp, "error", names, 0)
        for j, xname in enumerate(model.exog_names_):
            cross[xname] = input_error_crosscorrelation(Xa[:, j], e0, max_lag)
    if len(names) > 1:
        notes.append(
            f"the plots show the first target, {names[0]!r} (the table below has "
            "every target's forecast error)"
        )
    rec = getattr(model, "record_", None)
    origin = None
    fitted = starts_with_fitted_series(model, Y, Xa)
    if rec is not None and rec.train_idx is not None and len(rec.train_idx) and fitted:
        origin = int(np.max(rec.train_idx)) + 1
    held_out = True
    if origin is None or n - origin < 2:
        held_out, origin = False, max(D, int(round(0.85 * n)))
        if fitted:
            notes.append(
                "no time after the last training time is held out: the closed-loop "
                "forecast runs over the last 15 % of the series, values the "
                "network was trained on"
            )
        else:
            notes.append(
                f"this series ({n} time steps) is not the one the model was fitted "
                f"on ({model.n_series_} time steps) nor that series continued, so "
                "which of its times were trained on is not known: the closed-loop "
                "forecast runs over its last 15 %"
            )
    fc = truth = None
    rmse, base = [], []
    if n - origin >= 1:
        h = min(n - origin, max_horizon)
        fc = np.asarray(
            model.predict(
                h,
                X=None if Xa is None else Xa[origin : origin + h],
                last_window=Y[:origin],
                last_window_X=None if Xa is None else Xa[:origin],
            ),
            dtype=float,
        ).reshape(h, -1)
        truth = Y[origin : origin + h]
        rmse = [float(v) for v in np.sqrt(np.mean((fc - truth) ** 2, axis=0))]
        base = [float(v) for v in np.sqrt(np.mean((truth - Y[origin - 1]) ** 2, axis=0))]
        if h < n - origin:
            notes.append(
                f"the closed-loop forecast shows the first {h} of the {n - origin} held-out steps"
            )
    curves, span, m = _horizon_curves(model, y, X, Y, origin, horizon, season, notes)
    summary = SeriesSummary(
        model.kind_,
        times,
        time_name or "time step",
        resp,
        names,
        list(model.exog_names_ or []),
        auto,
        cross,
        origin,
        fc,
        truth,
        rmse,
        base,
        notes,
        horizon_rmse=curves,
        horizon_origins=span,
        season=m,
        structure=getattr(model, "structure_search_", None),
        held_out=held_out,
    )
    if fc is not None:
        summary.band = forecast_band(model, Y, Xa, origin, len(fc))
    return summary


def forecast_band(model, Y, Xa, origin, h, coverage=0.9):
    """The report's forecast interval from ``origin``: ``(lower, upper, label, text)`` over
    the steps the model's conformal calibration covers (at most h), else an ensemble's
    spread over all h steps, else None (:func:`bpnn.timeseries.intervals.forecast_band`);
    ``text`` says what the band is."""
    from .timeseries.intervals import forecast_band as band

    paths = model.predict_members(
        h,
        X=None if Xa is None else Xa[origin : origin + h],
        last_window=Y[:origin],
        last_window_X=None if Xa is None else Xa[:origin],
    )
    got = band(model, paths, coverage)
    if got is None:
        return None
    lo, hi, method = got
    if method == "conformal":
        from .timeseries.intervals import calibration_origins

        n = model.interval_scores_.shape[0]
        label = f"{coverage:.0%} interval (conformal, {n} origins)"
        text = (
            f"The band is the {coverage:.0%} forecast interval for steps 1..{len(lo)}, split "
            f"conformal on the closed-loop residuals of {n} {calibration_origins(model)}; "
            "the forecast shown runs over times among them, so the band is not a test of "
            "its coverage."
        )
    else:
        label = f"{coverage:.0%} ensemble spread (uncalibrated)"
        text = (
            f"The band is mean ± z·sd of the {paths.shape[0]} members' forecasts, not a "
            "calibrated interval (the model has too few held-out origins for one)."
        )
    return lo, hi, label, text


def _horizon_curves(model, y, X, Y, origin, horizon, season, notes):
    """({name: RMSE per horizon}, origins, season) of the network's closed-loop forecasts
    and the baselines from the same origins (see :func:`series_from_model`)."""
    from .timeseries.diagnostics import baseline_forecasts, rolling_forecasts, seasonal_period

    n = len(Y)
    m = seasonal_period(Y[:origin]) if season == "auto" else season
    m = None if m is None or m < 2 or m >= origin else int(m)
    start = max(origin, m or 0, model.max_delay_)
    H = horizon if horizon is not None else min(max(12, 2 * (m or 0)), (n - start) // 2)
    if H is None or H < 1 or n - start < H:
        notes.append("too few held-out times for the error against horizon")
        return {}, None, m
    origins, fc, truth = rolling_forecasts(model, y, X, horizon=H, start=start)
    curves = {"network (closed loop)": np.sqrt(np.mean((fc - truth) ** 2, axis=(0, 2)))}
    for name, b in baseline_forecasts(Y, origins, H, m).items():
        curves[name] = np.sqrt(np.mean((b - truth) ** 2, axis=(0, 2)))
    return curves, range(int(origins[0]), int(origins[-1]) + 1), m


def _series_figures(series: SeriesSummary) -> dict:
    figs = {}
    name0 = series.target_names[0]
    resp = series.response
    figs["response"] = (
        "Response: targets and one-step outputs over time, coloured by split; the errors below",
        plots.plot_response(
            series.times,
            _column(resp, "target", series.target_names, 0),
            _column(resp, "output", series.target_names, 0),
            resp["split"].to_numpy(),
            name0,
            series.time_name,
        ),
    )
    lags, r, band = series.autocorrelation[name0]
    figs["error_autocorrelation"] = (
        "Autocorrelation of the one-step errors with the 95 % band ±1.96/√N",
        plots.plot_error_autocorrelation(lags, r, band, name0),
    )
    if series.crosscorrelation:
        figs["input_error_crosscorrelation"] = (
            "Input–error cross-correlation with the 95 % band",
            plots.plot_input_error_crosscorrelation(series.crosscorrelation, name0),
        )
    if series.forecast is not None:
        values = _column(resp, "target", series.target_names, 0)
        one = _column(resp, "output", series.target_names, 0)[series.origin :]
        figs["closed_loop_forecast"] = (
            "Closed-loop forecast over the held-out times, beside the truth"
            if series.held_out
            else "Closed-loop forecast over the last 15 % of the series (times the network "
            "trained on: none was held out), beside the truth",
            plots.plot_closed_loop_forecast(
                series.times,
                values,
                series.origin,
                series.forecast[:, 0],
                name0,
                series.time_name,
                one_step=one,
                band=None
                if series.band is None
                else (series.band[0][:, 0], series.band[1][:, 0], series.band[2]),
                held_out=series.held_out,
            ),
        )
    if series.horizon_rmse:
        where = "held-out" if series.held_out else "trained-on (none was held out)"
        figs["error_horizon"] = (
            f"Error against horizon: closed-loop forecasts from every {where} origin, "
            "beside persistence and the seasonal naive forecast from the same origins",
            plots.plot_horizon_errors(
                series.horizon_rmse, name0, len(series.horizon_origins), series.held_out
            ),
        )
    return figs


def _horizon_html(series: SeriesSummary) -> list:
    curves, span = series.horizon_rmse, series.horizon_origins
    assert span is not None  # there are curves
    H = len(next(iter(curves.values())))
    shown = sorted({h for h in (1, 2, 3, 6, 12, series.season or 1, H) if h <= H})
    rows = [[h] + [float(c[h - 1]) for c in curves.values()] for h in shown]
    t0, t1 = plots._time_text(series.times[span[0]]), plots._time_text(series.times[span[-1]])
    why = (
        f", the seasonal naive forecast the value one season before (the season, "
        f"{series.season} steps, is the autocorrelation's highest peak before the first "
        "origin)."
        if series.season
        else ". The values before the first origin show no season (no autocorrelation "
        "peak above the band), so there is no seasonal naive forecast."
    )
    return [
        f"<p>Error against horizon (RMSE): {len(span)} closed-loop forecasts of {H} steps, "
        f"one from every origin {_e(t0)}..{_e(t1)}, each from the true values before it; "
        f"from the same origins, persistence repeats the last known value{_e(why)}</p>",
        _table(rows, ["horizon", *curves]),
    ]


def _series_html(series: SeriesSummary, figures: dict) -> str:
    kinds = {"narnet": "NAR", "narxnet": "NARX", "timedelaynet": "time-delay"}
    out = [
        "<h2>Time series</h2>",
        f'<p class="sub">A {kinds.get(series.kind, series.kind)} network on '
        f"{len(series.times)} time steps of {_e(', '.join(series.target_names))}"
        + (f" with inputs {_e(', '.join(series.exog_names))}" if series.exog_names else "")
        + ". The response shows every step's one-step (open-loop) output, predicted from "
        "the true past values; a well-fitted model leaves errors whose autocorrelation "
        "(and correlation with the inputs) stays inside the band at every lag other than "
        "0. The closed-loop forecast feeds each prediction back, as a forecast of the "
        "future does.</p>",
    ]
    if series.forecast is not None:
        t0 = plots._time_text(series.times[series.origin])
        rows = [
            [name, len(series.forecast), rmse, base]
            for name, rmse, base in zip(
                series.target_names, series.forecast_rmse, series.persistence_rmse
            )
        ]
        out += [
            f"<p>Closed-loop forecast from {_e(t0)}:</p>",
            _table(rows, ["series", "steps", "RMSE", "RMSE of persistence"]),
        ]
        if series.band is not None:
            out.append(f'<p class="sub">{_e(series.band[3])}</p>')
    if series.horizon_rmse:
        out += _horizon_html(series)
    out += [f'<p class="sub">Note: {_e(n)}.</p>' for n in series.notes]
    out += _structure_html(series.structure)
    out += [
        _figure_html(cap, png) for name, (cap, png) in figures.items() if name in SERIES_FIGURES
    ]
    return "\n".join(out)


def _structure_html(search) -> list:
    """The automatic structure: what was chosen, and every candidate's closed-loop score."""
    if not search:
        return []

    def delays(d):
        return ",".join(map(str, d)) or "—"

    rows = [
        [
            c["why"],
            delays(c["feedback_delays"]),
            delays(c["input_delays"]),
            "-".join(map(str, c["hidden"])),
            c["score"] if c["score"] is not None else float("nan"),
        ]
        for c in search["candidates"]
    ]
    first, last = (search["origins"] + [None, None])[:2]
    where = (
        f"each fitted on the first {search['fit_rows']} steps and scored by the mean "
        f"squared error of its {search['horizon']}-step closed-loop forecasts from every "
        f"origin {first}..{last} (in units of the fitted steps' variance); the lowest wins"
        if rows
        else "nothing was searched"
    )
    out = [f"<p>Structure chosen automatically: {_e(search['summary'])}; {_e(where)}.</p>"]
    if rows:
        out.append(_table(rows, ["why", "feedback delays", "input delays", "hidden", "score"]))
    return out


# -- figures --------------------------------------------------------------------------------
def build_figures(
    record=None,
    network=None,
    data: ReportData | None = None,
    inputs: InputsSummary | None = None,
    series: SeriesSummary | None = None,
) -> dict:
    """Name -> (caption, Figure) for every plot that the inputs allow."""
    figs = {}
    if series is not None:
        figs.update(_series_figures(series))
    if record is not None and record.epoch:
        figs["performance"] = ("Performance: loss per epoch", plots.plot_performance(record))
        figs["training_state"] = ("Training state", plots.plot_training_state(record))
    if data is not None:
        pairs = {k: (data.y_true[i], data.y_pred[i]) for k, i in data.parts().items()}
        if data.task == "classification":
            labels = data.classes or sorted(set(data.y_true) | set(data.y_pred))
            figs["confusion"] = ("Confusion matrices", plots.plot_confusion(pairs, labels))
            if data.proba is not None:
                figs["roc"] = (
                    "Receiver operating characteristic",
                    plots.plot_roc(data.y_true, data.proba, data.classes),
                )
        else:
            figs["regression"] = (
                "Regression: outputs against targets",
                plots.plot_regression(pairs),
            )
            figs["error_histogram"] = ("Error histogram", plots.plot_error_histogram(pairs))
        spread = ensemble_spread(data)
        if spread is not None:
            figs["ensemble_spread"] = (
                "Ensemble spread",
                plots.plot_ensemble_spread(*spread, data.task),
            )
    if network is not None:
        names = data.feature_names if data is not None else None
        if data is not None and data.network_inputs is not None:
            names = data.network_inputs  # encoded inputs: color=red, weight=<missing>...
        outs = None
        if data is not None:
            outs = data.classes if data.task == "classification" else data.target_names
            outs = outs if outs is not None and len(outs) == network.n_outputs else None
        figs["network"] = ("The network and its weights", plots.plot_network(network, names, outs))
    if inputs is not None and inputs.importance:
        figs["importance"] = (
            "Input importance by method",
            plots.plot_importance(inputs.importance),
        )
    if inputs is not None and inputs.partial_dependence:
        figs["partial_dependence"] = (
            "Partial dependence of the most important inputs (ticks: deciles of the data)",
            plots.plot_partial_dependence(
                inputs.partial_dependence, inputs.X, inputs.feature_names, inputs.ylabel
            ),
        )
    return figs


def render_pngs(figures: dict, dpi=100) -> dict:
    """Name -> (caption, PNG bytes): each figure is drawn once, for the HTML and the files."""
    return {
        name: (cap, fig if isinstance(fig, bytes) else plots.figure_png(fig, dpi))
        for name, (cap, fig) in figures.items()
    }


def write_plots(directory, figures: dict) -> list:
    """Write every figure (a Figure or PNG bytes) as ``<name>.png`` into ``directory``."""
    from ._atomic import atomic_path

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (_, png) in render_pngs(figures).items():
        with atomic_path(d / f"{name}.png") as tmp:
            tmp.write_bytes(png)
        paths.append(d / f"{name}.png")
    return paths


# -- HTML -----------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}h1{margin-bottom:.1em}h2{border-bottom:1px solid #ddd;
padding-bottom:.2em;margin-top:1.6em}.sub{color:#666;margin-top:0}table{border-collapse:collapse;
margin:.6em 0}td,th{border:1px solid #ddd;padding:.3em .7em;text-align:right}th{background:#f3f5f8}
td.l,th.l{text-align:left}.cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #ddd;
border-radius:6px;padding:.5em .9em;min-width:9em}.card b{display:block;font-size:1.25em}
figure{margin:1em 0;display:inline-block;vertical-align:top}figcaption{color:#555;font-size:.9em}
img{max-width:100%;height:auto}code{background:#f3f5f8;padding:0 .25em}
.note{background:#fff7e0;border-left:4px solid #d99a00;padding:.5em .9em;max-width:60em}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _num(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return "—" if not math.isfinite(v) else significant(float(v))
    return _e(v)


def _table(rows, header=None) -> str:
    out = ["<table>"]
    if header:
        out.append(
            "<tr>"
            + "".join(
                f'<th class="{"l" if i == 0 else ""}">{_e(h)}</th>' for i, h in enumerate(header)
            )
            + "</tr>"
        )
    for row in rows:
        out.append(
            "<tr>"
            + "".join(
                f'<td class="{"l" if i == 0 else ""}">{_num(v)}</td>' for i, v in enumerate(row)
            )
            + "</tr>"
        )
    return "\n".join(out + ["</table>"])


def metric_names(metrics: dict) -> list:
    """The metric names of ``split_metrics``' result, in first-seen order over the splits."""
    return list(dict.fromkeys(k for m in metrics.values() for k in m))


def _metrics_table(metrics: dict) -> str:
    names = metric_names(metrics)
    return _table(
        [[split] + [m.get(k, float("nan")) for k in names] for split, m in metrics.items()],
        ["set"] + names,
    )


def _input_summary(X, j) -> list:
    """[role, min, max, mean, std] of input column j: numbers for a numeric column (of
    the values present, with the count of missing ones in the role), the levels and the
    most frequent one for a text column."""
    if not hasattr(X, "iloc"):
        col = X[:, j]
        return ["input", col.min(), col.max(), col.mean(), col.std()]
    import pandas as pd

    col = X.iloc[:, j]
    n_missing = int(col.isna().sum())
    gap = f", {n_missing} missing" if n_missing else ""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        v = col.to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        if not len(v):
            return [f"input{gap}", "—", "—", "—", "—"]
        return [f"input{gap}", v.min(), v.max(), v.mean(), v.std()]
    counts = col.dropna().astype(str).str.strip().value_counts()
    top = f"{counts.index[0]} ({int(counts.iloc[0])})" if len(counts) else "—"
    return [f"input, {len(counts)} levels{gap}", "—", "—", f"most frequent: {top}", "—"]


def _data_summary(data: ReportData) -> str:
    rows = []
    if data.X is not None:
        for j, name in enumerate(data.feature_names):
            rows.append([name, *_input_summary(data.X, j)])
    if data.task == "regression":
        for j, name in enumerate(data.target_names):
            col = data.y_true[:, j].astype(float)
            rows.append([name, "target", col.min(), col.max(), col.mean(), col.std()])
    sizes = ", ".join(f"{k} {len(v)}" for k, v in data.parts().items())
    text = f"<p>{len(data.y_true)} samples ({_e(sizes)}).</p>"
    if data.task == "classification":
        labels, counts = np.unique(data.y_true.astype(str), return_counts=True)
        text += (
            "<p>Classes: "
            + ", ".join(f"<code>{_e(c)}</code> {n}" for c, n in zip(labels, counts))
            + "</p>"
        )
    return text + _table(rows, ["column", "role", "min", "max", "mean", "std"])


def _cards(record, network) -> str:
    items = []
    if record is not None:
        items += [
            ("stop reason", record.stop_reason or "—"),
            ("epochs", record.epochs),
            ("best epoch", record.best_epoch),
            ("algorithm", record.algorithm),
            (f"best loss ({record.loss_name})", _num(record.best_loss)),
        ]
        if math.isfinite(record.best_val_loss):
            items.append(("best validation loss", _num(record.best_val_loss)))
    if network is not None:
        shape = "-".join(map(str, network.sizes))
        if network.connections == "cascade":
            shape += " cascade-forward"
        items += [("network", shape), ("parameters", network.n_params)]
    return (
        '<div class="cards">'
        + "".join(f'<div class="card">{_e(k)}<b>{_e(v)}</b></div>' for k, v in items)
        + "</div>"
    )


def _inputs_html(inputs: InputsSummary, figures: dict) -> str:
    methods = list(inputs.importance)
    out = [
        "<h2>Inputs</h2>",
        f'<p class="sub">Which inputs the model relies on, on {inputs.n_rows} rows of the '
        "data: permutation importance (the drop of the score when the input is shuffled), "
        "the mean impact value (mean change of the output when the input is scaled by "
        "1.1 rather than 0.9), Olden's and Garson's connection weights (on the scaled "
        "inputs). Signed values: positive when the output rises with the input. "
        "Definitions and caveats: docs/inspection.md.</p>",
    ]
    out += [f'<p class="sub">{_e(n)}.</p>' for n in inputs.notes]
    if methods:
        lead = inputs.importance[methods[0]]
        rows = []
        for name in list(lead.index[:20]):
            row = [name]
            for m in methods:
                f = inputs.importance[m]
                v = float(f.loc[name, "importance"])
                sign = float(f.loc[name, "sign"]) if "sign" in f else 0.0
                v = v * sign if sign else v  # 0: unsigned (a column's spread over levels)
                row.append(float(f"{v:.4g}"))
            rows.append(row)
        more = f" (the first 20 of {len(lead)})" if len(lead) > 20 else ""
        out.append(f"<p>Inputs in the order of {_e(methods[0])} importance{_e(more)}:</p>")
        out.append(_table(rows, ["input"] + methods))
    out += [_figure_html(cap, png) for name, (cap, png) in figures.items() if name in INPUT_FIGURES]
    return "\n".join(out)


def _figure_html(caption, png: bytes) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def render_html(
    record=None,
    network=None,
    data: ReportData | None = None,
    settings: dict | None = None,
    title="bpnn training report",
    figures: dict | None = None,
    inputs: InputsSummary | None = None,
    series: SeriesSummary | None = None,
) -> str:
    """The whole report as one HTML string (see the module docstring)."""
    import bpnn

    figures = render_pngs(
        build_figures(record, network, data, inputs, series) if figures is None else figures
    )
    plain = {k: v for k, v in figures.items() if k not in INPUT_FIGURES and k not in SERIES_FIGURES}
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">bpnn {_e(bpnn.__version__)} · {stamp}</p>',
        _cards(record, network),
    ]
    if record is not None and record.stop_reason:
        why = STOP_REASONS.get(record.stop_reason, "")
        body.append(
            f"<p><b>Stopped: {_e(record.stop_reason)}</b>{' — ' + _e(why) if why else ''}.</p>"
        )
    if data is not None and data.diagnosis:
        body.append(f'<p class="note"><b>Note:</b> {_e(data.diagnosis)}</p>')
    if data is not None:
        body += ["<h2>Metrics</h2>", _metrics_table(split_metrics(data))]
        if series is not None:
            body.append(
                '<p class="sub">Metrics of the one-step (open-loop) outputs, one row '
                "per target time; the closed-loop forecast is measured below.</p>"
            )
    if series is not None:
        body.append(_series_html(series, figures))
    if plain:
        body.append("<h2>Plots</h2>")
        if record is not None and data is not None:
            body.append(
                '<p class="sub">The loss curves are computed on the targets the '
                "network was trained on (after normalisation); the metrics above "
                "and the plots of outputs are in the data's own units.</p>"
            )
        body += [
            _figure_html(cap, png)
            for name, (cap, png) in plain.items()
            if name != "ensemble_spread"
        ]
    if data is not None and data.members:
        body.append(_ensemble_html(data, figures))
    if inputs is not None:
        body.append(_inputs_html(inputs, figures))
    if network is not None:
        acts = ", ".join(a.name for a in network.activations)
        cascade = getattr(network, "connections", "layered") == "cascade"
        wiring = " cascade-forward (every layer reads the input and all earlier layers);"
        body += [
            "<h2>Network</h2>",
            f"<p>Layers {_e(network.sizes)};{wiring if cascade else ''} activations "
            f"{_e(acts)}; {network.n_params} parameters.</p>",
        ]
    table = dict(settings or {})
    if record is not None:
        table.update({f"{record.algorithm}: {k}": v for k, v in record.params.items()})
        table.update({"loss (used)": record.loss_name, "goal": record.goal})
    rows = [[k, v if isinstance(v, (int, float, np.number)) else str(v)] for k, v in table.items()]
    if rows:
        body += ["<h2>Hyper-parameters</h2>", _table(rows, ["setting", "value"])]
    if data is not None:
        body += ["<h2>Data</h2>", _data_summary(data)]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<title>{_e(title)}</title><link rel="icon" href="data:,">'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_report(
    path,
    record=None,
    network=None,
    data=None,
    settings=None,
    title="bpnn training report",
    plots_dir=None,
    inputs=None,
    series=None,
) -> Path:
    """Render the report and write it atomically to ``path`` (and PNGs to ``plots_dir``);
    ``inputs`` (from :func:`inputs_from_model`) adds the Inputs section, ``series`` (from
    :func:`series_from_model`) the Time series section."""
    from ._atomic import atomic_write_text

    figures = render_pngs(build_figures(record, network, data, inputs, series))
    text = render_html(record, network, data, settings, title, figures, inputs, series)
    if plots_dir is not None:
        write_plots(plots_dir, figures)
    atomic_write_text(path, text)
    return Path(path)
