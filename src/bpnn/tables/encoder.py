"""A user's table -> the network's numeric inputs: column kinds, categories, missing values.

:class:`TableEncoder` is fitted once on the training table and stored in the model file as
plain JSON (:meth:`TableEncoder.state`). It runs before the input scaling of
:class:`~bpnn.preprocessing.InputPreprocessor`, and it is written by hand rather than
assembled from scikit-learn's ``OneHotEncoder`` and ``SimpleImputer`` for three reasons:
levels are counted with sample weights (scikit-learn's encoders take none), the fitted map
must be JSON (no pickle), and prediction must run with NumPy and pandas alone (the light
predictor of :func:`bpnn.io.load_predictor` never imports scikit-learn).

The rules (docs/data.md says the same for users):

* **Kinds.** A column is *numeric* when its values are numbers (integer codes included),
  *categorical* when they are text, booleans or a pandas ``category``, *ordinal* when it is
  an ordered pandas ``category`` or declared with ``ordinal={col: [levels in order]}``, and
  *ignored* when it holds dates, or text in which every row differs (an identifier: a
  warning names it). ``categorical=[...]`` and ``numeric=[...]`` override the detection
  (integer-coded classes, say). Text that is mostly numbers with a few words is refused
  with one line naming the first word; so are numbers written with separators
  (``1.234,5``), which the table reader can read with ``decimal``/``thousands``.
* **Levels.** Text is compared after stripping surrounding spaces and Unicode NFC
  normalisation (``" red"``, ``"red "`` and ``"red"`` are one level, as are the composed
  and decomposed spellings of ``"é"``); case counts. Numbers declared categorical are
  compared as numbers (``1``, ``1.0`` and ``"1"`` are one level). Levels are counted with
  the sample weights (a row of weight 0 teaches no level); a column with at most
  ``max_levels`` levels gets one 0/1 input per level (one input in all for two levels),
  one with more keeps its ``max_levels - 1`` most frequent levels and merges the rest into
  ``<other>``. A column with one level gives no input (it cannot tell rows apart).
* **Unknown levels** at prediction: the column's ``<other>`` input where it has one, else
  all its inputs 0; one :class:`TableWarning` per call names the column, the first such
  value and how many rows had one. ``handle_unknown="error"`` raises instead.
* **Missing values** (NaN, None, empty or blank text, and the markers of
  :data:`MISSING_MARKERS` in numeric columns): ``missing="indicator"`` (MATLAB's
  ``fixunknowns``) fills a numeric column with its (weighted) mean and adds a 0/1 input
  ``col=<missing>``; ``"mean"`` and ``"median"`` fill without the extra input; a categorical
  column that had missing values gets a ``<missing>`` level under each of these;
  ``"error"`` refuses them. At prediction, a missing value in a column that had none at
  fit time is filled with the fit-time fill (numeric) or treated as an unknown level
  (categorical), with a :class:`TableWarning`; under ``"error"`` it is refused.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
import unicodedata
import warnings
from typing import Any

import numpy as np

__all__ = [
    "HANDLE_UNKNOWN",
    "MISSING",
    "MISSING_MARKERS",
    "TableEncoder",
    "TableWarning",
    "missing_rows",
]

#: what ``missing=`` may be (``"drop"`` is the estimators' and CLI's: rows are removed
#: before the encoder sees them)
MISSING = ("indicator", "mean", "median", "error", "drop")
HANDLE_UNKNOWN = ("ignore", "error")
#: text that means "no value" in a column that is otherwise numbers (as KEEL, SPSS and
#: Chinese spreadsheets write it); in a text column these are ordinary levels
MISSING_MARKERS = frozenset(
    ["?", "-", "--", "na", "n/a", "nan", "null", "none", "#n/a", "缺失", "无", "空", "—"]
)
OTHER, MISSING_LEVEL = "<other>", "<missing>"
_ID_MIN_ROWS = 20  # a text column of distinct values is an identifier from this many rows
_SEPARATED = re.compile(r"^[+-]?(\d{1,3}([.,' \u00a0]\d{3})+([.,]\d+)?|\d+,\d+)$")


class TableWarning(UserWarning):
    """A value the fitted encoder did not see at fit time (an unknown level, or a missing
    value in a column that had none), or a column it left out; the message says what was
    done with it."""


def _fail(message):
    raise ValueError(message)


# -- reading a column ---------------------------------------------------------------------
def _columns(X):
    """(list of column names or None, list of 1-D arrays): a DataFrame by name, anything
    else by position (2-D: rows x columns)."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        return [str(c) for c in X.columns], [X.iloc[:, j] for j in range(X.shape[1])]
    A = np.asarray(X) if not isinstance(X, np.ndarray) else X
    if A.ndim != 2:
        _fail(
            f"Expected a 2D array, got an array of shape {A.shape}: reshape your data "
            "with X.reshape(-1, 1) for one feature or X.reshape(1, -1) for one sample"
        )
    return None, [A[:, j] for j in range(A.shape[1])]


