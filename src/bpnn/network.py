"""The multilayer perceptron: one flat parameter vector with per-layer views.

Layer ``k`` (0-based here; the tutorial's W(k+1)) computes, for a row-vector sample::

    z(k) = n(k-1) @ W(k).T + b(k)        W(k): (n_out, n_in), the tutorial's layout
    n(k) = f_k(z(k))                      n(-1) is the input

All weights and biases live in ONE float array ``params``; ``weights[k]`` and ``biases[k]``
are writable views into it, laid out layer by layer as ``W(0).ravel(), b(0), W(1).ravel(),
b(1), ...``. Gradients and Jacobians use the same layout, so every training algorithm works
on plain vectors and never sees a layer.

Cascade-forward connections (``connections="cascade"``, MATLAB's ``cascadeforwardnet`` and
FANN's shortcut connections) feed layer ``k`` the concatenation of ALL earlier signals::

    z(k) = [n(-1), n(0), ..., n(k-1)] @ W(k).T + b(k)    W(k): (n_out, n_in + n(0) + ... )

so ``W(k)`` is only wider, its columns in that order (the input's first), and the flat
layout is the same. One code path serves both: layer ``k`` reads the signals
:meth:`Network._sources` names, and back-propagation adds each reader's ``delta @ W`` block
into dL/dn of the signal it read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

import numpy as np

from . import _kernels
from ._validation import as_2d, check_pair, check_sample_weight
from .activations import (
    Activation,
    GeneralizedSigmoid,
    Logsig,
    Poslin,
    Purelin,
    Softmax,
    Tansig,
    get_activation,
)
from .initializers import get_initializer
from .losses import get_loss

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from ._typing import ArrayLike, DTypeLike, Seed
    from .losses import Loss

__all__ = ["CONNECTIONS", "Network", "Trace", "parameter_count"]


@dataclass
class Trace:
    """Everything a forward pass computed: ``z[k]`` pre-activations and ``n[k]`` outputs.

    ``n[0]`` is the input, so ``n[k + 1] = f_k(z[k])`` — the tutorial's n(k) with n(0) the input.
    """

    z: list
    n: list

    @property
    def output(self):
        return self.n[-1]


def _parse_sizes(sizes):
    try:
        sizes = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be a list of positive integers, got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {sizes!r}")
    if any(s < 1 for s in sizes):
        raise ValueError(f"sizes must be positive integers, got {sizes!r}")
    return sizes


#: the ways layers connect: each to the one below, or to the input and every earlier layer
CONNECTIONS = ("layered", "cascade")


def _parse_connections(connections):
    name = connections.strip().lower() if isinstance(connections, str) else connections
    if name not in CONNECTIONS:
        raise ValueError(f"connections must be 'layered' or 'cascade', got {connections!r}")
    return name


def parameter_count(sizes: Sequence[int], connections: str = "layered") -> int:
    """Length of the flat vector of a network with widths ``sizes`` (no network built)."""
    layered = _parse_connections(connections) == "layered"
    fan_in = sizes[:-1] if layered else np.cumsum(sizes[:-1])
    return int(sum(o * (int(i) + 1) for i, o in zip(fan_in, sizes[1:])))


def _parse_activations(activations, n_layers):
    if isinstance(activations, (list, tuple)):
        if len(activations) != n_layers:
            raise ValueError(
                f"activations lists {len(activations)} functions for "
                f"{n_layers} layers: {activations!r}"
            )
        return [get_activation(a) for a in activations]
    act = get_activation(activations)
    return [get_activation(act.spec()) for _ in range(n_layers)]


# -- lean (in-place) paths -------------------------------------------------------------------
# The built-in activations have kernel codes 0-4 and in-place forms (Activation.forward_ /
# backprop_) whose derivatives are written through their outputs a = f(z) alone. For them the
# fast paths keep no z: each layer's pre-activation buffer is overwritten by f(z) and
# back-propagation reads a. Any other Activation — a subclass too, which may override the
# derivative — goes through the general path (forward_trace/backward).
_BUILTIN_ACTS = (GeneralizedSigmoid, Logsig, Tansig, Purelin, Poslin, Softmax)
#: up to this many rows, prediction runs the compiled row-by-row kernel (no per-layer calls);
#: beyond it BLAS matrix products over the whole batch are faster
_KERNEL_ROWS = 8


class _Workspace:
    """Preallocated per-layer buffers for up to ``rows`` samples: a[k] = n(k+1) (rows, width),
    d[k] = dL/dz of hidden layer k, tmp scratch, gW a weight-shaped scratch for accumulation.

    With ``cascade`` the input and the hidden layers' outputs are also copied side by side
    into one buffer ``cat`` (rows, n_0 + ... + n_{L-1}), so that layer k's input is the view
    ``cat[:, :fan_in[k]]``; ``dcat`` holds dL/da of the hidden layers (summed over their
    readers), ``dtmp`` one reader's share. Activations and their derivatives still run on
    the contiguous a[k] and d[k]: NumPy's tanh on a column block is ~10x slower."""

    def __init__(self, sizes, rows, dtype, cascade=False):
        fan_in = np.cumsum(sizes[:-1]) if cascade else sizes[:-1]
        self.rows = rows
        self.a = [np.empty((rows, w), dtype) for w in sizes[1:]]
        self.d = [np.empty((rows, w), dtype) for w in sizes[1:-1]]
        self.tmp = [np.empty((rows, w), dtype) for w in sizes[1:]]
        self.gW = np.empty(max(int(i) * o for i, o in zip(fan_in, sizes[1:])), dtype)
        self._ones = np.ones(rows, dtype)
        if cascade:
            self.cat = np.empty((rows, int(fan_in[-1])), dtype)
            self.dcat = np.empty((rows, int(fan_in[-1]) - sizes[0]), dtype)
            self.dtmp = np.empty_like(self.dcat)

    def ones(self, n):
        """A vector of n ones (n <= rows): ``ones @ delta`` sums delta's rows by BLAS."""
        return self._ones[:n]


