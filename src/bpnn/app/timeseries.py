"""The Time series page: :class:`bpnn.timeseries.BPForecaster` (narnet, narxnet,
timedelaynet) fitted open loop with the same live callbacks as the Train page, then the
one-step response, the report's plots and a closed-loop forecast.
"""

from __future__ import annotations

import uuid

import numpy as np

from .session import (
    STOPPED,
    AppError,
    Job,
    Run,
    Session,
    TrainSpec,
    _cell,
    _hidden,
    _num,
    algorithm_choices,
    clean,
)

FORECAST_MAX = 1000
ENSEMBLE_MAX = 20
DOWNLOADS = ("model", "predictions", "report", "script", "command")  # no exports: see
#   bpnn.export.describe (a forecaster is not one static map), said on the page


def parse_ts_settings(session: Session, s: dict) -> TrainSpec:
    from ..timeseries import parse_delays

    t = session.table(s.get("table"))
    cols = [str(c) for c in t.frame.columns]
    target = [str(c) for c in (s.get("target") or [])]
    exog = [str(c) for c in (s.get("exog") or [])]
    if not target:
        raise AppError("choose the series to forecast (a target column)")
    for c in target + exog:
        if c not in cols:
            raise AppError(f"unknown column {c!r} in {t.name!r}")
    if set(target) & set(exog):
        raise AppError(
            f"column {sorted(set(target) & set(exog))[0]!r} is both the series and an input"
        )

    def delays(key, name, low):
        v = s.get(key, "auto") or ()
        return "auto" if str(v).strip().lower() == "auto" else parse_delays(v, name, low)

    fb = delays("feedback_delays", "feedback delays", 1)
    ind = delays("input_delays", "input delays", 0) if exog else ()
    hidden = "auto" if str(s.get("hidden")).strip().lower() == "auto" else _hidden(s.get("hidden"))
    # a structure left at "auto" is BPForecaster's default (searched; br on every row); a
    # structure given in full trains as before (lm unless chosen, blocks in time order)
    searched = "auto" in (fb, ind, hidden)
    if not fb and not ind:
        raise AppError(
            "give feedback delays (NAR/NARX) or input columns with input delays "
            "(time-delay network)"
        )
    if max((*(fb if fb != "auto" else ()), *(ind if ind != "auto" else ())), default=0) > 100:
        raise AppError("delays above 100 steps are not offered here")
    ratios = [float(v) for v in (s.get("ratios") or [70, 15, 15])]
    if len(ratios) != 3 or min(ratios) < 0 or ratios[0] <= 0:
        raise AppError(
            f"the split must be three percentages with training above 0, got {s.get('ratios')!r}"
        )
    total = sum(ratios)
    alg = s.get("algorithm") or "auto"
    if alg == "auto" and not searched:
        alg = "lm"
    if alg != "auto" and alg not in {a["name"] for a in algorithm_choices()} | {
        a["matlab"] for a in algorithm_choices()
    }:
        raise AppError(f"unknown algorithm {alg!r}")
    params = {
        "feedback_delays": fb,
        "input_delays": ind,
        "hidden": hidden,
        "algorithm": alg,
        "epochs": _num(s, "epochs", int, 1000, 1, 10_000_000),
        "goal": _num(s, "goal", float, 0.0, 0.0),
        "max_fail": _num(s, "max_fail", int, 6, 1, 10_000_000),
        "l2": _num(s, "l2", float, 0.0, 0.0),
        "ratios": tuple(round(r / total, 4) for r in ratios),
        "division": "auto" if searched else "block",
        "random_state": _num(s, "seed", int, 0, 0, 2**31 - 1),
        "n_ensemble": _num(s, "n_ensemble", int, 1, 1, ENSEMBLE_MAX),
    }
    params["difference"] = _difference(s)
    horizon = s.get("horizon")
    if horizon is not None and str(horizon).strip().lower() not in ("", "auto"):
        params["horizon"] = _num(s, "horizon", int, 10, 1, 1000)
    spec = TrainSpec(t, target, exog, "timeseries", "error", params)
    spec.steps = _num(s, "steps", int, 20, 0, FORECAST_MAX)
    spec.interval = _interval(s)
    return spec


def _difference(s):
    """The differences asked for (:func:`bpnn.timeseries.parse_difference`; an empty field
    is "auto"), up to a lag of 1000."""
    from ..timeseries import parse_difference

    v = s.get("difference", "auto")
    try:
        k = "auto" if v is None or str(v).strip() == "" else parse_difference(v)
    except ValueError as exc:
        raise AppError(f"differences must be {exc}") from None
    if k != "auto" and k > 1000:
        raise AppError(f"differences above a lag of 1000 are not offered here, got {v!r}")
    return k


def _interval(s) -> float:
    """The forecast band's coverage: a number strictly between 0 and 1, or 0 for none."""
    v = _num(s, "interval", float, 0.9, 0.0, 1.0)
    if v >= 1.0:
        raise AppError(f"interval must be a coverage below 1 (e.g. 0.9) or 0 for none, got {v!r}")
    return v


