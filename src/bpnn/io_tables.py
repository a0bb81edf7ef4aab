"""Reading data tables (CSV, TSV, Excel, Parquet) and writing outputs atomically.

Every problem a user can make with a file becomes a :class:`TableError` (a ValueError)
with one line that names the file, the column or the row, so the command line can print
it without a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import _atomic

__all__ = [
    "TableError",
    "detect_encoding",
    "check_separated_numbers",
    "read_table",
    "select_columns",
    "parse_columns",
    "check_columns",
    "write_table",
    "check_output",
    "atomic_path",
    "atomic_write_text",
    "MISSING_STRATEGIES",
    "TABLE_SUFFIXES",
]

MISSING_STRATEGIES = ("error", "drop", "mean", "median", "indicator")
_TEXT = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": None}
_EXCEL = (".xlsx", ".xlsm", ".xls")
_PARQUET = (".parquet", ".pq")
TABLE_SUFFIXES = tuple(_TEXT) + _EXCEL + _PARQUET


class TableError(ValueError):
    """A data file or column problem, described in one line."""


# -- reading --------------------------------------------------------------------------------
def read_table(path, sheet=None, *, encoding=None, decimal=".", thousands=None) -> pd.DataFrame:
    """Read a table by its suffix: .csv, .tsv/.tab, .txt (delimiter sniffed), .xlsx, .parquet.

    A text file's encoding is found from its bytes (:func:`detect_encoding`: byte-order
    marks, UTF-8, then GB18030/GBK or Big5 as Chinese Windows machines write them) unless
    ``encoding`` names it; ``df.attrs["encoding"]`` says which was used. ``decimal`` and
    ``thousands`` (one character each) say how numbers are written (``decimal=","``,
    ``thousands="."`` for ``1.234,5``; ``thousands=" "`` takes no-break spaces too), in
    text files and in an Excel sheet's text cells; a column of numbers written with
    separators that these do not read is refused in one line
    (:func:`check_separated_numbers`) rather than read as text.

    Raises :class:`TableError` for a missing, empty, ragged or unreadable file.
    """
    p = Path(path)
    if not p.exists():
        raise TableError(f"file not found: {str(p)!r}")
    if p.is_dir():
        raise TableError(f"{str(p)!r} is a directory, not a data file")
    decimal, thousands = decimal or ".", thousands or None
    for name, ch in (("--decimal", decimal), ("--thousands", thousands)):
        if ch is not None and (not isinstance(ch, str) or len(ch) != 1):
            raise TableError(f"{name} takes one character, got {ch!r}")
    if decimal == thousands:  # pandas would read 1.5 as 15
        raise TableError(f"--decimal and --thousands are both {decimal!r}")
    suffix = p.suffix.lower()
    if suffix in _TEXT:
        df = _read_text(p, _TEXT[suffix], encoding, decimal, thousands)
    elif suffix in _EXCEL:
        _check_magic(p, _EXCEL_MAGIC[suffix], "an Excel workbook")
        df = _read_optional(
            lambda: pd.read_excel(p, sheet_name=sheet or 0, decimal=decimal, thousands=thousands),
            p,
            "openpyxl",
        )
        df.columns = [str(c).strip() for c in df.columns]
        check_separated_numbers(df, repr(str(p)), decimal=decimal, thousands=thousands)
    elif suffix in _PARQUET:
        _check_magic(p, (b"PAR1",), "a Parquet file")
        df = _read_optional(lambda: pd.read_parquet(p), p, "pyarrow")
    else:
        raise TableError(
            f"cannot read {str(p)!r}: unknown file type {suffix or '(none)'!r}; "
            f"use one of {', '.join(TABLE_SUFFIXES)}"
        )
    if df.shape[1] == 0:
        raise TableError(f"{str(p)!r} has no columns")
    if df.shape[0] == 0:
        raise TableError(f"{str(p)!r} has a header but no data rows")
    df.columns = [str(c).strip() for c in df.columns]
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise TableError(f"{str(p)!r} has the column name {dup[0]!r} more than once")
    return df


# the first bytes of each binary format: .xlsx/.xlsm are zip archives, .xls an OLE2 file
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_MAGIC = {".xlsx": (_ZIP,), ".xlsm": (_ZIP,), ".xls": (_OLE2, _ZIP)}


def _check_magic(p: Path, starts: tuple, what: str):
    """One line for a file whose suffix promises a binary format its bytes do not hold (a CSV
    file renamed .xlsx, say), instead of the reading library's own wording."""
    with p.open("rb") as f:
        head = f.read(8)
    if not head:
        raise TableError(f"{str(p)!r} is empty")
    if not any(head.startswith(m) for m in starts):
        text = head.isascii() and all(32 <= c < 127 or c in (9, 10, 13) for c in head)
        hint = " (it holds text: a CSV file renamed? name it .csv)" if text else ""
        raise TableError(f"{str(p)!r} is not {what}{hint}")


