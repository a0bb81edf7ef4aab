"""Ensembles (n_ensemble), their spread, the model file, exports, and split-conformal
prediction intervals (predict_interval, bpnn predict --interval)."""

import io
import json
import math
import warnings
import zipfile

import shutil
import subprocess

import numpy as np
import pytest
from sklearn.datasets import load_iris

from bpnn import BPClassifier, BPRegressor
from bpnn.cli import main
from bpnn.conformal import conformity_scores, interval_halfwidth, min_calibration_rows
from bpnn.io import ModelFileError, load, load_predictor, save

warnings.filterwarnings("ignore", category=Warning, module="bpnn")


def _data(n, seed, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 3))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] + rng.normal(0, noise, n)
    return X, y


FAST = dict(hidden=(5,), epochs=40, l2=1e-3, warn=False)


@pytest.fixture(scope="module")
def reg3():
    X, y = _data(240, 0)
    return BPRegressor(n_ensemble=3, preset="matlab", random_state=0, **FAST).fit(X, y), X


@pytest.fixture(scope="module")
def iris3():
    X, y = load_iris(return_X_y=True)
    return BPClassifier(n_ensemble=3, random_state=1, **FAST).fit(X, y), X


# -- ensembles -----------------------------------------------------------------------------
def _member_predictions(model, X):
    Z = model.input_map_.transform(X)
    return [model.target_map_.inverse_transform(net.forward(Z)).ravel() for net in model.networks_]


def test_regressor_averages_its_members(reg3):
    model, X = reg3
    members = _member_predictions(model, X)
    assert len(model.networks_) == len(model.records_) == 3
    assert model.network_ is model.networks_[0]
    np.testing.assert_allclose(model.predict(X), np.mean(members, axis=0), rtol=1e-12)
    # members differ: different seeds, and (random division) different training rows
    assert not np.allclose(members[0], members[1])
    assert not np.array_equal(model.records_[0].train_idx, model.records_[1].train_idx)


def test_return_std_is_the_members_spread(reg3):
    model, X = reg3
    mean, std = model.predict(X, return_std=True)
    members = _member_predictions(model, X)
    np.testing.assert_allclose(std, np.std(members, axis=0), rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(mean, model.predict(X))
    assert std.shape == (len(X),) and np.all(std > 0)


def test_return_std_needs_an_ensemble():
    X, y = _data(60, 1)
    model = BPRegressor(random_state=0, division=None, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="needs an ensemble"):
        model.predict(X, return_std=True)


def test_classifier_averages_probabilities(iris3):
    model, X = iris3
    Z = model.input_map_.transform(X)
    P = np.mean([net.forward(Z) for net in model.networks_], axis=0)
    np.testing.assert_allclose(model.predict_proba(X), P, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(P, axis=1)])
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


def test_binary_classifier_ensemble_probabilities():
    X, y = load_iris(return_X_y=True)
    y = (y == 2).astype(int)
    model = BPClassifier(n_ensemble=2, random_state=0, **FAST).fit(X, y)
    Z = model.input_map_.transform(X)
    p1 = np.mean([net.forward(Z)[:, 0] for net in model.networks_], axis=0)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], p1, rtol=1e-12)


def test_first_member_is_the_single_network_fit():
    """n_ensemble=k draws member 0 exactly as the one-network fit does."""
    X, y = _data(120, 2)
    one = BPRegressor(random_state=3, division="refit", **FAST).fit(X, y)
    two = BPRegressor(n_ensemble=2, random_state=3, division="refit", **FAST).fit(X, y)
    np.testing.assert_array_equal(one.network_.params, two.networks_[0].params)
    assert not np.array_equal(two.networks_[0].params, two.networks_[1].params)
    assert len(one.networks_) == 1


@pytest.mark.parametrize("bad", [0, -2, 2.5, "3", True, None, math.nan])
def test_bad_n_ensemble(bad):
    X, y = _data(30, 0)
    with pytest.raises(
        ValueError,
        match=r"n_ensemble must be an integer >= 1, got " + repr(bad).replace("(", r"\("),
    ):
        BPRegressor(n_ensemble=bad, **FAST).fit(X, y)


