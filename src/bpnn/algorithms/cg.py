"""Conjugate-gradient methods with a line search (MATLAB ``traincgf``, ``traincgp``, ``traincgb``).

Each iteration moves along ``d = −g + β·d_prev`` with the shared line search
(:mod:`.linesearch`, strong Wolfe with c2 = 0.1 by default); every method restarts along
``−g`` after ``n_params`` iterations or when ``d`` is not a descent direction.

* ``cgf`` — Fletcher & Reeves (1964): ``β = g·g / g_prev·g_prev``.
* ``cgp`` — Polak & Ribière (1969): ``β = g·(g − g_prev) / g_prev·g_prev``.
* ``cgb`` — Powell (1977) restarts of Beale's (1972) three-term method: restart when
  ``|g_prev·g| ≥ 0.2·|g|²`` (too little orthogonality left); a restart keeps the last
  direction ``d_t`` and ``y_t = g − g_prev``, and later directions are
  ``d = −g + β·d_prev + γ·d_t`` with ``β = g·y / d_prev·y`` and ``γ = g·y_t / d_t·y_t``;
  a direction outside ``−1.2|g|² ≤ d·g ≤ −0.8|g|²`` falls back to ``−g``.
"""

from __future__ import annotations

from .base import register
from .linesearch import LineSearchMethod

__all__ = ["CGF", "CGP", "CGB"]


class _CG(LineSearchMethod):
    default_min_grad = 1e-10  # MATLAB traincg*'s min_grad

    def __init__(self, line_search="wolfe"):
        self._check_search(line_search)

    def beta(self, g, g_prev):
        raise NotImplementedError

    def direction(self, state, n_params):
        if not state.memory or state.k >= n_params:
            return -state.g, {}
        g_prev = state.g - state.y
        return -state.g + self.beta(state.g, g_prev) * state.d, state.memory


@register("cgf", "traincgf")
class CGF(_CG):
    """Fletcher–Reeves conjugate gradient (MATLAB ``traincgf``)."""

    def beta(self, g, g_prev):
        return float(g @ g) / float(g_prev @ g_prev)


@register("cgp", "traincgp")
class CGP(_CG):
    """Polak–Ribière conjugate gradient (MATLAB ``traincgp``)."""

    def beta(self, g, g_prev):
        return float(g @ (g - g_prev)) / float(g_prev @ g_prev)


@register("cgb", "traincgb")
class CGB(_CG):
    """Conjugate gradient with Powell–Beale restarts (MATLAB ``traincgb``)."""

    def direction(self, state, n_params):
        g, d_prev, y = state.g, state.d, state.y
        if not state.memory or state.k >= n_params:
            return -g, {}
        gg = float(g @ g)
        beta = float(g @ y) / float(d_prev @ y) if float(d_prev @ y) != 0 else 0.0
        memory = state.memory
        if abs(float((g - y) @ g)) >= 0.2 * gg or "dt" not in memory:
            memory = {"dt": d_prev, "yt": y}  # Powell's restart: new d_t
            d = -g + beta * d_prev
        else:
            dt, yt = memory["dt"], memory["yt"]
            den = float(dt @ yt)
            gamma = float(g @ yt) / den if den != 0 else 0.0
            d = -g + beta * d_prev + gamma * dt
        if not -1.2 * gg <= float(d @ g) <= -0.8 * gg:  # Powell's descent safeguard
            return -g, {}
        return d, memory
