"""The HTML training report and its plots, down to a headless-Chromium rendering."""

import base64
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

import bpnn
from bpnn import plots
from bpnn.report import ReportData, build_figures, render_html, split_metrics, write_report

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)


@pytest.fixture(scope="module")
def trained():
    """A 1-10-1 sine fit by per-sample BP with a 70/15/15 division: record + network + data."""
    x = np.linspace(-1, 1, 41)[:, None]
    y = np.sin(np.pi * x)
    net = bpnn.Network([1, 10, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(
        net, x, y, algorithm="sgd", loss="mse", lr=0.05, epochs=60, division="random", seed=0
    )
    data = ReportData(
        "regression",
        y,
        net.forward(x),
        {"train": rec.train_idx, "validation": rec.val_idx, "test": rec.test_idx},
        X=x,
        feature_names=["x"],
        target_names=["y"],
    )
    return rec, net, data


def _class_data():
    rng = np.random.default_rng(0)
    t = np.array(["a", "b", "c"] * 10, dtype=object)
    proba = rng.dirichlet(np.ones(3), 30)
    proba[np.arange(30), np.arange(30) % 3] += 1.0  # mostly right, not always
    proba /= proba.sum(axis=1, keepdims=True)
    pred = np.array(["a", "b", "c"], dtype=object)[proba.argmax(axis=1)]
    return ReportData(
        "classification",
        t,
        pred,
        {"train": np.arange(20), "test": np.arange(20, 30)},
        proba=proba,
        classes=["a", "b", "c"],
        X=rng.normal(size=(30, 2)),
        feature_names=["u", "v"],
        target_names=["label"],
    )


def test_regression_metrics_by_hand():
    t = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([[1.0], [2.0], [4.0], [3.0]])
    m = split_metrics(ReportData("regression", t, y, {"train": [0, 1], "test": [2, 3]}))
    assert list(m) == ["train", "test", "all"]
    assert m["train"]["MSE"] == 0.0 and m["train"]["n"] == 2
    # test: errors -1, +1 -> MSE 1, MAE 1; outputs (4, 3) against (3, 4): R = -1
    assert m["test"]["MSE"] == 1.0 and m["test"]["MAE"] == 1.0
    assert m["test"]["R"] == pytest.approx(-1.0)
    # all: errors 0, 0, -1, 1 -> MSE 0.5; deviations t (-1.5, -.5, .5, 1.5), y (-1.5, -.5,
    # 1.5, .5): R = (2.25 + .25 + .75 + .75) / 5 = 0.8
    assert m["all"]["MSE"] == 0.5 and m["all"]["RMSE"] == pytest.approx(0.5**0.5)
    assert m["all"]["R"] == pytest.approx(0.8)


def test_classification_metrics_by_hand():
    t = np.array(["a", "b", "b"])
    pred = np.array(["a", "a", "b"])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    m = split_metrics(ReportData("classification", t, pred, proba=proba, classes=["a", "b"]))["all"]
    assert m["accuracy"] == pytest.approx(2 / 3)
    # log loss = -(ln 0.9 + ln 0.4 + ln 0.8) / 3
    assert m["log loss"] == pytest.approx(-(np.log(0.9) + np.log(0.4) + np.log(0.8)) / 3)


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_weighted_metrics_equal_repeated_rows(task, rng):
    n = 9
    w = np.array([0, 1, 2, 3, 1, 0, 2, 1, 1.0])
    if task == "regression":
        t, y = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
        proba = classes = None
    else:
        t, y = rng.choice(["a", "b"], n), rng.choice(["a", "b"], n)
        proba, classes = rng.dirichlet([1, 1], size=n), ["a", "b"]
    splits = {"train": np.arange(5), "test": np.arange(5, 9)}
    got = split_metrics(ReportData(task, t, y, splits, proba, classes, sample_weight=w))
    k = w.astype(int)
    rep = np.repeat(np.arange(n), k)
    ref = split_metrics(
        ReportData(
            task,
            t[rep],
            y[rep],
            {"train": np.flatnonzero(rep < 5), "test": np.flatnonzero(rep >= 5)},
            None if proba is None else proba[rep],
            classes,
        )
    )
    for part in ("train", "test", "all"):
        assert got[part]["weight"] == ref[part]["n"]
        for name, v in ref[part].items():
            if name != "n":
                assert got[part][name] == pytest.approx(v, rel=1e-12), (part, name)


def test_figures_for_each_task(trained):
    rec, net, data = trained
    assert list(build_figures(rec, net, data)) == [
        "performance",
        "training_state",
        "regression",
        "error_histogram",
        "network",
    ]
    cls = _class_data()
    small = bpnn.Network([2, 4, 3], ["tansig", "softmax"], seed=0)
    assert list(build_figures(None, small, cls)) == ["confusion", "roc", "network"]
    # the performance plot marks the best epoch with the best validation loss
    ax = plots.plot_performance(rec).axes[0]
    assert f"epoch {rec.best_epoch}" in ax.get_title()
    best = [ln for ln in ax.lines if ln.get_label() == "best"][0]
    assert best.get_xdata()[0] == rec.best_epoch
    assert best.get_ydata()[0] == pytest.approx(rec.best_val_loss)
    # the regression panels carry Pearson's R of their split
    titles = [
        a.get_title()
        for a in plots.plot_regression({"test": (np.array([3.0, 4.0]), np.array([4.0, 3.0]))}).axes
        if a.get_visible()
    ]
    assert titles == ["Test: R = -1.00000"]


def test_html_is_self_contained(trained, tmp_path):
    rec, net, data = trained
    text = render_html(rec, net, data, {"hidden": (10,)})
    imgs = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(imgs) == 5
    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in imgs)
    assert not re.search(r'(src|href)="(https?:|//)', text)  # nothing fetched
    assert "<script" not in text
    assert rec.stop_reason in text and f"{rec.epochs}" in text
    for word in ("Metrics", "validation", "Hyper-parameters", "lr", "Data"):
        assert word in text
    out = write_report(tmp_path / "r.html", rec, net, data, plots_dir=tmp_path / "png")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
        "error_histogram.png",
        "network.png",
        "performance.png",
        "regression.png",
        "training_state.png",
    ]


