"""``bpnn importance``: which inputs of a saved model matter, on a data table.

Prints a table (or JSON) and writes nothing; the computation is
:func:`bpnn.inspection.importance`.
"""

from __future__ import annotations

import math

from ._shared import EXIT_OK, UsageError, _add_read_options, _console, _load_model, _read_data
from ..tables.frames import has_table_map
from .model import _check_width, _match_label_type, _require_inputs, _targets

_METHODS = ("permutation", "miv", "garson", "olden")
_BAR = 24  # characters of the longest bar


def _inputs_and_target(args, model):
    """The model's input columns of DATA and, for permutation, its target (y or None)."""
    from ..io_tables import check_columns, select_columns

    df, ds = _read_data(args.data, getattr(args, "sheet", None), args)
    source = f"built-in data set {ds.name!r}" if ds is not None else repr(str(args.data))
    names = _require_inputs(model, df, source)
    task = "classification" if hasattr(model, "classes_") else "regression"
    target = None
    if args.method == "permutation":
        target = _targets(args, model, df, ds, source)
        check_columns(df, target, source)
    elif args.target:
        raise UsageError(
            f"--target is for --method permutation; --method {args.method} needs no targets"
        )
    if names is None and target is None:
        raise UsageError(
            "the model was trained without column names: give --method "
            "permutation with --target, so the inputs are the other columns"
        )
    raw = has_table_map(model)  # the table map reads text and missing values itself
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
    y = None
    if Y is not None:
        y = Y.iloc[:, 0] if Y.shape[1] == 1 else Y
        if task == "classification":
            y = _match_label_type(y, model.classes_)
    return X, y, source


def _response(model, text):
    """--response as the model's output name or class label (a label of the classes' type)."""
    if text is None:
        return None
    classes = getattr(model, "classes_", None)
    if classes is not None:
        for c in classes:
            if str(c) == text:
                return c
    return text


def cmd_importance(args):
    import json

    from ..inspection import importance

    if args.repeats < 1:
        raise UsageError(f"--repeats must be >= 1, got {args.repeats}")
    model = _load_model(args.model)
    X, y, source = _inputs_and_target(args, model)
    imp = importance(
        model,
        X,
        y,
        method=args.method,
        output=_response(model, args.response),
        delta=args.delta,
        n_repeats=args.repeats,
        random_state=args.seed,
    )
    if args.json:
        rows = [
            {"input": str(k), **{c: _plain(v) for c, v in row.items()}} for k, row in imp.iterrows()
        ]
        print(
            json.dumps(
                {
                    "model": str(args.model),
                    "data": source,
                    **{k: _plain(v) for k, v in imp.attrs.items()},
                    "importance": rows,
                }
            )
        )
        return EXIT_OK
    _print_table(_console(), imp, source)
    return EXIT_OK


def _plain(v):
    if isinstance(v, float) or hasattr(v, "dtype"):
        f = float(v)
        return f if math.isfinite(f) else None
    return v


def _print_table(console, imp, source):
    from rich.table import Table

    a = imp.attrs
    what = {
        "permutation": f"permutation importance (drop in {a.get('scoring')}, "
        f"{a.get('n_repeats')} repeats)",
        "miv": f"mean impact value (inputs x(1 ± {a.get('delta')}))",
        "garson": "Garson's connection-weight shares",
        "olden": "Olden's connection-weight products",
    }[a["method"]]
    if a.get("output") is not None and a["method"] != "permutation":
        what += f", output {a['output']}"
    table = Table(title=f"{what} on {source}", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("input")
    table.add_column("importance", justify="right")
    for c in ("std", "sign"):
        if c in imp:
            table.add_column(c, justify="right")
    table.add_column("")
    top = max(float(imp["importance"].abs().max()), 1e-300)
    for rank, (name, row) in enumerate(imp.iterrows(), 1):
        cells = [str(rank), str(name), f"{row['importance']:.4g}"]
        if "std" in imp:
            cells.append(f"{row['std']:.2g}")
        if "sign" in imp:
            cells.append({1.0: "+", -1.0: "−"}.get(float(row["sign"]), "0"))
        n = round(_BAR * max(float(row["importance"]), 0.0) / top)
        cells.append("█" * n)
        table.add_row(*cells)
    console.print(table)


def add_parsers(sub, common):
    p = sub.add_parser(
        "importance",
        parents=[common],
        help="which inputs of a saved model matter",
        description="Rank a saved model's inputs on DATA by permutation importance (needs "
        "the targets), mean impact value (MIV), Garson's or Olden's connection weights. "
        "Prints a table (or --json); writes nothing. Definitions: docs/inspection.md.",
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA", help="a table or a built-in data set name")
    p.add_argument(
        "--method",
        choices=_METHODS,
        default="permutation",
        help="permutation (default; needs the target column), miv, garson "
        "(one hidden layer) or olden",
    )
    p.add_argument(
        "--target",
        help="target column(s) for permutation (default: those the model was trained on)",
    )
    p.add_argument(
        "--response",
        metavar="OUTPUT",
        help="the output (target name or class label) that miv, garson and "
        "olden explain (default: the only one, a binary classifier's positive "
        "class, or the mean over outputs)",
    )
    p.add_argument(
        "--delta",
        type=float,
        default=0.1,
        help="miv: each input is scaled by (1 + delta) and (1 - delta) (default 0.1)",
    )
    p.add_argument(
        "--repeats", type=int, default=10, help="permutation: shuffles per input (default 10)"
    )
    p.add_argument("--seed", type=int, default=0, help="permutation: random seed")
    p.add_argument("--missing", choices=("error", "drop", "mean", "median"))
    p.add_argument("--sheet")
    _add_read_options(p)
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.set_defaults(func=cmd_importance)
