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

from ._validation import check_sample_weight

if TYPE_CHECKING:  # for linters and type checkers; at run time see __getattr__ below
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

__all__ = [
    "minmax_scaler",
    "standard_scaler",
    "pca",
    "hidden_size_rule",
    "MinMaxScaler",
    "StandardScaler",
    "PCA",
    "InputPreprocessor",
    "TargetScaler",
    "SCALINGS",
    "weighted_pca",
    "RangeWarning",
    "check_range",
]

# scikit-learn's classes, re-exported here, are imported when first used: the maps stored
# in a model (InputPreprocessor, TargetScaler) apply with NumPy alone, so loading a model and
# predicting never import scikit-learn (~1 s).
_SKLEARN = {
    "MinMaxScaler": "sklearn.preprocessing",
    "StandardScaler": "sklearn.preprocessing",
    "PCA": "sklearn.decomposition",
}


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
        raise ValueError(
            f"feature_range must be (low, high) with low < high, got {feature_range!r}"
        )
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
#
# A map imported from MATLAB (bpnn.interop) also holds ``center_``, its ``xoffset``, and then
# computes in MATLAB's order, (x - center) * scale + offset and (y - offset) / scale + center
# (mapminmax_apply / mapminmax_reverse): folding the centre into the offset would cost
# digits where |xoffset| is large against the range. Fitted maps have ``center_`` None.

SCALINGS = {"minmax": (-1.0, 1.0), "minmax01": (0.0, 1.0), "standard": None, "none": None}


def _counted(A, w):
    """The rows of A that count: all without weights, those of positive weight with them
    (a weight of 0 is a removed row, so it takes no part in a minimum or a maximum)."""
    return A if w is None or np.all(w > 0) else A[w > 0]


def _affine(A, scaling, sample_weight=None):
    """Per-column ``(scale, offset)`` so that ``A * scale + offset`` is scaled as asked.

    minmax to [lo, hi]: scale = (hi - lo) / (max - min), offset = lo - min * scale;
    standard: scale = 1 / std, offset = -mean / std. A zero range or zero std keeps
    scale 1 (a constant column maps to ``lo`` or 0), never dividing by zero.
    With ``sample_weight`` a weight counts as that many copies of the row: the mean and
    the (population) standard deviation are weighted, and min/max skip rows of weight 0.
    """
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {sorted(SCALINGS)}, got {scaling!r}")
    n = A.shape[1]
    w = check_sample_weight(sample_weight, A.shape[0])
    if scaling == "none":
        return np.ones(n), np.zeros(n)
    if scaling == "standard":  # accumulated in float64 whatever A's dtype
        if w is None:
            mean, std = A.mean(axis=0, dtype=np.float64), A.std(axis=0, dtype=np.float64)
        else:
            mean = np.average(A.astype(np.float64, copy=False), axis=0, weights=w)
            dev = A - mean
            std = np.sqrt(np.average(dev * dev, axis=0, weights=w))
        scale = 1.0 / np.where(std > 0, std, 1.0)
        return scale, -mean * scale
    C = _counted(A, w)
    return _minmax_affine(
        C.min(axis=0).astype(np.float64), C.max(axis=0).astype(np.float64), scaling
    )


def _minmax_affine(amin, amax, scaling):
    lo, hi = SCALINGS[scaling]
    rng = amax - amin
    scale = np.where(rng > 0, (hi - lo) / np.where(rng > 0, rng, 1.0), 1.0)
    return scale, lo - amin * scale


def _affine_from_range(amin, amax, scaling):
    """``(scale, offset)`` from a declared range [amin, amax] per column instead of data:
    min-max maps the range onto the target interval; "standard" centres it and divides by
    the standard deviation of values spread evenly over it, ``(max - min) / sqrt(12)``."""
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {sorted(SCALINGS)}, got {scaling!r}")
    if scaling == "none":
        return np.ones(amin.shape[0]), np.zeros(amin.shape[0])
    if scaling == "standard":
        std = (amax - amin) / math.sqrt(12.0)
        scale = 1.0 / np.where(std > 0, std, 1.0)
        return scale, -(amin + amax) / 2.0 * scale
    return _minmax_affine(amin, amax, scaling)


class RangeWarning(UserWarning):
    """Data lie outside the range the scalers were fitted on (a later ``partial_fit``
    batch, or rows beyond a declared ``input_range``/``target_range``): the network sees
    scaled values it never trained on and extrapolates."""


