"""Model files under failure: interrupted saves, killed writers, NaN parameters."""

import io
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import bpnn


def _net(value):
    net = bpnn.Network([3, 4, 2], ["tansig", "purelin"], seed=0)
    net.params[:] = value
    return net


def test_write_failing_mid_save_leaves_previous_model_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.bpnn"
    bpnn.save(_net(1.0), path)
    before = path.read_bytes()

    class HalfWritten(OSError):
        pass

    real_write_bytes = Path.write_bytes

    def write_that_dies_halfway(self, data):  # the disk fills up half-way through
        real_write_bytes(self, data[: len(data) // 2])
        raise HalfWritten("no space left on device")

    monkeypatch.setattr(Path, "write_bytes", write_that_dies_halfway)
    with pytest.raises(HalfWritten):
        bpnn.save(_net(2.0), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert np.all(bpnn.load(path).params == 1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["model.bpnn"]  # no temp file left


WRITER = r"""
import sys
import numpy as np, bpnn
path = sys.argv[1]
net = bpnn.Network([60, 400, 60], ["tansig", "purelin"], seed=0)   # ~49k params
for version in range(1, 10**6):
    net.params[:] = version
    bpnn.save(net, path)
    print(version, flush=True)
"""


def test_killing_the_writer_mid_save_never_leaves_a_torn_model(tmp_path):
    # SIGKILL at whatever point the next save has reached; the file must always load and
    # hold one complete version (all parameters equal), never a mixture or a fragment
    path = tmp_path / "model.bpnn"
    for n_saves in (1, 4):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(n_saves):
            last = int(child.stdout.readline())
        os.kill(child.pid, signal.SIGKILL)  # ... during save number n_saves + 1
        child.wait()
        child.stdout.close()
        params = bpnn.load(path).params
        assert params.min() == params.max() and params[0] in (last, last + 1)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "model.bpnn"]
    assert all(p.startswith(".model.bpnn.") for p in leftovers)  # only killed temp files


def test_saving_nan_or_inf_parameters_is_refused(tmp_path):
    for bad in (np.nan, np.inf, -np.inf):
        net = _net(0.5)
        net.params[3] = bad
        with pytest.raises(ValueError, match="non-finite"):
            bpnn.save(net, tmp_path / "m.bpnn")
    assert not (tmp_path / "m.bpnn").exists()


def test_loading_a_model_file_holding_nan_is_refused(tmp_path):
    path = tmp_path / "m.bpnn"
    bpnn.save(_net(0.5), path)
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:  # the same file with one parameter set to NaN
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "arrays/network/params.npy":
                a = np.load(io.BytesIO(data))
                a[2] = np.nan
                buf = io.BytesIO()
                np.save(buf, a)
                data = buf.getvalue()
            z.writestr(info, data)
    path.write_bytes(out.getvalue())
    with pytest.raises(ValueError, match="NaN or inf"):
        bpnn.load(path)
