"""Importance, partial dependence and the report speak in the user's columns when a model
reads text columns through its table map: one row per original column."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

import bpnn
from bpnn import BPClassifier, BPRegressor, importance, partial_dependence
from bpnn.inspection import _connection_values, _View


@pytest.fixture(scope="module")
def shop():
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(
        {
            "color": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["S", "M", "L"], n),
            "weight": rng.uniform(1, 5, n),
        }
    )
    df.loc[::17, "weight"] = np.nan
    y = (
        10 * (df["color"] == "red")
        + df["size"].map({"S": 1.0, "M": 2.0, "L": 3.0})
        + np.nan_to_num(df["weight"], nan=3.0)
    ).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = BPRegressor(random_state=0).fit(df, y)
    return df, y, model


def test_permutation_importance_has_one_row_per_column(shop):
    df, y, model = shop
    imp = importance(model, df, y, method="permutation", n_repeats=3)
    assert sorted(imp.index) == ["color", "size", "weight"]
    assert imp.index[0] == "color"  # the column that drives the target most


def test_miv_of_a_text_column_is_its_spread_over_levels(shop):
    df, y, model = shop
    imp = importance(model, df, method="miv")
    assert set(imp.index) == {"color", "size", "weight"}
    assert imp.loc["color", "sign"] == 0 and imp.loc["weight", "sign"] == 1
    outs = np.stack([model.predict(df.assign(color=c)) for c in ("blue", "green", "red")])
    expected = (outs.max(axis=0) - outs.min(axis=0)).mean()
    assert imp.loc["color", "importance"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("method", ["olden", "garson"])
def test_connection_weights_sum_a_columns_encoded_inputs(shop, method):
    df, y, model = shop
    imp = importance(model, df, method=method)
    per_input = _connection_values(_View(model), method, "columns")[0]  # (encoded inputs,)
    for column, idx in model.table_map_.groups_:
        total = per_input[idx].sum()
        assert imp.loc[column, "importance"] == pytest.approx(abs(total), rel=1e-12)


def test_partial_dependence_over_levels(shop):
    df, y, model = shop
    prof = partial_dependence(model, df, ["size", "weight"])
    size = prof["size"]
    assert list(size.index) == ["L", "M", "S"]
    for level in size.index:
        assert size.loc[level].iloc[0] == pytest.approx(model.predict(df.assign(size=level)).mean())
    assert prof["weight"].index.dtype.kind == "f" and len(prof["weight"]) == 20


def test_classifier_and_the_report_inputs_section(shop, tmp_path):
    df, y, _ = shop
    labels = np.where(y > np.median(y), "dear", "cheap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = BPClassifier(random_state=0).fit(df, labels)
    imp = importance(clf, df, labels, method="permutation", n_repeats=2)
    assert sorted(imp.index) == ["color", "size", "weight"]
    assert list(partial_dependence(clf, df, "color")["color"].index) == ["blue", "green", "red"]
    from bpnn.report import data_from_model, inputs_from_model, write_report

    data = data_from_model(clf, df, labels)
    inputs = inputs_from_model(clf, data)
    assert set(inputs.importance["permutation"].index) == {"color", "size", "weight"}
    path = tmp_path / "r.html"
    write_report(path, clf.record_, clf.network_, data, {}, inputs=inputs)
    html = path.read_text(encoding="utf-8")
    assert '<td class="l">color</td>' in html and "input, 3 levels" in html
    assert "color=red" not in html.split("Inputs in the order")[1].split("</table>")[0]


def test_cli_importance_on_a_csv_with_text_columns(shop, tmp_path, capsys):
    from bpnn.cli import main

    df, y, model = shop
    bpnn.save(model, tmp_path / "m.bpnn")
    df.assign(price=y).to_csv(tmp_path / "d.csv", index=False)
    for method in ("permutation", "miv", "olden", "garson"):
        code = main(
            [
                "importance",
                str(tmp_path / "m.bpnn"),
                str(tmp_path / "d.csv"),
                "--method",
                method,
                "--target",
                "price",
            ]
            if method == "permutation"
            else [
                "importance",
                str(tmp_path / "m.bpnn"),
                str(tmp_path / "d.csv"),
                "--method",
                method,
            ]
        )
        out = capsys.readouterr().out
        assert code == 0, out
        assert all(c in out for c in ("color", "size", "weight")) and "color=" not in out
