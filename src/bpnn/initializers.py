"""Weight initialisation.

Every initialiser fills one layer's ``W`` (n_out, n_in) and ``b`` (n_out,) in place from a
``numpy.random.Generator``; the network calls it layer by layer, in order, so the same seed
always gives the same bits.

* ``uniform`` — the tutorial's: weights from U(-1, 1), biases 0 (as its CBpnet class does).
* ``zeros`` — everything 0: every hidden unit then computes the same thing and receives the
  same gradient, so they never become different. Kept to show why symmetry must be broken.
* ``nguyen-widrow`` — MATLAB's ``initnw`` (Nguyen & Widrow, 1990): rows of W with norm
  ``0.7 * n_out^(1/n_in)``, biases spread evenly across the active region.
* ``glorot`` — U(±sqrt(6 / (n_in + n_out))), biases 0 (Glorot & Bengio, 2010).
* ``he`` — N(0, 2 / n_in), biases 0 (He et al., 2015).
"""

from __future__ import annotations

import numpy as np

__all__ = ["INITIALIZERS", "get_initializer"]


def uniform(rng, W, b, act):
    W[...] = rng.uniform(-1.0, 1.0, size=W.shape)
    b[...] = 0.0


def zeros(rng, W, b, act):
    W[...] = 0.0
    b[...] = 0.0


def nguyen_widrow(rng, W, b, act):
    n_out, n_in = W.shape
    if not act.bounded:
        # Unbounded layers (purelin/poslin) have no active region to spread over.
        W[...] = rng.uniform(-0.5, 0.5, size=W.shape)
        b[...] = rng.uniform(-0.5, 0.5, size=b.shape)
        return
    beta = 0.7 * n_out ** (1.0 / n_in)
    d = rng.uniform(-1.0, 1.0, size=W.shape)
    norms = np.linalg.norm(d, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    W[...] = beta * d / norms
    spread = np.linspace(-1.0, 1.0, n_out) if n_out > 1 else np.zeros(1)
    b[...] = beta * spread * np.sign(W[:, 0] + (W[:, 0] == 0))


def glorot(rng, W, b, act):
    n_out, n_in = W.shape
    lim = np.sqrt(6.0 / (n_in + n_out))
    W[...] = rng.uniform(-lim, lim, size=W.shape)
    b[...] = 0.0


def he(rng, W, b, act):
    n_out, n_in = W.shape
    W[...] = rng.normal(0.0, np.sqrt(2.0 / n_in), size=W.shape)
    b[...] = 0.0


INITIALIZERS = {
    "uniform": uniform,
    "zeros": zeros,
    "nguyen-widrow": nguyen_widrow,
    "nguyen_widrow": nguyen_widrow,
    "initnw": nguyen_widrow,
    "nw": nguyen_widrow,
    "glorot": glorot,
    "xavier": glorot,
    "he": he,
    "kaiming": he,
}


#: The names an error message offers (the others in INITIALIZERS are aliases).
NAMES = ("nguyen-widrow", "uniform", "glorot", "he", "zeros")


def get_initializer(spec):
    if callable(spec):
        return spec
    if isinstance(spec, str) and spec.strip().lower() in INITIALIZERS:
        return INITIALIZERS[spec.strip().lower()]
    raise ValueError(f"unknown init {spec!r}; choose one of {list(NAMES)}")
