"""Time columns as people write them: the values of a table's time column -> a checked,
evenly spaced pandas index (dates or numbers), and which column that is.

* :func:`parse_times` reads the values. Numbers stay numbers (years such as 1700, 1701 ...
  give an integer index). Text is normalised first (Unicode NFKC: full-width digits and
  separators such as ``２０２０／１／１３`` become ``2020/1/13``), then read as one of

  - year first: ``2020-01-13``, ``2020-1-13``, ``2020/1/13``, ``2020.01.13``, ``2020-01``
    (a month), with or without a time of day (``2020-01-13 08:30``, ``2020-01-13T08:30:00``,
    ``2020-01-13 8:30 PM``);
  - Chinese: ``2020年1月13日`` (or ``13号``), ``2020年1月`` (a month), ``2020年`` (a year);
  - day and month first: ``13/01/2020``, ``1-13-20`` ... The order is decided from the
    WHOLE column, never value by value: a first field above 12 can only be a day (so the
    column is day-first), a second field above 12 only a day (month-first); both in one
    column is a contradiction, named with an example of each. When every field is 12 or
    less, the two readings are tried and the column is read the one way that puts the
    rows in time order with even steps; when both or neither do, it is ambiguous and
    refused with the hint the caller gives (``dayfirst=`` / ``date_format=``);
  - anything else pandas reads (ISO 8601 with a time zone, ``Jan 13, 2020``) value by
    value, as pandas does.

  ``date_format`` (a :func:`~datetime.datetime.strptime` format) or ``dayfirst`` (True:
  day-first, False: month-first) override the detection.
* :func:`check_regular` refuses times that are out of order (naming the rows), repeated
  (naming both rows), or not evenly spaced: a gap, a step that is a whole multiple of the
  usual one, is named as such with the number of missing steps; calendar months and years
  (month starts, month ends, the same day of each month) and business days are steps too.
* :func:`time_axis` does both; :func:`find_time_column` picks a table's time column when
  none is named (a date-like name whose values read as times, or text that reads as
  dates throughout).

Every refusal is a :class:`TimeColumnError` (a ValueError) on one line naming the column,
the value and its row (rows numbered from 1, the first data row). Pure functions: nothing
here prints, and nothing imports a front end.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "TimeAxis",
    "TimeColumnError",
    "TimeStep",
    "check_regular",
    "continue_times",
    "find_time_column",
    "is_time_name",
    "parse_times",
    "show_time",
    "time_axis",
    "time_step",
]


class TimeColumnError(ValueError):
    """A time column that cannot be read or is not a series' time axis (one line)."""


@dataclass(frozen=True)
class TimeStep:
    """The step of an evenly spaced time axis.

    Attributes
    ----------
    unit : "number", "month", "business day" or "ns" (a fixed length of time)
    size : the step in that unit (months: 1, 3, 12 ...; ns: nanoseconds)
    text : the step in words, e.g. "1", "1 month", "1 year", "7 days", "1 hour"
    """

    unit: str
    size: float
    text: str


@dataclass(frozen=True)
class TimeAxis:
    """A read and checked time column.

    Attributes
    ----------
    index : pandas.Index — a DatetimeIndex (naive; time zones converted to UTC) or an
        integer / float Index, named after the column
    reading : how the text was read: "numbers", "day-first", "month-first", "year first",
        "Chinese dates", "dates" (by pandas), "datetimes" (already dates) or
        "format FMT"
    why : what decided a day-first / month-first reading, e.g. "'13/01/2020' in row 2
        has no month 13" ("" otherwise)
    step : TimeStep or None — the step (None for fewer than two times)
    """

    index: Any
    reading: str
    why: str = ""
    step: TimeStep | None = None

    @property
    def options(self) -> dict:
        """The keyword arguments of :func:`parse_times` that read this column the same way
        again (for a later table of the same series): ``{"dayfirst": True}``,
        ``{"date_format": "%d.%m.%Y"}`` or ``{}``."""
        if self.reading in ("day-first", "month-first"):
            return {"dayfirst": self.reading == "day-first"}
        if self.reading.startswith("format "):
            return {"date_format": self.reading[len("format ") :]}
        return {}