def test_partial_fit_trains_every_member():
    X, y = _data(60, 0)
    one = BPRegressor(random_state=4, **FAST).partial_fit(X, y).partial_fit(X, y)
    two = BPRegressor(n_ensemble=2, random_state=4, **FAST).partial_fit(X, y)
    before = [n.params.copy() for n in two.networks_]
    two.partial_fit(X, y)
    assert len(two.networks_) == len(two.records_) == 2
    assert all(not np.array_equal(b, n.params) for b, n in zip(before, two.networks_))
    # member 0 follows the one-network partial_fit exactly
    np.testing.assert_array_equal(one.network_.params, two.networks_[0].params)
    np.testing.assert_allclose(two.predict(X), np.mean(_member_predictions(two, X), axis=0))


# -- the model file ------------------------------------------------------------------------
@pytest.mark.parametrize("reader", [load, load_predictor])
def test_ensemble_round_trip(reg3, iris3, tmp_path, reader):
    model, X = reg3
    save(model, tmp_path / "r.bpnn")
    back = reader(tmp_path / "r.bpnn")
    assert len(back.networks_) == 3 and back.records_[2].epochs == model.records_[2].epochs
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    np.testing.assert_array_equal(
        back.predict(X, return_std=True)[1], model.predict(X, return_std=True)[1]
    )
    np.testing.assert_array_equal(back.conformity_scores_, model.conformity_scores_)
    for a, b in zip(back.predict_interval(X, 0.5), model.predict_interval(X, 0.5)):
        np.testing.assert_array_equal(a, b)
    clf, Xi = iris3
    save(clf, tmp_path / "c.bpnn")
    np.testing.assert_array_equal(
        reader(tmp_path / "c.bpnn").predict_proba(Xi), clf.predict_proba(Xi)
    )


def _rewrite(path, edit_manifest, drop=()):
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    man = json.loads(members["manifest.json"])
    edit_manifest(man)
    for name in drop:
        del members[f"arrays/{name}.npy"]
        del man["arrays"][name]
    members["manifest.json"] = json.dumps(man).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    path.write_bytes(buf.getvalue())


def test_file_without_ensemble_or_scores_loads_as_one_network(reg3, tmp_path):
    """Files written before ensembles existed: no 'ensemble' entry, no scores."""
    model, X = reg3
    p = tmp_path / "old.bpnn"
    save(model, p)
    _rewrite(
        p,
        lambda m: m.pop("ensemble"),
        drop=["ensemble/1/params", "ensemble/2/params", "conformity/scores"],
    )
    old = load(p)
    assert old.networks_ == [old.network_] and old.conformity_scores_ is None
    np.testing.assert_array_equal(old.predict(X), _member_predictions(model, X)[0])
    with pytest.raises(ValueError, match="did not train on"):
        old.predict_interval(X)


def test_inconsistent_ensemble_member_is_refused(reg3, tmp_path):
    model, _ = reg3
    p = tmp_path / "bad.bpnn"
    save(model, p)

    def widen(m):
        m["ensemble"][0]["network"]["sizes"][1] = 6

    _rewrite(p, widen)
    with pytest.raises(ModelFileError, match="ensemble/1/params"):
        load(p)


# -- exports -------------------------------------------------------------------------------
def test_python_export_averages_the_members(reg3, iris3, tmp_path):
    import runpy
    from bpnn.export import export_python

    for model, X, fn in ((*reg3, "predict"), (*iris3, "predict_proba")):
        path = tmp_path / f"m_{fn}.py"
        export_python(model, path)
        mod = runpy.run_path(str(path))
        assert len(mod["MEMBERS"]) == 2
        np.testing.assert_allclose(mod[fn](X), getattr(model, fn)(X), rtol=1e-9, atol=1e-12)


