"""A standalone NumPy-only Python module reproducing ``predict`` (MATLAB's genFunction).

Numbers are written with ``repr``, which round-trips every float64 exactly.

A model whose table map (:mod:`bpnn.tables.encoder`) is not the identity carries it: the
module's ``encode`` applies the map's rules to rows of the user's columns (a pandas
DataFrame, a dict per row, or rows of values in column order) before the scaling, with the
standard library's ``unicodedata`` for the levels' NFC spelling. An all-numeric model
keeps the code it always had (rows of numbers), and fills a NaN with its column's
fit-time value where the column had missing values at fit time.
"""

from __future__ import annotations

import numpy as np

__all__ = ["python_source"]

_ACTIVATE = """
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
"""

_TRANSFORM = '''

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
'''

# the line an all-numeric model with fit-time fills adds after the shape check
_FILL_LINE = "    X = np.where(np.isnan(X), FILL, X)  # a missing value: its column's fill\n"

_TABLE = '''

def _is_missing(v):
    """None, NaN, blank text (and pandas' NA and NaT when pandas is loaded)."""
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, (float, np.floating)):
        return math.isnan(v)
    pd = sys.modules.get("pandas")
    if pd is not None and np.ndim(v) == 0:
        try:
            return bool(pd.isna(v))
        except (TypeError, ValueError):
            return False
    return False


def _level_key(v):
    """A level's stored spelling: text stripped and NFC-normalised, numbers as numbers
    (1, 1.0 and "1" are one level), booleans as True/False."""
    if isinstance(v, (bool, np.bool_)):
        return "True" if v else "False"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)
    if isinstance(v, str):
        t = unicodedata.normalize("NFC", v.strip())
        try:
            f = float(t)
        except ValueError:
            return t
        return str(int(f)) if math.isfinite(f) and f.is_integer() and abs(f) < 2**53 else t
    return unicodedata.normalize("NFC", str(v).strip())


def _check_cell(v, label, i):
    if not isinstance(v, (str, bool, int, float, np.generic)) and not _is_missing(v):
        raise TypeError(
            f"{label} holds {v!r:.60} (a {type(v).__name__}) in row {i}: "
            "argument must be a string, a boolean or a number"
        )


def _number(v, label, i):
    """One cell of a numeric column as a float (NaN where missing)."""
    if _is_missing(v):
        return math.nan
    _check_cell(v, label, i)
    if isinstance(v, str):
        t = v.strip()
        try:
            f = float(t)
        except ValueError:
            if t.lower() in MISSING_MARKERS:
                return math.nan
            raise ValueError(f"{label} is numeric but holds {t!r} in row {i}") from None
    else:
        f = float(v)
    if math.isinf(f):
        raise ValueError(f"{label} holds an infinite value in row {i}")
    return f


def _keys(cells, label):
    na = np.array([_is_missing(v) for v in cells], dtype=bool)
    for i, v in enumerate(cells):
        _check_cell(v, label, i)
    return ["" if m else _level_key(v) for v, m in zip(cells, na)], na


def _missing_at_predict(label, na, what):
    """A missing value in a column that had none at fit time."""
    i = int(np.flatnonzero(na)[0])
    if MISSING in ("error", "drop"):
        raise ValueError(
            f"{label} has {int(na.sum())} missing value(s), the first in row {i}: "
            f"the model was fitted with missing={MISSING!r}"
        )
    warnings.warn(
        f"{label} has {int(na.sum())} missing value(s), none at fit time: {what}",
        stacklevel=4,
    )


def _numeric(c, cells, label):
    x = np.array([_number(v, label, i) for i, v in enumerate(cells)], dtype=np.float64)
    na = np.isnan(x)
    if na.any():
        if not c.get("had_missing", c["indicator"]):
            _missing_at_predict(label, na, f"filled with its fit-time value {c['fill']:.6g}")
        x = np.where(na, c["fill"], x)
    return np.column_stack([x, na.astype(np.float64)]) if c["indicator"] else x[:, None]


def _categorical(c, cells, label):
    keys, na = _keys(cells, label)
    levels = c["levels"]
    width = len(levels) + bool(c["other"]) + bool(c["missing_level"])
    index = {k: i for i, k in enumerate(levels)}
    codes = np.array([index.get(k, -1) for k in keys], dtype=np.int64)
    unknown = (codes < 0) & ~na
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        if HANDLE_UNKNOWN == "error":
            raise ValueError(
                f"{label} holds {keys[i]!r} in row {i}, a level not seen at fit time "
                "(handle_unknown='error')"
            )
        to = "its <other> input" if c["other"] else "all-zero inputs"
        warnings.warn(
            f"{label} holds {keys[i]!r} in row {i}, a level not seen at fit time "
            f"({int(unknown.sum())} row(s) in all): encoded as {to}",
            stacklevel=3,
        )
        if c["other"]:
            codes[unknown] = len(levels)
    if na.any():
        if c["missing_level"]:
            codes[na] = width - 1
        elif HANDLE_UNKNOWN == "error" and MISSING not in ("error", "drop"):
            raise ValueError(
                f"{label} has a missing value in row {int(np.flatnonzero(na)[0])} and had "
                "none at fit time (handle_unknown='error')"
            )
        else:
            _missing_at_predict(label, na, "encoded as all-zero inputs")
    onehot = np.zeros((len(keys), width))
    rows = np.flatnonzero(codes >= 0)
    onehot[rows, codes[rows]] = 1.0
    if width == 2 and len(levels) == 2:  # two levels: one 0/1 input, for the second
        return onehot[:, 1:2]
    return onehot if width > 1 else onehot[:, :0]


def _ordinal(c, cells, label):
    keys, na = _keys(cells, label)
    index = {k: i for i, k in enumerate(c["levels"])}
    x = np.array([np.nan if m else index.get(k, np.nan) for k, m in zip(keys, na)])
    unknown = np.isnan(x) & ~na
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        if HANDLE_UNKNOWN == "error":
            raise ValueError(f"{label} holds {keys[i]!r} in row {i}, not one of its ordered levels")
        warnings.warn(
            f"{label} holds {keys[i]!r} in row {i}, not one of its ordered levels: "
            f"filled with {c['fill']:.6g}",
            stacklevel=3,
        )
    if na.any() and not c.get("had_missing", c["indicator"]):
        _missing_at_predict(label, na, f"filled with its fit-time value {c['fill']:.6g}")
    filled = np.where(np.isnan(x), c["fill"], x)
    if c["indicator"]:
        return np.column_stack([filled, na.astype(np.float64)])
    return filled[:, None]


def _columns(X):
    """The model's columns of X, each a list of cells, in the model's order."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # a pandas DataFrame
        names = [str(c) for c in X.columns]
        if COLUMNS is None:
            at = list(range(len(names)))
        else:
            index = {name: j for j, name in enumerate(names)}
            absent = [name for name in COLUMNS if name not in index]
            if absent:
                raise ValueError(f"the data lack the model's input column(s) {absent!r:.200}")
            at = [index[name] for name in COLUMNS]
        if len(at) != N_COLUMNS:
            raise ValueError(f"X has {len(at)} columns, the model expects {N_COLUMNS}")
        return [X.iloc[:, j].tolist() for j in at]
    if isinstance(X, dict):
        X = [X]
    rows = X if isinstance(X, np.ndarray) else list(X)
    if len(rows) and all(isinstance(r, dict) for r in rows):
        if COLUMNS is None:
            raise ValueError("the model's columns have no names: give rows in column order")
        rows = [{str(k): v for k, v in r.items()} for r in rows]
        for i, r in enumerate(rows):
            absent = [name for name in COLUMNS if name not in r]
            if absent:
                raise ValueError(f"row {i} lacks the model's input column(s) {absent!r:.200}")
        return [[r[name] for r in rows] for name in COLUMNS]
    A = np.empty((0, 0), dtype=object) if not len(rows) else np.asarray(rows, dtype=object)
    if A.ndim == 1:
        A = A[None, :]
    if A.ndim != 2 or (A.size and A.shape[1] != N_COLUMNS):
        raise ValueError(f"X must be rows of {N_COLUMNS} values, got shape {A.shape}")
    return [A[:, j].tolist() for j in range(A.shape[1])] if A.size else []


def encode(X):
    """The user's rows -> the network's raw inputs (n, N_FEATURES), by the table map.

    X: a pandas DataFrame with the columns COLUMNS (by name), a dict per row (one dict
    for one row), or rows of values in column order (a list of lists, a 2-D array).
    """
    cols = _columns(X)
    n = len(cols[0]) if cols else 0
    if n == 0:
        raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required")
    out = np.empty((n, N_FEATURES))
    k = 0
    for j, (c, cells) in enumerate(zip(TABLE, cols)):
        if c["kind"] == "ignored":
            continue
        label = f"column {c['name']!r}" if c["name"] is not None else f"column {j}"
        block = {"numeric": _numeric, "categorical": _categorical, "ordinal": _ordinal}[
            c["kind"]
        ](c, cells, label)
        out[:, k : k + block.shape[1]] = block
        k += block.shape[1]
    return out


def transform(X):
    """The user's rows -> network inputs (the table map, then the stored scaling)."""
    S = encode(X)[:, KEEP] * SCALE + OFFSET
    if PCA_COMPONENTS is not None:
        S = (S - PCA_MEAN) @ PCA_COMPONENTS.T
    return S
'''

