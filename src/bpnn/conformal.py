"""Split-conformal prediction intervals (NumPy only: ``bpnn predict`` uses it without
scikit-learn).

Split conformal regression (Vovk et al. 2005; Lei et al. 2018, "Distribution-free
predictive inference for regression"): given a fitted model and n calibration rows it did
not train on, the conformity scores are the absolute residuals ``s_i = |y_i - f(x_i)|``.
With ``k = ceil((n + 1) * coverage)`` and ``q`` the k-th smallest score, the interval
``[f(x) - q, f(x) + q]`` holds a new target with probability at least ``coverage`` when
the calibration rows and the new row are exchangeable; the ``(n + 1)`` rather than ``n`` is
the finite-sample correction that makes the bound hold for every n. When ``k > n`` no
finite width has that guarantee, and :func:`interval_halfwidth` refuses.

Why not MAPIE: its ``SplitConformalRegressor(prefit=True)`` computes the same quantile
(the tests check that our intervals equal MAPIE's), but it needs the calibration rows at
hand and keeps its state in a Python object, while a bpnn model must carry its intervals in
the pickle-free model file and predict without scikit-learn. What has to be stored is n
numbers per target; the rest is the two lines below.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["conformity_scores", "interval_halfwidth", "min_calibration_rows"]


def conformity_scores(y_true, y_pred) -> np.ndarray:
    """Absolute residuals as a (n_rows, n_targets) float64 array, each column sorted."""
    Y = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    P = np.asarray(y_pred, dtype=np.float64).reshape(len(y_pred), -1)
    return np.sort(np.abs(Y - P), axis=0)


def _check_coverage(coverage):
    ok = (
        isinstance(coverage, numbers.Real)
        and not isinstance(coverage, bool)
        and math.isfinite(coverage)
        and 0 < coverage < 1
    )
    if not ok:
        raise ValueError(f"coverage must be a number strictly between 0 and 1, got {coverage!r}")
    return float(coverage)


def min_calibration_rows(coverage) -> int:
    """The fewest calibration rows for which ``coverage`` has a finite interval."""
    c = _check_coverage(coverage)
    return max(1, math.ceil(c / (1.0 - c) - 1e-9))  # ceil((n + 1) c) <= n


def conformal_rank(n, coverage) -> int:
    """k = ceil((n + 1) coverage): the rank (1-based) of the calibration score that is the
    half-width; k > n means no finite interval (a guard of 1e-12 keeps float noise such as
    (19 + 1) * 0.95 = 19.000000000000004 from adding a rank)."""
    return math.ceil((n + 1) * coverage - 1e-12)


def interval_halfwidth(scores, coverage) -> np.ndarray:
    """The half-width per target column, (n_targets,), from sorted ``scores`` (n, n_targets).

    ``scores`` None or empty: the model has no rows it did not train on, a ValueError.
    """
    c = _check_coverage(coverage)
    if scores is None or len(scores) == 0:
        raise ValueError(
            "prediction intervals need rows the network did not train on, and "
            "this model has none: pass calibration=(X_cal, y_cal) to fit, or "
            "use a division that holds rows out (division='random' with "
            "validation/test ratios > 0; division='refit' and None train on "
            "every row)"
        )
    n = scores.shape[0]
    k = conformal_rank(n, c)
    if k > n:
        raise ValueError(
            f"coverage={coverage!r} needs at least {min_calibration_rows(c)} "
            f"calibration rows for a finite interval; the model has {n} (an "
            "ensemble with a random division keeps only the rows held out of "
            "every member): pass calibration=(X_cal, y_cal) to fit"
        )
    return scores[k - 1]
