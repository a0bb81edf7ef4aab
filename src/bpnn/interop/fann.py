"""FANN 2.x network files (``.net``): read into a fitted BPRegressor, write from bpnn.

The format, as FANN 2.1/2.2 writes it with ``fann_save`` (text, one ``key=value`` per line,
after a first line ``FANN_FLO_2.1``): training settings bpnn does not need
(``learning_rate``, ``training_algorithm``, the ``cascade_*``, ``rprop_*`` and
``quickprop_*`` parameters ...), then the structure:

* ``num_layers`` and ``layer_sizes`` -- every layer's neuron count *including a bias
  neuron*, the last neuron of the layer, whose value is always 1. In a layered network
  (``network_type=0``) every layer has one, the output layer's unused; in a shortcut
  network (``network_type=1``) only the input layer has one;
* ``connection_rate`` -- 1 for fully connected nets, below 1 for sparse ones;
* ``scale_included`` and, when 1, eight lines ``scale_mean_in``, ``scale_deviation_in``,
  ``scale_new_min_in``, ``scale_factor_in`` and the same four ``_out``: the maps of
  ``fann_scale_input`` / ``fann_descale_output``, in single precision, printed with six
  decimals;
* ``neurons (num_inputs, activation_function, activation_steepness)=`` one triple per
  neuron, every layer in turn (input and bias neurons have no inputs);
* ``connections (connected_to_neuron, weight)=`` one pair per connection: each neuron's
  incoming connections in turn, the source given by its index over all neurons.

A neuron with inputs ``x_i`` (weights ``w_i``, the bias neuron among them) computes, in
FANN's double-precision build, ``v = s * sum_i w_i x_i`` with its steepness ``s``, clips
``v`` to ``[-150 / s, 150 / s]`` and applies its activation to ``v``: FANN_LINEAR ``v``,
FANN_SIGMOID ``1 / (1 + exp(-2 v))``, FANN_SIGMOID_SYMMETRIC ``2 / (1 + exp(-2 v)) - 1``
(= ``tanh(v)``), and the others as :class:`bpnn.activations.FannActivation` computes them.
A fully connected neuron reads the previous layer (shortcut: every earlier neuron) by
position; a sparse one by the stored indices.

Importing (:func:`import_fann`) folds each neuron's steepness into its weights (bpnn's
``z = k s (W x + b)`` with ``k = 2`` for FANN_SIGMOID, so that ``logsig(z)`` is FANN's
value, else ``k = 1``), maps FANN_LINEAR, FANN_SIGMOID and FANN_SIGMOID_SYMMETRIC onto
purelin, logsig and tansig and every other FANN function onto ``FannActivation(name)``,
keeps the scale parameters as the model's input and target maps
(``x -> ((x - mean) / deviation + 1) * factor + new_min`` and its inverse for the
outputs; a deviation of 0 leaves the column as it is, as FANN does) and fills the
missing connections of a sparse network with zero weights. bpnn does not clip ``v``: a
linear neuron whose ``|v|`` passes ``150 / s`` gives FANN's clipped value there and
bpnn the unclipped one (sigmoid-type neurons are saturated to within ``e^-300`` long
before that). What a bpnn network cannot hold is refused with one line naming it and
the line of the file: FANN_GAUSSIAN_STEPWISE (declared by FANN, not implemented), a layer
whose neurons use different activation functions, and fixed-point files. Shortcut
networks (``network_type=1``) import as cascade-forward Networks.

Writing (:func:`write_fann`) folds the model's input map (scaling, dropped columns, PCA)
into the first layer and a regressor's target map into a linear output layer, so the
file has ``scale_included=0`` and FANN's ``fann_run`` on raw inputs gives the model's
predictions (a classifier's: its network outputs, the probabilities of a logistic
output). Steepness: 0.5 for logsig (FANN_SIGMOID), 1 for tansig (FANN_SIGMOID_SYMMETRIC)
and FANN's own functions, and for a linear output layer a power of two small enough that
FANN's clip lies beyond the outputs the target range allows (a power of two changes no
rounding). A cascade-forward network is written as a shortcut one (``network_type=1``).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..estimators import BPClassifier, BPRegressor
    from ..network import Network

__all__ = ["FANN_ACTIVATIONS", "import_fann", "read_fann", "write_fann", "export_fann"]

#: FANN's activation functions by their code (``enum fann_activationfunc_enum``)
FANN_ACTIVATIONS = (
    "LINEAR",
    "THRESHOLD",
    "THRESHOLD_SYMMETRIC",
    "SIGMOID",
    "SIGMOID_STEPWISE",
    "SIGMOID_SYMMETRIC",
    "SIGMOID_SYMMETRIC_STEPWISE",
    "GAUSSIAN",
    "GAUSSIAN_SYMMETRIC",
    "GAUSSIAN_STEPWISE",
    "ELLIOT",
    "ELLIOT_SYMMETRIC",
    "LINEAR_PIECE",
    "LINEAR_PIECE_SYMMETRIC",
    "SIN_SYMMETRIC",
    "COS_SYMMETRIC",
    "SIN",
    "COS",
)
LINEAR, SIGMOID, SIGMOID_SYMMETRIC = 0, 3, 5
GAUSSIAN_STEPWISE = 9  # declared by FANN, not implemented: its neurons output 0
#: FANN code -> (bpnn activation spec, k): bpnn's f(k v) equals FANN's value at v = s * sum;
#: the functions bpnn has no other name for are FannActivation(name) with k = 1
_TO_BPNN = {
    LINEAR: ({"name": "purelin"}, 1.0),
    SIGMOID: ({"name": "logsig"}, 2.0),
    SIGMOID_SYMMETRIC: ({"name": "tansig"}, 1.0),
    **{
        code: ({"name": "fann", "function": name}, 1.0)
        for code, name in enumerate(FANN_ACTIVATIONS)
        if code not in (LINEAR, SIGMOID, SIGMOID_SYMMETRIC, GAUSSIAN_STEPWISE)
    },
}
_VERSIONS = ("FANN_FLO_2.1", "FANN_FLO_2.0")
_NEURONS = "neurons (num_inputs, activation_function, activation_steepness)"
_CONNECTIONS = "connections (connected_to_neuron, weight)"
_SCALES = tuple(
    f"scale_{what}_{where}"
    for where in ("in", "out")
    for what in ("mean", "deviation", "new_min", "factor")
)
#: the training settings FANN writes, in its order, with the values of a new FANN network
_SETTINGS = (
    ("learning_rate", "0.700000"),
    ("connection_rate", "1.000000"),
    ("network_type", "0"),
    ("learning_momentum", "0.000000"),
    ("training_algorithm", "2"),
    ("train_error_function", "1"),
    ("train_stop_function", "0"),
    ("cascade_output_change_fraction", "0.010000"),
    ("quickprop_decay", "-0.000100"),
    ("quickprop_mu", "1.750000"),
    ("rprop_increase_factor", "1.200000"),
    ("rprop_decrease_factor", "0.500000"),
    ("rprop_delta_min", "0.000000"),
    ("rprop_delta_max", "50.000000"),
    ("rprop_delta_zero", "0.100000"),
    ("cascade_output_stagnation_epochs", "12"),
    ("cascade_candidate_change_fraction", "0.010000"),
    ("cascade_candidate_stagnation_epochs", "12"),
    ("cascade_max_out_epochs", "150"),
    ("cascade_min_out_epochs", "50"),
    ("cascade_max_cand_epochs", "150"),
    ("cascade_min_cand_epochs", "50"),
    ("cascade_num_candidate_groups", "2"),
    ("bit_fail_limit", "3.49999999999999977796e-01"),
    ("cascade_candidate_limit", "1.00000000000000000000e+03"),
    ("cascade_weight_multiplier", "4.00000000000000022204e-01"),
    ("cascade_activation_functions_count", "10"),
    ("cascade_activation_functions", "3 5 7 8 10 11 14 15 16 17 "),
    ("cascade_activation_steepnesses_count", "4"),
    (
        "cascade_activation_steepnesses",
        "2.50000000000000000000e-01 5.00000000000000000000e-01 "
        "7.50000000000000000000e-01 1.00000000000000000000e+00 ",
    ),
)
_KNOWN = frozenset(
    ["num_layers", "layer_sizes", "scale_included", _NEURONS, _CONNECTIONS, *_SCALES]
    + [k for k, _ in _SETTINGS]
)
#: FANN's training algorithms (``enum fann_train_enum``) -> bpnn's nearest
_ALGORITHMS = {0: "sgd", 1: "gd", 2: "rprop", 3: "quickprop"}
_CLIP = 150.0  # FANN clips s * sum to +-150 / s


class FannFileError(ValueError):
    """A FANN file bpnn cannot read, with the line that stopped it."""


def _fail(source, line, what):
    where = f"line {line}: " if line else ""
    return FannFileError(f"{source}: {where}{what}")


# -- reading the text ------------------------------------------------------------------------
@dataclass
class FannFile:
    """What a ``.net`` file holds, as parsed (no check of the structure yet).

    ``neurons``: (n_neurons, 3) rows (num_inputs, activation code, steepness);
    ``sources`` / ``weights``: (n_connections,) the connections in file order;
    ``scale``: the eight ``scale_*`` vectors (float32 values held as float64) or None;
    ``lines``: the line number of every key, for messages."""

    source: str
    version: str
    network_type: int
    connection_rate: float
    layer_sizes: list
    neurons: np.ndarray
    sources: np.ndarray
    weights: np.ndarray
    scale: dict | None
    training_algorithm: int | None
    lines: dict = field(default_factory=dict)


def _entries(text, source):
    """``{key: (value, line)}`` of the ``key=value`` lines after the first."""
    out: dict = {}
    for n, raw in enumerate(text.splitlines()[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep:
            raise _fail(source, n, f"expected key=value, got {line[:60]!r}")
        if key not in _KNOWN:
            raise _fail(source, n, f"unknown entry {key[:60]!r} (not one FANN 2.x writes)")
        if key in out:
            raise _fail(source, n, f"{key!r} given twice (first on line {out[key][1]})")
        out[key] = (value.strip(), n)
    return out


def _version(text, source):
    first = text.split("\n", 1)[0].strip()
    if first in _VERSIONS:
        return first
    if first.startswith("FANN_FIX"):
        raise _fail(
            source,
            1,
            f"{first} is a fixed-point network (saved by fann_save_to_fixed); bpnn reads "
            "floating-point files: save the network with fann_save",
        )
    if first.startswith("FANN_FLO"):
        raise _fail(source, 1, f"{first} is not a version bpnn reads ({', '.join(_VERSIONS)})")
    raise _fail(source, 1, f"not a FANN network file: it starts {first[:40]!r}, not FANN_FLO_2.1")


def _get(entries, key, source):
    if key not in entries:
        raise _fail(source, None, f"no {key.split(' ')[0]!r} line: not a complete FANN file")
    return entries[key]


def _integer(entries, key, source, low=0):
    value, line = _get(entries, key, source)
    if not re.fullmatch(r"[0-9]+", value) or int(value) < low:
        raise _fail(source, line, f"{key} must be an integer >= {low}, got {value[:40]!r}")
    return int(value)


def _float(text, what, source, line, single=False):
    try:
        v = float(text)
    except ValueError:
        raise _fail(source, line, f"{what} is not a number: {text[:40]!r}") from None
    if not math.isfinite(v):
        raise _fail(source, line, f"{what} must be finite, got {text[:40]!r}")
    return float(np.float32(v)) if single else v  # FANN reads "%f" into a C float


def _vector(entries, key, n, source):
    value, line = _get(entries, key, source)
    parts = value.split()
    if len(parts) != n:
        raise _fail(source, line, f"{key} holds {len(parts)} numbers, expected {n}")
    return np.array([_float(p, key, source, line, single=True) for p in parts])


_TRIPLE = re.compile(r"\(\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([^\s,()]+)\s*\)")
_PAIR = re.compile(r"\(\s*([0-9]+)\s*,\s*([^\s,()]+)\s*\)")


def _tuples(value, pattern, what, source, line):
    """The ``(a, b, ...)`` groups of a line, every character accounted for."""
    out: list[tuple[str | Any, ...]] = []
    pos = 0
    while True:
        while pos < len(value) and value[pos].isspace():
            pos += 1
        if pos == len(value):
            return out
        m = pattern.match(value, pos)
        if m is None:
            raise _fail(
                source,
                line,
                f"{what} {len(out)} (counting from 0) is malformed: {value[pos : pos + 40]!r}",
            )
        out.append(m.groups())
        pos = m.end()


def _neurons(entries, source):
    value, line = _get(entries, _NEURONS, source)
    rows = _tuples(value, _TRIPLE, "neuron", source, line)
    return np.array(
        [
            (int(a), int(b), _float(s, f"neuron {i} steepness", source, line))
            for i, (a, b, s) in enumerate(rows)
        ],
        dtype=np.float64,
    ).reshape(-1, 3)


def _connections(entries, source):
    value, line = _get(entries, _CONNECTIONS, source)
    pairs = _tuples(value, _PAIR, "connection", source, line)
    src = np.array([int(a) for a, _ in pairs], dtype=np.int64)
    w = np.array(
        [_float(b, f"connection {i} weight", source, line) for i, (_, b) in enumerate(pairs)]
    )
    return src, w


def read_fann(path: str | os.PathLike[str]) -> FannFile:
    """Parse a FANN ``.net`` file's text (nothing in it is evaluated).

    Returns
    -------
    FannFile
        The header values, the neurons and the connections, unchecked against each
        other (:func:`import_fann` checks them).
    """
    source = str(path)
    text = Path(path).read_text(encoding="latin-1")  # FANN writes ASCII; never fails to decode
    version = _version(text, source)
    e = _entries(text, source)
    n_layers = _integer(e, "num_layers", source, low=2)
    value, line = _get(e, "layer_sizes", source)
    if not re.fullmatch(r"[0-9]+(\s+[0-9]+)*", value):
        raise _fail(source, line, f"layer_sizes must be integers, got {value[:60]!r}")
    sizes = [int(s) for s in value.split()]
    if len(sizes) != n_layers:
        raise _fail(source, line, f"layer_sizes lists {len(sizes)} layers, num_layers={n_layers}")
    network_type = _integer(e, "network_type", source)
    if network_type not in (0, 1):
        raise _fail(
            source, e["network_type"][1], f"network_type must be 0 or 1, got {network_type}"
        )
    rate_text, rate_line = _get(e, "connection_rate", source)
    rate = _float(rate_text, "connection_rate", source, rate_line, single=True)
    if not 0 < rate <= 1:
        raise _fail(source, rate_line, f"connection_rate must be in (0, 1], got {rate_text!r}")
    scale = None
    if "scale_included" in e and _integer(e, "scale_included", source) == 1:
        n_in = sizes[0] - 1
        n_out = sizes[-1] - (1 if network_type == 0 else 0)
        scale = {k: _vector(e, k, n_in if k.endswith("_in") else n_out, source) for k in _SCALES}
    src, w = _connections(e, source)
    algorithm = e.get("training_algorithm", ("", 0))[0]
    return FannFile(
        source=source,
        version=version,
        network_type=network_type,
        connection_rate=rate,
        layer_sizes=sizes,
        neurons=_neurons(e, source),
        sources=src,
        weights=w,
        scale=scale,
        training_algorithm=int(algorithm) if algorithm.isdigit() else None,
        lines={k: v[1] for k, v in e.items()},
    )


# -- from the file's neurons to bpnn's layers ------------------------------------------------
@dataclass
class _Layout:
    """Neuron numbering: layer l's real (non-bias) neurons are ``start[l] ...
    start[l] + real[l] - 1``; a bias neuron, where the layer has one, follows them."""

    start: list
    real: list
    layered: bool

    @classmethod
    def of(cls, f: FannFile):
        layered = f.network_type == 0
        real = [f.layer_sizes[0] - 1] + [s - 1 if layered else s for s in f.layer_sizes[1:]]
        start = np.concatenate([[0], np.cumsum(f.layer_sizes)]).astype(int).tolist()
        return cls(start, real, layered)

    def inputs_of(self, layer):
        """The neurons a fully connected neuron of ``layer`` reads, in order."""
        first = self.start[layer - 1] if self.layered else 0
        return np.arange(first, self.start[layer])


def _check_counts(f: FannFile, lay: _Layout):
    """Every neuron listed, input and bias neurons without inputs, real ones with, and as
    many connections as the neurons take."""
    n_total, line = lay.start[-1], f.lines[_NEURONS]
    if f.neurons.shape[0] != n_total:
        raise _fail(
            f.source,
            line,
            f"{f.neurons.shape[0]} neurons listed, layer_sizes {f.layer_sizes} make {n_total}",
        )
    n_inputs = f.neurons[:, 0].astype(int)
    for layer in range(len(f.layer_sizes)):
        first, real = lay.start[layer], lay.real[layer]
        for g in range(first, lay.start[layer + 1]):
            is_real = layer > 0 and g < first + real
            if is_real != (n_inputs[g] > 0):
                kind = "input or bias neuron" if not is_real else "neuron"
                has = f"has {n_inputs[g]} inputs" if n_inputs[g] else "has no inputs"
                raise _fail(f.source, line, f"{kind} {g} (layer {layer}) {has}")
    if n_inputs.sum() != f.sources.shape[0]:
        raise _fail(
            f.source,
            f.lines[_CONNECTIONS],
            f"{f.sources.shape[0]} connections listed, the neurons take {n_inputs.sum()}",
        )


def _layer_matrix(f: FannFile, lay: _Layout, layer: int, first_con: np.ndarray):
    """``(M, code)``: M (real[layer], start[layer]) the weights of the layer's neurons
    over every earlier neuron, each row times k * steepness; the activation code."""
    g0, n = lay.start[layer], lay.real[layer]
    codes = f.neurons[g0 : g0 + n, 1].astype(int)
    line = f.lines[_NEURONS]
    if np.any(codes != codes[0]):
        j = int(np.argmax(codes != codes[0]))
        raise _fail(
            f.source,
            line,
            f"layer {layer} mixes activation functions (neuron {g0}: FANN_"
            f"{_name(codes[0])}, neuron {g0 + j}: FANN_{_name(codes[j])}); a bpnn layer "
            "has one activation",
        )
    code = int(codes[0])
    if code == GAUSSIAN_STEPWISE:
        raise _fail(
            f.source,
            line,
            f"layer {layer} uses FANN_GAUSSIAN_STEPWISE ({code}), which FANN declares "
            "but does not implement (its neurons output 0)",
        )
    if code not in _TO_BPNN:
        raise _fail(
            f.source,
            line,
            f"layer {layer} uses activation function {code}, which is not one of FANN's "
            f"0..{len(FANN_ACTIVATIONS) - 1}",
        )
    M = np.zeros((n, g0))
    for j in range(n):
        g = g0 + j
        cons = slice(first_con[g], first_con[g] + int(f.neurons[g, 0]))
        M[j, _sources(f, lay, layer, g, f.sources[cons])] = f.weights[cons]
    steep = f.neurons[g0 : g0 + n, 2]
    if np.any(steep < 0):  # FANN's clip to +-150 / s then maps every sum to one value
        j = int(np.argmax(steep < 0))
        raise _fail(
            f.source,
            line,
            f"neuron {g0 + j} (layer {layer}) has a negative steepness {steep[j]:g}, "
            "for which FANN's clip of s * sum to +-150 / s is not a clip",
        )
    M *= (_TO_BPNN[code][1] * steep)[:, None]  # z = k s (w . x)
    return M, code


def _sources(f, lay, layer, g, stored):
    """The neurons neuron ``g`` reads: by position when fully connected (FANN ignores the
    stored indices then, so they must agree), else the stored ones, checked."""
    line = f.lines[_CONNECTIONS]
    if f.connection_rate >= 1:
        expected = lay.inputs_of(layer)
        if stored.shape != expected.shape or np.any(stored != expected):
            raise _fail(
                f.source,
                line,
                f"neuron {g} (layer {layer}) reads neurons {_span(stored)}; a fully "
                f"connected {'layered' if lay.layered else 'shortcut'} network reads "
                f"{_span(expected)} in order",
            )
        return expected
    low = lay.start[layer - 1] if lay.layered else 0
    bad = (stored < low) | (stored >= lay.start[layer])
    if np.any(bad):
        raise _fail(
            f.source,
            line,
            f"neuron {g} (layer {layer}) reads neuron {int(stored[bad][0])}, outside "
            f"the neurons {low}..{lay.start[layer] - 1} before it",
        )
    if np.unique(stored).shape != stored.shape:
        raise _fail(f.source, line, f"neuron {g} (layer {layer}) reads one neuron twice")
    return stored


def _span(a):
    a = np.asarray(a)
    return "none" if a.size == 0 else f"{a[0]}..{a[-1]} ({a.size})"


def _name(code):
    return FANN_ACTIVATIONS[code] if 0 <= code < len(FANN_ACTIVATIONS) else f"<unknown {code}>"


def _network(f: FannFile) -> Network:
    """The bpnn Network computing what FANN's ``fann_run`` computes from ``f``."""
    from ..activations import get_activation
    from ..network import Network

    lay = _Layout.of(f)
    _check_counts(f, lay)
    first_con = np.concatenate([[0], np.cumsum(f.neurons[:, 0].astype(int))])
    blocks = [_layer_matrix(f, lay, layer, first_con) for layer in range(1, len(lay.real))]
    sizes = [r for r in lay.real]
    acts = [get_activation(_TO_BPNN[code][0]) for _, code in blocks]
    if not lay.layered:
        return _cascade(f, lay, sizes, acts, [M for M, _ in blocks])
    net = Network(sizes, acts, init="zeros")
    for layer, (M, _) in enumerate(blocks, start=1):
        prev = lay.start[layer - 1]
        n_prev = lay.real[layer - 1]
        net.weights[layer - 1][...] = M[:, prev : prev + n_prev]
        net.biases[layer - 1][...] = M[:, prev + n_prev]  # the previous layer's bias neuron
    return net