def _sniff(text: str) -> str:
    head = text[:8192]
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t; ").delimiter
    except csv.Error:
        return ","


# -- text encodings -------------------------------------------------------------------------
_BOMS = (  # longest first: a UTF-32 LE mark starts with UTF-16 LE's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def detect_encoding(data: bytes) -> str:
    """The encoding of a text file's bytes, as a Python codec name.

    In turn: a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16 without a mark (NUL bytes
    in every other place, as ASCII text in UTF-16 has); strict UTF-8; then, among the
    codecs that decode the bytes at all, GB18030 (a superset of GBK and GB2312: the files
    Excel writes on Chinese Windows machines), Big5 and cp1252 (Western Windows), the one
    charset-normalizer finds the best fit -- biased to GB18030: it is taken when the
    detector names it, has no answer, or names cp1252 while the bytes read as GB2312's
    common characters; Big5 only when the detector names it. latin-1 decodes any other
    bytes. ``--encoding`` names anything else (Shift-JIS, KOI8-R...).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    if len(head) >= 8:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > 0.3 * len(head) / 2 and even == 0:
            return "utf-16-le"
        if even > 0.3 * len(head) / 2 and odd == 0:
            return "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    fits = [c for c in ("gb18030", "big5", "cp1252") if _decodes(data, c)]
    if len(fits) <= 1:
        return fits[0] if fits else "latin-1"  # latin-1 decodes any bytes
    best = _detector_guess(data, fits)
    share = _gb2312_share(data)
    if best in ("big5", "big5hkscs", "cp950") and "big5" in fits and share < 0.9:
        return "big5"  # the detector says Big5, and the bytes do not read as GB2312 text
    if "gb18030" in fits and (share >= 0.8 or best not in ("big5", "cp1252")):
        return "gb18030"
    return best if best in fits else fits[-1]


def _gb2312_share(data: bytes) -> float:
    """The share of the double-byte sequences of ``data`` (read as GB18030) that are
    GB2312's hanzi or Chinese punctuation (first byte 0xA1-0xA3 or 0xB0-0xF7, second
    0xA1-0xFE): nearly all of them in Chinese text; far fewer in Big5 text (whose second
    bytes are often 0x40-0x7E and first bytes often 0xA4-0xAF, kana and symbols in GB2312)
    or in Western text read as GB18030 (where an accented letter is usually followed by an
    ASCII one)."""
    i = n = common = 0
    while i < len(data) - 1:
        b = data[i]
        if b < 0x81:
            i += 1
            continue
        nxt = data[i + 1]
        if 0x30 <= nxt <= 0x39:  # a four-byte sequence: outside GB2312
            n, i = n + 1, i + 4
            continue
        n += 1
        common += (0xA1 <= b <= 0xA3 or 0xB0 <= b <= 0xF7) and nxt >= 0xA1
        i += 2
    return common / n if n else 0.0


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _detector_guess(data: bytes, candidates):
    """charset-normalizer's best encoding for ``data`` (among ``candidates``), or None."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # it is a dependency; without it the fixed order above decides
        return None
    best = from_bytes(data[:65536], cp_isolation=candidates).best()
    return None if best is None else str(best.encoding)


