"""Gradient descent: the tutorial's per-sample BP (``sgd``) and whole-batch ``gd``.

Both take separate step sizes for weights (``lr``, the tutorial's η₁) and biases
(``lr_bias``, η₂; defaults to ``lr``).
"""
from __future__ import annotations

import numpy as np

from .. import _kernels
from .base import Algorithm, Rule, RuleAlgorithm, StepInfo, per_param_lr, register


def _check_positive(name, value, allow_zero=False):
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def descent(lr) -> Rule:
    """w ← w − lr · g  (``lr`` a scalar or a per-parameter vector)."""
    return Rule(init=lambda w: None, update=lambda g, s, w, **_: (-lr * g, s))


def momentum_descent(lr, mu, nesterov=False) -> Rule:
    """Heavy-ball momentum: v ← μ v − lr g; w ← w + v (Nesterov: w ← w + μ v − lr g)."""
    def update(g, v, w, **_):
        v = mu * v - lr * g
        return (mu * v - lr * g if nesterov else v), v
    return Rule(init=lambda w: np.zeros_like(w), update=update)


@register("gd", "traingd")
class GD(RuleAlgorithm):
    """Whole-batch gradient descent (MATLAB ``traingd``, default lr 0.01)."""

    minibatch = False

    def __init__(self, lr=0.01, lr_bias=None):
        self.lr = _check_positive("lr", lr)
        self.lr_bias = None if lr_bias is None else _check_positive("lr_bias", lr_bias)

    def make_rule(self, objective):
        return descent(per_param_lr(objective, self.lr, self.lr_bias))


@register("sgd", "adapt", "learngd")
class SGD(RuleAlgorithm):
    """Per-sample (incremental) back-propagation — the tutorial's algorithm.

    ``batch_size=1`` (default) updates after every sample through the compiled kernel;
    ``batch_size=N`` updates after each mini-batch of N samples. ``momentum`` adds heavy-ball
    momentum, ``nesterov=True`` Nesterov's variant (mini-batch path).
    """

    minibatch = True

    def __init__(self, lr=0.1, lr_bias=None, batch_size=1, momentum=0.0, nesterov=False):
        self.lr = _check_positive("lr", lr)
        self.lr_bias = None if lr_bias is None else _check_positive("lr_bias", lr_bias)
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = int(batch_size)
        self.momentum = _check_positive("momentum", momentum, allow_zero=True)
        if self.momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.nesterov = bool(nesterov)

    def make_rule(self, objective):
        lr = per_param_lr(objective, self.lr, self.lr_bias)
        if self.momentum:
            return momentum_descent(lr, self.momentum, self.nesterov)
        return descent(lr)

    @property
    def compiled(self) -> bool:
        return self.batch_size == 1 and not self.nesterov

    def init(self, objective, w):
        state = super().init(objective, w)
        if self.compiled:
            return {"vel": np.zeros(w.shape, dtype=w.dtype)}
        return state

    def run_epoch(self, objective, w, state, order):
        """One pass over the samples in ``order`` with the compiled per-sample kernel."""
        if not self.compiled:
            raise NotImplementedError
        net = objective.network
        sizes, w_off, b_off, codes, A, B = _kernels.layout_arrays(net)
        loss_code = {"sse": 0, "mse": 1, "cross_entropy": 2, "mae": 3}[objective.loss.name]
        sw = objective.sample_weight
        if sw is None:                      # an empty array means "every weight is 1"
            sw = np.empty(0)
        # the kernel is compiled for the network's dtype (float64 or float32): no copies of
        # the data, one copy of w (the trainer keeps the old w until the epoch is accepted)
        dt = net.dtype
        params = np.array(w, dtype=dt)
        vel = state["vel"] if state["vel"].dtype == dt else state["vel"].astype(dt)
        X = np.ascontiguousarray(objective.X, dtype=dt)
        Y = np.ascontiguousarray(objective.Y, dtype=dt)
        lr_b = self.lr if self.lr_bias is None else self.lr_bias
        _kernels.sgd_epoch(params, sizes, w_off, b_off, codes, A, B, X, Y, sw,
                           np.asarray(order, dtype=np.int64), self.lr, lr_b,
                           self.momentum, vel, objective.l2, loss_code)
        state["vel"] = vel
        return params, state, StepInfo(lr=self.lr)