def _cascade(f, lay, sizes, acts, matrices):
    """A shortcut network: layer l reads [x, a_1, ..., a_{l-1}] and the input bias, which
    is bpnn's cascade-forward Network (``connections="cascade"``)."""
    from ..network import Network

    net = Network(sizes, acts, init="zeros", connections="cascade")
    bias = lay.real[0]  # the input layer's bias neuron, the only one
    for k, M in enumerate(matrices):
        net.weights[k][...] = np.delete(M, bias, axis=1)  # columns [x, a_1, ..., a_k]
        net.biases[k][...] = M[:, bias]
    return net


# -- the estimator -----------------------------------------------------------------------------
def _affine(f: FannFile, where):
    """FANN's ``((v - mean) / deviation + 1) * factor + new_min`` as ``v * a + c`` (a zero
    deviation: FANN leaves the value as it is)."""
    scale = f.scale or {}
    mean, dev = scale[f"scale_mean_{where}"], scale[f"scale_deviation_{where}"]
    new_min, factor = scale[f"scale_new_min_{where}"], scale[f"scale_factor_{where}"]
    live = dev != 0
    a = np.where(live, factor / np.where(live, dev, 1.0), 1.0)
    c = np.where(live, factor + new_min - mean * a, 0.0)
    if where == "out" and np.any(a == 0):  # predictions divide by it
        key = "scale_factor_out"
        raise _fail(f.source, f.lines.get(key), f"a {key} of 0 cannot be inverted")
    return a, c


