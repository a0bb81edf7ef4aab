"""One-dimensional searches along a direction, written once for CG, BFGS, OSS and L-BFGS.

A search minimises ``phi(a) = f(w + a·d)`` for ``a > 0`` given ``phi(0) = f0`` and the slope
``phi'(0) = g0·d < 0``. It returns a :class:`LineResult` with the step, the loss and the
gradient at ``w + a·d`` (reused by the caller as the next iteration's gradient), and
``a = 0`` when no acceptable step was found.

* :func:`backtracking` — Armijo sufficient decrease with quadratic then cubic
  interpolation (Dennis & Schnabel 1983, A6.3.1; MATLAB's ``srchbac``).
* :func:`wolfe` — strong Wolfe conditions by bracketing and zoom with cubic
  interpolation (Nocedal & Wright 2006, Algorithms 3.5 and 3.6); it plays the part of
  MATLAB's ``srchcha`` (Charalambous' hybrid search, which seeks the same conditions).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Algorithm, StepInfo

__all__ = [
    "LineResult",
    "backtracking",
    "wolfe",
    "LINE_SEARCHES",
    "get_line_search",
    "Line",
    "SearchState",
    "LineSearchMethod",
]


class LineResult(NamedTuple):
    a: float  # the step taken (0 if none was acceptable)
    f: float  # phi(a)
    g: np.ndarray  # gradient at w + a·d
    n_evals: int


class Line:
    """``phi`` along ``w + a·d`` through an objective, counting evaluations."""

    def __init__(self, objective, w, d):
        self.obj, self.w, self.d, self.n = objective, w, d, 0

    def f(self, a):
        self.n += 1
        return self.obj.value(self.w + a * self.d)

    def fg(self, a):
        self.n += 1
        f, g = self.obj.value_and_grad(self.w + a * self.d)
        return f, g, float(g @ self.d)


def _cubic_min(a0, f0, d0, a1, f1, d1):
    """Minimiser of the cubic through (a0, f0, f'0) and (a1, f1, f'1), or None."""
    if a0 == a1 or not np.isfinite([f0, f1, d0, d1]).all():
        return None
    d_1 = d0 + d1 - 3 * (f0 - f1) / (a0 - a1)
    rad = d_1 * d_1 - d0 * d1
    if rad < 0:
        return None
    d_2 = np.sign(a1 - a0) * np.sqrt(rad)
    den = d1 - d0 + 2 * d_2
    if den == 0:
        return None
    return a1 - (a1 - a0) * (d1 + d_2 - d_1) / den


def backtracking(line, f0, slope0, a0=1.0, c1=1e-3, c2=None, shrink=(0.1, 0.5), max_iter=30):
    """Armijo backtracking: accept ``a`` once ``phi(a) <= f0 + c1·a·phi'(0)`` (``c2`` unused).

    The first retry minimises the quadratic through ``phi(0), phi'(0), phi(a)``, later ones
    the cubic through the last two trials; each new ``a`` is kept within
    ``[shrink[0]·a, shrink[1]·a]`` of the previous one. ``c1 = 1e-3`` is MATLAB's ``alpha``.
    """
    a, a_prev, f_prev = a0, None, None
    for i in range(max_iter):
        if not (np.isfinite(a) and a * a > 0):  # underflowed (e.g. a gradient of 1e200):
            break  # no step, rather than a division by zero
        # the first trial (a quasi-Newton method's full step) is nearly always accepted, so it
        # is evaluated with its gradient (one pass, not a loss pass and then another for the
        # gradient); later trials evaluate the loss only
        fa, ga, _ = line.fg(a) if i == 0 else (line.f(a), None, None)
        if np.isfinite(fa) and fa <= f0 + c1 * a * slope0:
            if ga is None:
                fa, ga, _ = line.fg(a)
            return LineResult(a, fa, ga, line.n)
        if not np.isfinite(fa) or a_prev is None:
            # quadratic: phi(a) ≈ f0 + slope0·a + c·a²,
            # minimum at −slope0·a²/(2(fa − f0 − slope0·a))
            new = -slope0 * a * a / (2 * (fa - f0 - slope0 * a)) if np.isfinite(fa) else 0.1 * a
        else:
            # cubic through (0, f0, slope0), (a, fa), (a_prev, f_prev):
            # phi ≈ f0 + slope0·t + b t² + c t³
            r1, r2 = fa - f0 - slope0 * a, f_prev - f0 - slope0 * a_prev
            c = (r1 / a**2 - r2 / a_prev**2) / (a - a_prev)
            b = (-a_prev * r1 / a**2 + a * r2 / a_prev**2) / (a - a_prev)
            disc = b * b - 3 * c * slope0
            new = -slope0 / (2 * b) if abs(c) < 1e-300 else (-b + np.sqrt(max(disc, 0))) / (3 * c)
        a_prev, f_prev = a, fa
        a = float(np.clip(new if np.isfinite(new) else 0.5 * a, shrink[0] * a, shrink[1] * a))
    f, g, _ = line.fg(0.0)
    return LineResult(0.0, f, g, line.n)


def _zoom(line, f0, slope0, lo, hi, c1, c2, max_iter):
    """Shrink the bracket [lo, hi] (tuples (a, f, slope)) until strong Wolfe holds."""
    for _ in range(max_iter):
        a = _cubic_min(*lo, *hi)
        width = abs(hi[0] - lo[0])
        if width <= 1e-12 * max(abs(lo[0]), abs(hi[0])):
            break
        a_lo, a_hi = min(lo[0], hi[0]) + 0.1 * width, max(lo[0], hi[0]) - 0.1 * width
        if a is None or not (a_lo <= a <= a_hi):
            a = 0.5 * (lo[0] + hi[0])  # bisect when the cubic misbehaves
        fa, ga, sa = line.fg(a)
        if not np.isfinite(fa) or fa > f0 + c1 * a * slope0 or fa >= lo[1]:
            hi = (a, fa, sa)
        else:
            if abs(sa) <= -c2 * slope0:
                return LineResult(a, fa, ga, line.n)
            if sa * (hi[0] - lo[0]) >= 0:
                hi = lo
            lo = (a, fa, sa)
    if lo[0] > 0 and lo[1] < f0:  # best point seen, Armijo holds
        f, g, _ = line.fg(lo[0])
        return LineResult(lo[0], f, g, line.n)
    f, g, _ = line.fg(0.0)
    return LineResult(0.0, f, g, line.n)


def wolfe(line, f0, slope0, a0=1.0, c1=1e-4, c2=0.1, a_max=1e6, max_iter=25):
    """Strong Wolfe search: ``phi(a) <= f0 + c1·a·phi'(0)`` and ``|phi'(a)| <= c2·|phi'(0)|``.

    ``c2 = 0.1`` suits conjugate gradients (near-exact searches); quasi-Newton methods use 0.9.
    """
    prev = (0.0, f0, slope0)
    a = a0
    for i in range(max_iter):
        fa, ga, sa = line.fg(a)
        if not np.isfinite(fa) or fa > f0 + c1 * a * slope0 or (i > 0 and fa >= prev[1]):
            return _zoom(line, f0, slope0, prev, (a, fa, sa), c1, c2, max_iter)
        if abs(sa) <= -c2 * slope0:
            return LineResult(a, fa, ga, line.n)
        if sa >= 0:
            return _zoom(line, f0, slope0, (a, fa, sa), prev, c1, c2, max_iter)
        prev, a = (a, fa, sa), min(2.0 * a, a_max)  # still descending: extrapolate
    return LineResult(prev[0], prev[1], line.fg(prev[0])[1], line.n)


LINE_SEARCHES = {
    "backtracking": backtracking,
    "srchbac": backtracking,
    "wolfe": wolfe,
    "srchcha": wolfe,
}


def get_line_search(name):
    """A search function by name (``"backtracking"``/``"srchbac"``, ``"wolfe"``/``"srchcha"``)."""
    key = str(name).lower()
    if key not in LINE_SEARCHES:
        raise ValueError(f"unknown line search {name!r}; choose one of {sorted(LINE_SEARCHES)}")
    return LINE_SEARCHES[key]


# -- the skeleton shared by every line-search method --------------------------------------
class SearchState(NamedTuple):
    f: float  # loss at w
    g: np.ndarray  # gradient at w
    d: np.ndarray  # the last search direction
    y: np.ndarray  # g(w) − g(w_prev), the last change of gradient
    a: float  # the last step length (0 before the first step)
    slope: float  # the last phi'(0) = g_prev·d
    k: float  # iterations since the last restart
    memory: dict  # method-specific arrays (BFGS's H, L-BFGS's pairs, ...)


class LineSearchMethod(Algorithm):
    """An iteration ``w ← w + a·d``: a method-specific direction, a shared line search.

    Subclasses give ``direction(state, n_params) -> (d, memory)`` (``d = −g`` and empty
    memory mean a restart) and ``remember(memory, s, y) -> memory`` after each step. If the
    search finds no decrease along ``d`` the method restarts along ``−g``; if that fails too
    the algorithm reports the stop reason "line search failed" (a numerical minimum).
    ``StepInfo.grad_norm`` is the gradient norm at the *new* point (known from the search),
    ``lr`` the step length ``a``.
    """

    minibatch = False
    c1, c2 = 1e-4, 0.1

    def _check_search(self, line_search):
        get_line_search(line_search)
        self.line_search = str(line_search).lower()

    def init(self, objective, w):
        f, g = objective.value_and_grad(w)
        z = np.zeros_like(w)
        return SearchState(float(f), g, z, z, 0.0, 0.0, 0.0, {})

    def direction(self, state, n_params):
        return -state.g, {}

    def remember(self, memory, s, y):
        return memory

    def first_step(self, state, d, slope):
        """Initial trial step: ``a_prev·slope_prev/slope`` after a step (Nocedal & Wright
        3.60), a unit change of ``w`` after a restart."""
        if state.a > 0 and state.memory:
            return float(min(1e3, state.a * state.slope / slope))
        m = float(np.max(np.abs(d))) if d.size else 0.0  # |d| without overflowing
        return float(1.0 / max(m * np.linalg.norm(d / m), 1e-12)) if m > 0 else 1.0

    def _search(self, objective, w, state, d):
        slope = float(state.g @ d)
        a0 = self.first_step(state, d, slope)
        search = get_line_search(self.line_search)
        return search(Line(objective, w, d), state.f, slope, a0=a0, c1=self.c1, c2=self.c2), slope

    def step(self, objective, w, state):
        d, memory = self.direction(state, w.size)
        if not memory or float(state.g @ d) >= 0:  # restart along steepest descent
            d, memory = -state.g, {}
        res, slope = self._search(objective, w, state, d)
        if res.a == 0 and memory:  # no decrease: retry along −g
            d, memory = -state.g, {}
            res, slope = self._search(objective, w, state._replace(memory={}), d)
        if res.a == 0:
            return (
                w,
                state,
                StepInfo(
                    loss=state.f,
                    grad_norm=float(np.linalg.norm(state.g)),
                    lr=0.0,
                    stop="line search failed",
                ),
            )
        s, y = res.a * d, res.g - state.g
        k = state.k + 1 if memory else 1.0
        memory = self.remember(memory if memory else self.fresh_memory(w), s, y)
        info = StepInfo(loss=res.f, grad_norm=float(np.linalg.norm(res.g)), lr=res.a)
        return w + s, SearchState(float(res.f), res.g, d, y, res.a, slope, k, memory), info

    def fresh_memory(self, w):
        """The memory right after a restart (must be a non-empty dict)."""
        return {"restart": np.zeros(0)}
