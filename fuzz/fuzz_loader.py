"""Fuzz the model-file and checkpoint loaders with damaged files.

Run:  python fuzz/fuzz_loader.py --minutes 5 [--engine atheris|random]

Every input is fed to ``bpnn.checkpoint.parse_checkpoint`` + ``TrainingState`` (the resume
path) and, when the library has them, ``bpnn.load`` (the model file). Bad bytes must end in
a ValueError (one line, naming the problem); anything else — another exception, a hang, a
crash, a loaded model with NaN/inf parameters — is a finding.
"""
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness  # noqa: E402

import numpy as np  # noqa: E402

with _harness.instrumented_imports():   # coverage feedback from bpnn (Atheris only)
    import bpnn
    import bpnn.checkpoint as ckpt

_TMP = tempfile.mkdtemp(prefix="bpnn-fuzz-")


def seeds():
    """Valid files to mutate: checkpoints of two algorithms and (if present) model files."""
    out = []
    X = np.linspace(-1, 1, 8).reshape(4, 2)
    Y = X[:, :1] * X[:, 1:]
    for alg, kw in (("sgd", {"lr": 0.1, "momentum": 0.5}), ("gd", {"lr": 0.1})):
        net = bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=0)
        path = os.path.join(_TMP, f"seed-{alg}.ckpt")
        bpnn.train(net, X, Y, alg, "mse", epochs=2, seed=0, checkpoint=path, **kw)
        out.append(Path(path).read_bytes())
        if hasattr(bpnn, "save"):
            mpath = os.path.join(_TMP, f"seed-{alg}.bpnn")
            bpnn.save(net, mpath)
            out.append(Path(mpath).read_bytes())
    return out


def target(data: bytes):
    try:
        man, arrays = ckpt.parse_checkpoint(data)
        ts = ckpt.TrainingState.from_manifest(man, arrays)
        assert np.all(np.isfinite(ts.w)), "checkpoint loaded with non-finite parameters"
    except ValueError:
        pass
    if hasattr(bpnn, "load"):
        path = os.path.join(_TMP, "input.bpnn")
        with open(path, "wb") as fh:
            fh.write(data)
        model = bpnn.load(path)
        net = getattr(model, "network_", getattr(model, "network", model))
        params = getattr(net, "params", None)
        if params is not None:
            assert np.all(np.isfinite(params)), "model loaded with non-finite parameters"


if __name__ == "__main__":
    _harness.run("loader", target, seeds())
