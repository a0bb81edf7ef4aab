"""The multilayer perceptron: one flat parameter vector with per-layer views.

Layer ``k`` (0-based here; the tutorial's W(k+1)) computes, for a row-vector sample::

    z(k) = n(k-1) @ W(k).T + b(k)        W(k): (n_out, n_in), the tutorial's layout
    n(k) = f_k(z(k))                      n(-1) is the input

All weights and biases live in ONE float array ``params``; ``weights[k]`` and ``biases[k]``
are writable views into it, laid out layer by layer as ``W(0).ravel(), b(0), W(1).ravel(),
b(1), ...``. Gradients and Jacobians use the same layout, so every training algorithm works
on plain vectors and never sees a layer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_2d, check_pair, check_sample_weight
from .activations import Activation, get_activation
from .initializers import get_initializer
from .losses import get_loss

__all__ = ["Network", "Trace"]


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


def _parse_activations(activations, n_layers):
    if isinstance(activations, (list, tuple)):
        if len(activations) != n_layers:
            raise ValueError(f"activations lists {len(activations)} functions for "
                             f"{n_layers} layers: {activations!r}")
        return [get_activation(a) for a in activations]
    act = get_activation(activations)
    return [get_activation(act.spec()) for _ in range(n_layers)]


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
    """

    def __init__(self, sizes, activations="logsig", init="uniform", seed=None,
                 dtype=np.float64):
        self.sizes = _parse_sizes(sizes)
        self.activations: list[Activation] = _parse_activations(activations, len(self.sizes) - 1)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
        self._build_layout()
        self.init = init
        self.initialize(init, seed)

    # -- layout ---------------------------------------------------------------------------
    def _build_layout(self):
        offsets, pos = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            offsets.append((pos, pos + n_out * n_in))   # (W offset, b offset)
            pos += n_out * n_in + n_out
        self.offsets = offsets
        self._params = np.zeros(pos, dtype=self.dtype)
        self._make_views()

    def _make_views(self):
        self.weights, self.biases = [], []
        for (wo, bo), n_in, n_out in zip(self.offsets, self.sizes[:-1], self.sizes[1:]):
            self.weights.append(self._params[wo:bo].reshape(n_out, n_in))
            self.biases.append(self._params[bo:bo + n_out])

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

    def initialize(self, init="uniform", seed=None):
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
        other._make_views()
        return other

    def astype(self, dtype) -> "Network":
        other = self.copy()
        other.dtype = np.dtype(dtype)
        other._params = self._params.astype(dtype)
        other._make_views()
        return other

    def spec(self) -> dict:
        """JSON-able description of the architecture (not the parameters)."""
        return {"sizes": list(self.sizes), "activations": [a.spec() for a in self.activations]}

    @classmethod
    def from_spec(cls, spec, params=None):
        net = cls(spec["sizes"], spec["activations"], init="zeros")
        if params is not None:
            net.params = params
        return net

    def __repr__(self):
        acts = ", ".join(a.name for a in self.activations)
        return f"Network(sizes={self.sizes}, activations=[{acts}], n_params={self.n_params})"

    # -- forward --------------------------------------------------------------------------
    def _check_X(self, X):
        return as_2d(X, "X", self.n_inputs, self.dtype)

    def forward(self, X) -> np.ndarray:
        """Outputs for inputs X of shape (n_samples, n_inputs) -> (n_samples, n_outputs)."""
        a = self._check_X(X)
        for W, b, act in zip(self.weights, self.biases, self.activations):
            a = act(a @ W.T + b)
        return a

    predict = forward

    def forward_trace(self, X) -> Trace:
        """Forward pass keeping z(k) and n(k) of every layer (see :class:`Trace`)."""
        X = self._check_X(X)
        zs, ns = [], [X]
        for W, b, act in zip(self.weights, self.biases, self.activations):
            z = ns[-1] @ W.T + b
            zs.append(z)
            ns.append(act(z))
        return Trace(zs, ns)

    # -- backward -------------------------------------------------------------------------
    def backward(self, trace: Trace, delta_out: np.ndarray) -> np.ndarray:
        """Back-propagate the output sensitivity dL/dz(K) to a flat gradient.

        The tutorial's recursion: ``delta(k) = f_k'(z(k)) * (delta(k+1) @ W(k+1))`` and
        ``dL/dW(k) = delta(k).T @ n(k-1)``, ``dL/db(k) = sum of delta(k)`` over samples.
        """
        grad = np.empty_like(self._params)
        delta = delta_out
        for k in range(self.n_layers - 1, -1, -1):
            wo, bo = self.offsets[k]
            W = self.weights[k]
            grad[wo:bo] = (delta.T @ trace.n[k]).ravel()
            grad[bo:bo + W.shape[0]] = delta.sum(axis=0)
            if k > 0:
                g = delta @ W
                delta = self.activations[k - 1].backprop(trace.z[k - 1], trace.n[k], g)
        return grad

    def loss_and_gradient(self, X, Y, loss="sse", sample_weight=None):
        """Return ``(loss, grad)``; ``grad`` is flat and laid out like ``params``."""
        loss = get_loss(loss)
        loss.check_output(self.activations[-1])
        X, Y = check_pair(X, Y, self.n_inputs, self.n_outputs, self.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0])
        trace = self.forward_trace(X)
        value, delta = loss.output_delta(trace.z[-1], trace.n[-1], Y, self.activations[-1], sw)
        return value, self.backward(trace, delta)

    def loss(self, X, Y, loss="sse", sample_weight=None) -> float:
        loss = get_loss(loss)
        X, Y = check_pair(X, Y, self.n_inputs, self.n_outputs, self.dtype)
        sw = check_sample_weight(sample_weight, X.shape[0])
        trace = self.forward_trace(X)
        return loss.output_delta(trace.z[-1], trace.n[-1], Y, self.activations[-1], sw)[0]

    def jacobian(self, X) -> np.ndarray:
        """Jacobian of the outputs w.r.t. ``params``: shape (n_samples * n_outputs, n_params).

        Row ``i * n_outputs + j`` is d y_ij / d params — the residual Jacobian that
        Levenberg–Marquardt needs (residual r = y - d has the same Jacobian).
        """
        trace = self.forward_trace(X)
        N, m = trace.output.shape
        J = np.empty((N, m, self.n_params), dtype=self.dtype)
        # delta[i, j, :] = d y_ij / d z(K)[i, :], one seed per output unit j
        eye = np.broadcast_to(np.eye(m, dtype=self.dtype), (N, m, m))
        K = self.n_layers - 1
        delta = self.activations[K].backprop(trace.z[K][:, None, :], trace.n[K + 1][:, None, :], eye)
        for k in range(K, -1, -1):
            wo, bo = self.offsets[k]
            n_out, n_in = self.weights[k].shape
            J[:, :, wo:bo] = (delta[:, :, :, None] * trace.n[k][:, None, None, :]).reshape(N, m, -1)
            J[:, :, bo:bo + n_out] = delta
            if k > 0:
                g = delta @ self.weights[k]
                delta = self.activations[k - 1].backprop(trace.z[k - 1][:, None, :],
                                                         trace.n[k][:, None, :], g)
        return J.reshape(N * m, self.n_params)
