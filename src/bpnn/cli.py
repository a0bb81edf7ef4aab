"""The ``bpnn`` command line.

Sub-commands: ``train``, ``predict``, ``evaluate``, ``report``, ``export``, ``explain``,
``gradcheck`` and ``datasets``. Training, saving and exporting are delegated to the
estimators and the model file (the CLI owns no training logic); this module reads the
options and the data, prints, and writes outputs atomically after success.

Every user error — a missing file, an unknown column, a bad option — is one line on stderr
and exit code 2; ``--verbose`` adds the traceback. Heavy imports happen inside the
commands so that ``bpnn --help`` is instant.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import traceback
from pathlib import Path

__all__ = ["main", "build_parser", "UsageError"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
MODEL_SUFFIX = ".bpnn"


class UsageError(ValueError):
    """A bad input or option: reported in one line, exit code 2."""


# -- small parsers ----------------------------------------------------------------------------
def _floats(text, what):
    try:
        return [float(v) for v in str(text).split(",")]
    except ValueError:
        raise UsageError(f"{what} must be comma-separated numbers, got {text!r}") from None


def _ints(text, what):
    vals = _floats(text, what)
    if any(v != int(v) or v < 1 for v in vals):
        raise UsageError(f"{what} must be comma-separated positive integers, got {text!r}")
    return [int(v) for v in vals]


def _l2_value(text):
    if str(text).strip().lower() == "auto":
        return "auto"
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") \
            from None


def _param_value(text):
    """``"0.5"`` -> 0.5, ``"true"`` -> True, ``"3"`` -> 3, anything else stays a string."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def _key_values(items):
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes KEY=VALUE, got {item!r}")
        out[key.strip().replace("-", "_")] = _param_value(value)
    return out


