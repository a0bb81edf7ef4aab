"""Loss (performance) functions.

A loss maps network outputs ``Y`` (n, m) and targets ``T`` (n, m), with optional
per-sample weights ``sw`` (n,), to one number. It also gives ``dL/dY`` and, for
cross-entropy, the output-layer sensitivity ``dL/dz`` directly from the pre-activations
(stable and exact for logsig / softmax outputs).

Sum-of-squares losses also have a *residual form* ``L = scale * sum_i sw_i * sum_j r_ij^2``
with ``r = Y - T``: Levenberg–Marquardt works on the residuals and their Jacobian.

* ``sse`` — the tutorial's ``E = 1/2 sum_i sum_j (d - y)^2`` (scale 1/2).
* ``mse`` — MATLAB's ``mse``: the mean of ``(d - y)^2`` over samples x outputs.
* ``mae`` — the mean of ``|d - y|``, no residual form.
* ``cross_entropy`` — binary (logsig outputs, summed over outputs) or categorical
  (softmax outputs), averaged over samples.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation, GeneralizedSigmoid, Softmax

__all__ = ["Loss", "SSE", "MSE", "MAE", "CrossEntropy", "get_loss", "LOSSES"]


def _logsumexp_rows(Z):
    """``log(sum(exp(Z), axis=1))`` as a column, shifted by the row maximum so exp never
    overflows (a plain NumPy version: scipy's logsumexp costs ~5x more on small arrays,
    which dominated a softmax network's epoch on small data sets)."""
    m = np.max(Z, axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):  # a row of -inf: log(0) = -inf, as scipy's
        return m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))


def _total_weight(sw, n):
    return float(n) if sw is None else float(np.sum(sw))


def _rowweight(sw, arr):
    return arr if sw is None else arr * sw[:, None]


class Loss:
    name = "loss"
    #: integer code used by the compiled per-sample kernel
    code = -1

    def value(self, Y, T, sw=None) -> float:
        raise NotImplementedError

    def grad(self, Y, T, sw=None) -> np.ndarray:
        """dL/dY, same shape as Y."""
        raise NotImplementedError

    def residual_scale(self, T, sw=None):
        """``scale`` such that L = scale * sum sw r^2, or None when there is no such form."""
        return None

    def check_output(self, act: Activation) -> None:
        """Raise ValueError if this loss cannot be used with output activation ``act``."""

    def value_from_z(self, Z, Y, T, act: Activation, sw=None) -> float:
        """The loss given the output layer's pre-activations Z and outputs Y."""
        return self.value(Y, T, sw)

    def output_delta(self, Z, Y, T, act: Activation, sw=None):
        """Return (loss, dL/dZ) for the output layer."""
        return self.value(Y, T, sw), act.backprop(Z, Y, self.grad(Y, T, sw))

    def __repr__(self):
        return self.name


class SSE(Loss):
    """The tutorial's error ``E = 1/2 sum (d - y)^2`` over samples and outputs."""

    name, code = "sse", 0

    def value(self, Y, T, sw=None):
        r = Y - T
        return 0.5 * float(np.sum(_rowweight(sw, r * r)))

    def grad(self, Y, T, sw=None):
        return _rowweight(sw, Y - T)

    def residual_scale(self, T, sw=None):
        return 0.5


class MSE(Loss):
    """Mean squared error over samples x outputs (MATLAB's ``mse``)."""

    name, code = "mse", 1

    def _denom(self, T, sw):
        return _total_weight(sw, T.shape[0]) * T.shape[1]

    def value(self, Y, T, sw=None):
        r = Y - T
        return float(np.sum(_rowweight(sw, r * r))) / self._denom(T, sw)

    def grad(self, Y, T, sw=None):
        return _rowweight(sw, Y - T) * (2.0 / self._denom(T, sw))

    def residual_scale(self, T, sw=None):
        return 1.0 / self._denom(T, sw)


class MAE(Loss):
    """Mean absolute error over samples x outputs."""

    name, code = "mae", 3

    def value(self, Y, T, sw=None):
        d = _total_weight(sw, T.shape[0]) * T.shape[1]
        return float(np.sum(_rowweight(sw, np.abs(Y - T)))) / d

    def grad(self, Y, T, sw=None):
        d = _total_weight(sw, T.shape[0]) * T.shape[1]
        return _rowweight(sw, np.sign(Y - T)) / d