def test_onnx_export_averages_the_members(reg3, iris3):
    ort = pytest.importorskip("onnxruntime")
    from bpnn.export import export_onnx

    for model, X, out, fn in ((*reg3, "y", "predict"), (*iris3, "probabilities", "predict_proba")):
        sess = ort.InferenceSession(export_onnx(model).SerializeToString())
        got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, {"X": X})))[out]
        np.testing.assert_allclose(
            got.reshape(len(X), -1),
            np.asarray(getattr(model, fn)(X)).reshape(len(X), -1),
            rtol=1e-9,
            atol=1e-12,
        )


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
@pytest.mark.parametrize("which", ["reg3", "iris3"])
def test_c_export_of_an_ensemble_averages_every_member(which, request, tmp_path):
    """Every member is written out and their network outputs averaged, as predict does;
    compiled under -Werror and run on the rows, it reproduces predict / predict_proba."""
    from bpnn.export import export

    model, X = request.getfixturevalue(which)
    export(model, tmp_path / "m.c", format="c")
    src = (tmp_path / "m.c").read_text()
    assert "bpnn_member2_outputs" in src and "/= 3.0" in src
    n_out = len(model.classes_) if which == "iris3" else 1
    fn = "bpnn_predict_proba" if which == "iris3" else "bpnn_predict"
    (tmp_path / "main.c").write_text(
        '#include <stdio.h>\n#include "m.h"\n'
        "int main(void) {\n"
        f"    double x[{X.shape[1]}], y[{n_out}];\n"
        f"    while (1) {{\n        for (int j = 0; j < {X.shape[1]}; ++j)\n"
        '            if (scanf("%lf", &x[j]) != 1) return 0;\n'
        f"        {fn}(x, y);\n"
        f'        for (int i = 0; i < {n_out}; ++i) printf("%.17g ", y[i]);\n'
        '        printf("\\n");\n    }\n}\n'
    )
    exe = tmp_path / "run"
    cmd = ["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(exe)]
    subprocess.run([*cmd, str(tmp_path / "main.c"), str(tmp_path / "m.c"), "-lm"], check=True)
    text = "\n".join(" ".join(repr(float(v)) for v in row) for row in X) + "\n"
    out = subprocess.run([str(exe)], input=text, capture_output=True, text=True, check=True)
    got = np.array([[float(v) for v in line.split()] for line in out.stdout.strip().splitlines()])
    want = model.predict_proba(X) if which == "iris3" else model.predict(X)
    np.testing.assert_allclose(got, np.reshape(want, (len(X), -1)), rtol=0, atol=1e-9)


def test_export_of_one_network_still_works(tmp_path):
    from bpnn.export import export_python

    X, y = _data(60, 4)
    model = BPRegressor(random_state=0, **FAST).fit(X, y)
    assert "def predict" in export_python(model)


# -- prediction intervals ------------------------------------------------------------------
@pytest.fixture(scope="module")
def calibrated():
    X, y = _data(300, 10)
    Xc, yc = _data(400, 11)
    model = BPRegressor(random_state=0, division=None, **FAST).fit(X, y, calibration=(Xc, yc))
    return model, Xc, yc


def test_interval_coverage_on_new_data(calibrated):
    """At 0.9 on 4000 new rows the share inside is within three standard deviations of the
    conformal coverage's spread (Beta over the 400 calibration rows, binomial over the new
    rows)."""
    model, _, _ = calibrated
    Xn, yn = _data(4000, 12)
    lo, hi = model.predict_interval(Xn, coverage=0.9)
    inside = np.mean((yn >= lo) & (yn <= hi))
    sd = math.sqrt(0.9 * 0.1 / 400 + 0.9 * 0.1 / 4000)
    assert abs(inside - 0.9) < 3 * sd, inside
    assert np.all(hi - lo > 0) and np.allclose(hi - lo, (hi - lo)[0])


@pytest.mark.parametrize("coverage", [0.8, 0.9, 0.95])
def test_conformal_coverage_averaged_over_splits(calibrated, coverage):
    """Split conformal's guarantee is on average over calibration sets: over 40 random
    calibration/new splits of fresh rows the mean coverage is within 0.015 of nominal
    (its standard error here is about 0.003)."""
    model, _, _ = calibrated
    Xf, yf = _data(2400, 13)
    pred = model.predict(Xf)
    rng = np.random.default_rng(0)
    covered = []
    for _ in range(40):
        idx = rng.permutation(len(yf))
        cal, new = idx[:400], idx[400:]
        q = interval_halfwidth(conformity_scores(yf[cal], pred[cal]), coverage)[0]
        covered.append(np.mean(np.abs(yf[new] - pred[new]) <= q))
    assert abs(np.mean(covered) - coverage) < 0.015, np.mean(covered)


def test_intervals_equal_mapie_split_conformal(calibrated):
    """MAPIE's split conformal regressor with the fitted model (prefit) gives the same
    intervals (an independent implementation of the same quantile)."""
    mapie = pytest.importorskip("mapie.regression")
    model, Xc, yc = calibrated
    Xn, _ = _data(50, 14)
    scr = mapie.SplitConformalRegressor(model, confidence_level=0.9, prefit=True)
    scr.conformalize(Xc, yc)
    _, bounds = scr.predict_interval(Xn)
    lo, hi = model.predict_interval(Xn, coverage=0.9)
    np.testing.assert_allclose(lo, bounds[:, 0, 0], rtol=1e-10)
    np.testing.assert_allclose(hi, bounds[:, 1, 0], rtol=1e-10)


def test_interval_halfwidth_is_the_corrected_order_statistic():
    scores = np.arange(1.0, 20.0)[:, None]  # n = 19: scores 1..19
    # ceil((19 + 1) * 0.9) = 18 -> the 18th smallest
    assert interval_halfwidth(scores, 0.9)[0] == 18.0
    # ceil(20 * 0.5) = 10
    assert interval_halfwidth(scores, 0.5)[0] == 10.0
    assert min_calibration_rows(0.9) == 9 and min_calibration_rows(0.95) == 19


def test_intervals_from_the_division_held_out_rows():
    X, y = _data(200, 5)
    model = BPRegressor(preset="matlab", random_state=0, **FAST).fit(X, y)
    held = np.setdiff1d(np.arange(200), model.record_.train_idx)
    assert model.conformity_scores_.shape == (len(held), 1)
    np.testing.assert_allclose(
        model.conformity_scores_[:, 0], np.sort(np.abs(y[held] - model.predict(X[held])))
    )


def test_multi_output_intervals_one_width_per_target():
    X, y = _data(200, 6)
    Y = np.column_stack([y, 10 * y])
    Xc, yc = _data(100, 7)
    model = BPRegressor(random_state=0, division=None, **FAST).fit(
        X, Y, calibration=(Xc, np.column_stack([yc, 10 * yc]))
    )
    lo, hi = model.predict_interval(X[:5])
    assert lo.shape == (5, 2)
    w = (hi - lo)[0]
    assert w[1] > 5 * w[0]


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, math.nan, "0.9", True])
def test_bad_coverage(calibrated, bad):
    model, Xc, _ = calibrated
    with pytest.raises(ValueError, match=r"coverage must be a number strictly between 0 and 1"):
        model.predict_interval(Xc, coverage=bad)


