"""RealMLP-TD (pytabkit) on the held-out accuracy suite's folds.

Run by the peers' own interpreter (torch and pytabkit live in a separate virtual
environment, see docs/benchmarks.md)::

    /work/venv-peers/bin/python benchmarks/peers/realmlp_runner.py --half A --seeds 0

It reads the prepared data and fold numbers that ``bench_suite.py prepare`` wrote
(results/suite_data/*.npz), fits ``RealMLP_TD_Classifier()`` / ``RealMLP_TD_Regressor()``
with their defaults on CPU (one thread) and writes results/suite_realmlp.json in the format
of bench_suite.py, so ``bench_suite.py report`` puts it beside the other sides.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(HERE, "results")
K = 5
sys.path.insert(0, HERE)
from bench_suite import in_half  # noqa: E402  (the suite's reading of --half)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--half", default="A", choices=("A", "B", "C", "D", "all"), help="all: A+B")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--only", default="")
    ap.add_argument("--max-rows", type=int, default=10**9, help="skip larger problems")
    ap.add_argument("--tag", default="realmlp", help="results/suite_<tag>.json (merge after)")
    a = ap.parse_args()
    import torch
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor
    from sklearn.metrics import r2_score

    torch.set_num_threads(1)
    with open(os.path.join(RESULTS, "suite_halves.json")) as f:
        info = json.load(f)
    path = os.path.join(RESULTS, f"suite_{a.tag}.json")
    res = json.load(open(path)) if os.path.exists(path) else {}
    only = set(a.only.split(",")) if a.only else None
    seeds = [int(s) for s in a.seeds.split(",")]
    for name, meta in info.items():
        if not in_half(a.half, meta["half"]) or (only and name not in only):
            continue
        if meta["rows"] > a.max_rows:
            continue
        d = np.load(os.path.join(RESULTS, "suite_data", f"{name}.npz"))
        X, y = d["X"].astype(np.float32), d["y"]
        cls = meta["task"] == "classification"
        if not cls:
            y = y.astype(np.float64)
        for seed in seeds:
            fold = d[f"fold_{seed}"]
            for k in range(K):
                key = f"{name}/{seed}/{k}"
                if key in res:
                    continue
                tr, te = fold != k, fold == k
                est = (RealMLP_TD_Classifier if cls else RealMLP_TD_Regressor)(
                    random_state=seed, n_threads=1, device="cpu", verbosity=0
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t0, c0 = time.perf_counter(), time.process_time()
                    est.fit(X[tr], y[tr])
                    fit_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
                    pred = est.predict(X[te])
                if cls:
                    err = float(np.mean(np.asarray(pred).astype(str) != y[te]))
                else:
                    err = float(1.0 - r2_score(y[te], pred))
                res[key] = {"error": err, "fit_s": fit_s, "cpu_s": cpu_s, "barely": False}
                with open(path + ".tmp", "w") as f:
                    json.dump(res, f, indent=0, sort_keys=True)
                os.replace(path + ".tmp", path)
            errs = [res[f"{name}/{seed}/{k}"]["error"] for k in range(K)]
            ts = [res[f"{name}/{seed}/{k}"]["fit_s"] for k in range(K)]
            print(f"realmlp {name:16s} err {np.mean(errs):.4f} fit {np.sum(ts):7.2f} s", flush=True)


if __name__ == "__main__":
    main()
