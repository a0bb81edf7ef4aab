"""Importance, partial dependence and the report speak in the user's columns when a model
reads text columns through its table map: one row per original column."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

import bpnn
from bpnn import BPClassifier, BPRegressor, importance, partial_dependence, plots


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
        model = BPRegressor(random_state=0, division="refit").fit(df, y)  # one network
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


def _by_hand(model, method):
    """Olden's products or Garson's shares of each encoded input, from the weights by
    explicit loops (one hidden layer, no PCA): a dropped constant input gets 0."""
    W1, W2 = (np.asarray(W, dtype=float) for W in model.network_.weights)
    keep = np.asarray(model.input_map_.keep_)
    hidden, n_in = W1.shape
    values = np.zeros(len(keep))
    inputs = np.flatnonzero(keep)  # W1's columns are the kept encoded inputs
    if method == "olden":
        for k, j in enumerate(inputs):
            values[j] = sum(W1[h, k] * W2[0, h] for h in range(hidden))
        return values
    for k, j in enumerate(inputs):
        values[j] = sum(abs(W1[h, k]) / np.abs(W1[h]).sum() * abs(W2[0, h]) for h in range(hidden))
    return values / values.sum()


@pytest.mark.parametrize("method", ["olden", "garson"])
def test_connection_weights_sum_a_columns_encoded_inputs(shop, method):
    df, y, model = shop
    assert (
        model.network_.n_layers == 2 and getattr(model.input_map_, "pca_components_", None) is None
    )
    imp = importance(model, df, method=method)
    assert sorted(imp.index) == ["color", "size", "weight"]
    per_input = _by_hand(model, method)  # one value per encoded input
    groups = dict(model.table_map_.groups_)
    assert len(groups["color"]) == 3 and len(groups["weight"]) == 2  # weight=<missing> too
    for column, idx in groups.items():
        total = per_input[idx].sum()
        assert imp.loc[column, "importance"] == pytest.approx(abs(total), rel=1e-9)
        if method == "olden":
            assert imp.loc[column, "sign"] == np.sign(total)
    if method == "garson":
        assert imp["importance"].sum() == pytest.approx(1.0)
    # inputs="network": the encoded inputs one by one, by their names
    net = importance(model, method=method, inputs="network")
    names = model.table_map_.output_names_
    assert sorted(net.index) == sorted(names)
    for j, name in enumerate(names):
        assert net.loc[name, "importance"] == pytest.approx(abs(per_input[j]), rel=1e-9)


def test_partial_dependence_over_levels(shop):
    df, y, model = shop
    prof = partial_dependence(model, df, ["size", "weight"])
    size = prof["size"]
    assert list(size.index) == ["L", "M", "S"] and size.attrs["kind"] == "categorical"
    for level in size.index:
        assert size.loc[level].iloc[0] == pytest.approx(model.predict(df.assign(size=level)).mean())
    # a numeric column: scikit-learn's grid over its present values, the missing ones kept
    # missing in the other rows (their indicator input is not varied on its own)
    weight = prof["weight"]
    assert weight.index.dtype.kind == "f" and len(weight) == 20
    from scipy.stats.mstats import mquantiles

    lo, hi = mquantiles(df["weight"].dropna(), prob=(0.05, 0.95))
    np.testing.assert_allclose(weight.index, np.linspace(lo, hi, 20))
    v = weight.index[3]
    assert weight.iloc[3, 0] == pytest.approx(model.predict(df.assign(weight=v)).mean())
    assert set(partial_dependence(model, df)) == {"color", "size", "weight"}
    with pytest.raises(ValueError, match="percentiles"):
        partial_dependence(model, df, "weight", percentiles=(0.9, 0.1))


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


@pytest.fixture(scope="module")
def chinese():
    """Chinese column names and levels, and an ordinal column declared in its order."""
    rng = np.random.default_rng(1)
    n = 240
    df = pd.DataFrame(
        {
            "城市": rng.choice(["北京", "上海", "广州"], n),
            "等级": rng.choice(["低", "中", "高"], n),
            "面积": rng.uniform(0, 1, n),
        }
    )
    y = (
        3.0 * (df["城市"] == "北京")
        + df["等级"].map({"低": 0.0, "中": 1.0, "高": 2.0})
        + 0.2 * df["面积"]
    ).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = BPRegressor(random_state=0, ordinal={"等级": ["低", "中", "高"]}).fit(df, y)
    return df, y, model


def test_an_ordinal_column_keeps_its_order_and_miv_is_unsigned(chinese):
    df, y, model = chinese
    prof = partial_dependence(model, df, ["等级", "城市"])
    grade = prof["等级"]
    assert list(grade.index) == ["低", "中", "高"] and grade.attrs["kind"] == "ordinal"
    assert np.all(np.diff(grade.iloc[:, 0].to_numpy()) > 0)  # rises with the level
    assert list(prof["城市"].index) == ["上海", "北京", "广州"]  # sorted levels
    imp = importance(model, df, method="miv")
    assert imp.loc["等级", "sign"] == 0 and imp.loc["城市", "sign"] == 0
    outs = np.stack([model.predict(df.assign(等级=g)) for g in ("低", "中", "高")])
    spread = outs.max(axis=0) - outs.min(axis=0)
    assert imp.loc["等级", "importance"] == pytest.approx(spread.mean(), rel=1e-12)
    assert imp.loc["等级", "std"] == pytest.approx(spread.std(), rel=1e-9)
    assert imp.index[-1] == "面积"


def test_profiles_over_levels_are_points_named_on_the_axis(chinese):
    df, y, model = chinese
    prof = partial_dependence(model, df, ["城市", "等级", "面积"])
    fig = plots.plot_partial_dependence(prof, df, list(df.columns), "y")
    city, grade, area = fig.axes[:3]
    assert [t.get_text() for t in city.get_xticklabels()] == ["上海", "北京", "广州"]
    assert city.lines[0].get_linestyle() == "None" and city.lines[0].get_marker() == "o"
    assert grade.lines[0].get_linestyle() == "-"  # ordinal: the points are joined
    assert list(city.lines[0].get_ydata()) == list(prof["城市"].iloc[:, 0])
    assert len(area.lines) == 2  # the profile and the deciles of the data
    plots.figure_png(fig)  # draws, with a CJK font or with boxes, without a warning


def test_a_note_says_when_no_cjk_font_is_installed(chinese, monkeypatch):
    from bpnn.report import data_from_model, inputs_from_model

    df, y, model = chinese
    data = data_from_model(model, df, y)
    monkeypatch.setattr(plots, "_FONTS", ["DejaVu Sans"])  # as if none were installed
    notes = inputs_from_model(model, data, n_repeats=1).notes
    assert any("no font with Chinese characters" in n for n in notes)
    monkeypatch.setattr(plots, "_FONTS", ["DejaVu Sans", "WenQuanYi Zen Hei"])
    notes = inputs_from_model(model, data, n_repeats=1).notes
    assert not any("Chinese characters" in n for n in notes)
    assert plots.has_cjk("城市") and not plots.has_cjk("color=red")


def test_columns_are_checked_by_name(shop):
    df, y, model = shop
    with pytest.raises(ValueError, match="lacks the model's input column.*'size'"):
        importance(model, df.drop(columns="size"), method="miv")
    with pytest.raises(ValueError, match="has column.*'extra' the model was not trained on"):
        importance(model, df.assign(extra=1.0), method="miv")
    shuffled = df[["weight", "color", "size"]]  # any order
    pd.testing.assert_frame_equal(
        importance(model, shuffled, method="miv"), importance(model, df, method="miv")
    )


def test_a_model_fitted_on_an_array_of_text_and_a_loaded_one(shop, tmp_path):
    df, y, model = shop
    A = df.to_numpy(dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        bare = BPRegressor(random_state=0).fit(A, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X has feature names" warning
        imp = importance(bare, A, y, n_repeats=2)
        assert sorted(imp.index) == ["x0", "x1", "x2"] and imp.index[0] == "x0"
        assert list(partial_dependence(bare, A, 0)["x0"].index) == ["blue", "green", "red"]
    bpnn.save(model, tmp_path / "m.bpnn")
    for loaded in (bpnn.load(tmp_path / "m.bpnn"), bpnn.io.load_predictor(tmp_path / "m.bpnn")):
        for method in ("miv", "olden"):
            pd.testing.assert_frame_equal(
                importance(loaded, df, method=method), importance(model, df, method=method)
            )
        got = partial_dependence(loaded, df, "size")["size"]
        pd.testing.assert_frame_equal(got, partial_dependence(model, df, "size")["size"])


def test_cli_report_lists_the_original_columns(chinese, tmp_path):
    import re

    from bpnn.cli import main

    df, y, model = chinese
    bpnn.save(model, tmp_path / "m.bpnn")
    df.assign(价格=y).to_csv(tmp_path / "d.csv", index=False)
    code = main(
        [
            "report",
            str(tmp_path / "m.bpnn"),
            str(tmp_path / "d.csv"),
            "--target",
            "价格",
            "-o",
            str(tmp_path / "r.html"),
            "-q",
        ]
    )
    assert code == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    part = html[html.index("<h2>Inputs</h2>") : html.index("<h2>Network</h2>")]
    table = part[part.index("Inputs in the order") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<td class="l">([^<]+)</td>', table)
    assert sorted(rows) == sorted(["城市", "等级", "面积"])
    assert part.count("<img") == 2


def test_a_column_left_out_by_the_table_map_scores_zero_and_has_no_profile(shop):
    from bpnn.report import data_from_model, inputs_from_model
    from bpnn.tables.encoder import TableWarning

    df, y, _ = shop
    with_id = df.assign(id=[f"row{i}" for i in range(len(df))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", TableWarning)  # "'id' is left out of the inputs"
        model = BPRegressor(random_state=0).fit(with_id, y)
    for method in ("miv", "olden", "garson"):
        assert importance(model, with_id, method=method).loc["id", "importance"] == 0
    with pytest.raises(ValueError, match="left out of the model's inputs"):
        partial_dependence(model, with_id, "id")
    inputs = inputs_from_model(model, data_from_model(model, with_id, y), n_repeats=1)
    assert "id" in inputs.importance["permutation"].index
    assert "id" not in inputs.partial_dependence and len(inputs.partial_dependence) == 3
