"""``bpnn importance``: the table, --json, and one clear line for every bad input."""

import json

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.cli import main


def run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """y depends on a (strongly) and b (weakly), not on c; a model trained on it."""
    d = tmp_path_factory.mktemp("imp")
    rng = np.random.default_rng(0)
    X = rng.uniform(0.5, 1.5, (200, 3))
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    df["y"] = 3 * X[:, 0] + 0.5 * X[:, 1]
    df.to_csv(d / "reg.csv", index=False)
    df.drop(columns="c").to_csv(d / "short.csv", index=False)
    df.drop(columns="y").to_csv(d / "inputs.csv", index=False)
    model = d / "reg.bpnn"
    assert (
        main(
            ["train", str(d / "reg.csv"), "--target", "y", "--hidden", "4", "-q", "-o", str(model)]
        )
        == 0
    )
    deep = d / "deep.bpnn"
    assert (
        main(
            [
                "train",
                str(d / "reg.csv"),
                "--target",
                "y",
                "--hidden",
                "3,3",
                "-q",
                "--epochs",
                "20",
                "-o",
                str(deep),
            ]
        )
        == 0
    )
    return d


@pytest.mark.parametrize("method", ["permutation", "miv", "garson", "olden"])
def test_table_ranks_the_inputs(files, method, capsys):
    code, out, err = run(
        ["importance", str(files / "reg.bpnn"), str(files / "reg.csv"), "--method", method], capsys
    )
    assert code == 0, err
    rows = [ln for ln in out.splitlines() if ln.startswith("│")]
    names = [r.split("│")[2].strip() for r in rows]
    assert names[0] == "a" and names[-1] == "c" and len(names) == 3


def test_json_matches_the_library(files, capsys):
    code, out, _ = run(
        [
            "importance",
            str(files / "reg.bpnn"),
            str(files / "inputs.csv"),
            "--method",
            "miv",
            "--json",
            "--delta",
            "0.2",
        ],
        capsys,
    )
    assert code == 0
    got = json.loads(out)
    assert got["method"] == "miv" and got["delta"] == 0.2 and got["output"] == "y"
    model = bpnn.load(files / "reg.bpnn")
    X = pd.read_csv(files / "inputs.csv")
    want = bpnn.importance(model, X, method="miv", delta=0.2)
    assert [r["input"] for r in got["importance"]] == list(want.index)
    np.testing.assert_allclose([r["importance"] for r in got["importance"]], want["importance"])
    assert [r["sign"] for r in got["importance"]] == list(want["sign"])


@pytest.mark.parametrize(
    "argv, words",
    [
        (["{d}/reg.bpnn", "{d}/short.csv"], ["lacks the model's input column", "'c'"]),
        (["{d}/reg.bpnn", "{d}/inputs.csv"], ["no target column besides the model's inputs"]),
        (["{d}/reg.bpnn", "{d}/reg.csv", "--target", "zz"], ["unknown column 'zz'"]),
        (["{d}/reg.bpnn", "{d}/reg.csv", "--method", "shap"], ["--method", "invalid choice"]),
        (
            ["{d}/reg.bpnn", "{d}/reg.csv", "--method", "miv", "--delta", "2"],
            ["delta must be a fraction in (0, 1), got 2.0"],
        ),
        (
            ["{d}/reg.bpnn", "{d}/reg.csv", "--method", "miv", "--target", "y"],
            ["--target is for --method permutation"],
        ),
        (["{d}/reg.bpnn", "{d}/reg.csv", "--repeats", "0"], ["--repeats must be >= 1"]),
        (
            ["{d}/deep.bpnn", "{d}/reg.csv", "--method", "garson"],
            ["exactly one hidden layer", "has 2", "olden"],
        ),
        (
            ["{d}/reg.bpnn", "{d}/reg.csv", "--method", "olden", "--response", "q"],
            ["output 'q' is not one of the model's outputs"],
        ),
        (["{d}/nope.bpnn", "{d}/reg.csv"], ["model file not found"]),
        (["{d}/reg.bpnn", "{d}/nope.csv"], ["file not found"]),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(files, argv, words, capsys):
    before = sorted(p.name for p in files.iterdir())
    code, out, err = run(["importance", *[a.format(d=files) for a in argv]], capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in lines[0], lines[0]
    assert out == ""
    assert sorted(p.name for p in files.iterdir()) == before


def test_help(capsys):
    code, out, _ = run(["importance", "--help"], capsys)
    assert code == 0 and out.startswith("usage: bpnn importance")
    for word in ("permutation", "miv", "garson", "olden", "--json", "--target"):
        assert word in out
