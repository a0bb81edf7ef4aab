"""Closed-loop (parallel) runs of a NAR/NARX network and their gradients.

In closed loop the network's own outputs replace the true past values of y: the
prediction of y(t) feeds the rows of y(t+1), ..., y(t+max(df)). :func:`simulate` runs B
such sequences side by side; :class:`ClosedLoopObjective` is the training objective of a
closed loop over a horizon of H steps from many starting points, so that the ordinary
trainer and algorithms can fine-tune a network "through its feedback".

Derivatives, beside the forward pass they differentiate (all in the scaled units the
network sees; the feedback is the identity there, as the targets and the fed-back lags
share one scaling):

* gradient — back-propagation through time (Werbos 1990): with ``a_k`` the outputs of step
  k and ``x_k`` its input row, ``dL/da_k = ∂L/∂a_k + Σ_d (dL/dx_{k+d})[cols of y(t-d)]``,
  accumulated from the last step back to the first; each step back-propagates
  ``dL/dz_k = f'(z_k) dL/da_k`` through the network (``Network.backward(...,
  input_grad=True)``) and adds its parameter gradient.
* Jacobian — forward sensitivities (real-time recurrent learning, Williams & Zipser 1989):
  ``S_k = da_k/dw = J_w(k) + Σ_d J_x(k)[:, :, cols_d] S_{k-d}``; ``JᵀJ`` and ``Jᵀr`` are
  accumulated step by step (memory: max(df) steps of B x n_y x n_params), which is what
  Levenberg–Marquardt and trainbr ask of an objective (MATLAB's trainlm on a closed-loop
  net computes the same dynamic derivatives).
"""

from __future__ import annotations

import numpy as np

from ..losses import get_loss
from ..objective import Objective
from .lags import feedback_columns, max_delay

__all__ = ["ClosedLoopObjective", "simulate", "windows"]


def _row(x_seq, buf, D, k, feedback_delays, input_delays):
    """The input rows (B, n_in) of step k (position D + k in the buffers)."""
    parts = [x_seq[:, D + k - d] for d in input_delays] if x_seq is not None else []
    parts += [buf[:, D + k - d] for d in feedback_delays]
    return np.concatenate(parts, axis=1) if len(parts) > 1 else np.ascontiguousarray(parts[0])


def simulate(network, y_hist, x_seq, steps, feedback_delays, input_delays, traces=None):
    """Run B sequences ``steps`` steps in closed loop; returns the outputs (B, steps, n_y).

    ``y_hist`` (B, D, n_y): the D values of y before the first step (only the last
    max(df) are read); ``x_seq`` (B, D + steps, n_x) or None: x from D steps before the
    first step to the last one. With a list ``traces``, each step's forward trace is
    appended to it (for the derivatives).
    """
    D = max_delay(feedback_delays, input_delays)
    B, n_y = y_hist.shape[0], network.n_outputs
    buf = np.empty((B, D + steps, n_y))
    buf[:, :D] = y_hist[:, y_hist.shape[1] - D :]
    for k in range(steps):
        row = _row(x_seq, buf, D, k, feedback_delays, input_delays)
        if traces is None:
            buf[:, D + k] = network.predict_unchecked(
                np.ascontiguousarray(row, dtype=network.dtype), kernel=False
            )
        else:
            tr = network.forward_trace(row)
            traces.append(tr)
            buf[:, D + k] = tr.output
    return buf[:, D:]


def windows(y, X, starts, horizon, feedback_delays, input_delays):
    """The closed-loop windows of series y (T, n_y), X (T, n_x) or None starting at the
    positions ``starts`` (each >= D, each + horizon <= T): ``(y_hist, x_seq, targets)``."""
    D = max_delay(feedback_delays, input_delays)
    starts = np.asarray(starts, dtype=np.int64)
    y_hist = np.stack([y[s - D : s] for s in starts])
    targets = np.stack([y[s : s + horizon] for s in starts])
    x_seq = (
        None
        if X is None or not input_delays
        else np.stack([X[s - D : s + horizon] for s in starts])
    )
    return y_hist, x_seq, targets


