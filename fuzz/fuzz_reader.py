"""Fuzz the data-table reader (CSV / TSV / delimiter-sniffed TXT) and column selection.

Run:  python fuzz/fuzz_reader.py --minutes 5 [--engine atheris|random]

The first input byte picks the file type, the rest is the file. ``read_table`` and then
``select_columns`` (last column as the target, every missing-value strategy) must either
return float arrays of matching length or raise ValueError (TableError) — any other
exception, a hang or a crash is a finding. Returned inputs must hold no NaN unless the
strategy is "error" and no value was missing (then they are finite or the reader said no).
"""
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness  # noqa: E402

import numpy as np  # noqa: E402

with _harness.instrumented_imports():
    from bpnn import io_tables

_TMP = tempfile.mkdtemp(prefix="bpnn-fuzz-")
_SUFFIXES = (".csv", ".tsv", ".txt")
_STRATEGIES = ("error", "drop", "mean", "median")


def seeds():
    data = Path(__file__).resolve().parents[1] / "src" / "bpnn" / "data"
    out = [bytes([i]) + p.read_bytes()[:4000] for i, p in enumerate(sorted(data.glob("*.csv")))]
    out += [b"\x00a,b,y\n1,2,3\n4,,6\n7,8,\n", b"\x01x\ty\n1e308\t-inf\nnan\t2\n",
            b"\x02x;y;z\n1;2;3\n\"4\";5;6\n", b"\x00\xef\xbb\xbfx,y\n1,2\n",
            b"\x00x,x,y\n1,2,3\n", b"\x00x,y\n1,2,3\n4,5\n"]
    return out


def target(data: bytes):
    if not data:
        return
    path = os.path.join(_TMP, "input" + _SUFFIXES[data[0] % 3])
    with open(path, "wb") as fh:
        fh.write(data[1:])
    df = io_tables.read_table(path)
    for strategy in _STRATEGIES:
        try:
            X, Y = io_tables.select_columns(df, target=[df.columns[-1]], missing=strategy)
        except ValueError:
            continue
        X = X.to_numpy(dtype=float)
        assert len(X) == len(Y), "inputs and targets of different lengths"
        if strategy != "error":
            assert not np.isnan(X).any(), f"NaN inputs left by missing={strategy!r}"


if __name__ == "__main__":
    _harness.run("reader", target, seeds())