def _forecast_band(model, steps, coverage):
    """The forecast's band for the page: ``(lower, upper, text)`` over the steps it covers
    (:func:`bpnn.timeseries.intervals.forecast_band`), or ``(None, None, why)``."""
    from ..timeseries.intervals import forecast_band

    got = forecast_band(model, model.predict_members(steps), coverage) if coverage else None
    if got is None:
        why = "" if not coverage else "no forecast interval: no held-out times to calibrate it"
        return None, None, why
    lo, hi, method = got
    if method == "conformal":
        from ..timeseries.intervals import calibration_origins

        where = calibration_origins(model)
        text = (
            f"band: {coverage:.0%} forecast interval for steps 1..{len(lo)}, split conformal "
            f"on {model.interval_scores_.shape[0]} {where}"
        )
    else:
        text = f"band: mean ± z·sd of the {len(model._members())} members (not calibrated)"
    return lo[:, 0], hi[:, 0], text


def _series(spec):
    """The target series y and the input series X (None), numeric and without gaps."""
    from ..io_tables import TableError, select_columns

    cols = spec.target + spec.features
    try:
        df, _ = select_columns(
            spec.table.frame, None, cols, missing="error", source=repr(spec.table.name)
        )
    except TableError as exc:
        text = str(exc).split("; choose --missing")[0]
        raise AppError(
            text + (": a series needs a value at every time step" if "missing" in text else "")
        ) from None
    y = df[spec.target[0]] if len(spec.target) == 1 else df[spec.target]
    X = df[spec.features] if spec.features else None
    return y, X


def ts_job(session: Session, spec: TrainSpec):
    y, X = _series(spec)

    def work(job: Job):
        import warnings

        from ..timeseries import BPForecaster
        from ..trainer import training_defaults

        model = BPForecaster(**spec.params)
        job.emit(
            "started", {"rows": int(len(y)), "task": "timeseries", "epochs": spec.params["epochs"]}
        )
        keep = job.every_epoch_then_fewer()

        def progress(epoch, rec, net):
            if keep(rec.epoch[-1]):
                job.emit(
                    "epoch",
                    clean(
                        {
                            "epoch": rec.epoch[-1],
                            "time": rec.time[-1],
                            "loss": rec.loss[-1],
                            "val": rec.val_loss[-1],
                            "test": rec.test_loss[-1],
                            "grad": rec.grad_norm[-1],
                            "mu": rec.mu[-1],
                            "fails": rec.val_fail[-1],
                        }
                    ),
                )
            return False

        with (
            warnings.catch_warnings(),
            training_defaults(callbacks=[progress, job.stop_callback()]),
        ):
            warnings.simplefilter("ignore")
            model.fit(y, X)
        run = finish_ts_run(session, spec, model, y, X)
        job.emit("done", {"run": run.id})

    return work


def finish_ts_run(session, spec, model, y, X) -> Run:
    import pandas as pd

    from ..report import (
        STOP_REASONS,
        build_figures,
        data_from_forecaster,
        metric_names,
        render_html,
        render_pngs,
        series_from_model,
        split_metrics,
    )
    from ..timeseries import response

    rec = model.record_
    resp = response(model, y, X)
    Y = np.asarray(y, dtype=float).reshape(len(resp), -1)
    P = np.asarray(model.predict_open_loop(y, X), dtype=float).reshape(len(resp), -1)
    split = resp["split"].to_numpy()
    data = data_from_forecaster(model, y, X)
    series = series_from_model(model, y, X)
    metrics = split_metrics(data)
    figures = render_pngs(build_figures(rec, model.network_, data, series=series))
    settings = {
        "task": "time series (" + model.kind_ + ")",
        "data": spec.table.name,
        "series": ", ".join(spec.target),
        "inputs": ", ".join(spec.features) or "—",
        **spec.params,
    }
    report = render_html(
        rec,
        model.network_,
        data,
        settings,
        figures=figures,
        series=series,
        title="bpnn time-series training report",
    )
    forecast, note, lower, upper = None, "", None, None
    if spec.steps and not spec.features:
        forecast = np.asarray(model.predict(spec.steps), dtype=float).reshape(spec.steps, -1)
        lower, upper, note = _forecast_band(model, spec.steps, spec.interval)
    elif spec.steps:
        note = (
            "closed-loop forecasts of a network with input columns need their future "
            "values: forecast in Python with model.predict(steps, X=future)"
        )
    pred = resp.copy()
    if forecast is not None:
        extra = pd.DataFrame({"split": "forecast", "output": forecast[:, 0]})
        if lower is not None:
            pad = np.full(len(forecast) - len(lower), np.nan)
            extra["lower"], extra["upper"] = np.r_[lower, pad], np.r_[upper, pad]
        pred = pd.concat([pred, extra], ignore_index=True)
    pred.insert(0, "step", np.arange(1, len(pred) + 1))
    number = session.next_run_number()
    net = model.network_
    result = {
        "kind": "timeseries",
        "model_kind": model.kind_,
        "number": number,
        "table": spec.table.name,
        "task": "timeseries",
        "network": "-".join(map(str, net.sizes)),
        "activations": "/".join(a.name for a in net.activations),
        "algorithm": model.algorithm_,
        "epochs": rec.epochs,
        "best_epoch": rec.best_epoch,
        "stop_reason": rec.stop_reason,
        "stop_text": STOPPED
        if rec.stop_reason == STOPPED
        else STOP_REASONS.get(rec.stop_reason, ""),
        "diagnosis": getattr(model, "diagnosis_", None) or rec.message or "",
        "metrics": metrics,
        "metric_names": metric_names(metrics),
        "plots": [{"name": k, "caption": cap} for k, (cap, _) in figures.items()],
        "series": {
            "target": Y[:, 0],
            "output": P[:, 0],
            "split": list(split),
            "forecast": None if forecast is None else forecast[:, 0],
            "lower": lower,
            "upper": upper,
        },
        "forecast_note": note,
        "curves": {
            "epoch": rec.epoch,
            "loss": rec.loss,
            "val": rec.val_loss,
            "test": rec.test_loss,
            "grad": rec.grad_norm,
            "mu": rec.mu,
            "fails": rec.val_fail,
        },
        "inputs": model.input_names(),
        "predictions": {
            "columns": [str(c) for c in pred.columns],
            "rows": [
                [_cell(v) if not isinstance(v, str) else v for v in r]
                for r in pred.head(20).itertuples(index=False)
            ],
        },
        "downloads": list(DOWNLOADS),
        "script": ts_script(spec),
        "command": ts_command(spec),
    }
    run = Run(
        uuid.uuid4().hex[:12], number, spec, model, X, y, clean(result), figures, report, pred
    )
    run.result["id"] = run.id
    session.add_run(run)
    return run


