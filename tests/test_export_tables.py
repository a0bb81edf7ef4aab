"""Exports of models fitted on tables (text, boolean, ordinal and Chinese columns, missing
values): the Python module encodes the user's rows as ``predict`` does (to 1e-12), the ONNX
graph takes one input per column (levels exactly as stored), and the C export refuses
with one line naming the column."""

import importlib.util
import shutil
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn import BPClassifier, BPRegressor
from bpnn.cli import main
from bpnn.export import describe, export_c, export_onnx, export_python

COLORS = ["red", "green", "blue", "café"]  # "café" composed (NFC)
# the rows to predict: an unknown level, a missing number (NaN and None), a blank text
# cell, levels with surrounding spaces, a decomposed "café", an unknown ordinal level
RAW = pd.DataFrame(
    {
        "color": ["red", " blue ", "purple", "   ", "cafe\u0301", "green", None],
        "size": ["S", "M ", "XL", "L", "M", None, "S"],
        "flag": [True, False, True, None, False, True, False],
        "重量": [0.5, np.nan, 1.0, None, 2.0, -1.0, 0.0],
        "地区": ["华东", "华北 ", "华南", "华东", "", "华北", "华东"],
    },
    dtype=object,
)


def _table(n=240, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "color": rng.choice(COLORS, n),
            "size": rng.choice(["S", "M", "L"], n),
            "flag": rng.choice([True, False], n),
            "重量": rng.normal(size=n),
            "地区": rng.choice(["华东", "华北"], n),
        }
    )
    df.loc[::9, "重量"] = np.nan
    score = (
        (df.color == "red") * 2.0
        - (df.color == "café")
        + df["size"].map({"S": 0, "M": 1, "L": 2})
        + np.nan_to_num(df["重量"].to_numpy())
        + (df["地区"] == "华东") * 0.5
        + df.flag * 0.3
    )
    return df, score


@pytest.fixture(scope="module")
def regressor():
    df, y = _table()
    return BPRegressor(
        hidden=(5,),
        epochs=40,
        random_state=0,
        division="refit",
        ordinal={"size": ["S", "M", "L"]},
        warn=False,
    ).fit(df, y)


@pytest.fixture(scope="module")
def classifier():
    df, score = _table(seed=1)
    labels = np.where(score > 2.0, "高", np.where(score > 0.5, "mid", "low"))
    return BPClassifier(
        hidden=(4,),
        epochs=40,
        random_state=0,
        division="refit",
        ordinal={"size": ["S", "M", "L"]},
        warn=False,
    ).fit(df, labels)


def _quiet(f, *args):
    """f(*args) with the warnings on unknown levels and unexpected missing values hushed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*args)


def _module(model, tmp_path, name="exported_table"):
    path = tmp_path / f"{name}.py"
    src = export_python(model, path)
    assert path.read_bytes() == src.encode("utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, src


def test_the_model_has_a_table_map(regressor):
    tm = regressor.table_map_
    assert not tm.passthrough_
    assert [c["kind"] for c in tm.columns_] == [
        "categorical",
        "ordinal",
        "categorical",
        "numeric",
        "categorical",
    ]
    assert tm.output_names_[-1] == "地区=华北"  # two levels: one input, for the second
    d = describe(regressor)
    assert d.n_features == tm.n_outputs == regressor.network_.sizes[0]
    assert d.feature_names == tm.output_names_ and d.n_columns == 5
    assert d.column_names == ["color", "size", "flag", "重量", "地区"]


def test_python_module_encodes_rows_as_predict(regressor, tmp_path):
    mod, src = _module(regressor, tmp_path)
    body = src.split('"""', 2)[2]
    assert "bpnn" not in body.replace("bpnn::", "")  # no bpnn import
    assert "'地区'" in src and "'华东'" in src  # Chinese literals as they are, in UTF-8
    expected = _quiet(regressor.predict, RAW)
    for rows in (
        RAW,  # a DataFrame
        RAW.to_dict("records"),  # a dict per row
        RAW.to_numpy().tolist(),  # rows in column order
        RAW[["地区", "重量", "flag", "size", "color"]],  # a DataFrame's columns by name
    ):
        np.testing.assert_allclose(_quiet(mod.predict, rows), expected, rtol=0, atol=1e-12)
    one = _quiet(mod.predict, RAW.iloc[2].to_dict())  # one dict: one row
    np.testing.assert_allclose(one, expected[2:3], rtol=0, atol=1e-12)
    df, _ = _table(seed=5)  # the training kind of table, typed columns
    np.testing.assert_allclose(mod.predict(df), regressor.predict(df), rtol=0, atol=1e-12)


