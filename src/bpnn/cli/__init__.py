"""The ``bpnn`` command line.

Sub-commands: ``train``, ``predict``, ``evaluate``, ``report``, ``export``, ``forecast``,
``importance``, ``explain``, ``gradcheck``, ``datasets``, ``app`` and ``import``. Training,
saving and exporting are delegated to the estimators and the model file (the CLI owns no
training logic); the sub-commands read the options and the data, print, and write outputs
atomically after success.

One module per family of sub-commands (``train``; ``model``: predict, evaluate, report,
export; ``timeseries``: forecast and ``train``'s time-series options; ``inspection``:
importance; ``tools``: explain, gradcheck, datasets; ``app``: the browser app; ``interop``:
``import matlab``, ``import fann``), each with
``add_parsers(sub, common)`` and listed in :data:`FAMILIES`; ``_shared`` holds what they
share (the usage error, option parsers, reading tables and models, checking output paths).

Every user error — a missing file, an unknown column, a bad option — is one line on stderr
and exit code 2; ``--verbose`` adds the traceback. Heavy imports happen inside the
commands so that ``bpnn --help`` is instant.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import traceback

from ._shared import (  # noqa: F401 - the constants are part of bpnn.cli's API
    EXIT_FAIL,
    EXIT_OK,
    EXIT_USAGE,
    MODEL_SUFFIX,
    UsageError,
    _common,
    _one_line,
    _Parser,
    _user_error,
    _version,
)

__all__ = ["main", "build_parser", "UsageError"]

# one module per sub-command family; each has add_parsers(sub, common)
FAMILIES = ("train", "model", "timeseries", "inspection", "tools", "app", "interop")


def build_parser() -> argparse.ArgumentParser:
    common = _common(argparse.SUPPRESS)
    p = _Parser(
        prog="bpnn",
        description="BP (back-propagation) neural networks: train, "
        "predict, evaluate, report, export, forecast, importance, explain.",
        parents=[_common()],
    )
    p.add_argument("--version", action="version", version=_version())
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}").add_parsers(sub, common)
    return p


#: Exit status when the reader of stdout went away, as a shell reports SIGPIPE (128 + 13).
EXIT_PIPE = 141


def _detach_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's final flush of what is
    still buffered does not fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor
        pass


@contextlib.contextmanager
def _table_warnings(command):
    """The table map's warnings (an unknown level, a value missing where the fit had none,
    a column left out) as one line each on stderr, ``bpnn CMD: warning: ...``, instead
    of Python's file-and-line form; other warnings are shown as usual."""
    import warnings

    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if category.__name__ == "TableWarning":
                print(f"bpnn {command}: warning: {message}", file=sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def main(argv=None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failed, 2 usage/data error)."""
    args = build_parser().parse_args(argv)
    try:
        with _table_warnings(args.command):
            code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:  # the reader went away (`bpnn ... | head`): nothing to report
        _detach_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        print(f"bpnn {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every error is one line unless --verbose
        if args.verbose:
            traceback.print_exc()
        msg = _user_error(exc)
        if msg is not None:
            print(f"bpnn {args.command}: error: {msg}", file=sys.stderr)
            return EXIT_USAGE
        print(
            f"bpnn {args.command}: internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(run with --verbose for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAIL
