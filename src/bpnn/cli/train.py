"""``bpnn train``: options, data, the estimator's fit, the printed summary and outputs."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..tables.frames import detect_task as _detect_task
from ..tables.frames import is_numeric as _is_numeric
from ._shared import (
    _add_read_options,
    EXIT_FAIL,
    EXIT_OK,
    MODEL_SUFFIX,
    UsageError,
    _check_output,
    _console,
    _floats,
    _ints,
    _key_values,
    _l2_value,
    _read_data,
)
from ._shared import _activations, _fmt, _plural, _print_summary  # noqa: F401 (moved)
from .timeseries import SERIES_KEYS, add_train_options, cmd_train_series, wants_series

# -- train ------------------------------------------------------------------------------------
_TRAIN_KEYS = {  # option name -> type, for --config files
    "target": str,
    "features": str,
    "task": str,
    "hidden": str,
    "activation": str,
    "output_activation": str,
    "connections": str,
    "algorithm": str,
    "loss": str,
    "epochs": int,
    "goal": float,
    "max_fail": int,
    "min_grad": float,
    "time": float,
    "division": str,
    "ratios": str,
    "scaling": str,
    "target_scaling": str,
    "pca": float,
    "l2": float,
    "restarts": int,
    "seed": int,
    "missing": str,
    "categorical": str,
    "numeric": str,
    "max_levels": int,
    "handle_unknown": str,
    "preset": str,
    "holdout": float,
    "sheet": str,
    "encoding": str,
    "decimal": str,
    "thousands": str,
    "init": str,
    "param": dict,
    "output": str,
    "report": str,
    "plots": str,
    "n_ensemble": int,
}
_TRAIN_KEYS.update(SERIES_KEYS)


def _apply_config(args):
    """Fill options not given on the command line from a TOML file ([train] or top level)."""
    if not args.config:
        return
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise UsageError("--config needs Python 3.11+ or the tomli package") from None
    p = Path(args.config)
    if not p.exists():
        raise UsageError(f"config file not found: {str(p)!r}")
    try:
        cfg = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {str(p)!r} is not valid TOML: {exc}") from None
    cfg = cfg.get("train", cfg)
    for key, value in cfg.items():
        k = key.replace("-", "_")
        if k not in _TRAIN_KEYS:
            raise UsageError(
                f"unknown setting {key!r} in {str(p)!r}; settings are the long "
                f"options of `bpnn train`, e.g. hidden, algorithm, epochs"
            )
        if k == "param":
            if not isinstance(value, dict):
                raise UsageError(f"'param' in {str(p)!r} must be a table of KEY = VALUE")
            args.param = [f"{a}={b}" for a, b in value.items()] + list(args.param or [])
            continue
        if getattr(args, k, None) is None:
            setattr(args, k, _config_value(key, value, _TRAIN_KEYS[k], p))


def _config_value(key, value, kind, path):
    if isinstance(value, list):  # hidden = [10, 5] -> "10,5"
        value = ",".join(map(str, value))
    if kind is str:
        return str(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and not float(value).is_integer())
    ):
        what = "an integer" if kind is int else "a number"
        raise UsageError(f"{key!r} in {str(path)!r} must be {what}, got {value!r}")
    return kind(value)


def _network_params(args, hints):
    """--hidden and --activation (the data set's hints fill what is not given, then the
    preset: None here)."""
    from ..estimators import PRESETS

    if args.hidden is None:
        # a built-in set's hidden width is for fixed networks; a growing algorithm
        # (cascade) starts from none and refuses one the user never gave
        keep = "hidden" in hints and not _grows(args.algorithm)
        hidden = tuple(hints["hidden"]) if keep else None
    elif str(args.hidden).strip().lower() == "auto":
        hidden = "auto"
    else:
        hidden = tuple(_ints(args.hidden, "--hidden"))
    n_hidden = (
        len(PRESETS[args.preset or "default"]["hidden"])
        if hidden is None
        else 1
        if hidden == "auto"
        else len(hidden)
    )
    act, out_act = _activations(args.activation or hints.get("activation"), n_hidden)
    params = {
        "hidden": hidden,
        "activation": act,
        "output_activation": args.output_activation or out_act,
    }
    return {k: v for k, v in params.items() if v is not None}


def _grows(name) -> bool:
    """True for an algorithm that grows its hidden units (cascade-correlation)."""
    from ..algorithms.base import ALGORITHMS

    return bool(name) and bool(getattr(ALGORITHMS.get(str(name).strip().lower()), "grows", False))


def _algorithm_params(args, hints):
    """--algorithm and its --param KEY=VALUE pairs."""
    alg = args.algorithm or hints.get("algorithm")
    extra = _key_values(args.param) or ({} if args.algorithm else dict(hints.get("param", {})))
    if extra and not alg:
        raise UsageError(
            "--param needs --algorithm: name the algorithm the parameters "
            f"belong to (got {', '.join(extra)})"
        )
    _refuse_training_settings(extra)
    params = {"algorithm": alg} if alg else {}
    if extra:
        params["algorithm_params"] = extra
    return params


def _refuse_training_settings(extra):
    """A --param KEY that is one of train()'s own settings (loss, epochs ...) would reach
    train() twice; name the option that sets it instead."""
    import inspect

    from ..trainer import train

    own = set(inspect.signature(train).parameters) - {"network", "X", "Y", "algorithm_params"}
    for key in extra:
        if key in own:
            raise UsageError(
                f"--param {key}=...: {key!r} is a training setting, not a parameter of the "
                f"algorithm; set it with --{key.replace('_', '-')} (see bpnn train --help)"
            )


_SIMPLE = {
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
    "target_scaling": "target_scaling",
    "n_ensemble": "n_ensemble",
    "connections": "connections",
}


def _estimator_params(args, ds, task):
    """Map the train options (and a built-in set's hints) to estimator parameters."""
    hints = dict(ds.hints) if ds is not None else {}
    params = {
        "random_state": args.seed if args.seed is not None else 0,
        "preset": args.preset or "default",
        **_network_params(args, hints),
        **_algorithm_params(args, hints),
        **_table_params(args),
    }
    division = args.division if args.division is not None else hints.get("division", "auto")
    params["division"] = None if division in (None, "none") else division
    for opt, name in _SIMPLE.items():
        value = getattr(args, opt) if getattr(args, opt) is not None else hints.get(opt)
        if value is not None:
            params[name] = value
    if "target_scaling" in params and task != "regression":
        raise UsageError("--target-scaling applies to regression targets only")
    if args.ratios is not None:
        params["ratios"] = tuple(_floats(args.ratios, "--ratios"))
    if args.pca is not None:
        params["pca"] = int(args.pca) if float(args.pca) >= 1 else float(args.pca)
    return params


class _LoneSeries(Exception):
    """A table of the target column(s) alone: ``bpnn train`` forecasts it as a series."""


def _lone_series(df, target, args) -> bool:
    """True when ``df`` holds nothing but the target column(s) and, at most, the one
    column the series reading would take as its time axis (``--time-column`` or the one
    :func:`bpnn.tables.times.find_time_column` finds), e.g. ``日期,销量``."""
    rest = [str(c) for c in df.columns if str(c) not in set(target)]
    if not rest:
        return True
    if len(rest) > 1:
        return False
    given = getattr(args, "time_column", None)
    if given is not None:
        return given == rest[0]
    from ..tables.times import find_time_column

    return find_time_column(df, exclude=target) == rest[0]


def _load_training_table(args):
    from ..datasets import DEFAULT_DATASET, load_dataset
    from ..io_tables import check_columns, parse_columns, select_columns

    if args.data is None:
        ds = load_dataset(DEFAULT_DATASET)
        df, source = ds.frame, f"built-in data set {ds.name!r}"
    else:
        df, ds = _read_data(args.data, getattr(args, "sheet", None), args)
        source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
        args.read_encoding = df.attrs.get("encoding")
    if args.target:
        target = parse_columns(args.target)
    elif ds is not None:
        target = list(ds.target)
    else:
        target = [str(df.columns[-1])]
    features = parse_columns(args.features) if args.features else None
    check_columns(df, target, source)
    if features is None and args.task is None and _lone_series(df, target, args):
        raise _LoneSeries  # the target alone (and its time axis): a series to forecast
    task, why = _detect_task(df[target], args.task, ds if not args.target else None)
    X, Y = select_columns(
        df,
        target,
        features,
        missing=args.missing or MISSING_DEFAULT,
        source=source,
        numeric_target=task == "regression",
        raw=True,
    )
    return X, Y, ds, task, why, source


#: --missing when not given: the estimators' default (measurements: docs/data.md)
MISSING_DEFAULT = "indicator"


def _table_params(args):
    """--categorical, --numeric, --ordinal, --max-levels, --handle-unknown and --missing as
    the estimators' table-map parameters (checked by the map when it is fitted)."""
    from ..io_tables import parse_columns

    params = {"missing": args.missing or MISSING_DEFAULT}
    if args.categorical:
        params["categorical"] = parse_columns(args.categorical)
    if args.numeric:
        params["numeric"] = parse_columns(args.numeric)
    if args.ordinal:
        ordinal = {}
        for item in args.ordinal:
            col, sep, levels = str(item).partition("=")
            if not sep or not col.strip() or not levels.strip():
                raise UsageError(
                    f"--ordinal takes COLUMN=LEVEL1,LEVEL2,... (in order), got {item!r}"
                )
            ordinal[col.strip()] = [v.strip() for v in levels.split(",") if v.strip()]
        params["ordinal"] = ordinal
    if args.max_levels is not None:
        params["max_levels"] = args.max_levels
    if args.handle_unknown is not None:
        params["handle_unknown"] = args.handle_unknown
    return params


def _describe_inputs(model) -> str | None:
    """One line on how the table became inputs, when it was not all plain numbers: each
    kind's columns, levels, missing-value inputs and columns left out."""
    table = getattr(model, "table_map_", None)
    if table is None or table.passthrough_:
        return None
    parts = []
    for c in table.summary():
        name, kind = c["column"], c["kind"]
        if kind == "categorical":
            n = len(c["levels"]) + bool(c.get("other"))
            extra = " + <other>" if c.get("other") else ""
            parts.append(f"{name}: {n - bool(c.get('other'))} levels{extra}")
        elif kind == "ordinal":
            parts.append(f"{name}: ordinal {'<'.join(map(str, c['levels']))}")
        elif kind == "ignored":
            parts.append(f"{name}: left out ({c['why']})")
        if c.get("indicator") or c.get("missing_level"):
            parts.append(f"{name}: had missing values (a '{name}=<missing>' input)")
    return (
        f"inputs: {table.n_outputs} network inputs from {len(table.columns_)} columns; "
        + "; ".join(parts)
    )


def _target(Y, task):
    y = Y.iloc[:, 0] if Y.shape[1] == 1 else Y
    if task == "classification" and Y.shape[1] == 1:
        y = y.astype(str) if not _is_numeric(y) else y
    return y


def _fit(model, X, y, calibration=None):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the diagnosis is printed below instead
        if calibration is None:
            model.fit(X, y)
        else:
            model.fit(X, y, calibration=calibration)


HOLDOUT = 0.15  # --holdout's default where the model trains on all the rows it is given
_MIN_HOLDOUT_ROWS = 20


def _holdout_rows(args, model, y, task):
    """Row indices ``(fit, held_out)``: the CLI holds out a test part that neither training
    nor the model's own selection sees, so the printed test metrics are honest, when the
    estimator itself keeps no rows out (division "refit", "cv" or none), or as --holdout says."""
    import numpy as np

    n = len(y)
    frac = args.holdout
    if frac is None:
        frac = HOLDOUT if model.effective_params()["division"] in ("refit", "cv") else 0.0
    if not 0 <= frac < 1:
        raise UsageError(f"--holdout must be a fraction in [0, 1), got {frac!r}")
    if frac == 0 or n < _MIN_HOLDOUT_ROWS:
        return np.arange(n), None
    from sklearn.model_selection import train_test_split

    labels = np.asarray(y) if task == "classification" and np.ndim(y) == 1 else None
    if labels is not None and np.min(np.unique(labels, return_counts=True)[1]) < 2:
        labels = None  # a class with one row cannot be stratified
    fit, held = train_test_split(
        np.arange(n),
        test_size=frac,
        stratify=labels,
        random_state=args.seed if args.seed is not None else 0,
    )
    return np.sort(fit), np.sort(held)


def _rows_of_table(rec, fit_idx, held_idx):
    """Rewrite the record's train/validation/test indices (rows of the fitted subset) as
    rows of the whole table, with the held-out rows as "test", so the printed metrics, the
    report and a later ``bpnn report MODEL TABLE`` all show the same honest splits."""
    import numpy as np

    idx = [rec.train_idx, rec.val_idx, rec.test_idx]
    if idx[0] is None or sum(len(i) for i in idx if i is not None) != len(fit_idx):
        idx = [np.arange(len(fit_idx)), None, None]
    tr, va, te = (None if i is None else fit_idx[np.asarray(i, dtype=np.int64)] for i in idx)
    te = held_idx if te is None else np.sort(np.concatenate([te, held_idx]))
    rec.train_idx, rec.val_idx, rec.test_idx = tr, va, te


def _held_out_note(model, data, held_idx):
    """Say which rows the printed metrics come from, and what training chose."""
    parts = data.parts()
    n_val, n_test = len(parts.get("validation", ())), len(parts.get("test", ()))
    if held_idx is not None:
        what = (
            f"test: {_plural(len(held_idx), 'row')} held out by bpnn train (--holdout) "
            "before fitting, never used for training or selection"
        )
    elif len(getattr(model, "records_", None) or ()) > 1 and n_test and not n_val:
        what = (
            f"test: {_plural(n_test, 'row')} that no member of the ensemble trained on "
            "(each member had its own random division)"
        )
    elif n_val or n_test:
        what = "validation/test: rows of the model's own division, held out from the training rows"
    else:
        what = "every row trained the model: no held-out metrics (give --holdout 0.15)"
    sel = getattr(model, "selection_record_", None)
    units = None if sel is None else sel.extra.get("units")  # a grown network (cascade)
    k = getattr(model, "cv_folds_", 0)
    where = f"{k}-fold cross-validation" if k else "an internal validation split"
    if units:
        what += (
            f"; l2 {model.l2_:g} and {_plural(int(units[sel.best_epoch]), 'hidden unit')} "
            f"chosen by {where}, then grown again on all fit rows"
        )
    elif sel is not None:
        epochs = _plural(model.record_.epochs, "epoch")
        chosen = (
            f"l2 {model.l2_:g} and {epochs}"
            if model.__dict__.get("l2_search_")
            else f"{epochs} (l2 {model.l2_:g}, not searched)"
        )
        what += (
            f"; {chosen} chosen by {where} (best epoch {sel.best_epoch}), then refit on "
            "all fit rows"
        )
        n_nets = len(model.__dict__.get("networks_") or ())
        if n_nets > 1 and getattr(model, "n_ensemble", 1) == 1:
            others = f"the {k} folds' networks" if k else "the split's network"
            what += f"; the model averages the refit and {others}"
    return f"[dim]metrics: {what}[/dim]"


def cmd_train(args):
    import numpy as np

    from ..estimators import BPClassifier, BPRegressor
    from ..report import data_from_model

    _apply_config(args)
    if wants_series(args):
        return cmd_train_series(args)
    for what, path in (("output", args.output), ("report", args.report)):
        _check_output(path, what)
    try:
        X, Y, ds, task, why, source = _load_training_table(args)
    except _LoneSeries:  # `bpnn train series.csv --target y`: BPForecaster's defaults
        return cmd_train_series(args)
    params = _estimator_params(args, ds, task)
    console = _console()
    show = not args.quiet
    params["verbose"] = bool(
        args.progress if args.progress is not None else (show and sys.stdout.isatty())
    )
    model = (BPClassifier if task == "classification" else BPRegressor)(**params)
    if show:
        console.print(
            f"training on {source}: {_plural(X.shape[0], 'sample')}, "
            f"{_plural(X.shape[1], 'input')} -> {', '.join(map(str, Y.columns))}; "
            f"task {task} ({why})"
        )
        read_as = getattr(args, "read_encoding", None)
        if read_as and read_as not in ("utf-8", "utf-8-sig", "ascii"):
            from rich.markup import escape

            console.print(f"[dim]read {escape(source)} as {read_as.upper()}[/dim]")
    y = _target(Y, task)
    fit_idx, held_idx = _holdout_rows(args, model, y, task)
    with _checkpointing(args, model) as interrupt:
        if held_idx is None:
            _fit(model, X, y)
        else:
            # the held-out rows also calibrate a regressor's prediction intervals
            cal = (X.iloc[held_idx], y.iloc[held_idx]) if task == "regression" else None
            _fit(model, X.iloc[fit_idx], y.iloc[fit_idx], cal)
    if params["verbose"] and not sys.stdout.isatty():
        print()  # Rich leaves the last progress line open when the output is not a terminal
    rec = model.record_
    if held_idx is not None:
        for member in getattr(model, "records_", None) or [rec]:  # an ensemble's too
            _rows_of_table(member, fit_idx, held_idx)
    data = data_from_model(model, X, y, rec, task)
    settings = {
        "task": task,
        "data": source,
        "targets": ", ".join(map(str, Y.columns)),
        **_model_settings(model),
    }
    if show:
        sizes = "-".join(map(str, model.network_.sizes))
        acts = "/".join(a.name for a in model.network_.activations)
        kind = " cascade-forward" if model.network_.connections == "cascade" else ""
        _print_summary(
            console, model, data, rec, f"{sizes} {acts}{kind} network, algorithm {model.algorithm_}"
        )
        console.print(_held_out_note(model, data, held_idx))
        described = _describe_inputs(model)
        if described:
            console.print(f"[dim]{described}[/dim]")
    _write_training_outputs(args, model, rec, data, settings, console if show else None)
    if interrupt.requested:
        print(
            f"bpnn train: interrupted after epoch {rec.epochs}"
            + ("; the best model so far was saved" if args.output else ""),
            file=sys.stderr,
        )
        return 130
    return EXIT_OK if np.isfinite(rec.final_loss) else EXIT_FAIL


@contextlib.contextmanager
def _checkpointing(args, model):
    """Ctrl-C → stop after the current epoch; --checkpoint/--resume for the one training run."""
    from ..checkpoint import GracefulInterrupt
    from ..trainer import training_defaults

    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise UsageError(f"--checkpoint-every must be >= 1, got {args.checkpoint_every}")
    eff = model.effective_params()
    one_run = (
        eff["hidden"] != "auto"
        and eff["n_restarts"] == 1
        and eff["l2"] != "auto"
        and eff["division"] not in ("refit", "cv")
        and eff["n_ensemble"] == 1
    )
    if (args.checkpoint or args.resume) and not one_run:
        raise UsageError(
            "--checkpoint/--resume need one training run: give --hidden "
            "widths (not auto), --restarts 1, --n-ensemble 1, an --l2 value and "
            "a --division other than refit (or --preset matlab)"
        )
    with (
        GracefulInterrupt() as interrupt,
        training_defaults(
            checkpoint=args.checkpoint,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            callbacks=[interrupt],
        ),
    ):
        yield interrupt


def _write_training_outputs(args, model, rec, data, settings, console):
    from ..report import build_figures, inputs_from_model, write_plots, write_report

    inputs = inputs_from_model(model, data) if args.report or args.plots else None
    if args.report:
        write_report(
            args.report, rec, model.network_, data, settings, plots_dir=args.plots, inputs=inputs
        )
    elif args.plots:
        write_plots(args.plots, build_figures(rec, model.network_, data, inputs))
    if args.output:
        from ..io import save

        save(model, args.output)
    if console is not None:
        for what, path in (("model", args.output), ("report", args.report), ("plots", args.plots)):
            if path:
                console.print(f"{what} written to {path}")
        if not args.output:
            console.print("(save the model with -o model.bpnn)")


def _model_settings(model) -> dict:
    """The estimator's hyper-parameters and what fitting chose, for the report."""
    skip = ("verbose", "warn")
    out = {k: v for k, v in model.get_params().items() if k not in skip and v is not None}
    out.update(
        {
            "hidden (fitted)": getattr(model, "hidden_", None),
            "algorithm (fitted)": getattr(model, "algorithm_", None),
        }
    )
    search = getattr(model, "hidden_search_", None)
    if search:  # hidden="auto": validation loss for each a of round(sqrt(m+n) + a)
        out["hidden search (a: validation loss)"] = ", ".join(
            f"{a}: {v:.4g}" for a, v in sorted(search.items())
        )
    return {k: v for k, v in out.items() if v is not None}


def add_parsers(sub, common):
    t = sub.add_parser(
        "train",
        parents=[common],
        help="train a network on a table or built-in data",
        description="Train a BP network. With no DATA it "
        "trains on a built-in data set (see `bpnn datasets`).",
    )
    t.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help="CSV/TSV/Excel/Parquet file, or a built-in data set name",
    )
    g = t.add_argument_group("data")
    g.add_argument(
        "--target",
        help="target column(s), comma-separated (default: the last column, or the data set's)",
    )
    g.add_argument("--features", help="input columns (default: all but the targets)")
    g.add_argument("--task", choices=("auto", "classification", "regression"))
    g.add_argument(
        "--missing",
        choices=("indicator", "mean", "median", "drop", "error"),
        help="missing input values: indicator (default: fill with the column mean and add "
        "a 0/1 'was missing' input, MATLAB's fixunknowns), mean or median (fill only), drop "
        "those rows, or stop with an error; text columns get a <missing> level",
    )
    g.add_argument(
        "--categorical",
        metavar="COL[,COL]",
        help="columns to encode as categories (e.g. integer codes); text, true/false "
        "columns are categorical without it",
    )
    g.add_argument(
        "--numeric", metavar="COL[,COL]", help="columns to read as numbers whatever they hold"
    )
    g.add_argument(
        "--ordinal",
        action="append",
        metavar="COL=A,B,C",
        help="an ordered category: one input holding the level's position (repeatable)",
    )
    g.add_argument(
        "--max-levels",
        dest="max_levels",
        type=int,
        help="most inputs one categorical column takes (default 20; rarer levels share <other>)",
    )
    g.add_argument(
        "--handle-unknown",
        dest="handle_unknown",
        choices=("ignore", "error"),
        help="a level not seen in training, at prediction: ignore (default: all-zero or "
        "<other>, with a warning) or error",
    )
    g.add_argument("--sheet", help="Excel sheet name")
    _add_read_options(g)
    n = t.add_argument_group("network and training")
    n.add_argument(
        "--hidden",
        help="hidden layer widths, e.g. 10 or 10,5, or 'auto' (the tutorial's sqrt(m+n)+a rule)",
    )
    n.add_argument(
        "--activation",
        help="hidden activation(s), optionally followed by the output's: tansig or tansig,purelin",
    )
    n.add_argument("--output-activation", dest="output_activation")
    n.add_argument(
        "--connections",
        choices=("layered", "cascade"),
        help="layered (default): each layer reads the one below; cascade: each layer reads "
        "the inputs and every earlier layer (MATLAB's cascadeforwardnet)",
    )
    n.add_argument("--algorithm", help="training function: lm (trainlm), scg, rprop, sgd, ...")
    n.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="an algorithm parameter, e.g. --param lr=0.1 (repeatable)",
    )
    n.add_argument("--loss", help="mse, sse, mae or cross_entropy")
    n.add_argument("--epochs", type=int)
    n.add_argument("--goal", type=float, help="stop when the training loss reaches this")
    n.add_argument("--max-fail", dest="max_fail", type=int, help="validation checks")
    n.add_argument("--min-grad", dest="min_grad", type=float)
    n.add_argument("--time", type=float, help="time limit in seconds")
    n.add_argument(
        "--preset",
        choices=("default", "best", "matlab"),
        help="where unset options take their values: default (chosen for "
        "accuracy: docs/defaults.md), best (a wider, longer search: several "
        "times the default's fit) or matlab (feedforwardnet/trainlm: "
        "70/15/15 division, max_fail 6, minmax scaling, 10 hidden units)",
    )
    n.add_argument("--division", choices=("cv", "refit", "random", "block", "interleaved", "none"))
    n.add_argument(
        "--holdout",
        type=float,
        metavar="FRACTION",
        help="rows held out before fitting for the printed test metrics "
        f"(default {HOLDOUT} when the model trains on all its rows, as the "
        "default preset's cv and refit do; else 0)",
    )
    n.add_argument("--ratios", help="train,validation,test shares, e.g. 0.7,0.15,0.15")
    n.add_argument(
        "--scaling",
        choices=("minmax", "minmax01", "standard", "none"),
        help="input normalisation (default minmax to [-1, 1])",
    )
    n.add_argument(
        "--target-scaling",
        dest="target_scaling",
        choices=("minmax", "minmax01", "standard", "none"),
        help="regression target normalisation, undone for predictions (default minmax to [-1, 1])",
    )
    n.add_argument("--pca", type=float, help="keep N components, or a variance fraction < 1")
    n.add_argument(
        "--l2",
        type=_l2_value,
        help="weight decay, or 'auto' (chosen on validation rows; the default preset's)",
    )
    n.add_argument(
        "--init",
        help="initialiser: nguyen-widrow, uniform, glorot, he, zeros; "
        "or ga, pso, de: a population search for the initial weights "
        "(docs/init.md)",
    )
    n.add_argument("--restarts", type=int, help="initialisations to try; the best is kept")
    n.add_argument(
        "--n-ensemble",
        dest="n_ensemble",
        type=int,
        metavar="K",
        help="train K networks and average them (docs/uncertainty.md)",
    )
    n.add_argument("--seed", type=int, help="random seed (default 0)")
    n.add_argument("--config", help="TOML file with these options ([train] table)")
    o = t.add_argument_group("outputs")
    o.add_argument("-o", "--output", help=f"write the model file (e.g. model{MODEL_SUFFIX})")
    o.add_argument("--report", help="write the HTML training report")
    o.add_argument("--plots", help="write the report's figures as PNG into this directory")
    o.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="live progress line (default: on when the output is a terminal)",
    )
    c = t.add_argument_group("checkpoints (Ctrl-C stops after the epoch, saves -o, exits 130)")
    c.add_argument("--checkpoint", help="write a crash-safe checkpoint to this file")
    c.add_argument(
        "--checkpoint-every",
        dest="checkpoint_every",
        type=int,
        metavar="N",
        help="checkpoint every N epochs (default: every 10 s) and at the end",
    )
    c.add_argument(
        "--resume",
        metavar="CHECKPOINT",
        help="continue the run saved in "
        "CHECKPOINT (give the same options); ends as if never interrupted",
    )
    add_train_options(t)
    t.set_defaults(func=cmd_train)
