"""Tables and built-in data sets behind the command line: every bad file is one clear error."""

import os

import numpy as np
import pandas as pd
import pytest

from bpnn.datasets import DEFAULT_DATASET, dataset_names, load_dataset
from bpnn.io_tables import TableError, atomic_path, read_table, select_columns, write_table


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


# -- built-in data sets -----------------------------------------------------------------------
def test_every_dataset_loads_with_its_targets():
    expected = {
        "tutorial": (1, 2),
        "xor": (4, 2),
        "parity3": (8, 3),
        "sine": (81, 1),
        "iris": (150, 4),
        "wine": (178, 13),
        "breast_cancer": (569, 30),
        "diabetes": (442, 10),
        "sunspots": (309, 0),
        "narendra_plant": (1000, 1),
    }
    assert dataset_names() == list(expected)
    assert DEFAULT_DATASET in expected
    for name, (n, k) in expected.items():
        ds = load_dataset(name)
        has_time = ds.time is not None
        assert ds.frame.shape == (n, k + len(ds.target) + has_time), name
        assert len(ds.features) == k
        assert ds.task in ("classification", "regression", "timeseries")
        assert (ds.task == "timeseries") == has_time
        assert not ds.frame.isna().to_numpy().any()


def test_dataset_values():
    # the tutorial's worked example: input (5, 10), targets (0.01, 0.99)
    tut = load_dataset("tutorial").frame
    assert tut.to_numpy().tolist() == [[5, 10, 0.01, 0.99]]
    xor = load_dataset("xor").frame
    assert (xor["y"] == (xor["x1"] ^ xor["x2"])).all()
    par = load_dataset("parity3").frame
    assert (par["parity"] == par[["x1", "x2", "x3"]].sum(axis=1) % 2).all()
    sine = load_dataset("sine").frame
    np.testing.assert_allclose(sine["y"], np.sin(np.pi * sine["x"]), atol=1e-9)
    iris = load_dataset("iris").frame
    assert sorted(iris["species"].unique()) == ["setosa", "versicolor", "virginica"]


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown data set 'mnist'.*iris"):
        load_dataset("mnist")


# -- reading ------------------------------------------------------------------------------------
def test_reads_csv_tsv_txt_excel_parquet(tmp_path):
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, 5, 6], "c": ["x", "y", "z"]})
    paths = [tmp_path / f"t.{s}" for s in ("csv", "tsv", "xlsx", "parquet")]
    for p in paths:
        write_table(df, p)
    _write(tmp_path, "t.txt", "a;b;c\n1;4;x\n2;5;y\n3;6;z\n")  # sniffed delimiter
    for p in paths + [tmp_path / "t.txt"]:
        got = read_table(p)
        assert list(got.columns) == ["a", "b", "c"], p
        np.testing.assert_array_equal(got["a"].to_numpy(float), [1, 2, 3])
        assert got["c"].tolist() == ["x", "y", "z"]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("missing.csv", None, r"file not found: '.*missing\.csv'"),
        ("empty.csv", "", r"is empty"),
        ("header.csv", "a,b\n", r"has a header but no data rows"),
        ("long.csv", "a,b\n1,2\n3,4,5\n", r"ragged file .*line 3 has 3 fields, the header has 2"),
        (
            "short.csv",
            "a,b,c\n1,2,3\n4,5\n",
            r"ragged file .*line 3 has 2 fields, the header has 3",
        ),
        ("dup.csv", "a,a\n1,2\n", r"column name 'a' more than once"),
        ("data.json", "{}", r"unknown file type '\.json'"),
    ],
)
def test_bad_files(tmp_path, name, text, message):
    p = tmp_path / name
    if text is not None:
        p.write_text(text)
    with pytest.raises(TableError, match=message):
        read_table(p)


