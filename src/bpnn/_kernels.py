"""Hot loops over flat arrays, compiled with Numba when it is available.

The per-sample (incremental) back-propagation of the tutorial lives here as one function
over flat arrays: parameters, the layer layout, activation codes (see
:mod:`bpnn.activations`) and the data. The same source runs un-compiled (``*.py_func`` or
``BPNN_DISABLE_JIT=1``), which the tests use as the reference.
"""
from __future__ import annotations

import math
import os

import numpy as np

try:  # Numba is a core dependency, but the code must still run where it cannot compile.
    if os.environ.get("BPNN_DISABLE_JIT"):
        raise ImportError
    from numba import njit as _njit

    def jit(f):
        return _njit(cache=True, nogil=True)(f)
    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only without numba
    def jit(f):
        f.py_func = f
        return f
    HAVE_NUMBA = False

LOSS_SSE, LOSS_MSE, LOSS_CE, LOSS_MAE = 0, 1, 2, 3


@jit
def activate(code, A, B, z, a, off, n):
    """a[off:off+n] = f(z[off:off+n]) for activation ``code``."""
    if code == 0:
        for u in range(off, off + n):
            a[u] = z[u]
    elif code == 1:
        for u in range(off, off + n):
            t = z[u] / B
            if t >= 0.0:
                a[u] = A / (1.0 + math.exp(-t))
            else:
                e = math.exp(t)
                a[u] = A * e / (1.0 + e)
    elif code == 2:
        for u in range(off, off + n):
            a[u] = math.tanh(z[u])
    elif code == 3:
        for u in range(off, off + n):
            a[u] = z[u] if z[u] > 0.0 else 0.0
    else:
        mx = z[off]
        for u in range(off, off + n):
            mx = max(mx, z[u])
        s = 0.0
        for u in range(off, off + n):
            a[u] = math.exp(z[u] - mx)
            s += a[u]
        for u in range(off, off + n):
            a[u] /= s


@jit
def backprop_act(code, A, B, z, a, off, n, g):
    """g[:n] <- dL/dz given g[:n] = dL/da, for the units a[off:off+n]."""
    if code == 0:
        return
    if code == 1:
        for u in range(n):
            au = a[off + u]
            g[u] *= au * (A - au) / (A * B)
    elif code == 2:
        for u in range(n):
            au = a[off + u]
            g[u] *= 1.0 - au * au
    elif code == 3:
        for u in range(n):
            if z[off + u] <= 0.0:
                g[u] = 0.0
    else:
        s = 0.0
        for u in range(n):
            s += g[u] * a[off + u]
        for u in range(n):
            g[u] = a[off + u] * (g[u] - s)


@jit
def sgd_epoch(params, sizes, w_off, b_off, codes, A, B, X, Y, sw, order,
              lr_w, lr_b, momentum, vel, l2, loss_code):
    """One epoch of per-sample back-propagation, updating ``params`` in place.

    For each sample in ``order``: forward pass, output sensitivity from the loss of that one
    sample, then layer by layer from the output down: delta(k-1) is computed with the old
    W(k) and only then W(k), b(k) are updated (w -= lr_w * dE/dw, b -= lr_b * dE/db), as in
    the tutorial. Optional heavy-ball momentum (``vel``) and L2 decay of the weights.
    Returns the sum over samples of each sample's loss before its update.
    """
    L = sizes.shape[0] - 1
    a_off = np.zeros(L + 2, np.int64)
    maxw = 0
    for k in range(L + 1):
        a_off[k + 1] = a_off[k] + sizes[k]
        maxw = max(maxw, sizes[k])
    acts = np.zeros(a_off[L + 1])
    zs = np.zeros(a_off[L + 1])
    delta = np.zeros(maxw)
    prev = np.zeros(maxw)
    m = sizes[L]
    total = 0.0
    for t in range(order.shape[0]):
        i = order[t]
        for u in range(sizes[0]):
            acts[u] = X[i, u]
        # 1. forward: z(k) = W(k) n(k-1) + b(k), n(k) = f(z(k))
        for k in range(L):
            n_in, n_out = sizes[k], sizes[k + 1]
            ai, ao, wo, bo = a_off[k], a_off[k + 1], w_off[k], b_off[k]
            for r in range(n_out):
                s = params[bo + r]
                base = wo + r * n_in
                for c in range(n_in):
                    s += params[base + c] * acts[ai + c]
                zs[ao + r] = s
            activate(codes[k], A[k], B[k], zs, acts, ao, n_out)
        # 2. output sensitivity delta(K) from this sample's loss
        ao, wi = a_off[L], sw[i]
        for j in range(m):
            e = acts[ao + j] - Y[i, j]
            if loss_code == 0:
                total += 0.5 * wi * e * e
                delta[j] = wi * e
            elif loss_code == 1:
                total += wi * e * e / m
                delta[j] = 2.0 * wi * e / m
            elif loss_code == 3:
                total += wi * abs(e) / m
                delta[j] = wi * (1.0 if e > 0 else (-1.0 if e < 0 else 0.0)) / m
            else:
                y = acts[ao + j]
                if codes[L - 1] == 4:
                    total -= wi * Y[i, j] * math.log(max(y, 1e-300))
                else:
                    total -= wi * (Y[i, j] * math.log(max(y, 1e-300))
                                   + (1.0 - Y[i, j]) * math.log(max(1.0 - y, 1e-300)))
                delta[j] = wi * e
        if loss_code != 2:
            backprop_act(codes[L - 1], A[L - 1], B[L - 1], zs, acts, ao, m, delta)
        # 3. backward, output layer first; delta(k-1) uses W(k) before its update
        for k in range(L - 1, -1, -1):
            n_in, n_out = sizes[k], sizes[k + 1]
            ai, wo, bo = a_off[k], w_off[k], b_off[k]
            if k > 0:
                for c in range(n_in):
                    prev[c] = 0.0
                for r in range(n_out):
                    base = wo + r * n_in
                    for c in range(n_in):
                        prev[c] += params[base + c] * delta[r]
                backprop_act(codes[k - 1], A[k - 1], B[k - 1], zs, acts, ai, n_in, prev)
            # 4. update: w -= lr_w * (delta n(k-1) + l2 w), b -= lr_b * delta
            for r in range(n_out):
                d = delta[r]
                base = wo + r * n_in
                for c in range(n_in):
                    g = d * acts[ai + c] + l2 * params[base + c]
                    if momentum != 0.0:
                        vel[base + c] = momentum * vel[base + c] - lr_w * g
                        params[base + c] += vel[base + c]
                    else:
                        params[base + c] -= lr_w * g
                if momentum != 0.0:
                    vel[bo + r] = momentum * vel[bo + r] - lr_b * d
                    params[bo + r] += vel[bo + r]
                else:
                    params[bo + r] -= lr_b * d
            if k > 0:
                for c in range(n_in):
                    delta[c] = prev[c]
    return total


def layout_arrays(network):
    """The network's layout as the flat arrays the kernels take."""
    sizes = np.asarray(network.sizes, dtype=np.int64)
    w_off = np.asarray([wo for wo, _ in network.offsets], dtype=np.int64)
    b_off = np.asarray([bo for _, bo in network.offsets], dtype=np.int64)
    codes = np.asarray([a.code for a in network.activations], dtype=np.int64)
    A = np.asarray([a.params[0] for a in network.activations], dtype=np.float64)
    B = np.asarray([a.params[1] for a in network.activations], dtype=np.float64)
    return sizes, w_off, b_off, codes, A, B
