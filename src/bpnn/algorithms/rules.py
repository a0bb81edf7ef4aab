"""Element-wise update rules as pure ``(init, update)`` pairs, and the algorithms made of them.

Each rule sees the gradient ``g = dE/dw`` of the whole flat vector and returns the step
``delta`` (new ``w = w + delta``) and its new state. States are NamedTuples of arrays and
floats only, so a trainer can checkpoint them.

* ``matlab_momentum`` — MATLAB ``traingdm``: ``dw ← mc·dw − (1 − mc)·lr·g``.
* ``adam`` — Kingma & Ba (2015), with bias correction.
* ``rprop`` — Riedmiller & Braun (1993) Rprop+ / Rprop−, Igel & Hüsken (2000) iRprop+ /
  iRprop−.
* ``quickprop`` — Fahlman (1988), in FANN's form.
* ``scale`` and ``chain`` — recipes: ``chain(r1, r2)`` feeds r1's step to r2 as its input,
  e.g. ``chain(matlab_momentum(1.0, 0.9), scale(lr))``.

The algorithms ``gdm``, ``gda``, ``gdx``, ``adam``, ``rprop`` and ``quickprop`` are registered
here; ``gd`` and ``sgd`` live in :mod:`.first_order`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import (
    Algorithm,
    Rule,
    RuleAlgorithm,
    StepInfo,
    _check_count,
    _check_fraction,
    _check_positive,
    per_param_lr,
    register,
)

__all__ = [
    "MomentumState",
    "AdamState",
    "RpropState",
    "QuickpropState",
    "matlab_momentum",
    "adam",
    "rprop",
    "quickprop",
    "scale",
    "chain",
    "RPROP_VARIANTS",
]


# -- the rules ---------------------------------------------------------------------------
def scale(factor) -> Rule:
    """u ↦ factor·u (stateless)."""
    return Rule(lambda w: None, lambda u, s, w, **_: (factor * u, s))


def chain(*rules) -> Rule:
    """Compose rules: each one's output is the next one's input; the state is a tuple."""

    def init(w):
        return tuple(r.init(w) for r in rules)

    def update(g, states, w, **kw):
        new = []
        for r, s in zip(rules, states):
            g, s = r.update(g, s, w, **kw)
            new.append(s)
        return g, tuple(new)

    return Rule(init, update)


class MomentumState(NamedTuple):
    velocity: np.ndarray  # the previous step dw


def matlab_momentum(lr, mc) -> Rule:
    """MATLAB's momentum (``traingdm``): ``dw ← mc·dw_prev − (1 − mc)·lr·g``."""

    def update(g, s, w, **_):
        dw = mc * s.velocity - (1.0 - mc) * lr * g
        return dw, MomentumState(dw)

    return Rule(lambda w: MomentumState(np.zeros_like(w)), update)


class AdamState(NamedTuple):
    m: np.ndarray  # first-moment estimate
    v: np.ndarray  # second-moment estimate
    t: float  # number of updates so far


def adam(lr, beta1, beta2, eps) -> Rule:
    """Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; dw = −lr·m̂/(√v̂ + ε), hats = bias-corrected."""

    def update(g, s, w, **_):
        t = s.t + 1.0
        m = beta1 * s.m + (1.0 - beta1) * g
        v = beta2 * s.v + (1.0 - beta2) * g * g
        m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
        return -lr * m_hat / (np.sqrt(v_hat) + eps), AdamState(m, v, t)

    return Rule(lambda w: AdamState(np.zeros_like(w), np.zeros_like(w), 0.0), update)


class RpropState(NamedTuple):
    step: np.ndarray  # Δ, the per-weight step size
    prev_grad: np.ndarray  # g(t−1) (zeroed where a sign change was handled)
    prev_delta: np.ndarray  # dw(t−1), for weight-backtracking (the "+" variants)
    prev_loss: float  # E(t−1), for iRprop+


RPROP_VARIANTS = ("rprop+", "rprop-", "irprop+", "irprop-")