def _decode(p: Path, encoding) -> tuple[str, str]:
    """(text, codec) of the file: ``encoding`` if given, else the detected one."""
    data = p.read_bytes()
    given = encoding is not None
    if encoding is None:
        encoding = detect_encoding(data)
    else:
        import codecs

        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise TableError(
                f"unknown encoding {encoding!r} (use a name such as utf-8, gbk, gb18030, utf-16)"
            ) from None
        if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except LookupError:  # a codec of bytes to bytes (base64, zlib, ...)
        raise TableError(f"{encoding!r} is not a text encoding") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = detect_encoding(data) if given else None
        hint = (
            f"; it reads as {guess} (leave --encoding out to detect it)"
            if guess and guess != encoding
            else "; name its encoding with --encoding"
        )
        raise TableError(
            f"{str(p)!r} is not {encoding} text: byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start} (line {line}) does not decode{hint}"
        ) from None
    if text.startswith("\ufeff"):  # a mark the codec kept (utf-16-le/-be)
        text = text[1:]
    return text, encoding


# -- numbers written with separators -------------------------------------------------------
#: (decimal mark, thousands separator) pairs a number column may be written in, in the
#: order they are offered; a ';'-separated file (Excel in a comma-decimal locale) puts
#: the decimal-comma readings first
_SEPARATOR_PAIRS: tuple[tuple[str, str | None], ...] = (
    (".", None),  # 1234.5: the default reading
    (".", ","),  # 1,234.5 (English, Chinese)
    (",", None),  # 17,25
    (",", "."),  # 1.234,5 (German, Spanish, ...)
    (",", " "),  # 1 234,5 (French, Russian, ...; also with a no-break space)
    (".", " "),  # 1 234.5
    (".", "'"),  # 1'234.5 (Swiss)
    (",", "'"),
)
_SPACES = " \u00a0\u202f"  # a space, a no-break space, a narrow no-break space
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DIGIT_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f](?=\d{3}(?!\d))")


def _number_pattern(decimal: str, thousands) -> re.Pattern:
    """A number written with ``decimal`` and (in groups of three digits) ``thousands``."""
    d = re.escape(decimal)
    if thousands is None:
        return re.compile(rf"[+-]?(\d+({d}\d*)?|{d}\d+)")
    t = f"[{_SPACES}]" if thousands == " " else re.escape(thousands)
    return re.compile(rf"[+-]?([1-9]\d{{0,2}}({t}\d{{3}})+|\d+)({d}\d+)?")


_NUMBER_PATTERNS = {pair: _number_pattern(*pair) for pair in _SEPARATOR_PAIRS}


def _separated_value(v: str, decimal: str, thousands) -> float:
    """``v`` (matched by ``_number_pattern(decimal, thousands)``) as a number."""
    for ch in _SPACES if thousands == " " else thousands or "":
        v = v.replace(ch, "")
    return float(v.replace(decimal, "."))


def _option_words(decimal: str, thousands) -> str:
    quoted = {" ": "' '", "'": '"\'"'}
    words = [f"--decimal {decimal}"] if decimal != "." else []
    if thousands is not None:
        words.append(f"--thousands {quoted.get(thousands, thousands)}")
    return " ".join(words)


