"""Property-based tests of the data reader: generated tables survive a write/read trip."""

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

io_tables = pytest.importorskip("bpnn.io_tables")

# BPNN_HYPOTHESIS_EXAMPLES=2000 python -m pytest tests/test_properties*.py  for a long run
FAST = settings(
    max_examples=int(os.environ.get("BPNN_HYPOTHESIS_EXAMPLES", 30)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,7}", fullmatch=True)
values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(-(10**12), 10**12).map(float),
)


@st.composite
def frames(draw):
    cols = draw(st.lists(names, min_size=1, max_size=5, unique_by=str.lower))
    n = draw(st.integers(1, 15))
    data = {c: draw(st.lists(values, min_size=n, max_size=n)) for c in cols}
    return pd.DataFrame(data)


@FAST
@given(frames(), st.sampled_from([(".csv", ","), (".tsv", "\t"), (".txt", ";")]))
def test_reader_returns_generated_tables_exactly(tmp_path, df, kind):
    suffix, sep = kind
    path = tmp_path / f"table{suffix}"
    df.to_csv(path, sep=sep, index=False)  # floats are written with repr: exact
    back = io_tables.read_table(path)
    assert list(back.columns) == list(df.columns)
    got = back.to_numpy(dtype=np.float64)
    assert got.shape == df.shape and np.array_equal(got, df.to_numpy(dtype=np.float64))


@FAST
@given(frames(), st.integers(0, 10**6))
def test_reader_reports_a_ragged_row_by_line(tmp_path, df, seed):
    if df.shape[1] < 2:
        return
    lines = df.to_csv(index=False).splitlines()
    bad = 2 + seed % (len(lines) - 1)  # a data line, 1-based line number
    lines[bad - 1] = ",".join(lines[bad - 1].split(",")[:-1])
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=f"line {bad}"):
        io_tables.read_table(path)