class ClosedLoopObjective(Objective):
    """The loss of closed-loop runs of ``horizon`` steps from the positions ``starts``.

    An :class:`~bpnn.objective.Objective` for the trainer and every algorithm: ``value``,
    ``value_and_grad`` (back-propagation through time), ``batch`` (a subset of the starting
    points: mini-batch algorithms) and, for sum-of-squares losses, ``gauss_newton`` (forward
    sensitivities) for Levenberg–Marquardt and trainbr. The "samples" are the B starting
    points; the loss (e.g. mse) is taken over all B x horizon x n_y predictions.

    Parameters
    ----------
    network : Network with n_inputs = n_x * len(input_delays) + n_y * len(feedback_delays)
    loss : "mse", "sse" or "mae" (the open-loop training's)
    y, X : scaled series (T, n_y) and (T, n_x) or None
    starts : positions of the first predicted value of every window
    """

    def __init__(self, network, loss, y, X, starts, horizon, feedback_delays, input_delays, l2=0.0):
        if not feedback_delays:
            raise ValueError(
                "closed-loop training needs feedback delays: a network without "
                "them (timedelaynet) has no loop to close"
            )
        self.network = network
        self.loss = get_loss(loss)
        self.loss.check_output(network.activations[-1])
        if not all(a.elementwise for a in network.activations):
            raise ValueError(
                "closed-loop training needs element-wise activations, got "
                f"{[a.name for a in network.activations]}"
            )
        self.horizon = int(horizon)
        self.feedback_delays, self.input_delays = tuple(feedback_delays), tuple(input_delays)
        self.y_hist, self.x_seq, self.targets = windows(
            y, X, starts, self.horizon, feedback_delays, input_delays
        )
        self.starts = np.asarray(starts, dtype=np.int64)
        self.sample_weight, self.l2 = None, float(l2)
        self.weight_mask = network.weight_mask
        self.n_evals = 0
        n_y = network.n_outputs
        n_x = 0 if self.x_seq is None else self.x_seq.shape[2]
        self._fb_cols = feedback_columns(n_y, n_x, self.feedback_delays, self.input_delays)

    @property
    def n_samples(self) -> int:
        return self.y_hist.shape[0]

    @property
    def lean(self) -> bool:  # no in-place row paths: every algorithm takes the general one
        return False

    @property
    def Y(self):
        """The targets stacked as rows (B * horizon, n_y), step-major."""
        return self.targets.transpose(1, 0, 2).reshape(-1, self.targets.shape[2])

    def batch(self, idx) -> ClosedLoopObjective:
        sub = object.__new__(ClosedLoopObjective)
        sub.__dict__.update(self.__dict__)
        sub.y_hist, sub.targets = self.y_hist[idx], self.targets[idx]
        sub.x_seq = None if self.x_seq is None else self.x_seq[idx]
        sub.starts = self.starts[idx]
        sub.n_evals = 0
        return sub

    # -- forward --------------------------------------------------------------------------
    def _run(self, w, traces=None):
        self._set(w)
        self.n_evals += 1
        return simulate(
            self.network,
            self.y_hist,
            self.x_seq,
            self.horizon,
            self.feedback_delays,
            self.input_delays,
            traces,
        )

    def value(self, w) -> float:
        out = self._run(w)  # (B, H, n_y)
        A = out.transpose(1, 0, 2).reshape(-1, out.shape[2])
        return float(self.loss.value(A, self.Y)) + self._penalty(w)[0]

    # -- back-propagation through time ----------------------------------------------------
    def value_and_grad(self, w):
        traces = []
        self._run(w, traces)
        net, act = self.network, self.network.activations[-1]
        H = self.horizon
        Z = np.concatenate([t.z[-1] for t in traces])  # (H * B, n_y), step-major
        A = np.concatenate([t.output for t in traces])
        value, direct = self.loss.output_delta(Z, A, self.Y, act, None)
        B = self.n_samples
        direct = direct.reshape(H, B, -1)
        fed = np.zeros_like(direct)  # dL/da_k arriving through the feedback
        grad = np.zeros(net.n_params)
        for k in range(H - 1, -1, -1):
            # 1. dL/dz_k: the loss's own term plus the feedback's, through f'
            dz = direct[k] + act.backprop(traces[k].z[-1], traces[k].output, fed[k])
            # 2. through the network: parameters and the input row
            g, dX = net.backward(traces[k], dz, input_grad=True)
            grad += g
            # 3. the row's y(t-d) columns were the outputs of step k - d
            for d, cols in zip(self.feedback_delays, self._fb_cols):
                if k - d >= 0:
                    fed[k - d] += dX[:, cols]
        pen, pgrad = self._penalty(w)
        if pgrad is not None:
            grad += pgrad
        return float(value) + pen, grad

    # -- sum of squares: forward sensitivities --------------------------------------------
    def residual_scale(self):
        c = self.loss.residual_scale(self.Y, None)
        if c is None:
            raise ValueError(
                f"loss {self.loss.name!r} is not a sum of squares: "
                "Levenberg-Marquardt/Bayesian regularisation need 'sse' or 'mse'"
            )
        return c

    def gauss_newton(self, w, chunk_rows=None):
        """``(sum_r2, JᵀJ, Jᵀr)`` of the residuals r = a - target over all B x H x n_y
        closed-loop predictions, from forward sensitivities (see the module docstring)."""
        self._set(w)
        self.n_evals += 1
        net = self.network
        D = max_delay(self.feedback_delays, self.input_delays)
        B, n_y, P, H = self.n_samples, net.n_outputs, net.n_params, self.horizon
        buf = np.empty((B, D + H, n_y))
        buf[:, :D] = self.y_hist[:, self.y_hist.shape[1] - D :]
        sens = {}  # step -> S_k (B, n_y, P), the last max(df) kept
        JtJ, Jtr, sum_r2 = np.zeros((P, P)), np.zeros(P), 0.0
        keep = max(self.feedback_delays)
        for k in range(H):
            row = _row(self.x_seq, buf, D, k, self.feedback_delays, self.input_delays)
            out, Jw, Jx = net._outputs_and_jacobian(net._check_X(row), input_jacobian=True)
            S = Jw.reshape(B, n_y, P)
            for d, cols in zip(self.feedback_delays, self._fb_cols):
                if k - d >= 0:
                    S = S + np.einsum("bij,bjp->bip", Jx[:, :, cols], sens[k - d])
            sens[k] = S
            sens.pop(k - keep, None)
            buf[:, D + k] = out
            r = (out - self.targets[:, k]).reshape(-1)
            J = S.reshape(B * n_y, P)
            JtJ += J.T @ J
            Jtr += J.T @ r
            sum_r2 += float(r @ r)
        return sum_r2, JtJ, Jtr

    def residuals_and_jacobian(self, w, rows=slice(None)):
        raise ValueError(
            "a closed-loop objective gives JᵀJ and Jᵀr (gauss_newton), not the "
            "residual Jacobian row by row"
        )