_NETWORK = '''

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

# cascade-forward connections: each layer reads the inputs and every earlier layer's
# outputs side by side (its W has that many columns)
_CASCADE_NETWORK = _NETWORK.replace(
    """    a = Z
    for W, b, name, A, B in layers:
        a = _activate(name, a @ W.T + b, A, B)
    return a""",
    """    s = Z  # [inputs, a_1, ..., a_k]: what layer k + 1 reads (cascade-forward)
    for W, b, name, A, B in layers:
        a = _activate(name, s @ W.T + b, A, B)
        s = np.concatenate([s, a], axis=1)
    return a""",
)
assert _CASCADE_NETWORK != _NETWORK

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
    table = d.table is not None
    call = (
        [
            "Needs only NumPy. Call predict(X) with X the rows of the columns COLUMNS: a pandas",
            "DataFrame, a dict per row, or rows of values in column order. Text levels are",
            "compared stripped and NFC-normalised; unknown levels and missing values (None,",
            "NaN, blank text) are encoded as the fitted model does.",
        ]
        if table
        else ["Needs only NumPy. Call predict(X) with X of shape (n, N_FEATURES)."]
    )
    imports = (
        ["import math", "import sys", "import unicodedata", "import warnings", ""] if table else []
    )
    conn = ", cascade-forward connections" if d.cascade else ""
    lines = [
        f'"""{what} exported by bpnn {__version__}: {d.kind}, layer sizes {d.sizes}{conn}.',
        "",
        *call,
        '"""',
        *imports,
        "import numpy as np",
        "",
        f"KIND = {d.kind!r}",
        f"N_FEATURES = {d.n_features}",
        f"FEATURE_NAMES = {d.feature_names!r}",
    ]
    if table:
        from ..tables.encoder import MISSING_MARKERS

        lines += [
            f"COLUMNS = {d.column_names!r}  # the columns a row holds, in order",
            f"N_COLUMNS = {d.n_columns}",
            f"HANDLE_UNKNOWN = {d.handle_unknown!r}",
            f"MISSING = {d.missing!r}",
            f"MISSING_MARKERS = frozenset({sorted(MISSING_MARKERS)!r})",
            "TABLE = [   # the table map: one fitted code per column",
            *[f"    {c!r}," for c in d.table],
            "]",
        ]
    if d.fill is not None:
        lines.append(f"FILL = {_arr(d.fill)}")
    lines += [
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
    if table:
        transform = _TABLE
    elif d.fill is not None:
        check = 'got {X.shape}")\n'
        transform = _TRANSFORM.replace(check, check + _FILL_LINE, 1)
    else:
        transform = _TRANSFORM
    network = _CASCADE_NETWORK if d.cascade else _NETWORK
    return "\n".join(lines) + "\n\n" + _ACTIVATE + transform + network + body
