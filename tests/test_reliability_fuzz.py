"""Regression cases found by fuzz/fuzz_loader.py and fuzz/fuzz_reader.py (see fuzz/README.md).

Each damaged input must be refused with a ValueError — before the fixes they raised
zlib.error / NotImplementedError out of the model loader, or left NaN inputs behind.
"""

import zipfile
from pathlib import Path

import numpy as np
import pytest

import bpnn
from bpnn.checkpoint import parse_checkpoint

HERE = Path(__file__).resolve().parent / "fuzz_regressions"


def _model_bytes(tmp_path):
    net = bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=0)
    bpnn.save(net, tmp_path / "m.bpnn")
    return (tmp_path / "m.bpnn").read_bytes()


def _load_bytes(tmp_path, data):
    path = tmp_path / "damaged.bpnn"
    path.write_bytes(data)
    return bpnn.load(path)


def test_zip_claiming_an_unknown_version_is_a_value_error(tmp_path):
    # finding: NotImplementedError("zip file version 10.9") escaped bpnn.load
    data = (HERE / "loader-zip-version.bin").read_bytes()
    with pytest.raises(ValueError):
        _load_bytes(tmp_path, data)
    with pytest.raises(ValueError):
        parse_checkpoint(data)


def test_corrupt_deflate_stream_in_a_model_file_is_a_value_error(tmp_path):
    # finding: zlib.error ("invalid distance too far back", ...) escaped bpnn.load when a
    # byte inside a compressed member was damaged; damage bytes all through the manifest
    good = _model_bytes(tmp_path)
    info = zipfile.ZipFile(_write(tmp_path, good)).getinfo("manifest.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    rng = np.random.default_rng(0)
    for pos in rng.choice(np.arange(start, start + info.compress_size), 60, replace=False):
        bad = bytearray(good)
        bad[pos] ^= 0xFF
        with pytest.raises(ValueError):
            _load_bytes(tmp_path, bytes(bad))


def _write(tmp_path, data):
    p = tmp_path / "copy.bpnn"
    p.write_bytes(data)
    return p


def test_checkpoint_member_marked_compressed_is_refused(tmp_path):
    # a checkpoint's members are stored; a header forged to "deflated" must not reach zlib
    X = np.linspace(-1, 1, 8).reshape(4, 2)
    bpnn.train(
        bpnn.Network([2, 2, 1], seed=0), X, X[:, :1], "gd", epochs=1, checkpoint=tmp_path / "c"
    )
    raw = bytearray((tmp_path / "c").read_bytes())
    raw[8] = zipfile.ZIP_DEFLATED  # compression method of the first local header
    for at in [i for i in range(len(raw) - 4) if raw[i : i + 4] == b"PK\x01\x02"]:
        raw[at + 10] = zipfile.ZIP_DEFLATED  # ... and in the central directory
    with pytest.raises(ValueError, match="not a readable bpnn checkpoint"):
        parse_checkpoint(bytes(raw))
    # refused by the stored-only rule itself, not by zlib choking on stored bytes later
    with pytest.raises(ValueError, match="is compressed or oversized"):
        parse_checkpoint(bytes(raw))


def test_checkpoint_header_declaring_a_huge_array_is_refused_without_allocating(tmp_path):
    import io

    X = np.linspace(-1, 1, 8).reshape(4, 2)
    bpnn.train(
        bpnn.Network([2, 2, 1], seed=0), X, X[:, :1], "gd", epochs=1, checkpoint=tmp_path / "c"
    )
    src = zipfile.ZipFile(tmp_path / "c")
    head = io.BytesIO()  # a .npy header claiming 10**12 float64s (8 TB), 16 bytes of data
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            forged = info.filename.startswith("a")
            z.writestr(info.filename, head.getvalue() + b"\0" * 16 if forged else src.read(info))
    with pytest.raises(ValueError, match="shorter than its header declares"):
        parse_checkpoint(out.getvalue())


@pytest.mark.parametrize(
    "name", ["reader-all-missing-column.bin", "reader-missing-after-target-drop.bin"]
)
def test_mean_fill_of_a_column_with_no_values_is_refused(tmp_path, name):
    # finding: missing="mean"/"median" left NaN inputs when every kept value of a column
    # was missing (its mean is NaN), e.g. "x,y / nan,2"
    from bpnn import io_tables

    data = (HERE / name).read_bytes()
    path = tmp_path / ("input" + (".csv", ".tsv", ".txt")[data[0] % 3])
    path.write_bytes(data[1:])
    df = io_tables.read_table(path)
    for strategy in ("mean", "median"):
        with pytest.raises(ValueError, match="no values to take the"):
            io_tables.select_columns(df, target=[df.columns[-1]], missing=strategy)


def test_member_flagged_as_encrypted_is_a_value_error(tmp_path):
    # finding (Atheris, 40 s): a flipped flag bit marks manifest.json as encrypted and
    # zipfile raised a bare RuntimeError("... is encrypted, password required ...")
    data = (HERE / "loader-encrypted-flag.bin").read_bytes()
    with pytest.raises(ValueError):
        _load_bytes(tmp_path, data)
    with pytest.raises(ValueError):
        parse_checkpoint(data)


def _checkpoint_with(tmp_path, alg, edit, **kw):
    """Train 2 epochs with a checkpoint, let ``edit`` change its manifest/arrays, re-pack."""
    from bpnn.checkpoint import load_checkpoint, save_checkpoint

    X = np.linspace(-1, 1, 16).reshape(8, 2)
    Y = X[:, :1] * X[:, 1:]
    path = tmp_path / "c"
    bpnn.train(
        bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=0),
        X,
        Y,
        alg,
        "mse",
        epochs=2,
        seed=0,
        checkpoint=path,
        **kw,
    )
    man, arrays = load_checkpoint(path)
    edit(man, arrays)
    save_checkpoint(path, {k: v for k, v in man.items() if k not in ("format", "version")}, arrays)

    def resume():
        bpnn.train(
            bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=0),
            X,
            Y,
            alg,
            "mse",
            epochs=4,
            seed=0,
            resume=path,
            **kw,
        )

    return resume


