"""``bpnn import FORMAT FILE -o model.bpnn``: networks trained elsewhere, as model files.

One sub-command per format under ``import`` (``matlab``, ``fann``); each reads its file with
its :mod:`bpnn.interop` function and hands the estimator to :func:`_finish`, which prints
what was imported and saves it. A new format is one more ``_add_format`` call and its
``cmd_*`` function. ``-o`` is written as ``bpnn train -o`` writes: atomically, replacing
a file already there, but never the file being imported.
"""

from __future__ import annotations

from pathlib import Path

from ._shared import EXIT_OK, MODEL_SUFFIX, UsageError, _check_output, _console, _Parser


def _names(text, what):
    """``"a,b,c"`` -> ["a", "b", "c"] (None stays None)."""
    if text is None:
        return None
    names = [t.strip() for t in str(text).split(",")]
    if not all(names):
        raise UsageError(f"{what} must be comma-separated names, got {text!r}")
    return names


def _check_paths(args):
    src = Path(args.file)
    if not src.is_file():
        raise UsageError(f"file not found: {str(src)!r}")
    if args.output is not None:
        _check_output(args.output, "output")
        out = Path(args.output)
        if out.exists() and out.resolve() == src.resolve():
            raise UsageError(f"-o {args.output!r} is the file being imported; give another name")


def _describe(model) -> str:
    """``2-5-1 tansig/purelin network, regression`` and the like."""
    net = model.network_
    sizes = "-".join(map(str, net.sizes))
    acts = "/".join(a.name for a in net.activations)
    if getattr(net, "connections", "layered") == "cascade":
        acts += " cascade-forward"  # a FANN shortcut network: every layer reads all before
    kind = type(model).__name__
    if kind == "BPForecaster":
        fb, ind = list(model.feedback_delays_), list(model.input_delays_)
        return f"{sizes} {acts} {model.kind_}, feedback delays {fb}, input delays {ind} ({kind})"
    what = (
        f"classes {', '.join(map(str, model.classes_))}"
        if hasattr(model, "classes_")
        else "regression"
    )
    cols = model.n_features_in_
    return f"{cols} input column{'s' if cols != 1 else ''}, {sizes} {acts} network, {what} ({kind})"


def _finish(args, model, source):
    """Print what was imported and write ``-o`` (the shared end of every format)."""
    console = None if args.quiet else _console()
    if console is not None:
        console.print(f"imported {source}: {_describe(model)}")
    if args.output:
        from ..io import save

        save(model, args.output)
        if console is not None:
            console.print(f"model written to {args.output}")
    elif console is not None:
        console.print(f"(save the model with -o model{MODEL_SUFFIX})")
    return EXIT_OK


def cmd_import_matlab(args):
    from ..interop import import_matlab

    _check_paths(args)
    try:
        model = import_matlab(
            args.file,
            task=args.task,
            feature_names=_names(args.inputs, "--inputs"),
            target_names=_names(args.targets, "--targets"),
            classes=_names(args.classes, "--classes"),
            feedback=args.feedback,
        )
    except ValueError as exc:  # the API's argument names -> the options that gave them
        msg = str(exc)
        for api, opt in (("feature_names", "--inputs"), ("target_names", "--targets")):
            if msg.startswith(f"{api} "):
                raise UsageError(opt + msg[len(api) :]) from None
        raise
    return _finish(args, model, repr(str(args.file)))


def cmd_import_fann(args):
    from ..interop.fann import import_fann

    _check_paths(args)
    model = import_fann(args.file)
    if args.inputs is not None or args.targets is not None:
        raise UsageError(
            "--inputs/--targets do not apply to FANN files: a .net file names no columns"
        )
    return _finish(args, model, f"FANN network {str(args.file)!r}")


def _add_format(isub, common, name, help_, description):
    p = isub.add_parser(name, parents=[common], help=help_, description=description)
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", help=f"write the model file (e.g. model{MODEL_SUFFIX})")
    p.add_argument("--inputs", metavar="NAMES", help="names of the input columns, comma-separated")
    p.add_argument(
        "--targets", metavar="NAMES", help="names of the target columns, comma-separated"
    )
    return p


def add_parsers(sub, common):
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import a network trained elsewhere (MATLAB, FANN) as a bpnn model file",
        description="Read a network another program trained and write it as a bpnn "
        "model file that predicts as that program did.",
    )
    isub = imp.add_subparsers(dest="format", required=True, metavar="FORMAT", parser_class=_Parser)
    m = _add_format(
        isub,
        common,
        "matlab",
        "a genFunction .m file or a .mat struct export (docs/matlab.md)",
        "Import a MATLAB shallow network: the .m file genFunction(net, ...) wrote, or the "
        ".mat struct saved by the snippet in docs/matlab.md ('Bring a trained network').",
    )
    m.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: a softmax output is a classifier (patternnet), anything else a regressor",
    )
    m.add_argument(
        "--classes", metavar="NAMES", help="class labels in the order of the output rows"
    )
    m.add_argument(
        "--feedback",
        choices=("auto", "last", "none"),
        default="auto",
        help="open-loop dynamic .m files: is the last input the fed-back target (last: "
        "narxnet/narnet) or are all inputs exogenous (none: timedelaynet)? auto: the last "
        "input when it is processed as the output is",
    )
    m.set_defaults(func=cmd_import_matlab)
    f = _add_format(
        isub,
        common,
        "fann",
        "a FANN 2.x network file (.net, from fann_save)",
        "Read a FANN .net file (layers, shortcut connections, activations and steepness, "
        "scale parameters) into a bpnn regression model.",
    )
    f.set_defaults(func=cmd_import_fann)
