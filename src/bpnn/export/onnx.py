"""An ONNX graph for one fitted model, built with the ``onnx`` package (opset 17).

Input ``X`` (N, n_features) in double (or float) precision. Outputs: ``y`` for regression
(in the targets' units); ``probabilities`` and ``label`` for classifiers (``label`` is the
class label, or a 0/1 int64 matrix for multilabel models).
"""

from __future__ import annotations

import numpy as np

__all__ = ["onnx_model"]

OPSET = 17


class _Graph:
    """Collects nodes and constant initialisers, naming every intermediate value."""

    def __init__(self, dtype):
        self.dtype, self.nodes, self.inits, self._n = dtype, [], [], 0

    def const(self, value, dtype=None):
        from onnx import numpy_helper

        name = f"c{len(self.inits)}"
        arr = np.asarray(value, dtype=dtype or self.dtype)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def op(self, op_type, *inputs, out=None, **attrs):
        from onnx import helper

        self._n += 1
        out = out or f"t{self._n}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
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


def _body(g, d):
    a = "X"
    if len(d.keep) != d.n_features:
        a = g.op("Gather", a, g.const(d.keep, np.int64), axis=1)
    a = g.op("Add", g.op("Mul", a, g.const(d.scale)), g.const(d.offset))
    if d.pca_components is not None:
        a = g.op("MatMul", g.op("Sub", a, g.const(d.pca_mean)), g.const(d.pca_components.T))
    outs = [_layers(g, a, layers) for layers in [d.layers, *d.members]]
    if len(outs) == 1:
        return outs[0]
    total = outs[0]  # an ensemble's average: Add and Div (onnxruntime has no double Mean)
    for o in outs[1:]:
        total = g.op("Add", total, o)
    return g.op("Div", total, g.const(float(len(outs))))


def _layers(g, a, layers):
    for W, b, name, A, B in layers:
        z = g.op("Add", g.op("MatMul", a, g.const(W.T)), g.const(b))
        a = _activation(g, z, name, A, B)
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
        raise ImportError("export_onnx needs the onnx package: pip install 'bpnn[onnx]'") from None
    if float_type not in ("double", "float"):
        raise ValueError(f"float_type must be 'double' or 'float', got {float_type!r}")
    dtype = np.float64 if float_type == "double" else np.float32
    elem = TensorProto.DOUBLE if float_type == "double" else TensorProto.FLOAT
    g = _Graph(dtype)
    a = _body(g, d)
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
        [helper.make_tensor_value_info("X", elem, ["N", d.n_features])],
        outputs,
        g.inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="bpnn"
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