# Where a message points: the table's name and its row numbers as the user counts them.
# A DataFrame says so in its attrs (``bpnn_source``: the file's name, quoted;
# ``bpnn_first_row``: the number of the row whose index is 0, 1 for a file's first data
# row), which pandas keeps through column and row selection; set per fit/transform call.
_CONTEXT: contextvars.ContextVar = contextvars.ContextVar("bpnn_table_context", default=None)


@contextlib.contextmanager
def _pointing(X):
    ctx = None
    attrs = getattr(X, "attrs", None) or {}
    if "bpnn_source" in attrs or "bpnn_first_row" in attrs:
        index = getattr(X, "index", None)
        first = attrs.get("bpnn_first_row")
        rows = None
        if first is not None and index is not None and index.dtype.kind in "iu":
            rows = index.to_numpy() + int(first)
        ctx = {"source": attrs.get("bpnn_source"), "rows": rows}
    token = _CONTEXT.set(ctx)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def _row(i) -> str:
    ctx = _CONTEXT.get()
    rows = None if ctx is None else ctx["rows"]
    return f"row {int(rows[i]) if rows is not None and 0 <= i < len(rows) else i}"


def _label(name, j):
    ctx = _CONTEXT.get()
    where = f" in {ctx['source']}" if ctx and ctx.get("source") else ""
    return (f"column {name!r}" if name is not None else f"column {j}") + where


def _is_missing_scalar(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str):
        return not v.strip()
    try:
        import pandas as pd

        return bool(pd.isna(v)) if np.ndim(v) == 0 else False
    except (TypeError, ValueError):
        return False


def _missing_mask(values) -> np.ndarray:
    """True where a cell holds no value: NaN/None/NaT/pd.NA, or blank text."""
    import pandas as pd

    s = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    na = s.isna().to_numpy()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        text = s.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
        na = na | text
    return na


def _level_key(v) -> str:
    """The canonical spelling of one level: text stripped and NFC-normalised; numbers as
    numbers (1, 1.0 and "1" agree); booleans as True/False."""
    if isinstance(v, (bool, np.bool_)):
        return "True" if v else "False"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)
    if isinstance(v, str):
        t = unicodedata.normalize("NFC", v.strip())
        try:  # "1" and "1.0" spell the level 1 of an integer-coded column
            f = float(t)
        except ValueError:
            return t
        return str(int(f)) if math.isfinite(f) and f.is_integer() and abs(f) < 2**53 else t
    return unicodedata.normalize("NFC", str(v).strip())


def _as_number(v):
    """float(v) for a number or numeric text, None for anything else (bools are not)."""
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


def _check_cell_type(values, label):
    """A cell must be a string, a boolean, a number or missing (as scikit-learn's
    estimators say of a dict or a list in an object array)."""
    for i, v in enumerate(values):
        if not isinstance(v, (str, bool, int, float, np.generic)) and not _is_missing_scalar(v):
            raise TypeError(
                f"{label} holds {v!r:.60} (a {type(v).__name__}) in {_row(i)}: "
                "argument must be a string, a boolean or a number"
            )


def _numeric_values(values, label, missing_markers=True) -> np.ndarray:
    """A column as float64 with NaN for missing cells; text that is not a number is a
    ValueError naming it (and its row), numbers with separators one naming the fix."""
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    obj = s.astype(object)
    _check_cell_type(obj.to_numpy(), label)
    out = np.full(len(obj), np.nan)
    for i, v in enumerate(obj.to_numpy()):
        if _is_missing_scalar(v):
            continue
        f = _as_number(v)
        if f is None:
            text = str(v).strip()
            if missing_markers and text.lower() in MISSING_MARKERS:
                continue
            if _SEPARATED.match(text):
                _fail(
                    f"{label} holds a number written with separators ({text!r} in {_row(i)}): "
                    "read the file with --decimal and --thousands (read_table's decimal=, "
                    "thousands=), or convert the column to numbers"
                )
            _fail(f"{label} is numeric but holds {text!r} in {_row(i)}")
        out[i] = f
    return out