def check_range(value, n, name="input_range"):
    """A declared range -> ``(low, high)`` float64 arrays of length ``n``.

    ``value`` is ``(low, high)``, each a number (every column) or ``n`` numbers (one per
    column), finite, with low <= high; anything else is a ValueError naming it.
    """
    try:
        lo, hi = value
        lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), (n,)).copy()
        hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), (n,)).copy()
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be (low, high), each a number or {n} numbers (one per "
            f"column), got {value!r:.120}"
        ) from None
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise ValueError(f"{name} must be finite, got {value!r:.120}")
    if np.any(lo > hi):
        j = int(np.argmax(lo > hi))
        raise ValueError(f"{name}: low > high for column {j} ({lo[j]!r} > {hi[j]!r})")
    return lo, hi


def _outside(A, lo, hi):
    """Columns of A beyond [lo, hi]: a list of (column, value, distance), the worst first
    (distance relative to the range's width; a zero-width range counts as width 1)."""
    if lo is None or A.shape[0] == 0:
        return []
    amin, amax = A.min(axis=0), A.max(axis=0)
    below, above = lo - amin, amax - hi
    out = []
    for j in np.flatnonzero((below > 0) | (above > 0)):
        value, dist = (amin[j], -below[j]) if below[j] >= above[j] else (amax[j], above[j])
        out.append((int(j), float(value), float(dist)))
    width = np.where(hi > lo, hi - lo, 1.0)
    out.sort(key=lambda t: -abs(t[2]) / width[t[0]])
    return out


def describe_outside(outside, lo, hi, names, what):
    """One sentence per column (the worst three) of what :func:`_outside` found."""
    parts = []
    for j, value, dist in outside[:3]:
        width = hi[j] - lo[j]
        side = "above" if dist > 0 else "below"
        how = (
            f" ({abs(dist) / width:.0%} of its width)"
            if width > 0
            else " (it was constant there, so it was dropped from the inputs)"
            if what == "input"
            else ""
        )
        parts.append(
            f"{names[j]} reaches {value:.6g}, {abs(dist):.3g} {side} the range "
            f"[{lo[j]:.6g}, {hi[j]:.6g}] the {what} scaling was fitted on{how}"
        )
    more = len(outside) - len(parts)
    tail = f"; {more} more column{'s' if more > 1 else ''} too" if more > 0 else ""
    return "; ".join(parts) + tail


