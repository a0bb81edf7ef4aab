"""``bpnn predict``, ``evaluate``, ``report`` and ``export``: a saved model and new data."""

from __future__ import annotations

import sys
from pathlib import Path

from ..tables.frames import check_width as _check_width
from ..tables.frames import feature_names as _feature_names
from ..tables.frames import has_table_map
from ..tables.frames import model_inputs as _model_inputs
from ..tables.frames import prediction_names as _prediction_names
from ..tables.frames import require_inputs as _require_inputs
from ._shared import (
    _add_read_options,
    EXIT_OK,
    UsageError,
    _check_output,
    _console,
    _load_model,
    _read_data,
)
from .timeseries import add_date_options, cmd_evaluate_series, cmd_report_series, is_forecaster
from .train import _model_settings, _print_summary


# -- predict / evaluate -------------------------------------------------------------------
def cmd_predict(args):
    import numpy as np
    import pandas as pd

    from ..io_tables import write_table

    _check_output(args.output, "output")
    model = _load_model(args.model, predict_only=True)
    df, _ = _read_data(args.data, getattr(args, "sheet", None), args)
    source = repr(str(args.data))
    missing = args.missing  # None: the model's own rule (its table map's fill)
    if missing == "drop":
        raise UsageError(
            "--missing drop would lose rows in a prediction; use error, mean or median"
        )
    interval = _check_interval(args.interval, model)
    X = _model_inputs(model, df, source, missing)
    pred = np.asarray(model.predict(X))
    pred = pred.reshape(len(X), -1)
    names = _prediction_names(model, pred.shape[1])
    out = pd.DataFrame(pred, columns=names, index=X.index)
    if interval is not None:
        lo, hi = (np.asarray(b).reshape(len(X), -1) for b in model.predict_interval(X, interval))
        for j, name in enumerate(names):
            out[name.replace("prediction", "lower", 1)] = lo[:, j]
            out[name.replace("prediction", "upper", 1)] = hi[:, j]
    if args.proba:
        if not hasattr(model, "predict_proba"):
            raise UsageError("--proba needs a classifier model")
        P = np.asarray(model.predict_proba(X))
        for j, c in enumerate(model.classes_):
            out[f"p_{c}"] = P[:, j]
    if args.with_inputs:
        out = pd.concat([X, out], axis=1)
    if args.output:
        write_table(out, args.output)
    else:
        out.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _check_interval(coverage, model):
    """``--interval``: a coverage in (0, 1) for a regression model with calibration rows
    (checked before anything is read or written)."""
    if coverage is None:
        return None
    from ..conformal import min_calibration_rows

    if not hasattr(model, "predict_interval"):
        raise UsageError("--interval needs a regression model (classifiers give --proba)")
    need = min_calibration_rows(coverage)  # a bad coverage is refused first
    scores = getattr(model, "conformity_scores_", None)
    n = 0 if scores is None else len(scores)
    if n == 0:  # say how to get them from the command line
        raise UsageError(
            "--interval needs rows the network did not train on, and this model "
            "has none (it trained on every row): retrain it with bpnn train "
            "--holdout 0.15 (the default) or a --division that holds rows out"
        )
    if n < need:
        raise UsageError(
            f"--interval {coverage:g} needs at least {need} calibration rows for a "
            f"finite interval; the model has {n}: retrain it with a larger bpnn "
            "train --holdout, or ask for a lower coverage"
        )
    return coverage


def _targets(args, model, df, ds, source):
    from ..io_tables import parse_columns

    names = _feature_names(model)
    if args.target:
        return parse_columns(args.target)
    if ds is not None:
        return list(ds.target)
    known = getattr(model, "target_names_", None)
    if known is not None and all(str(t) in map(str, df.columns) for t in known):
        return [str(t) for t in known]
    if names is None:
        raise UsageError(
            "name the target column(s) with --target (the model was trained without column names)"
        )
    target = [c for c in df.columns if c not in names]
    if not target:
        raise UsageError(f"{source} has no target column besides the model's inputs")
    return target


def _evaluation_data(args, model, record=None):
    """Inputs and targets of DATA as a ReportData (targets: --target, or the columns that
    are not the model's inputs). With ``record``, its splits are used when DATA has the
    training data's row count."""
    from ..io_tables import check_columns, select_columns
    from ..report import data_from_model

    df, ds = _read_data(args.data, getattr(args, "sheet", None), args)
    source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    target = _targets(args, model, df, ds, source)
    check_columns(df, target, source)
    names = _require_inputs(model, df, source)
    task = "classification" if hasattr(model, "classes_") else "regression"
    raw = has_table_map(model)
    X, Y = select_columns(
        df,
        target,
        names,
        missing=args.missing or ("indicator" if raw else "error"),
        source=source,
        numeric_target=task == "regression",
        raw=raw,
    )
    _check_width(model, X, source)
    if getattr(model, "feature_names_in_", None) is None and hasattr(X, "to_numpy"):
        X = X.to_numpy()  # a model fitted on arrays (an imported one) warns on a frame
    y = Y.iloc[:, 0] if Y.shape[1] == 1 else Y
    if task == "classification":
        y = _match_label_type(y, model.classes_)
    return data_from_model(model, X, y, record, task), source