class CrossEntropy(Loss):
    """Cross-entropy, averaged over samples.

    With a logsig output it is the binary cross-entropy summed over the outputs
    (multi-label); with a softmax output the categorical one. It is computed from the
    pre-activations ``z`` (softplus / log-sum-exp), so it never takes log(0), and its
    output sensitivity is exactly ``(y - d) / n``.
    """

    name, code = "cross_entropy", 2

    def check_output(self, act):
        ok = isinstance(act, Softmax) or (
            isinstance(act, GeneralizedSigmoid) and act.A == 1.0 and act.B == 1.0
        )
        if not ok:
            raise ValueError(
                f"loss 'cross_entropy' needs a logsig or softmax output layer, got {act.name!r}"
            )

    def _per_sample(self, Z, T, act):
        if isinstance(act, Softmax):
            return np.sum(T * (_logsumexp_rows(Z) - Z), axis=1)
        return np.sum(np.logaddexp(0.0, Z) - T * Z, axis=1)

    def value_and_delta_(self, Z, Y, T, act, sw=None):
        """:meth:`output_delta` for the lean paths: the sensitivity ``(y - d)/n`` is written
        over ``Y`` (the network's own output buffer). With a softmax output the log-sum-exp
        of each row is read off the outputs already computed, ``lse = max(z) - log(max(y))``
        (exact: softmax keeps the order of z, and the largest output is at least 1/m, so its
        logarithm is finite), which saves the exponentials of a second pass."""
        self.check_output(act)
        n = _total_weight(sw, T.shape[0])
        if isinstance(act, Softmax):
            lse = np.max(Z, axis=1) - np.log(np.max(Y, axis=1))
            if sw is None:
                value = float(np.dot(lse, T.sum(axis=1)) - np.vdot(T, Z)) / n
            else:
                per = lse * T.sum(axis=1) - np.einsum("ij,ij->i", T, Z)
                value = float(np.dot(per, sw)) / n
        else:
            per = self._per_sample(Z, T, act)
            value = float(np.sum(per if sw is None else per * sw)) / n
        delta = np.subtract(Y, T, out=Y)
        if sw is not None:
            delta *= sw[:, None]
        delta /= n
        return value, delta

    def value_from_z(self, Z, Y, T, act, sw=None):
        per = self._per_sample(Z, T, act)
        return float(np.sum(per if sw is None else per * sw)) / _total_weight(sw, T.shape[0])

    def output_delta(self, Z, Y, T, act, sw=None):
        self.check_output(act)
        n = _total_weight(sw, T.shape[0])
        per = self._per_sample(Z, T, act)
        value = float(np.sum(per if sw is None else per * sw)) / n
        return value, _rowweight(sw, Y - T) / n

    def value(self, Y, T, sw=None):
        # From outputs only (used when z is not at hand): clip away from 0 and 1.
        eps = np.finfo(float).tiny
        n = _total_weight(sw, T.shape[0])
        Yc = np.clip(Y, eps, 1.0)
        if T.shape[1] > 1 and np.allclose(Y.sum(axis=1), 1.0):
            per = -np.sum(T * np.log(Yc), axis=1)
        else:
            per = -np.sum(T * np.log(Yc) + (1 - T) * np.log(np.clip(1 - Y, eps, 1.0)), axis=1)
        return float(np.sum(per if sw is None else per * sw)) / n

    def grad(self, Y, T, sw=None):
        raise TypeError("cross_entropy gradients are taken through output_delta()")


LOSSES = {
    "sse": SSE,
    "sumsqr": SSE,
    "sum_squared_error": SSE,
    "mse": MSE,
    "mean_squared_error": MSE,
    "mae": MAE,
    "cross_entropy": CrossEntropy,
    "crossentropy": CrossEntropy,
    "log_loss": CrossEntropy,
}


def get_loss(spec) -> Loss:
    """Turn a name or a :class:`Loss` into a Loss."""
    if isinstance(spec, Loss):
        return spec
    if isinstance(spec, str) and spec.strip().lower() in LOSSES:
        return LOSSES[spec.strip().lower()]()
    raise ValueError(f"unknown loss {spec!r}; choose one of {sorted(set(LOSSES))}")