def test_directory_and_corrupt_excel(tmp_path):
    with pytest.raises(TableError, match="is a directory"):
        read_table(tmp_path)
    bad = _write(tmp_path, "bad.xlsx", "a,b\n1,2\n")
    with pytest.raises(TableError) as err:
        read_table(bad)
    # one line of our own, not the zip library's "File is not a zip file"
    assert str(err.value) == (
        f"{str(bad)!r} is not an Excel workbook (it holds text: a CSV file renamed? name it .csv)"
    )
    binary = tmp_path / "bin.xlsx"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(TableError, match=r"'.*bin\.xlsx' is not an Excel workbook$"):
        read_table(binary)
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(TableError, match=r"empty\.xlsx' is empty"):
        read_table(tmp_path / "empty.xlsx")
    fake = _write(tmp_path, "fake.parquet", "x,y\n")
    with pytest.raises(TableError, match=r"is not a Parquet file \(it holds text"):
        read_table(fake)
    # a zip that is not a workbook still gets the reader's one line
    import zipfile

    with zipfile.ZipFile(tmp_path / "zip.xlsx", "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(TableError, match=r"cannot read '.*zip\.xlsx'"):
        read_table(tmp_path / "zip.xlsx")


# -- selecting columns ---------------------------------------------------------------------
def test_select_columns_splits_inputs_and_targets():
    df = pd.DataFrame({"a": [1, 2], "b": ["3", "4"], "y": ["u", "v"]})
    X, Y = select_columns(df, ["y"], numeric_target=False)
    assert list(X.columns) == ["a", "b"] and X.dtypes.tolist() == [float, float]
    assert Y["y"].tolist() == ["u", "v"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"target": ["nope"]}, r"unknown column 'nope' in the data; its columns are: a, b, y"),
        ({"target": ["y"], "features": ["a", "zz"]}, r"unknown column 'zz'"),
        ({"target": ["y"], "features": ["y"]}, r"'y' is both an input and a target"),
        ({"target": ["a", "b", "y"]}, r"no input columns"),
    ],
)
def test_select_column_errors(kwargs, message):
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "y": [0.0, 1.0]})
    with pytest.raises(TableError, match=message):
        select_columns(df, **kwargs)


def test_non_numeric_and_infinite_inputs_are_named():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["1", "x2", "3"], "y": [0.0, 1.0, 2.0]})
    with pytest.raises(TableError, match=r"column 'b' in the data is not numeric: 'x2' in row 2"):
        select_columns(df, ["y"])
    df["b"] = [1.0, np.inf, 2.0]
    with pytest.raises(TableError, match=r"column 'b' .* infinite value in row 2"):
        select_columns(df, ["y"])


def test_missing_value_strategies():
    df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 5.0], "y": [1.0, 2.0, np.nan, 4.0]})
    with pytest.raises(
        TableError,
        match=r"column 'a' .* 1 missing value\(s\), the first in "
        r"row 2; choose --missing",
    ):
        select_columns(df, ["y"])
    X, Y = select_columns(df, ["y"], missing="drop")
    assert X["a"].tolist() == [1.0, 5.0] and Y["y"].tolist() == [1.0, 4.0]
    # mean: the row with a missing target goes; the input gap gets the mean of what is left
    # (rows 1 and 4: a = 1, 5 -> mean 3)
    X, Y = select_columns(df, ["y"], missing="mean")
    assert X["a"].tolist() == [1.0, 3.0, 5.0] and Y["y"].tolist() == [1.0, 2.0, 4.0]
    X, _ = select_columns(df, ["y"], missing="median")
    assert X["a"].tolist() == [1.0, 3.0, 5.0]
    with pytest.raises(TableError, match="unknown missing-value strategy 'zero'"):
        select_columns(df, ["y"], missing="zero")
    with pytest.raises(TableError, match="no rows .* left"):
        select_columns(pd.DataFrame({"a": [np.nan], "y": [1.0]}), ["y"], missing="drop")


# -- writing --------------------------------------------------------------------------------
def test_atomic_path_keeps_the_old_file_on_failure(tmp_path):
    out = _write(tmp_path, "out.csv", "old")
    with pytest.raises(RuntimeError):
        with atomic_path(out) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert out.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]  # no temporary left behind
    with atomic_path(out) as tmp:
        tmp.write_text("new")
    assert out.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(out).st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600
    with pytest.raises(TableError, match="does not exist"):
        with atomic_path(tmp_path / "nodir" / "x.csv"):
            pass
