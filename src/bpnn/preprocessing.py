"""Data preparation from the tutorial, on scikit-learn's transformers.

* min-max normalisation (归一化) of inputs and targets to [0, 1] (the tutorial) or [-1, 1]
  (MATLAB's ``mapminmax``), with the exact inverse (反归一化) for predictions;
* standardisation; PCA as feature extraction;
* the hidden-width rule of thumb ``h = round(sqrt(m + n) + a)``.
"""
from __future__ import annotations

import math

from sklearn.decomposition import PCA
from sklearn.preprocessing import MinMaxScaler, StandardScaler

__all__ = ["minmax_scaler", "standard_scaler", "pca", "hidden_size_rule",
           "MinMaxScaler", "StandardScaler", "PCA"]


def minmax_scaler(feature_range=(0.0, 1.0)) -> MinMaxScaler:
    """A scaler mapping every column's [min, max] onto ``feature_range``.

    ``(0, 1)`` is the tutorial's normalisation, ``(-1, 1)`` MATLAB's ``mapminmax``; use
    ``inverse_transform`` to map predictions back to original units. Constant columns map to
    the lower end of the range, as ``mapminmax`` does, and do not divide by zero.
    """
    lo, hi = feature_range
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"feature_range must be (low, high) with low < high, got {feature_range!r}")
    return MinMaxScaler(feature_range=(lo, hi))


def standard_scaler() -> StandardScaler:
    """Zero mean, unit variance per column (MATLAB's ``mapstd``)."""
    return StandardScaler()


def pca(n_components=None, whiten=False, seed=None) -> PCA:
    """PCA feature extraction; ``n_components`` may be a variance fraction such as 0.95."""
    return PCA(n_components=n_components, whiten=whiten, random_state=seed)


def hidden_size_rule(m: int, n: int, a: int = 5) -> int:
    """The tutorial's hidden-layer width ``round(sqrt(m + n) + a)``.

    ``m`` inputs, ``n`` outputs and ``a`` in 1..10: larger with more data, smaller with
    little data, to avoid over-fitting.
    """
    for name, v in (("m", m), ("n", n)):
        if int(v) != v or v < 1:
            raise ValueError(f"hidden_size_rule: {name} must be a positive integer, got {v!r}")
    if int(a) != a or not 1 <= a <= 10:
        raise ValueError(f"hidden_size_rule: a must be an integer in 1..10, got {a!r}")
    return int(round(math.sqrt(m + n) + a))
