"""Input checks shared by the public functions: each error names the bad value."""

from __future__ import annotations

import numpy as np


def as_2d(A, name: str, n_cols: int | None = None, dtype=np.float64) -> np.ndarray:
    """Return A as a finite 2-D float array; a 1-D array becomes one column."""
    try:
        arr = np.asarray(A, dtype=dtype, order="C")  # C rows: cheap gathers, one copy
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {type(A).__name__}: {exc}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (samples x columns), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}): need at least one sample")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{name} has {arr.shape[1]} columns, expected {n_cols}")
    if not _all_finite(arr):
        raise ValueError(not_finite_message(arr, name))
    return arr


#: the advice of the estimators' and light predictors' one-line NaN / infinity errors
IMPUTE_ADVICE = "impute or drop such values first (sklearn.impute.SimpleImputer in a Pipeline)"


def not_finite_message(arr: np.ndarray, name: str, columns=None, advice: str = "") -> str:
    """One line naming the first non-finite value of ``arr`` (1-D or 2-D: NaN, inf or
    -inf), its row and column (0-based, with its name from ``columns`` when given) and how
    many more there are."""
    bad = np.argwhere(~np.isfinite(arr))
    first = tuple(int(i) for i in bad[0])
    where = f"row {first[0]}"
    if len(first) > 1:
        col = first[1]
        label = f" ({str(columns[col])!r})" if columns is not None and col < len(columns) else ""
        where += f", column {col}{label}"
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    v = float(arr[first])
    msg = f"{name} holds a non-finite value {'NaN' if v != v else repr(v)} at {where}{more}"
    return f"{msg}; {advice}" if advice else msg


def _all_finite(arr: np.ndarray) -> bool:
    """True when every entry of the 2-D float array is finite.

    Finite row sums prove every entry finite (a NaN or inf makes its row's sum NaN or inf)
    without a boolean copy of the array; BLAS forms them (``arr @ ones``) in one
    multithreaded read, about 3x faster than ``np.sum``. Only a non-finite row sum (a
    NaN/inf, or an overflow of large values) pays for the element-wise search.
    """
    with np.errstate(all="ignore"):  # an overflow here is not the user's concern
        sums = arr @ np.ones(arr.shape[1], arr.dtype)
    return bool(np.isfinite(sums).all()) or bool(np.all(np.isfinite(arr)))


def check_pair(X, Y, n_in, n_out, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    X = as_2d(X, "X", n_in, dtype)
    Y = as_2d(Y, "Y", n_out, dtype)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but Y has {Y.shape[0]}")
    return X, Y


def check_sample_weight(sw, n):
    if sw is None:
        return None
    sw = np.asarray(sw, dtype=np.float64).reshape(-1)
    if sw.shape[0] != n:
        raise ValueError(f"sample_weight has {sw.shape[0]} entries, expected {n}")
    if not np.all(np.isfinite(sw)) or np.any(sw < 0):
        raise ValueError(f"sample_weight must be finite and >= 0, got min {sw.min()!r}")
    if sw.sum() <= 0:
        raise ValueError("sample_weight sums to 0: at least one sample must count")
    return sw
