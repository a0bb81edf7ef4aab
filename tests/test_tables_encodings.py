"""Text tables as Chinese (and European) users have them: the encodings Excel writes and
numbers written with separators. Every file is written here, byte for byte."""

import numpy as np
import pandas as pd
import pytest

from bpnn.cli import main
from bpnn.io_tables import TableError, detect_encoding, read_table

ROWS = [("华东", 21.5, 103.2), ("华北", 18.0, 97.4), ("华南", 25.25, 110.0)] * 10
HEADER = "地区,温度,产量"


def _csv(sep=","):
    lines = [HEADER.replace(",", sep)] + [sep.join(map(str, r)) for r in ROWS]
    return "\r\n".join(lines) + "\r\n"  # Excel writes CRLF


def _check(df):
    assert list(df.columns) == ["地区", "温度", "产量"]
    assert df["地区"].tolist()[:3] == ["华东", "华北", "华南"]
    np.testing.assert_allclose(df["温度"].to_numpy()[:3], [21.5, 18.0, 25.25])


@pytest.mark.parametrize(
    "codec, suffix, sep, expected",
    [
        ("gbk", ".csv", ",", "gb18030"),  # Excel's "CSV (逗号分隔)" on Chinese Windows
        ("utf-8-sig", ".csv", ",", "utf-8-sig"),  # Excel's "CSV UTF-8"
        ("utf-8", ".csv", ",", "utf-8"),
        ("utf-16", ".txt", "\t", "utf-16-le"),  # Excel's "Unicode text": BOM, tabs
        ("utf-16-le", ".txt", "\t", "utf-16-le"),  # no mark: found from the NUL bytes
    ],
)
def test_encodings_are_read_without_options(tmp_path, codec, suffix, sep, expected):
    path = tmp_path / f"data{suffix}"
    path.write_bytes(_csv(sep).encode(codec))
    df = read_table(path)
    _check(df)
    assert df.attrs["encoding"] == expected
    assert not df.columns[0].startswith("\ufeff")


def test_gb18030_beyond_gbk_and_big5(tmp_path):
    text = _csv().replace("华南", "华南𠀀", 1)  # U+20000 is in GB18030, not in GBK
    (tmp_path / "gb.csv").write_bytes(text.encode("gb18030"))
    df = read_table(tmp_path / "gb.csv")
    assert df["地区"].iloc[2] == "华南𠀀"
    trad = _csv().translate(str.maketrans("华东北南地区温产量", "華東北南地區溫產量"))
    (tmp_path / "big5.csv").write_bytes(trad.encode("big5"))
    df = read_table(tmp_path / "big5.csv")
    assert df.attrs["encoding"] == "big5"
    assert list(df.columns) == ["地區", "溫度", "產量"]


def test_detect_encoding_order():
    assert detect_encoding("a,b\n1,2\n".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa") == "utf-8-sig"
    assert detect_encoding("a,b\n1,2\n".encode("utf-16-be")) == "utf-16-be"
    assert detect_encoding("café,1\n".encode("cp1252")) == "cp1252"


def test_encoding_override_and_bad_names(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(_csv().encode("gbk"))
    _check(read_table(path, encoding="gbk"))
    with pytest.raises(TableError, match=r"^unknown encoding 'klingon'"):
        read_table(path, encoding="klingon")
    with pytest.raises(TableError, match=r"is not utf-8 text: byte 0x.. at offset 0 \(line 1\)"):
        read_table(path, encoding="utf-8")


def test_chinese_duplicate_names_and_ragged_rows_are_named_right(tmp_path):
    (tmp_path / "dup.csv").write_bytes("地区,地区,产量\n华东,1,2\n".encode("gbk"))
    with pytest.raises(TableError, match="has the column name '地区' more than once"):
        read_table(tmp_path / "dup.csv")
    (tmp_path / "rag.csv").write_bytes("地区,产量\n华东,1\n华北\n".encode("gbk"))
    with pytest.raises(TableError, match="line 3 has 1 fields, the header has 2"):
        read_table(tmp_path / "rag.csv")


def test_numbers_with_separators_are_refused_or_read_by_option(tmp_path):
    eu = tmp_path / "eu.csv"  # Excel in a comma-decimal locale: ';' and decimal commas
    eu.write_text("preis;farbe\n1.234,5;rot\n17,25;blau\n", encoding="utf-8")
    with pytest.raises(TableError) as err:
        read_table(eu)
    assert str(err.value) == (
        f"column 'preis' in {str(eu)!r} holds numbers written with separators ('1.234,5' "
        "in row 1): read it with --decimal , --thousands ."
    )
    assert read_table(eu, decimal=",", thousands=".")["preis"].tolist() == [1234.5, 17.25]
    us = tmp_path / "us.csv"
    us.write_text('price,color\n"1,234.5",red\n"12,000",blue\n', encoding="utf-8")
    with pytest.raises(TableError, match=r"'1,234.5' in row 1\): read it with --thousands ,$"):
        read_table(us)
    assert read_table(us, thousands=",")["price"].tolist() == [1234.5, 12000.0]
    words = tmp_path / "words.csv"  # ordinary text is not taken for numbers
    words.write_text('a,b\nred,1\n"x,y",2\n', encoding="utf-8")
    assert read_table(words)["a"].tolist() == ["red", "x,y"]


def test_cli_trains_on_a_gbk_file_and_refuses_a_bad_encoding(tmp_path, capsys):
    path = tmp_path / "gbk.csv"
    path.write_bytes(_csv().encode("gbk"))
    assert main(["train", str(path), "--target", "产量", "--epochs", "5", "-q"]) == 0
    assert main(["train", str(path), "--target", "产量", "--encoding", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "bpnn train: error: unknown encoding 'nope' (use a name such as utf-8, gbk, gb18030, "
        "utf-16)"
    )
    eu = tmp_path / "eu.csv"
    pd.DataFrame({"x": ["1,5", "2,25", "3,0", "4,75"] * 5, "y": range(20)}).to_csv(
        eu, sep=";", index=False
    )
    assert main(["train", str(eu), "--target", "y", "--epochs", "3", "-q"]) == 2
    assert "--decimal ," in capsys.readouterr().err
    argv = ["train", str(eu), "--target", "y", "--epochs", "3", "-q", "--decimal", ","]
    assert main(argv) == 0