def import_fann(path: str | os.PathLike[str]) -> BPRegressor:
    """A FANN 2.x network file as a fitted :class:`~bpnn.BPRegressor`.

    Parameters
    ----------
    path : str or path-like
        A ``.net`` file written by FANN's ``fann_save`` (FANN_FLO_2.0 or 2.1).

    Returns
    -------
    BPRegressor
        Fitted: ``predict(X)`` (X of shape (n, num_input)) gives FANN's
        ``fann_descale_output(fann_run(fann_scale_input(x)))`` row by row when the file
        holds scale parameters, else ``fann_run(x)``; shape (n,) for one output, else
        (n, num_output). It saves, reports, exports (the Python, C and ONNX exports
        take the activations they know) and is written back with :func:`write_fann`, and
        trains further with ``set_params(warm_start=True).fit(X, y)``.

    Raises
    ------
    FannFileError (a ValueError)
        For a file bpnn cannot read or represent, naming what and the line.
    """
    from ._build import fitted_regressor, hyper_parameters, input_map, target_map

    f = read_fann(path)
    net = _network(f)
    n_in, n_out = net.n_inputs, net.n_outputs
    if f.scale is None:
        scaling = "none"
        imap = input_map(np.ones(n_in), np.zeros(n_in), scaling)
        tmap = target_map(np.ones(n_out), np.zeros(n_out), scaling)
    else:
        scaling = "standard"
        (a_in, c_in), (a_out, c_out) = _affine(f, "in"), _affine(f, "out")
        imap = input_map(a_in, c_in, scaling)
        tmap = target_map(a_out, c_out, scaling)
    params = hyper_parameters(net, scaling=scaling, target_scaling=scaling)
    return fitted_regressor(
        net,
        imap,
        tmap,
        params=params,
        algorithm=_ALGORITHMS.get(
            -1 if f.training_algorithm is None else f.training_algorithm, "auto"
        ),
    )


