"""Dividing samples into training, validation and test sets (MATLAB's divide functions).

* ``random`` — a seeded permutation cut by the ratios (``dividerand``);
* ``block`` — consecutive blocks: first training, then validation, then test (``divideblock``);
* ``interleaved`` — samples dealt in turn to the three sets by the ratios (``divideint``);
* ``index`` — the caller gives the three index arrays (``divideind``);
* ``None`` — everything is training data.
"""

from __future__ import annotations

import numpy as np

__all__ = ["divide", "DIVISIONS"]

DIVISIONS = ("random", "block", "interleaved", "index", None)


def _counts(n, ratios):
    ratios = np.asarray(ratios, dtype=float)
    if (
        ratios.shape != (3,)
        or np.any(ratios < 0)
        or not np.isfinite(ratios).all()
        or ratios.sum() <= 0
        or ratios[0] <= 0
    ):
        raise ValueError(
            f"ratios must be three non-negative numbers (train, val, test) with "
            f"train > 0, got {tuple(ratios)!r}"
        )
    ratios = ratios / ratios.sum()
    n_val = int(round(n * ratios[1]))
    n_test = int(round(n * ratios[2]))
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(f"{n} samples are too few to divide by ratios {tuple(ratios)!r}")
    return n_train, n_val, n_test


def divide(n, division="random", ratios=(0.70, 0.15, 0.15), seed=None, indices=None):
    """Return ``(train_idx, val_idx, test_idx)`` for ``n`` samples."""
    if division is None or division == "none":
        return np.arange(n), np.arange(0), np.arange(0)
    if division == "index":
        if indices is None or len(indices) != 3:
            raise ValueError("division='index' needs indices=(train_idx, val_idx, test_idx)")
        out = tuple(np.asarray(i, dtype=np.int64).reshape(-1) for i in indices)
        allidx = np.concatenate(out)
        if allidx.size and (allidx.min() < 0 or allidx.max() >= n):
            raise ValueError(
                f"division indices must lie in [0, {n}), got {allidx.min()}..{allidx.max()}"
            )
        if out[0].size == 0:
            raise ValueError("division='index' needs at least one training index")
        return out
    n_train, n_val, n_test = _counts(n, ratios)
    if division == "random":
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        p = rng.permutation(n)
        return (
            np.sort(p[:n_train]),
            np.sort(p[n_train : n_train + n_val]),
            np.sort(p[n_train + n_val :]),
        )
    if division == "block":
        idx = np.arange(n)
        return idx[:n_train], idx[n_train : n_train + n_val], idx[n_train + n_val :]
    if division == "interleaved":
        # deal samples in turn: each takes the set furthest below its share so far
        target = np.array([n_train, n_val, n_test], dtype=float) / n
        got = np.zeros(3)
        sets: tuple[list[int], list[int], list[int]] = ([], [], [])
        for i in range(n):
            k = int(np.argmax(target * (i + 1) - got))
            sets[k].append(i)
            got[k] += 1
        return tuple(np.asarray(s, dtype=np.int64) for s in sets)
    raise ValueError(f"unknown division {division!r}; choose one of {list(DIVISIONS)}")