def rprop(variant, delta0, inc, dec, delta_max, delta_min) -> Rule:
    """The RPROP family; ``variant`` in :data:`RPROP_VARIANTS`.

    With ``s = g(t)·g(t−1)``: where ``s > 0`` the step grows ``Δ ← min(Δ·inc, Δmax)``, where
    ``s < 0`` it shrinks ``Δ ← max(Δ·dec, Δmin)``; the update is ``dw = −sign(g)·Δ`` except
    at a sign change, where

    * Rprop+ reverts the previous step (``dw = −dw(t−1)``) and forgets ``g``;
    * Rprop− steps anyway (``dw = −sign(g)·Δ``) — MATLAB's ``trainrp``;
    * iRprop− forgets ``g`` and does not step (``dw = 0``);
    * iRprop+ reverts only if the error rose (``E(t) > E(t−1)``), else does not step.
    """
    backtrack = variant in ("rprop+", "irprop+")
    forget = variant != "rprop-"

    def init(w):
        return RpropState(np.full_like(w, delta0), np.zeros_like(w), np.zeros_like(w), float("inf"))

    def update(g, s, w, *, loss=None, **_):
        prod = g * s.prev_grad
        step = np.where(
            prod > 0,
            np.minimum(s.step * inc, delta_max),
            np.where(prod < 0, np.maximum(s.step * dec, delta_min), s.step),
        )
        dw = -np.sign(g) * step
        flip = prod < 0
        if forget:
            dw = np.where(flip, 0.0, dw)
        if backtrack:
            revert = (
                flip if variant == "rprop+" else flip & (loss is not None and loss > s.prev_loss)
            )
            dw = np.where(revert, -s.prev_delta, dw)
        g_kept = np.where(flip, 0.0, g) if forget else g
        loss = float("inf") if loss is None else float(loss)
        return dw, RpropState(step, g_kept, dw, loss)

    return Rule(init, update)


class QuickpropState(NamedTuple):
    prev_grad: np.ndarray  # g(t−1)
    prev_delta: np.ndarray  # dw(t−1)


def quickprop(lr, mu, threshold=1e-3) -> Rule:
    """Fahlman's quickprop, as FANN implements it.

    Each weight fits a parabola through g(t−1) and g(t) along its last step and jumps to its
    minimum, ``dw = dw(t−1)·g/(g(t−1) − g)``, no further than ``mu·dw(t−1)`` (the maximum
    growth factor); a gradient term ``−lr·g`` is added while the slope still points along the
    last step, and a weight whose last step was tiny (``|dw| ≤ threshold``) takes a plain
    gradient step ``−lr·g``.
    """
    shrink = mu / (1.0 + mu)

    def update(g, s, w, **_):
        dp, gp = s.prev_delta, s.prev_grad
        sgn = np.where(np.abs(dp) > threshold, np.sign(dp), 0.0)
        along = -sgn * g  # slope along the last step (>0: downhill)
        grad_term = np.where(along > 0, -lr * g, 0.0)
        grow = along > shrink * (-sgn * gp)  # parabola too flat: take mu·dw(t−1)
        denom = gp - g
        safe = np.where(denom != 0, denom, 1.0)
        quad = np.where(denom != 0, dp * g / safe, 0.0)
        dw = np.where(sgn == 0, -lr * g, grad_term + np.where(grow, mu * dp, quad))
        return dw, QuickpropState(g.copy(), dw)

    return Rule(lambda w: QuickpropState(np.zeros_like(w), np.zeros_like(w)), update)


# -- algorithms built from the rules ------------------------------------------------------
@register("gdm", "traingdm")
class GDM(RuleAlgorithm):
    """Batch gradient descent with MATLAB's momentum (``traingdm``: lr 0.01, mc 0.9)."""

    minibatch = False
    default_min_grad = 1e-5

    def __init__(self, lr=0.01, mc=0.9, lr_bias=None):
        self.lr = _check_positive("lr", lr)
        self.mc = _check_fraction("mc", mc)
        self.lr_bias = None if lr_bias is None else _check_positive("lr_bias", lr_bias)

    def make_rule(self, objective):
        return matlab_momentum(per_param_lr(objective, self.lr, self.lr_bias), self.mc)


@register("adam")
class Adam(RuleAlgorithm):
    """Adam (Kingma & Ba 2015; lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8); whole batch unless
    ``batch_size`` is given."""

    minibatch = True

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, batch_size=None):
        self.lr = _check_positive("lr", lr)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.eps = _check_positive("eps", eps)
        self.batch_size = _check_count("batch_size", batch_size, optional=True)

    def make_rule(self, objective):
        return adam(self.lr, self.beta1, self.beta2, self.eps)