@pytest.mark.skipif("rprop" not in bpnn.algorithm_names(), reason="rprop not registered")
def test_resume_with_a_renamed_state_field_is_a_value_error(tmp_path):
    # finding (structured fuzzing of checkpoint manifests): a renamed NamedTuple field made
    # the state come back as an ad-hoc tuple and RPROP failed with AttributeError
    def rename(man, arrays):
        man["state"]["fields"][-1] += "x"

    with pytest.raises(ValueError, match="does not fit"):
        _checkpoint_with(tmp_path, "rprop", rename)()


def test_resume_with_a_wrong_length_velocity_is_refused(tmp_path):
    # the compiled per-sample kernel does not check bounds: a short velocity must never
    # reach it
    def shorten(man, arrays):
        i = man["state"]["dict"]["vel"]["array"]
        arrays[i] = arrays[i][:3]

    with pytest.raises(ValueError, match="does not fit"):
        _checkpoint_with(tmp_path, "sgd", shorten, lr=0.1, momentum=0.5)()


@pytest.mark.parametrize(
    "alg,kw,edit",
    [
        # findings of the structured manifest fuzzer (fuzz_loader.py, 2 minutes, 33 inputs):
        (
            "sgd",
            {"lr": 0.1, "momentum": 0.5},  # KeyError 'vel' in the SGD kernel path
            lambda m: m["state"]["dict"].pop("vel"),
        ),
        ("lm", {}, lambda m: m["state"]["items"].__setitem__(0, "nan")),  # TypeError in LM
        ("rprop", {}, lambda m: m["state"]["items"].__setitem__(3, None)),  # TypeError in RPROP
        ("rprop", {}, lambda m: m["state"]["items"].__setitem__(0, 1.5)),  # array -> number
    ],
)
def test_resume_with_state_of_the_wrong_kind_is_a_value_error(tmp_path, alg, kw, edit):
    if alg not in bpnn.algorithm_names():
        pytest.skip(f"{alg} not registered")
    with pytest.raises(ValueError, match="does not fit"):
        _checkpoint_with(tmp_path, alg, lambda man, arrays: edit(man), **kw)()


@pytest.mark.parametrize("mu", [-0.0, 0.0, -1.0])
def test_resume_with_a_non_positive_lm_mu_is_refused_not_an_endless_loop(tmp_path, mu):
    # finding (Atheris, 5 min, a 21 s timeout): μ = −0.0 from an edited checkpoint made
    # LM's "grow μ until the step is accepted" loop run forever (0 · 10 = 0)
    if "lm" not in bpnn.algorithm_names():
        pytest.skip("lm not registered")
    with pytest.raises(ValueError, match="mu must be a positive number"):
        _checkpoint_with(tmp_path, "lm", lambda m, a: m["state"]["items"].__setitem__(0, mu))()
