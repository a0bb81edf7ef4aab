"""Levenberg–Marquardt (MATLAB ``trainlm``) and Bayesian regularisation (``trainbr``).

Both need a sum-of-squares loss ``E = c·Σ r²`` (``sse``: c = ½, ``mse``: c = 1/N); the
objective supplies ``JᵀJ``, ``Jᵀr`` and ``Σr²`` accumulated over chunks of rows
(:meth:`bpnn.Objective.gauss_newton`), so memory grows with n_params², never with
n_samples × n_params. Each step solves by Cholesky (LAPACK ``potrf``/``potrs``);
a matrix that is not positive definite counts as a failed trial.

LM (Hagan & Menhaj 1994): with ``λ = l2/(2c)`` for the weight decay and ``M`` the weight
mask, solve ``(JᵀJ + λM + μI)·δ = −(Jᵀr + λ·M·w)`` — the Gauss–Newton system of
``E + l2/2·|Mw|²`` divided by 2c, so ``μ`` means what it means in MATLAB. A step that does
not lower the loss is rejected and ``μ ← μ·μ_inc``; an accepted one sets ``μ ← μ·μ_dec``;
past ``μ_max`` training stops with "mu max".

BR (MacKay 1992; Foresee & Hagan 1997): minimise ``F = β·E_D + α·E_W`` with ``E_D = Σr²``
and ``E_W = Σw²`` by one LM step, then re-estimate
``γ = n_params − α·tr((βJᵀJ + αI)⁻¹)`` (the effective number of parameters),
``α = γ / (2E_W)`` and ``β = (N − γ) / (2E_D)`` with N the number of residuals.
"""

from __future__ import annotations

import contextlib
import math
from typing import NamedTuple

import numpy as np

from .base import Algorithm, StepInfo, _check_count, _check_positive, register

__all__ = ["LM", "BR", "LMState", "BRState"]


_BLAS: list = []


class _OneBlasThread:
    """Set the loaded BLAS libraries to one thread, and back on exit. It calls their
    set_num_threads directly: threadpoolctl's ``limit``, which re-reads every library's
    state, cost about 16 µs a time here against 4 µs, and LM enters this once per μ trial
    (a default forecaster's fit on AirPassengers: 0.78 s through ``limit``, 0.59 s this
    way). One object per use: fits running in threads (the app's) each restore their own."""

    def __init__(self, libs):
        self.libs, self.saved = libs, ()

    def __enter__(self):
        self.saved = tuple((lib, lib.num_threads) for lib in self.libs)
        for lib, n in self.saved:
            if n != 1:
                lib.set_num_threads(1)
        return self

    def __exit__(self, *exc):
        for lib, n in self.saved:
            if n != 1:
                lib.set_num_threads(n)
        return False


def _small_solve_context(n):
    """One BLAS thread for factorisations up to 1000 x 1000: OpenBLAS's thread hand-off
    costs more than the work there, by a factor of 1000 on a loaded machine (measured:
    0.25 s against 0.13 ms for 161 x 161 on 2 busy cores)."""
    if n > 1000:
        return contextlib.nullcontext()
    if not _BLAS:
        try:
            from threadpoolctl import ThreadpoolController

            ctl = ThreadpoolController()
            _BLAS.append([lib for lib in ctl.lib_controllers if lib.user_api == "blas"])
        except (ImportError, AttributeError):  # pragma: no cover
            _BLAS.append([])
    libs = _BLAS[0]
    return _OneBlasThread(libs) if libs else contextlib.nullcontext()


def _solve(A, b, mu):
    """Solve ``(A + μI)·x = b`` by Cholesky; None if ``A + μI`` is not positive definite.

    Each μ trial reuses A: one copy gets μ added on its diagonal and is factorised in place
    (no n×n identity, no second copy inside the factorisation).
    """
    M = A.copy()
    M.flat[:: M.shape[0] + 1] += mu  # A + μI, off-diagonal entries untouched
    if not np.all(np.isfinite(M)):
        return None
    from scipy.linalg.lapack import dpotrf as _potrf, dpotrs as _potrs  # (lazy: slow import)

    with _small_solve_context(A.shape[0]):
        # LAPACK's potrf/potrs directly (what cho_factor/cho_solve call, without their
        # per-call checks and copies): info > 0 means "not positive definite"
        # (M is symmetric: its transpose is the same matrix in the Fortran order LAPACK
        # factorises in place)
        c, info = _potrf(M.T, lower=0, clean=0, overwrite_a=1)
        if info != 0:
            return None
        x, info = _potrs(c, b)
        return x if info == 0 else None


