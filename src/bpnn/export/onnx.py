"""An ONNX graph for one fitted model, built with the ``onnx`` package (opset 17).

Input ``X`` (N, n_features) in double (or float) precision. Outputs: ``y`` for regression
(in the targets' units); ``probabilities`` and ``label`` for classifiers (``label`` is the
class label, or a 0/1 int64 matrix for multilabel models).

A model whose table map (:mod:`bpnn.tables.encoder`) is not the identity takes one input
per column instead of ``X``, named by the column (``x0``, ``x1``... for a model fitted on
an array), each of shape (N, 1): a numeric column in the graph's float type (NaN for a
missing value), a categorical or ordinal one as strings. The graph encodes them with the
``ai.onnx.ml`` (opset 2) ``LabelEncoder``, an ``Equal`` per level (one-hot; one 0/1 input
for a two-level column), and ``IsNaN`` + ``Where`` for the fills, then runs the network.
Columns that give no input (left out, or one level) are no inputs of the graph. ONNX has no
operator that strips or normalises text, so a string input must hold a level exactly as
stored (``model.table_map_.columns_[j]["levels"]``: stripped, NFC-normalised; numbers
as ``"1"``, booleans as ``"True"``/``"False"``), and only the empty string is missing; any
other text is an unknown level. The graph cannot raise: an unknown level goes to the
column's ``<other>`` input or all zeros, a missing value to its fill (or ``<missing>``
level, else all zeros), as ``predict`` does with ``handle_unknown="ignore"`` and without
its warnings. An all-numeric model keeps the input ``X``, and fills a NaN with its column's
fit-time value where the column had missing values at fit time.
"""

from __future__ import annotations

import numpy as np

__all__ = ["onnx_model"]

OPSET = 17
ML_OPSET = 2  # ai.onnx.ml: LabelEncoder with keys_strings / values_int64s
# what a table model's intermediate values are called: no column may start so
_TABLE_PREFIX = "bpnn::"


class _Graph:
    """Collects nodes and constant initialisers, naming every intermediate value."""

    def __init__(self, dtype, prefix=""):
        self.dtype, self.nodes, self.inits, self._n = dtype, [], [], 0
        self.prefix = prefix

    def const(self, value, dtype=None):
        from onnx import numpy_helper

        name = f"{self.prefix}c{len(self.inits)}"
        arr = np.asarray(value, dtype=dtype or self.dtype)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def op(self, op_type, *inputs, out=None, **attrs):
        from onnx import helper

        self._n += 1
        out = out or f"{self.prefix}t{self._n}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out

    def ml_op(self, op_type, x, **attrs):
        """A node of the ai.onnx.ml domain."""
        from onnx import helper

        self._n += 1
        out = f"{self.prefix}t{self._n}"
        self.nodes.append(helper.make_node(op_type, [x], [out], domain="ai.onnx.ml", **attrs))
        return out


def _activation(g, z, name, A, B):
    if name == "purelin":
        return z
    if name == "tansig":
        return g.op("Tanh", z)
    if name == "poslin":
        return g.op("Relu", z)
    if name == "softmax":
        return g.op("Softmax", z, axis=-1)
    t = z if B == 1.0 else g.op("Div", z, g.const(B))
    s = g.op("Sigmoid", t)
    return s if A == 1.0 else g.op("Mul", s, g.const(A))


def _table_inputs(g, d, elem, outputs):
    """(graph inputs, the network's raw inputs (N, n_features)): the table map in ONNX."""
    from onnx import TensorProto, helper

    inputs, blocks = [], []
    for j, c in enumerate(d.table):
        kind = c["kind"]
        name = str(c["name"]) if c["name"] is not None else f"x{j}"
        if kind == "ignored":
            continue
        n_levels = len(c.get("levels", ()))
        width = n_levels + bool(c.get("other")) + bool(c.get("missing_level"))
        if kind == "categorical" and width <= 1:
            continue  # one level: no input
        if name in outputs or name.startswith(_TABLE_PREFIX):
            raise ValueError(
                f"cannot export to ONNX: column {name!r} would be a graph input named as "
                + (
                    f"the output {name!r}"
                    if name in outputs
                    else f"the graph's own values ({_TABLE_PREFIX}...)"
                )
                + "; rename the column before training, or export as python"
            )
        if kind == "numeric":
            inputs.append(helper.make_tensor_value_info(name, elem, ["N", 1]))
            nan = g.op("IsNaN", name)
            blocks.append(g.op("Where", nan, g.const([c["fill"]]), name))
            if c["indicator"]:
                blocks.append(g.op("Cast", nan, to=elem))
            continue
        inputs.append(helper.make_tensor_value_info(name, TensorProto.STRING, ["N", 1]))
        levels = [str(v) for v in c["levels"]]
        if kind == "categorical":
            # "" is a missing value: the <missing> input, else none (as is an unknown level
            # without <other>)
            code = g.ml_op(
                "LabelEncoder",
                name,
                keys_strings=levels + [""],
                values_int64s=list(range(n_levels)) + [width - 1 if c["missing_level"] else -1],
                default_int64=n_levels if c["other"] else -1,
            )
            if width == 2 and n_levels == 2:  # two levels: one 0/1 input, for the second
                hot = g.op("Equal", code, g.const([1], np.int64))
            else:
                hot = g.op("Equal", code, g.const(np.arange(width), np.int64))
            blocks.append(g.op("Cast", hot, to=elem))
            continue
        # ordinal: the level's position; unknown (-1) and missing (-2) take the fill
        code = g.ml_op(
            "LabelEncoder",
            name,
            keys_strings=levels + [""],
            values_int64s=list(range(n_levels)) + [-2],
            default_int64=-1,
        )
        bad = g.op("Less", code, g.const([0], np.int64))
        blocks.append(g.op("Where", bad, g.const([c["fill"]]), g.op("Cast", code, to=elem)))
        if c["indicator"]:
            missing = g.op("Equal", code, g.const([-2], np.int64))
            blocks.append(g.op("Cast", missing, to=elem))
    if not blocks:
        raise ValueError("cannot export to ONNX: no column of the model gives an input")
    x = blocks[0] if len(blocks) == 1 else g.op("Concat", *blocks, axis=1)
    return inputs, x


