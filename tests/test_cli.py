"""The command line in-process: options, help, and one clear line for every bad input.

Each bad input must give exit code 2, exactly one line on stderr, no traceback, and leave
an existing output file untouched. (End-to-end runs of the installed command are in
test_cli_e2e.py.)
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.cli import build_parser, main

COMMANDS = ("train", "predict", "evaluate", "report", "export", "explain", "gradcheck", "datasets")


def run(argv, capsys):
    """main(argv) -> (exit code, stdout, stderr); argparse's SystemExit counts as a code."""
    try:
        code = main(argv)
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


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A regression CSV (a, b, c -> y), a model trained on it, and an output to protect."""
    d = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 3))
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    df["y"] = X[:, 0] - 0.5 * X[:, 1] * X[:, 2]
    df.to_csv(d / "reg.csv", index=False)
    model = d / "reg.bpnn"
    assert (
        main(
            [
                "train",
                str(d / "reg.csv"),
                "--target",
                "y",
                "--hidden",
                "4",
                "--epochs",
                "30",
                "-q",
                "-o",
                str(model),
            ]
        )
        == 0
    )
    return d


@pytest.fixture
def keep(files):
    """An existing output file whose bytes must survive a failed command."""
    p = files / "existing.out"
    p.write_text("precious")
    yield p
    assert p.read_text() == "precious"


# -- help and parsing ----------------------------------------------------------------------
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    code, out, _ = run([command, "--help"], capsys)
    assert code == 0 and out.startswith(f"usage: bpnn {command}")


def test_train_options_reach_the_estimator(files, capsys):
    from bpnn.cli.train import _estimator_params

    args = build_parser().parse_args(
        [
            "train",
            "x.csv",
            "--hidden",
            "10,5",
            "--activation",
            "tansig,logsig,purelin",
            "--algorithm",
            "sgd",
            "--param",
            "lr=0.1",
            "--param",
            "batch_size=8",
            "--epochs",
            "7",
            "--ratios",
            "0.8,0.1,0.1",
            "--division",
            "none",
            "--pca",
            "0.95",
            "--restarts",
            "2",
            "--time",
            "3",
        ]
    )
    p = _estimator_params(args, None, "regression")
    assert p["hidden"] == (10, 5) and p["activation"] == ["tansig", "logsig"]
    assert p["output_activation"] == "purelin" and p["algorithm"] == "sgd"
    assert p["algorithm_params"] == {"lr": 0.1, "batch_size": 8}
    assert p["epochs"] == 7 and p["ratios"] == (0.8, 0.1, 0.1) and p["division"] is None
    assert p["pca"] == 0.95 and p["n_restarts"] == 2 and p["time_limit"] == 3.0
    est = bpnn.BPRegressor(**p)  # a name that is not a parameter would raise TypeError
    assert {k: est.get_params()[k] for k in p} == p


def test_config_file_fills_what_the_command_line_leaves(files, capsys, tmp_path):
    cfg = tmp_path / "train.toml"
    cfg.write_text('[train]\nhidden = [6]\nepochs = 15\ntarget = "y"\nseed = 3\n')
    out = tmp_path / "m.bpnn"
    code, stdout, err = run(
        ["train", str(files / "reg.csv"), "--config", str(cfg), "--epochs", "5", "-o", str(out)],
        capsys,
    )
    assert code == 0, err
    model = bpnn.load(out)
    assert model.hidden_ == (6,) and model.record_.epochs <= 5  # CLI wins over the file
    assert "stop reason" in stdout and "train" in stdout and "test" in stdout
    cfg.write_text("hiddden = 3\n")
    assert_one_line_error(
        *run(["train", str(files / "reg.csv"), "--config", str(cfg)], capsys)[::2],
        "unknown setting 'hiddden'",
    )


@pytest.mark.parametrize("argv", [["-q", "train", "xor"], ["train", "xor", "-q"]])
def test_quiet_before_or_after_the_command(argv, capsys):
    code, out, err = run(argv + ["--epochs", "3"], capsys)
    assert code == 0 and out == "" and err == ""


def test_builtin_tutorial_set_uses_the_tutorials_network(capsys):
    code, out, _ = run(["train", "tutorial", "--epochs", "2"], capsys)
    assert code == 0 and "2-3-2 logsig/logsig network, algorithm sgd" in out


def test_gradcheck_and_explain(capsys):
    code, out, _ = run(
        [
            "gradcheck",
            "--sizes",
            "2,4,3",
            "--activation",
            "tansig,softmax",
            "--loss",
            "cross_entropy",
        ],
        capsys,
    )
    assert code == 0 and "OK" in out
    code, out, _ = run(["explain"], capsys)
    # the tutorial's worked example, E_total = 0.3918291767 (DIGEST.md)
    assert code == 0 and "0.3918291767" in out


def test_explain_a_saved_model_on_one_sample(files, capsys):
    code, out, err = run(
        ["explain", str(files / "reg.bpnn"), "--input", "0.5,-0.2,0.1", "--target", "0.51"], capsys
    )
    assert code == 0, err
    assert "1. Forward pass" in out and "3. Back-propagation" in out
    assert_one_line_error(
        *run(["explain", str(files / "reg.bpnn"), "--input", "1,2"], capsys)[::2],
        "--input has 2 values, the model takes 3",
    )


def test_missing_values_with_a_strategy_train(files, capsys, tmp_path):
    p = tmp_path / "gaps.csv"
    gaps = pd.read_csv(files / "reg.csv")
    gaps.loc[[3, 10, 20], "a"] = np.nan  # three empty cells
    gaps.to_csv(p, index=False)
    assert_one_line_error(
        *run(["train", str(p), "--target", "y", "--missing", "error"], capsys)[::2],
        "missing value",
        "--missing",
    )
    for strategy in ("mean", "indicator", None):  # None: the default, indicator
        extra = [] if strategy is None else ["--missing", strategy]
        code, out, err = run(["train", str(p), "--target", "y", "--epochs", "5", *extra], capsys)
        assert code == 0, err
        assert ("had missing values" in out) == (strategy != "mean"), out


def test_verbose_shows_the_traceback(capsys, files):
    code, _, err = run(["train", str(files / "nope.csv"), "--verbose"], capsys)
    assert code == 2 and "Traceback" in err and "file not found" in err


# -- one line per bad input ------------------------------------------------------------------
def _bad_tables(d):
    (d / "text.csv").write_text("a,b,y\n1,x,0\n2,3,1\n3,4,0\n")  # mostly numbers
    (d / "nan.csv").write_text("a,b,y\n1,,0\n2,3,1\n")
    (d / "ragged.csv").write_text("a,b,y\n1,2,0\n2,3,1,9\n")
    (d / "empty.csv").write_text("")
    (d / "pickle.bpnn").write_bytes(b"\x80\x04\x95 not a model")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["train", "{d}/nope.csv"], ["file not found", "nope.csv"]),
        (["train", "nosuchset"], ["file not found", "bpnn datasets"]),
        (["train", "{d}/reg.csv", "--target", "zz"], ["unknown column 'zz'"]),
        (["train", "{d}/text.csv", "--target", "y"], ["column 'b'", "text.csv", "'x' in row 1"]),
        (
            ["train", "{d}/nan.csv", "--target", "y", "--missing", "error"],
            ["column 'b'", "missing value", "row 1"],
        ),
        (["train", "{d}/ragged.csv"], ["ragged file", "line 3 has 4 fields"]),
        (["train", "{d}/empty.csv"], ["is empty"]),
        (["train", "{d}/reg.csv", "--epochs", "many"], ["--epochs", "invalid int value"]),
        (["train", "{d}/reg.csv", "--hidden", "0"], ["--hidden", "positive integers"]),
        (["train", "{d}/reg.csv", "--algorithm", "nosuch"], ["nosuch"]),
        (["train", "{d}/reg.csv", "--activation", "a,b,c"], ["--activation lists 3"]),
        (["train", "{d}/reg.csv", "--scaling", "log"], ["--scaling", "invalid choice"]),
        (["train", "{d}/reg.csv", "--ratios", "0.5,x"], ["--ratios"]),
        (["frobnicate"], ["invalid choice"]),
        (
            ["predict", "{d}/reg.bpnn", "{d}/xor_like.csv"],
            ["lacks the model's input column", "'c'"],
        ),
        (["predict", "{d}/missing.bpnn", "{d}/reg.csv"], ["model file not found"]),
        (["predict", "{d}/pickle.bpnn", "{d}/reg.csv"], ["pickle"]),
        (["predict", "{d}/reg.bpnn", "{d}/nan.csv"], ["lacks the model's input column"]),
        (["evaluate", "{d}/reg.bpnn", "{d}/reg.csv", "--target", "q"], ["unknown column 'q'"]),
        (["report", "{d}/reg.bpnn", "{d}/ragged.csv"], ["ragged file"]),
        (["export", "{d}/reg.bpnn", "--format", "java"], ["--format", "invalid choice"]),
    ],
)
def test_bad_input_is_one_line_exit_2_and_output_untouched(argv, words, files, keep, capsys):
    _bad_tables(files)
    pd.DataFrame({"a": [1.0], "b": [2.0]}).to_csv(files / "xor_like.csv", index=False)
    argv = [a.format(d=files) for a in argv]
    if argv[0] in ("train", "predict", "report", "export"):
        argv += ["-o", str(keep)]
    if argv[0] == "train":
        argv += ["--report", str(keep)]
    code, _, err = run(argv, capsys)
    assert_one_line_error(code, err, *words)


def test_predict_columns_by_name_not_position(files, capsys, tmp_path):
    """Columns in another order are matched by name; extra columns are ignored."""
    df = pd.read_csv(files / "reg.csv")
    shuffled = df[["y", "c", "a", "b"]].assign(extra=1.0)
    shuffled.to_csv(tmp_path / "s.csv", index=False)
    code, out, err = run(["predict", str(files / "reg.bpnn"), str(tmp_path / "s.csv")], capsys)
    assert code == 0, err
    got = pd.read_csv(pd.io.common.StringIO(out))["prediction"].to_numpy()
    want = bpnn.load(files / "reg.bpnn").predict(df[["a", "b", "c"]])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_excel_in_parquet_out_and_a_report_without_data(files, capsys, tmp_path):
    df = pd.read_csv(files / "reg.csv")
    df.to_excel(tmp_path / "in.xlsx", index=False)
    code, _, err = run(
        [
            "predict",
            str(files / "reg.bpnn"),
            str(tmp_path / "in.xlsx"),
            "--with-inputs",
            "-o",
            str(tmp_path / "out.parquet"),
        ],
        capsys,
    )
    assert code == 0, err
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert list(out.columns) == ["a", "b", "c", "prediction"]
    want = bpnn.load(files / "reg.bpnn").predict(df[["a", "b", "c"]])
    np.testing.assert_allclose(out["prediction"], want, rtol=1e-12)
    # no DATA: the record's curves and the network only, and a hint about DATA
    code, out_text, err = run(
        ["report", str(files / "reg.bpnn"), "-o", str(tmp_path / "r.html")], capsys
    )
    assert code == 0 and "give DATA" in out_text
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3 and "Metrics" not in html


@pytest.mark.parametrize(
    "exc, code, words",
    [
        (ImportError("No module named 'onnx'", name="onnx"), 2, ["needs the 'onnx' package"]),
        (ImportError("needs h5py: pip install 'bpnn[matlab]'", name="h5py"), 2, ["bpnn[matlab]"]),
        (RuntimeError("a bug"), 1, ["internal error: RuntimeError: a bug", "--verbose"]),
        (ImportError("circular", name="bpnn.report"), 1, ["internal error: ImportError"]),
    ],
)
def test_missing_packages_are_user_errors_bugs_are_not(exc, code, words, monkeypatch, capsys):
    def boom(args):
        raise exc

    monkeypatch.setattr("bpnn.cli.tools.cmd_datasets", boom)
    got, _, err = run(["datasets"], capsys)
    assert got == code and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert all(w in err for w in words), err


def test_config_values_are_type_checked(files, capsys, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('epochs = "many"\n')
    code, _, err = run(["train", str(files / "reg.csv"), "--config", str(cfg)], capsys)
    assert_one_line_error(code, err, "'epochs'", "must be an integer", "'many'")


def test_progress_line_shows_epoch_loss_gradient_mu_and_checks(capsys):
    code, out, err = run(
        ["train", "sine", "--algorithm", "lm", "--epochs", "4", "--progress"], capsys
    )
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if ln.startswith("epoch "))
    for word in ("epoch 4/4", "loss", "val", "checks", "gradient", "mu"):
        assert word in line, line
    assert "stop reason: max epochs after 4 epochs" in out


def test_text_labels_in_a_csv_train_a_classifier(capsys, tmp_path):
    """Species names in the last column -> classification; predictions are those names."""
    bpnn.load_dataset("iris").frame.to_csv(tmp_path / "iris.csv", index=False)
    code, out, err = run(
        ["train", str(tmp_path / "iris.csv"), "--epochs", "60", "-o", str(tmp_path / "m.bpnn")],
        capsys,
    )
    assert code == 0, err
    assert "task classification (target 'species' holds labels)" in out
    code, out, err = run(["predict", str(tmp_path / "m.bpnn"), str(tmp_path / "iris.csv")], capsys)
    pred = pd.read_csv(pd.io.common.StringIO(out))["prediction"]
    assert code == 0 and set(pred) <= {"setosa", "versicolor", "virginica"}
    code, out, _ = run(
        ["evaluate", str(tmp_path / "m.bpnn"), str(tmp_path / "iris.csv"), "--json"], capsys
    )
    truth = pd.read_csv(tmp_path / "iris.csv")["species"]
    import json

    assert json.loads(out)["accuracy"] == pytest.approx((pred == truth).mean())


def test_model_remembers_target_names(tmp_path, capsys):
    """Multi-output predictions are named after the targets, and evaluate finds them."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.uniform(-1, 1, (60, 2)), columns=["u", "v"])
    df["sum"] = df.u + df.v
    df["diff"] = df.u - df.v
    df.to_csv(tmp_path / "two.csv", index=False)
    code, _, err = run(
        [
            "train",
            str(tmp_path / "two.csv"),
            "--target",
            "sum,diff",
            "--hidden",
            "4",
            "--epochs",
            "30",
            "-o",
            str(tmp_path / "m.bpnn"),
        ],
        capsys,
    )
    assert code == 0, err
    assert list(bpnn.load(tmp_path / "m.bpnn").target_names_) == ["sum", "diff"]
    code, out, err = run(["predict", str(tmp_path / "m.bpnn"), str(tmp_path / "two.csv")], capsys)
    assert code == 0, err
    assert list(pd.read_csv(pd.io.common.StringIO(out)).columns) == [
        "prediction_sum",
        "prediction_diff",
    ]
    # an extra column is not taken for a target: the model knows its targets' names
    df.assign(extra=1.0).to_csv(tmp_path / "three.csv", index=False)
    code, out, err = run(
        ["evaluate", str(tmp_path / "m.bpnn"), str(tmp_path / "three.csv")], capsys
    )
    assert code == 0, err
    assert "extra" not in out