def _detect(values, name, label, declared) -> tuple[str, Any]:
    """(kind, detail) of one column from its dtype and values (see the module's rules)."""
    import pandas as pd

    if name in declared.get("ordinal", {}):
        return "ordinal", declared["ordinal"][name]
    if name in declared.get("categorical", {}):
        return "categorical", declared["categorical"][name]
    if name in declared.get("numeric", ()):
        return "numeric", None
    s = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = [_level_key(c) for c in s.dtype.categories]
        return ("ordinal", cats) if s.dtype.ordered else ("categorical", None)
    if pd.api.types.is_bool_dtype(s.dtype):
        return "categorical", None
    if pd.api.types.is_datetime64_any_dtype(s.dtype) or pd.api.types.is_timedelta64_dtype(s.dtype):
        return "ignored", "dates and times are not inputs (convert them to numbers first)"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "numeric", None
    obj = s.astype(object).to_numpy()
    _check_cell_type(obj, label)
    present = [v for v in obj if not _is_missing_scalar(v)]
    if not present:
        return "numeric", None  # every value missing: caught by the fill (no mean to take)
    if all(isinstance(v, (bool, np.bool_)) for v in present):
        return "categorical", None
    texts = [v for v in present if _as_number(v) is None]
    words = [v for v in texts if not (isinstance(v, str) and v.strip().lower() in MISSING_MARKERS)]
    if not words:
        return "numeric", None
    if len(texts) < len(present) / 2 or all(
        isinstance(v, str) and _SEPARATED.match(v.strip()) for v in words
    ):
        _numeric_values(s, label)  # raises, naming the first word or separated number
    keys = {_level_key(v) for v in present}
    if len(present) >= _ID_MIN_ROWS and len(keys) == len(present):
        return "ignored", "every row holds a different text (an identifier?)"
    return "categorical", None


# -- one column's fitted code -------------------------------------------------------------
def _weighted_fill(x, w, how):
    ok = ~np.isnan(x) & (w > 0)
    if not ok.any():
        return None
    if how == "median":
        order = np.argsort(x[ok], kind="stable")
        xs, ws = x[ok][order], w[ok][order]
        c = np.cumsum(ws)
        half = c[-1] / 2.0
        i = int(np.searchsorted(c, half))
        if math.isclose(c[i], half) and i + 1 < len(xs):  # an even split: the midpoint
            return float((xs[i] + xs[i + 1]) / 2.0)
        return float(xs[i])
    return float(np.average(x[ok], weights=w[ok]))


def _level_sort_key(k: str):
    try:
        return (0, float(k), "")
    except ValueError:
        return (1, 0.0, k)


