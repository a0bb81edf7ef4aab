"""Checking back-propagated gradients against finite differences."""

from __future__ import annotations

import numpy as np

from ._validation import check_pair, check_sample_weight
from .losses import get_loss

__all__ = ["gradcheck", "numerical_gradient"]


def numerical_gradient(f, w, h=1e-3):
    """Central differences refined by one Richardson step: error O(h⁴) instead of O(h²).

    ``D(h) = (f(w+h) - f(w-h)) / 2h``;  ``(4 D(h/2) - D(h)) / 3`` cancels the h² term,
    which lets h stay large enough that rounding error (≈ eps·|f|/h) is negligible.
    """
    w = np.array(w, dtype=np.float64)
    g = np.empty_like(w)
    for i in range(w.size):

        def d(step):
            old = w[i]
            w[i] = old + step
            fp = f(w)
            w[i] = old - step
            fm = f(w)
            w[i] = old
            return (fp - fm) / (2 * step)

        hi = h * max(1.0, abs(w[i]))
        g[i] = (4 * d(hi / 2) - d(hi)) / 3
    return g


def gradcheck(network, X, Y, loss="sse", sample_weight=None, h=1e-3, return_arrays=False):
    """Largest relative error between the back-propagated and the numerical gradient.

    The relative error of parameter i is ``|g_i - n_i| / max(|g_i| + |n_i|, floor)`` with
    ``floor = 1e-8 · max(1, max_j |g_j|)``, so gradients that are zero up to rounding do not
    turn noise into a large ratio. Below 1e-6 the gradients agree.
    """
    loss = get_loss(loss)
    X, Y = check_pair(X, Y, network.n_inputs, network.n_outputs)
    sw = check_sample_weight(sample_weight, X.shape[0])
    net = network.copy()
    _, g = net.loss_and_gradient(X, Y, loss, sw)

    def f(w):
        net.params = w
        return net.loss(X, Y, loss, sw)

    num = numerical_gradient(f, network.params.astype(np.float64), h)
    floor = 1e-8 * max(1.0, float(np.max(np.abs(g))))
    rel = np.abs(g - num) / np.maximum(np.abs(g) + np.abs(num), floor)
    err = float(rel.max()) if rel.size else 0.0
    return (err, g, num) if return_arrays else err
