"""Series and delays -> lagged design matrices (MATLAB's ``preparets``).

A network with input delays ``di`` and feedback delays ``df`` computes, for every time t
from ``D = max(di ∪ df)`` on::

    y(t) = f( x(t - d) for d in di,  y(t - d) for d in df )

so a series of T values gives T - D rows. The first D values are the initial delay states
(MATLAB's ``Xi``): they are inputs, never targets. Columns are laid out

    [x(t-di[0]) (every exogenous series), x(t-di[1]), ..., y(t-df[0]) (every target), ...]

and named ``"name(t-d)"``. Everything here is plain NumPy: no training.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_series",
    "check_time_index",
    "feedback_columns",
    "lag_matrix",
    "lag_names",
    "max_delay",
    "parse_delays",
]


#: what a forecaster's ``difference`` may be, in the words of every front end's error
DIFFERENCE_CHOICES = (
    "auto, 0 (the values), 1 (first differences) or a lag such as 12 (seasonal differences)"
)


def parse_difference(value):
    """A ``difference`` as typed (the CLI's ``--difference``, the app's field): "auto", or a
    lag k >= 0 written in digits. Anything else is a ValueError naming the value."""
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    if text.isascii() and text.isdigit():
        return int(text)
    raise ValueError(f"{DIFFERENCE_CHOICES}, got {value!r}")


def parse_delays(delays, name, minimum):
    """Delays as a sorted tuple of distinct ints >= ``minimum``.

    Takes an int (one delay, as MATLAB's ``narnet(2)``), a sequence or range, None or ``()``
    (no delays), or a string: ``"1:2"`` (MATLAB's ``1:2``), ``"0:2:6"`` (start:step:stop),
    ``"1,3,12"``. Anything else is a ValueError naming the value.
    """
    if delays is None:
        return ()
    if isinstance(delays, str):
        delays = _parse_delay_text(delays, name)
    elif isinstance(delays, numbers.Integral) and not isinstance(delays, bool):
        delays = (delays,)
    try:
        items = list(delays)
    except TypeError:
        raise ValueError(f"{name} must be integers >= {minimum}, got {delays!r}") from None
    out = []
    for d in items:
        ok = (
            isinstance(d, numbers.Real)
            and not isinstance(d, bool)
            and np.isfinite(d)
            and int(d) == d
        )
        if not ok:
            raise ValueError(f"{name} must be integers >= {minimum}, got {d!r} in {delays!r}")
        if d < minimum:
            why = (
                " (a feedback delay of 0 would feed y(t) to its own prediction)"
                if minimum == 1 and d == 0
                else ""
            )
            raise ValueError(f"{name} must be integers >= {minimum}, got {int(d)}{why}")
        out.append(int(d))
    if len(set(out)) != len(out):
        dup = sorted({d for d in out if out.count(d) > 1})
        raise ValueError(f"{name} lists delay {dup[0]} more than once: {delays!r}")
    return tuple(sorted(out))


def _parse_delay_text(text, name):
    s = text.strip()
    if s in ("", "none", "[]"):
        return ()
    try:
        if ":" in s:
            parts = [int(p) for p in s.split(":")]
            if len(parts) == 2:
                start, step, stop = parts[0], 1, parts[1]
            elif len(parts) == 3:
                start, step, stop = parts
            else:
                raise ValueError
            if step < 1 or stop < start:
                raise ValueError
            return tuple(range(start, stop + 1, step))
        return tuple(int(p) for p in s.replace(" ", "").split(",") if p)
    except ValueError:
        raise ValueError(
            f"{name} must look like '1:2', '0:2:6' or '1,3,12', got {text!r}"
        ) from None


def max_delay(feedback_delays, input_delays) -> int:
    return max((*feedback_delays, *input_delays, 0))


def as_series(values, name, default_prefix):
    """A series as a float64 array (T, k) and its column names.

    ``values``: 1-D or 2-D array-like, pandas Series or DataFrame. Non-numeric columns and
    missing values are ValueErrors naming the column and the row (a time series needs
    evenly spaced, complete values: fill or drop gaps first).
    """
    names = None
    if hasattr(values, "columns"):  # DataFrame
        names = [str(c) for c in values.columns]
        cols = [values[c] for c in values.columns]
        for c, col in zip(names, cols):
            _check_numeric_column(col, f"{name} column {c!r}")
        arr = values.to_numpy(dtype=np.float64) if len(cols) else np.empty((len(values), 0))
    elif hasattr(values, "to_numpy") and hasattr(values, "dtype"):  # Series
        names = [str(values.name) if values.name is not None else default_prefix]
        _check_numeric_column(values, f"{name} {names[0]!r}")
        arr = values.to_numpy(dtype=np.float64)
    else:
        raw = np.asarray(values)
        if raw.dtype.kind not in "biuf":
            try:
                raw = raw.astype(np.float64)
            except (TypeError, ValueError):
                flat = raw.reshape(-1)
                bad = next((v for v in flat if not _is_number(v)), flat[:1])
                bad = bad.item() if isinstance(bad, np.generic) else bad
                raise ValueError(f"{name} must be numeric, got the value {bad!r}") from None
        arr = raw.astype(np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (one series) or 2-D (time x series), got shape {arr.shape}"
        )
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns (shape {arr.shape})")
    if names is None:
        names = (
            [default_prefix]
            if arr.shape[1] == 1
            else [f"{default_prefix}{j}" for j in range(arr.shape[1])]
        )
    if not np.all(np.isfinite(arr)):
        r, c = np.argwhere(~np.isfinite(arr))[0]
        what = "a missing value (NaN)" if np.isnan(arr[r, c]) else f"the value {arr[r, c]!r}"
        raise ValueError(
            f"{name} holds {what} at row {r} (column {names[c]!r}); a time "
            "series needs complete, evenly spaced values: fill or drop gaps first"
        )
    return np.ascontiguousarray(arr), names


def _is_number(v):
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def _check_numeric_column(col, what):
    kind = getattr(col.dtype, "kind", "O")
    if kind in "biuf":
        return
    if kind == "O":
        for i, v in enumerate(col.to_numpy()):
            if not (
                v is None or isinstance(v, (numbers.Real, np.number)) and not isinstance(v, bool)
            ):
                raise ValueError(f"{what} is not numeric: it holds {v!r} at row {i}")
        return
    raise ValueError(f"{what} is not numeric (dtype {col.dtype})")


def check_time_index(index, name="y"):
    """Refuse times (a pandas index, Series or array of dates or numbers) that are unsorted
    or repeat a time; a default RangeIndex, or an index of labels, passes."""
    import pandas as pd

    if not isinstance(index, pd.Index):
        index = pd.Index(index.to_numpy() if hasattr(index, "to_numpy") else np.asarray(index))
    if isinstance(index, pd.RangeIndex) or not (
        isinstance(index, pd.DatetimeIndex) or index.dtype.kind in "iuf"
    ):
        return
    values = index.to_numpy()
    if len(values) < 2:
        return
    dup = index.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise ValueError(
            f"{name}'s time index repeats the time {index[i]} (row {i}): one value per time step"
        )
    if not index.is_monotonic_increasing:
        i = int(np.flatnonzero(values[1:] < values[:-1])[0]) + 1
        raise ValueError(
            f"{name}'s time index is not sorted: {index[i]} at row {i} comes "
            f"after {index[i - 1]}; sort the series by time first"
        )


def lag_names(target_names, exog_names, feedback_delays, input_delays):
    """Column names of :func:`lag_matrix`, ``"name(t-d)"`` (``"name(t)"`` for delay 0)."""

    def tag(n, d):
        return f"{n}(t)" if d == 0 else f"{n}(t-{d})"

    cols = [tag(n, d) for d in input_delays for n in (exog_names or [])]
    return cols + [tag(n, d) for d in feedback_delays for n in target_names]


def feedback_columns(n_targets, n_exog, feedback_delays, input_delays):
    """For each feedback delay, the column slice of the design matrix that holds y(t-d)."""
    start = n_exog * len(input_delays)
    return [
        slice(start + j * n_targets, start + (j + 1) * n_targets)
        for j in range(len(feedback_delays))
    ]


def lag_matrix(y, X, feedback_delays, input_delays):
    """Design matrix and targets of a series: ``(Z, T)`` with T - D rows (see module doc).

    ``y`` (T, n_targets) or None (no targets: only Z); ``X`` (T, n_exog) or None. The row for
    time t holds x(t-d) for the input delays and y(t-d) for the feedback delays; its target
    is y(t). Raises ValueError when the series is too short for the delays.
    """
    n = (y if y is not None else X).shape[0]
    D = max_delay(feedback_delays, input_delays)
    if n <= D:
        raise ValueError(
            f"the series has {n} rows, too few for delays up to {D}: need at "
            f"least {D + 1} ({D} initial values and one target)"
        )
    if X is not None and X.shape[0] != n:
        raise ValueError(f"X has {X.shape[0]} rows but y has {n}: one row per time step")
    blocks = []
    if X is not None:
        blocks += [X[D - d : n - d] for d in input_delays]
    if feedback_delays:
        blocks += [y[D - d : n - d] for d in feedback_delays]
    Z = np.ascontiguousarray(np.hstack(blocks)) if blocks else np.empty((n - D, 0))
    return Z, (None if y is None else np.ascontiguousarray(y[D:]))
