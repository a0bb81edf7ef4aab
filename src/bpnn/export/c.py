"""C99 source and header for one fitted model, computing in double or single precision.

The generated code has no dependencies beyond ``<math.h>``; it processes one sample per
call, keeping two work buffers of the widest layer on the stack. It is written for
``double`` and, for ``float_type="float"``, rewritten for ``float``: the type, the math
functions (``expf``...) and the literals of the code (``1.0f``); the constant arrays keep
their shortest round-trip text, which a float32 model's weights convert from exactly.

A row is an array of numbers, one per column. A model whose table map is not the identity
(categorical or ordinal columns, missing-value indicators, columns left out: see
:mod:`bpnn.tables.encoder`) is refused with one line naming the first such column
(:func:`check_numeric`): export it as Python or ONNX, which encode the columns, or encode
the column as numbers before training. An all-numeric model whose columns had missing
values at fit time (``missing="mean"`` or ``"median"``) fills a NaN input with the
column's fit-time value, as ``predict`` does.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["c_sources", "check_numeric"]


def _num(v) -> str:
    return repr(float(v))  # shortest text that round-trips the double exactly


def _array(name, a, ctype="double") -> str:
    a = np.asarray(a).ravel()
    fmt = _num if ctype == "double" else (lambda v: str(int(v)))
    body = ", ".join(fmt(v) for v in a) if a.size else "0"
    return f"static const {ctype} {name}[{max(a.size, 1)}] = {{{body}}};"


_ACT = {
    "purelin": "",
    "tansig": "    for (int i = 0; i < n; ++i) z[i] = tanh(z[i]);\n",
    "poslin": "    for (int i = 0; i < n; ++i) z[i] = z[i] > 0.0 ? z[i] : 0.0;\n",
    "softmax": (
        "    double m = z[0], s = 0.0;\n"
        "    for (int i = 1; i < n; ++i) m = z[i] > m ? z[i] : m;\n"
        "    for (int i = 0; i < n; ++i) { z[i] = exp(z[i] - m); s += z[i]; }\n"
        "    for (int i = 0; i < n; ++i) z[i] /= s;\n"
    ),
    # A / (1 + exp(-t)), t = z / B, written so that exp never overflows
    "logsig": (
        "    for (int i = 0; i < n; ++i) {\n"
        "        double t = z[i] / B, e = exp(-fabs(t));\n"
        "        z[i] = t >= 0.0 ? A / (1.0 + e) : A * e / (1.0 + e);\n    }\n"
    ),
}


def _layer_code(p, k, W, b, name, A, B):
    n_out, n_in = W.shape
    return (
        f"{_array(f'W{k}', W)}\n{_array(f'B{k}', b)}\n"
        f"static void {p}_layer{k}(const double *x, double *z)\n{{\n"
        f"    const int n = {n_out};\n    const double A = {_num(A)}, B = {_num(B)};\n"
        f"    (void)A; (void)B;\n"
        f"    for (int i = 0; i < n; ++i) {{\n        double s = B{k}[i];\n"
        f"        for (int j = 0; j < {n_in}; ++j) s += W{k}[i * {n_in} + j] * x[j];\n"
        f"        z[i] = s;\n    }}\n{_ACT[name]}}}\n"
    )


def _preprocess_code(p, d):
    k = len(d.keep)
    out = [_array("KEEP", d.keep, "int"), _array("SCALE", d.scale), _array("OFFSET", d.offset)]
    code = (
        f"static void {p}_transform(const double *x, double *s)\n{{\n"
        f"    double t[{max(k, 1)}];\n"
        f"    for (int i = 0; i < {k}; ++i) t[i] = x[KEEP[i]] * SCALE[i] + OFFSET[i];\n"
    )
    if d.fill is not None:  # a NaN input takes the fit-time fill of its column
        out.append(_array("FILL", d.fill[d.keep]))
        code = (
            f"static void {p}_transform(const double *x, double *s)\n{{\n"
            f"    double t[{max(k, 1)}];\n"
            f"    for (int i = 0; i < {k}; ++i) {{\n"
            f"        double v = x[KEEP[i]];\n"
            f"        if (isnan(v)) v = FILL[i];\n"
            f"        t[i] = v * SCALE[i] + OFFSET[i];\n    }}\n"
        )
    if d.pca_components is None:
        code += f"    for (int i = 0; i < {k}; ++i) s[i] = t[i];\n}}\n"
    else:
        n_c = d.pca_components.shape[0]
        out += [_array("PCA_MEAN", d.pca_mean), _array("PCA_COMPONENTS", d.pca_components)]
        code += (
            f"    for (int i = 0; i < {k}; ++i) t[i] -= PCA_MEAN[i];\n"
            f"    for (int c = 0; c < {n_c}; ++c) {{\n        double v = 0.0;\n"
            f"        for (int i = 0; i < {k}; ++i) v += PCA_COMPONENTS[c * {k} + i] * t[i];\n"
            f"        s[c] = v;\n    }}\n}}\n"
        )
    return "\n".join(out) + "\n" + code


def _outputs_code(p, d, width, layers=None, fname=None, tag=""):
    """The function ``fname`` (default ``<p>_network_outputs``) running ``layers`` (default
    the first network's; their functions named ``<p>_layer<tag><k>``) on a raw input row."""
    layers = d.layers if layers is None else layers
    head = f"void {p}_network_outputs" if fname is None else f"static void {fname}"
    n_last = layers[-1][0].shape[0]
    if d.cascade:  # one buffer [inputs, a_1, a_2, ...]: layer k reads its first n_in values
        last = layers[-1][0].shape[1]
        code = (
            f"{head}(const double *x, double *y)\n{{\n"
            f"    double s[{last + n_last}];\n    {p}_transform(x, s);\n"
        )
        for k, (W, *_) in enumerate(layers):
            code += f"    {p}_layer{tag}{k}(s, s + {W.shape[1]});\n"
        return code + f"    for (int i = 0; i < {n_last}; ++i) y[i] = s[{last} + i];\n}}\n"
    code = (
        f"{head}(const double *x, double *y)\n{{\n"
        f"    double a[{width}], b[{width}];\n    {p}_transform(x, a);\n"
    )
    for k in range(len(layers)):
        src, dst = ("a", "b") if k % 2 == 0 else ("b", "a")
        code += f"    {p}_layer{tag}{k}({src}, {dst});\n"
    last = "b" if len(layers) % 2 == 1 else "a"
    code += f"    for (int i = 0; i < {n_last}; ++i) y[i] = {last}[i];\n}}\n"
    return code


def _ensemble_code(p, d):
    """An ensemble: every member's layers and outputs function, and ``<p>_network_outputs``
    averaging the members' network outputs (probabilities for a classifier), as the fitted
    estimator's predict does."""
    nets = [d.layers, *d.members]
    parts = []
    for m, layers in enumerate(nets):
        tag = f"{m}_"
        width = max([layers[0][0].shape[1], *(W.shape[0] for W, *_ in layers)])
        parts += [_layer_code(p, f"{tag}{k}", *layer) for k, layer in enumerate(layers)]
        parts.append(_outputs_code(p, d, width, layers, f"{p}_member{m}_outputs", tag))
    n_last = d.layers[-1][0].shape[0]
    code = (
        f"void {p}_network_outputs(const double *x, double *y)\n{{\n"
        f"    double t[{n_last}];\n"
        f"    for (int i = 0; i < {n_last}; ++i) y[i] = 0.0;\n"
    )
    for m in range(len(nets)):
        code += (
            f"    {p}_member{m}_outputs(x, t);\n"
            f"    for (int i = 0; i < {n_last}; ++i) y[i] += t[i];\n"
        )
    code += f"    for (int i = 0; i < {n_last}; ++i) y[i] /= {len(nets)}.0;\n}}\n"
    return "\n".join(parts) + "\n" + code


def _predict_code(p, d):
    n_last = d.layers[-1][0].shape[0]
    if d.kind == "regression":
        return (
            _array("TARGET_SCALE", d.target_scale)
            + "\n"
            + _array("TARGET_OFFSET", d.target_offset)
            + "\n"
            + f"void {p}_predict(const double *x, double *y)\n{{\n"
            f"    {p}_network_outputs(x, y);\n"
            f"    for (int i = 0; i < {n_last}; ++i) "
            f"y[i] = (y[i] - TARGET_OFFSET[i]) / TARGET_SCALE[i];\n}}\n"
        )
    code = f"void {p}_predict_proba(const double *x, double *p)\n{{\n"
    if d.kind == "binary":
        code += f"    {p}_network_outputs(x, p + 1);\n    p[0] = 1.0 - p[1];\n}}\n"
    else:
        code += f"    {p}_network_outputs(x, p);\n}}\n"
    if d.kind == "multilabel-indicator":
        return code
    n = d.n_outputs
    return code + (
        f"int {p}_predict_class(const double *x)\n{{\n    double p[{n}];\n"
        f"    int best = 0;\n    {p}_predict_proba(x, p);\n"
        f"    for (int i = 1; i < {n}; ++i) if (p[i] > p[best]) best = i;\n"
        f"    return best;\n}}\n"
    )


def _c_string(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _header(p, d, guard):
    n_out = d.n_outputs
    lines = [
        f"/* A BP network exported by bpnn: {d.kind}. Inputs are raw features; the",
        "   preprocessing and the inverse mapping are built in. One sample per call."
        + (
            "\n   A NaN input takes its column's fit-time fill. */" if d.fill is not None else " */"
        ),
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        f"#define {p.upper()}_N_FEATURES {d.n_features}",
        f"#define {p.upper()}_N_OUTPUTS {n_out}",
        "",
        "/* the type of the inputs, the outputs and every computation */",
        f"typedef double {p}_real;",
        "",
        "#ifdef __cplusplus",
        'extern "C" {',
        "#endif",
        "",
        f"/* raw network outputs: x[{p.upper()}_N_FEATURES] -> y[last layer width] */",
        f"void {p}_network_outputs(const double *x, double *y);",
    ]
    if d.kind == "regression":
        lines += [
            f"/* predictions in the targets' units: y[{p.upper()}_N_OUTPUTS] */",
            f"void {p}_predict(const double *x, double *y);",
        ]
    else:
        lines += [
            f"/* class probabilities p[{p.upper()}_N_OUTPUTS] */",
            f"void {p}_predict_proba(const double *x, double *p);",
        ]
        if d.kind != "multilabel-indicator":
            lines += [
                f"/* index into {p}_class_names of the predicted class */",
                f"int {p}_predict_class(const double *x);",
                f"extern const char *const {p}_class_names[{len(d.classes)}];",
            ]
    lines += ["", "#ifdef __cplusplus", "}", "#endif", f"#endif /* {guard} */", ""]
    return "\n".join(lines)


_FLOAT_CODE = [
    (re.compile(r"\bdouble\b"), "float"),
    (re.compile(r"\b(tanh|exp|fabs)\("), r"\1f("),
    (re.compile(r"(?<![\w.])(\d+\.\d+)(?![\w.])"), r"\1f"),
]


def _as_float(code: str) -> str:
    """The double code rewritten for float; array initialisers keep their text."""
    out = []
    for line in code.split("\n"):
        if line.startswith("static const double "):  # a constant array: type only
            out.append("static const float " + line[len("static const double ") :])
            continue
        if line.startswith("const char *const "):  # class names: strings as they are
            out.append(line)
            continue
        for pattern, repl in _FLOAT_CODE:
            line = pattern.sub(repl, line)
        out.append(line)
    return "\n".join(out)


def check_numeric(d) -> None:
    """A one-line ValueError naming the first column that the C export cannot take: it
    reads a row of numbers, so a table map that encodes text levels, adds missing-value
    indicators or leaves a column out (``d.table`` not None) is refused."""
    for j, c in enumerate(d.table or ()):
        label = f"column {c['name']!r}" if c.get("name") is not None else f"column {j}"
        if c["kind"] in ("categorical", "ordinal"):
            what = f"is {c['kind']} (text levels the C code cannot encode)"
            fix = "or encode the column as numbers yourself before training"
        elif c["kind"] == "ignored":
            what = "is left out of the inputs (the C code reads every column as a number)"
            fix = "or drop the column before training"
        elif c.get("indicator"):
            what = "had missing values and has a 0/1 missing-value indicator input"
            fix = "or fill its missing values yourself (or train with missing='mean')"
        else:
            continue
        raise ValueError(
            f"cannot export to C: {label} {what}; export the model as python or onnx, {fix}"
        )


def c_sources(d, prefix="bpnn", header_name="bpnn.h", float_type="double") -> tuple[str, str]:
    """``(source, header)`` for a :class:`~bpnn.export.ModelDescription`.

    ``float_type`` "double" or "float": the type of the inputs, the outputs and every
    computation.
    """
    if not prefix.isidentifier():
        raise ValueError(f"prefix must be a C identifier, got {prefix!r}")
    if float_type not in ("double", "float"):
        raise ValueError(f"float_type must be 'double' or 'float', got {float_type!r}")
    check_numeric(d)
    parts = [f'#include <math.h>\n#include "{header_name}"\n', _preprocess_code(prefix, d)]
    if d.members:  # an ensemble: every member, averaged
        parts.append(_ensemble_code(prefix, d))
    else:
        parts += [_layer_code(prefix, k, *layer) for k, layer in enumerate(d.layers)]
        parts.append(_outputs_code(prefix, d, max(d.sizes)))
    parts.append(_predict_code(prefix, d))
    if d.kind in ("binary", "multiclass"):
        names = ", ".join(_c_string(c) for c in d.classes.tolist())
        parts.append(f"const char *const {prefix}_class_names[{len(d.classes)}] = {{{names}}};\n")
    guard = f"{prefix.upper()}_MODEL_H"
    src, header = "\n".join(parts), _header(prefix, d, guard)
    if float_type == "float":
        src, header = _as_float(src), _as_float(header)
    return src, header
