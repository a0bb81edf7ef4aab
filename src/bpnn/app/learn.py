"""The Learn page: the tutorial's worked example as numbers, and the 2-D playground.

The worked example's numbers come from :func:`bpnn.explain.step_numbers`, the function
that ``bpnn explain`` prints, formatted the same way. The playground trains a
:class:`~bpnn.Network` with :func:`bpnn.train`, and a callback sends the loss, the weights
and the decision boundary to the page while it trains.
"""

from __future__ import annotations

import inspect
import math
import time

import numpy as np

from .session import AppError, Job, clean

PLAYGROUND_SETS = ("xor", "circles", "spirals", "blobs")
PLAYGROUND_ALGORITHMS = ("sgd", "gd", "gdm", "adam", "rprop", "scg", "lm")
PLAYGROUND_ACTIVATIONS = ("tansig", "logsig", "poslin", "purelin")
GRID = 41  # decision-boundary grid points per axis
EXTENT = 1.25  # the grid covers [-EXTENT, EXTENT]^2
SNAPSHOT_SECONDS = 0.12  # at most this often a boundary is computed while training


# -- (a) the worked example -----------------------------------------------------------------
def worked_example(lr=0.5) -> dict:
    """Every number of one BP step of the tutorial's 2-3-2 network, as ``bpnn explain``
    prints it (``explain._fmt``), with the name the tutorial gives it."""
    from ..explain import _fmt, _tutorial_names, explain, step_numbers

    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and 0 < lr <= 100):
        raise AppError(f"the learning rate must be a number in (0, 100], got {lr!r}")
    s = step_numbers(lr=lr)
    net, tr, g, new = s["network"], s["trace"], s["gradient"], s["updated"]
    wn, _ = _tutorial_names()
    hidden = ["h1", "h2", "h3"]
    outs = ["o1", "o2"]

    def num(v):
        return {"value": float(v), "text": _fmt(float(v))}

    weights = []
    for (k, i, j), name in sorted(wn.items(), key=lambda kv: int(kv[1][1:])):
        weights.append(
            {
                "name": name,
                "layer": k,
                "to": i,
                "from": j,
                "value": float(net.weights[k][i, j]),
                "grad": num(g.weights[k][i, j]),
                "new": num(new.weights[k][i, j]),
            }
        )
    units = []
    for k, names in enumerate((hidden, outs)):
        for i, name in enumerate(names):
            units.append(
                {
                    "name": name,
                    "layer": k,
                    "index": i,
                    "net": num(tr.z[k][0, i]),
                    "out": num(tr.n[k + 1][0, i]),
                    "delta": num(s["deltas"][k][i]),
                    "bias": float(net.biases[k][i]),
                    "bias_grad": num(g.biases[k][i]),
                    "bias_new": num(new.biases[k][i]),
                }
            )
    return clean(
        {
            "lr": lr,
            "inputs": [float(v) for v in s["x"][0]],
            "targets": [float(v) for v in s["target"][0]],
            "E": num(s["E"]),
            "units": units,
            "weights": weights,
            "text": explain(lr=lr, print_=False),
        }
    )


# -- (b) the playground -------------------------------------------------------------------------
def make_points(name, n, noise, seed):
    """A 2-D two-class set in about [-1, 1]^2: inputs (n, 2), labels (n,) in {0, 1}."""
    rng = np.random.default_rng(seed)
    if name == "xor":
        X = rng.uniform(-1, 1, (n, 2))
        X += np.sign(X) * 0.05  # a small gap along the axes
        y = (X[:, 0] * X[:, 1] > 0).astype(float)
        X += rng.normal(0, noise, X.shape)
    elif name == "circles":
        r = np.where(np.arange(n) % 2 == 0, rng.uniform(0, 0.45, n), rng.uniform(0.7, 1.0, n))
        a = rng.uniform(0, 2 * np.pi, n)
        X = np.c_[r * np.cos(a), r * np.sin(a)] + rng.normal(0, noise, (n, 2))
        y = (np.arange(n) % 2 == 0).astype(float)
    elif name == "spirals":
        k = np.arange(n) % 2
        t = rng.uniform(0.25, 1.0, n) * 3 * np.pi
        r = t / (3 * np.pi)
        X = np.c_[r * np.cos(t + k * np.pi), r * np.sin(t + k * np.pi)]
        X += rng.normal(0, noise, (n, 2))
        y = k.astype(float)
    elif name == "blobs":
        k = np.arange(n) % 2
        centres = np.array([[-0.45, -0.4], [0.45, 0.4]])
        X = centres[k] + rng.normal(0, 0.22 + noise, (n, 2))
        y = k.astype(float)
    else:
        raise AppError(
            f"unknown playground set {name!r}; choose one of {', '.join(PLAYGROUND_SETS)}"
        )
    return X, y


