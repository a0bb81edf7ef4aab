"""The command line on real tables: text columns, Chinese names and levels, missing values.

The first file of the issue (a CSV with color/size text columns, a numeric weight and a
price) is written here and taken through train, predict, evaluate and report; so is a
table with Chinese column names and levels and blank cells, which trains by default
(missing="indicator") instead of stopping.
"""

import io

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
def shop(tmp_path_factory):
    d = tmp_path_factory.mktemp("tables")
    rng = np.random.default_rng(0)
    n = 240
    df = pd.DataFrame(
        {
            "color": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["S", "M", "L"], n),
            "weight": rng.uniform(1, 5, n).round(3),
        }
    )
    df["price"] = (
        10 * (df["color"] == "red") + df["size"].map({"S": 1, "M": 2, "L": 3}) + 2 * df["weight"]
    ).round(3)
    df.to_csv(d / "cat.csv", index=False)
    return d, df


def test_a_csv_with_text_columns_trains_predicts_and_evaluates(shop, capsys):
    d, df = shop
    model = d / "cat.bpnn"
    code, out, err = run(
        ["train", str(d / "cat.csv"), "--target", "price", "-o", str(model)], capsys
    )
    assert code == 0, err
    assert "inputs: 7 network inputs from 3 columns; color: 3 levels; size: 3 levels" in out
    loaded = bpnn.load(model)
    assert list(loaded.feature_names_in_) == ["color", "size", "weight"]
    new = df.drop(columns="price").head(4).copy()
    new.loc[0, "color"] = "purple"  # a level the model never saw
    new.loc[1, "color"] = " red "  # surrounding spaces: the level red
    new.to_csv(d / "new.csv", index=False)
    code, out, err = run(["predict", str(model), str(d / "new.csv")], capsys)
    assert code == 0, err
    assert err.strip() == (
        "bpnn predict: warning: column 'color' in 'new.csv' holds 'purple' in row 1, a level "
        "not seen at fit time: encoded as all-zero inputs"
    ).replace("'new.csv'", repr(str(d / "new.csv")))
    got = pd.read_csv(io.StringIO(out))["prediction"].to_numpy()
    expected = loaded.predict(new.assign(color=["purple", "red", *new["color"][2:]]))
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    code, out, err = run(["evaluate", str(model), str(d / "cat.csv"), "--json"], capsys)
    assert code == 0, err
    import json

    assert json.loads(out)["R"] > 0.99


def test_unknown_levels_can_be_refused(shop, capsys, tmp_path):
    d, df = shop
    model = tmp_path / "strict.bpnn"
    argv = ["train", str(d / "cat.csv"), "--target", "price", "--epochs", "5", "-q"]
    code, _, err = run([*argv, "--handle-unknown", "error", "-o", str(model)], capsys)
    assert code == 0, err
    df.drop(columns="price").head(2).assign(size=["XL", "S"]).to_csv(
        tmp_path / "n.csv", index=False
    )
    code, out, err = run(["predict", str(model), str(tmp_path / "n.csv")], capsys)
    assert code == 2 and "Traceback" not in err
    assert "column 'size'" in err and "'XL' in row 1, a level not seen at fit time" in err
    assert len(err.strip().splitlines()) == 1


def test_chinese_names_levels_and_blank_cells_train_by_default(capsys, tmp_path):
    rng = np.random.default_rng(1)
    n = 200
    df = pd.DataFrame(
        {
            "地区": rng.choice(["华东", "华北", "华南"], n),
            "温度": rng.normal(20, 5, n).round(2),
            "品种": rng.choice(["甲", "乙"], n),
        }
    )
    df["产量"] = (3 * (df["地区"] == "华东") + 0.1 * df["温度"] + (df["品种"] == "乙")).round(3)
    df.loc[::9, "温度"] = np.nan  # blank cells in the file
    df.loc[::13, "地区"] = None
    path = tmp_path / "产量.csv"
    df.to_csv(path, index=False)
    model = tmp_path / "m.bpnn"
    code, out, err = run(["train", str(path), "--target", "产量", "-o", str(model)], capsys)
    assert code == 0, err
    assert "温度: had missing values (a '温度=<missing>' input)" in out
    assert "地区: 3 levels" in out
    m = bpnn.load(model)
    assert "地区=华东" in m.table_map_.output_names_
    assert "地区=<missing>" in m.table_map_.output_names_
    code, out, err = run(["predict", str(model), str(path), "--with-inputs"], capsys)
    assert code == 0, err
    assert out.splitlines()[0] == "地区,温度,品种,prediction"
    # --missing error restores the old refusal, naming the column and the file's row
    code, _, err = run(["train", str(path), "--target", "产量", "--missing", "error"], capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert "column '地区'" in err and "the first in row 1" in err and "--missing" in err


def test_declared_kinds_from_the_command_line(capsys, tmp_path):
    rng = np.random.default_rng(2)
    n = 120
    df = pd.DataFrame(
        {
            "grade": rng.integers(1, 4, n),
            "size": rng.choice(["S", "M", "L"], n),
            "x": rng.normal(size=n),
        }
    )
    df["y"] = df["grade"].map({1: 0.0, 2: 5.0, 3: 1.0}) + df["x"]
    df.to_csv(tmp_path / "k.csv", index=False)
    model = tmp_path / "k.bpnn"
    argv = ["train", str(tmp_path / "k.csv"), "--target", "y", "--epochs", "5", "-q"]
    code, _, err = run(
        [*argv, "--categorical", "grade", "--ordinal", "size=S,M,L", "-o", str(model)], capsys
    )
    assert code == 0, err
    names = bpnn.load(model).table_map_.output_names_
    assert names == ["grade=1", "grade=2", "grade=3", "size", "x"]
    code, _, err = run([*argv, "--ordinal", "size"], capsys)
    assert code == 2 and "--ordinal takes COLUMN=LEVEL1,LEVEL2" in err
    code, _, err = run([*argv, "--numeric", "size"], capsys)
    assert code == 2 and "column 'size'" in err and "is numeric but holds" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run([*argv, "--categorical", "nope"], capsys)
    assert code == 2 and "unknown column 'nope'" in err
