"""Does each importance method rank Friedman #1's informative inputs first?

    python benchmarks/importance_friedman.py [--seeds 10] [--markdown]

scikit-learn's ``make_friedman1``: y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4
+ N(0, 1) noise, with x0..x9 uniform on [0, 1]; x5..x9 do not enter y. For every seed a
BPRegressor is fitted on 500 rows and the importance is computed on 500 new rows (for
both presets). The table gives, per method, how many fits put all five informative inputs
in the top five, and the mean rank of each input (1 = most important). Used for the table
in docs/inspection.md; not part of the test suite.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.exceptions import ConvergenceWarning

import bpnn

METHODS = ("permutation", "miv", "garson", "olden")
NAMES = [f"x{j}" for j in range(10)]


def run(seeds, preset):
    rows = []
    for seed in range(seeds):
        X, y = make_friedman1(500, 10, noise=1.0, random_state=seed)
        Xt, yt = make_friedman1(500, 10, noise=1.0, random_state=1000 + seed)
        X, Xt = pd.DataFrame(X, columns=NAMES), pd.DataFrame(Xt, columns=NAMES)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = bpnn.BPRegressor(preset=preset, random_state=seed).fit(X, y)
        r2 = model.score(Xt, yt)
        for method in METHODS:
            imp = bpnn.importance(model, Xt, yt, method=method)
            rank = {name: k + 1 for k, name in enumerate(imp.index)}
            rows.append(
                {
                    "preset": preset,
                    "seed": seed,
                    "r2": r2,
                    "method": method,
                    **{n: rank[n] for n in NAMES},
                }
            )
    return pd.DataFrame(rows)


def summary(df):
    out = []
    for (preset, method), g in df.groupby(["preset", "method"], sort=False):
        ranks = g[NAMES[:5]].to_numpy()
        noise = g[NAMES[5:]].to_numpy()
        out.append(
            {
                "preset": preset,
                "method": method,
                "all 5 in top 5": f"{int((ranks.max(axis=1) <= 5).sum())}/{len(g)}",
                **{f"rank {n}": f"{g[n].mean():.1f}" for n in NAMES[:5]},
                "best noise rank": f"{noise.min(axis=1).mean():.1f}",
                "test R2": f"{g['r2'].mean():.3f}",
            }
        )
    return pd.DataFrame(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args()
    df = pd.concat([run(args.seeds, preset) for preset in ("default", "matlab")])
    table = summary(df)
    if args.markdown:
        cols = list(table.columns)
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for _, r in table.iterrows():
            print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    else:
        print(table.to_string(index=False))
    np.set_printoptions(linewidth=120)


if __name__ == "__main__":
    main()
