"""Time series on the command line: ``bpnn train SERIES --target COL --feedback-delays 1:2``
(a NAR, NARX or time-delay network, :class:`bpnn.BPForecaster`) and ``bpnn forecast``.

``bpnn train`` hands over to :func:`cmd_train_series` when a time-series option is given
(``--feedback-delays``, ``--input-delays``, ``--inputs``, ``--time-column``,
``--closed-loop-horizon``, ``--dayfirst``, ``--monthfirst``, ``--date-format``) or the data
is a built-in series (``sunspots``, ``narendra_plant``). A series must be complete, in time
order and evenly spaced; every departure is one line naming the column, the row (numbered
from 1 after the header) and the time, exit code 2, and nothing is written. The time
column is read by :mod:`bpnn.tables.times` (found when not named, dates read from the whole
column). ``bpnn forecast --one-step`` writes the one-step (open-loop) predictions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._shared import (
    _add_read_options,
    EXIT_FAIL,
    EXIT_OK,
    UsageError,
    _check_output,
    _console,
    _ints,
    _key_values,
    _load_model,
    _read_data,
)

#: the train options only a time-series model takes (and --config keys)
SERIES_KEYS = {
    "inputs": str,
    "feedback_delays": str,
    "input_delays": str,
    "time_column": str,
    "closed_loop_horizon": int,
    "interval_horizon": int,
    "date_order": str,
    "date_format": str,
    "horizon": int,
    "difference": str,
}

#: static-model options a forecaster does not take: option -> why
_NOT_FOR_SERIES = {
    "features": "a time-series model's inputs are --inputs (exogenous series) and the "
    "target's own past values",
    "task": "a time-series model is a regression on the series",
    "pca": "the lagged inputs are not projected",
    "target_scaling": "each series has one scaling (--scaling), shared by its lags and its target",
    "holdout": "the division's last blocks (validation, test) are the held-out future",
}


def wants_series(args, ds_task=None) -> bool:
    """True when ``bpnn train`` should train a time-series model."""
    if any(getattr(args, k, None) is not None for k in SERIES_KEYS):
        return True
    if args.data is None or Path(str(args.data)).exists():
        return False
    from ..datasets import dataset_names, load_dataset

    name = str(args.data).lower().replace("-", "_")
    return name in dataset_names() and load_dataset(name).task == "timeseries"


# -- reading a series -----------------------------------------------------------------------
def _delays(text, option, minimum):
    from ..timeseries import parse_delays

    if isinstance(text, str) and text.strip().lower() == "auto":
        return "auto"
    try:
        return parse_delays(text, option, minimum)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


#: how an ambiguous time column is settled on the command line
DATE_HINT = "pass --dayfirst or --monthfirst, or --date-format (e.g. %d/%m/%Y)"


def _date_options(args, stored=None):
    """The keyword arguments of bpnn.tables.times.parse_times from --dayfirst /
    --monthfirst / --date-format, else ``stored`` (how the model's series was read)."""
    order = getattr(args, "date_order", None)
    fmt = getattr(args, "date_format", None)
    if order is not None and fmt is not None:
        raise UsageError("give --date-format or --dayfirst/--monthfirst, not both")
    if fmt is not None:
        if "%" not in fmt:
            raise UsageError(
                f"--date-format takes strptime codes such as %d/%m/%Y or %Y年%m月%d日, got {fmt!r}"
            )
        return {"date_format": fmt}
    if order is not None:
        if order not in ("day", "month"):
            raise UsageError(f"date_order must be 'day' or 'month', got {order!r}")
        return {"dayfirst": order == "day"}
    return dict(stored or {})


def _time_axis(col, name, source, options=None):
    """The time column read and checked (bpnn.tables.times.time_axis): a TimeAxis whose
    index holds numbers or dates, complete, sorted, one row per time step."""
    from ..tables.times import TimeColumnError, time_axis

    try:
        return time_axis(col, name, source, hint=DATE_HINT, **(options or {}))
    except TimeColumnError as exc:
        raise UsageError(str(exc)) from None


def _times(col, name, source, options=None):
    return _time_axis(col, name, source, options).index


def _axis_text(axis):
    """How a time column was read, for the dim line: "day-first: '13/01/2020' in row 2 has
    no month 13; steps of 1 day"."""
    what = {"numbers": "numbers", "datetimes": "dates"}.get(axis.reading, axis.reading)
    if axis.why and axis.why != "as asked":
        what += f": {axis.why}"
    if axis.step is not None:
        what += f"; steps of {axis.step.text}"
    return what


def _numeric_series(df, cols, source, times, rows=None):
    """The columns as floats; a non-numeric value or a missing one is one line naming the
    column, the row and its time. ``rows``: the table rows to check (default all)."""
    import numpy as np
    import pandas as pd

    sub = df[cols] if rows is None else df[cols].iloc[rows]
    out = {}
    for c in cols:
        col = sub[c]
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            conv = pd.to_numeric(col, errors="coerce")
            bad = conv.isna() & col.notna()
            if bad.any() or pd.api.types.is_bool_dtype(col):
                i = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
                raise UsageError(
                    f"column {c!r} in {source} is not numeric: "
                    f"{col.iloc[i]!r} in row {_row(i, rows)}"
                )
            col = conv
        vals = col.to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            i = int(bad[0])
            what = "a missing value" if np.isnan(vals[i]) else "an infinite value"
            when = f" (time {times[_row(i, rows) - 1]})" if times is not None else ""
            raise UsageError(
                f"column {c!r} in {source} has {what} in row {_row(i, rows)}"
                f"{when}: a series must be complete, one value per time step; "
                "fill the gap first"
            )
        out[c] = vals
    return pd.DataFrame(out, index=sub.index)


def _row(i, rows):
    return (i if rows is None else int(rows[i])) + 1


def _series_frames(df, target, inputs, time, source, dates=None):
    """(y, X or None, time axis or None): y a Series (one target) or DataFrame indexed by
    the times (or by the row number), X the inputs on the same index; ``dates``: how to
    read the time column (:func:`_date_options`)."""
    import pandas as pd
    from ..io_tables import check_columns

    check_columns(df, target + inputs + ([time] if time else []), source)
    both = set(target) & set(inputs)
    if both:
        raise UsageError(f"column {sorted(both)[0]!r} is both --target and --inputs")
    if time and time in target + inputs:
        raise UsageError(f"the time column {time!r} cannot also be a target or an input")
    axis = _time_axis(df[time], time, source, dates) if time else None
    times = axis.index if axis is not None else None
    index = times if times is not None else pd.RangeIndex(len(df))
    Y = _numeric_series(df, target, source, times).set_axis(index)
    X = _numeric_series(df, inputs, source, times).set_axis(index) if inputs else None
    y = Y.iloc[:, 0] if len(target) == 1 else Y
    return y, X, axis


def _find_time(args, df, time, exclude):
    """The time column: the one named (or the data set's), else the one
    bpnn.tables.times.find_time_column finds (None with --time-column none); and whether
    it was found rather than named."""
    if time is not None or getattr(args, "time_column", None) in ("", "none"):
        return time, False
    from ..tables.times import find_time_column

    found = find_time_column(df, exclude)
    return found, found is not None


# -- bpnn train for a series ----------------------------------------------------------------
def _series_options(args, ds):
    """(target, inputs, time column, feedback delays, input delays)."""
    from ..io_tables import parse_columns

    hints = dict(ds.hints) if ds is not None else {}
    target = parse_columns(args.target) if args.target else (list(ds.target) if ds else None)
    time = args.time_column if args.time_column is not None else (ds.time if ds else None)
    time = None if time in ("", "none") else time
    if args.inputs is not None:
        inputs = [] if args.inputs.strip().lower() in ("", "none") else parse_columns(args.inputs)
    else:
        inputs = list(ds.features) if ds is not None and "input_delays" in hints else []
    fb = _delays(
        args.feedback_delays
        if args.feedback_delays is not None
        else hints.get("feedback_delays", "auto"),
        "--feedback-delays",
        1,
    )
    if args.input_delays is not None and not inputs:
        raise UsageError("--input-delays needs --inputs: the exogenous columns they delay")
    ind = (
        _delays(
            args.input_delays
            if args.input_delays is not None
            else hints.get("input_delays", "auto"),
            "--input-delays",
            0,
        )
        if inputs
        else ()
    )
    if not fb and not inputs:
        raise UsageError(
            "--feedback-delays none leaves the network no inputs: give "
            "--inputs for a time-delay network, or feedback delays for NAR"
        )
    if inputs and not ind:
        raise UsageError("--inputs needs input delays, e.g. --input-delays 1:2")
    return target, inputs, time, fb, ind


def _forecaster_params(args, ds, fb, ind):
    from ._shared import _activations

    hints = dict(ds.hints) if ds is not None else {}
    for opt, why in _NOT_FOR_SERIES.items():
        if getattr(args, opt, None) is not None:
            raise UsageError(
                f"--{opt.replace('_', '-')} does not apply to a time-series model: {why}"
            )
    if args.missing not in (None, "error"):
        raise UsageError(
            f"--missing {args.missing} does not apply to a time series: a "
            "series must be complete (fill its gaps first)"
        )
    if args.division in ("refit", "cv"):
        raise UsageError(
            f"--division {args.division} does not apply to a time-series model; give "
            "block (the default), random, interleaved or none"
        )
    if args.l2 == "auto":
        raise UsageError("--l2 auto does not apply to a time-series model; give a number")
    # every structure option left out is BPForecaster's own default ("auto": searched, or
    # MATLAB's under --preset matlab), so the command line trains the API's default model
    hidden = (
        hints.get("hidden", "auto")
        if args.hidden is None
        else _ints(args.hidden, "--hidden")
        if str(args.hidden).strip().lower() != "auto"
        else "auto"
    )
    if args.preset not in (None, "default", "matlab"):
        raise UsageError(f"--preset must be default or matlab, got {args.preset!r}")
    params = {
        "feedback_delays": fb,
        "input_delays": ind or "auto",
        "hidden": hidden if hidden == "auto" else tuple(hidden),
        "random_state": args.seed if args.seed is not None else 0,
        "division": "auto"
        if args.division is None
        else None
        if args.division == "none"
        else args.division,
        "preset": args.preset or "default",
    }
    n_hidden = 1 if hidden == "auto" else len(hidden)
    act, out_act = _activations(args.activation, n_hidden)
    if act is not None:
        params["activation"] = act
    if args.output_activation or out_act:
        params["output_activation"] = args.output_activation or out_act
    if args.algorithm:
        params["algorithm"] = args.algorithm
    extra = _key_values(args.param)
    if extra and not args.algorithm:
        raise UsageError(
            "--param needs --algorithm: name the algorithm the parameters "
            f"belong to (got {', '.join(extra)})"
        )
    if extra:
        params["algorithm_params"] = extra
    simple = {
        "loss": "loss",
        "epochs": "epochs",
        "goal": "goal",
        "max_fail": "max_fail",
        "min_grad": "min_grad",
        "time": "time_limit",
        "l2": "l2",
        "restarts": "n_restarts",
        "init": "init",
        "scaling": "scaling",
        "closed_loop_horizon": "closed_loop_horizon",
        "n_ensemble": "n_ensemble",
        "interval_horizon": "interval_horizon",
        "horizon": "horizon",
    }
    for opt, name in simple.items():
        if getattr(args, opt, None) is not None:
            params[name] = getattr(args, opt)
    if args.ratios is not None:
        from ._shared import _floats

        params["ratios"] = tuple(_floats(args.ratios, "--ratios"))
    if getattr(args, "difference", None) is not None:
        from ..timeseries import parse_difference

        try:
            params["difference"] = parse_difference(args.difference)
        except ValueError as exc:
            raise UsageError(f"--difference takes {exc}") from None
    return params


def _describe_times(times, n):
    if times is None:
        return f"{n} time steps"
    from ..plots import _time_text
    import numpy as np

    first, last = np.asarray(times)[[0, -1]]
    return f"{n} time steps ({_time_text(first)}..{_time_text(last)})"


def cmd_train_series(args):
    """``bpnn train`` for a series: a BPForecaster fitted open loop, its one-step metrics
    printed, the model, report and plots written."""
    import warnings

    import numpy as np

    from ..checkpoint import GracefulInterrupt
    from ..timeseries import BPForecaster
    from ..trainer import training_defaults
    from ._shared import _plural, _print_summary

    for what, path in (("output", args.output), ("report", args.report)):
        _check_output(path, what)
    if args.data is None:
        raise UsageError(
            "name the series to train on: a table (CSV, Excel, ...) with "
            "--target COL, or a built-in series: sunspots, narendra_plant"
        )
    df, ds = _read_data(args.data, getattr(args, "sheet", None), args)
    source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    target, inputs, time, fb, ind = _series_options(args, ds)
    time, found = _find_time(args, df, time, (target or []) + inputs)
    if target is None:
        rest = [c for c in df.columns if c not in inputs and c != time]
        if not rest:
            raise UsageError(f"{source} has no column to forecast; name it with --target")
        target = [str(rest[-1])]
    try:
        y, X, axis = _series_frames(df, target, inputs, time, source, _date_options(args))
    except UsageError as exc:
        if found and str(exc).startswith(f"time column {time!r}"):  # one it chose itself
            raise UsageError(
                f"{exc} (the column was taken as the time axis for its name or values; "
                "--time-column none trains without one)"
            ) from None
        raise
    times = None if axis is None else axis.index
    params = _forecaster_params(args, ds, fb, ind)
    D = max((*(() if fb == "auto" else fb), *(() if ind == "auto" else ind), 0))
    if len(df) <= D:
        raise UsageError(
            f"{source} has {len(df)} rows, too few for delays up to {D}: need at "
            f"least {D + 1} ({D} initial values and one target)"
        )
    show = not args.quiet
    params["verbose"] = bool(
        args.progress if args.progress is not None else (show and sys.stdout.isatty())
    )
    params["warn"] = False
    model = BPForecaster(**params)
    console = _console()
    kind = "NARX" if inputs and fb else "time-delay" if inputs else "NAR"
    if show:
        eff = model.effective_params()  # "auto" is MATLAB's 1:2 under --preset matlab
        fb_s = eff["feedback_delays"] if fb == "auto" else fb
        ind_s = eff["input_delays"] if ind == "auto" else ind
        delays = f"feedback delays {_delay_text(fb_s)}" if fb else "no feedback"
        if inputs:
            delays += f", input delays {_delay_text(ind_s)} of {', '.join(inputs)}"
        if "auto" in (fb_s, ind_s if inputs else ()) or eff["hidden"] == "auto":
            delays += " (auto: chosen on validation windows after the fitted rows)"
        if axis is not None and (found or axis.reading in ("day-first", "month-first")):
            console.print(f"[dim]using column {time!r} as the time axis ({_axis_text(axis)})[/dim]")
        console.print(
            f"training a {kind} network on {source}: "
            f"{_describe_times(times, len(df))} of {', '.join(target)}; {delays}"
        )
        unused = [str(c) for c in df.columns if c not in {*target, *inputs, time}]
        if unused and ds is None:
            console.print(
                f"[dim]columns not used: {', '.join(unused)} (--inputs makes them the "
                "exogenous inputs of a NARX network)[/dim]"
            )
    if (args.checkpoint or args.resume) and (model.n_restarts != 1 or model.n_ensemble != 1):
        raise UsageError(
            "--checkpoint/--resume need one training run: give --restarts 1 and --n-ensemble 1"
        )
    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise UsageError(f"--checkpoint-every must be >= 1, got {args.checkpoint_every}")
    with (
        GracefulInterrupt() as interrupt,
        training_defaults(
            checkpoint=args.checkpoint,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            callbacks=[interrupt],
        ),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        model.fit(y, X)
    # how the dates were read, so that bpnn forecast reads a later table the same way
    model.time_reading_ = (axis.options or None) if axis is not None else None
    if params["verbose"] and not sys.stdout.isatty():
        print()
    fb, ind = model.feedback_delays_, model.input_delays_
    if show and model.structure_search_ is not None:
        _print_structure(console, model)
    from ..report import data_from_forecaster

    rec = model.record_
    data = data_from_forecaster(model, y, X)
    if show:
        sizes = "-".join(map(str, model.network_.sizes))
        acts = "/".join(a.name for a in model.network_.activations)
        _print_summary(
            console,
            model,
            data,
            rec,
            f"{kind} {sizes} {acts} network, algorithm {model.algorithm_} (one-step errors)",
        )
        parts = data.parts()
        n_t = _plural(len(data.y_true), "target time")
        console.print(
            f"[dim]metrics: one-step predictions; {n_t}"
            f" divided {model._division or 'not at all'}"
            + (
                " (validation and test after every training time)"
                if model._division == "block" and len(parts) > 1
                else ""
            )
            + "[/dim]"
        )
        cl = model.closed_loop_record_
        if cl is not None:
            console.print(
                f"closed-loop fine-tuning over {model.closed_loop_horizon_} steps: "
                f"{cl.stop_reason} after {cl.epochs} epochs (best epoch "
                f"{cl.best_epoch})"
            )
        _print_interval_note(console, model)
    settings = {
        "network": kind,
        "data": source,
        "targets": ", ".join(target),
        "inputs": ", ".join(inputs) or "—",
        "time column": time or "—",
        "feedback delays": _delay_text(fb) or "—",
        "input delays": _delay_text(ind) if inputs else "—",
        **_series_settings(model),
    }
    _write_series_outputs(
        model,
        y,
        X,
        times,
        time,
        data,
        settings,
        console if show else None,
        args.report,
        args.plots,
        args.output,
    )
    if show and not args.output:
        console.print("(save the model with -o model.bpnn, then forecast with bpnn forecast)")
    if interrupt.requested:
        print(
            f"bpnn train: interrupted after epoch {rec.epochs}"
            + ("; the best model so far was saved" if args.output else ""),
            file=sys.stderr,
        )
        return 130
    return EXIT_OK if np.isfinite(rec.final_loss) else EXIT_FAIL


def _print_interval_note(console, model):
    """One line on the ensemble and on what calibrates ``bpnn forecast --interval``."""
    k = len(model._members())
    scores = getattr(model, "interval_scores_", None)
    what = f"an ensemble of {k} networks (forecasts averaged); " if k > 1 else ""
    if scores is None:
        what += "no held-out times to calibrate forecast intervals"
        what += " (--interval uses the members' spread)" if k > 1 else ""
    else:
        from ..timeseries.intervals import calibration_origins, held_out_positions

        where = calibration_origins(model)
        if not len(held_out_positions(model)):
            where += " (a candidate fitted on the rows before it)"
        what += (
            f"forecast intervals calibrated on {scores.shape[0]} {where} for "
            f"steps 1..{scores.shape[1]} (bpnn forecast --interval 0.9)"
        )
    console.print(f"[dim]{what}[/dim]")


def _print_structure(console, model):
    """Two lines: the structure the search chose, and the candidates it scored."""
    search = model.structure_search_
    console.print(f"structure chosen: {model.structure_['summary']}")
    if not search["candidates"]:
        return  # nothing was searched: the summary says why
    scores = ", ".join(
        (f"Δ{'' if c['difference'] == 1 else c['difference']} " if c.get("difference") else "")
        + f"{_delay_text(c['feedback_delays']) or 'none'}"
        + (f"/{_delay_text(c['input_delays'])}" if c["input_delays"] else "")
        + f" x{'-'.join(map(str, c['hidden']))}: "
        + ("-" if c["score"] is None or not c["score"] < float("inf") else f"{c['score']:.3g}")
        for c in search["candidates"]
    )
    console.print(
        f"[dim]candidates (fitted on the first {search['fit_rows']} rows, scored on "
        f"{search['horizon']}-step closed-loop forecasts after them, in {search['time_s']:.1f} s): "
        f"{scores}[/dim]"
    )


def _delay_text(d):
    if isinstance(d, str):
        return d
    d = list(d)
    if len(d) > 2 and d == list(range(d[0], d[-1] + 1)):
        return f"{d[0]}:{d[-1]}"
    return ",".join(map(str, d))


def _series_settings(model):
    skip = ("verbose", "warn", "feedback_delays", "input_delays")
    out = {k: v for k, v in model.get_params().items() if k not in skip and v is not None}
    out["algorithm (fitted)"] = getattr(model, "algorithm_", None)
    st = getattr(model, "structure_", None)
    if st is not None:
        out["structure (chosen)"] = st["summary"]
    return {k: v for k, v in out.items() if v is not None}


def _write_series_outputs(
    model,
    y,
    X,
    times,
    time,
    data,
    settings,
    console,
    report=None,
    plots_dir=None,
    output=None,
    title=None,
):
    """The report (with its Time series section), the PNGs and the model file."""
    from ..report import build_figures, series_from_model, write_plots, write_report

    series = (
        series_from_model(model, y, X, times, time or "time step") if report or plots_dir else None
    )
    if report:
        write_report(
            report,
            model.record_,
            model.network_,
            data,
            settings,
            plots_dir=plots_dir,
            series=series,
            **({} if title is None else {"title": title}),
        )
    elif plots_dir:
        write_plots(plots_dir, build_figures(model.record_, model.network_, data, series=series))
    if output:
        from ..io import save

        save(model, output)
    if console is not None:
        for what, path in (("model", output), ("report", report), ("plots", plots_dir)):
            if path:
                console.print(f"{what} written to {path}")


# -- bpnn forecast ----------------------------------------------------------------------------
def _forecaster(path):
    model = _load_model(path, forecaster=True)
    if type(model).__name__ != "BPForecaster":
        raise UsageError(
            f"{str(path)!r} is not a time-series model ({type(model).__name__}): use bpnn predict"
        )
    return model


def _read_series_table(model, args):
    """DATA as (history y or None, history X or None, future X or None, future times or
    None, time column or None, source, the number of rows to forecast). Rows with every
    target known are the history; the rows after the last known target (targets empty, or
    no target column at all) are the forecast times, whose exogenous values NARX and
    time-delay networks read."""
    import numpy as np

    df, ds = _read_data(args.data, getattr(args, "sheet", None), args)
    source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    targets, exog = list(model.target_names_), list(model.exog_names_ or [])
    time = args.time_column if args.time_column is not None else getattr(model, "time_name_", None)
    if time in ("", "none") or (args.time_column is None and time not in df.columns):
        time = None
    from ..io_tables import check_columns

    check_columns(df, exog + ([time] if time else []), source)
    dates = _date_options(args, getattr(model, "time_reading_", None))
    times = _times(df[time], time, source, dates) if time else None
    have_y = [t for t in targets if t in df.columns]
    if have_y and len(have_y) < len(targets):
        lack = [t for t in targets if t not in df.columns]
        raise UsageError(
            f"{source} has the target column(s) {', '.join(have_y)} but lacks "
            f"{', '.join(lack)}: give every target or none"
        )
    n = len(df)
    if have_y:
        known = df[targets].notna().all(axis=1).to_numpy()
        n_hist = int(np.flatnonzero(known)[-1]) + 1 if known.any() else 0
        if n_hist == 0:
            raise UsageError(
                f"{source} has the target column(s) {', '.join(targets)} but no "
                "value in them: leave them out to forecast from the end of the "
                "training series"
            )
        hist = _numeric_series(df, targets, source, times, np.arange(n_hist))
        late = df[targets].iloc[n_hist:].notna().to_numpy()
        if late.any():
            r, c = np.argwhere(late)[0]
            raise UsageError(
                f"column {targets[c]!r} in {source} has a value in row "
                f"{n_hist + r + 1}, after the last row where every target is "
                "known: the known values must come first, then the rows to "
                "forecast"
            )
    else:
        n_hist, hist = 0, None
    hist_X = (
        _numeric_series(df, exog, source, times, np.arange(n_hist)) if exog and n_hist else None
    )
    fut_X = (
        _numeric_series(df, exog, source, times, np.arange(n_hist, n))
        if exog and n_hist < n
        else None
    )
    fut_t = times[n_hist:] if times is not None else None
    hist_t = times[:n_hist] if times is not None else None
    if hist is not None and hist_t is not None:
        hist = hist.set_axis(hist_t)
    return hist, hist_X, fut_X, fut_t, time, source, n - n_hist


def cmd_forecast(args):
    import numpy as np
    import pandas as pd

    from ..io_tables import write_table

    _check_output(args.output, "output")
    _check_forecast_interval(args.interval)
    model = _forecaster(args.model)
    if getattr(args, "one_step", False):
        return _cmd_one_step(args, model)
    targets = list(model.target_names_)
    if args.steps is not None and args.steps < 1:
        raise UsageError(f"--steps must be a positive integer, got {args.steps}")
    hist = hist_X = fut_X = fut_t = None
    n_future = 0
    time = (
        getattr(model, "time_name_", None)
        if args.time_column is None
        else (None if args.time_column in ("", "none") else args.time_column)
    )
    if args.data is not None:
        hist, hist_X, fut_X, fut_t, time_in, source, n_future = _read_series_table(model, args)
        time = time_in or time
    if model.n_exog_ and fut_X is None:
        where = (
            f"{source} has no rows after the last known value of {', '.join(targets)}"
            if args.data is not None
            else "no DATA was given"
        )
        raise UsageError(
            f"this {model.kind_} model needs the future values of its inputs "
            f"{', '.join(model.exog_names_)} at the forecast times, but {where}: "
            "give DATA with those columns for the times to forecast"
        )
    steps = args.steps
    if steps is None:
        if not n_future:
            raise UsageError(
                "give --steps N: how many time steps to forecast (or rows "
                "after the known values in DATA, one per time to forecast)"
            )
        steps = n_future
    if model.n_exog_:
        need = steps - min(model.input_delays_)
        if len(fut_X) < need:
            raise UsageError(
                f"--steps {steps} needs the inputs {', '.join(model.exog_names_)}"
                f" at {need} forecast time(s), DATA gives {len(fut_X)} row(s) "
                f"after the known values"
            )
    if hist is not None and len(hist) < max(model.feedback_delays_, default=0):
        raise UsageError(
            f"{source} has {len(hist)} known value(s) of {', '.join(targets)}; "
            f"the feedback delays {_delay_text(model.feedback_delays_)} need the "
            f"last {max(model.feedback_delays_)}"
        )
    if hist_X is not None and len(hist_X) < max(model.input_delays_, default=0):
        raise UsageError(
            f"{source} has {len(hist_X)} known row(s) of "
            f"{', '.join(model.exog_names_)}; the input delays "
            f"{_delay_text(model.input_delays_)} need the last "
            f"{max(model.input_delays_)}"
        )
    last = None if hist is None else (hist.iloc[:, 0] if len(targets) == 1 else hist)
    if last is not None and not model.feedback_delays_:
        last = None  # a time-delay network reads no past values of y
    given = {
        "X": None if fut_X is None else fut_X.to_numpy(),
        "last_window": last,
        "last_window_X": None if hist_X is None else hist_X.to_numpy(),
    }
    pred = model.predict(steps, **given)
    P = np.asarray(pred, dtype=float).reshape(steps, -1)
    out = pd.DataFrame(P, columns=targets)
    if args.interval is not None:
        _add_interval_columns(out, model, args.interval, steps, given, args.quiet)
    when = _forecast_times(model, pred, fut_t, hist, steps)
    if time and when is not None:
        out.insert(0, time, when)
    else:
        out.insert(0, "step", np.arange(1, steps + 1))
    if args.output:
        write_table(out, args.output)
        if not args.quiet:
            span = f"{when[0]}..{when[-1]}" if time and when is not None else f"1..{steps}"
            _console().print(
                f"forecast of {', '.join(targets)} for {steps} "
                f"step(s) ({span}) written to {args.output}"
            )
    else:
        out.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _check_forecast_interval(coverage):
    """``--interval``: a coverage strictly between 0 and 1 (checked before anything is read)."""
    import math

    if coverage is not None and not (math.isfinite(coverage) and 0 < coverage < 1):
        raise UsageError(
            f"--interval must be a coverage strictly between 0 and 1, e.g. 0.9, got {coverage:g}"
        )


def _add_interval_columns(out, model, coverage, steps, given, quiet):
    """lower / upper columns (lower_NAME / upper_NAME for several targets) of
    ``model.predict_interval``; a fallback to the ensemble's spread is said on stderr."""
    import warnings

    import numpy as np

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            lo, hi = model.predict_interval(steps, coverage=coverage, **given)
        except ValueError as exc:
            raise UsageError(f"--interval {coverage:g}: {exc}") from None
    if not quiet:
        for w in caught:
            print(f"bpnn forecast: note: {w.message}", file=sys.stderr)
    targets = list(model.target_names_)
    lo, hi = (np.asarray(b, dtype=float).reshape(steps, -1) for b in (lo, hi))
    for j, name in enumerate(targets):
        tag = "" if len(targets) == 1 else f"_{name}"
        out[f"lower{tag}"], out[f"upper{tag}"] = lo[:, j], hi[:, j]


def _cmd_one_step(args, model):
    """``bpnn forecast MODEL DATA --one-step``: every known time of DATA predicted one step
    ahead (open loop, from the true values before it), and the step after the last known
    value (MATLAB's removedelay, :meth:`BPForecaster.predict_early`) when the inputs
    allow it."""
    from ..io_tables import write_table

    if args.data is None:
        raise UsageError(
            "--one-step needs DATA: the series whose times to predict, each from the "
            "true values before it"
        )
    if args.interval is not None:
        raise UsageError(
            "--interval does not apply to --one-step: its intervals are for closed-loop "
            "forecasts (bpnn forecast MODEL --steps N --interval 0.9)"
        )
    if args.steps is not None:
        raise UsageError(
            "--steps does not apply to --one-step: every time of DATA after the first "
            f"{model.max_delay_} (the delays' initial values) is predicted, and the next one"
        )
    hist, hist_X, fut_X, fut_t, time, source, _ = _read_series_table(model, args)
    out, n_next = one_step_table(model, hist, hist_X, fut_X, fut_t, time, source)
    if args.output:
        write_table(out, args.output)
        if not args.quiet:
            from ..tables.times import show_time

            D, n = model.max_delay_, len(out) - n_next
            col = out[out.columns[0]]
            first, last = show_time(col.iloc[0]), show_time(col.iloc[n - 1])
            nxt = f" and the next one ({show_time(col.iloc[-1])})" if n_next else ""
            _console().print(
                f"one-step predictions of {', '.join(model.target_names_)} for {n} time "
                f"step(s) ({first}..{last}; the first {D} of DATA are initial values){nxt}"
                f" written to {args.output}"
            )
    else:
        out.to_csv(sys.stdout, index=False)
    return EXIT_OK


def one_step_table(model, hist, hist_X, fut_X, fut_t, time, source):
    """(table, rows after the known values: 0 or 1). The table has the time column (or
    ``step``, DATA's row number), then per target ``name`` (the true value),
    ``name_one_step`` (:meth:`BPForecaster.predict_open_loop`) and ``name_error`` (true -
    prediction), one row per known time after the first max_delay_; a last row predicts
    the time after them when every delay is >= 1 or DATA gives the inputs there."""
    import numpy as np
    import pandas as pd

    targets, D = list(model.target_names_), model.max_delay_
    if hist is None:
        raise UsageError(
            f"{source} has no column {', '.join(targets)}: --one-step needs the known "
            "values of the series"
        )
    if len(hist) <= D:
        raise UsageError(
            f"{source} has {len(hist)} known value(s) of {', '.join(targets)}; the delays "
            f"need {D} initial values and one more to predict"
        )
    y = hist.iloc[:, 0] if len(targets) == 1 else hist
    Y = hist.to_numpy(dtype=float).reshape(len(hist), -1)
    P = np.asarray(model.predict_open_loop(y, hist_X), dtype=float).reshape(len(hist), -1)
    nxt = None
    if fut_X is not None:  # DATA gives the inputs at the next time
        pred = model.predict(
            1,
            X=fut_X.to_numpy()[:1],
            last_window=y,
            last_window_X=None if hist_X is None else hist_X.to_numpy(),
        )
        nxt = np.asarray(pred, dtype=float).reshape(-1)
    elif 0 not in model.input_delays_:  # every delay >= 1: y(T+1) from the values to T
        early = model.predict_early(y, hist_X)
        nxt = np.asarray(early, dtype=float).reshape(len(hist), -1)[-1]
    times = pd.Index(np.arange(D + 1, len(hist) + 1))  # DATA's row numbers, from 1
    after = len(hist) + 1
    if time is not None:
        times = hist.index[D:]
        from ..tables.times import continue_times

        more = continue_times(hist.index, 1)
        after = fut_t[0] if fut_t is not None and len(fut_t) else None
        after = more[0] if after is None and more is not None else after
    if after is None:
        nxt = None
    cols = {}
    for j, name in enumerate(targets):
        true, pj = Y[D:, j], P[D:, j]
        if nxt is not None:
            true, pj = np.append(true, np.nan), np.append(pj, nxt[j])
        cols[name], cols[f"{name}_one_step"], cols[f"{name}_error"] = true, pj, true - pj
    out = pd.DataFrame(cols)
    if nxt is not None:
        times = times.append(pd.Index([after]))
    out.insert(0, time if time is not None else "step", times)
    return out, 0 if nxt is None else 1


def _forecast_times(model, pred, fut_t, hist, steps):
    """The times of the forecast: DATA's own times of the forecast rows where it has them,
    else the fitted (or DATA's) time index continued; None when the times are not regular."""
    import numpy as np
    import pandas as pd

    index = getattr(pred, "index", None)
    regular = (
        index is not None
        and not isinstance(index, pd.RangeIndex)
        and (hist is None or not isinstance(hist.index, pd.RangeIndex))
    )
    cont = np.asarray(index) if regular else None
    if fut_t is not None and len(fut_t):
        k = min(len(fut_t), steps)
        given = np.asarray(fut_t[:k])
        if cont is not None:
            if len(given) and given[0] != cont[0] and hist is None:
                raise UsageError(
                    f"DATA's first time {fut_t[0]} does not follow the model's "
                    f"last known time (the forecast starts at {index[0]}): give "
                    "the rows from there on, or the known values of the target "
                    "before them"
                )
            return np.concatenate([given, cont[k:]])
        return given if k == steps else None
    if cont is None:
        return None
    if isinstance(index, pd.DatetimeIndex):
        return index
    return cont


# -- bpnn report / evaluate of a forecaster ----------------------------------------------------
def is_forecaster(model) -> bool:
    return type(model).__name__ == "BPForecaster"


def _model_series(model, args):
    """DATA read as the model's series: (y, X, times, time column, source)."""
    df, ds = _read_data(args.data, getattr(args, "sheet", None), args)
    source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    time = getattr(args, "time_column", None)
    if time is None:
        time = getattr(model, "time_name_", None)
        time = time if time in df.columns else None
    elif time in ("", "none"):
        time = None
    if getattr(args, "target", None):
        from ..io_tables import parse_columns

        if parse_columns(args.target) != list(model.target_names_):
            raise UsageError(
                f"the model forecasts {', '.join(model.target_names_)}; "
                f"--target {args.target} names other columns"
            )
    y, X, axis = _series_frames(
        df,
        list(model.target_names_),
        list(model.exog_names_ or []),
        time,
        source,
        _date_options(args, getattr(model, "time_reading_", None)),
    )
    return y, X, None if axis is None else axis.index, time, source


def cmd_report_series(args, model):
    """``bpnn report MODEL [SERIES]`` for a forecaster: with the series, the metrics and the
    Time series section (the record's split when it is the training series)."""
    from ..report import data_from_forecaster, write_report

    rec = model.record_
    settings = {"network": model.kind_, **_series_settings(model)}
    title = args.title or f"bpnn training report: {Path(args.model).name}"
    console = None if args.quiet else _console()
    if args.data is None:
        write_report(
            args.output, rec, model.network_, None, settings, title=title, plots_dir=args.plots
        )
        if console is not None:
            console.print(
                f"report written to {args.output} (give the series as DATA for the "
                "response, correlation and forecast plots)"
            )
        return EXIT_OK
    y, X, times, time, source = _model_series(model, args)
    settings = {"data": source, **settings}
    data = data_from_forecaster(model, y, X)
    _write_series_outputs(
        model, y, X, times, time, data, settings, console, args.output, args.plots, title=title
    )
    return EXIT_OK


def cmd_evaluate_series(args, model):
    """``bpnn evaluate MODEL SERIES`` for a forecaster: the one-step metrics."""
    import json

    from ..report import data_from_forecaster, split_metrics
    from ._shared import _plural, _print_summary

    y, X, _, _, source = _model_series(model, args)
    data = data_from_forecaster(model, y, X)
    if args.json:
        print(json.dumps(split_metrics(data)["all"]))
    else:
        console = _console()
        _print_summary(
            console, model, data, None, f"{Path(args.model).name} on {source} (one-step errors)"
        )
        if "new" in data.splits:
            n_new = _plural(len(data.splits["new"]), "target time")
            console.print(
                f"[dim]new: the {n_new} after the series the model was fitted on "
                "(its training, validation and test times keep their rows)[/dim]"
            )
    return EXIT_OK


def add_date_options(parser, time_column=False):
    """--dayfirst / --monthfirst / --date-format (and, with ``time_column``, --time-column):
    how a series' time column reads (docs/timeseries.md, "Dates")."""
    if time_column:
        parser.add_argument(
            "--time-column",
            dest="time_column",
            metavar="COL",
            help="DATA's time column (default: the one the model was trained with)",
        )
    order = parser.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="date_order",
        action="store_const",
        const="day",
        help="dates such as 03/04/2020 are day/month/year (default: decided from the "
        "whole column: a first field above 12 is a day)",
    )
    order.add_argument(
        "--monthfirst",
        dest="date_order",
        action="store_const",
        const="month",
        help="dates such as 03/04/2020 are month/day/year",
    )
    parser.add_argument(
        "--date-format",
        dest="date_format",
        metavar="FMT",
        help="the time column's strptime format, e.g. %%d.%%m.%%Y or %%Y年%%m月%%d日",
    )


def add_train_options(t):
    """The time-series group of ``bpnn train``."""
    g = t.add_argument_group(
        "time series (NAR, NARX and time-delay networks; docs/timeseries.md)",
        "Any of these, or a built-in series (sunspots, narendra_plant), trains a "
        "BPForecaster: y(t) from its own past values y(t-d) and, with --inputs, from the "
        "exogenous series x(t-d). By default the delays and the hidden width are chosen "
        "automatically (candidates from the partial autocorrelation, an AR order, a season "
        "and an embedding, each fitted on the earlier rows and scored by its closed-loop "
        "error --horizon steps ahead on the later ones), then Bayesian regularisation (br) "
        "trains on every row. --preset matlab gives MATLAB's: delays 1:2, 10 hidden units, "
        "lm, division block (70/15/15 in time order).",
    )
    g.add_argument(
        "--feedback-delays",
        dest="feedback_delays",
        metavar="DELAYS",
        help="delays of the target fed back as inputs, >= 1: auto (default), 1:2, "
        "1:12, 1,2,12; none for a time-delay network",
    )
    g.add_argument(
        "--inputs", metavar="COLS", help="exogenous input columns (a NARX network; none: NAR)"
    )
    g.add_argument(
        "--input-delays",
        dest="input_delays",
        metavar="DELAYS",
        help="delays of the inputs, >= 0 (0: x(t) itself): auto (default), 1:2, ...",
    )
    g.add_argument(
        "--time-column",
        dest="time_column",
        metavar="COL",
        help="the column of times or dates (kept for plots and forecasts, never "
        "an input); must be sorted, without repeats or gaps. Default: a column named "
        "like date, time, year, 日期 ... or of text that reads as dates; none: no time axis",
    )
    add_date_options(g)
    g.add_argument(
        "--horizon",
        type=int,
        metavar="H",
        help="the steps ahead the automatic structure is scored at (default 10)",
    )
    g.add_argument(
        "--difference",
        metavar="K",
        help="model the differences y(t) - y(t-K): 1 first differences, a season such as 12 "
        "seasonal ones, 0 the values (default auto: the structure search tries first and "
        "seasonal differences and keeps what forecasts best)",
    )
    g.add_argument(
        "--closed-loop-horizon",
        dest="closed_loop_horizon",
        type=int,
        metavar="H",
        help="after the open-loop fit, train through the feedback "
        "over windows of H steps (backpropagation through time)",
    )
    g.add_argument(
        "--interval-horizon",
        dest="interval_horizon",
        type=int,
        metavar="H",
        help="calibrate forecast intervals (bpnn forecast --interval) for steps 1..H "
        "(default: up to a quarter of the held-out times, at most 100)",
    )


def add_parsers(sub, common):
    f = sub.add_parser(
        "forecast",
        parents=[common],
        help="forecast a series with a saved time-series model",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Forecast N time steps closed loop (each prediction fed back as an "
        "input)\nwith a model saved by `bpnn train SERIES --target COL --feedback-delays "
        "...`.",
        epilog="""DATA, when given, is a table (or built-in series) with the model's columns:
  * rows where the target is known are the recent past: the forecast continues
    after the last of them (without target columns, it continues from the end
    of the training series, as it does without DATA);
  * the rows after them (target empty or absent) are the forecast times: a NARX
    or time-delay model reads its input columns there, and their times (the time
    column) label the forecast.
Without DATA a NAR model forecasts from the last values it was trained on.
The output has the time column (continued when the times are regular; else a
step number 1..N) and one column per target; --interval 0.9 adds lower and upper.

examples:
  bpnn train sunspots --feedback-delays 1:12 --hidden 8 -o sun.bpnn
  bpnn forecast sun.bpnn --steps 20 -o forecast.csv
  bpnn forecast sun.bpnn --steps 10 --interval 0.9      (lower, upper per step)
  bpnn train plant.csv --target y --inputs u --input-delays 1:2 --time-column t -o p.bpnn
  bpnn forecast p.bpnn future_u.csv -o forecast.csv      (one row per future time)
  bpnn forecast sun.bpnn sunspots --one-step -o one_step.csv
        (every known year predicted from the years before it, and the next year)

Dates in DATA's time column are read as the training table's were (day-first,
month-first or --date-format), unless --dayfirst / --monthfirst / --date-format
say otherwise; see docs/timeseries.md, "Dates".""",
    )
    f.add_argument("model", metavar="MODEL", help="a model file saved by bpnn train")
    f.add_argument(
        "data", metavar="DATA", nargs="?", help="recent values and/or future inputs (see below)"
    )
    f.add_argument(
        "--steps",
        type=int,
        metavar="N",
        help="time steps to forecast (default: DATA's rows after the known values)",
    )
    f.add_argument(
        "-o",
        "--output",
        help="forecast table (.csv, .tsv, .xlsx, .parquet); default: CSV on stdout",
    )
    f.add_argument(
        "--one-step",
        dest="one_step",
        action="store_true",
        help="instead of a closed-loop forecast, predict every known time of DATA one "
        "step ahead from the true values before it (open loop), and the next time: a "
        "table of the time, the true value, the prediction and the error",
    )
    f.add_argument(
        "--interval",
        type=float,
        metavar="COVERAGE",
        help="add lower/upper columns: forecast intervals per step that hold the value "
        "with this probability, e.g. 0.9 (conformal on the model's held-out closed-loop "
        "residuals; docs/timeseries.md)",
    )
    add_date_options(f, time_column=True)
    f.add_argument("--sheet", help="Excel sheet name")
    _add_read_options(f)
    f.set_defaults(func=cmd_forecast)
