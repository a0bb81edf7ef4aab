"""Fuzz the model-file and checkpoint loaders with damaged files.

Run:  python fuzz/fuzz_loader.py --minutes 5 [--engine atheris|random]

Inputs starting with an even byte are whole files, fed to ``bpnn.checkpoint.parse_checkpoint``
+ ``TrainingState`` and to ``bpnn.load`` (the model file). Inputs starting with an odd byte
are a checkpoint's JSON *manifest* — the input's text, or (byte % 4 == 3) a recipe of edits
to a real manifest (replace a node by an odd value, delete a key, copy a node over another)
— packed with a real checkpoint's arrays into a valid archive (so the mutations get past
the ZIP checksums) and training is resumed from it. Bad
input must end in a ValueError (one line, naming the problem); anything else — another
exception, a hang, a crash, NaN/inf parameters after loading or resuming — is a finding.
"""
import json
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


X = np.linspace(-1, 1, 16).reshape(8, 2)
Y = X[:, :1] * X[:, 1:]
RUNS = [("sgd", {"lr": 0.1, "momentum": 0.5}), ("rprop", {}), ("lm", {})]
_ARRAYS = {}


def _net():
    return bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=0)


def seeds():
    """Valid files to mutate: checkpoints (whole, and their manifests) and model files."""
    out = []
    for i, (alg, kw) in enumerate(RUNS):
        if alg not in bpnn.algorithm_names():
            continue
        net = _net()
        path = os.path.join(_TMP, f"seed-{alg}.ckpt")
        bpnn.train(net, X, Y, alg, "mse", epochs=3, seed=0, division="random",
                   checkpoint=path, **kw)
        out.append(b"\x00" + Path(path).read_bytes())
        man, arrays = ckpt.load_checkpoint(path)
        _ARRAYS[i], _MANIFESTS[i] = arrays, man
        out.append(bytes([2 * i + 1]) + json.dumps(man).encode())
        if hasattr(bpnn, "save"):
            mpath = os.path.join(_TMP, f"seed-{alg}.bpnn")
            bpnn.save(net, mpath)
            out.append(b"\x00" + Path(mpath).read_bytes())
    return out


_MANIFESTS = {}
_ODD = [None, True, -1, 0, 2**63, 10**400, -0.0, 1e308, float("nan"), float("inf"), "",
        "nan", [], {}, [1.5, -2], {"array": 0}, {"array": 10**6}, {"float": "x"},
        {"namedtuple": "S", "fields": ["a"], "items": []}, {"dict": {"vel": None}}]


def _paths(node, path=()):
    yield path
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        yield from _paths(v, path + (k,))


def _tree_mutate(data: bytes, man):
    """Use the input as a recipe of 1-4 edits to the parsed manifest (replace, delete,
    copy one node over another) — mutations that keep the JSON valid."""
    import copy
    import random
    rnd = random.Random(data)
    man = copy.deepcopy(man)
    for _ in range(rnd.randint(1, 4)):
        paths = [p for p in _paths(man) if p]
        path = rnd.choice(paths)
        parent = man
        for k in path[:-1]:
            parent = parent[k]
        op = rnd.randrange(3)
        if op == 0:
            parent[path[-1]] = copy.deepcopy(rnd.choice(_ODD))
        elif op == 1 and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            src = man
            for k in rnd.choice(paths):
                src = src[k]
            parent[path[-1]] = copy.deepcopy(src)
    return man


def _resume_from_manifest(data: bytes):
    """Pack the fuzzed manifest with real arrays and resume training from it."""
    i = (data[0] // 2) % len(RUNS)
    if i not in _ARRAYS:
        return
    if data[0] % 4 == 3:            # structured: edit the real manifest
        man = _tree_mutate(data, _MANIFESTS[i])
    else:                           # raw JSON text
        try:
            man = json.loads(data[1:].decode("utf-8"))
        except (ValueError, RecursionError):
            return
    if not isinstance(man, dict):
        return
    path = os.path.join(_TMP, "fuzzed.ckpt")
    man = {k: v for k, v in man.items() if k not in ("format", "version")}
    ckpt.save_checkpoint(path, man, _ARRAYS[i])
    alg, kw = RUNS[i]
    net = _net()
    try:
        ts = ckpt.TrainingState.load(path)
        epochs = ts.epoch + 2 if isinstance(ts.epoch, int) and ts.epoch < 10**6 else 5
        bpnn.train(net, X, Y, alg, "mse", epochs=epochs, seed=0, division="random",
                   resume=path, **kw)
    except ValueError:
        return
    assert np.all(np.isfinite(net.params)), "resumed to non-finite parameters"


def target(data: bytes):
    if not data:
        return
    if data[0] % 2:
        return _resume_from_manifest(data)
    data = data[1:]
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
