"""The table map (bpnn.tables.encoder.TableEncoder): column kinds, categories, missing
values, and the estimators that stand on it. Each rule of the module's docstring has a test
here; the file-reading side (encodings, separators) is tests/test_tables_encodings.py."""

import json
import unicodedata
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

import bpnn
from bpnn import BPClassifier, BPRegressor
from bpnn.tables.encoder import TableEncoder, TableWarning, missing_rows


@pytest.fixture
def shop():
    """The issue's table: two text columns, a numeric one, a price."""
    rng = np.random.default_rng(0)
    n = 240
    df = pd.DataFrame(
        {
            "color": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["S", "M", "L"], n),
            "weight": rng.uniform(1, 5, n),
        }
    )
    price = (
        10 * (df["color"] == "red")
        + df["size"].map({"S": 1.0, "M": 2.0, "L": 3.0})
        + 2 * df["weight"]
        + rng.normal(0, 0.1, n)
    )
    return df, price.to_numpy()


def _quiet(fn, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fn(*a, **kw)


# -- kinds --------------------------------------------------------------------------------
def test_kinds_are_detected_from_dtypes_and_values():
    df = pd.DataFrame(
        {
            "num": [1.5, 2.5, 3.5, 4.5],
            "code": [1, 2, 3, 1],  # integer codes stay numeric unless declared
            "text": ["a", "b", "a", "c"],
            "flag": [True, False, True, True],
            "cat": pd.Categorical(["x", "y", "x", "y"]),
            "grade": pd.Categorical(["lo", "hi", "mid", "lo"], ["lo", "mid", "hi"], ordered=True),
            "numtext": ["1", "2.5", "3", "?"],  # numbers as text, '?' missing
            "when": pd.to_datetime(["2020-01-01"] * 4),
        }
    )
    with pytest.warns(TableWarning, match="'when' is left out of the inputs: dates"):
        enc = TableEncoder().fit(df)
    kinds = {c["column"]: c["kind"] for c in enc.summary()}
    assert kinds == {
        "num": "numeric",
        "code": "numeric",
        "text": "categorical",
        "flag": "categorical",
        "cat": "categorical",
        "grade": "ordinal",
        "numtext": "numeric",
        "when": "ignored",
    }
    assert enc.output_names_ == [
        "num",
        "code",
        "text=a",
        "text=b",
        "text=c",
        "flag=True",  # two levels: one 0/1 input
        "cat=y",
        "grade",
        "numtext",
        "numtext=<missing>",
    ]
    Z = enc.transform(df)
    np.testing.assert_array_equal(Z[:, 7], [0, 2, 1, 0])  # the stated order lo < mid < hi
    np.testing.assert_array_equal(Z[:, 2:5], [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(Z[:, 8], [1, 2.5, 3, 6.5 / 3])  # '?' filled with the mean
    np.testing.assert_array_equal(Z[:, 9], [0, 0, 0, 1])


def test_declared_kinds_override_the_detection():
    df = pd.DataFrame({"code": [1, 2, 3, 1, 2], "num": ["1", "2", "3", "4", "5"]})
    enc = TableEncoder(categorical=["code"]).fit(df)
    assert enc.output_names_ == ["code=1", "code=2", "code=3", "num"]
    enc = TableEncoder(ordinal={"code": [3, 2, 1]}).fit(df)
    np.testing.assert_array_equal(enc.transform(df)[:, 0], [2, 1, 0, 2, 1])
    with pytest.raises(ValueError, match="names an unknown column 'nope'"):
        TableEncoder(categorical=["nope"]).fit(df)
    with pytest.raises(ValueError, match="'code' is declared both categorical and numeric"):
        TableEncoder(categorical=["code"], numeric=["code"]).fit(df)
    text = pd.DataFrame({"t": ["1", "2", "x"]})
    with pytest.raises(ValueError, match=r"^column 't' is numeric but holds 'x' in row 2$"):
        TableEncoder(numeric=["t"]).fit(text)


def test_mostly_numbers_with_a_word_is_refused_naming_it():
    df = pd.DataFrame({"w": ["1.5", "2", "3", "oops", "4"]})
    with pytest.raises(ValueError, match=r"^column 'w' is numeric but holds 'oops' in row 3$"):
        TableEncoder().fit(df)


def test_numbers_with_separators_are_refused_not_misread():
    df = pd.DataFrame({"price": ["1.234,5", "2.000,0", "17,25"]})
    with pytest.raises(ValueError, match=r"separators \('1.234,5' in row 0\).*--decimal"):
        TableEncoder().fit(df)
    df = pd.DataFrame({"price": ["1,234.5", "12,000", "3,141.0"]})
    with pytest.raises(ValueError, match="written with separators"):
        TableEncoder().fit(df)


def test_an_identifier_column_is_ignored_with_a_warning():
    df = pd.DataFrame({"id": [f"P{i:03d}" for i in range(30)], "x": np.arange(30.0)})
    with pytest.warns(TableWarning, match=r"'id' is left out.*every row holds a different text"):
        enc = TableEncoder().fit(df)
    assert enc.output_names_ == ["x"]
    assert enc.transform(df).shape == (30, 1)


def test_a_column_with_one_level_gives_no_input():
    df = pd.DataFrame({"only": ["a"] * 6, "x": np.arange(6.0)})
    enc = TableEncoder().fit(df)
    assert enc.output_names_ == ["x"]
    assert enc.groups_ == [("only", []), ("x", [0])]


def test_cells_that_are_not_values_are_a_type_error():
    X = np.array([[1.0, "a"], [{"foo": 1}, "b"]], dtype=object)
    with pytest.raises(TypeError, match="argument must be a string.* number"):
        TableEncoder().fit(X)


# -- levels -------------------------------------------------------------------------------
def test_spaces_and_unicode_normalisation_make_one_level():
    composed, decomposed = "caf\u00e9", unicodedata.normalize("NFD", "caf\u00e9")
    assert composed != decomposed
    df = pd.DataFrame({"c": [" red", "red ", "red", composed, decomposed, "Red"]})
    enc = TableEncoder().fit(df)
    assert enc.columns_[0]["levels"] == ["Red", "café", "red"]  # case still counts
    Z = enc.transform(pd.DataFrame({"c": ["  red  ", decomposed]}))
    np.testing.assert_array_equal(Z, [[0, 0, 1], [0, 1, 0]])


def test_integer_codes_declared_categorical_match_as_numbers():
    enc = TableEncoder(categorical=["k"]).fit(pd.DataFrame({"k": [1, 2, 3]}))
    Z = enc.transform(pd.DataFrame({"k": ["1", 2.0, "3.0"]}))
    np.testing.assert_array_equal(Z, np.eye(3))


def test_levels_are_counted_with_sample_weights():
    df = pd.DataFrame({"c": ["a", "a", "b", "c", "d"]})
    enc = TableEncoder(max_levels=3).fit(df, sample_weight=[1, 1, 5, 0.5, 0.2])
    # b (5) and a (2) are kept, c and d go to <other>
    assert enc.columns_[0]["levels"] == ["a", "b"]
    assert enc.output_names_ == ["c=a", "c=b", "c=<other>"]
    # a level seen only in rows of weight 0 is not learned
    enc = TableEncoder().fit(df, sample_weight=[1, 1, 1, 1, 0])
    assert enc.columns_[0]["levels"] == ["a", "b", "c"]
    with pytest.warns(TableWarning, match="'d' in row 0, a level not seen at fit time"):
        enc.transform(pd.DataFrame({"c": ["d"]}))


def test_many_levels_are_capped_with_an_other_input():
    rng = np.random.default_rng(1)
    levels = [f"L{i}" for i in range(40)]
    p = np.arange(40, 0, -1) / np.arange(40, 0, -1).sum()
    df = pd.DataFrame({"c": rng.choice(levels, 2000, p=p)})
    enc = TableEncoder(max_levels=10).fit(df)
    assert enc.n_outputs == 10
    assert enc.output_names_[-1] == "c=<other>"
    counts = df["c"].value_counts()
    assert set(enc.columns_[0]["levels"]) == set(counts.index[:9])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rare levels it merged are no surprise
        Z = enc.transform(df)
    assert np.all(Z.sum(axis=1) == 1)  # every row is exactly one input
    # a rare level merged into <other> and an unseen one both land there; only the
    # unseen one is warned of
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        Z = enc.transform(pd.DataFrame({"c": [counts.index[-1], "never seen"]}))
    assert [str(w.message) for w in got] == [
        "column 'c' holds 'never seen' in row 1, a level not seen at fit time: encoded as "
        "its <other> input"
    ]
    np.testing.assert_array_equal(Z[:, -1], [1, 1])


def test_rare_levels_under_the_cap_keep_their_own_input():
    df = pd.DataFrame({"c": ["a"] * 50 + ["b"] * 49 + ["rare"]})
    enc = TableEncoder().fit(df)
    assert enc.output_names_ == ["c=a", "c=b", "c=rare"]


def test_unknown_levels_ignore_warns_once_and_error_refuses():
    df = pd.DataFrame({"c": ["a", "b", "c"]})
    enc = TableEncoder().fit(df)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        Z = enc.transform(pd.DataFrame({"c": ["zz", "a", "yy"]}))
    assert len(got) == 1
    assert str(got[0].message) == (
        "column 'c' holds 'zz' in row 0, a level not seen at fit time (and 1 more row(s) "
        "with unknown levels): encoded as all-zero inputs"
    )
    np.testing.assert_array_equal(Z, [[0, 0, 0], [1, 0, 0], [0, 0, 0]])
    strict = TableEncoder(handle_unknown="error").fit(df)
    with pytest.raises(ValueError, match="'zz' in row 0, a level not seen at fit time"):
        strict.transform(pd.DataFrame({"c": ["zz"]}))


# -- missing values -----------------------------------------------------------------------
def _with_gaps():
    return pd.DataFrame(
        {
            "x": [1.0, np.nan, 3.0, 5.0],
            "c": ["a", None, "b", "  "],  # None and blank text are missing
            "full": [1.0, 2.0, 3.0, 4.0],
        }
    )


def test_indicator_fills_the_mean_and_adds_a_known_input():
    enc = TableEncoder(missing="indicator").fit(_with_gaps())
    assert enc.output_names_ == ["x", "x=<missing>", "c=a", "c=b", "c=<missing>", "full"]
    Z = enc.transform(_with_gaps())
    np.testing.assert_allclose(Z[:, 0], [1, 3, 3, 5])  # mean of 1, 3, 5
    np.testing.assert_array_equal(Z[:, 1], [0, 1, 0, 0])
    np.testing.assert_array_equal(Z[:, 2:5], [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])


def test_mean_and_median_fill_without_an_extra_input():
    df = pd.DataFrame({"x": [1.0, np.nan, 2.0, 9.0]})
    mean = TableEncoder(missing="mean").fit(df)
    median = TableEncoder(missing="median").fit(df)
    assert mean.output_names_ == median.output_names_ == ["x"]
    assert mean.transform(df)[1, 0] == 4.0
    assert median.transform(df)[1, 0] == 2.0
    weighted = TableEncoder(missing="median").fit(df, sample_weight=[1, 1, 1, 5])
    assert weighted.transform(df)[1, 0] == 9.0


def test_missing_error_names_the_column_and_row():
    with pytest.raises(
        ValueError, match=r"^column 'x' has 1 missing value\(s\), the first in row 1;"
    ):
        TableEncoder(missing="error").fit(_with_gaps())
    with pytest.raises(ValueError, match="no values"):
        TableEncoder().fit(pd.DataFrame({"x": [np.nan, np.nan]}))


def test_missing_at_predict_in_a_column_that_had_none():
    enc = TableEncoder().fit(_with_gaps())
    new = pd.DataFrame({"x": [2.0], "c": ["a"], "full": [np.nan]})
    with pytest.warns(
        TableWarning, match=r"'full' has 1 missing.*none at fit time: filled .* 2\.5"
    ):
        Z = enc.transform(new)
    assert Z[0, -1] == 2.5
    enc = TableEncoder().fit(pd.DataFrame({"c": ["a", "b", "a"]}))
    with pytest.warns(TableWarning, match="none at fit time: encoded as all-zero"):
        Z = enc.transform(pd.DataFrame({"c": [None]}))
    np.testing.assert_array_equal(Z, [[0]])
    strict = TableEncoder(missing="error").fit(pd.DataFrame({"x": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="fitted with missing='error'"):
        strict.transform(pd.DataFrame({"x": [np.nan]}))


def test_missing_rows():
    np.testing.assert_array_equal(missing_rows(_with_gaps()), [False, True, False, True])


# -- storing ------------------------------------------------------------------------------
def test_state_is_json_and_rebuilds_the_same_map():
    df = _with_gaps()
    df["k"] = ["产品甲", "产品乙", "产品甲", "产品乙"]
    enc = TableEncoder(max_levels=5).fit(df)
    back = TableEncoder.from_state(json.loads(json.dumps(enc.state())))
    np.testing.assert_array_equal(back.transform(df), enc.transform(df))
    assert back.output_names_ == enc.output_names_
    with pytest.raises(ValueError, match="malformed table encoding"):
        TableEncoder.from_state({"params": {}, "names_in": None})


# -- the estimators on it -----------------------------------------------------------------
def test_regressor_fits_the_issue_table_and_round_trips(shop, tmp_path):
    df, price = shop
    m = _quiet(BPRegressor(random_state=0).fit, df, price)
    assert m.score(df, price) > 0.99
    assert m.n_features_in_ == 3
    assert list(m.feature_names_in_) == ["color", "size", "weight"]
    assert m.network_.n_inputs == 7  # 3 + 3 one-hot inputs and weight
    path = tmp_path / "shop.bpnn"
    bpnn.save(m, path)
    for back in (bpnn.load(path), bpnn.io.load_predictor(path)):
        assert np.array_equal(back.predict(df), m.predict(df))  # bit-identical
        assert back.table_map_.output_names_ == m.table_map_.output_names_


def test_classifier_with_text_inputs_and_missing_values(shop, tmp_path):
    df, price = shop
    df = df.copy()
    df.loc[::7, "weight"] = np.nan
    df.loc[::11, "color"] = None
    y = np.where(price > np.median(price), "dear", "cheap")
    m = _quiet(BPClassifier(random_state=0).fit, df, y)
    assert m.score(df, y) > 0.85
    assert "weight=<missing>" in m.table_map_.output_names_
    assert "color=<missing>" in m.table_map_.output_names_
    bpnn.save(m, tmp_path / "c.bpnn")
    back = bpnn.io.load_predictor(tmp_path / "c.bpnn")
    assert np.array_equal(back.predict_proba(df), m.predict_proba(df))


def test_missing_drop_removes_rows_with_their_targets(shop):
    df, price = shop
    df = df.copy()
    df.loc[:9, "weight"] = np.nan
    m = _quiet(BPRegressor(random_state=0, missing="drop", epochs=20).fit, df, price)
    assert m.record_.train_idx is None or len(m.record_.train_idx) <= len(df) - 10
    with pytest.raises(ValueError, match="missing='drop'"):
        m.predict(df.iloc[:1])


def test_an_ordinary_numeric_fit_is_unchanged_by_the_table_map(rng):
    X = rng.normal(size=(80, 3))
    y = X @ [1.0, -2.0, 0.5]
    a = _quiet(BPRegressor(random_state=0, epochs=30).fit, X, y)
    b = _quiet(BPRegressor(random_state=0, epochs=30).fit, pd.DataFrame(X, columns=list("abc")), y)
    assert a.table_map_.passthrough_
    np.testing.assert_array_equal(a.predict(X), b.predict(pd.DataFrame(X, columns=list("abc"))))


def test_float32_data_keep_float32_through_the_table_map(rng):
    X = rng.normal(size=(60, 2)).astype(np.float32)
    m = _quiet(BPRegressor(random_state=0, epochs=5).fit, X, X.sum(axis=1))
    assert m.dtype_ == np.float32


def test_predict_interval_ensembles_and_partial_fit_with_text_inputs(shop):
    df, price = shop
    m = BPRegressor(random_state=0, n_ensemble=3)
    _quiet(m.fit, df.iloc[:200], price[:200], calibration=(df.iloc[200:], price[200:]))
    lo, hi = m.predict_interval(df.iloc[:5], 0.9)
    assert np.all(lo < hi)
    _, std = m.predict(df.iloc[:5], return_std=True)
    assert std.shape == (5,)
    pf = BPRegressor(random_state=0, algorithm="sgd")
    for start in range(0, len(df), 60):
        _quiet(pf.partial_fit, df.iloc[start : start + 60], price[start : start + 60])
    assert pf.table_map_.n_outputs == 7
    assert np.all(np.isfinite(pf.predict(df)))


def test_declared_levels_for_partial_fit_and_validation_sets(shop):
    df, price = shop
    m = BPRegressor(
        random_state=0, categorical={"color": ["red", "green", "blue", "black"]}, epochs=20
    )
    _quiet(m.fit, df.iloc[:200], price[:200], validation=(df.iloc[200:], price[200:]))
    assert m.table_map_.output_names_[:4] == [
        "color=red",
        "color=green",
        "color=blue",
        "color=black",
    ]


def test_bad_encoder_parameters_are_one_line(shop):
    df, price = shop
    for kw, msg in (
        ({"missing": "zero"}, "missing must be one of"),
        ({"handle_unknown": "skip"}, "handle_unknown must be 'ignore' or 'error'"),
        ({"max_levels": 1}, "max_levels must be an integer >= 2"),
    ):
        with pytest.raises(ValueError, match=msg):
            BPRegressor(**kw).fit(df, price)


def test_forecaster_takes_text_exogenous_columns_and_round_trips(tmp_path):
    from bpnn.timeseries import BPForecaster

    t = np.arange(300)
    day = np.array(["一", "二", "三", "四", "五", "六", "日"])[t % 7]  # weekday names
    holiday = t % 30 == 0
    y = 10 + 3 * np.isin(day, ["六", "日"]) + np.sin(t / 10) + 2 * holiday
    X = pd.DataFrame({"day": day, "holiday": holiday, "temp": np.cos(t / 7)})
    f = BPForecaster(input_delays=(0, 1), feedback_delays=(1, 2), hidden=8, random_state=0)
    _quiet(f.fit, pd.Series(y[:260]), X.iloc[:260])
    assert f.n_exog_ == 9 and "day=六" in f.exog_names_ and "holiday=True" in f.exog_names_
    pred = np.asarray(f.predict(20, X=X.iloc[260:280]))
    assert np.sqrt(np.mean((pred - y[260:280]) ** 2)) < 1.0  # it uses the weekday
    bpnn.save(f, tmp_path / "f.bpnn")
    back = bpnn.load(tmp_path / "f.bpnn")
    np.testing.assert_array_equal(np.asarray(back.predict(20, X=X.iloc[260:280])), pred)
    with pytest.raises(ValueError, match="missing value"):
        f.predict(5, X=X.iloc[260:265].assign(day=None))