def check_separated_numbers(df, source: str = "the data", *, sep=None, decimal=".", thousands=None):
    """Refuse a text column that holds numbers written with separators, in one line.

    A column of text (object or string dtype) every value of which is a number once a
    decimal mark and a thousands separator are read as such (``1.234,5``, ``1,234.5``,
    ``1 234,5``, ``17,25``; plain numbers may be among them), some of which the reading
    in effect (``decimal``, ``thousands``: the options the table was read with) does not
    read, raises :class:`TableError` naming the column, the first such value and its row
    (counted from 1), and the read options (``--decimal``/``--thousands``, :func:`read_table`'s
    ``decimal=``/``thousands=``) that read it; where two readings fit (``1,234``: a
    thousand or a decimal), the message names the other too. Reading such a column as
    text (a category per value) would lose it silently. ``sep``: the file's delimiter, if
    known (with ``';'`` a comma is taken for a decimal mark first). Ordinary text (words,
    codes, dates) is left alone.
    """
    pairs = list(_SEPARATOR_PAIRS)
    if sep == ";":
        pairs.sort(key=lambda pair: (pair != (".", None), pair[0] != ","))
    current = (decimal or ".", thousands or None)
    reads = _NUMBER_PATTERNS.get(current) or _number_pattern(*current)
    for c in df.columns:
        col = df[c]
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        values: list[str] = []  # the column's text values
        unread = None  # (row, value) of the first that the reading in effect misses
        for i, v in enumerate(col.tolist()):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
                continue
            if isinstance(v, str) and not v.strip():
                continue  # a blank cell
            if not isinstance(v, str) or not any(ch.isdigit() for ch in v.strip()[:2]):
                values = []  # a word (or a date, ...): a column of text
                break
            v = v.strip()
            values.append(v)
            if unread is None and not reads.fullmatch(v):
                unread = (i, v)
        if not values or unread is None:
            continue
        fits = [pair for pair in pairs if all(map(_NUMBER_PATTERNS[pair].fullmatch, values))]
        if not fits:
            continue
        row, shown = unread
        if fits[0] == (".", None):  # plain numbers that the options given do not read
            raise TableError(
                f"column {c!r} in {source} holds numbers written with a decimal point "
                f"({shown!r} in row {row + 1}) that {_option_words(*current)} does not read: "
                "the options read every column alike, so a file must write its numbers alike"
            )
        options = _option_words(*fits[0])
        first = [_separated_value(v, *fits[0]) for v in values]
        other = next((f for f in fits if [_separated_value(v, *f) for v in values] != first), None)
        if other is not None and other != (".", None):  # 1,234: a thousand, or one and a bit
            options += f" (or {_option_words(*other)} if {other[0]!r} is its decimal mark)"
        raise TableError(
            f"column {c!r} in {source} holds numbers written with separators "
            f"({shown!r} in row {row + 1}): read it with {options}"
        )


def _read_text(p: Path, sep, encoding=None, decimal=".", thousands=None) -> pd.DataFrame:
    if p.stat().st_size == 0:
        raise TableError(f"{str(p)!r} is empty")
    text, used = _decode(p, encoding)
    if not text.strip():
        raise TableError(f"{str(p)!r} is empty")
    first = text.split("\n", 1)[0]
    if sep == "," and "," not in first and ";" in first:  # Excel's CSV in comma-decimal locales
        sep = ";"
    sep = sep or _sniff(text)
    _check_header(p, text, sep)
    if thousands == " ":  # a no-break space between digit groups reads as a space
        text = _DIGIT_SPACE.sub(" ", text)
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            skipinitialspace=True,
            decimal=decimal,
            thousands=thousands,
        )
    except pd.errors.EmptyDataError:
        raise TableError(f"{str(p)!r} is empty") from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise TableError(
                f"ragged file {str(p)!r}: line {m[2]} has {m[3]} fields, the header has {m[1]}"
            ) from None
        raise TableError(f"cannot parse {str(p)!r}: {str(exc).splitlines()[-1]}") from None
    if df.isna().to_numpy().any():
        _check_short_rows(p, text, sep, df.shape[1])
    df.columns = [str(c).strip() for c in df.columns]
    check_separated_numbers(df, repr(str(p)), sep=sep, decimal=decimal, thousands=thousands)
    df.attrs["encoding"] = used
    return df


