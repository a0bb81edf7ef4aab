"""End to end through the installed ``bpnn`` command (subprocesses):
train -> predict -> evaluate -> report -> export, on a CSV file and on built-in data."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.cli import main

_LOCAL = Path(sys.executable).parent / "bpnn"
BPNN = str(_LOCAL) if _LOCAL.exists() else shutil.which("bpnn")
pytestmark = pytest.mark.skipif(BPNN is None, reason="the bpnn command is not installed")


def bpnn_cmd(*args, cwd, ok=True):
    env = dict(os.environ, COLUMNS="120", NO_COLOR="1")
    run = subprocess.run(
        [BPNN, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )
    if ok:
        assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory):
    """Train on a CSV with report and plots, then predict, evaluate, report and export."""
    d = tmp_path_factory.mktemp("e2e_csv")
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (120, 3))
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    df["y"] = 10 + 3 * np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2]  # original units ~ 7..13
    df.to_csv(d / "reg.csv", index=False)
    runs = {
        "train": bpnn_cmd(
            "train",
            "reg.csv",
            "--target",
            "y",
            "--hidden",
            "6",
            "--seed",
            "1",
            "--division",  # one network: the C export below holds one
            "refit",
            "-o",
            "m.bpnn",
            "--report",
            "r.html",
            "--plots",
            "png",
            cwd=d,
        ),
        "predict": bpnn_cmd("predict", "m.bpnn", "reg.csv", "-o", "pred.csv", cwd=d),
        "evaluate": bpnn_cmd("evaluate", "m.bpnn", "reg.csv", "--json", cwd=d),
        "report": bpnn_cmd("report", "m.bpnn", "reg.csv", "-o", "r2.html", cwd=d),
    }
    runs["python"] = bpnn_cmd("export", "m.bpnn", "--format", "python", "-o", "m_export.py", cwd=d)
    # the other formats go through the same code path; run them in-process to save start-ups
    for fmt in ("c", "onnx"):
        assert main(["-q", "export", str(d / "m.bpnn"), "--format", fmt]) == 0
    return d, df, runs


def test_train_prints_metrics_and_writes_its_outputs(csv_run):
    d, _, runs = csv_run
    out = runs["train"].stdout
    for word in ("3-6-1", "train", "validation", "test", "MSE", "stop reason"):
        assert word in out
    assert (d / "m.bpnn").exists() and (d / "r.html").exists()
    assert sorted(p.name for p in (d / "png").iterdir()) == [
        "error_histogram.png",
        "importance.png",
        "network.png",
        "partial_dependence.png",
        "performance.png",
        "regression.png",
        "training_state.png",
    ]


def test_predict_is_the_models_predict_in_original_units(csv_run):
    d, df, _ = csv_run
    got = pd.read_csv(d / "pred.csv")["prediction"].to_numpy()
    model = bpnn.load(d / "m.bpnn")
    np.testing.assert_allclose(got, model.predict(df[["a", "b", "c"]]), rtol=1e-12)
    assert np.corrcoef(got, df["y"])[0, 1] > 0.95 and abs(got.mean() - 10) < 1


def test_evaluate_reports_the_metrics_of_those_predictions(csv_run):
    d, df, runs = csv_run
    m = json.loads(runs["evaluate"].stdout)
    pred = pd.read_csv(d / "pred.csv")["prediction"].to_numpy()
    assert m["n"] == 120
    assert m["MSE"] == pytest.approx(np.mean((df["y"] - pred) ** 2), rel=1e-9)
    assert m["R"] == pytest.approx(np.corrcoef(df["y"], pred)[0, 1], rel=1e-9)


def test_report_of_a_saved_model_shows_the_record_splits(csv_run):
    d, _, _ = csv_run
    text = (d / "r2.html").read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 7  # 5 plots + the Inputs' 2
    assert "<h2>Inputs</h2>" in text
    rec = bpnn.load(d / "m.bpnn").record_
    assert rec.stop_reason in text
    # rows of the metrics table: the default preset refits on all fit rows, so its splits are
    # train and the rows `bpnn train` held out (test); a division adds validation
    assert ">train<" in text and ">test<" in text
    assert rec.val_idx is None or ">validation<" in text


def test_exports_reproduce_predict(csv_run):
    d, df, runs = csv_run
    X = df[["a", "b", "c"]].to_numpy()
    want = bpnn.load(d / "m.bpnn").predict(df[["a", "b", "c"]])
    spec = importlib.util.spec_from_file_location("m_export", d / "m_export.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    np.testing.assert_allclose(np.ravel(mod.predict(X)), want, rtol=1e-9, atol=1e-9)
    assert "bpnn_predict" in (d / "m.h").read_text() and (d / "m.c").exists()
    assert "exported to m_export.py" in runs["python"].stdout
    ort = pytest.importorskip("onnxruntime")
    sess = ort.InferenceSession(str(d / "m.onnx"), providers=["CPUExecutionProvider"])
    (y,) = sess.run(None, {sess.get_inputs()[0].name: X})[:1]
    np.testing.assert_allclose(np.ravel(y), want, rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def builtin_run(tmp_path_factory):
    """The README's main job (`bpnn train`, no data) plus predict/evaluate on built-in data."""
    d = tmp_path_factory.mktemp("e2e_builtin")
    runs = {
        "train": bpnn_cmd("train", "-o", "iris.bpnn", "--report", "iris.html", cwd=d),
        "predict": bpnn_cmd("predict", "iris.bpnn", "iris", "--proba", "-o", "p.csv", cwd=d),
        "evaluate": bpnn_cmd("evaluate", "iris.bpnn", "iris", "--json", cwd=d),
    }
    return d, runs


def test_builtin_train_predict_evaluate(builtin_run):
    d, runs = builtin_run
    assert "iris" in runs["train"].stdout and "accuracy" in runs["train"].stdout
    p = pd.read_csv(d / "p.csv")
    assert set(p["prediction"]) <= {"setosa", "versicolor", "virginica"}
    probs = p[["p_setosa", "p_versicolor", "p_virginica"]].to_numpy()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    assert (
        p["prediction"].to_numpy()
        == np.array(["setosa", "versicolor", "virginica"])[probs.argmax(axis=1)]
    ).all()
    m = json.loads(runs["evaluate"].stdout)
    assert m["n"] == 150 and m["accuracy"] > 0.85
    html = (d / "iris.html").read_text(encoding="utf-8")
    assert "Confusion matrices" in html and "Receiver operating characteristic" in html


def test_a_bad_input_in_a_real_process(builtin_run, csv_run):
    """Columns that do not match the model: exit 2, one line, no traceback, output kept."""
    d, _ = builtin_run
    (d / "keep.csv").write_text("precious")
    run = bpnn_cmd(
        "predict", "iris.bpnn", csv_run[0] / "reg.csv", "-o", "keep.csv", cwd=d, ok=False
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "lacks the model's input column(s) 'sepal length (cm)'" in run.stderr
    assert (d / "keep.csv").read_text() == "precious"


def test_python_dash_m_bpnn(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bpnn", "--version"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and run.stdout.startswith("bpnn ")
