"""``bpnn explain``, ``gradcheck`` and ``datasets``: learning and checking tools."""

from __future__ import annotations

from ._shared import EXIT_FAIL, EXIT_OK, UsageError, _console, _floats, _ints, _load_model


# -- explain / gradcheck / datasets --------------------------------------------------------
def _activation_names(text, n_layers=None):
    """``"tansig"`` -> one name for every layer; ``"tansig,purelin"`` -> one per layer, or
    with more than two layers (``n_layers``) the first for every hidden layer and the last
    for the output, as ``bpnn train --activation`` reads it."""
    if "," not in text:
        return text
    names = text.split(",")
    if n_layers is not None and len(names) == 2 and n_layers > 2:
        return [names[0]] * (n_layers - 1) + [names[1]]
    return names


def cmd_explain(args):
    import numpy as np

    from ..explain import explain
    from ..network import Network

    if args.model:
        return _explain_model(args)
    if args.sizes:
        sizes = _ints(args.sizes, "--sizes")
        net = Network(sizes, _activation_names(args.activation, len(sizes) - 1), seed=args.seed)
        x = _floats(args.input, "--input") if args.input else np.zeros(sizes[0])
        d = _floats(args.target, "--target") if args.target else np.zeros(sizes[-1])
        explain(net, x, d, lr=args.lr, loss=args.loss)
    else:
        explain(lr=args.lr, loss=args.loss)
    return EXIT_OK


def _explain_model(args):
    """One BP step of a saved model's network on one sample, in the network's scaled units."""
    import numpy as np

    from ..explain import explain

    model = _load_model(args.model)
    conn = getattr(getattr(model, "network_", model), "connections", "layered")
    if conn != "layered":  # before any output: explain refuses it
        raise UsageError(
            f"explain writes out the layered recursion; {args.model} holds a network with "
            f"{conn!r} connections"
        )
    if not args.input:
        raise UsageError("explain MODEL needs --input: one sample's input values, comma-separated")
    table = getattr(model, "table_map_", None)
    if table is not None and not table.passthrough_:  # text levels: the table map reads them
        x = np.array([[v.strip() for v in str(args.input).split(",")]], dtype=object)
    else:
        x = np.array([_floats(args.input, "--input")])
    n = int(getattr(model, "n_features_in_", x.shape[1]))
    if x.shape[1] != n:
        raise UsageError(f"--input has {x.shape[1]} values, the model takes {n}")
    if table is not None and not table.passthrough_:
        x = table.transform(x)
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
    print(
        "Inputs are shown after the model's input scaling (归一化), targets after its "
        "target encoding.\n"
    )
    explain(net, z, d, lr=args.lr, loss=loss)
    return EXIT_OK


def _match_label(text, classes):
    for c in classes:
        if str(c) == text:
            return c
    raise UsageError(
        f"--target {text!r} is not one of the model's classes {', '.join(map(str, classes))}"
    )


def cmd_gradcheck(args):
    import numpy as np

    from ..gradcheck import gradcheck
    from ..network import Network

    sizes = _ints(args.sizes, "--sizes")
    net = Network(
        sizes,
        _activation_names(args.activation, len(sizes) - 1),
        init="uniform",
        seed=args.seed,
        connections=args.connections,
    )
    rng = np.random.default_rng(args.seed)
    X = rng.uniform(-1, 1, (args.samples, sizes[0]))
    if args.loss == "cross_entropy":
        k = sizes[-1]
        Y = (
            np.eye(k)[rng.integers(0, k, args.samples)]
            if k > 1
            else rng.integers(0, 2, (args.samples, 1)).astype(float)
        )
    else:
        Y = rng.uniform(-1, 1, (args.samples, sizes[-1]))
    err = gradcheck(net, X, Y, loss=args.loss)
    ok = err < args.tol
    print(
        f"{net!r}, loss {args.loss}, {args.samples} samples: largest relative error "
        f"{err:.3g} ({'OK' if ok else 'FAILED'}: tolerance {args.tol:g})"
    )
    return EXIT_OK if ok else EXIT_FAIL


def cmd_datasets(args):
    from rich.table import Table

    from ..datasets import DEFAULT_DATASET, dataset_names, load_dataset

    table = Table(title="Built-in data sets (bpnn train NAME)", title_justify="left")
    for col in ("name", "task", "samples", "inputs", "target"):
        table.add_column(
            col, justify="right" if col in ("samples", "inputs") else "left", no_wrap=True
        )
    table.add_column("description", ratio=1, min_width=30)
    for name in dataset_names():
        ds = load_dataset(name)
        table.add_row(
            name + (" *" if name == DEFAULT_DATASET else ""),
            ds.task,
            str(ds.frame.shape[0]),
            str(len(ds.features)),
            ", ".join(ds.target),
            ds.description,
        )
    console = _console()
    console.print(table)
    console.print("* trained by `bpnn train` with no data")
    return EXIT_OK


def add_parsers(sub, common):
    e = sub.add_parser(
        "explain",
        parents=[common],
        help="one BP step, explained in the tutorial's notation",
        description="With no options: the tutorial's "
        "worked example. With --sizes: a random network. With MODEL: a saved "
        "model's network on one sample (--input, --target).",
    )
    e.add_argument("model", metavar="MODEL", nargs="?", help="a saved model (optional)")
    e.add_argument("--lr", type=float, default=0.5, help="step size η (default 0.5)")
    e.add_argument("--loss", default="sse")
    e.add_argument("--sizes", help="describe a random network instead, e.g. 2,3,1")
    e.add_argument("--activation", default="logsig")
    e.add_argument("--input", help="one sample's inputs, comma-separated")
    e.add_argument("--target", help="its target(s), or a class label for a classifier")
    e.add_argument("--seed", type=int, default=0)
    e.set_defaults(func=cmd_explain)
    g = sub.add_parser(
        "gradcheck",
        parents=[common],
        help="compare back-propagation with finite differences on a random network",
    )
    g.add_argument("--sizes", default="3,5,2")
    g.add_argument("--activation", default="tansig,purelin")
    g.add_argument("--loss", default="sse")
    g.add_argument(
        "--connections",
        choices=("layered", "cascade"),
        default="layered",
        help="cascade: every layer also reads the input and all earlier layers",
    )
    g.add_argument("--samples", type=int, default=5)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--tol", type=float, default=1e-6)
    g.set_defaults(func=cmd_gradcheck)
    d = sub.add_parser("datasets", parents=[common], help="list the built-in data sets")
    d.set_defaults(func=cmd_datasets)