def split_points(n, share, seed):
    """Row indices (train, test) with ``share`` of the n points in train."""
    n_train = max(2, min(n - 2, int(round(share * n))))
    order = np.random.default_rng(seed + 1).permutation(n)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def _setting(s, key, kind, default, low, high):
    v = s.get(key, default)
    try:
        x = kind(v)
    except (TypeError, ValueError):
        raise AppError(f"{key} must be a number, got {v!r}") from None
    if not (isinstance(x, (int, float)) and math.isfinite(x) and low <= x <= high):
        raise AppError(f"{key} must be between {low} and {high}, got {v!r}")
    return x


def parse_playground(s: dict) -> dict:
    data = str(s.get("data", "xor"))
    if data not in PLAYGROUND_SETS:
        raise AppError(f"unknown playground set {data!r}")
    alg = str(s.get("algorithm", "rprop"))
    if alg not in PLAYGROUND_ALGORITHMS:
        raise AppError(
            f"the playground's algorithms are {', '.join(PLAYGROUND_ALGORITHMS)}; got {alg!r}"
        )
    act = str(s.get("activation", "tansig"))
    if act not in PLAYGROUND_ACTIVATIONS:
        raise AppError(f"unknown activation {act!r}")
    layers = s.get("layers", [4, 4])
    if isinstance(layers, str):
        layers = [p for p in layers.split(",") if p.strip()]
    try:
        layers = [int(v) for v in layers]
    except (TypeError, ValueError):
        raise AppError(f"hidden layers must be whole numbers, got {layers!r}") from None
    if len(layers) > 6 or any(not 1 <= v <= 8 for v in layers):
        raise AppError("the playground takes 0 to 6 hidden layers of 1 to 8 units")
    return {
        "data": data,
        "algorithm": alg,
        "activation": act,
        "layers": layers,
        "noise": _setting(s, "noise", float, 0.05, 0.0, 0.5),
        "train": _setting(s, "train", float, 0.5, 0.1, 0.9),
        "lr": _setting(s, "lr", float, 0.03, 1e-5, 10.0),
        "epochs": int(_setting(s, "epochs", float, 500, 1, 100_000)),
        "n": int(_setting(s, "n", float, 200, 20, 2000)),
        "seed": int(_setting(s, "seed", float, 1, 0, 2**31 - 1)),
    }


def _weights(net):
    return [{"W": w.tolist(), "b": b.tolist()} for w, b in zip(net.weights, net.biases)]


def playground_job(p: dict):
    """``work`` for :meth:`Session.start`: :func:`bpnn.train` with a live callback."""
    from ..algorithms.base import ALGORITHMS
    from ..network import Network
    from ..trainer import train

    X, y = make_points(p["data"], p["n"], p["noise"], p["seed"])
    tr, te = split_points(len(y), p["train"], p["seed"])
    g = np.linspace(-EXTENT, EXTENT, GRID)
    grid = np.array([[a, b] for b in g[::-1] for a in g])  # rows from the top
    accepted = inspect.signature(ALGORITHMS[p["algorithm"]]).parameters
    alg_params = {"lr": p["lr"]} if "lr" in accepted else {}

    def work(job: Job):
        net = Network(
            [2, *p["layers"], 1], [p["activation"]] * len(p["layers"]) + ["logsig"], seed=p["seed"]
        )
        job.emit(
            "points",
            clean({"X": X, "y": y, "train": tr, "test": te, "grid": GRID, "extent": EXTENT}),
        )
        last = [0.0]

        def snapshot(epoch, rec, network, final=False):
            out = network.forward(grid)[:, 0]
            acc = [
                float(np.mean((network.forward(X[i])[:, 0] > 0.5) == (y[i] > 0.5)))
                for i in (tr, te)
            ]
            job.emit(
                "snapshot",
                clean(
                    {
                        "epoch": epoch,
                        "boundary": np.round(out, 3),
                        "weights": _weights(network),
                        "final": final,
                        "acc_train": acc[0],
                        "acc_test": acc[1],
                    }
                ),
            )

        keep = job.every_epoch_then_fewer()

        def cb(epoch, rec, network):
            if keep(rec.epoch[-1]):
                job.emit(
                    "epoch",
                    clean(
                        {"epoch": rec.epoch[-1], "loss": rec.loss[-1], "test": rec.test_loss[-1]}
                    ),
                )
            now = time.perf_counter()
            if now - last[0] >= SNAPSHOT_SECONDS:
                last[0] = now
                snapshot(epoch, rec, network)
            return False

        snapshot(0, None, net)
        rec = train(
            net,
            X[tr],
            y[tr, None],
            algorithm=p["algorithm"],
            loss="mse",
            epochs=p["epochs"],
            test=(X[te], y[te, None]),
            seed=p["seed"],
            callbacks=[cb, job.stop_callback()],
            **alg_params,
        )
        snapshot(rec.epochs, rec, net, final=True)
        job.emit(
            "done",
            clean({"stop_reason": rec.stop_reason, "epochs": rec.epochs, "message": rec.message}),
        )

    return work