@register("rprop", "trainrp")
class Rprop(RuleAlgorithm):
    """Resilient back-propagation (batch).

    Defaults: the variant ``"irprop+"`` (Igel & Hüsken 2000, 2003 found it the fastest and
    most robust of the four; the error E(t−1) it needs comes free with the batch gradient),
    Δ₀ 0.07, inc 1.1, dec 0.5, Δmax 50 (MATLAB's but inc), Δmin 0.

    inc is gentler than MATLAB's 1.2: a sign-based step ignores how
    small a gradient is, so with inc 1.2 a weight whose gradient keeps its sign for 20
    epochs moves by 0.07·1.2²⁰ ≈ 2.7 per epoch; on MATLAB's SIN problem that carried about
    one initialisation in fifteen (Nguyen–Widrow) across the saddle region where a hidden
    unit saturates (loss 0.0365, smallest Hessian eigenvalue ≈ −1e-6, gradient ≈ 1e-5),
    where Rprop — and LM or BFGS started from there — stalls until "min grad". With
    inc 1.1 about one in twenty-five does, and none of the benchmark's 30
    (benchmarks/training_functions.py). ``variant="rprop-", inc=1.2`` reproduces MATLAB's
    ``trainrp`` exactly.
    """

    minibatch = False
    default_min_grad = 1e-5

    def __init__(
        self, variant="irprop+", delta0=0.07, inc=1.1, dec=0.5, delta_max=50.0, delta_min=0.0
    ):
        v = str(variant).lower()
        if v not in RPROP_VARIANTS:
            raise ValueError(f"variant must be one of {RPROP_VARIANTS}, got {variant!r}")
        self.variant = v
        self.delta0 = _check_positive("delta0", delta0)
        self.inc = _check_positive("inc", inc)
        self.dec = _check_positive("dec", dec)
        if self.inc <= 1 or self.dec >= 1:
            raise ValueError(f"need inc > 1 > dec, got inc={inc!r}, dec={dec!r}")
        self.delta_max = _check_positive("delta_max", delta_max)
        self.delta_min = _check_positive("delta_min", delta_min, allow_zero=True)

    def make_rule(self, objective):
        return rprop(self.variant, self.delta0, self.inc, self.dec, self.delta_max, self.delta_min)


@register("quickprop")
class Quickprop(RuleAlgorithm):
    """Fahlman's quickprop (batch); lr ε 0.7 and growth factor μ 1.75 as FANN."""

    minibatch = False

    def __init__(self, lr=0.7, mu=1.75):
        self.lr = _check_positive("lr", lr)
        self.mu = _check_positive("mu", mu)

    def make_rule(self, objective):
        return quickprop(self.lr, self.mu)


class AdaptiveState(NamedTuple):
    lr: float
    velocity: np.ndarray


@register("gda", "traingda")
class GDA(Algorithm):
    """Gradient descent with an adaptive learning rate (MATLAB ``traingda``).

    A trial step ``dw = mc·dw_prev − (1 − mc)·lr·g`` (``mc = 0`` here) is discarded and
    ``lr ← lr·lr_dec`` if the loss grows by more than ``max_perf_inc``; else it is kept and
    ``lr ← lr·lr_inc`` if the loss fell. A discarded step also clears the momentum.
    Defaults: lr 0.01, lr_inc 1.05, lr_dec 0.7, max_perf_inc 1.04.
    """

    minibatch = False
    default_min_grad = 1e-5

    def __init__(self, lr=0.01, lr_inc=1.05, lr_dec=0.7, max_perf_inc=1.04):
        self._set(lr, 0.0, lr_inc, lr_dec, max_perf_inc)

    def _set(self, lr, mc, lr_inc, lr_dec, max_perf_inc):
        self.lr = _check_positive("lr", lr)
        self.mc = _check_fraction("mc", mc)
        self.lr_inc = _check_positive("lr_inc", lr_inc)
        self.lr_dec = _check_positive("lr_dec", lr_dec)
        self.max_perf_inc = _check_positive("max_perf_inc", max_perf_inc)
        if self.lr_inc < 1 or self.lr_dec >= 1 or self.max_perf_inc < 1:
            raise ValueError(
                f"need lr_inc >= 1 > lr_dec and max_perf_inc >= 1, got "
                f"{lr_inc!r}, {lr_dec!r}, {max_perf_inc!r}"
            )

    def init(self, objective, w):
        return AdaptiveState(self.lr, np.zeros_like(w))

    def step(self, objective, w, state):
        loss, g = objective.value_and_grad(w)
        lr = state.lr
        dw = self.mc * state.velocity - (1.0 - self.mc) * lr * g  # 1. trial step
        trial = objective.value(w + dw)
        info = StepInfo(grad_norm=float(np.linalg.norm(g)), lr=lr)
        if not np.isfinite(trial) or trial > loss * self.max_perf_inc:  # 2. discard
            info.loss = loss
            return w, AdaptiveState(lr * self.lr_dec, np.zeros_like(w)), info
        info.loss = trial  # 3. keep
        return w + dw, AdaptiveState(lr * self.lr_inc if trial < loss else lr, dw), info


@register("gdx", "traingdx")
class GDX(GDA):
    """MATLAB ``traingdx``: ``traingda``'s adaptive rate with momentum (mc 0.9)."""

    def __init__(self, lr=0.01, mc=0.9, lr_inc=1.05, lr_dec=0.7, max_perf_inc=1.04):
        self._set(lr, mc, lr_inc, lr_dec, max_perf_inc)