def weighted_pca(S, n_components, sample_weight=None):
    """Principal components of the rows of S, a weight counting as copies of its row.

    Returns ``(mean, components, explained_variance)`` as scikit-learn's full-SVD PCA
    does (the same components, signs and variances without weights; the variance divides
    by ``sum(w) - 1``); ``n_components`` is an int or a variance fraction in (0, 1).
    scikit-learn's PCA takes no weights, so the weighted SVD is done here.
    """
    S = np.asarray(S, dtype=np.float64)
    w = check_sample_weight(sample_weight, S.shape[0])
    total = float(S.shape[0]) if w is None else float(w.sum())
    mean = S.mean(axis=0) if w is None else np.average(S, axis=0, weights=w)
    C = S - mean
    if w is not None:
        C = C[w > 0] * np.sqrt(w[w > 0])[:, None]
    _, sv, Vt = np.linalg.svd(C, full_matrices=False)
    # scikit-learn's sign rule: the largest |entry| of every component is positive
    signs = np.sign(Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)])
    Vt *= np.where(signs == 0, 1.0, signs)[:, None]
    var = sv**2 / max(total - 1.0, 1e-300)
    if isinstance(n_components, (int, np.integer)):
        k = int(n_components)
    else:
        ratio = np.cumsum(var) / max(var.sum(), 1e-300)
        k = int(np.searchsorted(ratio, float(n_components), side="right")) + 1
    k = max(1, min(k, Vt.shape[0]))
    return mean, Vt[:k], var[:k]


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

    center_: np.ndarray | None  # MATLAB's xoffset for an imported map (see above), else None

    def __init__(self, scaling="minmax", drop_constant=True, pca=None, whiten=False, seed=None):
        self.scaling, self.drop_constant, self.pca = scaling, drop_constant, pca
        self.whiten, self.seed = whiten, seed

    def fit(self, X, sample_weight=None, data_range=None):
        """Learn the map from X (n_samples, n_features), float64 or float32 (statistics
        are computed in float64 either way); returns self.

        ``sample_weight``: a weight counts as that many copies of its row (weighted mean,
        standard deviation and PCA; rows of weight 0 take no part in min/max or in
        deciding which columns are constant).
        ``data_range``: a declared ``(low, high)`` per column (see :func:`check_range`)
        that the scaling and the constant-column test use instead of X's own (PCA is
        still fitted on X). ``range_low_`` / ``range_high_`` keep the range used: the
        declared one, or X's (rows of positive weight); :meth:`outside` checks data
        against it.
        """
        X = np.asarray(X)
        if X.dtype not in (np.float64, np.float32):
            X = X.astype(np.float64)
        w = check_sample_weight(sample_weight, X.shape[0])
        C = _counted(X, w)
        if data_range is None:
            lo, hi = C.min(axis=0).astype(np.float64), C.max(axis=0).astype(np.float64)
        else:
            lo, hi = check_range(data_range, X.shape[1])
        self.range_low_, self.range_high_ = lo, hi
        self.center_ = None  # a fitted map is x * scale + offset
        keep = np.ones(X.shape[1], dtype=bool)
        if self.drop_constant:
            keep = hi > lo
            if not keep.any():  # nothing varies: keep everything rather than nothing
                keep[:] = True
        self.keep_ = keep
        K = X if keep.all() else X[:, keep]
        self.scale_, self.offset_ = (
            _affine(K, self.scaling, w)
            if data_range is None
            else _affine_from_range(lo[keep], hi[keep], self.scaling)
        )
        self.pca_mean_ = self.pca_components_ = None
        if self.pca is not None:
            self._fit_pca(K * self.scale_ + self.offset_, w)
        return self

    def outside(self, X):
        """Columns of X beyond the fitted range: [(column, value, distance)], worst first
        (empty when all lie inside, or for a map loaded without its range)."""
        return _outside(
            np.asarray(X, dtype=np.float64),
            self.__dict__.get("range_low_"),
            self.__dict__.get("range_high_"),
        )

    def _fit_pca(self, S, w=None):
        mean, comps, var = weighted_pca(S, self.pca, w)
        if self.whiten:  # divide each component by its standard deviation
            comps = comps / np.sqrt(np.maximum(var, 1e-300))[:, None]
        self.pca_mean_, self.pca_components_ = mean, comps

    @property
    def n_outputs(self) -> int:
        if self.pca_components_ is not None:
            return self.pca_components_.shape[0]
        return int(self.keep_.sum())

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """``(scale, offset)`` of the kept columns' affine map as ``x * scale + offset``:
        the stored ones, or for an imported map ``offset - center * scale`` (equal up to
        rounding; the exports, which take this one form, use it)."""
        return _folded(self)

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
        if kept.shape[0] == X.shape[1]:  # nothing dropped: one C-ordered copy
            S = np.array(
                X, dtype=np.float64 if self.pca_components_ is not None else dtype, order="C"
            )
        else:  # np.take keeps rows contiguous (X[:, mask]
            S = np.take(X, kept, axis=1)  # would give a Fortran-ordered array)
            S = S.astype(np.float64 if self.pca_components_ is not None else dtype, copy=False)
        center = self.__dict__.get("center_")
        if center is not None:  # an imported map: MATLAB's (x - xoffset) * gain + ymin
            S -= center
        S *= self.scale_  # scaled in place on the fresh array
        S += self.offset_
        if self.pca_components_ is not None:
            S = np.ascontiguousarray((S - self.pca_mean_) @ self.pca_components_.T, dtype=dtype)
        return S

    def _is_identity(self, n_features) -> bool:
        """True when the fitted map changes nothing (scale 1, offset 0, every column kept,
        no PCA)."""
        return (
            self.pca_components_ is None
            and self.__dict__.get("center_") is None
            and bool(self.keep_.all())
            and self.keep_.shape[0] == n_features
            and bool(np.all(self.scale_ == 1.0))
            and bool(np.all(self.offset_ == 0.0))
        )

    def state(self) -> tuple[dict, dict]:
        """(JSON-able config, dict of arrays) describing the fitted map."""
        arrays = {"keep": self.keep_.astype(np.uint8), "scale": self.scale_, "offset": self.offset_}
        _save_center(self, arrays)
        if self.pca_components_ is not None:
            arrays["pca_mean"], arrays["pca_components"] = self.pca_mean_, self.pca_components_
        _save_range(self, arrays)
        config = {
            "scaling": self.scaling,
            "drop_constant": bool(self.drop_constant),
            "pca": self.pca,
            "whiten": bool(self.whiten),
        }
        return config, arrays

    @classmethod
    def from_state(cls, config, arrays, n_features):
        """Rebuild from :meth:`state`; raises ValueError on inconsistent shapes."""
        self = cls(
            config.get("scaling", "minmax"),
            config.get("drop_constant", True),
            config.get("pca"),
            config.get("whiten", False),
        )
        keep = np.asarray(arrays["keep"])
        if keep.shape != (n_features,) or not np.isin(keep, (0, 1)).all():
            raise ValueError(
                f"input map: 'keep' must be {n_features} zeros/ones, got shape {keep.shape}"
            )
        self.keep_ = keep.astype(bool)
        k = int(self.keep_.sum())
        self.scale_, self.offset_ = _vector(arrays, "scale", k), _vector(arrays, "offset", k)
        _load_center(self, arrays, k)
        self.pca_mean_ = self.pca_components_ = None
        if "pca_components" in arrays:
            self.pca_mean_ = _vector(arrays, "pca_mean", k)
            comps = np.asarray(arrays["pca_components"], dtype=np.float64)
            if comps.ndim != 2 or comps.shape[1] != k:
                raise ValueError(f"input map: 'pca_components' must be (n, {k}), got {comps.shape}")
            self.pca_components_ = comps
        _load_range(self, arrays, n_features)
        return self


