"""Step-by-step traces of one BP iteration in the tutorial's notation.

``explain()`` with no arguments replays the tutorial's worked example (2-3-2 logsig network,
input (5, 10), targets (0.01, 0.99)); given a network and one sample it explains that
instead. Every number printed comes from the library's own forward pass and
back-propagation, so the trace doubles as a check of them.
"""

from __future__ import annotations

import numpy as np

from .activations import GeneralizedSigmoid, Softmax
from .losses import get_loss
from .network import Network

__all__ = [
    "explain",
    "step_numbers",
    "tutorial_network",
    "TUTORIAL_INPUT",
    "TUTORIAL_TARGET",
    "TUTORIAL_ERRORS",
]

TUTORIAL_INPUT = np.array([[5.0, 10.0]])
TUTORIAL_TARGET = np.array([[0.01, 0.99]])

TUTORIAL_ERRORS = [
    (
        "net_o1, net_o2 multiply the weights by the hidden inputs h1..h3 (2.35, 3.85, 5.35)",
        "net_o1 = w7·out_h1 + w9·out_h2 + w11·out_h3 + b2: the hidden OUTPUTS (the printed "
        "2.10192, 2.24629 are right only this way)",
    ),
    (
        "E_total is printed as ½(0.01 + 0.89109)² + ½(0.99 + 0.90433)²",
        "E_total = ½(0.01 − 0.89109)² + ½(0.99 − 0.90433)² = 0.391829: differences, not sums",
    ),
    (
        "∂E/∂out_o1 is written with the factor (target − out)",
        "∂E/∂out_o1 = (out_o1 − target_o1): the sign is the other way round",
    ),
    (
        "in the 2-3-2-1 example layer 2 is fed the pre-activations z1..z3 of layer 1",
        "layer 2 takes the OUTPUTS n(1) = f(z(1)) of layer 1",
    ),
    (
        "CBpnet reduces the hidden derivative to one scalar ([0, 0]) for all hidden units",
        "δ(hidden) = f'(z) ⊙ (Wᵀ δ(out)): element-wise, one factor per unit",
    ),
    (
        "CBpnet never resets the running error e between epochs",
        "the loss is recomputed from zero every epoch (bpnn.train records it per epoch)",
    ),
    (
        "CBpnet predicts normalised targets and never maps them back",
        "predictions pass through the target scaler's inverse (反归一化), see examples/",
    ),
]


def tutorial_network() -> Network:
    """The worked example's 2-3-2 network with w1..w12 = 0.10..0.65, b1 = 0.35, b2 = 0.65."""
    net = Network([2, 3, 2], "logsig", init="zeros")
    net.weights[0][...] = [[0.10, 0.15], [0.20, 0.25], [0.30, 0.35]]
    net.biases[0][...] = 0.35
    net.weights[1][...] = [[0.40, 0.50, 0.60], [0.45, 0.55, 0.65]]
    net.biases[1][...] = 0.65
    return net


def _tutorial_names():
    # hidden unit j uses (w_{2j-1}, w_{2j}); output o1 uses (w7, w9, w11), o2 (w8, w10, w12)
    w = {(0, i, j): f"w{2 * i + j + 1}" for i in range(3) for j in range(2)}
    w.update({(1, i, j): f"w{7 + 2 * j + i}" for i in range(2) for j in range(3)})
    units = {(-1, j): f"i{j + 1}" for j in range(2)}
    units.update({(0, j): "h" for j in range(3)})
    units.update({(1, j): "o" for j in range(2)})
    return w, {
        "z": ["h", "net_o"],
        "n": ["out_h", "out_o"],
        "in": "i",
        "b": ["b1", "b2"],
        "d": ["h", "o"],
        "t": "target_o",
    }


def _generic_names(net):
    w = {
        (k, i, j): f"W({k + 1})[{i + 1},{j + 1}]"
        for k in range(net.n_layers)
        for i in range(net.sizes[k + 1])
        for j in range(net.sizes[k])
    }
    return w, {
        "z": [f"z({k + 1})_" for k in range(net.n_layers)],
        "n": [f"n({k + 1})_" for k in range(net.n_layers)],
        "in": "x",
        "b": [f"b({k + 1})" for k in range(net.n_layers)],
        "d": [f"({k + 1})_" for k in range(net.n_layers)],
        "t": "d",
    }