def ts_command(spec) -> str:
    """The ``bpnn train`` (and ``bpnn forecast``) lines that train the same forecaster."""
    import shlex

    p = spec.params
    data = spec.table.dataset.name if spec.table.dataset is not None else spec.table.name
    delays = lambda d: d if d == "auto" else ",".join(map(str, d)) or "none"  # noqa: E731
    args = [
        "bpnn",
        "train",
        data,
        "--target",
        ",".join(spec.target),
        "--feedback-delays",
        delays(p["feedback_delays"]),
    ]
    args += (
        ["--inputs", ",".join(spec.features), "--input-delays", delays(p["input_delays"])]
        if spec.features
        else ["--inputs", "none"]
    )
    args += [
        "--hidden",
        p["hidden"] if p["hidden"] == "auto" else ",".join(map(str, p["hidden"])),
        "--algorithm",
        p["algorithm"],
        "--epochs",
        str(p["epochs"]),
        "--goal",
        f"{p['goal']:g}",
        "--max-fail",
        str(p["max_fail"]),
        "--l2",
        f"{p['l2']:g}",
        *(
            ["--division", "block", "--ratios", ",".join(f"{r:g}" for r in p["ratios"])]
            if p["division"] == "block"
            else []
        ),
        "--seed",
        str(p["random_state"]),
        *(["--n-ensemble", str(p["n_ensemble"])] if p.get("n_ensemble", 1) > 1 else []),
        *(["--difference", str(p["difference"])] if p.get("difference", "auto") != "auto" else []),
        *(["--horizon", str(p["horizon"])] if "horizon" in p else []),
        "-o",
        "model.bpnn",
        "--report",
        "report.html",
    ]
    line = " ".join(shlex.quote(a) for a in args)
    if spec.steps and not spec.features:
        band = f" --interval {spec.interval:g}" if spec.interval else ""
        line += f"\nbpnn forecast model.bpnn --steps {spec.steps}{band} -o forecast.csv"
    return line


def ts_script(spec) -> str:
    p = spec.params
    if spec.table.dataset is not None:
        load = f"df = bpnn.load_dataset({spec.table.dataset.name!r}).frame"
    else:
        load = f"df = read_table({spec.table.name!r})   # the file you uploaded"
    y = repr(spec.target[0]) if len(spec.target) == 1 else repr(spec.target)
    X = f"df[{spec.features!r}]" if spec.features else "None"
    kw = ",\n    ".join(f"{k}={v!r}" for k, v in p.items())
    fc = (
        f"print(model.predict({spec.steps}))   # closed-loop forecast\n"
        if spec.steps and not spec.features
        else ""
    )
    if fc and spec.interval:
        fc += (
            "if model.interval_scores_ is not None:   # intervals for the calibrated steps\n"
            f"    h = min({spec.steps}, model.interval_scores_.shape[1])\n"
            f"    print(model.predict_interval(h, coverage={spec.interval:g}))\n"
        )
    return f'''"""Train the bpnn app's time-series run again, with the library (generated code)."""
import bpnn
from bpnn.io_tables import read_table
from bpnn.timeseries import BPForecaster, response

{load}
y, X = df[{y}], {X}
model = BPForecaster(
    {kw},
)
model.fit(y, X)
rec = model.record_
print(model.kind_, rec.stop_reason, rec.epochs, "epochs")
print(response(model, y, X).tail())
{fc}bpnn.save(model, "model.bpnn")
'''
