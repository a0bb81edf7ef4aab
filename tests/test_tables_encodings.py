"""Text tables as Chinese (and European) users have them: the encodings Excel writes and
numbers written with separators. Every file is written here, byte for byte."""

import numpy as np
import pandas as pd
import pytest

from bpnn.cli import main
from bpnn.io_tables import TableError, check_separated_numbers, detect_encoding, read_table

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


def test_detection_prefers_gb18030_for_short_chinese_and_cp1252_for_western_text():
    for text in ("产量\n1\n2\n", "地区,产量\n华东,1\n", "温度,地区\n21.5,华北\n"):
        assert detect_encoding(text.encode("gbk")) == "gb18030", text
    german = "Name;Größe;Stadt\nMüller;180;Köln\nSchäfer;175;München\n".encode("cp1252")
    assert german.decode("gb18030")  # it decodes as GB18030 too, into nonsense
    assert detect_encoding(german) == "cp1252"
    assert detect_encoding(bytes([0x81, 0x20, 0x8D, 0x20])) == "latin-1"  # nothing else fits


def test_a_wrong_or_odd_encoding_is_one_line(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(_csv().encode("gbk"))
    with pytest.raises(TableError) as err:
        read_table(path, encoding="utf-8")
    assert str(err.value) == (
        f"{str(path)!r} is not utf-8 text: byte 0xb5 at offset 0 (line 1) does not decode; "
        "it reads as gb18030 (leave --encoding out to detect it)"
    )
    with pytest.raises(TableError, match=r"^'base64' is not a text encoding$"):
        read_table(path, encoding="base64")
    # an encoding that decodes the bytes is the user's word: names come out as it reads them
    assert list(read_table(path, encoding="latin-1").columns) != ["地区", "温度", "产量"]


def test_utf16_big_endian_and_utf8_bom_names(tmp_path):
    (tmp_path / "be.txt").write_bytes(_csv("\t").encode("utf-16-be"))
    df = read_table(tmp_path / "be.txt")
    assert df.attrs["encoding"] == "utf-16-be"
    _check(df)
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + "产量,温度\n1,2\n".encode())
    assert read_table(tmp_path / "bom.csv", encoding="utf-8").columns[0] == "产量"


def test_gbk_file_with_a_blank_cell_keeps_its_names(tmp_path):
    (tmp_path / "gap.csv").write_bytes("地区,温度,产量\n华东,,1\n华北,2,\n".encode("gbk"))
    df = read_table(tmp_path / "gap.csv")
    assert list(df.columns) == ["地区", "温度", "产量"]
    assert df["温度"].isna().tolist() == [True, False]
    (tmp_path / "long.csv").write_bytes("地区,产量\n华东,1\n华北,2,3\n".encode("gbk"))
    with pytest.raises(TableError, match=r"line 3 has 3 fields, the header has 2$"):
        read_table(tmp_path / "long.csv")


@pytest.mark.parametrize(
    "text, options, kw, values",
    [
        ("p;c\n1 234,5;x\n17,25;y\n", "--decimal , --thousands ' '", ", ", [1234.5, 17.25]),
        ("p;c\n1\u00a0234,5;x\n17;y\n", "--decimal , --thousands ' '", ", ", [1234.5, 17.0]),
        ('p,c\n"1\'234.5",x\n17,y\n', '--thousands "\'"', ".'", [1234.5, 17.0]),
        ("p,c\n1.234.567,x\n17,y\n", "--decimal , --thousands .", ",.", [1234567.0, 17.0]),
        ('p,c\n"17",x\n"0,5",y\n', "--decimal ,", ",", [17.0, 0.5]),
    ],
)
def test_each_way_of_writing_separators_is_named_and_read(tmp_path, text, options, kw, values):
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as err:
        read_table(path)
    assert str(err.value).endswith(f"): read it with {options}")
    decimal, thousands = kw[0], (kw[1] if len(kw) > 1 else None)  # what the options say
    assert read_table(path, decimal=decimal, thousands=thousands)["p"].tolist() == values


