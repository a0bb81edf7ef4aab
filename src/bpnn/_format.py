"""Numbers for people: significant figures that never turn a non-integer into an integer."""

from __future__ import annotations

import math


def significant(v: float, digits: int = 6) -> str:
    """``v`` to ``digits`` significant figures, with more where that would round a
    non-integer to an integer: an R of 0.9999998 reads "0.9999998", not "1"."""
    s = f"{v:.{digits}g}"
    if not math.isfinite(v):
        return s
    whole = round(v)
    if v != whole and float(s) == whole:
        for more in range(digits + 1, 18):
            s = f"{v:.{more}g}"
            if float(s) != whole:
                break
    return s