class LMState(NamedTuple):
    mu: float


class _MuSchedule(Algorithm):
    minibatch = False
    default_min_grad = 1e-7

    def _chunk(self, objective):
        """Rows per Jacobian block: ``chunk_rows``, or a block of about 1 MB (2¹⁷ floats)."""
        if self.chunk_rows is not None:
            return self.chunk_rows
        return max(1, (1 << 17) // (objective.n_params * objective.network.n_outputs))

    def _set_mu(self, mu, mu_dec, mu_inc, mu_max, chunk_rows):
        self.mu = _check_positive("mu", mu)
        self.mu_dec = _check_positive("mu_dec", mu_dec)
        self.mu_inc = _check_positive("mu_inc", mu_inc)
        self.mu_max = _check_positive("mu_max", mu_max)
        if self.mu_dec >= 1 or self.mu_inc <= 1:
            raise ValueError(f"need mu_dec < 1 < mu_inc, got {mu_dec!r} and {mu_inc!r}")
        self.chunk_rows = _check_count("chunk_rows", chunk_rows, optional=True)

    def _trials(self, A, b, mu, value_at):
        """Try ``δ = −(A + μI)⁻¹b`` with growing μ until ``value_at(δ)`` is finite and lower.

        Returns ``(delta, value, mu_used)``, or ``(None, None, mu)`` once μ passes μ_max.
        """
        if not 0 < mu < math.inf:  # μ ≤ 0 would never grow: a damaged checkpoint (fuzzing)
            raise ValueError(f"mu must be a positive number, got {mu!r}")
        while mu <= self.mu_max:
            x = _solve(A, b, mu)
            if x is not None:
                v = value_at(-x)
                if v is not None:
                    return -x, v, mu
            mu *= self.mu_inc
        return None, None, mu


@register("lm", "trainlm")
class LM(_MuSchedule):
    """Levenberg–Marquardt; MATLAB's μ 1e-3, μ_dec 0.1, μ_inc 10, μ_max 1e10.

    ``chunk_rows`` sets the rows per Jacobian block (default: a block of about 1 MB).
    Memory per epoch, independent of the number of samples: about
    4 × chunk_rows × n_outputs × n_params floats for a block and its temporaries, plus a
    few n_params² matrices (JᵀJ, the shifted copy, its Cholesky factor).
    """

    def __init__(self, mu=1e-3, mu_dec=0.1, mu_inc=10.0, mu_max=1e10, chunk_rows=None):
        self._set_mu(mu, mu_dec, mu_inc, mu_max, chunk_rows)

    def init(self, objective, w):
        objective.residual_scale()  # refuses cross-entropy, mae with a ValueError
        return LMState(self.mu)

    def step(self, objective, w, state):
        c = objective.residual_scale()
        sum_r2, JtJ, Jtr = objective.gauss_newton(w, self._chunk(objective))
        lam = objective.l2 / (2.0 * c)
        mask = objective.weight_mask.astype(float)
        wm = mask * w
        loss = c * sum_r2 + 0.5 * objective.l2 * float(wm @ wm)
        b = Jtr + lam * wm  # ½c⁻¹ · gradient
        A = JtJ  # ½c⁻¹ · Gauss–Newton Hessian:
        A.flat[:: A.shape[0] + 1] += lam * mask  # JᵀJ + λM, in place (fresh JᵀJ)

        def value_at(delta):  # accept only a lower loss
            v = objective.value(w + delta)
            return v if np.isfinite(v) and v < loss else None

        delta, new_loss, mu = self._trials(A, b, state.mu, value_at)
        info = StepInfo(loss=loss, grad_norm=2.0 * c * float(np.linalg.norm(b)), mu=mu)
        if delta is None:
            info.stop = "mu max"
            return w, LMState(mu), info
        info.loss = new_loss
        return w + delta, LMState(max(mu * self.mu_dec, 1e-20)), info


class BRState(NamedTuple):
    mu: float
    alpha: float
    beta: float
    gamma: float


@register("br", "trainbr")
class BR(_MuSchedule):
    """Bayesian regularisation on top of LM (MATLAB ``trainbr``'s μ schedule).

    The record gets per-epoch ``gamma`` (effective number of parameters), ``alpha`` and
    ``beta`` in ``record.extra``. Its weight decay is the estimated α, so the objective's
    ``l2`` must be 0. A re-estimated α or β that is not positive (e.g. more parameters than
    residuals) keeps its previous value.

    As in MATLAB, validation does not stop BR (``validation_stop=False``, which the trainer
    consults): the evidence, not a held-out set, guards against over-fitting, so training
    runs to the goal, "mu max", "min grad" or the epoch budget and keeps its last
    parameters; validation (and test) losses are still computed and recorded.
    ``validation_stop=True`` restores the early stop and the best-validation restore.
    """

    estimates_weight_decay = True

    def __init__(
        self, mu=5e-3, mu_dec=0.1, mu_inc=10.0, mu_max=1e10, chunk_rows=None, validation_stop=False
    ):
        self._set_mu(mu, mu_dec, mu_inc, mu_max, chunk_rows)
        self.validation_stop = bool(validation_stop)

    @staticmethod
    def _n_residuals(objective):
        """The number of errors N in β = (N - γ) / 2E_D; a sample weight counts as that
        many copies of its row (E_D is the weighted sum of squares)."""
        sw = objective.sample_weight
        rows = objective.n_samples if sw is None else float(np.sum(sw))
        return rows * objective.network.n_outputs

    def init(self, objective, w):
        c = objective.residual_scale()
        if objective.l2:
            raise ValueError(
                f"trainbr estimates its own weight decay; l2 must be 0, got {objective.l2!r}"
            )
        gamma = float(w.size)  # MATLAB: start at all parameters
        ssE, ssX = objective.value(w) / c, float(w @ w)
        n = self._n_residuals(objective)
        beta = (n - gamma) / (2 * ssE) if ssE > 0 and n > gamma else 1.0
        alpha = gamma / (2 * ssX) if ssX > 0 else 1.0
        return BRState(self.mu, alpha, beta, gamma)

    def step(self, objective, w, st):
        c = objective.residual_scale()
        ssE, JtJ, Jtr = objective.gauss_newton(w, self._chunk(objective))
        a, b = st.alpha, st.beta
        F = b * ssE + a * float(w @ w)
        found = {}

        def value_at(delta):  # 1. LM trial on F = βE_D + αE_W
            w2 = w + delta
            e = objective.value(w2) / c
            F2 = b * e + a * float(w2 @ w2)
            if not np.isfinite(F2) or F2 >= F:
                return None
            found["ssE"] = e
            return F2

        bJ = b * JtJ
        H = bJ.copy()
        H.flat[:: w.size + 1] += a  # βJᵀJ + αI
        grad = b * Jtr + a * w  # ½ · gradient of F
        delta, _, mu = self._trials(H, grad, st.mu, value_at)
        info = StepInfo(loss=c * ssE, grad_norm=2 * float(np.linalg.norm(grad)), mu=mu)
        if delta is None:
            info.stop = "mu max"
            return w, st._replace(mu=mu), info
        w = w + delta
        ssE, ssX = found["ssE"], float(w @ w)
        # 2. re-estimate γ, α, β (MacKay), with the Hessian of the step just taken
        x = _solve(bJ, np.eye(w.size), a)
        gamma = w.size - a * float(np.trace(x)) if x is not None else st.gamma
        alpha = gamma / (2 * ssX) if ssX > 0 and gamma > 0 else a
        beta = (self._n_residuals(objective) - gamma) / (2 * ssE) if ssE > 0 else b
        beta = beta if beta > 0 else b
        info.loss = c * ssE
        info.extra = {"gamma": gamma, "alpha": alpha, "beta": beta}
        return w, BRState(max(mu * self.mu_dec, 1e-20), alpha, beta, gamma), info