# -- writing -----------------------------------------------------------------------------------
def _fann_activation(spec, layer):
    """(FANN code, steepness s, k) for a bpnn activation's spec (the file's weights are
    bpnn's divided by k s), or a ValueError naming it."""
    name, A, B = spec["name"], float(spec.get("A", 1.0)), float(spec.get("B", 1.0))
    if name == "fann":
        return FANN_ACTIVATIONS.index(spec["function"]), 1.0, 1.0
    if name in ("logsig", "gsigmoid") and A == 1.0:
        # 1 / (1 + e^(-z / B)) is FANN's 1 / (1 + e^(-2 s sum)) at s = 1 / (2 B), sum = z
        return SIGMOID, 0.5 / B, 2.0 * B
    if name == "tansig":
        return SIGMOID_SYMMETRIC, 1.0, 1.0
    if name == "purelin":
        return LINEAR, 1.0, 1.0
    what = f"gsigmoid(A={A:g}, B={B:g})" if name in ("logsig", "gsigmoid") else name
    raise ValueError(
        f"cannot write layer {layer}'s activation {what!r} to FANN: of bpnn's activations "
        "FANN 2.x has logsig (FANN_SIGMOID, also with B), tansig (FANN_SIGMOID_SYMMETRIC) "
        "and purelin (FANN_LINEAR), besides FANN's own (bpnn.FannActivation); no ReLU, "
        "no softmax, no sigmoid scaled by A"
    )