def _fmt(v):
    return f"{v:.10f}"


def explain(
    network=None, x=None, target=None, lr=0.5, lr_bias=None, loss="sse", print_=True
) -> str:
    """Print (and return) one forward pass, back-propagation and update, step by step."""
    tutorial = network is None
    s = step_numbers(network, x, target, lr, lr_bias, loss)
    net, x, d, loss, lr_bias = s["network"], s["x"], s["target"], s["loss"], s["lr_bias"]
    tr, value, g, deltas = s["trace"], s["E"], s["gradient"], s["deltas"]
    wn, nm = _tutorial_names() if tutorial else _generic_names(net)
    out = []
    title = (
        "The tutorial's worked example: 2-3-2 network, logistic sigmoid, "
        "input (5, 10), target (0.01, 0.99)"
        if tutorial
        else f"One BP step of {net!r}"
    )
    out += [
        title,
        "=" * len(title),
        "",
        "1. Forward pass   z(k) = W(k)·n(k-1) + b(k),  n(k) = f(z(k))",
    ]
    for k in range(net.n_layers):
        act = net.activations[k]
        prev = (
            [f"{nm['in']}{j + 1}" for j in range(net.sizes[0])]
            if k == 0
            else [f"{nm['n'][k - 1]}{j + 1}" for j in range(net.sizes[k])]
        )
        for i in range(net.sizes[k + 1]):
            terms = " + ".join(f"{wn[(k, i, j)]}·{p}" for j, p in enumerate(prev))
            zi, ni = tr.z[k][0, i], tr.n[k + 1][0, i]
            out.append(f"   {nm['z'][k]}{i + 1} = {terms} + {nm['b'][k]} = {_fmt(zi)}")
            out.append(f"   {nm['n'][k]}{i + 1} = {act.name}({nm['z'][k]}{i + 1}) = {_fmt(ni)}")
    y = tr.output[0]
    sq = " + ".join(f"½({d[0, j]:g} − {_fmt(y[j])})²" for j in range(net.n_outputs))
    out += [
        "",
        f"2. Error   E_total = ½Σ(target − out)² = {sq}"
        if loss.name == "sse"
        else f"2. Error   ({loss.name})",
        f"   E_total = {_fmt(value)}",
        "",
    ]
    out.append(
        "3. Back-propagation   δ(K) = f'(z(K)) ⊙ ∂E/∂n(K);  δ(k) = f'(z(k)) ⊙ (W(k+1)ᵀ δ(k+1))"
    )
    for k in range(net.n_layers - 1, -1, -1):
        act = net.activations[k]
        for i in range(net.sizes[k + 1]):
            formula = _delta_formula(k == net.n_layers - 1, loss, act, nm["n"][k], i + 1, nm["t"])
            out.append(f"   δ{nm['d'][k]}{i + 1} = {formula} = {_fmt(deltas[k][i])}")
        prev = (
            [f"{nm['in']}{j + 1}" for j in range(net.sizes[0])]
            if k == 0
            else [f"{nm['n'][k - 1]}{j + 1}" for j in range(net.sizes[k])]
        )
        for i in range(net.sizes[k + 1]):
            for j in range(net.sizes[k]):
                out.append(
                    f"   ∂E/∂{wn[(k, i, j)]} = δ{nm['d'][k]}{i + 1} · {prev[j]} = "
                    f"{_fmt(g.weights[k][i, j])}"
                )
        out.append(f"   ∂E/∂{nm['b'][k]} (per unit) = " + ", ".join(_fmt(v) for v in g.biases[k]))
    out += ["", f"4. Update   w ← w − η₁·∂E/∂w (η₁ = {lr:g}),  b ← b − η₂·∂E/∂b (η₂ = {lr_bias:g})"]
    for k in range(net.n_layers):
        for i in range(net.sizes[k + 1]):
            for j in range(net.sizes[k]):
                w0 = net.weights[k][i, j]
                out.append(
                    f"   {wn[(k, i, j)]}⁺ = {w0:g} − {lr:g}·{_fmt(g.weights[k][i, j])} = "
                    f"{_fmt(w0 - lr * g.weights[k][i, j])}"
                )
        newb = net.biases[k] - lr_bias * g.biases[k]
        out.append(f"   {nm['b'][k]}⁺ (per unit) = " + ", ".join(_fmt(v) for v in newb))
    if tutorial:
        out += [
            "",
            "Note: the tutorial shares one bias per layer; bpnn gives every unit its own, "
            "so a shared bias's gradient is the sum of the per-unit values.",
            "",
            "Errors in the tutorial, and the corrected formulas:",
        ]
        for wrong, right in TUTORIAL_ERRORS:
            out += [f"   ✗ {wrong}", f"   ✓ {right}"]
    text = "\n".join(out)
    if print_:
        print(text)
    return text


