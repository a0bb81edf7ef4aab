"""What every sub-command shares: the usage error, small option parsers, the one-line-error
argument parser, the console, reading tables and models, checking output paths."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..tables.frames import one_line as _one_line

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
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None


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


def _load_model(path, predict_only=False, forecaster=False):
    """``bpnn.load`` with the file checks the CLI promises (one-line errors).

    ``predict_only``: :func:`bpnn.io.load_predictor` instead, the same model without
    scikit-learn's classes (``bpnn predict`` on a small file is then ~2x faster).
    A time-series model (BPForecaster) is refused unless ``forecaster``: the commands
    that take rows of inputs cannot use it."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"model file not found: {str(p)!r}")
    if p.is_dir():
        raise UsageError(f"{str(p)!r} is a directory, not a model file")
    from ..io import load, load_predictor

    model = load_predictor(p) if predict_only else load(p)
    if not forecaster and type(model).__name__ == "BPForecaster":
        raise UsageError(
            f"{str(p)!r} is a time-series model (BPForecaster), which reads "
            "lagged values of its series rather than rows of inputs: use "
            "`bpnn forecast MODEL [DATA] --steps N`"
        )
    return model


def _add_read_options(parser):
    """--encoding, --decimal and --thousands: how a text table's bytes and numbers read
    (every command that reads a table takes them; detection needs none of them)."""
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        help="the text file's encoding (default: detected: UTF-8, UTF-16, GBK/GB18030, ...)",
    )
    parser.add_argument(
        "--decimal",
        metavar="CHAR",
        help="the decimal mark of numbers written as text (default .; e.g. , for 1.234,5)",
    )
    parser.add_argument(
        "--thousands",
        metavar="CHAR",
        help="the thousands separator of numbers written as text (e.g. . for 1.234,5; "
        "' ' for 1 234,5)",
    )


def _read_data(source, sheet=None, args=None):
    """A path to a table, or the name of a shipped data set -> (DataFrame, Dataset or None);
    ``args`` gives the read options (--encoding, --decimal, --thousands) where it has them."""
    from ..datasets import dataset_names, load_dataset
    from ..io_tables import read_table

    p = Path(source)
    name = str(source).lower().replace("-", "_")
    if not p.exists() and name in dataset_names():
        ds = load_dataset(name)
        return ds.frame, ds
    if not p.exists() and not p.suffix:
        raise UsageError(
            f"file not found: {str(source)!r} (and no built-in data set of that "
            "name; see `bpnn datasets`)"
        )
    opts = {k: getattr(args, k, None) for k in ("encoding", "decimal", "thousands")}
    return read_table(p, sheet, **{k: v for k, v in opts.items() if v is not None}), None


def _check_output(path, what):
    """Refuse an output path whose directory is missing, before any work is done."""
    if path is not None:
        from ..io_tables import check_output

        check_output(path, what)


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
    p.add_argument(
        "--verbose", action="store_true", default=default, help="show the traceback of errors"
    )
    p.add_argument("-q", "--quiet", action="store_true", default=default, help="print only errors")
    return p


def _version() -> str:
    """``bpnn X.Y.Z``: the package's own ``__version__`` (the one place the version is kept;
    the build reads it too), so the answer is that of the bpnn that runs, installed or not."""
    from .. import __version__

    return f"bpnn {__version__}"


def _user_error(exc):
    """The one-line message for a user's error, or None for a bug (exit 1)."""
    if isinstance(exc, ImportError):
        top, msg = (exc.name or "").split(".")[0], _one_line(exc)
        if top in ("", "bpnn"):
            return None
        # bpnn's own messages name the extra to install; Python's name only the module
        return (
            msg
            if "pip install" in msg
            else (f"this needs the {top!r} package, which is not installed (pip install {top})")
        )
    if isinstance(exc, (ValueError, OSError)):
        msg = _one_line(exc)
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in msg:
            msg = f"{msg}: {exc.filename!r}"
        return msg
    return None


# -- shared by the training commands (train, train on series) -------------------------------
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
    counts = (
        "1 or 2 (hidden, output)"
        if n_hidden == 1
        else f"1, {n_hidden} (one per hidden layer) or {n_hidden + 1} (hidden layers, output)"
    )
    raise UsageError(
        f"--activation lists {len(acts)} functions for {n_hidden} hidden layer(s); give {counts}"
    )


def _print_summary(console, model, data, record, title):
    from rich.table import Table

    from ..report import metric_names, split_metrics

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
        console.print(
            f"stop reason: [bold]{record.stop_reason}[/bold] after {record.epochs} "
            f"epochs (best epoch {record.best_epoch})"
        )
    diag = getattr(model, "diagnosis_", None)
    if diag:
        console.print(f"[yellow]note:[/yellow] {diag}")


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def _fmt(v, digits=4):
    if v is None:
        return "—"
    if isinstance(v, int):
        return str(v)
    from .._format import significant

    return "—" if v != v else significant(float(v), digits)
