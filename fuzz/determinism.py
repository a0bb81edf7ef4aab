"""Measure what changes the bits of a trained network (used for the README's table).

Run:  python fuzz/determinism.py   (spawns child processes; ~30 s; N=5000 EPOCHS=20 for
      data large enough for BLAS to use its threads)

For each algorithm it trains the same network with the same seed under different
configurations, each in a fresh process, and reports the largest difference in the
trained parameters and in the predictions against the reference (float64, 1 BLAS/Numba
thread, compiled kernels):

* again in a new process (must be 0: same seed, same bits);
* BLAS and Numba with 2 threads (or the machine's core count);
* the kernels un-compiled (BPNN_DISABLE_JIT=1: plain Python, no fastmath);
* float32 networks.
"""
import json
import os
import subprocess
import sys

import numpy as np

ALGS = [("sgd", {"lr": 0.05}), ("sgd", {"lr": 0.05, "batch_size": 8}), ("gd", {"lr": 0.05}),
        ("rprop", {}), ("scg", {}), ("bfgs", {}), ("lm", {})]

CHILD = r"""
import json, sys
import numpy as np, bpnn
dtype = np.float32 if sys.argv[1] == "float32" else np.float64
out = {}
rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, (int(sys.argv[3]), 4))
Y = np.column_stack([np.sin(2 * X[:, 0]) * X[:, 1], X[:, 2] - X[:, 3] ** 2])
for alg, params in json.loads(sys.argv[2]):
    if alg not in bpnn.algorithm_names():
        continue
    net = bpnn.Network([4, 8, 2], ["tansig", "purelin"], seed=1, dtype=dtype)
    bpnn.train(net, X, Y, alg, "mse", epochs=int(sys.argv[4]), seed=2, **params)
    key = alg + json.dumps(params)
    out[key] = [net.params.astype(float).tolist(), net.forward(X).astype(float).tolist()]
print(json.dumps(out))
"""


def run(env_extra, dtype="float64", n=200, epochs=60):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", **env_extra}
    res = subprocess.run([sys.executable, "-c", CHILD, dtype, json.dumps(ALGS), str(n),
                          str(epochs)], env=env,
                         capture_output=True, text=True, check=True)
    return {k: (np.array(p), np.array(y)) for k, (p, y) in json.loads(res.stdout).items()}


def main(n=int(os.environ.get("N", 200)), epochs=int(os.environ.get("EPOCHS", 60))):
    threads = str(max(2, os.cpu_count() or 2))
    many = {k: threads for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                 "NUMBA_NUM_THREADS")}
    ref = run({}, n=n, epochs=epochs)
    configs = {"new process": run({}, n=n, epochs=epochs),
               f"{threads} threads": run(many, n=n, epochs=epochs),
               "un-compiled kernels": run({"BPNN_DISABLE_JIT": "1"}, n=n, epochs=epochs),
               "float32": run({}, "float32", n=n, epochs=epochs)}
    print(f"{n} samples, 4-8-2 tansig/purelin, {epochs} epochs, seed 2")
    print(f"{'algorithm':34s}" + "".join(f"{c:>24s}" for c in configs))
    for key in ref:
        cells = []
        for res in configs.values():
            dp = np.max(np.abs(res[key][0] - ref[key][0]))
            dy = np.max(np.abs(res[key][1] - ref[key][1]))
            cells.append("0 (bit-identical)" if dp == 0 and dy == 0 else f"{dp:.1e} / {dy:.1e}")
        print(f"{key:34s}" + "".join(f"{c:>24s}" for c in cells))
    print("cells: max |Δ params| / max |Δ predictions| against float64, 1 thread, compiled")


if __name__ == "__main__":
    main()