class TargetScaler:
    """Regression targets scaled for training, predictions mapped back (反归一化)."""

    center_: np.ndarray | None  # as for InputPreprocessor

    def __init__(self, scaling="minmax"):
        self.scaling = scaling

    def fit(self, T, sample_weight=None, data_range=None):
        """Learn the map from T (n_samples, n_targets); a weight counts as copies of its
        row, and ``data_range`` is a declared range used instead of T's (see
        :class:`InputPreprocessor`)."""
        T = np.asarray(T, dtype=np.float64)
        w = check_sample_weight(sample_weight, T.shape[0])
        self.center_ = None
        if data_range is None:
            C = _counted(T, w)
            self.range_low_, self.range_high_ = C.min(axis=0), C.max(axis=0)
            self.scale_, self.offset_ = _affine(T, self.scaling, w)
        else:
            lo, hi = check_range(data_range, T.shape[1], "target_range")
            self.range_low_, self.range_high_ = lo, hi
            self.scale_, self.offset_ = _affine_from_range(lo, hi, self.scaling)
        return self

    def outside(self, T):
        """Columns of T beyond the fitted range (see :meth:`InputPreprocessor.outside`)."""
        return _outside(
            np.asarray(T, dtype=np.float64),
            self.__dict__.get("range_low_"),
            self.__dict__.get("range_high_"),
        )

    def transform(self, T, dtype=np.float64):
        S = np.array(T, dtype=dtype, order="C")
        center = self.__dict__.get("center_")
        if center is not None:  # an imported map: (t - xoffset) * gain + ymin
            S -= center
        S *= self.scale_
        S += self.offset_
        return S

    def inverse_transform(self, Y):
        """Network outputs (n, n_targets) back in the targets' own units."""
        Y = np.asarray(Y, dtype=np.float64) - self.offset_
        Y /= self.scale_
        center = self.__dict__.get("center_")
        if center is not None:  # MATLAB's mapminmax_reverse: (y - ymin) / gain + xoffset
            Y += center
        return Y

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """``(scale, offset)`` with the map as ``t * scale + offset`` (see
        :meth:`InputPreprocessor.folded`)."""
        return _folded(self)

    def state(self):
        arrays = {"scale": self.scale_, "offset": self.offset_}
        _save_center(self, arrays)
        _save_range(self, arrays)
        return {"scaling": self.scaling}, arrays

    @classmethod
    def from_state(cls, config, arrays, n_targets):
        self = cls(config.get("scaling", "minmax"))
        self.scale_ = _vector(arrays, "scale", n_targets)
        self.offset_ = _vector(arrays, "offset", n_targets)
        if np.any(self.scale_ == 0):
            raise ValueError("target map: 'scale' holds a zero; it could not be inverted")
        _load_center(self, arrays, n_targets)
        _load_range(self, arrays, n_targets)
        return self


def _folded(m):
    center = m.__dict__.get("center_")
    if center is None:
        return m.scale_.copy(), m.offset_.copy()
    return m.scale_.copy(), m.offset_ - center * m.scale_


def _save_center(m, arrays):
    """An imported map's centre. ``scale``/``offset`` are written folded (what a reader
    that knows no centre computes: the same map up to rounding); ``center`` and
    ``centered_offset`` keep MATLAB's exact form for readers that know them."""
    center = m.__dict__.get("center_")
    if center is not None:
        arrays["offset"] = m.offset_ - center * m.scale_
        arrays["center"], arrays["centered_offset"] = center, m.offset_


def _load_center(m, arrays, n):
    m.center_ = None
    if "center" in arrays or "centered_offset" in arrays:
        m.center_ = _vector(arrays, "center", n)
        m.offset_ = _vector(arrays, "centered_offset", n)


def _save_range(m, arrays):
    if m.__dict__.get("range_low_") is not None:
        arrays["range_low"], arrays["range_high"] = m.range_low_, m.range_high_


def _load_range(m, arrays, n):
    """The fitted range, when the file has it (files written before: None, unchecked)."""
    m.range_low_ = m.range_high_ = None
    if "range_low" in arrays or "range_high" in arrays:
        m.range_low_, m.range_high_ = (
            _vector(arrays, "range_low", n),
            _vector(arrays, "range_high", n),
        )


def _vector(arrays, name, n):
    v = np.asarray(arrays[name], dtype=np.float64)
    if v.shape != (n,):
        raise ValueError(f"preprocessing: {name!r} must have shape ({n},), got {v.shape}")
    return v