def test_no_held_out_rows_is_a_clear_error():
    X, y = _data(80, 8)
    model = BPRegressor(random_state=0, **FAST).fit(X, y)  # division "refit": all rows
    assert model.conformity_scores_ is None
    with pytest.raises(ValueError, match="did not train on.*calibration=\\(X_cal, y_cal\\)"):
        model.predict_interval(X)


def test_too_few_calibration_rows_for_the_coverage():
    X, y = _data(80, 8)
    model = BPRegressor(random_state=0, division=None, **FAST).fit(
        X, y, calibration=(X[:10], y[:10])
    )
    model.predict_interval(X, coverage=0.9)  # 10 rows: enough for 0.9
    with pytest.raises(ValueError, match="coverage=0.95 needs at least 19 calibration rows"):
        model.predict_interval(X, coverage=0.95)


def test_bad_calibration_argument():
    X, y = _data(40, 8)
    with pytest.raises(ValueError, match="calibration must be a tuple"):
        BPRegressor(**FAST).fit(X, y, calibration=X)
    with pytest.raises(ValueError, match="y has 2 columns, expected 1"):
        BPRegressor(**FAST).fit(X, y, calibration=(X, np.column_stack([y, y])))


# -- command line --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    import pandas as pd

    d = tmp_path_factory.mktemp("cli")
    X, y = _data(200, 9)
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y)
    df.to_csv(d / "train.csv", index=False)
    df.iloc[:25].drop(columns="y").to_csv(d / "new.csv", index=False)
    assert (
        main(
            [
                "train",
                str(d / "train.csv"),
                "--hidden",
                "5",
                "--epochs",
                "30",
                "--n-ensemble",
                "2",
                "-o",
                str(d / "m.bpnn"),
                "--quiet",
            ]
        )
        == 0
    )
    return d


