"""Time series on the command line: `bpnn train SERIES --feedback-delays ...` and
`bpnn forecast`, in-process through bpnn.cli.main, down to the report's time-series plots in
headless Chromium. Every bad input: exit 2, one line on stderr, nothing written."""

import os
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.cli import main

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
#: these tests are about options, files and messages, not the automatic structure:
#: MATLAB's preset pins what an option leaves out (delays 1:2, 10 hidden, lm, block)
FAST = ["--epochs", "15", "--preset", "matlab", "-q"]


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *words):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], lines[0]


def plant_frame(n=300, seed=0):
    """A NARX plant y(t+1) = y(t)/(1+y(t)^2) + u(t)^3 with a time column t = 10, 11, ..."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(-1, 1, n)
    y = np.zeros(n)
    for t in range(n - 1):
        y[t + 1] = y[t] / (1 + y[t] ** 2) + u[t] ** 3
    return pd.DataFrame({"t": np.arange(10, 10 + n), "u": u, "y": y})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("ts")
    plant_frame().to_csv(d / "plant.csv", index=False)
    code = main(
        [
            "train",
            str(d / "plant.csv"),
            "--target",
            "y",
            "--inputs",
            "u",
            "--input-delays",
            "1:2",
            "--feedback-delays",
            "1:2",
            "--time-column",
            "t",
            "--hidden",
            "6",
            *FAST,
            "-o",
            str(d / "plant.bpnn"),
        ]
    )
    assert code == 0
    code = main(
        [
            "train",
            "sunspots",
            "--feedback-delays",
            "1:3",
            "--hidden",
            "4",
            *FAST,
            "-o",
            str(d / "sun.bpnn"),
        ]
    )
    assert code == 0
    return d


# -- train --------------------------------------------------------------------------------
def test_train_builds_the_network_the_options_ask_for(files):
    m = bpnn.load(files / "plant.bpnn")
    assert type(m).__name__ == "BPForecaster" and m.kind_ == "narxnet"
    assert m.feedback_delays_ == (1, 2) and m.input_delays_ == (1, 2)
    assert m.network_.sizes == [4, 6, 1]
    assert m.input_names() == ["u(t-1)", "u(t-2)", "y(t-1)", "y(t-2)"]
    assert m.time_name_ == "t" and m.index_info_ == {"kind": "int", "last": 309, "step": 1}
    assert m.effective_params()["division"] == "block" and m.record_.epochs <= 15
    s = bpnn.load(files / "sun.bpnn")
    assert s.kind_ == "narnet" and s.feedback_delays_ == (1, 2, 3) and s.time_name_ == "year"


def test_train_prints_one_step_metrics_by_split(files, capsys):
    code, out, err = run(
        [
            "train",
            files / "plant.csv",
            "--target",
            "y",
            "--inputs",
            "u",
            "--time-column",
            "t",
            "--hidden",
            "3",
            "--epochs",
            "5",
        ],
        capsys,
    )
    assert code == 0, err
    assert "training a NARX network" in out and "300 time steps (10..309)" in out
    for word in ("train", "validation", "test", "one-step", "bpnn forecast"):
        assert word in out


def test_builtin_plant_trains_a_narx_network(tmp_path, capsys):
    code, out, err = run(
        ["train", "narendra_plant", "--hidden", "4", "--epochs", "5", "-o", tmp_path / "p.bpnn"],
        capsys,
    )
    assert code == 0, err
    m = bpnn.load(tmp_path / "p.bpnn")
    assert m.kind_ == "narxnet" and m.exog_names_ == ["u"] and m.time_name_ == "t"


def test_time_delay_network_and_closed_loop_fine_tuning(files, tmp_path, capsys):
    code, out, err = run(
        [
            "train",
            files / "plant.csv",
            "--target",
            "y",
            "--inputs",
            "u",
            "--input-delays",
            "0:1",
            "--feedback-delays",
            "none",
            "--hidden",
            "3",
            *FAST,
            "-o",
            tmp_path / "td.bpnn",
        ],
        capsys,
    )
    assert code == 0, err
    m = bpnn.load(tmp_path / "td.bpnn")
    assert m.kind_ == "timedelaynet" and m.input_delays_ == (0, 1)
    code, out, err = run(
        [
            "train",
            files / "plant.csv",
            "--target",
            "y",
            "--inputs",
            "u",
            "--hidden",
            "3",
            "--epochs",
            "5",
            "--closed-loop-horizon",
            "3",
            "--param",
            "mu=0.01",
            "--algorithm",
            "lm",
            "-o",
            tmp_path / "cl.bpnn",
        ],
        capsys,
    )
    assert code == 0, err
    m = bpnn.load(tmp_path / "cl.bpnn")
    assert m.closed_loop_record_ is not None and m.closed_loop_horizon_ == 3


def test_config_file_takes_the_time_series_options(files, tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[train]\nfeedback-delays = "1,3"\nhidden = 3\nepochs = 5\n')
    code, _, err = run(
        ["train", "sunspots", "--config", cfg, "-q", "-o", tmp_path / "s.bpnn"], capsys
    )
    assert code == 0, err
    assert bpnn.load(tmp_path / "s.bpnn").feedback_delays_ == (1, 3)


# -- forecast -------------------------------------------------------------------------------
def test_nar_forecast_without_data_continues_the_years(files, tmp_path, capsys):
    out_path = tmp_path / "f.csv"
    code, out, err = run(["forecast", files / "sun.bpnn", "--steps", "7", "-o", out_path], capsys)
    assert code == 0, err
    f = pd.read_csv(out_path)
    assert list(f.columns) == ["year", "sunspots"]
    assert f["year"].tolist() == list(range(2009, 2016))
    expected = bpnn.load(files / "sun.bpnn").predict(7)
    np.testing.assert_allclose(f["sunspots"], expected.to_numpy(), rtol=1e-10)
    # without -o: the same table on stdout
    code, out, err = run(["forecast", files / "sun.bpnn", "--steps", "7"], capsys)
    assert code == 0 and out.splitlines()[0] == "year,sunspots"
    assert len(out.splitlines()) == 8


def test_nar_forecast_from_recent_values_in_data(files, tmp_path, capsys):
    sun = bpnn.load_dataset("sunspots").frame
    recent = sun[sun.year <= 1950]
    recent.to_csv(tmp_path / "recent.csv", index=False)
    code, out, err = run(
        ["forecast", files / "sun.bpnn", tmp_path / "recent.csv", "--steps", "5"], capsys
    )
    assert code == 0, err
    f = pd.read_csv(pd.io.common.StringIO(out))
    assert f["year"].tolist() == [1951, 1952, 1953, 1954, 1955]
    m = bpnn.load(files / "sun.bpnn")
    # by hand: the last three known values fed through the network, each output fed back
    hist = list(recent["sunspots"].astype(float))
    for _ in range(5):
        z = m.y_map_.transform(np.array([[hist[-1]], [hist[-2]], [hist[-3]]]))[:, 0]
        hist.append(float(m.y_map_.inverse_transform(m.network_.predict(z[None]))[0, 0]))
    np.testing.assert_allclose(f["sunspots"], hist[-5:], rtol=1e-9)
    # empty rows after the known values: the times to forecast (and --steps's default)
    later = sun[(sun.year > 1950) & (sun.year <= 1953)].assign(sunspots=np.nan)
    pd.concat([recent, later]).to_csv(tmp_path / "rows.csv", index=False)
    code, out, err = run(["forecast", files / "sun.bpnn", tmp_path / "rows.csv"], capsys)
    assert code == 0, err
    g = pd.read_csv(pd.io.common.StringIO(out))
    assert g["year"].tolist() == [1951, 1952, 1953]
    np.testing.assert_allclose(g["sunspots"], hist[-5:-2], rtol=1e-9)


def test_narx_forecast_reads_the_future_inputs(files, tmp_path, capsys):
    rng = np.random.default_rng(5)
    fut = pd.DataFrame({"t": np.arange(310, 320), "u": rng.uniform(-1, 1, 10)})
    fut.to_csv(tmp_path / "fut.csv", index=False)
    code, out, err = run(
        ["forecast", files / "plant.bpnn", tmp_path / "fut.csv", "-o", tmp_path / "f.csv"], capsys
    )
    assert code == 0, err
    f = pd.read_csv(tmp_path / "f.csv")
    assert list(f.columns) == ["t", "y"] and f["t"].tolist() == list(range(310, 320))
    m = bpnn.load(files / "plant.bpnn")
    np.testing.assert_allclose(
        f["y"], np.asarray(m.predict(10, X=fut[["u"]].to_numpy())), rtol=1e-10
    )
    # with input delays >= 1 one more step than rows of inputs can be forecast
    code, out, err = run(
        ["forecast", files / "plant.bpnn", tmp_path / "fut.csv", "--steps", "11"], capsys
    )
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("320,")


def test_narx_forecast_from_history_and_future_rows(files, tmp_path, capsys):
    df = plant_frame(400, seed=3)  # a later stretch of the plant, never seen
    table = df.iloc[:60].copy()
    table.loc[50:, "y"] = np.nan  # rows 50..59: forecast times with inputs
    table.to_csv(tmp_path / "hf.csv", index=False)
    code, out, err = run(["forecast", files / "plant.bpnn", tmp_path / "hf.csv"], capsys)
    assert code == 0, err
    f = pd.read_csv(pd.io.common.StringIO(out))
    assert f["t"].tolist() == list(range(60, 70))
    m = bpnn.load(files / "plant.bpnn")
    want = m.predict(
        10,
        X=df[["u"]].to_numpy()[50:60],
        last_window=df["y"].to_numpy()[:50],
        last_window_X=df[["u"]].to_numpy()[:50],
    )
    np.testing.assert_allclose(f["y"], np.asarray(want), rtol=1e-10)


def test_dates_are_checked_and_continued(tmp_path, capsys):
    df = plant_frame(120)
    df["t"] = pd.date_range("2020-01-01", periods=120, freq="MS").strftime("%Y-%m-%d")
    df.to_csv(tmp_path / "monthly.csv", index=False)
    code, _, err = run(
        [
            "train",
            tmp_path / "monthly.csv",
            "--target",
            "y",
            "--time-column",
            "t",
            "--hidden",
            "3",
            *FAST,
            "-o",
            tmp_path / "m.bpnn",
        ],
        capsys,
    )
    assert code == 0, err
    code, out, err = run(["forecast", tmp_path / "m.bpnn", "--steps", "3"], capsys)
    assert code == 0, err
    assert [ln.split(",")[0] for ln in out.strip().splitlines()[1:]] == [
        "2030-01-01",
        "2030-02-01",
        "2030-03-01",
    ]
    gap = df.drop(index=40)
    gap.to_csv(tmp_path / "gap.csv", index=False)
    code, _, err = run(
        ["train", tmp_path / "gap.csv", "--target", "y", "--time-column", "t", *FAST], capsys
    )
    assert_one_line_error(
        code,
        err,
        "has a gap",
        "2023-06-01 follows 2023-04-01 where the other steps are 1 month",
        "rows 40-41",
        "1 missing time step",
    )


# -- report -------------------------------------------------------------------------------
def test_report_and_plots_show_the_time_series_figures(files, tmp_path, capsys):
    code, out, err = run(
        [
            "train",
            files / "plant.csv",
            "--target",
            "y",
            "--inputs",
            "u",
            "--time-column",
            "t",
            "--hidden",
            "4",
            *FAST,
            "--report",
            tmp_path / "r.html",
            "--plots",
            tmp_path / "png",
        ],
        capsys,
    )
    assert code == 0, err
    names = {p.name for p in (tmp_path / "png").iterdir()}
    assert {
        "response.png",
        "error_autocorrelation.png",
        "input_error_crosscorrelation.png",
        "closed_loop_forecast.png",
        "error_horizon.png",
        "performance.png",
        "regression.png",
    } <= names
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h2>Time series</h2>" in text and "NARX network" in text
    assert "RMSE of persistence" in text
    # a NAR model has no input-error cross-correlation; bpnn report of a saved model too
    code, out, err = run(
        [
            "report",
            files / "sun.bpnn",
            "sunspots",
            "-o",
            tmp_path / "s.html",
            "--plots",
            tmp_path / "spng",
            "-q",
        ],
        capsys,
    )
    assert code == 0, err
    names = {p.name for p in (tmp_path / "spng").iterdir()}
    assert "response.png" in names and "input_error_crosscorrelation.png" not in names
    assert "<h2>Time series</h2>" in (tmp_path / "s.html").read_text(encoding="utf-8")


def test_evaluate_prints_one_step_metrics(files, capsys):
    code, out, err = run(["evaluate", files / "sun.bpnn", "sunspots", "--json"], capsys)
    assert code == 0, err
    import json

    m = json.loads(out)
    assert m["n"] == 309 - 3 and m["RMSE"] > 0


def test_evaluate_on_the_fitted_series_continued_has_a_row_for_the_new_times(tmp_path, capsys):
    import bpnn

    df = bpnn.load_dataset("sunspots").frame
    df.iloc[:200].to_csv(tmp_path / "first.csv", index=False)
    df.to_csv(tmp_path / "all.csv", index=False)
    args = ["--target", "sunspots", "--time-column", "year", "--feedback-delays", "1:2"]
    code, _, err = run(
        ["train", tmp_path / "first.csv", *args, "--epochs", "5", "--seed", "0", "-q"]
        + ["--preset", "matlab"]
        + ["-o", tmp_path / "m.bpnn"],
        capsys,
    )
    assert code == 0, err
    code, out, err = run(["evaluate", tmp_path / "m.bpnn", tmp_path / "all.csv"], capsys)
    assert code == 0, err
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    assert {"train", "validation", "test", "new", "all"} <= set(rows)
    assert rows["new"].split("│")[2].strip() == "109"  # times 201..309: 309 - 200
    assert "new: the 109 target times after the series the model was fitted on" in out
    # the fitted series alone has no such row
    code, out, err = run(["evaluate", tmp_path / "m.bpnn", tmp_path / "first.csv"], capsys)
    assert code == 0 and "│ new" not in out and "new:" not in out
    # the report draws the new times in the response and regression plots
    code, _, err = run(
        ["report", tmp_path / "m.bpnn", tmp_path / "all.csv", "-o", tmp_path / "r.html", "-q"]
        + ["--plots", tmp_path / "figs"],
        capsys,
    )
    assert code == 0, err
    assert {"response.png", "regression.png"} <= {p.name for p in (tmp_path / "figs").iterdir()}
    assert '<td class="l">new</td>' in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_time_series_report_renders_in_headless_chromium(files, tmp_path, capsys):
    code, _, err = run(
        ["report", files / "plant.bpnn", files / "plant.csv", "-o", tmp_path / "r.html", "-q"],
        capsys,
    )
    assert code == 0, err
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        (tmp_path / "r.html").as_uri(),
    ]
    run_ = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run_.returncode == 0, run_.stderr[-2000:]
    assert [ln for ln in run_.stderr.splitlines() if ":CONSOLE" in ln] == []
    # performance, training state, regression, histogram, network + the five series plots
    assert run_.stdout.count('src="data:image/png;base64,') == 10
    assert "Closed-loop forecast from 220" in run_.stdout


# -- refusals -------------------------------------------------------------------------------
def test_other_commands_refuse_a_forecaster_in_one_line(files, tmp_path, capsys):
    code, _, err = run(["predict", files / "plant.bpnn", files / "plant.csv"], capsys)
    assert_one_line_error(code, err, "time-series model", "bpnn forecast")
    code, _, err = run(
        ["export", files / "plant.bpnn", "--format", "python", "-o", tmp_path / "x.py"], capsys
    )
    assert_one_line_error(code, err, "cannot export a BPForecaster")
    assert not (tmp_path / "x.py").exists()
    code, _, err = run(["forecast", files / "plant.csv", "--steps", "2"], capsys)
    assert code == 2 and "Traceback" not in err


def _bad_tables(d):
    base = plant_frame(40)
    t = {}
    t["short"] = base.iloc[:2]
    t["missing"] = base.assign(y=base.y.where(base.index != 7))
    t["gap"] = base.drop(index=12)
    t["unsorted"] = base.iloc[[0, 1, 3, 2] + list(range(4, 40))]
    t["duplicated"] = base.assign(t=base.t.where(base.index != 5, base.t[4]))
    t["text"] = base.assign(u=base.u.astype(object).where(base.index != 9, "abc"))
    for name, frame in t.items():
        frame.to_csv(d / f"{name}.csv", index=False)
    return t


@pytest.mark.parametrize(
    "name, words",
    [
        ("short", ("2 rows", "too few", "delays up to 2")),
        ("missing", ("column 'y'", "missing value", "row 8", "time 17")),
        ("gap", ("has a gap", "23 follows 21", "other steps are 1 ", "1 missing time step")),
        ("unsorted", ("not sorted", "12 in row 4 comes after 13")),
        ("duplicated", ("repeats the time 14", "rows 5 and 6")),
        ("text", ("column 'u'", "not numeric", "'abc'", "row 10")),
    ],
)
def test_bad_series_one_line_and_nothing_written(name, words, tmp_path, capsys):
    _bad_tables(tmp_path)
    out = tmp_path / "model.bpnn"
    out.write_bytes(b"keep me")
    code, _, err = run(
        [
            "train",
            tmp_path / f"{name}.csv",
            "--target",
            "y",
            "--inputs",
            "u",
            "--time-column",
            "t",
            *FAST,
            "-o",
            out,
            "--report",
            tmp_path / "r.html",
        ],
        capsys,
    )
    assert_one_line_error(code, err, *words)
    assert out.read_bytes() == b"keep me" and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--feedback-delays", "0:2"], ("--feedback-delays", ">= 1", "got 0")),
        (
            ["--feedback-delays", "x"],
            (
                "--feedback-delays",
                "'1:2'",
            ),
        ),
        (["--input-delays", "1:2"], ("--input-delays needs --inputs",)),
        (["--feedback-delays", "none"], ("no inputs",)),
        (["--pca", "2"], ("--pca does not apply to a time-series model",)),
        (["--division", "refit"], ("--division refit",)),
        (["--preset", "fast"], ("--preset", "fast")),
        (["--missing", "mean"], ("must be complete",)),
        (["--inputs", "sunspots"], ("both --target and --inputs",)),
    ],
)
def test_bad_series_options_one_line(argv, words, capsys, tmp_path):
    code, _, err = run(["train", "sunspots", *argv, *FAST, "-o", tmp_path / "m.bpnn"], capsys)
    assert_one_line_error(code, err, *words)
    assert not (tmp_path / "m.bpnn").exists()


def test_bad_forecasts_one_line_and_nothing_written(files, tmp_path, capsys):
    out = tmp_path / "f.csv"
    out.write_text("keep me")
    cases = [
        (
            ["forecast", files / "plant.bpnn", "--steps", "5"],
            ("needs the future values of its inputs u", "no DATA"),
        ),
        (["forecast", files / "sun.bpnn"], ("give --steps",)),
        (["forecast", files / "sun.bpnn", "--steps", "0"], ("--steps must be a positive",)),
    ]
    fut = pd.DataFrame({"t": np.arange(310, 313), "u": [0.1, 0.2, 0.3]})
    fut.to_csv(tmp_path / "fut.csv", index=False)
    cases.append(
        (
            ["forecast", files / "plant.bpnn", tmp_path / "fut.csv", "--steps", "9"],
            ("--steps 9 needs the inputs u at 8", "gives 3"),
        )
    )
    fut.assign(t=fut.t + 4).to_csv(tmp_path / "late.csv", index=False)
    cases.append(
        (
            ["forecast", files / "plant.bpnn", tmp_path / "late.csv"],
            ("first time 314 does not follow",),
        )
    )
    fut.assign(u=[0.1, np.nan, 0.3]).to_csv(tmp_path / "hole.csv", index=False)
    cases.append(
        (
            ["forecast", files / "plant.bpnn", tmp_path / "hole.csv"],
            ("column 'u'", "missing value", "row 2"),
        )
    )
    fut.drop(columns="u").to_csv(tmp_path / "nou.csv", index=False)
    cases.append(
        (["forecast", files / "plant.bpnn", tmp_path / "nou.csv"], ("unknown column 'u'",))
    )
    sun = bpnn.load_dataset("sunspots").frame.iloc[:2]
    sun.to_csv(tmp_path / "two.csv", index=False)
    cases.append(
        (
            ["forecast", files / "sun.bpnn", tmp_path / "two.csv", "--steps", "2"],
            ("2 known value(s)", "need the last 3"),
        )
    )
    for argv, words in cases:
        code, _, err = run([*argv, "-o", out], capsys)
        assert_one_line_error(code, err, *words)
        assert out.read_text() == "keep me"


def test_forecast_help_reads_well(capsys):
    code, out, _ = run(["forecast", "--help"], capsys)
    assert code == 0
    for words in (
        "MODEL",
        "DATA",
        "--steps N",
        "closed loop",
        "NARX",
        "time column",
        "examples:",
        "bpnn forecast sun.bpnn --steps 20",
    ):
        assert words in out
    assert max(len(ln) for ln in out.splitlines()) <= 90
    code, out, _ = run(["train", "--help"], capsys)
    assert "--feedback-delays" in out and "--time-column" in out


# -- dates as people write them -------------------------------------------------------------
def _dated(tmp_path, name, times, col="date", n=None):
    df = plant_frame(len(times))[["y"]]
    df.insert(0, col, list(times))
    df.to_csv(tmp_path / name, index=False)
    return tmp_path / name


def test_a_day_first_date_column_is_found_used_and_continued(tmp_path, capsys):
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    data = _dated(tmp_path, "daily.csv", days.strftime("%d/%m/%Y"))
    code, out, err = run(
        ["train", data, "--target", "y", "--feedback-delays", "1:2", "--hidden", "3"]
        + ["--epochs", "5", "-o", tmp_path / "d.bpnn"],
        capsys,
    )
    assert code == 0, err
    assert (
        "using column 'date' as the time axis (day-first: '13/01/2020' in row 13 has no "
        "month 13; steps of 1 day)" in out
    )
    assert "60 time steps (2020-01-01..2020-02-29)" in out
    m = bpnn.load(tmp_path / "d.bpnn")
    assert m.time_name_ == "date" and m.time_reading_ == {"dayfirst": True}
    code, out, err = run(["forecast", tmp_path / "d.bpnn", "--steps", "3"], capsys)
    assert code == 0, err
    assert out.splitlines()[0].startswith("date,y")
    assert [ln.split(",")[0] for ln in out.strip().splitlines()[1:]] == [
        "2020-03-01",
        "2020-03-02",
        "2020-03-03",
    ]
    # a later table too short to decide (every field <= 12) is read as training read it
    recent = _dated(tmp_path, "recent.csv", days[:10].strftime("%d/%m/%Y"))
    code, out, err = run(["forecast", tmp_path / "d.bpnn", recent, "--steps", "1"], capsys)
    assert code == 0, err
    assert out.strip().splitlines()[1].startswith("2020-01-11,")
    code, out, err = run(
        ["forecast", tmp_path / "d.bpnn", recent, "--steps", "1", "--monthfirst"], capsys
    )
    assert code == 0, err
    assert out.strip().splitlines()[1].startswith("2020-11-01,")  # ten month starts
    # --time-column none: no time axis, no line, the forecast rows are numbered
    code, out, err = run(
        ["train", data, "--target", "y", "--time-column", "none", "--hidden", "3"]
        + ["--epochs", "5", "-o", tmp_path / "n.bpnn"],
        capsys,
    )
    assert code == 0 and "time axis" not in out
    assert bpnn.load(tmp_path / "n.bpnn").time_name_ is None


def test_month_first_dates_are_detected_too(tmp_path, capsys):
    days = pd.date_range("2021-06-20", periods=40, freq="D")
    data = _dated(tmp_path, "us.csv", days.strftime("%m/%d/%Y"), col="Date")
    code, out, err = run(
        [
            "train",
            data,
            "--hidden",
            "3",
            "--feedback-delays",
            "1:2",
            *FAST,
            "-o",
            tmp_path / "u.bpnn",
        ],
        capsys,
    )
    assert code == 0, err
    m = bpnn.load(tmp_path / "u.bpnn")
    assert m.target_names_ == ["y"] and m.time_reading_ == {"dayfirst": False}
    assert m.index_info_ == {"kind": "datetime", "last": "2021-07-29T00:00:00", "freq": "D"}


def test_an_ambiguous_date_column_is_refused_with_the_options_that_settle_it(tmp_path, capsys):
    data = _dated(
        tmp_path, "amb.csv", pd.date_range("2020-01-01", periods=12, freq="D").strftime("%d/%m/%Y")
    )
    args = ["train", data, "--target", "y", "--feedback-delays", "1:2", *FAST]
    code, _, err = run(args + ["-o", tmp_path / "a.bpnn"], capsys)
    assert_one_line_error(
        code,
        err,
        "time column 'date'",
        "ambiguous",
        "'02/01/2020' in row 2",
        "pass --dayfirst or --monthfirst, or --date-format",
    )
    assert not (tmp_path / "a.bpnn").exists()
    for extra, first in (
        (["--dayfirst"], "2020-01-01..2020-01-12"),
        (["--monthfirst"], "2020-01-01..2020-12-01"),
        (["--date-format", "%d/%m/%Y"], "2020-01-01..2020-01-12"),
    ):
        code, out, err = run(args[:-1] + ["--epochs", "3"] + extra, capsys)
        assert code == 0, err
        assert first in out, out
    code, _, err = run(args + ["--date-format", "dd/mm/yyyy"], capsys)
    assert_one_line_error(code, err, "--date-format takes strptime codes", "'dd/mm/yyyy'")
    code, _, err = run(args + ["--date-format", "%Y-%m-%d"], capsys)
    assert_one_line_error(code, err, "'01/01/2020' in row 1", "does not match the date format")
    code, _, err = run(args + ["--date-format", "%d/%m/%Y", "--dayfirst"], capsys)
    assert_one_line_error(code, err, "--date-format or --dayfirst/--monthfirst, not both")


def test_chinese_dates_and_full_width_digits(tmp_path, capsys):
    months = pd.date_range("2015-01-01", periods=48, freq="MS")
    text = [f"{t.year}年{t.month}月" for t in months]
    text[5] = "２０１５年６月"  # full width, as some editors write it
    df = pd.DataFrame({"日期": text, "销量": plant_frame(48)["y"]})
    df.to_csv(tmp_path / "cn.csv", index=False, encoding="gbk")
    code, out, err = run(
        ["train", tmp_path / "cn.csv", "--feedback-delays", "1:2", "--hidden", "3"]
        + ["--epochs", "5", "-o", tmp_path / "c.bpnn"],
        capsys,
    )
    assert code == 0, err
    assert "using column '日期' as the time axis (Chinese dates; steps of 1 month)" in out
    code, out, err = run(["forecast", tmp_path / "c.bpnn", "--steps", "2"], capsys)
    assert code == 0, err
    assert out.splitlines()[0] == "日期,销量"
    assert [ln.split(",")[0] for ln in out.strip().splitlines()[1:]] == ["2019-01-01", "2019-02-01"]


def test_target_named_with_a_chinese_dated_column_is_a_series(tmp_path, capsys):
    # '--target 销量' on a table of 日期 and 销量 alone: the date column is the time axis,
    # not an input, so the table is a series to forecast (this failed with "0 feature(s)")
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    df = pd.DataFrame(
        {"日期": [f"{t.year}年{t.month}月{t.day}日" for t in days], "销量": plant_frame(40)["y"]}
    )
    df.to_csv(tmp_path / "sales.csv", index=False, encoding="gbk")
    code, out, err = run(
        ["train", tmp_path / "sales.csv", "--target", "销量", "--epochs", "5"]
        + ["-o", tmp_path / "s.bpnn"],
        capsys,
    )
    assert code == 0, err
    assert "using column '日期' as the time axis (Chinese dates; steps of 1 day)" in out
    assert "too few for validation windows, nothing searched" in out
    assert "candidates" not in out  # no empty list of them
    m = bpnn.load(tmp_path / "s.bpnn")
    assert isinstance(m, bpnn.BPForecaster) and m.target_names_ == ["销量"]
    code, out, err = run(["forecast", tmp_path / "s.bpnn", "--steps", "1"], capsys)
    assert code == 0, err
    assert out.strip().splitlines()[1].startswith("2020-02-10,")
    # a second column besides the time axis makes it a table again, unless a series
    # option (here --time-column) says it is a series; then 温度 is not an input
    df["温度"] = np.linspace(0.0, 1.0, 40)
    df.to_csv(tmp_path / "sales2.csv", index=False, encoding="gbk")
    code, out, err = run(
        ["train", tmp_path / "sales2.csv", "--target", "销量", "--epochs", "3"]
        + ["--time-column", "日期", "-o", tmp_path / "t.bpnn"],
        capsys,
    )
    assert code == 0, err
    assert "columns not used: 温度 (--inputs makes them the exogenous inputs" in out
    assert bpnn.load(tmp_path / "t.bpnn").exog_names_ is None


@pytest.mark.parametrize(
    "times, words",
    [
        (
            pd.date_range("2020-01-01", periods=30, freq="MS").delete(2).strftime("%Y-%m-%d"),
            ("has a gap: 2020-04-01 follows 2020-02-01", "other steps are 1 month", "rows 2-3"),
        ),
        (
            ["2020-01-01", "2020-01-02", "2020-01-02"]
            + list(pd.date_range("2020-01-03", periods=27).strftime("%Y-%m-%d")),
            ("repeats the time 2020-01-02 (rows 2 and 3)",),
        ),
        (
            ["2020-01-02", "2020-01-01"]
            + list(pd.date_range("2020-01-03", periods=28).strftime("%Y-%m-%d")),
            ("not sorted: 2020-01-01 in row 2 comes after 2020-01-02 in row 1",),
        ),
    ],
)
def test_a_found_date_column_names_its_gaps_repeats_and_disorder(times, words, tmp_path, capsys):
    data = _dated(tmp_path, "bad.csv", times)
    code, _, err = run(["train", data, "--target", "y", "--feedback-delays", "1:2", *FAST], capsys)
    assert_one_line_error(code, err, "time column 'date'", *words, "--time-column none")
    code, _, err = run(
        ["train", data, "--target", "y", "--feedback-delays", "1:2", "--time-column", "date"]
        + FAST,
        capsys,
    )
    assert_one_line_error(code, err, "time column 'date'", *words)
    assert "--time-column none" not in err  # named by the user: no such hint
    code, _, err = run(
        ["train", data, "--target", "y", "--feedback-delays", "1:2", "--time-column", "none"]
        + FAST,
        capsys,
    )
    assert code == 0, err


# -- one-step predictions and error against horizon -----------------------------------------
def test_one_step_table_is_predict_open_loop_and_the_next_step(files, tmp_path, capsys):
    code, out, err = run(
        [
            "forecast",
            files / "plant.bpnn",
            files / "plant.csv",
            "--one-step",
            "-o",
            tmp_path / "o.csv",
        ],
        capsys,
    )
    assert code == 0, err
    assert "one-step predictions of y for 298 time step(s) (12..309" in out
    assert "and the next one (310)" in out
    t = pd.read_csv(tmp_path / "o.csv")
    assert list(t.columns) == ["t", "y", "y_one_step", "y_error"]
    m = bpnn.load(files / "plant.bpnn")
    df = pd.read_csv(files / "plant.csv")
    want = np.asarray(m.predict_open_loop(df["y"], df[["u"]]))
    assert t["t"].tolist() == list(range(12, 311))
    np.testing.assert_allclose(t["y_one_step"].to_numpy()[:-1], want[2:], rtol=1e-12)
    np.testing.assert_allclose(t["y"].to_numpy()[:-1], df["y"].to_numpy()[2:])
    np.testing.assert_allclose(
        t["y_error"].to_numpy()[:-1], df["y"].to_numpy()[2:] - want[2:], rtol=1e-9
    )
    # the last row is MATLAB's removedelay: y(310) from the values up to 309
    early = np.asarray(m.predict_early(df["y"], df[["u"]]))
    assert np.isnan(t["y"].iloc[-1]) and np.isnan(t["y_error"].iloc[-1])
    assert t["y_one_step"].iloc[-1] == pytest.approx(early[-1], rel=1e-10)
    # on stdout as CSV; a NAR model on dates
    code, out, err = run(["forecast", files / "sun.bpnn", "sunspots", "--one-step"], capsys)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "year,sunspots,sunspots_one_step,sunspots_error"
    assert lines[1].startswith("1703,") and lines[-1].startswith("2009,,")


def test_one_step_refusals(files, capsys):
    code, _, err = run(["forecast", files / "sun.bpnn", "--one-step"], capsys)
    assert_one_line_error(code, err, "--one-step needs DATA")
    code, _, err = run(
        ["forecast", files / "sun.bpnn", "sunspots", "--one-step", "--steps", "3"], capsys
    )
    assert_one_line_error(code, err, "--steps does not apply to --one-step")


def test_report_and_plots_have_the_error_against_horizon_with_baselines(files, tmp_path, capsys):
    code, _, err = run(
        [
            "report",
            files / "sun.bpnn",
            "sunspots",
            "-o",
            tmp_path / "s.html",
            "--plots",
            tmp_path / "png",
            "-q",
        ],
        capsys,
    )
    assert code == 0, err
    assert "error_horizon.png" in {p.name for p in (tmp_path / "png").iterdir()}
    text = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Error against horizon (RMSE)" in text
    header = re.search(r'<tr><th class="l">horizon</th>(.*?)</tr>', text).group(1)
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", header)
    assert heads[:2] == ["network (closed loop)", "persistence"]
    assert re.fullmatch(r"seasonal naive \(m=\d+\)", heads[2]), heads
    assert "highest peak before the first origin" in text
