"""``bpnn import``: networks trained elsewhere, saved as bpnn model files.

``bpnn import fann FILE.net -o model.bpnn`` reads a FANN 2.x network file
(:func:`bpnn.interop.fann.import_fann`). Each source is one sub-command added by one
function, so further sources (MATLAB ...) sit beside it.
"""

from __future__ import annotations

from pathlib import Path

from ._shared import EXIT_OK, MODEL_SUFFIX, UsageError, _check_output, _console, _Parser


def _save_imported(model, args, what):
    from ..io import save

    save(model, args.output)
    if not args.quiet:
        net = model.network_
        shape = "-".join(str(n) for n in net.sizes)
        _console().print(
            f"{what} network {shape} imported from {args.file}; saved to {args.output}"
        )
    return EXIT_OK


def cmd_import_fann(args):
    from ..interop.fann import import_fann

    src = Path(args.file)
    if not src.is_file():
        raise UsageError(f"FANN file not found: {str(src)!r}")
    args.output = args.output or str(src.with_suffix(MODEL_SUFFIX))
    _check_output(args.output, "output")
    return _save_imported(import_fann(src), args, "FANN")


def add_fann_parser(imports, common):
    """``bpnn import fann FILE.net [-o MODEL]``."""
    p = imports.add_parser(
        "fann",
        parents=[common],
        help="a FANN 2.x network file (.net, from fann_save)",
        description="Read a FANN .net file (layers, activations and steepness, scale "
        "parameters) into a bpnn regression model.",
    )
    p.add_argument("file", metavar="FILE.net")
    p.add_argument("-o", "--output", help=f"the model file to write (default: FILE{MODEL_SUFFIX})")
    p.set_defaults(func=cmd_import_fann)


def add_parsers(sub, common):
    imp = sub.add_parser(
        "import",
        parents=[common],
        help="import a network trained elsewhere (FANN)",
        description="Turn a network trained by another program into a bpnn model file.",
    )
    imports = imp.add_subparsers(
        dest="source", required=True, metavar="SOURCE", parser_class=_Parser
    )
    add_fann_parser(imports, common)
