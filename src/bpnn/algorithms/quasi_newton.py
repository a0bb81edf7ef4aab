"""Quasi-Newton methods: BFGS (``trainbfg``), one-step secant (``trainoss``) and L-BFGS.

All move along ``d = −H·g`` for an approximation ``H`` of the inverse Hessian built from
steps ``s = w_new − w`` and gradient changes ``y = g_new − g`` (Nocedal & Wright 2006,
ch. 6–7), with the shared line searches of :mod:`.linesearch`.

* ``bfgs`` keeps the dense ``H`` (n_params²): ``H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ``,
  ``ρ = 1/yᵀs``, started as ``(yᵀs / yᵀy)·I`` after the first step.
* ``oss`` — Battiti (1992): one BFGS update of ``H = I`` from the last pair only, so
  ``d = −g + A·s + B·y`` with ``B = sᵀg/sᵀy`` and
  ``A = −(1 + yᵀy/sᵀy)·sᵀg/sᵀy + yᵀg/sᵀy``; no matrix is stored.
* ``lbfgs`` — the last ``m`` pairs and the two-loop recursion (N&W Algorithm 7.4).
  SciPy's ``L-BFGS-B`` runs its own loop with hidden state, which a step-wise,
  checkpointable protocol cannot drive; the recursion is cross-checked against SciPy's
  ``LbfgsInvHessProduct`` in the tests.

Pairs with ``yᵀs ≤ 1e-10·|y||s|`` (no positive curvature) are skipped.
"""

from __future__ import annotations

import numpy as np

from .base import _check_count, register
from .linesearch import LineSearchMethod

__all__ = ["BFGS", "OSS", "LBFGS", "two_loop"]


def _curved(s, y):
    return float(y @ s) > 1e-10 * np.linalg.norm(y) * np.linalg.norm(s)


class _QuasiNewton(LineSearchMethod):
    c1, c2 = 1e-3, 0.9

    def __init__(self, line_search="backtracking"):
        self._check_search(line_search)

    def first_step(self, state, d, slope):
        if state.memory:
            return 1.0  # a quasi-Newton step has its own scale
        return super().first_step(state, d, slope)  # after a restart: a unit change of w


@register("bfgs", "trainbfg")
class BFGS(_QuasiNewton):
    """BFGS quasi-Newton with a dense inverse-Hessian approximation (MATLAB ``trainbfg``,
    backtracking search ``srchbac``)."""

    default_min_grad = 1e-6

    def direction(self, state, n_params):
        if not state.memory:
            return -state.g, {}
        return -(state.memory["H"] @ state.g), state.memory

    def fresh_memory(self, w):
        return {"H": np.zeros((0, 0))}

    def remember(self, memory, s, y):
        H = memory["H"]
        if not _curved(s, y):
            return memory if H.size else {"H": np.eye(s.size)}
        rho = 1.0 / float(y @ s)
        if not H.size:
            H = (float(y @ s) / float(y @ y)) * np.eye(s.size)
        Hy = H @ y
        # (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, expanded: H − ρ(s(Hy)ᵀ + (Hy)sᵀ) + (ρ²yᵀHy + ρ)ssᵀ
        H = (
            H
            - rho * (np.outer(s, Hy) + np.outer(Hy, s))
            + (rho * rho * float(y @ Hy) + rho) * np.outer(s, s)
        )
        return {"H": H}


@register("oss", "trainoss")
class OSS(_QuasiNewton):
    """Battiti's one-step secant (MATLAB ``trainoss``, backtracking search); restarts along
    ``−g`` every ``n_params`` iterations."""

    default_min_grad = 1e-10

    def direction(self, state, n_params):
        if not state.memory or state.k >= n_params:
            return -state.g, {}
        g, y, s = state.g, state.y, state.a * state.d
        sy = float(s @ y)
        if not _curved(s, y):
            return -g, {}
        B = float(s @ g) / sy
        A = -(1.0 + float(y @ y) / sy) * B + float(y @ g) / sy
        return -g + A * s + B * y, state.memory


def two_loop(g, S, Y, gamma=None):
    """``H·g`` for the L-BFGS matrix of the pairs (rows of S, Y, oldest first), with
    ``H₀ = γ·I``, by default ``γ = sᵀy / yᵀy`` of the newest pair (N&W Algorithm 7.4)."""
    q = g.copy()
    rho = 1.0 / np.einsum("ij,ij->i", S, Y)
    alpha = np.empty(len(S))
    for i in range(len(S) - 1, -1, -1):
        alpha[i] = rho[i] * float(S[i] @ q)
        q -= alpha[i] * Y[i]
    r = q * (float(S[-1] @ Y[-1]) / float(Y[-1] @ Y[-1]) if gamma is None else gamma)
    for i in range(len(S)):
        b = rho[i] * float(Y[i] @ r)
        r += (alpha[i] - b) * S[i]
    return r


@register("lbfgs")
class LBFGS(_QuasiNewton):
    """Limited-memory BFGS with ``m`` pairs (default 10) and the strong Wolfe search."""

    default_min_grad = 1e-6

    def __init__(self, m=10, line_search="wolfe"):
        self.m = _check_count("m", m)
        self._check_search(line_search)

    def direction(self, state, n_params):
        S = state.memory.get("S") if state.memory else None
        if S is None or not len(S):
            return -state.g, state.memory
        return -two_loop(state.g, S, state.memory["Y"]), state.memory

    def fresh_memory(self, w):
        return {"S": np.zeros((0, w.size)), "Y": np.zeros((0, w.size))}

    def remember(self, memory, s, y):
        if not _curved(s, y):
            return memory
        S = np.vstack([memory["S"], s])[-self.m :]
        Y = np.vstack([memory["Y"], y])[-self.m :]
        return {"S": S, "Y": Y}