def _net_layers(net):
    """[(W, b, activation spec)] of a Network, as float64 copies."""
    return [
        (np.array(W, dtype=np.float64), np.array(b, dtype=np.float64), a.spec())
        for W, b, a in zip(net.weights, net.biases, net.activations)
    ]


def _check_writable(model):
    """Refuse what a .net file cannot hold (before anything is computed)."""
    from sklearn.utils.validation import check_is_fitted

    if type(model).__name__ == "BPForecaster":
        raise ValueError(
            "cannot write a BPForecaster to FANN: it reads lagged values of its series "
            "and feeds its outputs back, which a .net file cannot describe"
        )
    check_is_fitted(model, "network_")
    members = model.__dict__.get("networks_") or [model.network_]
    if len(members) > 1:
        raise ValueError(
            f"cannot write an ensemble of {len(members)} networks to FANN (a .net file "
            "holds one network); fit one network: n_ensemble=1 and division='refit' (the "
            "default division 'cv' averages six networks on up to 1000 rows, a classifier's "
            "two above that)"
        )
    table = model.__dict__.get("table_map_")
    if table is not None and not table.passthrough_:
        raise ValueError(
            "cannot write a model with a table map (categorical columns, missing-value "
            "indicators) to FANN: FANN takes numbers only; export it as python or onnx"
        )


