"""Scaled conjugate gradient (Møller 1993; MATLAB ``trainscg``).

M. F. Møller, "A scaled conjugate gradient algorithm for fast supervised learning",
Neural Networks 6 (1993) 525–533. No line search: the curvature along ``p`` comes from a
finite difference of gradients, and a Levenberg–Marquardt-like ``λ`` keeps the local
quadratic model honest. One iteration (two gradients) is one epoch; the record's
``mu`` series holds λ. The step numbers in the comments are the paper's.

A non-finite trial point is only a step that went too far (λ grows, step 8); but a
non-finite gradient a hair from ``w`` (the step-2 probe), or a non-finite loss at ``w``
itself, means the objective broke there: the step then reports a NaN loss, so that the
trainer ends with "diverged" as for every other algorithm.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Algorithm, StepInfo, _check_positive, register

__all__ = ["SCG", "SCGState"]


class SCGState(NamedTuple):
    f: float  # E(w)
    g: np.ndarray  # E'(w)  (r = −g)
    p: np.ndarray  # search direction
    lam: float  # λ, the scale
    lam_bar: float  # λ̄
    delta: float  # δ = pᵀs (scaled), kept across failed steps
    success: bool
    k: float  # iterations since the last restart


@register("scg", "trainscg")
class SCG(Algorithm):
    """Møller's scaled conjugate gradient; ``sigma`` 5e-5 and ``lam`` 5e-7 as MATLAB."""

    minibatch = False
    default_min_grad = 1e-6

    def __init__(self, sigma=5e-5, lam=5e-7):
        self.sigma = _check_positive("sigma", sigma)
        self.lam = _check_positive("lam", lam)

    def init(self, objective, w):
        f, g = objective.value_and_grad(w)
        return SCGState(float(f), g, -g, self.lam, 0.0, 0.0, True, 0.0)

    def step(self, objective, w, st):
        r, p, lam, lam_bar, delta = -st.g, st.p, st.lam, st.lam_bar, st.delta
        if float(p @ r) <= 0:  # lost descent (rounding): restart
            p, st = r.copy(), st._replace(success=True, k=0.0)
        pp = float(p @ p)
        info = StepInfo(loss=st.f, grad_norm=float(np.linalg.norm(st.g)), mu=lam)
        if pp == 0.0:
            info.stop = "min grad"
            return w, st, info
        if st.success:  # 2. second-order information: δ = pᵀ(E'(w + σ_k p) − E'(w))/σ_k
            sig = self.sigma / np.sqrt(pp)
            delta = float(p @ (objective.value_and_grad(w + sig * p)[1] - st.g)) / sig
            if not np.isfinite(delta):  # broken at w: let the trainer see it
                info.loss = float("nan")
                return w, st, info
        delta += (lam - lam_bar) * pp  # 3. scale
        if delta <= 0:  # 4. make the Hessian positive
            lam_bar = 2.0 * (lam - delta / pp)
            delta, lam = -delta + lam * pp, lam_bar
        mu = float(p @ r)  # 5. step size
        alpha = mu / delta
        # 6. comparison parameter; the trial's gradient comes with its loss in one pass, as
        # nearly every step succeeds (and then needs it)
        w_new = w + alpha * p
        f_new, g_new = objective.value_and_grad(w_new)
        if not np.isfinite(f_new) and not np.isfinite(objective.value(w)):
            info.loss = float("nan")  # not a long step: broken at w
            return w, st, info
        Delta = 2.0 * delta * (st.f - f_new) / (mu * mu) if np.isfinite(f_new) else -1.0
        if Delta >= 0:  # 7. successful reduction
            w = w_new
            k = st.k + 1
            if k >= w.size:
                p, k = -g_new, 0.0  # restart
            else:
                beta = (float(g_new @ g_new) + float(g_new @ r)) / mu
                p = -g_new + beta * p
            if Delta >= 0.75:
                lam *= 0.25
            st = SCGState(float(f_new), g_new, p, lam, 0.0, delta, True, k)
        else:
            st = st._replace(lam=lam, lam_bar=lam, delta=delta, success=False)
        if Delta < 0.25:  # 8. increase the scale
            lam = st.lam + delta * (1.0 - Delta) / pp
            st = st._replace(lam=min(lam, 1e100))
        info.loss, info.mu = st.f, st.lam
        return w, st, info