def _check_header(p: Path, text: str, sep: str):
    """pandas renames a repeated column to 'a.1'; a user meant one of them: say so."""
    header = [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=sep), [])]
    seen = set()
    for h in header:
        if h in seen:
            raise TableError(f"{str(p)!r} has the column name {h!r} more than once")
        seen.add(h)


def _check_short_rows(p: Path, text: str, sep: str, n_cols: int):
    """pandas pads short rows with NaN; call them ragged instead of 'missing'."""
    for line_no, row in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
        if row and len(row) < n_cols:
            raise TableError(
                f"ragged file {str(p)!r}: line {line_no} has {len(row)} "
                f"fields, the header has {n_cols}"
            )


def _read_optional(read, p: Path, package: str) -> pd.DataFrame:
    try:
        return read()
    except ImportError:
        raise TableError(
            f"reading {p.suffix} files needs the {package} package: "
            f'pip install {package} (or pip install "bpnn[tables]")'
        ) from None
    except ValueError as exc:  # e.g. a sheet that does not exist
        raise TableError(f"cannot read {str(p)!r}: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # noqa: BLE001 - corrupt files raise many types
        raise TableError(
            f"cannot read {str(p)!r}: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}"
        ) from None


# -- selecting columns ----------------------------------------------------------------------
def parse_columns(text) -> list:
    """``"a,b"`` or ``["a", "b"]`` -> ``["a", "b"]`` (names are stripped)."""
    if text is None:
        return []
    items = text.split(",") if isinstance(text, str) else list(text)
    cols = [str(c).strip() for c in items if str(c).strip()]
    if not cols:
        raise TableError(f"no column names in {text!r}")
    return cols


def check_columns(df, cols, source):
    """Raise TableError naming the first of ``cols`` that ``df`` lacks."""
    for c in cols:
        if c not in df.columns:
            shown = ", ".join(map(str, df.columns[:12])) + (" ..." if df.shape[1] > 12 else "")
            raise TableError(f"unknown column {c!r} in {source}; its columns are: {shown}")


def _numeric(df, cols, source):
    for c in cols:
        col = df[c]
        if pd.api.types.is_bool_dtype(col):
            df[c] = col.astype(float)
        elif not pd.api.types.is_numeric_dtype(col):
            conv = pd.to_numeric(col, errors="coerce")
            bad = conv.isna() & col.notna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise TableError(
                    f"column {c!r} in {source} is not numeric: {col.iloc[i]!r} in row {i + 1}"
                )
            df[c] = conv
        inf = np.flatnonzero(np.isinf(df[c].to_numpy(dtype=float)))
        if inf.size:
            i = int(inf[0])
            raise TableError(f"column {c!r} in {source} holds an infinite value in row {i + 1}")
    return df


def _missing(df, features, targets, strategy, source, raw=False):
    if strategy not in MISSING_STRATEGIES:
        raise TableError(
            f"unknown missing-value strategy {strategy!r}; choose one of "
            f"{', '.join(MISSING_STRATEGIES)}"
        )
    cols = list(features) + list(targets)
    na = df[cols].isna()
    if not na.to_numpy().any():
        return df
    if strategy == "error":
        c = next(c for c in cols if na[c].any())
        i = int(np.flatnonzero(na[c].to_numpy())[0])
        raise TableError(
            f"column {c!r} in {source} has {int(na[c].sum())} missing value(s), "
            f"the first in row {i + 1}; choose --missing indicator, mean, median or drop"
        )
    if strategy == "drop":
        out = df.loc[~na.any(axis=1)]
    elif raw:  # the model's table map fills the inputs; a row without a target goes
        out = df.loc[~na[list(targets)].any(axis=1)] if targets else df
    else:  # impute features; a missing target cannot be imputed, so its row goes
        out = df.loc[~na[list(targets)].any(axis=1)].copy() if targets else df.copy()
        for c in features:
            fill = out[c].mean() if strategy == "mean" else out[c].median()
            if pd.isna(fill):  # every kept value is missing (found by fuzz/fuzz_reader.py)
                raise TableError(
                    f"column {c!r} in {source} has no values to take the {strategy} of"
                )
            out[c] = out[c].fillna(fill)
    if out.shape[0] == 0:
        raise TableError(f"no rows of {source} are left after dropping missing values")
    return out


def select_columns(
    df,
    target=None,
    features=None,
    *,
    missing="error",
    source="the data",
    numeric_target=True,
    raw=False,
):
    """Split a table into inputs X and targets Y.

    Parameters
    ----------
    df : DataFrame
    target : list of str, or None
        Target columns; None means "no targets" (prediction).
    features : list of str, or None
        Input columns; None means every column that is not a target.
    missing : "error", "drop", "mean", "median" or "indicator"
        What to do with missing values (mean/median fill inputs; rows whose target is
        missing are dropped). With ``raw`` only "error" and "drop" act on the inputs
        here; the others are the model's table map's to apply.
    raw : bool
        Keep the input columns as they are (text, booleans, missing values) for a model's
        table map (:class:`bpnn.tables.encoder.TableEncoder`) instead of making them
        numbers; a value with a blank cell counts as missing.
    numeric_target : bool
        False for class labels, which may be text.

    Returns
    -------
    X : DataFrame (n, n_features) of floats; Y : DataFrame (n, n_targets) or None
    """
    targets = list(target or [])
    check_columns(df, targets, source)
    if features is None:
        features = [c for c in df.columns if c not in targets]
    check_columns(df, features, source)
    both = set(features) & set(targets)
    if both:
        raise TableError(f"column {sorted(both)[0]!r} is both an input and a target")
    if not features:
        raise TableError(f"{source} has no input columns besides the target(s)")
    df = df[list(features) + targets].copy()
    numeric = ([] if raw else list(features)) + (targets if numeric_target else [])
    df = _numeric(df, numeric, source)
    if raw:
        for c in features:  # blank text is a missing value, as the table map reads it
            if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype):
                df[c] = df[c].mask(df[c].map(lambda v: isinstance(v, str) and not v.strip()))
    df = _missing(df, features, targets, missing, source, raw=raw)
    X = df[list(features)] if raw else df[list(features)].astype(float)
    if raw:  # the table map's messages name the table and count rows from 1, as here
        X.attrs.update(bpnn_source=source, bpnn_first_row=1)
    Y = df[targets] if targets else None
    return X, Y