def _match_label_type(y, classes):
    """Read labels as the model's class type (a CSV column of 0/1 vs the model's '0'/'1')."""
    import numpy as np

    kind = np.asarray(classes).dtype.kind
    try:
        if kind in "iu":
            return y.astype(np.int64)
        if kind == "f":
            return y.astype(float)
        return y.astype(str)
    except (TypeError, ValueError):
        return y


def cmd_evaluate(args):
    import json

    from ..report import split_metrics

    model = _load_model(args.model, forecaster=True)
    if is_forecaster(model):
        return cmd_evaluate_series(args, model)
    data, source = _evaluation_data(args, model)
    if args.json:
        print(json.dumps(split_metrics(data)["all"]))
    else:
        _print_summary(_console(), model, data, None, f"{Path(args.model).name} on {source}")
    return EXIT_OK


# -- report / export --------------------------------------------------------------------------
def cmd_report(args):
    from ..report import inputs_from_model, write_report

    _check_output(args.output, "report")
    model = _load_model(args.model, forecaster=True)
    if is_forecaster(model):
        return cmd_report_series(args, model)
    rec = getattr(model, "record_", None)
    data, source = _evaluation_data(args, model, rec) if args.data is not None else (None, None)
    settings = {"data": source, **_model_settings(model)}
    settings = {k: v for k, v in settings.items() if v is not None}
    inputs = inputs_from_model(model, data) if data is not None and args.inputs else None
    write_report(
        args.output,
        rec,
        model.network_,
        data,
        settings,
        title=args.title or f"bpnn training report: {Path(args.model).name}",
        plots_dir=args.plots,
        inputs=inputs,
    )
    if not args.quiet:
        _console().print(
            f"report written to {args.output}"
            + ("" if data is not None else " (give DATA for the regression or confusion plots)")
        )
    return EXIT_OK


_EXPORT_SUFFIX = {"python": ".py", "c": ".c", "onnx": ".onnx", "fann": ".net"}


def cmd_export(args):
    from .. import export as exporters

    fmt = args.format
    out = args.output or str(Path(args.model).with_suffix(_EXPORT_SUFFIX[fmt]))
    _check_output(out, "output")
    model = _load_model(args.model, forecaster=True)  # a forecaster: the exporters refuse
    written = exporters.export(model, out, format=fmt)
    if not args.quiet:
        paths = written if isinstance(written, (list, tuple)) else [written or out]
        _console().print("exported to " + ", ".join(map(str, paths)))
    return EXIT_OK


def add_parsers(sub, common):
    p = sub.add_parser(
        "predict",
        parents=[common],
        help="predict with a saved model",
        description="Predict in original units (regression) or class labels.",
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA")
    p.add_argument(
        "-o", "--output", help="output table (.csv, .tsv, .xlsx, .parquet); default: CSV on stdout"
    )
    p.add_argument("--proba", action="store_true", help="add class probabilities")
    p.add_argument(
        "--interval",
        type=float,
        metavar="COVERAGE",
        help="add lower/upper columns: split-conformal prediction intervals that "
        "hold the target with this probability, e.g. 0.9 (regression models "
        "fitted with held-out or calibration rows; docs/uncertainty.md)",
    )
    p.add_argument(
        "--with-inputs",
        dest="with_inputs",
        action="store_true",
        help="copy the input columns into the output",
    )
    p.add_argument("--missing", choices=("error", "mean", "median"))
    p.add_argument("--sheet")
    _add_read_options(p)
    p.set_defaults(func=cmd_predict)
    e = sub.add_parser("evaluate", parents=[common], help="metrics of a saved model on data")
    e.add_argument("model", metavar="MODEL")
    e.add_argument("data", metavar="DATA")
    e.add_argument("--target", help="target column(s) (default: those the model was trained on)")
    e.add_argument("--missing", choices=("error", "drop", "mean", "median"))
    e.add_argument("--sheet")
    _add_read_options(e)
    add_date_options(e, time_column=True)
    e.add_argument("--json", action="store_true", help="print the metrics as JSON")
    e.set_defaults(func=cmd_evaluate)
    r = sub.add_parser("report", parents=[common], help="HTML training report of a saved model")
    r.add_argument("model", metavar="MODEL")
    r.add_argument(
        "data",
        metavar="DATA",
        nargs="?",
        help="data (a file or a built-in data set name) for the regression / "
        "confusion plots; with the training data the record's train/validation/"
        "test split is shown",
    )
    r.add_argument("-o", "--output", required=True, help="the HTML file to write")
    r.add_argument("--plots", help="also write the figures as PNG into this directory")
    r.add_argument("--target")
    r.add_argument("--missing", choices=("error", "drop", "mean", "median"))
    r.add_argument("--sheet")
    _add_read_options(r)
    add_date_options(r, time_column=True)
    r.add_argument("--title")
    r.add_argument(
        "--no-inputs",
        dest="inputs",
        action="store_false",
        help="leave out the Inputs section (input importance and partial "
        "dependence, computed on DATA)",
    )
    r.set_defaults(func=cmd_report)
    x = sub.add_parser("export", parents=[common], help="export a model as Python, C, ONNX or FANN")
    x.add_argument("model", metavar="MODEL")
    x.add_argument("--format", required=True, choices=tuple(_EXPORT_SUFFIX))
    x.add_argument("-o", "--output", help="output file (default: MODEL with .py/.c/.onnx/.net)")
    x.set_defaults(func=cmd_export)