def _body(g, d, x="X"):
    a = x
    if d.fill is not None:  # an all-numeric model's fills: a NaN input takes its column's
        a = g.op("Where", g.op("IsNaN", a), g.const(d.fill), a)
    if len(d.keep) != d.n_features:
        a = g.op("Gather", a, g.const(d.keep, np.int64), axis=1)
    a = g.op("Add", g.op("Mul", a, g.const(d.scale)), g.const(d.offset))
    if d.pca_components is not None:
        a = g.op("MatMul", g.op("Sub", a, g.const(d.pca_mean)), g.const(d.pca_components.T))
    outs = [_layers(g, a, layers, d.cascade) for layers in [d.layers, *d.members]]
    if len(outs) == 1:
        return outs[0]
    total = outs[0]  # an ensemble's average: Add and Div (onnxruntime has no double Mean)
    for o in outs[1:]:
        total = g.op("Add", total, o)
    return g.op("Div", total, g.const(float(len(outs))))


def _layers(g, a, layers, cascade=False):
    """The layers from the network's inputs ``a``; ``cascade``: each layer reads the inputs
    and every earlier layer's outputs, concatenated (its W has that many columns)."""
    s = a
    for k, (W, b, name, A, B) in enumerate(layers):
        z = g.op("Add", g.op("MatMul", s, g.const(W.T)), g.const(b))
        a = _activation(g, z, name, A, B)
        s = g.op("Concat", s, a, axis=1) if cascade and k < len(layers) - 1 else a
    return a


def _labels(g, d, P):
    if d.kind == "multilabel-indicator":
        return g.op("Cast", g.op("Greater", P, g.const(0.5)), to=7, out="label"), "int64"
    idx = g.op("ArgMax", P, axis=1, keepdims=0)
    c = d.classes
    if c.dtype.kind in "biu":
        arr, kind = c.astype(np.int64), "int64"
    elif c.dtype.kind == "f":
        arr, kind = c.astype(np.float64), "double"
    else:
        arr, kind = np.array([str(v) for v in c], dtype=object), "string"
    return g.op("Gather", g.const(arr, arr.dtype), idx, axis=0, out="label"), kind


def onnx_model(d, float_type="double"):
    """``onnx.ModelProto`` for a :class:`~bpnn.export.ModelDescription`."""
    try:
        import onnx
        from onnx import TensorProto, helper
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "export_onnx needs the onnx package: pip install 'bpnn[onnx]'", name="onnx"
        ) from None
    if float_type not in ("double", "float"):
        raise ValueError(f"float_type must be 'double' or 'float', got {float_type!r}")
    dtype = np.float64 if float_type == "double" else np.float32
    elem = TensorProto.DOUBLE if float_type == "double" else TensorProto.FLOAT
    table = d.table is not None
    g = _Graph(dtype, _TABLE_PREFIX if table else "")
    if table:
        names = ("y",) if d.kind == "regression" else ("probabilities", "label")
        inputs, x = _table_inputs(g, d, elem, names)
    else:
        inputs = [helper.make_tensor_value_info("X", elem, ["N", d.n_features])]
        x = "X"
    a = _body(g, d, x)
    outputs = []
    if d.kind == "regression":
        y = g.op("Div", g.op("Sub", a, g.const(d.target_offset)), g.const(d.target_scale), out="y")
        outputs.append(helper.make_tensor_value_info(y, elem, ["N", len(d.target_scale)]))
    else:
        if d.kind == "binary":
            a = g.op("Concat", g.op("Sub", g.const([1.0]), a), a, axis=1)
        P = g.op("Identity", a, out="probabilities")
        label, kind = _labels(g, d, P)
        types = {
            "int64": TensorProto.INT64,
            "double": TensorProto.DOUBLE,
            "string": TensorProto.STRING,
        }
        shape = ["N", d.n_outputs] if d.kind == "multilabel-indicator" else ["N"]
        outputs += [
            helper.make_tensor_value_info(P, elem, ["N", d.n_outputs]),
            helper.make_tensor_value_info(label, types[kind], shape),
        ]
    graph = helper.make_graph(
        g.nodes,
        "bpnn",
        inputs,
        outputs,
        g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET)]
    if table:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ML_OPSET))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="bpnn")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
