"""A standalone NumPy-only Python module reproducing ``predict`` (MATLAB's genFunction).

Numbers are written with ``repr``, which round-trips every float64 exactly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["python_source"]

_RUNTIME = '''
def _activate(name, z, A, B):
    if name == "purelin":
        return z
    if name == "tansig":
        return np.tanh(z)
    if name == "poslin":
        return np.maximum(z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    t = z / B                     # A / (1 + exp(-t)), evaluated without overflow
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, A / (1.0 + e), A * e / (1.0 + e))


def transform(X):
    """Raw inputs (n, N_FEATURES) -> network inputs (the stored preprocessing)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2 or X.shape[1] != N_FEATURES:
        raise ValueError(f"X must have shape (n, {N_FEATURES}), got {X.shape}")
    S = X[:, KEEP] * SCALE + OFFSET
    if PCA_COMPONENTS is not None:
        S = (S - PCA_MEAN) @ PCA_COMPONENTS.T
    return S


def _one_network(Z, layers):
    a = Z
    for W, b, name, A, B in layers:
        a = _activate(name, a @ W.T + b, A, B)
    return a


def network_outputs(X):
    """Outputs of the last layer, before any inverse mapping: (n, n_outputs); for an
    ensemble the mean of its networks' outputs."""
    Z = transform(X).astype(LAYERS[0][0].dtype)
    if not MEMBERS:
        return _one_network(Z, LAYERS)
    return np.mean([_one_network(Z, layers) for layers in [LAYERS, *MEMBERS]], axis=0)
'''

_REGRESSION = '''

def predict(X):
    """Predictions in the targets' own units."""
    Y = (network_outputs(X) - TARGET_OFFSET) / TARGET_SCALE
    return Y.ravel() if Y_1D else Y
'''

_CLASSIFIER = '''

def predict_proba(X):
    """Class probabilities (n, n_classes); for multilabel models one per label."""
    P = network_outputs(X)
    if KIND == "binary":
        return np.hstack([1.0 - P, P])
    return P


def predict(X):
    """Class labels (n,), or a 0/1 matrix for multilabel models."""
    P = predict_proba(X)
    if KIND == "multilabel-indicator":
        return (P > 0.5).astype(int)
    return CLASSES[np.argmax(P, axis=1)]
'''


def _arr(a, dtype="np.float64"):
    if a is None:
        return "None"
    return f"np.array({np.asarray(a).tolist()!r}, dtype={dtype})"


def python_source(d) -> str:
    """Source text of the module for a :class:`~bpnn.export.ModelDescription`."""
    from .. import __version__

    what = f"an ensemble of {len(d.members) + 1} BP networks" if d.members else "A BP network"
    what = what[0].upper() + what[1:]
    lines = [
        f'"""{what} exported by bpnn {__version__}: {d.kind}, layer sizes {d.sizes}.',
        "",
        "Needs only NumPy. Call predict(X) with X of shape (n, N_FEATURES).",
        '"""',
        "import numpy as np",
        "",
        f"KIND = {d.kind!r}",
        f"N_FEATURES = {d.n_features}",
        f"FEATURE_NAMES = {d.feature_names!r}",
        f"KEEP = {_arr(d.keep, 'np.intp')}",
        f"SCALE = {_arr(d.scale)}",
        f"OFFSET = {_arr(d.offset)}",
        f"PCA_MEAN = {_arr(d.pca_mean)}",
        f"PCA_COMPONENTS = {_arr(d.pca_components)}",
        "LAYERS = [",
    ]
    for W, b, name, A, B in d.layers:
        lines.append(f"    ({_arr(W)}, {_arr(b)}, {name!r}, {A!r}, {B!r}),")
    lines += ["]", "MEMBERS = [   # an ensemble's other networks, averaged with LAYERS"]
    for layers in d.members:
        lines.append("    [")
        for W, b, name, A, B in layers:
            lines.append(f"        ({_arr(W)}, {_arr(b)}, {name!r}, {A!r}, {B!r}),")
        lines.append("    ],")
    lines.append("]")
    if d.dtype == "float32":  # the network computes in float32, as the fitted model does
        lines += [
            "LAYERS = [(W.astype(np.float32), b.astype(np.float32), n, A, B)",
            "          for W, b, n, A, B in LAYERS]",
            "MEMBERS = [[(W.astype(np.float32), b.astype(np.float32), n, A, B)",
            "            for W, b, n, A, B in layers] for layers in MEMBERS]",
        ]
    if d.kind == "regression":
        lines += [
            f"TARGET_SCALE = {_arr(d.target_scale)}",
            f"TARGET_OFFSET = {_arr(d.target_offset)}",
            f"Y_1D = {d.y_1d!r}",
        ]
    else:
        c = d.classes
        lines.append(
            f"CLASSES = np.array({c.tolist()!r}"
            + (", dtype=object)" if c.dtype.kind == "O" else ")")
        )
    body = _REGRESSION if d.kind == "regression" else _CLASSIFIER
    return "\n".join(lines) + "\n\n" + _RUNTIME + body