def test_python_module_warns_and_refuses_as_predict(regressor, tmp_path):
    mod, _ = _module(regressor, tmp_path)
    row = {"color": "purple", "size": "S", "flag": True, "重量": 0.0, "地区": "华东"}
    with pytest.warns(UserWarning, match="'purple'"):
        mod.predict([row])
    with pytest.raises(ValueError, match="lacks the model's input column"):
        mod.predict([{"color": "red"}])
    with pytest.raises(ValueError, match="is numeric but holds 'heavy'"):
        mod.predict([{**row, "color": "red", "重量": "heavy"}])
    with pytest.raises(ValueError, match="rows of 5 values"):
        mod.predict([[1.0, 2.0]])
    strict = BPRegressor(
        hidden=(3,), epochs=5, random_state=0, division="refit", handle_unknown="error", warn=False
    )
    df, y = _table()
    strict.fit(df, y)
    smod, _ = _module(strict, tmp_path, "strict")
    for f in (strict.predict, smod.predict):
        with pytest.raises(ValueError, match="'purple' in row 0, a level not seen at fit time"):
            f(pd.DataFrame([row]))


def test_python_classifier_with_text_inputs(classifier, tmp_path):
    mod, _ = _module(classifier, tmp_path, "exported_clf")
    np.testing.assert_allclose(
        _quiet(mod.predict_proba, RAW), _quiet(classifier.predict_proba, RAW), rtol=0, atol=1e-12
    )
    np.testing.assert_array_equal(_quiet(mod.predict, RAW), _quiet(classifier.predict, RAW))


