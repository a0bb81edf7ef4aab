"""Gradient descent: the tutorial's per-sample BP (``sgd``) and whole-batch ``gd``.

Both take separate step sizes for weights (``lr``, the tutorial's η₁) and biases
(``lr_bias``, η₂; defaults to ``lr``).
"""

from __future__ import annotations

import numpy as np

from .. import _kernels
from .base import (
    Rule,
    RuleAlgorithm,
    RunningLoss,
    StepInfo,
    _check_count,
    _check_positive,
    minibatch_epoch,
    per_param_lr,
    register,
)


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
    default_min_grad = 1e-5  # MATLAB traingd's min_grad

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
        self.batch_size = _check_count("batch_size", batch_size)
        self.momentum = _check_positive("momentum", momentum, allow_zero=True)
        if self.momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.nesterov = bool(nesterov)

    def make_rule(self, objective):
        lr = per_param_lr(objective, self.lr, self.lr_bias)
        if self.momentum:
            return momentum_descent(lr, self.momentum, self.nesterov)
        return descent(lr)

    def _uses_kernel(self, objective) -> bool:
        """Epochs go through the compiled per-sample kernel: batch size 1, no Nesterov, and
        only built-in activations and losses (the kernel knows them by code)."""
        return self.batch_size == 1 and not self.nesterov and objective.lean

    def init(self, objective, w):
        state = super().init(objective, w)
        if self._uses_kernel(objective):
            return {"vel": np.zeros(w.shape, dtype=w.dtype)}
        return state

    def run_epoch(self, objective, w, state, order):
        """One pass over the samples in ``order``: per sample through the compiled kernel,
        or mini-batch by mini-batch (in place when the objective is lean)."""
        if self._uses_kernel(objective):
            return self._kernel_epoch(objective, w, state, order)
        if self.batch_size >= objective.n_samples:  # one whole-batch step
            return self.step(objective, w, state)
        if objective.lean:
            return self._lean_epoch(objective, w, state, order)
        return minibatch_epoch(self, objective, w, state, order)

    def _lean_epoch(self, objective, w, state, order):
        """Mini-batch SGD updating the network's own parameter array in place.

        The same arithmetic as the rules (``w + (-lr g)``; ``v = μv - lr g``, ``w + v``;
        Nesterov ``w + (μv - lr g)``), with one gradient buffer and one gather buffer per
        epoch instead of fresh arrays every batch.
        """
        net, bs, n = objective.network, self.batch_size, objective.n_samples
        p = net.params
        p[...] = w
        lr = per_param_lr(objective, self.lr, self.lr_bias)
        grad = np.empty_like(p)
        xbuf = np.empty((bs, objective.X.shape[1]), objective.X.dtype)
        ybuf = np.empty((bs, objective.Y.shape[1]), objective.Y.dtype)
        v = None if state is None else np.array(state, copy=True)  # momentum velocity
        run = RunningLoss(objective)
        for start in range(0, n, bs):
            rows = order[start : start + bs]
            run.add(objective.grad_rows(rows, grad, xbuf, ybuf), rows)
            if start + bs >= n:
                gnorm = float(np.linalg.norm(grad))  # the last batch's, as the rule path
            grad *= lr  # grad <- lr g
            if v is None:
                p -= grad
            else:
                v *= self.momentum
                v -= grad
                if self.nesterov:
                    step = v * self.momentum
                    step -= grad
                    p += step
                else:
                    p += v
        objective.n_evals += -(-n // bs)
        return p.copy(), v, StepInfo(grad_norm=gnorm, lr=self.lr, running_loss=run.result(p))

    def _kernel_epoch(self, objective, w, state, order):
        net = objective.network
        sizes, w_off, b_off, codes, A, B, in_start = net._kernel_layout()
        sw = objective.sample_weight
        if sw is None:  # an empty array means "every weight is 1"
            sw = np.empty(0)
        # the kernel is compiled for the network's dtype (float64 or float32): no copies of
        # the data, one copy of w (the trainer keeps the old w until the epoch is accepted)
        dt = net.dtype
        params = np.array(w, dtype=dt)
        vel = state["vel"] if state["vel"].dtype == dt else state["vel"].astype(dt)
        X = np.ascontiguousarray(objective.X, dtype=dt)
        Y = np.ascontiguousarray(objective.Y, dtype=dt)
        lr_b = self.lr if self.lr_bias is None else self.lr_bias
        total = _kernels.sgd_epoch(
            params,
            sizes,
            w_off,
            b_off,
            codes,
            A,
            B,
            in_start,
            X,
            Y,
            sw,
            np.asarray(order, dtype=np.int64),
            self.lr,
            lr_b,
            self.momentum,
            vel,
            objective.l2,
            objective.loss.code,
        )
        state["vel"] = vel
        run = RunningLoss(objective)  # each sample's loss before its own update
        run.add_sum(float(total))
        return params, state, StepInfo(lr=self.lr, running_loss=run.result(params))