def test_ambiguous_and_mixed_separators(tmp_path):
    us = tmp_path / "us.csv"  # a ',' file: "1,234" is most likely a thousand and more
    us.write_text('p,c\n"1,234",x\n"12,000",y\n', encoding="utf-8")
    with pytest.raises(TableError, match=r"read it with --thousands , \(or --decimal , if ',' "):
        read_table(us)
    eu = tmp_path / "eu.csv"  # a ';' file: a decimal comma first
    eu.write_text("p;c\n1,234;x\n12,000;y\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"read it with --decimal , \(or --thousands , if '\.' "):
        read_table(eu)
    assert read_table(eu, decimal=",")["p"].tolist() == [1.234, 12.0]
    mixed = tmp_path / "mixed.csv"  # one column with points, one with commas
    mixed.write_text('a,b\n1.5,"0,5"\n2.5,"1,25"\n', encoding="utf-8")
    with pytest.raises(
        TableError, match=r"column 'b' .*'0,5' in row 1\): read it with --decimal ,$"
    ):
        read_table(mixed)
    with pytest.raises(TableError) as err:
        read_table(mixed, decimal=",")
    assert str(err.value) == (
        f"column 'a' in {str(mixed)!r} holds numbers written with a decimal point ('1.5' in "
        "row 1) that --decimal , does not read: the options read every column alike, so a "
        "file must write its numbers alike"
    )
    with pytest.raises(TableError, match=r"^--decimal and --thousands are both ','$"):
        read_table(mixed, decimal=",", thousands=",")
    with pytest.raises(TableError, match=r"^--decimal takes one character, got ',,'$"):
        read_table(mixed, decimal=",,")


def test_check_separated_numbers_on_a_frame():
    ok = pd.DataFrame(
        {
            "city": ["华东", "华北", None],
            "code": ["A-1", "B-2", "C-3"],
            "when": ["2024-01-02", "12:30", "3/4"],
            "n": [1.5, 2.0, np.nan],
            "mixed": ["1", "2", " "],  # plain numbers as text, a blank: not separators
        }
    )
    check_separated_numbers(ok, "ok")
    bad = ok.assign(price=["1.234,5", None, "12"])
    with pytest.raises(TableError) as err:
        check_separated_numbers(bad, "the table")
    assert str(err.value) == (
        "column 'price' in the table holds numbers written with separators ('1.234,5' in "
        "row 1): read it with --decimal , --thousands ."
    )
    # the reading given already covers it: nothing to say
    check_separated_numbers(bad[["price"]].iloc[[0]], "x", decimal=",", thousands=".")


def test_excel_text_cells_with_separators(tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"价格": ["1,234.5", "12,000"], "地区": ["华东", "华北"]}).to_excel(
        path, index=False
    )
    with pytest.raises(TableError, match=r"column '价格' .*read it with --thousands ,$"):
        read_table(path)
    assert read_table(path, thousands=",")["价格"].tolist() == [1234.5, 12000.0]


def test_cli_says_the_encoding_it_read_and_config_keys(tmp_path, capsys):
    path = tmp_path / "gbk.csv"
    path.write_bytes(_csv().encode("gbk"))
    model = tmp_path / "m.bpnn"
    argv = ["train", str(path), "--target", "产量", "--epochs", "3", "-o", str(model)]
    assert main(argv) == 0
    assert f"read {str(path)!r} as GB18030" in capsys.readouterr().out
    assert main(argv + ["-q"]) == 0
    assert "GB18030" not in capsys.readouterr().out
    out = tmp_path / "pred.csv"
    assert main(["predict", str(model), str(path), "-o", str(out), "-q"]) == 0
    assert len(pd.read_csv(out)) == len(ROWS)
    assert main(["evaluate", str(model), str(path), "--encoding", "utf-8"]) == 2
    assert "it reads as gb18030" in capsys.readouterr().err
    eu = tmp_path / "eu.csv"
    eu.write_text("x;y\n" + "".join(f"{i},5;{i}\n" for i in range(20)), encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[train]\ndecimal = ","\nepochs = 3\n', encoding="utf-8")
    assert main(["train", str(eu), "--target", "y", "-q", "--config", str(cfg)]) == 0
    assert main(["train", str(eu), "--target", "y", "-q", "--epochs", "3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "--decimal ," in err


def test_the_app_reads_a_gbk_upload(tmp_path):
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    import json
    import urllib.parse
    import urllib.request

    from bpnn.app.server import AppServer

    srv = AppServer().start()
    try:
        req = urllib.request.Request(
            f"http://127.0.0.1:{srv.port}/api/data/upload?name=" + urllib.parse.quote("产量.csv"),
            data=_csv().encode("gbk"),
            headers={"Content-Type": "text/csv", "X-BPNN-Token": srv.token},
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            t = json.loads(r.read())
    finally:
        srv.stop()
    assert t["preview"]["columns"] == ["地区", "温度", "产量"]
    assert t["preview"]["rows"][0][0] == "华东"
    assert t["rows"] == len(ROWS)