def test_an_all_numeric_model_keeps_its_code(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    model = BPRegressor(hidden=(3,), epochs=10, random_state=0, division="refit", warn=False).fit(
        X, X.a
    )
    assert model.table_map_.passthrough_
    src = export_python(model)
    assert "TABLE" not in src and "unicodedata" not in src and "FILL" not in src
    assert "X of shape (n, N_FEATURES)" in src
    c_src, _ = export_c(model)
    assert "isnan" not in c_src
    assert export_onnx(model).graph.input[0].name == "X"


def _filled_model():
    """All numeric, a column with missing values, missing='mean': no indicator input, so
    the table map passes numbers through but fills a NaN."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.normal(size=(90, 3)), columns=["a", "b", "c"])
    y = X.a - X.b
    X.loc[::7, "b"] = np.nan
    model = BPRegressor(
        hidden=(3,), epochs=20, random_state=0, division="refit", missing="mean", warn=False
    )
    model.fit(X, y)
    assert model.table_map_.passthrough_ and model.table_map_.columns_[1]["had_missing"]
    Xt = np.array([[0.1, np.nan, 0.3], [np.nan, 0.5, -0.2], [1.0, 2.0, 3.0]])
    return model, Xt


def test_fills_of_an_all_numeric_model_python_and_onnx(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    model, Xt = _filled_model()
    expected = _quiet(model.predict, pd.DataFrame(Xt, columns=["a", "b", "c"]))
    mod, src = _module(model, tmp_path, "filled")
    assert "FILL = " in src and "TABLE" not in src
    np.testing.assert_allclose(mod.predict(Xt), expected, rtol=0, atol=1e-12)
    sess = ort.InferenceSession(
        export_onnx(model).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    y = sess.run(None, {"X": Xt})[0]
    np.testing.assert_allclose(y.ravel(), expected, rtol=0, atol=1e-9)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_fills_of_an_all_numeric_model_c(tmp_path):
    model, Xt = _filled_model()
    expected = _quiet(model.predict, pd.DataFrame(Xt, columns=["a", "b", "c"]))
    export_c(model, tmp_path / "model.c")
    (tmp_path / "main.c").write_text(
        '#include <math.h>\n#include <stdio.h>\n#include "model.h"\n'
        "int main(void) {\n"
        "    double x[3], y[1];\n"
        "    for (;;) {\n"
        '        for (int i = 0; i < 3; ++i) if (scanf("%lf", &x[i]) != 1) return 0;\n'
        "        bpnn_predict(x, y);\n"
        '        printf("%.17g\\n", y[0]);\n'
        "    }\n}\n"
    )
    exe = tmp_path / "predict"
    subprocess.run(
        ["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(exe)]
        + [str(tmp_path / "main.c"), str(tmp_path / "model.c"), "-lm"],
        check=True,
    )
    text = "\n".join(" ".join(repr(float(v)) for v in r) for r in Xt) + "\n"
    out = subprocess.run([str(exe)], input=text, capture_output=True, text=True, check=True)
    y = np.array([float(v) for v in out.stdout.split()])
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-9)


# -- ONNX ---------------------------------------------------------------------------------
def _feeds(model, frame):
    """One (N, 1) array per column: numbers as float64 (NaN when missing), levels as
    strings exactly as stored ('' when missing)."""
    out = {}
    for c in model.table_map_.columns_:
        cells = frame[c["name"]].tolist()
        if c["kind"] == "numeric":
            arr = np.array([np.nan if pd.isna(v) else v for v in cells], dtype=np.float64)
        else:
            arr = np.array(["" if pd.isna(v) else str(v) for v in cells], dtype=object)
        out[c["name"]] = arr.reshape(-1, 1)
    return out


# RAW with every level written as stored (stripped, NFC); "" and None are missing
STORED = RAW.assign(
    color=["red", "blue", "purple", "", "café", "green", None],
    size=["S", "M", "XL", "L", "M", None, "S"],
    地区=["华东", "华北", "华南", "华东", "", "华北", "华东"],
)


def _session(model, **kwargs):
    ort = pytest.importorskip("onnxruntime")
    proto = export_onnx(model, **kwargs)
    return proto, ort.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def test_onnx_takes_one_input_per_column(regressor, tmp_path):
    proto, sess = _session(regressor)
    assert [(i.name, i.type, i.shape) for i in sess.get_inputs()] == [
        ("color", "tensor(string)", ["N", 1]),
        ("size", "tensor(string)", ["N", 1]),
        ("flag", "tensor(string)", ["N", 1]),
        ("重量", "tensor(double)", ["N", 1]),
        ("地区", "tensor(string)", ["N", 1]),
    ]
    assert {o.domain: o.version for o in proto.opset_import} == {"": 17, "ai.onnx.ml": 2}
    y = sess.run(None, _feeds(regressor, STORED))[0]
    expected = _quiet(regressor.predict, STORED)
    np.testing.assert_allclose(y.ravel(), expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(expected, _quiet(regressor.predict, RAW), rtol=0, atol=1e-12)
    path = tmp_path / "model.onnx"
    export_onnx(regressor, path)
    assert path.read_bytes() == proto.SerializeToString()


def test_onnx_expects_levels_as_stored(regressor):
    """No stripping or NFC in the graph: ' blue ' is an unknown level there (all zeros,
    like 'purple'), though predict reads it as 'blue'."""
    _, sess = _session(regressor)
    row = STORED.iloc[[0]].assign(color=[" blue "])
    unknown = STORED.iloc[[0]].assign(color=["purple"])
    y = sess.run(None, _feeds(regressor, row))[0].ravel()
    np.testing.assert_allclose(y, _quiet(regressor.predict, unknown), rtol=0, atol=1e-9)
    assert abs(y[0] - regressor.predict(row)[0]) > 1e-6


def test_onnx_classifier_with_text_inputs(classifier):
    _, sess = _session(classifier)
    P, label = sess.run(None, _feeds(classifier, STORED))
    np.testing.assert_allclose(P, _quiet(classifier.predict_proba, STORED), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(label, _quiet(classifier.predict, STORED))
    _, sess32 = _session(classifier, float_type="float")
    feeds = _feeds(classifier, STORED)
    feeds["重量"] = feeds["重量"].astype(np.float32)
    P32 = sess32.run(None, feeds)[0]
    np.testing.assert_allclose(P32, _quiet(classifier.predict_proba, STORED), rtol=0, atol=1e-5)


def test_onnx_refuses_a_column_named_as_an_output():
    pytest.importorskip("onnx")
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"y": rng.choice(["a", "b", "c"], 60), "x": rng.normal(size=60)})
    model = BPRegressor(hidden=(2,), epochs=5, random_state=0, division="refit", warn=False).fit(
        df, df.x
    )
    with pytest.raises(ValueError) as err:
        export_onnx(model)
    assert str(err.value) == (
        "cannot export to ONNX: column 'y' would be a graph input named as the output 'y'; "
        "rename the column before training, or export as python"
    )


def test_a_table_fitted_as_an_array(tmp_path):
    """No column names: rows in column order for Python, inputs x0, x1... for ONNX."""
    rng = np.random.default_rng(2)
    X = np.empty((80, 2), dtype=object)
    X[:, 0] = rng.choice(["a", "b", "c"], 80)
    X[:, 1] = rng.normal(size=80)
    y = (X[:, 0] == "a") + X[:, 1].astype(float)
    model = BPRegressor(hidden=(3,), epochs=10, random_state=0, division="refit", warn=False).fit(
        X, y
    )
    rows = [["a", 0.5], [" c", None], ["z", 1.0]]
    mod, _ = _module(model, tmp_path, "array_table")
    expected = _quiet(model.predict, np.array(rows, dtype=object))
    np.testing.assert_allclose(_quiet(mod.predict, rows), expected, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="no names"):
        mod.predict([{"x0": "a", "x1": 1.0}])
    _, sess = _session(model)
    assert [i.name for i in sess.get_inputs()] == ["x0", "x1"]
    feeds = {
        "x0": np.array([["a"], ["c"], ["z"]], dtype=object),
        "x1": np.array([[0.5], [np.nan], [1.0]]),
    }
    np.testing.assert_allclose(sess.run(None, feeds)[0].ravel(), expected, rtol=0, atol=1e-9)


# -- C ------------------------------------------------------------------------------------
def test_c_refuses_a_table_model_in_one_line(regressor):
    with pytest.raises(ValueError) as err:
        export_c(regressor)
    assert str(err.value) == (
        "cannot export to C: column 'color' is categorical (text levels the C code cannot "
        "encode); export the model as python or onnx, or encode the column as numbers "
        "yourself before training"
    )


def test_c_refuses_a_missing_value_indicator():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "重量"])
    X.loc[::5, "重量"] = np.nan
    model = BPRegressor(hidden=(2,), epochs=5, random_state=0, division="refit", warn=False).fit(
        X, X.a
    )
    with pytest.raises(ValueError) as err:
        export_c(model)
    assert str(err.value) == (
        "cannot export to C: column '重量' had missing values and has a 0/1 missing-value "
        "indicator input; export the model as python or onnx, or fill its missing values "
        "yourself (or train with missing='mean')"
    )


# -- the command line ---------------------------------------------------------------------
def test_cli_export_of_a_table_model(regressor, tmp_path, capsys):
    path = tmp_path / "table.bpnn"
    bpnn.save(regressor, path)
    assert main(["export", str(path), "--format", "python", "-o", str(tmp_path / "m.py")]) == 0
    spec = importlib.util.spec_from_file_location("cli_table", tmp_path / "m.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    np.testing.assert_allclose(
        _quiet(mod.predict, RAW), _quiet(regressor.predict, RAW), rtol=0, atol=1e-12
    )
    capsys.readouterr()
    code = main(["export", str(path), "--format", "c", "-o", str(tmp_path / "m.c")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        "bpnn export: error: cannot export to C: column 'color' is categorical (text levels "
        "the C code cannot encode); export the model as python or onnx, or encode the "
        "column as numbers yourself before training"
    ]
    assert "Traceback" not in err
    assert not (tmp_path / "m.c").exists() and not (tmp_path / "m.h").exists()


def test_other_and_missing_levels_python_and_onnx(tmp_path):
    """A capped column (<other>), a categorical and an ordinal column with missing values
    at fit time (<missing> level; fill + indicator), integer codes declared categorical."""
    rng = np.random.default_rng(4)
    n = 200
    df = pd.DataFrame(
        {
            "city": rng.choice(
                ["北京", "上海", "广州", "深圳", "杭州"], n, p=[0.4, 0.3, 0.1, 0.1, 0.1]
            ),
            "kind": rng.choice(["a", "b", "c"], n).astype(object),
            "grade": rng.choice(["low", "mid", "high"], n).astype(object),
            "code": rng.choice([1, 2, 3], n),
        }
    )
    df.loc[::6, "kind"] = None
    df.loc[::7, "grade"] = ""
    y = (df.city == "北京") + df.code * 0.3 + (df.kind == "a")
    model = BPRegressor(
        hidden=(3,),
        epochs=20,
        random_state=0,
        division="refit",
        max_levels=3,
        categorical=["code"],
        ordinal={"grade": ["low", "mid", "high"]},
        warn=False,
    )
    _quiet(model.fit, df, y)  # the fit itself warns of the capped levels as unknown
    cols = {c["name"]: c for c in model.table_map_.columns_}
    assert cols["city"]["other"] and cols["kind"]["missing_level"] and cols["grade"]["indicator"]
    rows = pd.DataFrame(
        {
            "city": ["北京", "杭州", "成都", None],
            "kind": ["a", None, "zzz", " b"],
            "grade": ["mid", "", "top", "high"],
            "code": [1, 3.0, "2", 7],
        },
        dtype=object,
    )
    expected = _quiet(model.predict, rows)
    mod, _ = _module(model, tmp_path, "other_missing")
    np.testing.assert_allclose(_quiet(mod.predict, rows), expected, rtol=0, atol=1e-12)
    _, sess = _session(model, float_type="double")
    stored = rows.assign(kind=["a", None, "zzz", "b"], code=["1", "3", "2", "7"])
    y_onnx = sess.run(None, _feeds(model, stored))[0].ravel()
    np.testing.assert_allclose(y_onnx, expected, rtol=0, atol=1e-9)