# -- writing --------------------------------------------------------------------------------
def check_output(path, what="output"):
    """Raise TableError if ``path`` cannot be written: a directory, or in a missing one."""
    path = Path(path)
    if path.is_dir():
        raise TableError(f"{what} {str(path)!r} is a directory")
    if not path.parent.exists():
        raise TableError(f"{what} directory {str(path.parent)!r} does not exist")


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds.

    A failure (or a crash) mid-write never leaves a broken or half-written file at ``path``.
    The output is checked first (:func:`check_output`); the writing is :mod:`bpnn._atomic`'s.
    """
    check_output(path)
    with _atomic.atomic_path(path) as tmp:
        yield tmp


def atomic_write_text(path, text: str):
    check_output(path)
    _atomic.atomic_write_text(path, text)


def write_table(df: pd.DataFrame, path):
    """Write ``df`` by the suffix of ``path`` (.csv, .tsv, .xlsx, .parquet), atomically."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".tsv", ".tab", ".txt") + _EXCEL[:2] + _PARQUET:
        raise TableError(f"cannot write {str(path)!r}: unknown file type {suffix or '(none)'!r}")
    with atomic_path(path) as tmp:
        if suffix in _EXCEL:
            df.to_excel(tmp, index=False, engine="openpyxl")
        elif suffix in _PARQUET:
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False, sep="," if suffix in (".csv", ".txt") else "\t")