def step_numbers(network=None, x=None, target=None, lr=0.5, lr_bias=None, loss="sse") -> dict:
    """The numbers of one BP step that :func:`explain` prints, as arrays.

    Returns a dict: ``network`` (the tutorial's when None), ``x``, ``target``, ``loss``
    (the Loss object), ``lr``, ``lr_bias``, ``trace`` (the forward trace: ``z[k]``,
    ``n[k]``), ``E`` (the loss), ``deltas`` (δ of each layer, one sample), ``gradient``
    (a Network holding ∂E/∂W, ∂E/∂b) and ``updated`` (a Network after the update).
    """
    net = tutorial_network() if network is None else network
    if net.connections != "layered":
        raise ValueError(
            "explain writes out the layered recursion (each layer reads the one below); "
            f"this network has {net.connections!r} connections: use "
            "net.loss_and_gradient(x, target) for its gradient"
        )
    x = TUTORIAL_INPUT if x is None else np.atleast_2d(np.asarray(x, dtype=float))
    d = TUTORIAL_TARGET if target is None else np.atleast_2d(np.asarray(target, dtype=float))
    if x.shape != (1, net.n_inputs) or d.shape != (1, net.n_outputs):
        raise ValueError(
            f"explain needs one sample: x of {net.n_inputs} values and a target "
            f"of {net.n_outputs}, got {x.size} and {d.size}"
        )
    loss = get_loss(loss)
    lr_bias = lr if lr_bias is None else lr_bias
    tr = net.forward_trace(x)
    value, grad = net.loss_and_gradient(x, d, loss)
    g = net.copy()
    g.params = grad
    new = net.copy()
    for k in range(net.n_layers):
        new.weights[k][...] = net.weights[k] - lr * g.weights[k]
        new.biases[k][...] = net.biases[k] - lr_bias * g.biases[k]
    return {
        "network": net,
        "x": x,
        "target": d,
        "loss": loss,
        "lr": lr,
        "lr_bias": lr_bias,
        "trace": tr,
        "E": value,
        "deltas": _deltas(net, tr, d, loss),
        "gradient": g,
        "updated": new,
    }


def _delta_formula(is_output, loss, act, out_name, i, target="d"):
    """The formula behind δ of unit i, in words the tutorial uses."""
    if isinstance(act, GeneralizedSigmoid) and act.A == 1 and act.B == 1:
        deriv = f"{out_name}{i}·(1 − {out_name}{i})"
    elif isinstance(act, GeneralizedSigmoid):
        deriv = f"{out_name}{i}·(A − {out_name}{i})/(A·B)"
    else:
        deriv = f"{act.name}'(z{i})"
    if not is_output:
        return f"(W(k+1)ᵀδ(k+1))_{i} · {deriv}"
    if loss.name == "cross_entropy":
        # with a logsig/softmax output, f' cancels against the loss: δ = out − target
        return f"({out_name}{i} − {target}{i})"
    err = {
        "sse": f"({out_name}{i} − {target}{i})",
        "mse": f"2({out_name}{i} − {target}{i})/m",
        "mae": f"sign({out_name}{i} − {target}{i})/m",
    }.get(loss.name, "∂E/∂out")
    if isinstance(act, Softmax):
        return f"[softmax Jacobianᵀ · {err}]_{i}"
    return f"{err} · {deriv}"


def _deltas(net, tr, d, loss):
    """δ(k) of every layer for one sample (k = 0..K-1), by the recursion."""
    _, delta = loss.output_delta(tr.z[-1], tr.n[-1], d, net.activations[-1])
    out = [None] * net.n_layers
    out[-1] = delta[0]
    for k in range(net.n_layers - 1, 0, -1):
        delta = net.activations[k - 1].backprop(tr.z[k - 1], tr.n[k], delta @ net.weights[k])
        out[k - 1] = delta[0]
    return out