# -- shared steps -----------------------------------------------------------------------------
def _console(stderr=False):
    from rich.console import Console
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _load_model(path, predict_only=False):
    """``bpnn.load`` with the file checks the CLI promises (one-line errors).

    ``predict_only``: :func:`bpnn.io.load_predictor` instead, the same model without
    scikit-learn's classes (``bpnn predict`` on a small file is then ~2x faster)."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"model file not found: {str(p)!r}")
    if p.is_dir():
        raise UsageError(f"{str(p)!r} is a directory, not a model file")
    from .io import load, load_predictor
    return load_predictor(p) if predict_only else load(p)


def _feature_names(model):
    names = getattr(model, "feature_names_in_", None)
    return None if names is None else [str(c) for c in names]


def _read_data(source, sheet=None):
    """A path to a table, or the name of a shipped data set -> (DataFrame, Dataset or None)."""
    from .datasets import dataset_names, load_dataset
    from .io_tables import read_table
    p = Path(source)
    name = str(source).lower().replace("-", "_")
    if not p.exists() and name in dataset_names():
        ds = load_dataset(name)
        return ds.frame, ds
    if not p.exists() and not p.suffix:
        raise UsageError(f"file not found: {str(source)!r} (and no built-in data set of that "
                         "name; see `bpnn datasets`)")
    return read_table(p, sheet), None


def _check_output(path, what):
    """Refuse an output path whose directory is missing, before any work is done."""
    if path is not None:
        from .io_tables import check_output
        check_output(path, what)


# -- train ------------------------------------------------------------------------------------
_TRAIN_KEYS = {   # option name -> type, for --config files
    "target": str, "features": str, "task": str, "hidden": str, "activation": str,
    "output_activation": str, "algorithm": str, "loss": str, "epochs": int, "goal": float,
    "max_fail": int, "min_grad": float, "time": float, "division": str, "ratios": str,
    "scaling": str, "target_scaling": str, "pca": float, "l2": float, "restarts": int,
    "seed": int, "missing": str, "preset": str, "holdout": float,
    "sheet": str, "init": str, "param": dict, "output": str, "report": str, "plots": str,
}


def _apply_config(args):
    """Fill options not given on the command line from a TOML file ([train] or top level)."""
    if not args.config:
        return
    try:
        import tomllib
    except ImportError:   # Python 3.10
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
            raise UsageError(f"unknown setting {key!r} in {str(p)!r}; settings are the long "
                             f"options of `bpnn train`, e.g. hidden, algorithm, epochs")
        if k == "param":
            if not isinstance(value, dict):
                raise UsageError(f"'param' in {str(p)!r} must be a table of KEY = VALUE")
            args.param = [f"{a}={b}" for a, b in value.items()] + list(args.param or [])
            continue
        if getattr(args, k, None) is None:
            setattr(args, k, _config_value(key, value, _TRAIN_KEYS[k], p))


def _config_value(key, value, kind, path):
    if isinstance(value, list):        # hidden = [10, 5] -> "10,5"
        value = ",".join(map(str, value))
    if kind is str:
        return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (kind is int and not float(value).is_integer()):
        what = "an integer" if kind is int else "a number"
        raise UsageError(f"{key!r} in {str(path)!r} must be {what}, got {value!r}")
    return kind(value)


def _detect_task(Y, explicit, ds):
    """'classification' for text/bool labels or a few integer codes, else 'regression'."""
    import numpy as np
    if explicit and explicit != "auto":
        return explicit, "chosen with --task"
    if ds is not None:
        return ds.task, f"the {ds.name} data set's task"
    if Y.shape[1] > 1:
        return "regression", f"{Y.shape[1]} numeric targets"
    col = Y.iloc[:, 0]
    if not _is_numeric(col):
        return "classification", f"target {col.name!r} holds labels"
    vals = col.to_numpy(dtype=float)
    k = np.unique(vals).size
    if np.all(vals == np.round(vals)) and k <= 10 and k < len(vals) / 2:
        return "classification", f"target {col.name!r} holds {k} integer codes"
    return "regression", f"target {col.name!r} is numeric"


def _activations(text, n_hidden):
    """``tansig`` -> hidden only; ``tansig,purelin`` with one hidden layer -> + output."""
    if text is None:
        return None, None
    acts = [a.strip() for a in text.split(",") if a.strip()]
    if len(acts) == n_hidden + 1:
        return (acts[0] if n_hidden == 1 else acts[:-1]), acts[-1]
    if len(acts) == 1:
        return acts[0], None
    if len(acts) == n_hidden:
        return acts, None
    counts = "1 or 2 (hidden, output)" if n_hidden == 1 else \
        f"1, {n_hidden} (one per hidden layer) or {n_hidden + 1} (hidden layers, output)"
    raise UsageError(f"--activation lists {len(acts)} functions for {n_hidden} hidden layer(s); "
                     f"give {counts}")


def _network_params(args, hints):
    """--hidden and --activation (the data set's hints fill what is not given, then the
    preset: None here)."""
    from .estimators import PRESETS
    if args.hidden is None:
        hidden = tuple(hints["hidden"]) if "hidden" in hints else None
    elif str(args.hidden).strip().lower() == "auto":
        hidden = "auto"
    else:
        hidden = tuple(_ints(args.hidden, "--hidden"))
    n_hidden = len(PRESETS[args.preset or "default"]["hidden"]) if hidden is None else \
        1 if hidden == "auto" else len(hidden)
    act, out_act = _activations(args.activation or hints.get("activation"), n_hidden)
    params = {"hidden": hidden, "activation": act,
              "output_activation": args.output_activation or out_act}
    return {k: v for k, v in params.items() if v is not None}


def _algorithm_params(args, hints):
    """--algorithm and its --param KEY=VALUE pairs."""
    alg = args.algorithm or hints.get("algorithm")
    extra = _key_values(args.param) or ({} if args.algorithm else dict(hints.get("param", {})))
    if extra and not alg:
        raise UsageError("--param needs --algorithm: name the algorithm the parameters "
                         f"belong to (got {', '.join(extra)})")
    params = {"algorithm": alg} if alg else {}
    if extra:
        params["algorithm_params"] = extra
    return params


_SIMPLE = {"loss": "loss", "epochs": "epochs", "goal": "goal", "max_fail": "max_fail",
           "min_grad": "min_grad", "time": "time_limit", "l2": "l2", "restarts": "n_restarts",
           "init": "init", "scaling": "scaling", "target_scaling": "target_scaling"}


def _estimator_params(args, ds, task):
    """Map the train options (and a built-in set's hints) to estimator parameters."""
    hints = dict(ds.hints) if ds is not None else {}
    params = {"random_state": args.seed if args.seed is not None else 0,
              "preset": args.preset or "default",
              **_network_params(args, hints), **_algorithm_params(args, hints)}
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


def _load_training_table(args):
    from .datasets import DEFAULT_DATASET, load_dataset
    from .io_tables import check_columns, parse_columns, select_columns
    if args.data is None:
        ds = load_dataset(DEFAULT_DATASET)
        df, source = ds.frame, f"built-in data set {ds.name!r}"
    else:
        df, ds = _read_data(args.data, args.sheet)
        source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    if args.target:
        target = parse_columns(args.target)
    elif ds is not None:
        target = list(ds.target)
    else:
        target = [str(df.columns[-1])]
    features = parse_columns(args.features) if args.features else None
    check_columns(df, target, source)
    task, why = _detect_task(df[target], args.task, ds if not args.target else None)
    X, Y = select_columns(df, target, features, missing=args.missing or "error",
                          source=source, numeric_target=task == "regression")
    return X, Y, ds, task, why, source


def _target(Y, task):
    y = Y.iloc[:, 0] if Y.shape[1] == 1 else Y
    if task == "classification" and Y.shape[1] == 1:
        y = y.astype(str) if not _is_numeric(y) else y
    return y


def _fit(model, X, y):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the diagnosis is printed below instead
        model.fit(X, y)


HOLDOUT = 0.15   # --holdout's default where the model trains on all the rows it is given
_MIN_HOLDOUT_ROWS = 20


def _holdout_rows(args, model, y, task):
    """Row indices ``(fit, held_out)``: the CLI holds out a test part that neither training
    nor the model's own selection sees, so the printed test metrics are honest, when the
    estimator itself keeps no rows out (division "refit" or none), or as --holdout says."""
    import numpy as np
    n = len(y)
    frac = args.holdout
    if frac is None:
        frac = HOLDOUT if model.effective_params()["division"] == "refit" else 0.0
    if not 0 <= frac < 1:
        raise UsageError(f"--holdout must be a fraction in [0, 1), got {frac!r}")
    if frac == 0 or n < _MIN_HOLDOUT_ROWS:
        return np.arange(n), None
    from sklearn.model_selection import train_test_split
    labels = np.asarray(y) if task == "classification" and np.ndim(y) == 1 else None
    if labels is not None and np.min(np.unique(labels, return_counts=True)[1]) < 2:
        labels = None                       # a class with one row cannot be stratified
    fit, held = train_test_split(np.arange(n), test_size=frac, stratify=labels,
                                 random_state=args.seed if args.seed is not None else 0)
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


def _is_numeric(col):
    import pandas as pd
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _print_summary(console, model, data, record, title):
    from rich.table import Table

    from .report import metric_names, split_metrics
    metrics = split_metrics(data)
    names = metric_names(metrics)
    table = Table(title=title, title_justify="left")
    table.add_column("set")
    for n in names:
        table.add_column(n, justify="right")
    for split, m in metrics.items():
        table.add_row(split, *[_fmt(m.get(n), 6 if n == "R" else 4) for n in names])
    console.print(table)
    if record is not None:
        console.print(f"stop reason: [bold]{record.stop_reason}[/bold] after {record.epochs} "
                      f"epochs (best epoch {record.best_epoch})")
    diag = getattr(model, "diagnosis_", None)
    if diag:
        console.print(f"[yellow]note:[/yellow] {diag}")


def _held_out_note(model, data, held_idx):
    """Say which rows the printed metrics come from, and what training chose."""
    parts = data.parts()
    n_val, n_test = len(parts.get("validation", ())), len(parts.get("test", ()))
    if held_idx is not None:
        what = (f"test: {_plural(len(held_idx), 'row')} held out by bpnn train (--holdout) "
                "before fitting, never used for training or selection")
    elif n_val or n_test:
        what = ("validation/test: rows of the model's own division, held out from the "
                "training rows")
    else:
        what = "every row trained the model: no held-out metrics (give --holdout 0.15)"
    sel = getattr(model, "selection_record_", None)
    if sel is not None:
        what += (f"; l2 {model.l2_:g} and {model.record_.epochs} epochs chosen on an internal "
                 f"validation split (best epoch {sel.best_epoch}), then refit on all fit rows")
    return f"[dim]metrics: {what}[/dim]"


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def _fmt(v, digits=4):
    if v is None:
        return "—"
    if isinstance(v, int):
        return str(v)
    return "—" if v != v else f"{v:.{digits}g}"


def cmd_train(args):
    import numpy as np

    from .estimators import BPClassifier, BPRegressor
    from .report import data_from_model
    _apply_config(args)
    for what, path in (("output", args.output), ("report", args.report)):
        _check_output(path, what)
    X, Y, ds, task, why, source = _load_training_table(args)
    params = _estimator_params(args, ds, task)
    console = _console()
    show = not args.quiet
    params["verbose"] = bool(args.progress if args.progress is not None
                             else (show and sys.stdout.isatty()))
    model = (BPClassifier if task == "classification" else BPRegressor)(**params)
    if show:
        console.print(f"training on {source}: {_plural(X.shape[0], 'sample')}, "
                      f"{_plural(X.shape[1], 'input')} -> {', '.join(map(str, Y.columns))}; "
                      f"task {task} ({why})")
    y = _target(Y, task)
    fit_idx, held_idx = _holdout_rows(args, model, y, task)
    with _checkpointing(args, model) as interrupt:
        if held_idx is None:
            _fit(model, X, y)
        else:
            _fit(model, X.iloc[fit_idx], y.iloc[fit_idx])
    if params["verbose"] and not sys.stdout.isatty():
        print()   # Rich leaves the last progress line open when the output is not a terminal
    rec = model.record_
    if held_idx is not None:
        _rows_of_table(rec, fit_idx, held_idx)
    data = data_from_model(model, X, y, rec, task)
    settings = {"task": task, "data": source, "targets": ", ".join(map(str, Y.columns)),
                **_model_settings(model)}
    if show:
        sizes = "-".join(map(str, model.network_.sizes))
        acts = "/".join(a.name for a in model.network_.activations)
        _print_summary(console, model, data, rec,
                       f"{sizes} {acts} network, algorithm {model.algorithm_}")
        console.print(_held_out_note(model, data, held_idx))
    _write_training_outputs(args, model, rec, data, settings, console if show else None)
    if interrupt.requested:
        print(f"bpnn train: interrupted after epoch {rec.epochs}" +
              ("; the best model so far was saved" if args.output else ""), file=sys.stderr)
        return 130
    return EXIT_OK if np.isfinite(rec.final_loss) else EXIT_FAIL


@contextlib.contextmanager
def _checkpointing(args, model):
    """Ctrl-C → stop after the current epoch; --checkpoint/--resume for the one training run."""
    from .checkpoint import GracefulInterrupt
    from .trainer import training_defaults
    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise UsageError(f"--checkpoint-every must be >= 1, got {args.checkpoint_every}")
    eff = model.effective_params()
    one_run = eff["hidden"] != "auto" and eff["n_restarts"] == 1 and \
        eff["l2"] != "auto" and eff["division"] != "refit"
    if (args.checkpoint or args.resume) and not one_run:
        raise UsageError("--checkpoint/--resume need one training run: give --hidden "
                         "widths (not auto), --restarts 1, an --l2 value and a --division "
                         "other than refit (or --preset matlab)")
    with GracefulInterrupt() as interrupt, training_defaults(
            checkpoint=args.checkpoint, checkpoint_every=args.checkpoint_every,
            resume=args.resume, callbacks=[interrupt]):
        yield interrupt


def _write_training_outputs(args, model, rec, data, settings, console):
    from .report import build_figures, write_plots, write_report
    if args.report:
        write_report(args.report, rec, model.network_, data, settings, plots_dir=args.plots)
    elif args.plots:
        write_plots(args.plots, build_figures(rec, model.network_, data))
    if args.output:
        from .io import save
        save(model, args.output)
    if console is not None:
        for what, path in (("model", args.output), ("report", args.report),
                           ("plots", args.plots)):
            if path:
                console.print(f"{what} written to {path}")
        if not args.output:
            console.print("(save the model with -o model.bpnn)")


def _model_settings(model) -> dict:
    """The estimator's hyper-parameters and what fitting chose, for the report."""
    skip = ("verbose", "warn")
    out = {k: v for k, v in model.get_params().items() if k not in skip and v is not None}
    out.update({"hidden (fitted)": getattr(model, "hidden_", None),
                "algorithm (fitted)": getattr(model, "algorithm_", None)})
    search = getattr(model, "hidden_search_", None)
    if search:   # hidden="auto": validation loss for each a of round(sqrt(m+n) + a)
        out["hidden search (a: validation loss)"] = ", ".join(
            f"{a}: {v:.4g}" for a, v in sorted(search.items()))
    return {k: v for k, v in out.items() if v is not None}


# -- predict / evaluate -------------------------------------------------------------------
def _require_inputs(model, df, source):
    """The model's input column names (checked against df), or None if it has none."""
    from .io_tables import TableError
    names = _feature_names(model)
    if names is not None:
        absent = [c for c in names if c not in df.columns]
        if absent:
            raise TableError(f"{source} lacks the model's input column(s) "
                             f"{', '.join(map(repr, absent[:5]))}; the model was trained on "
                             f"{', '.join(names[:12])}")
    return names


def _check_width(model, X, source):
    from .io_tables import TableError
    n = int(getattr(model, "n_features_in_", X.shape[1]))
    if X.shape[1] != n:
        raise TableError(f"{source} has {X.shape[1]} input columns, the model expects {n}")


def _model_inputs(model, df, source, missing):
    """Select the model's input columns from df (by name when the model knows them)."""
    from .io_tables import select_columns
    names = _require_inputs(model, df, source)
    X, _ = select_columns(df, None, names, missing=missing, source=source)
    _check_width(model, X, source)
    return X


def cmd_predict(args):
    import numpy as np
    import pandas as pd

    from .io_tables import write_table
    _check_output(args.output, "output")
    model = _load_model(args.model, predict_only=True)
    df, _ = _read_data(args.data, args.sheet)
    source = repr(str(args.data))
    missing = args.missing or "error"
    if missing == "drop":
        raise UsageError("--missing drop would lose rows in a prediction; use error, mean or "
                         "median")
    X = _model_inputs(model, df, source, missing)
    pred = np.asarray(model.predict(X))
    pred = pred.reshape(len(X), -1)
    names = _prediction_names(model, pred.shape[1])
    out = pd.DataFrame(pred, columns=names, index=X.index)
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


def _prediction_names(model, n_cols):
    """``prediction`` for one output; ``prediction_<target>`` for several when the model
    knows its target columns' names, else ``prediction_1``, ``prediction_2``, ..."""
    if n_cols == 1:
        return ["prediction"]
    targets = getattr(model, "target_names_", None)
    if targets is not None and len(targets) == n_cols:
        return [f"prediction_{t}" for t in targets]
    return [f"prediction_{j + 1}" for j in range(n_cols)]


def _targets(args, model, df, ds, source):
    from .io_tables import parse_columns
    names = _feature_names(model)
    if args.target:
        return parse_columns(args.target)
    if ds is not None:
        return list(ds.target)
    known = getattr(model, "target_names_", None)
    if known is not None and all(str(t) in map(str, df.columns) for t in known):
        return [str(t) for t in known]
    if names is None:
        raise UsageError("name the target column(s) with --target (the model was trained "
                         "without column names)")
    target = [c for c in df.columns if c not in names]
    if not target:
        raise UsageError(f"{source} has no target column besides the model's inputs")
    return target


def _evaluation_data(args, model, record=None):
    """Inputs and targets of DATA as a ReportData (targets: --target, or the columns that
    are not the model's inputs). With ``record``, its splits are used when DATA has the
    training data's row count."""
    from .io_tables import check_columns, select_columns
    from .report import data_from_model
    df, ds = _read_data(args.data, getattr(args, "sheet", None))
    source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    target = _targets(args, model, df, ds, source)
    check_columns(df, target, source)
    names = _require_inputs(model, df, source)
    task = "classification" if hasattr(model, "classes_") else "regression"
    X, Y = select_columns(df, target, names, missing=args.missing or "error", source=source,
                          numeric_target=task == "regression")
    _check_width(model, X, source)
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

    from .report import split_metrics
    model = _load_model(args.model)
    data, source = _evaluation_data(args, model)
    if args.json:
        print(json.dumps(split_metrics(data)["all"]))
    else:
        _print_summary(_console(), model, data, None, f"{Path(args.model).name} on {source}")
    return EXIT_OK


# -- report / export --------------------------------------------------------------------------
def cmd_report(args):
    from .report import write_report
    _check_output(args.output, "report")
    model = _load_model(args.model)
    rec = getattr(model, "record_", None)
    data, source = _evaluation_data(args, model, rec) if args.data is not None else (None, None)
    settings = {"data": source, **_model_settings(model)}
    settings = {k: v for k, v in settings.items() if v is not None}
    write_report(args.output, rec, model.network_, data, settings,
                 title=args.title or f"bpnn training report: {Path(args.model).name}",
                 plots_dir=args.plots)
    if not args.quiet:
        _console().print(f"report written to {args.output}" +
                         ("" if data is not None else " (give DATA for the regression or "
                          "confusion plots)"))
    return EXIT_OK


_EXPORT_SUFFIX = {"python": ".py", "c": ".c", "onnx": ".onnx"}


def cmd_export(args):
    from . import export as exporters
    fmt = args.format
    out = args.output or str(Path(args.model).with_suffix(_EXPORT_SUFFIX[fmt]))
    _check_output(out, "output")
    model = _load_model(args.model)
    written = exporters.export(model, out, format=fmt)
    if not args.quiet:
        paths = written if isinstance(written, (list, tuple)) else [written or out]
        _console().print("exported to " + ", ".join(map(str, paths)))
    return EXIT_OK


# -- explain / gradcheck / datasets --------------------------------------------------------
def _activation_names(text):
    """``"tansig"`` -> one name for every layer; ``"tansig,purelin"`` -> one per layer."""
    return text.split(",") if "," in text else text


def cmd_explain(args):
    import numpy as np

    from .explain import explain
    from .network import Network
    if args.model:
        return _explain_model(args)
    if args.sizes:
        sizes = _ints(args.sizes, "--sizes")
        net = Network(sizes, _activation_names(args.activation), seed=args.seed)
        x = _floats(args.input, "--input") if args.input else np.zeros(sizes[0])
        d = _floats(args.target, "--target") if args.target else np.zeros(sizes[-1])
        explain(net, x, d, lr=args.lr, loss=args.loss)
    else:
        explain(lr=args.lr, loss=args.loss)
    return EXIT_OK


def _explain_model(args):
    """One BP step of a saved model's network on one sample, in the network's scaled units."""
    import numpy as np

    from .explain import explain
    model = _load_model(args.model)
    if not args.input:
        raise UsageError("explain MODEL needs --input: one sample's input values, "
                         "comma-separated")
    x = np.array([_floats(args.input, "--input")])
    n = int(getattr(model, "n_features_in_", x.shape[1]))
    if x.shape[1] != n:
        raise UsageError(f"--input has {x.shape[1]} values, the model takes {n}")
    z = model.input_map_.transform(x)
    net = model.network_
    if args.target is None:
        d = net.forward(z)
        print("(no --target: the target is taken equal to the output, so the error is 0)")
    elif hasattr(model, "classes_"):
        d = model._encode_targets(np.array([_match_label(args.target, model.classes_)]))
    else:
        t = np.array([_floats(args.target, "--target")])
        d = model.target_map_.transform(t)
    loss = args.loss if args.loss != "sse" else getattr(model, "_loss_name", lambda: "sse")()
    print("Inputs are shown after the model's input scaling (归一化), targets after its "
          "target encoding.\n")
    explain(net, z, d, lr=args.lr, loss=loss)
    return EXIT_OK


def _match_label(text, classes):
    for c in classes:
        if str(c) == text:
            return c
    raise UsageError(f"--target {text!r} is not one of the model's classes "
                     f"{', '.join(map(str, classes))}")


def cmd_gradcheck(args):
    import numpy as np

    from .gradcheck import gradcheck
    from .network import Network
    sizes = _ints(args.sizes, "--sizes")
    net = Network(sizes, _activation_names(args.activation), init="uniform", seed=args.seed)
    rng = np.random.default_rng(args.seed)
    X = rng.uniform(-1, 1, (args.samples, sizes[0]))
    if args.loss == "cross_entropy":
        k = sizes[-1]
        Y = np.eye(k)[rng.integers(0, k, args.samples)] if k > 1 else \
            rng.integers(0, 2, (args.samples, 1)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (args.samples, sizes[-1]))
    err = gradcheck(net, X, Y, loss=args.loss)
    ok = err < args.tol
    print(f"{net!r}, loss {args.loss}, {args.samples} samples: largest relative error "
          f"{err:.3g} ({'OK' if ok else 'FAILED'}: tolerance {args.tol:g})")
    return EXIT_OK if ok else EXIT_FAIL


def cmd_datasets(args):
    from rich.table import Table

    from .datasets import DEFAULT_DATASET, dataset_names, load_dataset
    table = Table(title="Built-in data sets (bpnn train NAME)", title_justify="left")
    for col in ("name", "task", "samples", "inputs", "target"):
        table.add_column(col, justify="right" if col in ("samples", "inputs") else "left",
                         no_wrap=True)
    table.add_column("description", ratio=1, min_width=30)
    for name in dataset_names():
        ds = load_dataset(name)
        table.add_row(name + (" *" if name == DEFAULT_DATASET else ""), ds.task,
                      str(ds.frame.shape[0]), str(len(ds.features)), ", ".join(ds.target),
                      ds.description)
    console = _console()
    console.print(table)
    console.print("* trained by `bpnn train` with no data")
    return EXIT_OK


# -- the parser -------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit code 2) instead of usage + message."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def _common(default=False):
    """--verbose and --quiet, accepted before or after the sub-command; the sub-parsers'
    copies default to SUPPRESS so they do not overwrite a value given before it."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--verbose", action="store_true", default=default,
                   help="show the traceback of errors")
    p.add_argument("-q", "--quiet", action="store_true", default=default,
                   help="print only errors")
    return p


def _add_train(sub, common):
    t = sub.add_parser("train", parents=[common], help="train a network on a table or "
                       "built-in data", description="Train a BP network. With no DATA it "
                       "trains on a built-in data set (see `bpnn datasets`).")
    t.add_argument("data", nargs="?", metavar="DATA",
                   help="CSV/TSV/Excel/Parquet file, or a built-in data set name")
    g = t.add_argument_group("data")
    g.add_argument("--target", help="target column(s), comma-separated (default: the last "
                   "column, or the data set's)")
    g.add_argument("--features", help="input columns (default: all but the targets)")
    g.add_argument("--task", choices=("auto", "classification", "regression"))
    g.add_argument("--missing", choices=("error", "drop", "mean", "median"),
                   help="missing values: stop with an error (default), drop those rows, or "
                   "fill inputs with the column mean/median")
    g.add_argument("--sheet", help="Excel sheet name")
    n = t.add_argument_group("network and training")
    n.add_argument("--hidden", help="hidden layer widths, e.g. 10 or 10,5, or 'auto' "
                   "(the tutorial's sqrt(m+n)+a rule)")
    n.add_argument("--activation", help="hidden activation(s), optionally followed by the "
                   "output's: tansig or tansig,purelin")
    n.add_argument("--output-activation", dest="output_activation")
    n.add_argument("--algorithm", help="training function: lm (trainlm), scg, rprop, sgd, ...")
    n.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="an algorithm parameter, e.g. --param lr=0.1 (repeatable)")
    n.add_argument("--loss", help="mse, sse, mae or cross_entropy")
    n.add_argument("--epochs", type=int)
    n.add_argument("--goal", type=float, help="stop when the training loss reaches this")
    n.add_argument("--max-fail", dest="max_fail", type=int, help="validation checks")
    n.add_argument("--min-grad", dest="min_grad", type=float)
    n.add_argument("--time", type=float, help="time limit in seconds")
    n.add_argument("--preset", choices=("default", "matlab"),
                   help="where unset options take their values: default (chosen for "
                        "accuracy: docs/defaults.md) or matlab (feedforwardnet/trainlm: "
                        "70/15/15 division, max_fail 6, minmax scaling, 10 hidden units)")
    n.add_argument("--division", choices=("refit", "random", "block", "interleaved", "none"))
    n.add_argument("--holdout", type=float, metavar="FRACTION",
                   help="rows held out before fitting for the printed test metrics "
                        f"(default {HOLDOUT} when the model trains on all its rows, as the "
                        "default preset's refit does; else 0)")
    n.add_argument("--ratios", help="train,validation,test shares, e.g. 0.7,0.15,0.15")
    n.add_argument("--scaling", choices=("minmax", "minmax01", "standard", "none"),
                   help="input normalisation (default minmax to [-1, 1])")
    n.add_argument("--target-scaling", dest="target_scaling",
                   choices=("minmax", "minmax01", "standard", "none"),
                   help="regression target normalisation, undone for predictions "
                   "(default minmax to [-1, 1])")
    n.add_argument("--pca", type=float, help="keep N components, or a variance fraction < 1")
    n.add_argument("--l2", type=_l2_value, help="weight decay, or 'auto' (chosen on "
                   "validation rows; the default preset's)")
    n.add_argument("--init", help="initialiser: nguyen-widrow, uniform, glorot, he, zeros")
    n.add_argument("--restarts", type=int, help="initialisations to try; the best is kept")
    n.add_argument("--seed", type=int, help="random seed (default 0)")
    n.add_argument("--config", help="TOML file with these options ([train] table)")
    o = t.add_argument_group("outputs")
    o.add_argument("-o", "--output", help=f"write the model file (e.g. model{MODEL_SUFFIX})")
    o.add_argument("--report", help="write the HTML training report")
    o.add_argument("--plots", help="write the report's figures as PNG into this directory")
    o.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="live progress line (default: on when the output is a terminal)")
    c = t.add_argument_group("checkpoints (Ctrl-C stops after the epoch, saves -o, exits 130)")
    c.add_argument("--checkpoint", help="write a crash-safe checkpoint to this file")
    c.add_argument("--checkpoint-every", dest="checkpoint_every", type=int, metavar="N",
                   help="checkpoint every N epochs (default: every 10 s) and at the end")
    c.add_argument("--resume", metavar="CHECKPOINT", help="continue the run saved in "
                   "CHECKPOINT (give the same options); ends as if never interrupted")
    t.set_defaults(func=cmd_train)


def _add_model_commands(sub, common):
    p = sub.add_parser("predict", parents=[common], help="predict with a saved model",
                       description="Predict in original units (regression) or class labels.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA")
    p.add_argument("-o", "--output", help="output table (.csv, .tsv, .xlsx, .parquet); "
                   "default: CSV on stdout")
    p.add_argument("--proba", action="store_true", help="add class probabilities")
    p.add_argument("--with-inputs", dest="with_inputs", action="store_true",
                   help="copy the input columns into the output")
    p.add_argument("--missing", choices=("error", "mean", "median"))
    p.add_argument("--sheet")
    p.set_defaults(func=cmd_predict)
    e = sub.add_parser("evaluate", parents=[common], help="metrics of a saved model on data")
    e.add_argument("model", metavar="MODEL")
    e.add_argument("data", metavar="DATA")
    e.add_argument("--target", help="target column(s) (default: those the model was "
                   "trained on)")
    e.add_argument("--missing", choices=("error", "drop", "mean", "median"))
    e.add_argument("--sheet")
    e.add_argument("--json", action="store_true", help="print the metrics as JSON")
    e.set_defaults(func=cmd_evaluate)
    r = sub.add_parser("report", parents=[common], help="HTML training report of a saved model")
    r.add_argument("model", metavar="MODEL")
    r.add_argument("data", metavar="DATA", nargs="?",
                   help="data (a file or a built-in data set name) for the regression / "
                   "confusion plots; with the training data the record's train/validation/"
                   "test split is shown")
    r.add_argument("-o", "--output", required=True, help="the HTML file to write")
    r.add_argument("--plots", help="also write the figures as PNG into this directory")
    r.add_argument("--target")
    r.add_argument("--missing", choices=("error", "drop", "mean", "median"))
    r.add_argument("--sheet")
    r.add_argument("--title")
    r.set_defaults(func=cmd_report)
    x = sub.add_parser("export", parents=[common], help="export a model as Python, C or ONNX")
    x.add_argument("model", metavar="MODEL")
    x.add_argument("--format", required=True, choices=tuple(_EXPORT_SUFFIX))
    x.add_argument("-o", "--output", help="output file (default: MODEL with .py/.c/.onnx)")
    x.set_defaults(func=cmd_export)


def _add_tools(sub, common):
    e = sub.add_parser("explain", parents=[common], help="one BP step, explained in the "
                       "tutorial's notation", description="With no options: the tutorial's "
                       "worked example. With --sizes: a random network. With MODEL: a saved "
                       "model's network on one sample (--input, --target).")
    e.add_argument("model", metavar="MODEL", nargs="?", help="a saved model (optional)")
    e.add_argument("--lr", type=float, default=0.5, help="step size η (default 0.5)")
    e.add_argument("--loss", default="sse")
    e.add_argument("--sizes", help="describe a random network instead, e.g. 2,3,1")
    e.add_argument("--activation", default="logsig")
    e.add_argument("--input", help="one sample's inputs, comma-separated")
    e.add_argument("--target", help="its target(s), or a class label for a classifier")
    e.add_argument("--seed", type=int, default=0)
    e.set_defaults(func=cmd_explain)
    g = sub.add_parser("gradcheck", parents=[common], help="compare back-propagation with "
                       "finite differences on a random network")
    g.add_argument("--sizes", default="3,5,2")
    g.add_argument("--activation", default="tansig,purelin")
    g.add_argument("--loss", default="sse")
    g.add_argument("--samples", type=int, default=5)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--tol", type=float, default=1e-6)
    g.set_defaults(func=cmd_gradcheck)
    d = sub.add_parser("datasets", parents=[common], help="list the built-in data sets")
    d.set_defaults(func=cmd_datasets)


def build_parser() -> argparse.ArgumentParser:
    common = _common(argparse.SUPPRESS)
    p = _Parser(prog="bpnn", description="BP (back-propagation) neural networks: train, "
                "predict, evaluate, report, export, explain.", parents=[_common()])
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           parser_class=_Parser)
    _add_train(sub, common)
    _add_model_commands(sub, common)
    _add_tools(sub, common)
    return p


def _version():
    from importlib.metadata import PackageNotFoundError, version
    try:
        return f"bpnn {version('bpnn')}"
    except PackageNotFoundError:
        return "bpnn (not installed)"


def _one_line(exc) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _user_error(exc):
    """The one-line message for a user's error, or None for a bug (exit 1)."""
    if isinstance(exc, ImportError):
        top = (exc.name or "").split(".")[0]
        return None if top in ("", "bpnn") else \
            f"this needs the {top!r} package, which is not installed (pip install {top})"
    if isinstance(exc, (ValueError, OSError)):
        msg = _one_line(exc)
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in msg:
            msg = f"{msg}: {exc.filename!r}"
        return msg
    return None


def main(argv=None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failed, 2 usage/data error)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"bpnn {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:   # noqa: BLE001 - every error is one line unless --verbose
        if args.verbose:
            traceback.print_exc()
        msg = _user_error(exc)
        if msg is not None:
            print(f"bpnn {args.command}: error: {msg}", file=sys.stderr)
            return EXIT_USAGE
        print(f"bpnn {args.command}: internal error: {type(exc).__name__}: {_one_line(exc)} "
              "(run with --verbose for the traceback)", file=sys.stderr)
        return EXIT_FAIL