class TableEncoder:
    """Fitted map from a table's columns to numeric network inputs (see the module's rules).

    Parameters
    ----------
    categorical : list of column names or dict, optional
        Columns to encode as categories whatever their values (integer codes, say); a dict
        maps a column to its levels, declared in advance (then a level outside them is
        unknown).
    numeric : list of column names, optional
        Columns to read as numbers whatever the detection says.
    ordinal : dict, optional
        ``{column: [levels in order]}``: one input holding the level's position 0, 1, ...
    max_levels : int, default 20
        Most inputs one categorical column may take; more levels keep the most frequent
        ``max_levels - 1`` and merge the rest into ``<other>``.
    handle_unknown : "ignore" or "error", default "ignore"
        What a level not seen at fit time does at prediction (see the module's rules).
    missing : "indicator", "mean", "median" or "error", default "indicator"
        How missing values are filled (see the module's rules).

    Attributes
    ----------
    columns_ : list of dict
        One fitted code per input column: ``name``, ``kind`` and what its kind needs.
    names_in_ : list of str or None
        The table's column names (None for an array).
    output_names_ : list of str
        One name per network input: ``col``, ``col=level``, ``col=<missing>``...
    passthrough_ : bool
        True when every column is numeric with no indicator: finite numeric rows then pass
        through unchanged.
    """

    def __init__(
        self,
        categorical=None,
        numeric=None,
        ordinal=None,
        max_levels=20,
        handle_unknown="ignore",
        missing="indicator",
    ):
        self.categorical = categorical
        self.numeric = numeric
        self.ordinal = ordinal
        self.max_levels = max_levels
        self.handle_unknown = handle_unknown
        self.missing = missing

    # -- checks ---------------------------------------------------------------------------
    def _declared(self, names, n):
        """The declarations keyed by column name (or position for an array), checked."""
        known = names if names is not None else list(range(n))

        def key(c, what):
            if names is None:
                if isinstance(c, (int, np.integer)) and 0 <= int(c) < n:
                    return int(c)
                _fail(
                    f"{what} names column {c!r}, but the data has no column names: use 0..{n - 1}"
                )
            if str(c) not in known:
                shown = ", ".join(map(str, known[:12])) + (" ..." if len(known) > 12 else "")
                _fail(f"{what} names an unknown column {c!r}; the columns are: {shown}")
            return str(c)

        cat = self.categorical or {}
        if isinstance(cat, str):
            cat = [cat]
        cats = (
            {key(c, "categorical"): None for c in cat}
            if not isinstance(cat, dict)
            else {key(c, "categorical"): [_level_key(v) for v in lv] for c, lv in cat.items()}
        )
        num = self.numeric or []
        nums = {key(c, "numeric") for c in ([num] if isinstance(num, str) else num)}
        ordi = self.ordinal or {}
        if not isinstance(ordi, dict):
            _fail(f"ordinal must be a dict {{column: [levels in order]}}, got {ordi!r:.80}")
        ords = {key(c, "ordinal"): [_level_key(v) for v in lv] for c, lv in ordi.items()}
        for a, b, A, B in (
            ("categorical", "numeric", cats, nums),
            ("ordinal", "numeric", ords, nums),
            ("categorical", "ordinal", cats, ords),
        ):
            both = set(A) & set(B)
            if both:
                _fail(f"column {sorted(both, key=str)[0]!r} is declared both {a} and {b}")
        for c, lv in ords.items():
            if len(set(lv)) != len(lv) or not lv:
                _fail(f"ordinal levels of {c!r} must be distinct and non-empty, got {lv!r:.80}")
        return {"categorical": cats, "numeric": nums, "ordinal": ords}

    def _check_params(self):
        if self.missing not in MISSING:
            _fail(f"missing must be one of {', '.join(MISSING)}, got {self.missing!r}")
        if self.handle_unknown not in HANDLE_UNKNOWN:
            _fail(f"handle_unknown must be 'ignore' or 'error', got {self.handle_unknown!r}")
        m = self.max_levels
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2:
            _fail(f"max_levels must be an integer >= 2, got {m!r}")

    # -- fit ------------------------------------------------------------------------------
    def fit(self, X, sample_weight=None):
        """Learn each column's kind, levels and fill from the table ``X`` (rows x columns:
        a DataFrame, a 2-D array or nested lists); ``sample_weight`` counts a row as that
        many copies."""
        self._check_params()
        with _pointing(X):
            return self._fit(X, sample_weight)

    def _fit(self, X, sample_weight):
        names, cols = _columns(X)
        n = len(cols[0]) if cols else 0
        if n == 0:
            _fail("Found array with 0 sample(s) while a minimum of 1 is required")
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
        if w.shape != (n,):
            _fail(f"sample_weight has {w.size} entries, expected {n}")
        declared = self._declared(names, len(cols))
        self.names_in_ = names
        self.n_features_in_ = len(cols)
        self.columns_ = []
        for j, values in enumerate(cols):
            name = names[j] if names is not None else j
            label = _label(names[j] if names is not None else None, j)
            kind, detail = _detect(values, name, label, declared)
            fit = getattr(self, f"_fit_{kind}")
            code = fit(values, w, label, detail)
            code.update(name=names[j] if names is not None else None, kind=kind)
            self.columns_.append(code)
        self._finish()
        return self

    def _fill(self, x, w, label, had_missing):
        how = "median" if self.missing == "median" else "mean"
        fill = _weighted_fill(x, w, how)
        if fill is None:
            _fail(f"{label} has no values (every counted row is missing)")
        if had_missing and self.missing in ("error", "drop"):
            i = int(np.flatnonzero(np.isnan(x))[0])
            _fail(
                f"{label} has {int(np.isnan(x).sum())} missing value(s), the first in "
                f"{_row(i)}; choose missing='indicator', 'mean' or 'median' (--missing), "
                "or drop them"
            )
        return fill

    def _fit_numeric(self, values, w, label, _detail):
        x = _numeric_values(values, label)
        if np.isinf(x).any():
            i = int(np.flatnonzero(np.isinf(x))[0])
            _fail(f"{label} holds an infinite value in {_row(i)}")
        had = bool(np.isnan(x[w > 0]).any()) or bool(np.isnan(x).any())
        fill = self._fill(x, w, label, had)
        return {"fill": fill, "indicator": had and self.missing == "indicator", "had_missing": had}

    def _keys(self, values, label):
        """(keys, missing mask): each cell's level key ('' where missing)."""
        import pandas as pd

        s = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
        obj = s.astype(object).to_numpy()
        _check_cell_type(obj, label)
        na = _missing_mask(s)
        keys = np.array(["" if m else _level_key(v) for v, m in zip(obj, na)], dtype=object)
        return keys, na

    def _fit_categorical(self, values, w, label, declared_levels):
        keys, na = self._keys(values, label)
        if na.any() and self.missing in ("error", "drop"):
            i = int(np.flatnonzero(na)[0])
            _fail(
                f"{label} has {int(na.sum())} missing value(s), the first in {_row(i)}; "
                "choose missing='indicator', 'mean' or 'median' (--missing), or drop them"
            )
        counts: dict[str, float] = {}
        for k, m, wi in zip(keys, na, w):
            if not m and wi > 0:
                counts[k] = counts.get(k, 0.0) + float(wi)
        if declared_levels is not None:
            levels = list(dict.fromkeys(declared_levels))
        else:
            levels = sorted(counts, key=_level_sort_key)
        other, merged = False, []
        if len(levels) > self.max_levels:
            ranked = sorted(levels, key=lambda k: (-counts.get(k, 0.0), _level_sort_key(k)))
            kept = set(ranked[: self.max_levels - 1])
            merged = [k for k in levels if k not in kept]  # seen, but rare: <other>, silently
            levels, other = [k for k in levels if k in kept], True
        missing_level = bool(na.any())
        code = {"levels": levels, "other": other, "missing_level": missing_level}
        if merged:
            code["merged"] = merged
        return code

    def _fit_ordinal(self, values, w, label, levels):
        keys, na = self._keys(values, label)
        index = {k: i for i, k in enumerate(levels)}
        bad = [(i, k) for i, (k, m) in enumerate(zip(keys, na)) if not m and k not in index]
        if bad:
            _fail(
                f"{label} holds {bad[0][1]!r} in {_row(bad[0][0])}, not one of its ordered "
                f"levels {levels!r:.120}"
            )
        x = np.array([np.nan if m else index[k] for k, m in zip(keys, na)], dtype=np.float64)
        had = bool(na.any())
        fill = self._fill(x, w, label, had)
        return {
            "levels": list(levels),
            "fill": fill,
            "indicator": had and self.missing == "indicator",
            "had_missing": had,
        }

    def _fit_ignored(self, values, w, label, why):
        warnings.warn(f"{label} is left out of the inputs: {why}", TableWarning, stacklevel=4)
        return {"why": why}

    def _finish(self):
        """Output names, groups and the passthrough flag from ``columns_``."""
        names, groups = [], []
        for j, c in enumerate(self.columns_):
            col = c["name"] if c["name"] is not None else f"x{j}"
            start = len(names)
            names.extend(_output_names(c, col))
            groups.append((col, list(range(start, len(names)))))
        self.output_names_ = names
        self.groups_ = groups
        self.passthrough_ = all(
            c["kind"] == "numeric" and not c["indicator"] for c in self.columns_
        )

    @property
    def n_outputs(self) -> int:
        """How many network inputs the table becomes."""
        return len(self.output_names_)

    # -- transform ------------------------------------------------------------------------
    def transform(self, X, dtype=np.float64) -> np.ndarray:
        """The table's rows as network inputs, (n_samples, n_outputs); the columns must be
        those of the fitted table (by name for a DataFrame fitted on one, else by position)."""
        with _pointing(X):
            return self._transform(X, dtype)

    def _transform(self, X, dtype):
        names, cols = self._matched_columns(X)
        n = len(cols[0]) if cols else 0
        if n == 0:
            _fail("Found array with 0 sample(s) while a minimum of 1 is required")
        out = np.empty((n, self.n_outputs), dtype=dtype)
        k = 0
        for j, (c, values) in enumerate(zip(self.columns_, cols)):
            label = _label(c["name"], j)
            block = getattr(self, f"_transform_{c['kind']}")(c, values, label)
            out[:, k : k + block.shape[1]] = block
            k += block.shape[1]
        return out

    def _matched_columns(self, X):
        names, cols = _columns(X)
        if self.names_in_ is not None and names is not None:
            index = {nm: j for j, nm in enumerate(names)}
            absent = [nm for nm in self.names_in_ if nm not in index]
            if absent:
                _fail(
                    f"the data lack the model's input column(s) {', '.join(map(repr, absent[:5]))}"
                    f"; the model was trained on {', '.join(self.names_in_[:12])}"
                )
            return names, [cols[index[nm]] for nm in self.names_in_]
        if len(cols) != self.n_features_in_:
            _fail(
                f"X has {len(cols)} features, but the model is expecting "
                f"{self.n_features_in_} features as input"
            )
        return names, cols

    def _missing_at_predict(self, c, label, na, what):
        if self.missing in ("error", "drop"):
            i = int(np.flatnonzero(na)[0])
            advice = (
                "the model was fitted with missing='drop', and a row to predict cannot be dropped"
                if self.missing == "drop"
                else "the model was fitted with missing='error'"
            )
            _fail(f"{label} has {int(na.sum())} missing value(s), the first in {_row(i)}: {advice}")
        warnings.warn(
            f"{label} has {int(na.sum())} missing value(s), none at fit time: {what}",
            TableWarning,
            stacklevel=5,
        )

    def _transform_numeric(self, c, values, label):
        x = _numeric_values(values, label)
        if np.isinf(x).any():
            i = int(np.flatnonzero(np.isinf(x))[0])
            _fail(f"{label} holds an infinite value in {_row(i)}")
        na = np.isnan(x)
        if na.any():
            if not c.get("had_missing", c["indicator"]):
                self._missing_at_predict(
                    c, label, na, f"filled with its fit-time value {c['fill']:.6g}"
                )
            x = np.where(na, c["fill"], x)
        if c["indicator"]:
            return np.column_stack([x, na.astype(np.float64)])
        return x[:, None]

    def _unknown(self, label, keys, unknown, has_other):
        i = int(np.flatnonzero(unknown)[0])
        if self.handle_unknown == "error":
            _fail(
                f"{label} holds {keys[i]!r} in {_row(i)}, a level not seen at fit time "
                "(handle_unknown='error')"
            )
        more = (
            f" (and {int(unknown.sum()) - 1} more row(s) with unknown levels)"
            if unknown.sum() > 1
            else ""
        )
        to = "its <other> input" if has_other else "all-zero inputs"
        warnings.warn(
            f"{label} holds {keys[i]!r} in {_row(i)}, a level not seen at fit time{more}: "
            f"encoded as {to}",
            TableWarning,
            stacklevel=5,
        )

    def _transform_categorical(self, c, values, label):
        keys, na = self._keys(values, label)
        levels = list(c["levels"])
        cols = (
            levels
            + ([OTHER] if c["other"] else [])
            + ([MISSING_LEVEL] if c["missing_level"] else [])
        )
        index = {k: i for i, k in enumerate(levels)}
        codes = np.array([index.get(k, -1) for k in keys], dtype=np.int64)
        unknown = (codes < 0) & ~na
        if unknown.any() and c["other"]:
            rare = set(c.get("merged", ()))  # levels fit merged into <other>: no surprise
            seen = unknown & np.array([k in rare for k in keys], dtype=bool)
            codes[unknown] = len(levels)
            unknown &= ~seen
        if unknown.any():
            self._unknown(label, keys, unknown, c["other"])
        if na.any():
            if c["missing_level"]:
                codes[na] = len(cols) - 1
            elif self.handle_unknown == "error" and self.missing not in ("error", "drop"):
                i = int(np.flatnonzero(na)[0])
                _fail(
                    f"{label} has a missing value in {_row(i)} and had none at fit time "
                    "(handle_unknown='error')"
                )
            else:
                self._missing_at_predict(c, label, na, "encoded as all-zero inputs")
        onehot = np.zeros((len(keys), len(cols)))
        rows = np.flatnonzero(codes >= 0)
        onehot[rows, codes[rows]] = 1.0
        if _is_binary(c):
            return onehot[:, 1:2]
        return onehot if len(cols) > 1 else onehot[:, :0]

    def _transform_ordinal(self, c, values, label):
        keys, na = self._keys(values, label)
        index = {k: i for i, k in enumerate(c["levels"])}
        x = np.array([np.nan if m else index.get(k, np.nan) for k, m in zip(keys, na)])
        unknown = np.isnan(x) & ~na
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            if self.handle_unknown == "error":
                _fail(f"{label} holds {keys[i]!r} in {_row(i)}, not one of its ordered levels")
            warnings.warn(
                f"{label} holds {keys[i]!r} in {_row(i)}, not one of its ordered levels: "
                f"filled with {c['fill']:.6g}",
                TableWarning,
                stacklevel=4,
            )
        if na.any() and not c.get("had_missing", c["indicator"]):
            self._missing_at_predict(
                c, label, na, f"filled with its fit-time value {c['fill']:.6g}"
            )
        filled = np.where(np.isnan(x), c["fill"], x)
        if c["indicator"]:
            return np.column_stack([filled, na.astype(np.float64)])
        return filled[:, None]

    def _transform_ignored(self, c, values, label):
        return np.empty((len(values), 0))

    # -- describing and storing -----------------------------------------------------------
    def summary(self) -> list[dict]:
        """One dict per input column for people: name, kind, its inputs, levels, fill."""
        out = []
        for (col, idx), c in zip(self.groups_, self.columns_):
            d = {"column": col, "kind": c["kind"], "inputs": [self.output_names_[i] for i in idx]}
            for key in ("levels", "fill", "why", "other", "missing_level", "indicator"):
                if key in c:
                    d[key] = c[key]
            out.append(d)
        return out

    def state(self) -> dict:
        """The fitted encoder as plain JSON values (its parameters and ``columns_``)."""
        params = {
            "categorical": _jsonable(self.categorical),
            "numeric": _jsonable(self.numeric),
            "ordinal": _jsonable(self.ordinal),
            "max_levels": int(self.max_levels),
            "handle_unknown": self.handle_unknown,
            "missing": self.missing,
        }
        return {
            "params": params,
            "names_in": self.names_in_,
            "n_features_in": int(self.n_features_in_),
            "columns": [dict(c) for c in self.columns_],
        }

    @classmethod
    def from_state(cls, state: dict) -> TableEncoder:
        """Rebuild a fitted encoder from :meth:`state`; a malformed state is a ValueError."""
        try:
            enc = cls(**state["params"])
            enc._check_params()
            enc.names_in_ = (
                None if state["names_in"] is None else [str(n) for n in state["names_in"]]
            )
            enc.n_features_in_ = int(state["n_features_in"])
            enc.columns_ = [dict(c) for c in state["columns"]]
            kinds = {"numeric", "categorical", "ordinal", "ignored"}
            if len(enc.columns_) != enc.n_features_in_ or any(
                c.get("kind") not in kinds for c in enc.columns_
            ):
                raise ValueError("its columns do not match its kinds or count")
            if enc.names_in_ is not None and len(enc.names_in_) != enc.n_features_in_:
                raise ValueError("its names do not match its columns")
            enc._finish()
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed table encoding: {exc}") from None
        return enc


def _is_binary(c) -> bool:
    """Two levels and nothing else: one 0/1 input (1 for the second level) suffices."""
    return (
        c["kind"] == "categorical"
        and len(c["levels"]) == 2
        and not c["other"]
        and not c["missing_level"]
    )


def _output_names(c, col) -> list[str]:
    kind = c["kind"]
    if kind in ("numeric", "ordinal"):
        return [col] + ([f"{col}={MISSING_LEVEL}"] if c["indicator"] else [])
    if kind == "ignored":
        return []
    levels = (
        list(c["levels"])
        + ([OTHER] if c["other"] else [])
        + ([MISSING_LEVEL] if c["missing_level"] else [])
    )
    if _is_binary(c):
        return [f"{col}={levels[1]}"]
    return [f"{col}={lv}" for lv in levels] if len(levels) > 1 else []


def _jsonable(v):
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return str(v)


def missing_rows(X) -> np.ndarray:
    """True for each row of the table X that has a missing value in some column."""
    _, cols = _columns(X)
    n = len(cols[0]) if cols else 0
    out = np.zeros(n, dtype=bool)
    for values in cols:
        out |= _missing_mask(values)
    return out
