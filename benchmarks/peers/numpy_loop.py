"""Plain NumPy per-sample (batch size 1) back-propagation: the reference
"plain NumPy per-sample loop" peer of the bpnn benchmark.

Network: fully connected MLP, logistic activation ``1/(1+exp(-z))`` on every
hidden *and* output layer, squared error.  Per sample, in the given order:

    forward:   a_0 = x,  a_l = logistic(a_{l-1} @ W_l + b_l)
    output:    delta_L = (d - a_L) * a_L * (1 - a_L)
    backward:  delta_l = (delta_{l+1} @ W_{l+1}.T) * a_l * (1 - a_l)
               (computed with the weights *before* this sample's update)
    update:    W_l += lr * outer(a_{l-1}, delta_l);  b_l += lr * delta_l

i.e. stochastic gradient descent on ``0.5 * sum((d - y)**2)`` with no
momentum -- the same rule as FANN's FANN_TRAIN_INCREMENTAL with
FANN_SIGMOID at steepness 0.5 and FANN_ERRORFUNC_LINEAR (FANN additionally
clips y to [0.01, 0.99] inside the derivative; pass
``fann_derivative_clip=True`` to mimic that).

Weights: ``Ws[l]`` has shape ``(n_in, n_out)`` and ``bs[l]`` shape
``(n_out,)`` (``y = x @ W + b``).  Use ``benchmarks.peers.fann.pack_layers``
to move them into a FANN net.
"""

from __future__ import annotations

import time
from typing import List, Optional, Sequence, Tuple

import numpy as np

__all__ = ["logistic", "init_weights", "forward", "predict", "train_epoch", "train", "time_epoch"]

# FANN clips the activation value to [0.01f, 0.99f] (C float literals)
# before computing the sigmoid derivative.
_CLIP_LO = float(np.float32(0.01))
_CLIP_HI = float(np.float32(0.99))


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def init_weights(
    layer_sizes: Sequence[int], *, scale: float = 0.1, seed: int = 0, dtype=np.float64
) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    """Uniform(-scale, scale) weights and biases (FANN's default range)."""
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        Ws.append(rng.uniform(-scale, scale, size=(n_in, n_out)).astype(dtype))
        bs.append(rng.uniform(-scale, scale, size=n_out).astype(dtype))
    return Ws, bs


def forward(Ws, bs, x) -> List[np.ndarray]:
    """Activations of every layer for one sample (index 0 is the input)."""
    acts = [np.asarray(x)]
    for W, b in zip(Ws, bs):
        acts.append(logistic(acts[-1] @ W + b))
    return acts


def predict(Ws, bs, X) -> np.ndarray:
    """Vectorised forward pass over the rows of ``X``."""
    a = np.asarray(X)
    for W, b in zip(Ws, bs):
        a = logistic(a @ W + b)
    return a


def train_epoch(
    Ws,
    bs,
    X,
    Y,
    lr: float,
    *,
    order: Optional[np.ndarray] = None,
    fann_derivative_clip: bool = False,
) -> float:
    """One per-sample epoch; updates ``Ws``/``bs`` in place.

    Returns the MSE measured during the epoch (each sample's error before its
    own update), averaged over samples and outputs -- FANN's convention.
    """
    X = np.asarray(X)
    Y = np.asarray(Y)
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    n_layers = len(Ws)
    dtype = Ws[0].dtype
    lr = dtype.type(lr)
    one = dtype.type(1.0)
    idx = range(X.shape[0]) if order is None else order
    sq_err = 0.0
    acts: List[np.ndarray] = [None] * (n_layers + 1)  # type: ignore[list-item]
    for i in idx:
        a = X[i]
        acts[0] = a
        for l in range(n_layers):
            a = one / (one + np.exp(-(a @ Ws[l] + bs[l])))
            acts[l + 1] = a
        err = Y[i] - a
        sq_err += float(err @ err)
        y = np.clip(a, _CLIP_LO, _CLIP_HI) if fann_derivative_clip else a
        delta = err * y * (one - y)
        for l in range(n_layers - 1, -1, -1):
            if l > 0:
                h = acts[l]
                if fann_derivative_clip:
                    h = np.clip(h, _CLIP_LO, _CLIP_HI)
                prev_delta = (Ws[l] @ delta) * h * (one - h)
            step = lr * delta
            Ws[l] += np.multiply.outer(acts[l], step)
            bs[l] += step
            if l > 0:
                delta = prev_delta
    n = len(idx) if order is not None else X.shape[0]
    return sq_err / (n * Y.shape[1])


def train(
    layer_sizes: Sequence[int],
    X,
    Y,
    *,
    lr: float = 0.1,
    epochs: int = 1,
    seed: int = 0,
    shuffle: bool = False,
    dtype=np.float64,
    weights: Optional[Tuple[List[np.ndarray], List[np.ndarray]]] = None,
) -> dict:
    """Train from scratch (or from ``weights``) and time it.

    Returns ``{"elapsed_s", "mse", "samples_per_s", "Ws", "bs"}`` where ``mse``
    is the last epoch's in-training MSE.  Data conversion to ``dtype`` is
    done before the clock starts.
    """
    X = np.ascontiguousarray(X, dtype=dtype)
    Y = np.asarray(Y, dtype=dtype)
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    if weights is None:
        Ws, bs = init_weights(layer_sizes, seed=seed, dtype=dtype)
    else:
        Ws = [np.array(w, dtype=dtype) for w in weights[0]]
        bs = [np.array(b, dtype=dtype) for b in weights[1]]
    rng = np.random.default_rng(seed)
    mse = float("nan")
    t0 = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(X.shape[0]) if shuffle else None
        mse = train_epoch(Ws, bs, X, Y, lr, order=order)
    elapsed = time.perf_counter() - t0
    return {
        "elapsed_s": elapsed,
        "mse": mse,
        "samples_per_s": epochs * X.shape[0] / elapsed if elapsed > 0 else float("inf"),
        "Ws": Ws,
        "bs": bs,
    }


def time_epoch(
    layer_sizes: Sequence[int], X, Y, *, lr: float = 0.1, seed: int = 0, dtype=np.float64
) -> float:
    """Seconds for one per-sample epoch over ``X``."""
    return train(layer_sizes, X, Y, lr=lr, epochs=1, seed=seed, dtype=dtype)["elapsed_s"]


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.random((10_000, 8))
    Y = (X.sum(axis=1, keepdims=True) > 4).astype(float)
    r = train((8, 16, 1), X, Y, lr=0.5, epochs=1)
    print(
        f"8-16-1, 10000 rows: {r['elapsed_s']:.3f}s  {r['samples_per_s']:.0f} samples/s  mse={r['mse']:.4f}"
    )
