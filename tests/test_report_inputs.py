"""The report's "Inputs" section: importance bars and partial-dependence profiles."""

import dataclasses
import os
import re
import shutil
import subprocess
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

import bpnn
from bpnn import plots
from bpnn.report import (
    InputsSummary,
    build_figures,
    data_from_model,
    inputs_from_model,
    render_html,
    write_report,
)

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)


@pytest.fixture(scope="module")
def fitted():
    """y = 4 a - 2 b + small noise; c does not matter."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(0.5, 1.5, (300, 3)), columns=["a", "b", "c"])
    y = pd.Series(4 * X["a"] - 2 * X["b"] + 0.05 * rng.normal(size=300), name="y")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = bpnn.BPRegressor(hidden=(5,), random_state=0, division="refit").fit(X, y)
    return model, data_from_model(model, X, y, model.record_)


def test_inputs_summary_ranks_and_signs(fitted):
    model, data = fitted
    inputs = inputs_from_model(model, data)
    assert list(inputs.importance) == ["permutation", "miv", "olden", "garson"]
    for method, frame in inputs.importance.items():
        assert frame.index[-1] == "c", (method, frame)
    miv = inputs.importance["miv"]
    assert miv.loc["a", "sign"] == 1 and miv.loc["b", "sign"] == -1
    assert list(inputs.partial_dependence)[:2] == ["a", "b"]
    pa = inputs.partial_dependence["a"]["y"].to_numpy()
    assert np.all(np.diff(pa) > 0)  # rises with a, about 4 per unit
    slope = np.polyfit(inputs.partial_dependence["a"].index, pa, 1)[0]
    assert slope == pytest.approx(4, rel=0.15)
    # the default preset refits on every row: no held-out rows, and the section says so
    assert inputs.n_rows == 300
    assert inputs.notes == [
        "computed on all rows, the training rows included (fewer than 50 held-out rows)"
    ]


def test_held_out_rows_are_used_when_there_are_enough(fitted):
    model, data = fitted
    split = dataclasses.replace(data, splits={"train": np.arange(200), "test": np.arange(200, 300)})
    inputs = inputs_from_model(model, split)
    assert inputs.n_rows == 100
    # the note names the splits there are: a --holdout run has test rows only
    assert inputs.notes[0] == "computed on the 100 held-out (test) rows"
    np.testing.assert_array_equal(inputs.X, data.X[200:])
    both = dataclasses.replace(
        data,
        splits={
            "train": np.arange(200),
            "validation": np.arange(200, 250),
            "test": np.arange(250, 300),
        },
    )
    assert inputs_from_model(model, both).notes[0] == (
        "computed on the 100 held-out (validation and test) rows"
    )
    small = dataclasses.replace(data, splits={"train": np.arange(280), "test": np.arange(280, 300)})
    assert inputs_from_model(model, small).n_rows == 300
    assert inputs_from_model(model, small, min_held_out=20).n_rows == 20


def test_limits_leave_notes(fitted):
    model, data = fitted
    few = inputs_from_model(model, data, max_rows=50, max_inputs=2)
    assert few.n_rows == 50 and list(few.importance) == ["olden", "garson"]
    assert few.partial_dependence == {}
    assert any("50 rows" in n for n in few.notes)
    assert any("3 inputs" in n and "bpnn importance" in n for n in few.notes)
    deep = bpnn.BPRegressor(hidden=(3, 3), epochs=5, random_state=0, warn=False)
    deep.fit(pd.DataFrame(data.X, columns=data.feature_names), data.y_true.ravel())
    summary = inputs_from_model(
        deep,
        data_from_model(
            deep, pd.DataFrame(data.X, columns=data.feature_names), data.y_true.ravel()
        ),
    )
    assert "garson" not in summary.importance
    assert any("Garson" in n and "one hidden layer" in n for n in summary.notes)
    assert inputs_from_model(model, None) is None


def test_importance_bars_and_profiles():
    frames = {
        "olden": pd.DataFrame({"importance": [3.0, 1.0], "sign": [1.0, -1.0]}, index=["p", "q"]),
        "permutation": pd.DataFrame(
            {"importance": [0.5, 0.1], "std": [0.05, 0.01]}, index=["q", "p"]
        ),
    }
    fig = plots.plot_importance(frames)
    ax_o, ax_p = fig.axes[:2]
    bars = ax_o.patches
    assert [b.get_width() for b in bars] == [3.0, 1.0]
    assert bars[1].get_facecolor()[:3] == pytest.approx((0xD0 / 255, 0x34 / 255, 0x2C / 255))
    at = {t.get_text(): y for t, y in zip(ax_p.get_yticklabels(), ax_p.get_yticks())}
    assert at["q"] > at["p"]  # the largest on top
    prof = {
        "p": pd.DataFrame({"y": [0.0, 1.0, 2.0]}, index=pd.Index([0.0, 1.0, 2.0])),
        "q": pd.DataFrame({"y": [1.0, 1.0, 1.0]}, index=pd.Index([5.0, 6.0, 7.0])),
    }
    fig = plots.plot_partial_dependence(
        prof, np.c_[np.arange(10.0), np.arange(10.0)], ["p", "q"], "y"
    )
    a, b = fig.axes[:2]
    assert a.get_ylim() == b.get_ylim()  # one scale: q looks flat
    assert list(a.lines[0].get_ydata()) == [0.0, 1.0, 2.0]


def test_html_has_the_inputs_section(fitted, tmp_path):
    model, data = fitted
    inputs = inputs_from_model(model, data)
    assert list(build_figures(model.record_, model.network_, data, inputs))[-2:] == [
        "importance",
        "partial_dependence",
    ]
    text = render_html(model.record_, model.network_, data, inputs=inputs)
    assert text.count('src="data:image/png;base64,') == 7
    inputs_part = text[text.index("<h2>Inputs</h2>") : text.index("<h2>Network</h2>")]
    assert inputs_part.count("<img") == 2 and "docs/inspection.md" in inputs_part
    # the table: the inputs in permutation order, MIV and Olden signed
    cells = re.findall(r'<td class="l">(\w)</td>', inputs_part)
    assert cells[-1] == "c" and set(cells) == {"a", "b", "c"}
    plain = text[: text.index("<h2>Inputs</h2>")]
    assert plain.count("<img") == 5
    without = render_html(model.record_, model.network_, data)
    assert "<h2>Inputs</h2>" not in without
    empty = InputsSummary({}, {}, 0, ["nothing"])
    assert "nothing" in render_html(None, None, None, inputs=empty)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_inputs_section_renders_in_chromium(fitted, tmp_path):
    model, data = fitted
    page = write_report(
        tmp_path / "r.html",
        model.record_,
        model.network_,
        data,
        inputs=inputs_from_model(model, data),
        title="inputs check",
    )
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    run = subprocess.run(
        base + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and "<h2>Inputs</h2>" in run.stdout
    shot = tmp_path / "shot.png"
    subprocess.run(
        base
        + [f"--screenshot={shot}", "--window-size=1200,7000", "--hide-scrollbars", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    from matplotlib.image import imread

    rgb = (imread(shot)[..., :3] * 255).round()
    red = np.all(np.abs(rgb - [0xD0, 0x34, 0x2C]) <= 6, axis=-1)  # b's negative bars
    assert red.sum() > 300
