"""The command line under failure: SIGKILL mid-run then --resume, and Ctrl-C (SIGINT)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import bpnn

# Runs `bpnn train ...` in this child process and delivers a signal to itself at the end of
# epoch K, before its stopping checks: SIGKILL = the machine dies, SIGINT = Ctrl-C.
CHILD = r"""
import os, signal, sys
import bpnn.cli, bpnn.trainer as t
at, sig = int(sys.argv[1]), getattr(signal, sys.argv[2])
orig = t.Trainer._should_stop
def should_stop(self, rec, *a):
    if rec.epoch[-1] == at:
        os.kill(os.getpid(), sig)
    return orig(self, rec, *a)
t.Trainer._should_stop = should_stop
sys.exit(bpnn.cli.main(sys.argv[3:]))
"""


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (120, 3))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2]
    path = tmp_path / "data.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="a,b,c,y", comments="")
    return path


def _cli(tmp_path, args, at=-1, sig="SIGKILL"):
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(at), sig, "train", *args, "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _args(table, algorithm, *extra):
    return [
        str(table),
        "--hidden",
        "6",
        "--algorithm",
        algorithm,
        "--epochs",
        "40",
        "--max-fail",
        "1000",
        "--seed",
        "5",
        "--preset",
        "matlab",
        *extra,
    ]


def _in_process(tmp_path, args, monkeypatch):
    from bpnn.cli import main

    monkeypatch.chdir(tmp_path)
    return main(["train", *args, "--quiet"])


def test_sigkill_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path, table, monkeypatch):
    args = _args(table, "lm")
    killed = _cli(
        tmp_path,
        [*args, "--checkpoint", "run.ckpt", "--checkpoint-every", "5", "-o", "never.bpnn"],
        at=17,
    )
    assert killed.returncode == -9 and not (tmp_path / "never.bpnn").exists()
    from bpnn.checkpoint import TrainingState

    assert TrainingState.load(tmp_path / "run.ckpt").epoch == 15
    saved = TrainingState.load(tmp_path / "run.ckpt").record.time  # epochs 0..15
    # resume and the uninterrupted reference run in this process (they need no signal)
    assert (
        _in_process(tmp_path, [*args, "--resume", "run.ckpt", "-o", "resumed.bpnn"], monkeypatch)
        == 0
    )
    assert _in_process(tmp_path, [*args, "-o", "ref.bpnn"], monkeypatch) == 0
    a, b = bpnn.load(tmp_path / "resumed.bpnn"), bpnn.load(tmp_path / "ref.bpnn")
    assert a.network_.params.tobytes() == b.network_.params.tobytes()
    assert a.record_.loss == b.record_.loss and a.record_.epochs == b.record_.epochs
    # --resume was used (a fresh run with the same seed would also match ref): epochs 0..15
    # keep the times the killed run recorded
    assert len(saved) == 16 and a.record_.time[:16] == saved


def test_ctrl_c_stops_after_the_epoch_saves_the_best_model_and_exits_130(tmp_path, table):
    res = _cli(tmp_path, [*_args(table, "sgd"), "-o", "model.bpnn"], at=7, sig="SIGINT")
    assert res.returncode == 130, res.stderr
    assert "interrupted after epoch 7" in res.stderr and "saved" in res.stderr
    model = bpnn.load(tmp_path / "model.bpnn")
    assert model.record_.epochs == 7 and model.record_.stop_reason == "interrupted"
    assert np.all(np.isfinite(model.network_.params))


def test_checkpoint_needs_one_training_run(tmp_path, table, monkeypatch, capsys):
    assert (
        _in_process(tmp_path, [str(table), "--hidden", "auto", "--checkpoint", "c"], monkeypatch)
        == 2
    )
    assert "one training run" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "c")


def test_resume_with_other_data_is_a_one_line_error(tmp_path, table, monkeypatch, capsys):
    args = _args(table, "sgd")
    assert _in_process(tmp_path, [*args, "--epochs", "3", "--checkpoint", "c"], monkeypatch) == 0
    other = tmp_path / "other.csv"
    lines = table.read_text().splitlines()
    lines[1] = "0.5," + lines[1].split(",", 1)[1]  # one input value changed
    other.write_text("\n".join(lines) + "\n")
    assert _in_process(tmp_path, [str(other), *args[1:], "--resume", "c"], monkeypatch) == 2
    err = capsys.readouterr().err.strip()
    assert "different training data" in err and len(err.splitlines()) == 1
