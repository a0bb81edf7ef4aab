"""Data preparation from the tutorial, on scikit-learn's transformers.

* min-max normalisation (归一化) of inputs and targets to [0, 1] (the tutorial) or [-1, 1]
  (MATLAB's ``mapminmax``), with the exact inverse (反归一化) for predictions;
* standardisation; PCA as feature extraction;
* the hidden-width rule of thumb ``h = round(sqrt(m + n) + a)``.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # for linters and type checkers; at run time see __getattr__ below
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

__all__ = ["minmax_scaler", "standard_scaler", "pca", "hidden_size_rule",
           "MinMaxScaler", "StandardScaler", "PCA", "InputPreprocessor", "TargetScaler",
           "SCALINGS"]

# scikit-learn's classes, re-exported here, are imported when first used: the maps stored
# in a model (InputPreprocessor, TargetScaler) apply with NumPy alone, so loading a model and
# predicting never import scikit-learn (~1 s).
_SKLEARN = {"MinMaxScaler": "sklearn.preprocessing", "StandardScaler": "sklearn.preprocessing",
            "PCA": "sklearn.decomposition"}


def __getattr__(name):
    if name in _SKLEARN:
        import importlib
        value = getattr(importlib.import_module(_SKLEARN[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def minmax_scaler(feature_range=(0.0, 1.0)) -> "MinMaxScaler":
    """A scaler mapping every column's [min, max] onto ``feature_range``.

    ``(0, 1)`` is the tutorial's normalisation, ``(-1, 1)`` MATLAB's ``mapminmax``; use
    ``inverse_transform`` to map predictions back to original units. Constant columns map to
    the lower end of the range, as ``mapminmax`` does, and do not divide by zero.
    """
    lo, hi = feature_range
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError("feature_range must be (low, high) with low < high, "
                         f"got {feature_range!r}")
    from sklearn.preprocessing import MinMaxScaler
    return MinMaxScaler(feature_range=(lo, hi))


def standard_scaler() -> "StandardScaler":
    """Zero mean, unit variance per column (MATLAB's ``mapstd``)."""
    from sklearn.preprocessing import StandardScaler
    return StandardScaler()


def pca(n_components=None, whiten=False, seed=None) -> "PCA":
    """PCA feature extraction; ``n_components`` may be a variance fraction such as 0.95."""
    from sklearn.decomposition import PCA
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


# --- preprocessing stored inside a model ---------------------------------------------------
# The estimators keep their preprocessing as plain arrays (no scikit-learn objects), so a
# model file holds numbers only and every export can rebuild the same maps:
#
#   inputs:  x  ->  x[keep]  ->  x * scale + offset  ->  (x - pca_mean) @ pca_components.T
#   targets: t  ->  t * scale + offset;   predictions  y -> (y - offset) / scale

SCALINGS = {"minmax": (-1.0, 1.0), "minmax01": (0.0, 1.0), "standard": None, "none": None}


def _affine(A, scaling):
    """Per-column ``(scale, offset)`` so that ``A * scale + offset`` is scaled as asked.

    minmax to [lo, hi]: scale = (hi - lo) / (max - min), offset = lo - min * scale;
    standard: scale = 1 / std, offset = -mean / std. A zero range or zero std keeps
    scale 1 (a constant column maps to ``lo`` or 0), never dividing by zero.
    """
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {sorted(SCALINGS)}, got {scaling!r}")
    n = A.shape[1]
    if scaling == "none":
        return np.ones(n), np.zeros(n)
    if scaling == "standard":       # accumulated in float64 whatever A's dtype
        mean, std = A.mean(axis=0, dtype=np.float64), A.std(axis=0, dtype=np.float64)
        scale = 1.0 / np.where(std > 0, std, 1.0)
        return scale, -mean * scale
    lo, hi = SCALINGS[scaling]
    amin, amax = A.min(axis=0).astype(np.float64), A.max(axis=0).astype(np.float64)
    rng = amax - amin
    scale = np.where(rng > 0, (hi - lo) / np.where(rng > 0, rng, 1.0), 1.0)
    return scale, lo - amin * scale


class InputPreprocessor:
    """Input map stored in the model: drop constant columns, scale, optional PCA.

    Parameters
    ----------
    scaling : "minmax" ([-1, 1], MATLAB's mapminmax), "minmax01" ([0, 1], the tutorial's),
        "standard" (zero mean, unit variance) or "none".
    drop_constant : remove columns whose values are all equal (MATLAB's removeconstantrows).
    pca : None, an int (components) or a float in (0, 1) (variance fraction to keep).
    whiten : scale PCA components to unit variance.
    """

    def __init__(self, scaling="minmax", drop_constant=True, pca=None, whiten=False, seed=None):
        self.scaling, self.drop_constant, self.pca = scaling, drop_constant, pca
        self.whiten, self.seed = whiten, seed

    def fit(self, X):
        """Learn the map from X (n_samples, n_features), float64 or float32 (statistics
        are computed in float64 either way); returns self."""
        X = np.asarray(X)
        if X.dtype not in (np.float64, np.float32):
            X = X.astype(np.float64)
        keep = np.ones(X.shape[1], dtype=bool)
        if self.drop_constant:
            keep = X.max(axis=0) > X.min(axis=0)
            if not keep.any():        # nothing varies: keep everything rather than nothing
                keep[:] = True
        self.keep_ = keep
        K = X if keep.all() else X[:, keep]
        self.scale_, self.offset_ = _affine(K, self.scaling)
        self.pca_mean_ = self.pca_components_ = None
        if self.pca is not None:
            self._fit_pca(K * self.scale_ + self.offset_)
        return self

    def _fit_pca(self, S):
        n_comp = self.pca
        if isinstance(n_comp, (int, np.integer)):
            n_comp = min(int(n_comp), *S.shape)
        from sklearn.decomposition import PCA
        p = PCA(n_components=n_comp, svd_solver="full", random_state=self.seed).fit(S)
        comps = p.components_
        if self.whiten:   # divide each component by its standard deviation
            comps = comps / np.sqrt(np.maximum(p.explained_variance_, 1e-300))[:, None]
        self.pca_mean_, self.pca_components_ = p.mean_, comps

    @property
    def n_outputs(self) -> int:
        if self.pca_components_ is not None:
            return self.pca_components_.shape[0]
        return int(self.keep_.sum())

    def transform(self, X, dtype=np.float64):
        """(n_samples, n_features) -> (n_samples, n_outputs) network inputs, a new
        C-ordered array of ``dtype`` (the network's: float64 or float32). When the map is
        the identity (no scaling, nothing dropped, no PCA) and X is already C-ordered in
        ``dtype``, X itself is returned: training and prediction only read their inputs."""
        X = np.asarray(X)
        if self._is_identity(X.shape[1]) and X.dtype == dtype and X.flags.c_contiguous:
            return X
        kept = self.__dict__.get("_kept")
        if kept is None or kept.shape[0] != int(self.keep_.sum()):
            kept = self._kept = np.flatnonzero(self.keep_)
        if kept.shape[0] == X.shape[1]:          # nothing dropped: one C-ordered copy
            S = np.array(X, dtype=np.float64 if self.pca_components_ is not None else dtype,
                         order="C")
        else:                                    # np.take keeps rows contiguous (X[:, mask]
            S = np.take(X, kept, axis=1)         # would give a Fortran-ordered array)
            S = S.astype(np.float64 if self.pca_components_ is not None else dtype,
                         copy=False)
        S *= self.scale_                         # scaled in place on the fresh array
        S += self.offset_
        if self.pca_components_ is not None:
            S = np.ascontiguousarray((S - self.pca_mean_) @ self.pca_components_.T,
                                     dtype=dtype)
        return S

    def _is_identity(self, n_features) -> bool:
        """True when the fitted map changes nothing (scale 1, offset 0, every column kept,
        no PCA)."""
        return (self.pca_components_ is None and bool(self.keep_.all())
                and self.keep_.shape[0] == n_features
                and bool(np.all(self.scale_ == 1.0)) and bool(np.all(self.offset_ == 0.0)))

    def state(self) -> tuple[dict, dict]:
        """(JSON-able config, dict of arrays) describing the fitted map."""
        arrays = {"keep": self.keep_.astype(np.uint8), "scale": self.scale_,
                  "offset": self.offset_}
        if self.pca_components_ is not None:
            arrays["pca_mean"], arrays["pca_components"] = self.pca_mean_, self.pca_components_
        config = {"scaling": self.scaling, "drop_constant": bool(self.drop_constant),
                  "pca": self.pca, "whiten": bool(self.whiten)}
        return config, arrays

    @classmethod
    def from_state(cls, config, arrays, n_features):
        """Rebuild from :meth:`state`; raises ValueError on inconsistent shapes."""
        self = cls(config.get("scaling", "minmax"), config.get("drop_constant", True),
                   config.get("pca"), config.get("whiten", False))
        keep = np.asarray(arrays["keep"])
        if keep.shape != (n_features,) or not np.isin(keep, (0, 1)).all():
            raise ValueError(f"input map: 'keep' must be {n_features} zeros/ones, "
                             f"got shape {keep.shape}")
        self.keep_ = keep.astype(bool)
        k = int(self.keep_.sum())
        self.scale_, self.offset_ = _vector(arrays, "scale", k), _vector(arrays, "offset", k)
        self.pca_mean_ = self.pca_components_ = None
        if "pca_components" in arrays:
            self.pca_mean_ = _vector(arrays, "pca_mean", k)
            comps = np.asarray(arrays["pca_components"], dtype=np.float64)
            if comps.ndim != 2 or comps.shape[1] != k:
                raise ValueError(f"input map: 'pca_components' must be (n, {k}), "
                                 f"got {comps.shape}")
            self.pca_components_ = comps
        return self


class TargetScaler:
    """Regression targets scaled for training, predictions mapped back (反归一化)."""

    def __init__(self, scaling="minmax"):
        self.scaling = scaling

    def fit(self, T):
        self.scale_, self.offset_ = _affine(np.asarray(T, dtype=np.float64), self.scaling)
        return self

    def transform(self, T, dtype=np.float64):
        S = np.array(T, dtype=dtype, order="C")
        S *= self.scale_
        S += self.offset_
        return S

    def inverse_transform(self, Y):
        """Network outputs (n, n_targets) back in the targets' own units."""
        Y = np.asarray(Y, dtype=np.float64) - self.offset_
        Y /= self.scale_
        return Y

    def state(self):
        return {"scaling": self.scaling}, {"scale": self.scale_, "offset": self.offset_}

    @classmethod
    def from_state(cls, config, arrays, n_targets):
        self = cls(config.get("scaling", "minmax"))
        self.scale_ = _vector(arrays, "scale", n_targets)
        self.offset_ = _vector(arrays, "offset", n_targets)
        if np.any(self.scale_ == 0):
            raise ValueError("target map: 'scale' holds a zero; it could not be inverted")
        return self


def _vector(arrays, name, n):
    v = np.asarray(arrays[name], dtype=np.float64)
    if v.shape != (n,):
        raise ValueError(f"preprocessing: {name!r} must have shape ({n},), got {v.shape}")
    return v