def _fold_inputs(layers, im, n_features, cascade):
    """The input map ``z = S(x[keep])``, ``S(v) = v * scale + offset`` (then ``(S - m) @
    C.T`` with PCA), folded into the layers that read z -- the first, or with cascade
    connections every one (its first columns) -- which then read all n_features of x."""
    n_z = layers[0][0].shape[1]
    for k, (W, b, spec) in enumerate(layers):
        if k > 0 and not cascade:
            break
        Wz, rest = W[:, :n_z], W[:, n_z:]  # rest: a cascade layer's columns of a_1, a_2 ...
        if im.pca_components_ is not None:
            C, m = im.pca_components_, im.pca_mean_
            b = b + Wz @ (C @ (im.offset_ - m))
            Wz = (Wz @ C) * im.scale_
        else:
            b = b + Wz @ im.offset_
            Wz = Wz * im.scale_
        full = np.zeros((W.shape[0], n_features))
        full[:, np.flatnonzero(im.keep_)] = Wz  # a dropped column gets zero weights
        layers[k] = (np.hstack([full, rest]), b, spec)


def _folded_layers(model):
    """([(W, b, activation spec)], output bound): layers computing the model's outputs from
    raw inputs (n_features,), the input map folded into the layers reading the input and a
    regressor's target map into the last."""
    if hasattr(model, "weights") and hasattr(model, "activations"):  # a bare Network
        return _net_layers(model), None
    _check_writable(model)
    layers = _net_layers(model.network_)
    cascade = _is_cascade(model.network_)
    _fold_inputs(layers, model.input_map_, int(model.input_map_.keep_.shape[0]), cascade)
    tm = model.__dict__.get("target_map_")
    if tm is None:  # a classifier: its network outputs
        return layers, None
    ts, to = tm.scale_, tm.offset_
    W, b, spec = layers[-1]
    name = spec["name"]
    if name != "purelin":
        if np.all(ts == 1.0) and np.all(to == 0.0):
            return layers, None
        raise ValueError(
            f"cannot write this regressor to FANN: its output activation {name!r} is not "
            "linear, so its target scaling cannot be folded into the weights exactly"
        )
    layers[-1] = (W / ts[:, None], (b - to) / ts, *layers[-1][2:])  # y = (a - offset) / scale
    return layers, _output_bound(model)


