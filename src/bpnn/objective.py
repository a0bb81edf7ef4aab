"""The objective that every training algorithm minimises.

``Objective(network, loss, X, Y, sample_weight, l2)`` is a function of the flat parameter
vector ``w`` only: algorithms never see layers. It offers what the algorithm families need:

* ``value(w)`` — the loss (plus ``l2/2 * ||weights||^2``);
* ``value_and_grad(w)`` — with the back-propagated gradient;
* ``batch(idx)`` — the same objective on a subset of rows (mini-batches);
* ``residuals_and_jacobian(w, rows)`` and ``gauss_newton(w)`` — for sum-of-squares losses,
  JᵀJ and Jᵀr accumulated over chunks of rows, so memory stays O(n_params²).
"""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._validation import check_pair, check_sample_weight
from .activations import Softmax
from .losses import MAE, MSE, SSE, CrossEntropy, get_loss

__all__ = ["Objective"]

_LEAN_LOSSES = (SSE, MSE, MAE, CrossEntropy)
_NO_WEIGHTS = np.empty(0)  # the row kernels' "every weight is 1"


class Objective:
    def __init__(self, network, loss, X, Y, sample_weight=None, l2=0.0, _checked=False):
        self.network = network
        self.loss = get_loss(loss)
        self.loss.check_output(network.activations[-1])
        if not _checked:  # (``train`` checked its arrays once, before splitting them)
            X, Y = check_pair(X, Y, network.n_inputs, network.n_outputs, network.dtype)
            sample_weight = check_sample_weight(sample_weight, X.shape[0])
        l2 = float(l2)
        if not np.isfinite(l2) or l2 < 0:
            raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
        self.X, self.Y, self.sample_weight, self.l2 = X, Y, sample_weight, l2
        self.weight_mask = network.weight_mask
        self.n_evals = 0
        # the lean passes use the compiled row kernels on large data (_kernels.ROWS_MIN_WORK)
        self.fused = self.lean and _kernels.rows_kernels_for(X.shape[0] * network.n_params)

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_params(self) -> int:
        return self.network.n_params

    def batch(self, idx) -> "Objective":
        """The same objective restricted to rows ``idx`` (loss normalised on the batch)."""
        sub = object.__new__(Objective)  # rows already checked: no validation
        sub.__dict__.update(self.__dict__)
        sub.X, sub.Y = self.X[idx], self.Y[idx]
        sub.sample_weight = None if self.sample_weight is None else self.sample_weight[idx]
        sub.n_evals = 0
        return sub

    # -- lean evaluation: preallocated buffers, in-place activations, chunks of rows --------
    @property
    def lean(self) -> bool:
        """True when the in-place, chunked paths apply (built-in activations and losses)."""
        return self.network._lean and type(self.loss) in _LEAN_LOSSES

    def _rows(self, X, Y, sw, total, grad=None, accumulate=False, need_value=True):
        """Loss of rows (X, Y, sw) as their share of a set whose total weight is ``total``;
        with ``grad`` also its gradient (added to ``grad`` when ``accumulate``). Without
        ``need_value`` a cross-entropy loss skips its value (returns nan): dL/dz = (y - d)/n
        needs no logarithms."""
        net = self.network
        ws = net._workspace(X.shape[0])
        softmax_ce = type(self.loss) is CrossEntropy and type(net.activations[-1]) is Softmax
        if self.fused and grad is not None and softmax_ce:
            # one kernel for the output layer's bias, softmax, loss and dL/dz; mean loss
            # over the whole set: value and delta both carry 1/total
            Z = net._forward_into(X, ws, raw_last=True, fused=True)
            w = _NO_WEIGHTS if sw is None else sw
            value = _kernels.softmax_ce_rows(Z, net.biases[-1], Y, w, 1.0 / total) / total
            net._backward_into(X, ws, Z, grad, accumulate, fused=True)
            return float(value)
        z, a = net._forward_into(X, ws, keep_z=True, fused=self.fused)
        if grad is None:
            value = self.loss.value_from_z(z, a, Y, net.activations[-1], sw)
        elif not need_value and type(self.loss) is CrossEntropy:
            value, delta = float("nan"), np.subtract(a, Y, out=a)
            if sw is not None:
                delta *= sw[:, None]
            delta /= X.shape[0] if sw is None else float(np.sum(sw))
        elif type(self.loss) is CrossEntropy:
            value, delta = self.loss.value_and_delta_(z, a, Y, net.activations[-1], sw)
        else:
            value, delta = self.loss.output_delta(z, a, Y, net.activations[-1], sw)
        if type(self.loss) is not SSE:  # mean losses: re-weight the chunk's mean
            part = X.shape[0] if sw is None else float(np.sum(sw))
            f = part / total
            value *= f
            if grad is not None and f != 1.0:
                delta *= f
        if grad is not None:
            net._backward_into(X, ws, delta, grad, accumulate, fused=self.fused)
        return value

    def _chunked(self, grad=None):
        """Sum of :meth:`_rows` over chunks of rows (memory bounded by the chunk size)."""
        n, sw = self.n_samples, self.sample_weight
        total = float(n) if sw is None else float(np.sum(sw))
        step = self.network._chunk_rows()
        value = 0.0
        for s in range(0, n, step):
            sl = slice(s, s + step)
            value += self._rows(
                self.X[sl],
                self.Y[sl],
                None if sw is None else sw[sl],
                total,
                grad,
                accumulate=s > 0,
            )
        return value

    def grad_rows(self, idx, grad, xbuf=None, ybuf=None, need_value=True):
        """Data loss of the mini-batch ``idx`` (normalised on the batch, the weight penalty
        NOT included) and the batch objective's gradient (penalty included) written into
        ``grad``, at the network's current parameters; rows are gathered into ``xbuf``/
        ``ybuf`` when given. The lean mini-batch step; needs :attr:`lean` and a C-ordered
        ``X`` (a row gather from a Fortran-ordered array costs ~100x more). With
        ``need_value=False`` the loss may be skipped (nan) where it costs extra work."""
        n = len(idx)
        # with ``out``, mode "raise" makes NumPy gather into a temporary first (so that a bad
        # index cannot leave ``out`` half written); indices checked once make that a waste
        mode = "clip" if xbuf is not None and self._valid_index(idx) else "raise"
        X = np.take(self.X, idx, axis=0, out=None if xbuf is None else xbuf[:n], mode=mode)
        Y = np.take(self.Y, idx, axis=0, out=None if ybuf is None else ybuf[:n], mode=mode)
        sw = None if self.sample_weight is None else self.sample_weight[idx]
        total = float(n) if sw is None else float(np.sum(sw))
        value = self._rows(X, Y, sw, total, grad, need_value=need_value)
        if self.l2:
            grad += self._penalty(self.network.params)[1]
        return value

    def _valid_index(self, idx) -> bool:
        """True when ``idx`` is an integer array within range (so clipping changes nothing)."""
        if not (isinstance(idx, np.ndarray) and idx.dtype.kind in "iu" and idx.size):
            return False
        return bool(idx.min() >= 0 and idx.max() < self.n_samples)

    def _set(self, w):
        if w is not self.network.params:
            self.network.params[...] = w

    def _penalty(self, w):
        if not self.l2:
            return 0.0, None
        ww = np.where(self.weight_mask, w, 0.0)
        return 0.5 * self.l2 * float(ww @ ww), self.l2 * ww

    def value(self, w) -> float:
        self._set(w)
        self.n_evals += 1
        if self.lean:
            return self._chunked() + self._penalty(w)[0]
        net = self.network
        trace = net.forward_trace(self.X)
        value = self.loss.value_from_z(
            trace.z[-1], trace.output, self.Y, net.activations[-1], self.sample_weight
        )
        return value + self._penalty(w)[0]

    def value_and_grad(self, w):
        self._set(w)
        self.n_evals += 1
        if self.lean:
            grad = np.empty_like(self.network.params)
            value = self._chunked(grad)
            pen, pgrad = self._penalty(w)
            if pgrad is not None:
                grad += pgrad
            return value + pen, grad
        net = self.network
        trace = net.forward_trace(self.X)
        value, delta = self.loss.output_delta(
            trace.z[-1], trace.n[-1], self.Y, net.activations[-1], self.sample_weight
        )
        grad = net.backward(trace, delta)
        pen, pgrad = self._penalty(w)
        if pgrad is not None:
            grad += pgrad
        return value + pen, grad

    # -- sum-of-squares structure (Levenberg–Marquardt, Bayesian regularisation) -----------
    def residual_scale(self):
        """``c`` with loss = c * sum sw r^2; raises ValueError for non-residual losses."""
        c = self.loss.residual_scale(self.Y, self.sample_weight)
        if c is None:
            raise ValueError(
                f"loss {self.loss.name!r} is not a sum of squares: "
                "Levenberg-Marquardt/Bayesian regularisation need 'sse' or 'mse' "
                "(set loss='mse', --loss mse in the CLI, as MATLAB's trainlm does for "
                "classifiers too)"
            )
        return c

    def residuals_and_jacobian(self, w, rows=slice(None)):
        """Residuals ``r = y - d`` (flattened, sample-major) and their Jacobian for ``rows``.

        With sample weights, both are scaled by sqrt(weight) so that sum r^2 is weighted.
        """
        self._set(w)
        X, Y = self.X[rows], self.Y[rows]
        out, J = self.network._outputs_and_jacobian(X)  # one forward pass for both
        r = out - Y
        if self.sample_weight is not None:
            s = np.sqrt(self.sample_weight[rows])[:, None]
            r = r * s
            J = J * np.repeat(s.ravel(), Y.shape[1])[:, None]
        return r.ravel(), J

    def gauss_newton(self, w, chunk_rows=None):
        """Return ``(sum_r2, JtJ, Jtr)`` accumulated over chunks of rows.

        Memory is bounded by ``chunk_rows * n_outputs * n_params`` for the Jacobian block plus
        ``n_params²`` for JᵀJ; the default chunk keeps a block near 8 MB.
        """
        P, m = self.n_params, self.network.n_outputs
        if chunk_rows is None:
            chunk_rows = max(1, int(1_000_000 // max(1, P * m)))
        JtJ = np.zeros((P, P))
        Jtr = np.zeros(P)
        sum_r2 = 0.0
        for start in range(0, self.n_samples, chunk_rows):
            r, J = self.residuals_and_jacobian(w, slice(start, start + chunk_rows))
            JtJ += J.T @ J
            Jtr += J.T @ r
            sum_r2 += float(r @ r)
        self.n_evals += 1
        return sum_r2, JtJ, Jtr
