"""Determinism across processes and thread counts (the README's "Reliability" table)."""

import json
import os
import subprocess
import sys

import numpy as np


CHILD = r"""
import json, sys
import numpy as np, bpnn
rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, (400, 3)); Y = np.sin(X @ [[1.0], [-2.0], [0.5]])
out = []
for alg, kw in (("sgd", {"lr": 0.05}), ("gd", {"lr": 0.1})):
    net = bpnn.Network([3, 6, 1], ["tansig", "purelin"], seed=3)
    bpnn.train(net, X, Y, alg, "mse", epochs=25, seed=4, division="random", **kw)
    out.append(net.params.tobytes().hex())
print(json.dumps(out))
"""


def _child(threads):
    env = {
        **os.environ,
        **{
            k: str(threads)
            for k in (
                "OMP_NUM_THREADS",
                "OPENBLAS_NUM_THREADS",
                "MKL_NUM_THREADS",
                "NUMBA_NUM_THREADS",
            )
        },
    }
    res = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(res.stdout)


def test_same_seed_same_bits_in_new_processes_and_with_more_threads():
    here = {}
    exec(CHILD.replace("print(json.dumps(out))", ""), here)  # this process, as is
    one, two = _child(1), _child(2)
    assert here["out"] == one == two
    # and it is really training: the two algorithms end in different places
    assert one[0] != one[1] and np.all(np.isfinite(np.frombuffer(bytes.fromhex(one[0]))))


def test_fresh_compile_and_disk_cache_give_the_same_bits(tmp_path):
    """The first process after installation compiles the kernel; later ones load it from
    Numba's disk cache. Both must train to the same bits (it once differed in the last
    bits, when the helpers were linked in rather than inlined)."""
    child = CHILD.replace('("gd", {"lr": 0.1})', '("sgd", {"lr": 0.02, "momentum": 0.5})')
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", child],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        for _ in range(2)
    ]
    assert any((tmp_path / "numba-cache").rglob("*.nbc"))  # the second run had a cache
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)