class Network:
    """A fully connected feed-forward network trained by back-propagation.

    Parameters
    ----------
    sizes : sequence of int
        Widths including the input, e.g. ``[2, 3, 2]``: 2 inputs, 3 hidden units, 2 outputs.
    activations : str, Activation, or list of them
        One for every layer, or one per layer (hidden..., output).
    init : str or callable
        ``"uniform"`` (the tutorial's U(-1, 1)), ``"zeros"``, ``"nguyen-widrow"``,
        ``"glorot"``, ``"he"``, or ``f(rng, W, b, activation)``.
    seed : int or numpy Generator, optional
        Randomness for the initialisation; the same seed gives the same bits.
    dtype : float64 (default) or float32
    connections : {"layered", "cascade"}
        ``"layered"`` (default): layer k reads the layer below it. ``"cascade"``: layer k
        reads the input and every earlier layer's output, concatenated in that order
        (MATLAB's ``cascadeforwardnet``), so ``weights[k]`` has shape
        (sizes[k + 1], sizes[0] + ... + sizes[k]).

    Examples
    --------
    >>> import numpy as np
    >>> from bpnn import Network
    >>> net = Network([2, 3, 1], "logsig", seed=0)
    >>> net.n_params                    # (2 + 1) * 3 + (3 + 1) * 1
    13
    >>> net.forward(np.zeros((5, 2))).shape
    (5, 1)
    >>> Network([2, 3, 1], "logsig", connections="cascade").n_params  # + 2 shortcut weights
    15
    """

    #: (a class default: networks pickled before cascade connections existed are layered)
    connections = "layered"

    def __init__(
        self,
        sizes: Sequence[int],
        activations: str | Activation | Sequence[str | Activation] = "logsig",
        init: str | Callable[..., Any] = "uniform",
        seed: Seed = None,
        dtype: DTypeLike = np.float64,
        connections: str = "layered",
    ) -> None:
        self.sizes = _parse_sizes(sizes)
        self.connections = _parse_connections(connections)
        self.activations: list[Activation] = _parse_activations(activations, len(self.sizes) - 1)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
        self._build_layout()
        self.init = init
        self.initialize(init, seed)

    # -- layout ---------------------------------------------------------------------------
    @property
    def fan_in(self) -> list[int]:
        """Width of every layer's input: ``weights[k].shape[1]``."""
        if self.connections == "cascade":
            return [sum(self.sizes[: k + 1]) for k in range(self.n_layers)]
        return list(self.sizes[:-1])

    def _sources(self, k) -> list[tuple[int, int, int]]:
        """The signals layer ``k`` reads, as ``(j, c0, c1)``: ``n[j]`` of a :class:`Trace`
        (``n[0]`` the input) meets the columns ``c0:c1`` of ``weights[k]``."""
        if self.connections == "layered":
            return [(k, 0, self.sizes[k])]
        ends = np.cumsum([0, *self.sizes[: k + 1]])
        return [(j, int(ends[j]), int(ends[j + 1])) for j in range(k + 1)]

    def _layer_input(self, ns, k):
        """Layer ``k``'s input from the signals ``ns`` (``ns[0]`` the input): ``ns[k]``,
        or with cascade connections ``[ns[0], ..., ns[k]]`` side by side (last axis)."""
        if self.connections == "layered":
            return ns[k]
        return np.concatenate(ns[: k + 1], axis=-1)

    def _send_back(self, delta, k, dn, to_input=False):
        """Add layer ``k``'s ``delta @ W`` blocks into ``dn[j]`` = dL/dn[j] of every signal
        it reads (the input's only with ``to_input``); ``delta``: (..., sizes[k + 1])."""
        W = self.weights[k]
        for j, c0, c1 in self._sources(k):
            if j == 0 and not to_input:
                continue
            g = delta @ W[:, c0:c1]
            dn[j] = g if dn[j] is None else dn[j] + g

    def _build_layout(self):
        offsets, pos = [], 0
        for n_in, n_out in zip(self.fan_in, self.sizes[1:]):
            offsets.append((pos, pos + n_out * n_in))  # (W offset, b offset)
            pos += n_out * n_in + n_out
        self.offsets = offsets
        self._params = np.zeros(pos, dtype=self.dtype)
        self._make_views()

    def _make_views(self):
        self.weights, self.biases = [], []
        for (wo, bo), n_in, n_out in zip(self.offsets, self.fan_in, self.sizes[1:]):
            self.weights.append(self._params[wo:bo].reshape(n_out, n_in))
            self.biases.append(self._params[bo : bo + n_out])

    @property
    def params(self) -> np.ndarray:
        """The flat parameter vector (a live array: writing to it changes the network)."""
        return self._params

    @params.setter
    def params(self, value):
        value = np.asarray(value, dtype=self.dtype).reshape(-1)
        if value.shape != self._params.shape:
            raise ValueError(f"params must have {self._params.size} entries, got {value.size}")
        self._params[...] = value

    @property
    def n_params(self) -> int:
        return self._params.size

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def weight_mask(self) -> np.ndarray:
        """Boolean vector over ``params``: True for weights, False for biases."""
        mask = np.zeros(self.n_params, dtype=bool)
        for wo, bo in self.offsets:
            mask[wo:bo] = True
        return mask

    def initialize(self, init: str | Callable[..., Any] = "uniform", seed: Seed = None) -> Network:
        """(Re)draw all parameters with initialiser ``init`` from ``seed``."""
        fill = get_initializer(init)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        for W, b, act in zip(self.weights, self.biases, self.activations):
            Wd, bd = np.zeros(W.shape), np.zeros(b.shape)
            fill(rng, Wd, bd, act)
            W[...], b[...] = Wd, bd
        return self

    def copy(self) -> "Network":
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other._params = self._params.copy()
        other.activations = list(self.activations)
        other._ws = None  # type: ignore[assignment]  # made anew on first use
        other._make_views()
        return other

    def __getstate__(self):
        # scratch buffers and cached layouts are rebuilt on demand: never pickled/deep-copied
        state = dict(self.__dict__)
        state.pop("_ws", None)
        state.pop("_layout", None)
        return state

    def astype(self, dtype: DTypeLike) -> Network:
        other = self.copy()
        other.dtype = np.dtype(dtype)
        other._params = self._params.astype(dtype)
        other._make_views()
        return other

    def spec(self) -> dict:
        """JSON-able description of the architecture (not the parameters)."""
        spec: dict[str, Any] = {
            "sizes": list(self.sizes),
            "activations": [a.spec() for a in self.activations],
        }
        if self.dtype != np.float64:  # float64 files stay as they always were
            spec["dtype"] = self.dtype.name
        if self.connections != "layered":  # so do layered ones
            spec["connections"] = self.connections
        return spec

    @classmethod
    def from_spec(cls, spec: dict, params: ArrayLike | None = None) -> Network:
        net = cls(
            spec["sizes"],
            spec["activations"],
            init="zeros",
            dtype=spec.get("dtype", "float64"),
            connections=spec.get("connections", "layered"),
        )
        if params is not None:
            net.params = params
        return net

    def __repr__(self):
        acts = ", ".join(a.name for a in self.activations)
        conn = "" if self.connections == "layered" else f", connections={self.connections!r}"
        return f"Network(sizes={self.sizes}, activations=[{acts}]{conn}, n_params={self.n_params})"

    # -- forward --------------------------------------------------------------------------
    def _check_X(self, X):
        return as_2d(X, "X", self.n_inputs, self.dtype)

    def forward(self, X: ArrayLike) -> np.ndarray:
        """Outputs for inputs X of shape (n_samples, n_inputs) -> (n_samples, n_outputs)."""
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and 0 < X.shape[0] <= _KERNEL_ROWS
            and X.dtype == self.dtype
            and X.shape[1] == self.sizes[0]
            and X.flags.c_contiguous
            and self._lean
        ):
            # a few rows: the compiled kernel checks finiteness as it reads them
            out = np.empty((X.shape[0], self.sizes[-1]), self.dtype)
            if _kernels.forward_rows(self._params, *self._kernel_layout(), X, out) < 0:
                return out
        return self.predict_unchecked(np.ascontiguousarray(self._check_X(X)))

    predict = forward

    # -- lean paths (no validation, no temporaries beyond preallocated buffers) -----------
    @property
    def _lean(self) -> bool:
        """True when every activation is a built-in one that the in-place paths handle."""
        return all(type(a) in _BUILTIN_ACTS for a in self.activations)

    def _kernel_layout(self):
        """The layout arrays of :mod:`bpnn._kernels`, built once per network."""
        lay = self.__dict__.get("_layout")
        if lay is None:
            lay = self._layout = _kernels.layout_arrays(self)
        return lay

    def _chunk_rows(self) -> int:
        """Rows per chunk so that one layer buffer set holds about 2**20 numbers."""
        return max(64, (1 << 20) // max(1, sum(self.sizes[1:])))

    def _workspace(self, rows) -> _Workspace:
        """Scratch buffers for ``rows`` samples, kept per thread (so that threads predicting
        with one network never share buffers) and reused from call to call."""
        tls = self.__dict__.get("_ws")
        if tls is None:
            tls = self._ws = threading.local()
        ws = getattr(tls, "ws", None)
        if ws is None or ws.rows < rows or ws.a[0].dtype != self.dtype:
            ws = tls.ws = _Workspace(self.sizes, rows, self.dtype, self.connections == "cascade")
        return ws

    def _forward_into(self, X, ws, out=None, keep_z=False, raw_last=False, fused=False):
        """Forward pass for the rows X (already checked): hidden outputs go to ``ws``, the
        output layer to ``out`` (or ``ws.a[-1]``). Returns the output view, or
        ``(z_out, output)`` with ``keep_z`` (z of the output layer kept in ``ws.tmp[-1]``),
        or with ``raw_last`` only W a of the output layer (no bias, no activation: a fused
        loss kernel finishes it). ``fused``: bias and activation by one row kernel per layer
        (:func:`bpnn._kernels.bias_activate_rows`) instead of two NumPy passes."""
        n, a, L = X.shape[0], X, self.n_layers
        cascade = self.connections == "cascade"
        if cascade:  # layer k reads the first fan_in[k] columns of [X, a_1, a_2, ...]
            fan_in = self.fan_in
            np.copyto(ws.cat[:n, : self.sizes[0]], X)
        if fused:
            codes, A, B = self._kernel_layout()[3:6]
        for k, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
            dest = out if (out is not None and k == L - 1) else ws.a[k][:n]
            z = ws.tmp[k][:n] if (keep_z and k == L - 1) else dest
            np.matmul(ws.cat[:n, : fan_in[k]] if cascade else a, W.T, out=z)
            if raw_last and k == L - 1:
                return z
            if fused:
                if z is dest:
                    _kernels.bias_activate_rows(z, b, codes[k], A[k], B[k])
                else:
                    _kernels.bias_activate_rows_keep(z, b, codes[k], A[k], B[k], dest)
                a = dest
            else:
                z += b
                if z is not dest:
                    np.copyto(dest, z)
                a = act.forward_(dest)
            if cascade and k < L - 1:  # what the later layers read
                np.copyto(ws.cat[:n, fan_in[k] : fan_in[k + 1]], a)
        return (z, a) if keep_z else a

    def _backward_into(self, X, ws, delta, grad, accumulate=False, fused=False):
        """Gradient from the output sensitivity ``delta`` (n, m) into the flat ``grad``
        (added to it when ``accumulate``), after :meth:`_forward_into` filled ``ws``.
        ``delta`` is overwritten. ``fused``: bias gradients as a BLAS product with a vector
        of ones and f'(z) applied by a row kernel (one pass, no boolean temporaries)."""
        n, L, n0 = X.shape[0], self.n_layers, self.sizes[0]
        ones = ws.ones(n) if fused else None
        cascade = self.connections == "cascade"
        fan_in = self.fan_in
        if fused:
            codes, A, B = self._kernel_layout()[3:6]
        for k in range(L - 1, -1, -1):
            wo, bo = self.offsets[k]
            W = self.weights[k]
            a_prev = X if k == 0 else ws.a[k - 1][:n]  # layer k-1's outputs
            inp = ws.cat[:n, : fan_in[k]] if cascade else a_prev  # what layer k read
            gW = grad[wo:bo].reshape(W.shape)
            gb = grad[bo : bo + W.shape[0]]
            if accumulate:
                tmp = ws.gW[: W.size].reshape(W.shape)
                np.matmul(delta.T, inp, out=tmp)
                gW += tmp
                gb += delta.sum(axis=0) if ones is None else ones @ delta
            else:
                np.matmul(delta.T, inp, out=gW)
                if ones is None:
                    np.sum(delta, axis=0, out=gb)
                else:
                    np.matmul(ones, delta, out=gb)
            if k > 0 and cascade:
                # dL/da of the hidden layers layer k read, added to their other readers'
                # (the output layer reads them all and comes first: it sets them)
                h = fan_in[k] - n0
                if k == L - 1:
                    np.matmul(delta, W[:, n0:], out=ws.dcat[:n, :h])
                else:
                    np.matmul(delta, W[:, n0:], out=ws.dtmp[:n, :h])
                    ws.dcat[:n, :h] += ws.dtmp[:n, :h]
                g = ws.d[k - 1][:n]  # layer k-1's share is complete: no reader is left
                np.copyto(g, ws.dcat[:n, h - self.sizes[k] : h])
            elif k > 0:
                g = ws.d[k - 1][:n]
                np.matmul(delta, W, out=g)
            if k > 0:
                if fused:
                    _kernels.backprop_rows(codes[k - 1], A[k - 1], B[k - 1], a_prev, g)
                    delta = g
                else:
                    delta = self.activations[k - 1].backprop_(a_prev, g, ws.tmp[k - 1][:n])
        return grad

    def predict_unchecked(
        self, X: np.ndarray, out: np.ndarray | None = None, *, kernel: bool = True
    ) -> np.ndarray:
        """Outputs for a C-contiguous 2-D array X of this network's dtype, without checks.

        The fast path behind :meth:`forward`/:meth:`predict`; callers guarantee the shape,
        dtype and finiteness (internal loops, or after one validation at a boundary).
        A few rows go through the compiled row kernel unless ``kernel=False`` (NumPy only:
        no Numba import or compilation, for a one-off prediction in a short process).
        """
        n = X.shape[0]
        if not self._lean:
            ns = [X]
            for k, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
                ns.append(act(self._layer_input(ns, k) @ W.T + b))
            return ns[-1]
        if out is None:
            out = np.empty((n, self.n_outputs), self.dtype)
        if kernel and n <= _KERNEL_ROWS and X.dtype == self.dtype:  # one compiled call
            _kernels.forward_rows(self._params, *self._kernel_layout(), X, out)
            return out
        step = self._chunk_rows()
        ws = self._workspace(min(n, step))
        for s in range(0, n, step):
            self._forward_into(X[s : s + step], ws, out[s : s + step])
        return out

    def forward_trace(self, X: ArrayLike) -> Trace:
        """Forward pass keeping z(k) and n(k) of every layer (see :class:`Trace`)."""
        X = self._check_X(X)
        zs, ns = [], [X]
        for k, (W, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
            z = self._layer_input(ns, k) @ W.T + b
            zs.append(z)
            ns.append(act(z))
        return Trace(zs, ns)

    # -- backward -------------------------------------------------------------------------
    @overload
    def backward(
        self, trace: Trace, delta_out: np.ndarray, input_grad: Literal[False] = False
    ) -> np.ndarray: ...

    @overload
    def backward(
        self, trace: Trace, delta_out: np.ndarray, input_grad: Literal[True]
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def backward(
        self, trace: Trace, delta_out: np.ndarray, input_grad: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Back-propagate the output sensitivity dL/dz(K) to a flat gradient.

        The tutorial's recursion: ``delta(k) = f_k'(z(k)) * (delta(k+1) @ W(k+1))`` and
        ``dL/dW(k) = delta(k).T @ n(k-1)``, ``dL/db(k) = sum of delta(k)`` over samples.
        With ``input_grad`` also ``dL/dX = delta(0) @ W(0)`` (n_samples, n_inputs), returned
        as ``(grad, dX)``: what back-propagation through time needs where inputs are earlier
        outputs (:mod:`bpnn.timeseries`).

        With cascade connections ``dL/dn(k)`` sums ``delta(j) @ W(j)[:, cols of n(k)]`` over
        every later layer j that reads n(k) (:meth:`_send_back`); layered, that is one term.
        """
        grad = np.empty_like(self._params)
        L = self.n_layers
        dn: list[Any] = [None] * (L + 1)  # dn[j] = dL/dn[j], summed over its readers
        delta = delta_out
        for k in range(L - 1, -1, -1):
            if k < L - 1:
                delta = self.activations[k].backprop(trace.z[k], trace.n[k + 1], dn[k + 1])
            wo, bo = self.offsets[k]
            grad[wo:bo] = (delta.T @ self._layer_input(trace.n, k)).ravel()
            grad[bo : bo + delta.shape[1]] = delta.sum(axis=0)
            self._send_back(delta, k, dn, to_input=input_grad)
        if input_grad:
            return grad, dn[0]
        return grad

    def loss_and_gradient(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        loss: str | Loss = "sse",
        sample_weight: ArrayLike | None = None,
    ) -> tuple[float, np.ndarray]:
        """Return ``(loss, grad)``; ``grad`` is flat and laid out like ``params``."""
        loss = get_loss(loss)
        loss.check_output(self.activations[-1])
        X, Y = check_pair(X, Y, self.n_inputs, self.n_outputs, self.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0])
        trace = self.forward_trace(X)
        value, delta = loss.output_delta(trace.z[-1], trace.n[-1], Y, self.activations[-1], sw)
        return value, self.backward(trace, delta)

    def loss(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        loss: str | Loss = "sse",
        sample_weight: ArrayLike | None = None,
    ) -> float:
        """The loss alone (no back-propagation)."""
        loss = get_loss(loss)
        X, Y = check_pair(X, Y, self.n_inputs, self.n_outputs, self.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0])
        trace = self.forward_trace(X)
        return loss.value_from_z(trace.z[-1], trace.n[-1], Y, self.activations[-1], sw)

    def jacobian(self, X: ArrayLike) -> np.ndarray:
        """Jacobian of the outputs w.r.t. ``params``: shape (n_samples * n_outputs, n_params).

        Row ``i * n_outputs + j`` is d y_ij / d params — the residual Jacobian that
        Levenberg–Marquardt needs (residual r = y - d has the same Jacobian).
        """
        return self._outputs_and_jacobian(self._check_X(X))[1]

    def _outputs_and_jacobian(self, X, input_jacobian=False):
        """``(Y, J)`` for checked rows X: the outputs (N, m) and the Jacobian (N*m, P) from
        one forward pass; every block of J is written in place (no per-layer temporaries).
        With ``input_jacobian`` also ``dY/dX`` (N, m, n_inputs), as ``(Y, J, JX)``.

        All m outputs back-propagate at once: delta[i, j, :] = d y_ij / d z(k)[i, :].
        """
        trace = self.forward_trace(X)
        N, m = trace.output.shape
        J = np.empty((N, m, self.n_params), dtype=self.dtype)
        eye = np.broadcast_to(np.eye(m, dtype=self.dtype), (N, m, m))
        K = self.n_layers - 1
        dn: list[Any] = [None] * (K + 2)  # dn[j][i, o, :] = d y_io / d n[j][i, :]
        delta = self.activations[K].backprop(
            trace.z[K][:, None, :], trace.n[K + 1][:, None, :], eye
        )
        for k in range(K, -1, -1):
            if k < K:
                delta = self.activations[k].backprop(
                    trace.z[k][:, None, :], trace.n[k + 1][:, None, :], dn[k + 1]
                )
            wo, bo = self.offsets[k]
            n_out, n_in = self.weights[k].shape
            block = J[:, :, wo:bo]
            block.shape = (N, m, n_out, n_in)  # a view: raises rather than copy
            # d y / d W(k)[r, c] = delta[r] * (layer k's input)[c]
            inp = self._layer_input(trace.n, k)
            np.multiply(delta[:, :, :, None], inp[:, None, None, :], out=block)
            J[:, :, bo : bo + n_out] = delta
            self._send_back(delta, k, dn, to_input=input_jacobian)
        if input_jacobian:
            return trace.output, J.reshape(N * m, self.n_params), dn[0]
        return trace.output, J.reshape(N * m, self.n_params)