def _output_bound(model):
    """The largest |prediction| the target range suggests (4x the range's reach), or None."""
    tm = getattr(model, "target_map_", None)
    lo, hi = getattr(tm, "range_low_", None), getattr(tm, "range_high_", None)
    if lo is None or hi is None:
        return None
    return 4.0 * float(np.max(np.abs(np.concatenate([lo, hi]))))


def _linear_steepness(bound):
    """A power of two s with FANN's clip 150 / s beyond ``bound`` (1 when it already is)."""
    if bound is None or bound <= _CLIP:
        return 1.0
    return 2.0 ** -math.ceil(math.log2(bound / _CLIP))


def _is_cascade(net):
    return getattr(net, "connections", "layered") == "cascade"


def _incoming(W, b, n0, cascade):
    """A layer's weights in FANN's connection order: the previous layer then its bias
    (layered), or every earlier neuron -- x, the input bias, a_1, a_2 ... (shortcut)."""
    if cascade:
        return np.hstack([W[:, :n0], b[:, None], W[:, n0:]])
    return np.hstack([W, b[:, None]])


def fann_text(model: BPRegressor | BPClassifier | Network) -> str:
    """The ``.net`` text of a fitted model (or a Network); see :func:`write_fann`."""
    layers, bound = _folded_layers(model)
    cascade = _is_cascade(getattr(model, "network_", model))
    n0 = layers[0][0].shape[1]
    widths = [n0] + [L[0].shape[0] for L in layers]
    zero = "(0, 0, 0.00000000000000000000e+00) "  # an input or bias neuron
    neurons, connections, start = [zero] * (n0 + 1), list[str](), 0
    for k, (W, b, spec) in enumerate(layers, start=1):
        code, s, kk = _fann_activation(spec, k)
        if code == LINEAR and k == len(layers):
            s = _linear_steepness(bound)
        block = _incoming(W, b, n0, cascade) / (kk * s)  # FANN forms k s (w . x) = z again
        if s < 0:  # a sigmoid with B < 0: the same v = s (w . x) with both signs flipped
            s, block = -s, -block
        for row in block:
            neurons.append(f"({row.size}, {code}, {s:.20e}) ")
            connections.extend(f"({start + i}, {w:.20e}) " for i, w in enumerate(row))
        if not cascade:  # a layered network's layers each end with a bias neuron
            neurons.append(zero)
            start += W.shape[1] + 1
    sizes = [n0 + 1] + [w if cascade else w + 1 for w in widths[1:]]
    settings = dict(_SETTINGS, network_type="1" if cascade else "0")
    head = [
        "FANN_FLO_2.1",
        f"num_layers={len(sizes)}",
        *(f"{key}={value}" for key, value in settings.items()),
        "layer_sizes=" + "".join(f"{n} " for n in sizes),
        "scale_included=0",
        f"{_NEURONS}=" + "".join(neurons),
        f"{_CONNECTIONS}=" + "".join(connections),
    ]
    return "\n".join(head) + "\n"


def write_fann(model: BPRegressor | BPClassifier | Network, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` as a FANN 2.1 ``.net`` file that ``fann_create_from_file`` loads.

    Parameters
    ----------
    model : BPRegressor, BPClassifier or Network
        A fitted single-network estimator (or a bare Network). Its input map is folded into
        the first layer and a regressor's target map into a linear output layer, so FANN's
        ``fann_run`` on raw inputs gives ``predict`` (a classifier: its network outputs,
        e.g. the probability of the second class for a binary logistic output).
    path : str or path-like
        The file to write (atomically).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        For what FANN cannot hold: ReLU or softmax layers, a scaled sigmoid with A != 1,
        ensembles, table maps with categorical columns, a nonlinear output with target
        scaling. A cascade-forward network is written as a shortcut network
        (``network_type=1``).
    """
    from .._atomic import atomic_write

    text = fann_text(model)
    atomic_write(path, text.encode("ascii"))
    return Path(path)


export_fann = write_fann