def test_a_reader_that_goes_away_ends_quietly(tmp_path):
    """`bpnn explain | head -1`: when the pipe's reader has gone, bpnn exits 141 (as a shell
    reports SIGPIPE) with nothing on stderr; no 'Broken pipe' error, no 'Exception ignored'."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before bpnn writes anything
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bpnn", "explain"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == ""


def test_param_that_is_a_training_setting_names_its_option(files, capsys):
    # --param loss=mse reached train() twice (an internal TypeError); now one line
    argv = ["train", str(files / "reg.csv"), "--algorithm", "lm", "--param", "loss=mse"]
    code, _, err = run(argv, capsys)
    assert_one_line_error(code, err, "--param loss", "--loss")


def test_cascade_on_a_builtin_set_ignores_its_hidden_hint(capsys):
    # sine's hint hidden=5 made `--algorithm cascade` refuse a width the user never gave
    argv = ["train", "sine", "--algorithm", "cascade", "--param", "max_units=2", "--epochs", "20"]
    code, out, err = run(argv, capsys)
    assert code == 0, err


def test_model_fitted_on_arrays_evaluates_a_csv_without_warnings(tmp_path, capsys):
    # an imported network (FANN, MATLAB) has no column names: scikit-learn warned twice
    # that "X has feature names" on every evaluate / report
    X = np.random.default_rng(0).normal(size=(30, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the epoch-limit warning: 3 epochs on purpose
        model = bpnn.BPRegressor(hidden=(2,), epochs=3, random_state=0).fit(X, X.sum(axis=1))
    bpnn.save(model, tmp_path / "m.bpnn")
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": X.sum(axis=1)}).to_csv(
        tmp_path / "d.csv", index=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, _, err = run(
            ["evaluate", str(tmp_path / "m.bpnn"), str(tmp_path / "d.csv"), "--target", "y"],
            capsys,
        )
    assert code == 0, err


def test_gradcheck_deeper_network_with_the_default_activations(capsys):
    # docs/tutorial.md's command: "tansig,purelin" means hidden layers, then output
    argv = ["gradcheck", "--sizes", "3,4,3,2", "--connections", "cascade", "--samples", "3"]
    code, out, err = run(argv, capsys)
    assert code == 0 and "OK" in out, err
