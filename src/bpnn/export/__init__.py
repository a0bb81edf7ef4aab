"""Exports of a fitted estimator, each with its preprocessing and inverse mapping built in.

* :func:`export_python` — a standalone module that needs only NumPy (MATLAB's genFunction);
* :func:`export_c` — C99 source and header, in double or (float32 models) single precision;
* :func:`export_onnx` — an ONNX graph (needs the ``onnx`` package; ``bpnn[onnx]``);
* "fann" — a FANN 2.1 ``.net`` file (:func:`bpnn.interop.fann.write_fann`), with the maps
  folded into the weights.

All three read the same flat description, :func:`describe`, so they compute the same maps::

    x -> x[keep] * scale + offset -> (x - pca_mean) @ pca_components.T     (inputs)
      -> layers: a = f_k(a @ W_k.T + b_k)                                    (network)
      -> (a - target_offset) / target_scale                                  (regression)
      -> probabilities, labels                                               (classification)

A model fitted on a table whose map (``model.table_map_``, :mod:`bpnn.tables.encoder`) is
not the identity (categorical, ordinal or boolean columns, missing-value indicators,
columns left out) takes the user's columns, which the map turns into ``x`` first: the
Python module applies its rules exactly, the ONNX graph takes one input per column (levels
as stored: ONNX cannot strip or normalise text), and the C export refuses it with one line
naming the first such column. See each module for the details.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

import numpy as np

if TYPE_CHECKING:
    import onnx

    from ..estimators import BPClassifier, BPRegressor

# What the exports read: a fitted estimator, or one returned by bpnn.load.
Exportable = Union["BPRegressor", "BPClassifier"]

__all__ = [
    "FORMATS",
    "ModelDescription",
    "describe",
    "export",
    "export_c",
    "export_onnx",
    "export_python",
]

FORMATS = ("python", "c", "onnx", "fann")


@dataclass
class ModelDescription:
    """Everything an export needs, as plain arrays (shapes in the comments)."""

    kind: str  # "regression", "binary", "multiclass", "multilabel-indicator"
    n_features: int
    keep: np.ndarray  # (k,) int indices of the columns the model uses
    scale: np.ndarray  # (k,)
    offset: np.ndarray  # (k,)
    pca_mean: np.ndarray | None  # (k,)
    pca_components: np.ndarray | None  # (p, k)
    layers: list = field(default_factory=list)  # [(W (n_out, n_in), b (n_out,), name, A, B)]
    # cascade-forward connections: layer k reads [inputs, a_1, ..., a_k] side by side, its W
    # (n_out, n_in + n_1 + ... + n_k) (see bpnn.network); False: each layer reads the last
    cascade: bool = False
    members: list = field(default_factory=list)  # an ensemble's other networks' layers
    target_scale: np.ndarray | None = None  # (n_targets,)
    target_offset: np.ndarray | None = None
    classes: np.ndarray | None = None
    y_1d: bool = False
    feature_names: list | None = None  # names of the n_features inputs
    dtype: str = "float64"  # the network's float type: "float64" or "float32"
    # The table map (bpnn.tables.encoder) when it is not the identity: one fitted code per
    # original column (its ``columns_``), which the exports apply before ``keep``; None else.
    table: list | None = None
    column_names: list | None = None  # the original columns' names (None: by position)
    n_columns: int = 0  # how many original columns a row has
    handle_unknown: str = "ignore"  # the table map's parameters
    missing: str = "indicator"
    # (n_features,) the values an all-numeric model fills missing inputs with, where a
    # column had missing values at fit time (missing="mean"/"median"); None else
    fill: np.ndarray | None = None

    @property
    def sizes(self) -> list:
        """Layer widths, input first: ``[n_in, n_1, ..., n_out]``."""
        return [self.layers[0][0].shape[1]] + [W.shape[0] for W, *_ in self.layers]

    @property
    def n_outputs(self) -> int:
        """Width of ``predict`` (regression) or ``predict_proba`` (classification)."""
        if self.kind == "binary":
            return 2
        return self.layers[-1][0].shape[0]


def _layer(W, b, act):
    spec = act.spec()
    name = spec["name"]
    if name not in ("logsig", "gsigmoid", "tansig", "purelin", "poslin", "softmax"):
        raise ValueError(f"cannot export activation {name!r}")
    A, B = (
        (spec.get("A", 1.0), spec.get("B", 1.0)) if name in ("logsig", "gsigmoid") else (1.0, 1.0)
    )
    return (
        np.array(W, dtype=np.float64),
        np.array(b, dtype=np.float64),
        "logsig" if name == "gsigmoid" else name,
        float(A),
        float(B),
    )


def describe(model: Exportable) -> ModelDescription:
    """The flat description of a fitted BPRegressor or BPClassifier.

    Parameters
    ----------
    model : BPRegressor or BPClassifier
        A fitted estimator (or one loaded with :func:`bpnn.load`); a single network or an
        ensemble.

    Returns
    -------
    ModelDescription
        The input map, the layers and the output map as plain float64 arrays.
    """
    from sklearn.utils.validation import check_is_fitted

    if type(model).__name__ == "BPForecaster":
        raise ValueError(
            "cannot export a BPForecaster: the exports compute one static map from a row of "
            "inputs, but a forecaster reads lagged values of its series (delays "
            f"{getattr(model, 'feedback_delays_', model.feedback_delays)!r} of y) and feeds "
            "its outputs back; forecast with bpnn.load(...).predict(steps) instead"
        )
    check_is_fitted(model, "network_")
    im, net = model.input_map_, model.network_
    others = list(getattr(model, "networks_", None) or [net])[1:]
    if any(m.connections != net.connections for m in others):  # (one estimator builds all)
        raise ValueError("cannot export an ensemble whose networks connect differently")
    names = getattr(model, "feature_names_in_", None)
    columns = None if names is None else [str(n) for n in names]
    table = getattr(model, "table_map_", None)  # None: a model from an older file
    n_columns = int(model.n_features_in_)
    n_features, fill = n_columns, None
    if table is not None:
        n_features = int(table.n_outputs)
        if not table.passthrough_:
            names = list(table.output_names_)  # the network's inputs: col, col=level, ...
        elif any(c.get("had_missing") for c in table.columns_):
            fill = np.array([float(c["fill"]) for c in table.columns_])
    d = ModelDescription(
        kind=getattr(model, "target_type_", "regression"),
        n_features=n_features,
        keep=np.flatnonzero(im.keep_),
        scale=im.folded()[0],
        offset=im.folded()[1],
        pca_mean=im.pca_mean_,
        pca_components=im.pca_components_,
        layers=[_layer(W, b, a) for W, b, a in zip(net.weights, net.biases, net.activations)],
        feature_names=None if names is None else [str(n) for n in names],
        dtype=np.dtype(net.dtype).name,
        members=[
            [_layer(W, b, a) for W, b, a in zip(m.weights, m.biases, m.activations)] for m in others
        ],
        column_names=columns,
        n_columns=n_columns,
        fill=fill,
        cascade=net.connections == "cascade",
    )
    if table is not None and not table.passthrough_:
        d.table = [copy.deepcopy(c) for c in table.columns_]
        d.handle_unknown, d.missing = str(table.handle_unknown), str(table.missing)
    if d.kind == "regression":
        d.target_scale, d.target_offset = model.target_map_.folded()
        d.y_1d = bool(model._y_1d)
    else:
        d.classes = np.asarray(model.classes_)
        if d.kind == "binary" and net.n_outputs == 2:
            d.kind = "multiclass"  # a softmax over two units: the multiclass maps apply
    return d


def export_python(model: Exportable, path: str | os.PathLike[str] | None = None) -> str:
    """Standalone NumPy-only Python source; written atomically to ``path`` if given.

    Parameters
    ----------
    model : BPRegressor or BPClassifier
        A fitted estimator; ensembles are exported with every member.
    path : str or path-like, optional
        Where to write the module; nothing is written when None.

    Returns
    -------
    str
        The module's source. It defines ``predict`` (and ``predict_proba`` for classifiers);
        for a model with a table map that is not the identity, ``encode``, and ``predict``
        takes rows of the original columns (see :mod:`bpnn.export.python`).
    """
    from .python import python_source

    return _maybe_write(python_source(describe(model)), path)


def export_c(
    model: Exportable,
    path: str | os.PathLike[str] | None = None,
    prefix: str = "bpnn",
    float_type: str | None = None,
) -> tuple[str, str]:
    """C source and header ``(c, h)``; with ``path`` ("model.c") writes model.c and model.h.

    Parameters
    ----------
    model : BPRegressor or BPClassifier
        A fitted estimator: one network, or an ensemble (every member is written out and
        their network outputs averaged, as ``predict`` does). A model whose table map
        encodes text levels or missing-value indicators is refused with a ValueError (see
        :mod:`bpnn.export.c`).
    path : str or path-like, optional
        The ``.c`` file to write; the header goes beside it with the suffix ``.h``.
    prefix : str, default "bpnn"
        Functions are named ``<prefix>_predict`` etc. (see the generated header).
    float_type : {"double", "float"}, optional
        The C type of the inputs, the outputs and every computation (the header's
        ``<prefix>_real``). None (default) follows the model: "float" for a float32
        network, else "double".

    Returns
    -------
    tuple of str
        The C source and the header.
    """
    from .c import c_sources

    header_name = None if path is None else Path(path).with_suffix(".h").name
    d = describe(model)
    if float_type is None:
        float_type = "float" if d.dtype == "float32" else "double"
    c_src, h_src = c_sources(d, prefix, header_name or f"{prefix}.h", float_type)
    if path is not None:
        _maybe_write(c_src, Path(path).with_suffix(".c"))
        _maybe_write(h_src, Path(path).with_suffix(".h"))
    return c_src, h_src


def export_onnx(
    model: Exportable, path: str | os.PathLike[str] | None = None, float_type: str | None = None
) -> onnx.ModelProto:
    """An ``onnx.ModelProto`` (inputs "X"; outputs "y" or "probabilities" and "label").

    A model with a table map that is not the identity takes one input per column instead
    of "X" (see :mod:`bpnn.export.onnx`).

    Needs the ``onnx`` package (``pip install "bpnn[onnx]"``).

    Parameters
    ----------
    model : BPRegressor or BPClassifier
        A fitted estimator; ensembles average their members inside the graph.
    path : str or path-like, optional
        Where to write the serialised graph; nothing is written when None.
    float_type : {"double", "float"}, optional
        The type of the input and of all computations. None (default) follows the model:
        "float" for a float32 network, else "double".

    Returns
    -------
    onnx.ModelProto
        The graph, checked by ``onnx.checker``.
    """
    from .onnx import onnx_model

    d = describe(model)
    if float_type is None:
        float_type = "float" if d.dtype == "float32" else "double"
    proto = onnx_model(d, float_type)
    if path is not None:
        from .._atomic import atomic_write

        atomic_write(path, proto.SerializeToString())
    return proto


def export(model: Exportable, path: str | os.PathLike[str], format: str) -> list[Path]:
    """Write ``model`` to ``path`` as "python", "c" (also writes the .h), "onnx" or "fann".

    Parameters
    ----------
    model : BPRegressor or BPClassifier
        A fitted estimator.
    path : str or path-like
        The file to write (for "c", the ``.c`` file; the header goes beside it).
    format : {"python", "c", "onnx", "fann"}
        The export format.

    Returns
    -------
    list of Path
        The paths written.
    """
    path = Path(path)
    if format == "python":
        export_python(model, path)
        return [path]
    if format == "c":
        export_c(model, path)
        return [path.with_suffix(".c"), path.with_suffix(".h")]
    if format == "onnx":
        export_onnx(model, path)
        return [path]
    if format == "fann":
        from ..interop.fann import write_fann

        write_fann(model, path)
        return [path]
    raise ValueError(f"unknown export format {format!r}; choose one of {list(FORMATS)}")


def _maybe_write(text: str, path: str | os.PathLike[str] | None) -> str:
    if path is not None:
        from .._atomic import atomic_write

        atomic_write(path, text.encode("utf-8"))
    return text