def test_cli_predict_interval_columns(saved_models, capsys):
    import pandas as pd

    d = saved_models
    model = load(d / "m.bpnn")
    assert len(model.networks_) == 2  # --n-ensemble
    assert model.conformity_scores_ is not None  # the CLI's held-out rows calibrate
    out = d / "pred.csv"
    assert (
        main(
            ["predict", str(d / "m.bpnn"), str(d / "new.csv"), "--interval", "0.9", "-o", str(out)]
        )
        == 0
    )
    table = pd.read_csv(out)
    assert list(table.columns) == ["prediction", "lower", "upper"]
    assert np.all(table.lower < table.prediction) and np.all(table.prediction < table.upper)
    lo, hi = model.predict_interval(pd.read_csv(d / "new.csv"), 0.9)
    np.testing.assert_allclose(table.lower, lo)
    np.testing.assert_allclose(table.upper, hi)


@pytest.mark.parametrize("bad", ["0", "1.5"])
def test_cli_bad_interval_writes_nothing(saved_models, capsys, bad):
    d = saved_models
    out = d / f"never_{bad}.csv"
    code = main(
        ["predict", str(d / "m.bpnn"), str(d / "new.csv"), "--interval", bad, "-o", str(out)]
    )
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "coverage must be a number strictly between 0 and 1" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "holdout, coverage, message",
    [
        ("0", "0.9", "has none (it trained on every row): retrain it with bpnn train --holdout"),
        (
            "0.02",
            "0.95",
            "0.95 needs at least 19 calibration rows for a finite interval; the "
            "model has 4: retrain it with a larger bpnn train --holdout",
        ),
    ],
)
def test_cli_interval_without_enough_held_out_rows(
    saved_models, capsys, holdout, coverage, message
):
    """A model trained on every row (--holdout 0, the default preset's refit) or with too
    few held-out rows for the coverage: one line saying which bpnn train option gives
    intervals, exit 2, no output written."""
    d = saved_models
    model, out = d / f"h{holdout}.bpnn", d / f"never_h{holdout}.csv"
    assert (
        main(
            [
                "train",
                str(d / "train.csv"),
                "--hidden",
                "3",
                "--epochs",
                "5",
                "--holdout",
                holdout,
                "-o",
                str(model),
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    code = main(["predict", str(model), str(d / "new.csv"), "--interval", coverage, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert "calibration=(X_cal" not in err  # Python advice, not for the command line


def test_cli_export_of_an_ensemble(saved_models, capsys):
    d = saved_models
    assert main(["export", str(d / "m.bpnn"), "--format", "c", "-o", str(d / "m.c"), "-q"]) == 0
    assert "bpnn_member1_outputs" in (d / "m.c").read_text() and (d / "m.h").exists()
    assert (
        main(["export", str(d / "m.bpnn"), "--format", "python", "-o", str(d / "m.py"), "--quiet"])
        == 0
    )
    assert "MEMBERS = [" in (d / "m.py").read_text()


# -- the report ----------------------------------------------------------------------------
def test_report_data_and_section_for_an_ensemble(reg3, iris3):
    from bpnn.report import build_figures, data_from_model, ensemble_spread, render_html

    model, X = reg3
    y = model.predict(X) + np.random.default_rng(0).normal(0, 0.1, len(X))
    data = data_from_model(model, X, y, model.record_)
    assert len(data.members) == 3
    # members trained on different random splits: "train" = rows any member trained on
    used = np.unique(np.concatenate([r.train_idx for r in model.records_]))
    np.testing.assert_array_equal(data.splits["train"], used)
    np.testing.assert_array_equal(data.splits["test"], np.setdiff1d(np.arange(len(X)), used))
    spread, err = ensemble_spread(data)
    np.testing.assert_allclose(spread, model.predict(X, return_std=True)[1], rtol=1e-10)
    np.testing.assert_allclose(err, np.abs(y - model.predict(X)), rtol=1e-9)
    assert "ensemble_spread" in build_figures(None, None, data)
    page = render_html(model.record_, model.network_, data)
    assert "<h2>Ensemble</h2>" in page and "member 3" in page
    clf, Xi = iris3
    cdata = data_from_model(clf, Xi, load_iris().target, clf.record_)
    assert len(cdata.members) == 3 and "<h2>Ensemble</h2>" in render_html(data=cdata)


def test_one_network_report_has_no_ensemble_section():
    from bpnn.report import data_from_model, render_html

    X, y = _data(60, 1)
    model = BPRegressor(random_state=0, division="refit", **FAST).fit(X, y)  # one network
    data = data_from_model(model, X, y, model.record_)
    assert data.members is None and "<h2>Ensemble</h2>" not in render_html(data=data)


@pytest.mark.skipif(
    not __import__("os").path.exists("/usr/bin/chromium"), reason="chromium is not installed"
)
def test_ensemble_report_renders_in_chromium(saved_models, tmp_path):
    import subprocess

    d = saved_models
    page = tmp_path / "r.html"
    assert (
        main(["report", str(d / "m.bpnn"), str(d / "train.csv"), "-o", str(page), "--quiet"]) == 0
    )
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1100,6000",
            "--hide-scrollbars",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    from matplotlib.image import imread

    rgb = (imread(shot)[..., :3] * 255).round()
    html = page.read_text()
    assert "<h2>Ensemble</h2>" in html and "Ensemble spread" in html
    # the spread histogram's bars are drawn in the training-set blue
    blue = np.all(np.abs(rgb - [0x1F, 0x5F, 0xBF]) <= 6, axis=-1)
    assert blue.sum() > 500


def test_cli_predict_interval_stays_light(saved_models):
    """``bpnn predict --interval`` on an ensemble needs neither scikit-learn nor MAPIE."""
    import os
    import subprocess
    import sys

    d = saved_models
    code = (
        "import sys; from bpnn.cli import main; "
        f"rc = main(['predict', {str(d / 'm.bpnn')!r}, {str(d / 'new.csv')!r}, "
        f"'--interval', '0.8', '-o', {str(d / 'light.csv')!r}]); "
        "print(rc, sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'mapie', "
        "'scipy', 'pygad'}))"
    )
    src = str(__import__("pathlib").Path(__import__("bpnn").__file__).resolve().parents[1])
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=src),
    )
    assert run.stdout.split() == ["0", "[]"], run.stderr


def test_convergence_warning_points_at_the_callers_line():
    from sklearn.exceptions import ConvergenceWarning

    X, y = _data(50, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        BPRegressor(hidden=(3,), epochs=2, n_ensemble=2, random_state=0, division="refit").fit(X, y)
    ours = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert ours and all(w.filename == __file__ for w in ours)


def test_calibration_on_a_dataframe_fit_gives_no_feature_name_warning():
    """The held-out rows are checked arrays; calibrating on them must not make predict
    warn that X lacks the feature names the model was fitted with."""
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    y = 2 * X["a"] + 0.1 * rng.normal(size=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model = BPRegressor(preset="matlab", random_state=0, warn=False).fit(X, y)
    assert model.conformity_scores_ is not None
    lo, hi = model.predict_interval(X.iloc[:5])
    assert np.all(lo < hi)