#: the default hint of an ambiguous column (the command line names its options instead)
API_HINT = "pass dayfirst=True or dayfirst=False, or date_format (e.g. '%d/%m/%Y')"

_CLOCK = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?"
_YMD = re.compile(r"^(\d{4})([-/.])(\d{1,2})(?:\2(\d{1,2}))?" + _CLOCK + r"$")
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _CLOCK + r"$")
_CN = re.compile(
    r"^(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?)?"
    r"(?:\s*(\d{1,2})[:时](\d{2})分?(?:[:](\d{2})秒?)?)?$"
)
_DIGITS = re.compile(r"^[+-]?\d+(?:\.\d*)?$")


def _normal(v) -> str:
    """A cell as text, NFKC-normalised (full-width digits and punctuation made ASCII)."""
    s = str(v)
    return (s if s.isascii() else unicodedata.normalize("NFKC", s)).strip()


def _where(name, source) -> str:
    return f"time column {name!r}" + (f" in {source}" if source else "")


def show_time(t) -> str:
    """A time as a message shows it: 1921, 2020-03-01 (midnight) or 2020-03-01 12:30."""
    import pandas as pd

    if isinstance(t, (pd.Timestamp, np.datetime64)):
        t = pd.Timestamp(t)
        if t == t.normalize():
            return t.strftime("%Y-%m-%d")
        return t.strftime("%Y-%m-%d %H:%M:%S" if t.second or t.microsecond else "%Y-%m-%d %H:%M")
    if isinstance(t, (float, np.floating)) and float(t).is_integer():
        return str(int(t))
    return str(t)