def _chromium(tmp_path, url, *extra):
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        url,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(trained, tmp_path):
    rec, net, data = trained
    page = write_report(tmp_path / "report.html", rec, net, data, title="chromium check")
    # the harness sees console errors: a page that logs one is caught
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><script>console.error("boom-7d1")</script></body></html>')
    assert "boom-7d1" in _chromium(tmp_path, bad.as_uri(), "--dump-dom").stderr
    run = _chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    console = [ln for ln in run.stderr.splitlines() if ":CONSOLE" in ln]
    assert console == []
    assert run.stdout.count('src="data:image/png;base64,') == 5
    assert "chromium check" in run.stdout
    # the figures are drawn: the screenshot holds the plots' training-set blue
    shot = tmp_path / "shot.png"
    run = _chromium(
        tmp_path,
        page.as_uri(),
        f"--screenshot={shot}",
        "--window-size=1200,2600",
        "--hide-scrollbars",
    )
    assert shot.exists(), run.stderr[-2000:]
    from matplotlib.image import imread

    rgb = (imread(shot)[..., :3] * 255).round()
    blue = np.all(np.abs(rgb - [0x1F, 0x5F, 0xBF]) <= 6, axis=-1)
    assert blue.sum() > 500
    assert (rgb.min(axis=-1) < 200).mean() > 0.02  # not a blank page


def test_network_diagram_draws_every_weight_or_says_what_it_left_out():
    net = bpnn.Network([2, 3, 1], "logsig", seed=0)
    net.weights[0][0, 0] = -1.0  # one negative weight drawn in red
    ax = plots.plot_network(net, ["a", "b"], ["y"]).axes[0]
    assert len(ax.lines) == 2 * 3 + 3 * 1  # one line per weight
    red = [ln for ln in ax.lines if ln.get_color() == "#d0342c"]
    assert len(red) == int((net.weights[0] < 0).sum() + (net.weights[1] < 0).sum())
    wide = plots.plot_network(bpnn.Network([30, 20, 2], "tansig", seed=0)).axes[0]
    assert len(wide.lines) == 12 * 12 + 12 * 2  # 12 of 30 and 12 of 20 units drawn
    assert sum(t.get_text() == "⋮" for t in wide.texts) == 2


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.9999998, "0.9999998"),  # an R this close to 1 is not shown as "1"
        (-0.9999998, "-0.9999998"),
        (2.0000001, "2.0000001"),
        (1.0, "1"),
        (0.123456789, "0.123457"),
        (12345678.0, "1.23457e+07"),
        (3.0, "3"),
        (np.float32(1.0), "1"),
    ],
)
def test_report_numbers_never_round_a_non_integer_to_an_integer(value, text):
    from bpnn.report import _num

    assert _num(value) == text


def test_cli_summary_numbers_never_round_a_non_integer_to_an_integer():
    from bpnn.cli._shared import _fmt

    assert _fmt(0.9999998, 6) == "0.9999998"  # R in the summary table
    assert _fmt(0.99995) == "0.99995"  # an accuracy of 19999 / 20000 is not "1"
    assert _fmt(1.0) == "1" and _fmt(0.123456) == "0.1235" and _fmt(None) == "—"
    assert _fmt(float("nan")) == "—" and _fmt(float("inf")) == "inf"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_report_shows_what_the_fit_warned_about(tmp_path):
    from sklearn.datasets import load_iris
    from sklearn.exceptions import ConvergenceWarning

    from bpnn.report import data_from_model

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 2)), np.where(rng.random(120) < 0.7, "a", "b")
    with pytest.warns(ConvergenceWarning):
        model = bpnn.BPClassifier(l2=10.0, random_state=0).fit(X, y)
    data = data_from_model(model, X, y, model.record_)
    assert data.diagnosis == model.diagnosis_ and "always answering 'a'" in data.diagnosis
    page = write_report(tmp_path / "note.html", model.record_, model.network_, data)
    html = page.read_text(encoding="utf-8")
    assert '<p class="note"><b>Note:</b> the classifier scores' in html
    assert html.index('class="note"') < html.index("<h2>Metrics</h2>")
    run = _chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert run.returncode == 0 and "always answering" in run.stdout
    shots = os.environ.get("BPNN_REPORT_SCREENSHOTS")
    if shots:
        _chromium(
            tmp_path,
            page.as_uri(),
            f"--screenshot={shots}/report_note.png",
            "--window-size=1200,900",
        )
    # a fit with nothing to say shows no note
    quiet = bpnn.BPClassifier(random_state=0).fit(*load_iris(return_X_y=True))
    assert data_from_model(quiet, *load_iris(return_X_y=True)).diagnosis is None