# -- reading --------------------------------------------------------------------------------
def parse_times(
    values, name="time", source=None, *, dayfirst=None, date_format=None, hint=API_HINT
) -> TimeAxis:
    """Read a time column (see the module docstring) without checking its spacing.

    Parameters
    ----------
    values : array-like or pandas Series (T,)
        The column: numbers, datetimes or text.
    name : str
        The column's name, for the index and the messages.
    source : str or None
        Where the column is from (e.g. ``"'sales.csv'"``), for the messages.
    dayfirst : bool or None
        True: ``a/b/c`` dates are day/month/year; False: month/day/year; None: decided
        from the whole column.
    date_format : str or None
        A strptime format every value must match (overrides everything else).
    hint : str
        How the caller can settle an ambiguous column (the end of that message).

    Returns
    -------
    TimeAxis
        ``step`` is None here (see :func:`time_axis`).

    Raises
    ------
    TimeColumnError
        For an empty cell, a value that is neither a number nor a date, a column mixing
        day-first and month-first dates, or an ambiguous one.
    """
    import pandas as pd

    col = pd.Series(values).reset_index(drop=True)
    where = _where(name, source)
    miss = col.isna().to_numpy()
    if miss.any():
        raise TimeColumnError(f"{where} is empty in row {int(np.flatnonzero(miss)[0]) + 1}")
    if pd.api.types.is_bool_dtype(col):
        raise TimeColumnError(
            f"{where} holds {col.iloc[0]!r} in row 1: neither a number nor a date"
        )
    if pd.api.types.is_datetime64_any_dtype(col):
        return TimeAxis(_naive(pd.DatetimeIndex(col), name), "datetimes")
    numeric = pd.api.types.is_numeric_dtype(col)
    if date_format is not None:  # numbers too: 20200113 with %Y%m%d
        text = [
            str(int(v)) if numeric and float(v).is_integer() else _normal(v) for v in col.tolist()
        ]
        return TimeAxis(_with_format(text, name, where, date_format), f"format {date_format}")
    if numeric:
        return TimeAxis(_number_index(col.to_numpy(), name), "numbers")
    text = [_normal(v) for v in col.tolist()]
    if all(_DIGITS.match(s) for s in text):  # 1700, ２０２０ (full width) ...
        return TimeAxis(_number_index(np.array([float(s) for s in text]), name), "numbers")
    if all(isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year") for v in col):
        return TimeAxis(_naive(pd.DatetimeIndex(pd.to_datetime(list(col))), name), "datetimes")
    return _parse_text(text, name, where, dayfirst, hint)


def _number_index(v, name):
    import pandas as pd

    v = np.asarray(v, dtype=float)
    bad = np.flatnonzero(~np.isfinite(v))
    if bad.size:
        i = int(bad[0])
        raise TimeColumnError(f"time column {name!r} holds {v[i]!r} in row {i + 1}")
    if np.all(v == np.round(v)) and np.all(np.abs(v) < 2**62):
        return pd.Index(v.astype(np.int64), name=name)
    return pd.Index(v, name=name)


def _naive(index, name):
    """A DatetimeIndex without a time zone (converted to UTC), named."""
    if getattr(index, "tz", None) is not None:
        index = index.tz_convert(None)
    return index.as_unit("ns").rename(name)  # asi8 in nanoseconds, whatever pandas chose


def _with_format(text, name, where, fmt):
    import pandas as pd

    out = pd.to_datetime(pd.Series(text), format=fmt, errors="coerce")
    bad = np.flatnonzero(out.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise TimeColumnError(
            f"{where} holds {text[i]!r} in row {i + 1}, which does not match the date "
            f"format {fmt!r}"
        )
    return _naive(pd.DatetimeIndex(out), name)


#: (family, pattern, where each group goes among [f0, f1, f2, hour, minute, second,
#: fraction, pm]): f0, f1, f2 = year, month, day, except "dmy": a, b, year (a/b still
#: open); pm 1 for "PM", 0 for "AM"
_FAMILIES = (
    ("ymd", _YMD, (0, None, 1, 2, 3, 4, 5, 6, 7)),
    ("cn", _CN, (0, 1, 2, 3, 4, 5)),
    ("dmy", _DMY, (0, None, 1, 2, 3, 4, 5, 6, 7)),
)


def _fields(text):
    """(family (n,) of "ymd", "cn", "dmy" or "" (no pattern), fields (n, 7) int64, -1
    where absent): each value against the patterns in turn, vectorised by pandas."""
    import pandas as pd

    n = len(text)
    fam = np.full(n, "", dtype=object)
    F = np.full((n, 8), -1, dtype=np.int64)
    todo = np.arange(n)
    for family, pattern, slots in _FAMILIES:
        if not todo.size:
            break
        groups = pd.Series([text[i] for i in todo], dtype=object).str.extract(pattern)
        hit = groups[0].notna().to_numpy()
        rows = todo[hit]
        for g, slot in enumerate(slots):
            if slot is None:  # the separator
                continue
            col = groups[g][hit]
            if slot == 6:  # a fraction of a second, in nanoseconds
                col = col.where(col.isna(), col.str.ljust(9, "0").str[:9])
            if slot == 7:  # AM / PM
                col = col.str.lower().map({"a": "0", "p": "1"})
            digits = np.asarray(col.fillna("-1").tolist(), dtype=str)
            F[rows, slot] = digits.astype(np.int64) if digits.size else []
        fam[rows] = family
        todo = todo[~hit]
    y2 = (fam == "dmy") & (F[:, 2] < 100)  # two-digit years as strptime's %y: 69-99 -> 19xx
    F[y2, 2] += np.where(F[y2, 2] >= 69, 1900, 2000)
    return fam, F


def _parse_text(text, name, where, dayfirst, hint):
    fam, F = _fields(text)
    known = fam != ""
    if not known.any():
        return TimeAxis(_pandas_dates(text, name, where, dayfirst), "dates")
    dmy = np.flatnonzero(fam == "dmy")
    why, reading = "", None
    if dmy.size:
        a, b = F[dmy, 0], F[dmy, 1]
        reading, why = _order(text, dmy, a, b, where, dayfirst)
    if dmy.size and reading is None:  # every a/b/year date reads both ways: try both
        tries = {}
        for r in ("day-first", "month-first"):
            try:
                idx = _build(text, fam, F, r, name, where)
                check_regular(idx, name)
                tries[r] = idx
            except TimeColumnError:
                pass
        if len(tries) == 1:
            r, idx = next(iter(tries.items()))
            return TimeAxis(
                idx, r, "the only reading that puts the rows in time order, evenly spaced"
            )
        i = int(dmy[np.flatnonzero(a != b)[0]]) if np.any(a != b) else int(dmy[0])
        raise TimeColumnError(
            f"{where} is ambiguous: every date reads both day-first and month-first "
            f"(such as {text[i]!r} in row {i + 1})"
            + (", and both readings are evenly spaced" if len(tries) == 2 else "")
            + f"; {hint}"
        )
    idx = _build(text, fam, F, reading, name, where)
    if reading == "same":  # day and month agree in every a/b/year date
        return TimeAxis(idx, "dates")
    if dmy.size:
        return TimeAxis(idx, reading, why)
    kinds = set(fam[known])
    if kinds == {"cn"} and known.all() and np.all(F[:, 1] < 0):
        return TimeAxis(_number_index(idx.year.to_numpy(), name), "numbers")  # 2020年 ...
    return TimeAxis(idx, "Chinese dates" if kinds == {"cn"} else "year first")


def _order(text, dmy, a, b, where, dayfirst):
    """(reading or None when undecided, why) of the a/b/year values: day-first when some
    a > 12, month-first when some b > 12; both is a contradiction."""
    first, second = dmy[a > 12], dmy[b > 12]
    too_big = dmy[(a > 31) | (b > 31) | ((a > 12) & (b > 12))]
    if too_big.size:
        i = int(too_big[0])
        raise TimeColumnError(f"{where} holds {text[i]!r} in row {i + 1}: not a date")
    if first.size and second.size:
        i, j = int(first[0]), int(second[0])
        raise TimeColumnError(
            f"{where} mixes day-first and month-first dates: {text[i]!r} in row {i + 1} "
            f"has no month {a[dmy == i][0]}, {text[j]!r} in row {j + 1} no month "
            f"{b[dmy == j][0]}; write every date the same way"
        )
    if dayfirst is not None:
        bad, field = (second, b) if dayfirst else (first, a)
        if bad.size:
            i = int(bad[0])
            raise TimeColumnError(
                f"{where} holds {text[i]!r} in row {i + 1}, which is not a "
                f"{'day' if dayfirst else 'month'}-first date (no month {field[dmy == i][0]})"
            )
        return ("day-first" if dayfirst else "month-first"), "as asked"
    if first.size:
        i = int(first[0])
        return "day-first", f"{text[i]!r} in row {i + 1} has no month {a[dmy == i][0]}"
    if second.size:
        i = int(second[0])
        return "month-first", f"{text[i]!r} in row {i + 1} has no month {b[dmy == i][0]}"
    if np.all(a == b):  # 01/01/2020, 02/02/2020 ...: both readings are the same dates
        return "same", ""
    return None, ""


def _build(text, fam, F, reading, name, where):
    """A DatetimeIndex from the fields (a/b read as ``reading``), pandas for the rest."""
    import pandas as pd

    known = fam != ""
    year, month, day = F[:, 0].copy(), F[:, 1].copy(), F[:, 2].copy()
    dmy = fam == "dmy"
    a, b = F[dmy, 0], F[dmy, 1]
    day[dmy], month[dmy] = (a, b) if reading in ("day-first", "same") else (b, a)
    year[dmy] = F[dmy, 2]
    clock = np.maximum(F[:, 3:7], 0)  # an absent hour, minute, second or fraction is 0
    pm, hour = F[:, 7], clock[:, 0]
    # 12-hour clock: 12 AM is 0 h, 1-11 PM are 13-23 h; an hour above 12 is no such time
    hour = np.where(pm < 0, hour, np.where(hour > 12, 99, hour % 12 + 12 * (pm == 1)))
    clock[:, 0] = hour
    frame = pd.DataFrame(
        {
            "year": np.where(known, year, 2000),
            "month": np.where(month < 0, 1, month),
            "day": np.where(day < 0, 1, day),
            "hour": clock[:, 0],
            "minute": clock[:, 1],
            "second": clock[:, 2],
        }
    )
    out = pd.to_datetime(frame, errors="coerce") + pd.to_timedelta(clock[:, 3], unit="ns")
    # pandas carries 25 h into the next day: such a clock is no time
    no_time = (clock[:, 0] > 23) | (clock[:, 1] > 59) | (clock[:, 2] > 59)
    bad = np.flatnonzero((out.isna().to_numpy() | no_time) & known)
    if bad.size:
        i = int(bad[0])
        how = f" ({reading})" if fam[i] == "dmy" and reading != "same" else ""
        raise TimeColumnError(f"{where} holds {text[i]!r} in row {i + 1}: not a date{how}")
    if not known.all():
        rest = np.flatnonzero(~known)
        other = _pandas_dates([text[i] for i in rest], name, where, reading == "day-first", rest)
        out = out.astype("datetime64[ns]")
        out.iloc[rest] = other.to_numpy()
    return pd.DatetimeIndex(out, name=name).as_unit("ns")


def _pandas_dates(text, name, where, dayfirst, rows=None):
    """Values none of the patterns read, through pandas value by value (ISO 8601 with a
    time zone, month names ...); time zones converted to UTC."""
    import warnings

    import pandas as pd

    rows = np.arange(len(text)) if rows is None else np.asarray(rows)
    zoned = any(re.search(r"(Z|[+-]\d{2}:?\d{2})$", s) for s in text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {"format": "mixed", "dayfirst": bool(dayfirst), "utc": zoned}
        out = pd.to_datetime(pd.Series(text), errors="coerce", **kw)
    bad = np.flatnonzero(out.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise TimeColumnError(
            f"{where} holds {text[i]!r} in row {int(rows[i]) + 1}: neither a number nor a date"
        )
    return _naive(pd.DatetimeIndex(out), name)


# -- spacing --------------------------------------------------------------------------------
def _plural(k, word):
    return f"{k:g} {word}" + ("" if k == 1 else "s")


def _duration_text(ns) -> str:
    for size, word in (
        (7 * 86400e9, "week"),
        (86400e9, "day"),
        (3600e9, "hour"),
        (60e9, "minute"),
        (1e9, "second"),
    ):
        if ns % size == 0:
            return _plural(ns / size, word)
    return f"{ns / 1e9:g} seconds"


def _month_text(k) -> str:
    return _plural(k // 12, "year") if k % 12 == 0 else _plural(k, "month")


def _mode(d):
    vals, counts = np.unique(d, return_counts=True)
    return vals[np.argmax(counts)]


def _calendar(index):
    """(unit, positions) of a sorted DatetimeIndex: "month" with month numbers when
    every time is midnight of the same day of its month (or every one a month end),
    "business day" with business-day numbers when there is no Saturday or Sunday among
    five or more days, else "ns" with the nanoseconds."""
    midnight = bool((index == index.normalize()).all())
    if midnight and len(index) >= 2:
        months = (index.year * 12 + index.month - 1).to_numpy(dtype=np.int64)
        same_day = len(set(index.day)) == 1
        if (same_day or bool(index.is_month_end.all())) and np.all(np.diff(months) > 0):
            return "month", months
        dow = index.day_of_week.to_numpy()
        d = np.diff(index.asi8)
        if len(index) >= 5 and dow.max() <= 4 and _mode(d) == 86400e9 and d.max() > 86400e9:
            days = index.to_numpy().astype("datetime64[D]")
            return "business day", np.busday_count(days[0], days).astype(np.int64)
    return "ns", index.asi8.astype(np.int64)


def time_step(index) -> TimeStep | None:
    """The usual step of a sorted time index (the commonest one), or None for fewer than
    two times."""
    import pandas as pd

    if len(index) < 2:
        return None
    if isinstance(index, pd.DatetimeIndex):
        index = index.as_unit("ns")
        unit, pos = _calendar(index)
        step = int(_mode(np.diff(pos)))
        text = {
            "month": _month_text,
            "business day": lambda k: _plural(k, "business day"),
            "ns": _duration_text,
        }[unit](step)
        return TimeStep(unit, step, text)
    v = np.asarray(index, dtype=float)
    size = float(_mode(np.diff(v)))
    return TimeStep("number", size, f"{size:g}")


def check_regular(index, name="time", source=None) -> TimeStep | None:
    """Refuse a time index that is not one row per time step, in order.

    Parameters
    ----------
    index : pandas.Index (T,)
        Dates or numbers, as :func:`parse_times` gives them.
    name, source : str
        For the messages.

    Returns
    -------
    TimeStep or None
        The step (None for fewer than two times).

    Raises
    ------
    TimeColumnError
        Naming the first time out of order (and its rows), the first repeated time (both
        rows), or the first uneven step: a gap (a whole multiple of the usual step, with
        the number of missing time steps) or an odd step.
    """
    import pandas as pd

    where = _where(name, source)
    if len(index) < 2:
        return None
    dates = isinstance(index, pd.DatetimeIndex)
    index = index.as_unit("ns") if dates else index  # asi8 in nanoseconds
    v = index.asi8 if dates else np.asarray(index, dtype=float)
    d = np.diff(v)
    back = np.flatnonzero(d < 0)
    if back.size:
        i = int(back[0]) + 1
        more = f" (and {back.size - 1} more place(s))" if back.size > 1 else ""
        raise TimeColumnError(
            f"{where} is not sorted: {show_time(index[i])} in row {i + 1} comes after "
            f"{show_time(index[i - 1])} in row {i}{more}; sort the rows by time first"
        )
    same = np.flatnonzero(d == 0)
    if same.size:
        i = int(same[0]) + 1
        raise TimeColumnError(
            f"{where} repeats the time {show_time(index[i])} (rows {i} and {i + 1}): one row "
            "per time step"
        )
    step = time_step(index)
    assert step is not None  # two times or more
    if dates and _pandas_freq(index) is not None:
        return step
    if dates:
        _, pos = _calendar(index)
        steps = np.diff(pos).astype(float)
    else:
        steps = d
    ratio = steps / step.size
    off = np.flatnonzero(~np.isclose(ratio, 1.0, rtol=1e-6, atol=0))
    if not off.size:
        return step
    i = int(off[0]) + 1
    k = ratio[i - 1]
    whole = k > 1 and np.isclose(k, round(k), rtol=1e-6, atol=0)
    where_ = f"rows {i}-{i + 1}"
    more = f"; the first of {off.size} uneven steps" if off.size > 1 else ""
    if whole:
        raise TimeColumnError(
            f"{where} has a gap: {show_time(index[i])} follows {show_time(index[i - 1])} where the "
            f"other steps are {step.text} ({where_}, {_plural(round(k) - 1, 'missing time step')}"
            f"{more}); a series needs one row per time step: fill the gaps first"
        )
    raise TimeColumnError(
        f"{where} is not evenly spaced: {show_time(index[i])} follows {show_time(index[i - 1])} "
        f"where the other steps are {step.text} ({where_}{more}); a series needs one row "
        "per time step"
    )


def _pandas_freq(index):
    import warnings

    import pandas as pd

    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.infer_freq(index)
        except (TypeError, ValueError):
            return None


def continue_times(index, steps):
    """The ``steps`` times after a regular time index (its step, :func:`time_step`,
    continued: calendar months keep the day of the month or the month end, business days
    skip weekends), or None when it has fewer than two times."""
    import pandas as pd

    step = time_step(index)
    if step is None:
        return None
    if isinstance(index, pd.DatetimeIndex):
        index = index.as_unit("ns")
    k = np.arange(1, steps + 1)
    if not isinstance(index, pd.DatetimeIndex):
        v = index[-1] + step.size * k
        return pd.Index(v.astype(np.int64) if index.dtype.kind in "iu" else v, name=index.name)
    last = index[-1]
    if step.unit == "month":
        months = [pd.DateOffset(months=int(step.size * j)) for j in k]
        if bool(index.is_month_end.all()):
            out = [(last + m) + pd.offsets.MonthEnd(0) for m in months]
        else:
            out = [last + m for m in months]
        return pd.DatetimeIndex(out, name=index.name)
    if step.unit == "business day":
        return pd.DatetimeIndex(
            [last + pd.offsets.BDay(int(step.size * j)) for j in k], name=index.name
        )
    return pd.DatetimeIndex(last + pd.to_timedelta(step.size * k, unit="ns"), name=index.name)


def time_axis(
    values, name="time", source=None, *, dayfirst=None, date_format=None, hint=API_HINT
) -> TimeAxis:
    """:func:`parse_times` then :func:`check_regular`: a series' time axis, or a
    TimeColumnError (same parameters as :func:`parse_times`)."""
    axis = parse_times(values, name, source, dayfirst=dayfirst, date_format=date_format, hint=hint)
    step = check_regular(axis.index, name, source)
    return TimeAxis(axis.index, axis.reading, axis.why, step)


# -- finding the time column ----------------------------------------------------------------
#: column names taken for a time axis (compared NFKC-normalised, lower case, without
#: spaces, underscores and hyphens)
TIME_NAMES = frozenset(
    {
        "date",
        "dates",
        "time",
        "times",
        "datetime",
        "timestamp",
        "ds",
        "year",
        "years",
        "month",
        "week",
        "day",
        "quarter",
        "period",
        "日期",
        "时间",
        "時間",
        "时间戳",
        "年份",
        "年",
        "月份",
        "年月",
        "日",
        "时期",
        "期间",
    }
)
_TIME_WORDS = re.compile(r"(date|time|timestamp|datetime|year|month)$|日期$|时间$|時間$")


def is_time_name(name) -> bool:
    """Whether a column name says it holds times: one of :data:`TIME_NAMES`, or ending in
    date, time, year, month, 日期 or 时间 as a word (``order_date``, ``交易日期``)."""
    s = _normal(name).lower()
    key = re.sub(r"[\s_\-]+", "", s)
    if key in TIME_NAMES:
        return True
    last = re.split(r"[\s_\-]+", s)[-1] if s else ""
    return bool(_TIME_WORDS.fullmatch(last) or re.search(r"(日期|时间|時間)$", s))


def _reads_as_dates(col, share=1.0) -> bool:
    """Whether at least ``share`` of a text column's values match the date patterns."""
    vals = [_normal(v) for v in col.dropna()]
    if len(vals) < 2:
        return False
    hits = int(np.sum(_fields(vals)[0] != ""))
    return hits >= share * len(vals)


def find_time_column(df, exclude=()) -> str | None:
    """The column of ``df`` to take as the time axis when none is named, or None.

    A column whose name says it holds times (:func:`is_time_name`) comes first: numbers
    that strictly increase, or text at least half of which reads as dates (the rest then
    named by :func:`time_axis`); then a text column whose every value reads as a date
    (``2020-01-13``, ``13/01/2020``, ``2020年1月``). Columns in ``exclude`` (the targets and
    inputs) are never taken; the first match in column order wins.
    """
    import pandas as pd

    cols = [c for c in df.columns if c not in set(exclude)]
    for c in cols:
        if not is_time_name(c):
            continue
        col = df[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            return str(c)
        if pd.api.types.is_bool_dtype(col):
            continue
        if pd.api.types.is_numeric_dtype(col):
            v = col.to_numpy(dtype=float)
            if len(v) >= 2 and np.all(np.isfinite(v)) and np.all(np.diff(v) > 0):
                return str(c)
        elif _reads_as_dates(col, 0.5):
            return str(c)
    for c in cols:
        col = df[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            return str(c)
        text = not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col))
        if text and _reads_as_dates(col):
            return str(c)
    return None
