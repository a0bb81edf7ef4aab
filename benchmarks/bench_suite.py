"""The held-out accuracy suite: bpnn's defaults and presets vs scikit-learn's MLP,
HistGradientBoosting and RealMLP-TD, on 37 classification and 16 regression problems split
into a tuning half (A) and a held-out half (B) by a rule fixed in advance, and a fresh half
(C, 18 + 10 further problems, added after B had been run) for checking later changes of the
defaults, and a second fresh half (D, 17 + 8 problems, added after C had been run) for the
next change (see benchmarks/suite_problems.py). ``--half all`` means A and B; C and D are
only run when named.

Every side fits with its own defaults on the same folds: 5-fold CV (stratified for classes),
shuffled with seeds 0 and 1; scores on the held-out fold are the error 1 - accuracy or
1 - R². Fit time is the wall time of ``fit`` with one BLAS thread (a shared machine: times
are indicative, ratios between sides measured in the same period are the figure).

    python benchmarks/bench_suite.py prepare            # data + folds -> results/suite_data
    python benchmarks/bench_suite.py run --side sklearn --half A
    python benchmarks/bench_suite.py run --side hgb --half C
    python benchmarks/bench_suite.py run --side sklearn --half D
    python benchmarks/bench_suite.py run --side bpnn --params '{"preset": "best"}' --tag best
    python benchmarks/bench_suite.py report --sides bpnn,sklearn,hgb,realmlp
    /work/venv-peers/bin/python benchmarks/peers/realmlp_runner.py --half A   # RealMLP-TD

Results are cached per side in benchmarks/results/suite_<side>.json, one entry per
problem/seed/fold, so a run that is stopped resumes where it was. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
DATA = os.path.join(RESULTS, "suite_data")
SEEDS = (0, 1)
K = 5


# -- data and folds ------------------------------------------------------------------------
def prepare_all():
    """Write every problem's prepared X, y and its fold numbers (one array per seed) to
    results/suite_data/<name>.npz, and the halves to results/suite_halves.json."""
    sys.path.insert(0, HERE)
    import suite_problems as S
    from sklearn.model_selection import KFold, StratifiedKFold

    os.makedirs(DATA, exist_ok=True)
    sizes, info = {}, {}
    fresh = S.problems_c()
    fresh_d = S.problems_d()
    ab = S.problems()
    ab_names = {p.name for p in ab}
    assert not {p.name for p in fresh} & ab_names
    assert not {p.name for p in fresh_d} & (ab_names | {p.name for p in fresh})
    for p in ab + fresh + fresh_d:
        X, y = S.prepare(p)
        folds = {}
        for seed in SEEDS:
            cv = (
                StratifiedKFold(K, shuffle=True, random_state=seed)
                if p.task == "classification"
                else KFold(K, shuffle=True, random_state=seed)
            )
            fold = np.empty(len(y), dtype=np.int64)
            for k, (_, te) in enumerate(cv.split(X, y)):
                fold[te] = k
            folds[f"fold_{seed}"] = fold
        np.savez_compressed(os.path.join(DATA, f"{p.name}.npz"), X=X, y=y, **folds)
        if p.name in ab_names:
            sizes[p.name] = (p.task, len(y))  # the A/B rule sees only its own problems
        info[p.name] = {
            "task": p.task,
            "rows": int(len(y)),
            "inputs": int(X.shape[1]),
            "classes": int(len(np.unique(y))) if p.task == "classification" else None,
            "source": p.source,
            "prep": p.prep,
        }
    halves = S.halves(sizes)
    halves.update({p.name: S.HALF_C for p in fresh})
    halves.update({p.name: S.HALF_D for p in fresh_d})
    for n in info:
        info[n]["half"] = halves[n]
    with open(os.path.join(RESULTS, "suite_halves.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(f"{len(info)} problems written to {DATA}")


#: the docs' columns: (label, results tag, seeds) and the timing passes of the peers run
#: without CPU times
DOC_SIDES = [
    ("bpnn default", "default", (0, 1)),
    ("sklearn MLP", "sklearn", (0, 1)),
    ("HistGB", "hgb", (0, 1)),
    ("RealMLP-TD (seed 0)", "realmlp", (0,)),
    ("bpnn best (seed 0)", "best", (0,)),
    ("bpnn previous default", "default_v1", (0, 1)),
]
DOC_TIMING = {"sklearn": "sklearn_cpu", "hgb": "hgb_cpu"}


def in_half(half, h):
    """Whether a problem of half ``h`` is run for ``--half half`` ("all": A and B)."""
    return half == h or (half == "all" and h in ("A", "B"))


def load_info():
    with open(os.path.join(RESULTS, "suite_halves.json")) as f:
        return json.load(f)


def load_problem(name):
    d = np.load(os.path.join(DATA, f"{name}.npz"), allow_pickle=False)
    return d["X"], d["y"], {s: d[f"fold_{s}"] for s in SEEDS}


# -- the sides -----------------------------------------------------------------------------
def make_side(side, task, seed, params):
    """A fresh estimator of ``side`` with its defaults (``params`` given to bpnn only)."""
    cls = task == "classification"
    if side.startswith("bpnn"):
        from bpnn import BPClassifier, BPRegressor

        return (BPClassifier if cls else BPRegressor)(random_state=seed, **params)
    if side == "sklearn":
        from sklearn.compose import TransformedTargetRegressor
        from sklearn.neural_network import MLPClassifier, MLPRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        if cls:
            return make_pipeline(StandardScaler(), MLPClassifier(random_state=seed))
        return TransformedTargetRegressor(
            make_pipeline(StandardScaler(), MLPRegressor(random_state=seed)),
            transformer=StandardScaler(),
        )
    if side == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier as HC
        from sklearn.ensemble import HistGradientBoostingRegressor as HR

        return (HC if cls else HR)(random_state=seed)
    raise ValueError(f"unknown side {side!r}")


def error(task, y, pred):
    if task == "classification":
        return float(np.mean(np.asarray(pred).astype(str) != y))
    from sklearn.metrics import r2_score

    return float(1.0 - r2_score(y, pred))


def results_path(tag):
    return os.path.join(RESULTS, f"suite_{tag}.json")


def load_results(tag):
    path = results_path(tag)
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def save_results(tag, res):
    """Write ``res`` merged over what is on disk (another run of the same side may have
    added entries meanwhile)."""
    os.makedirs(RESULTS, exist_ok=True)
    res = {**load_results(tag), **res}
    tmp = results_path(tag) + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f, indent=0, sort_keys=True)
    os.replace(tmp, results_path(tag))


def apply_patch(patch):
    """Set module constants of bpnn.estimators for an experiment: ``{"L2_CANDIDATES": [...],
    "PRESETS.default.cv_max_rows": 500, ...}``."""
    import bpnn.estimators as E

    for key, value in patch.items():
        parts = key.split(".")
        if len(parts) == 1:
            setattr(E, key, tuple(value) if isinstance(value, list) else value)
        else:
            target = getattr(E, parts[0])
            for p in parts[1:-1]:
                target = target[p]
            target[parts[-1]] = tuple(value) if isinstance(value, list) else value


def run(side, tag, params, half, seeds, only=None, patch=None, folds_run=tuple(range(K))):
    if patch:
        apply_patch(patch)
    info = load_info()
    res = load_results(tag)
    names = [n for n in info if in_half(half, info[n]["half"]) and (not only or n in only)]
    for name in names:
        task = info[name]["task"]
        X, y, folds = load_problem(name)
        if task == "regression":
            y = y.astype(float)
        for seed in seeds:
            for k in folds_run:
                key = f"{name}/{seed}/{k}"
                if key in res:
                    continue
                tr, te = folds[seed] != k, folds[seed] == k
                est = make_side(side, task, seed, params)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    t0, c0 = time.perf_counter(), time.process_time()
                    est.fit(X[tr], y[tr])
                    fit_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
                barely = any("barely trained" in str(w.message) for w in caught)
                res[key] = {
                    "error": error(task, y[te], est.predict(X[te])),
                    "fit_s": fit_s,
                    "cpu_s": cpu_s,
                    "barely": barely,
                }
            save_results(tag, res)
        errs = [res[f"{name}/{s}/{k}"]["error"] for s in seeds for k in folds_run]
        ts = [res[f"{name}/{s}/{k}"]["fit_s"] for s in seeds for k in folds_run]
        print(f"{tag:12s} {name:16s} err {np.mean(errs):.4f} fit {np.sum(ts):7.2f} s", flush=True)


# -- report --------------------------------------------------------------------------------
def summarise(tag, name, seeds):
    res = load_results(tag)
    rows = [res.get(f"{name}/{s}/{k}") for s in seeds for k in range(K)]
    if any(r is None for r in rows):
        return None
    e = np.array([r["error"] for r in rows])
    by_seed = e.reshape(len(seeds), K)
    return {
        "error": float(e.mean()),
        "spread": float(by_seed.std(axis=1, ddof=1).mean()),  # fold-to-fold std
        "fit_s": float(np.sum([r["fit_s"] for r in rows])),
        "barely": int(sum(r.get("barely", False) for r in rows)),
    }


def report(sides, half, seeds, markdown=False, ref="sklearn"):
    info = load_info()
    for task in ("classification", "regression"):
        names = [n for n in info if info[n]["task"] == task and in_half(half, info[n]["half"])]
        table = {n: {s: summarise(s, n, seeds) for s in sides} for n in names}
        head = "| problem | rows | " + " | ".join(f"{s} err (spread)" for s in sides) + " |"
        print(f"\n### {task}, half {half}, seeds {list(seeds)}\n")
        print(head)
        print("|---|---|" + "---|" * len(sides))
        for n in names:
            cells = []
            for s in sides:
                r = table[n][s]
                cells.append(
                    "–" if r is None else f"{100 * r['error']:.2f} ({100 * r['spread']:.1f})"
                )
            print(f"| {n} | {info[n]['rows']} | " + " | ".join(cells) + " |")
        # totals over the problems every side ran
        common = [n for n in names if all(table[n][s] is not None for s in sides)]
        tot = []
        for s in sides:
            m = np.mean([table[n][s]["error"] for n in common]) if common else float("nan")
            t = np.sum([table[n][s]["fit_s"] for n in common]) if common else float("nan")
            b = sum(table[n][s]["barely"] for n in common)
            tot.append((m, t, b))
        print(
            f"| **mean error** ({len(common)} problems) | | "
            + " | ".join(f"**{100 * m:.2f}**" for m, _, _ in tot)
            + " |"
        )
        print("| total fit time, s | | " + " | ".join(f"{t:.0f}" for _, t, _ in tot) + " |")
        print("| fits 'barely trained' | | " + " | ".join(f"{b}" for _, _, b in tot) + " |")
        if ref in sides:
            r = sides.index(ref)
            for i, s in enumerate(sides):
                if i == r:
                    continue
                worse = [n for n in common if table[n][s]["error"] - table[n][ref]["error"] > 0.01]
                print(
                    f"{s}: worse than {ref} by > 1 point on {len(worse)} of {len(common)} {worse}"
                )


def _cell(r):
    return "–" if r is None else f"{100 * r['error']:.2f} ({100 * r['spread']:.1f})"


def _cpu(tag, name, timing_tag=None):
    """CPU seconds of the fit on seed 0, fold 0 (``timing_tag``: a separate timing pass)."""
    r = load_results(timing_tag or tag).get(f"{name}/0/0")
    return None if r is None or "cpu_s" not in r else float(r["cpu_s"])


def markdown(half, sides, timing):
    """The docs' tables for one half: per problem the error (%) and its fold-to-fold
    spread for each side, then the means, the count of problems worse than scikit-learn's
    MLP by more than 1 point, 'barely trained' fits, and the CPU seconds of the seed-0,
    fold-0 fit of each side summed over the problems every side has a time for.
    ``sides``: [(label, tag, seeds)], ``timing``: tag -> timing pass tag."""
    info = load_info()
    lines = []
    every = [n for n in info if info[n]["half"] == half]

    def ran(tag, seeds):  # a side that never ran on this half gets no column
        res = load_results(tag)
        return any(f"{n}/{seeds[0]}/0" in res for n in every)

    sides = [s for s in sides if ran(s[1], s[2])]
    for task in ("classification", "regression"):
        names = [n for n in info if info[n]["task"] == task and info[n]["half"] == half]
        head = "| problem | rows | " + " | ".join(lab for lab, _, _ in sides) + " |"
        lines += [f"\n**{task}, half {half}** — error % (fold-to-fold std)\n", head]
        lines.append("|---|---|" + "---|" * len(sides))
        table = {n: [summarise(t, n, sd) for _, t, sd in sides] for n in names}
        for n in names:
            cells = " | ".join(_cell(r) for r in table[n])
            lines.append(f"| {n} | {info[n]['rows']} | {cells} |")
        means, worse, barely = [], [], []
        ref = [lab for lab, _, _ in sides].index("sklearn MLP")
        for i in range(len(sides)):
            have = [n for n in names if table[n][i] is not None and table[n][ref] is not None]
            m = np.mean([table[n][i]["error"] for n in have]) if have else float("nan")
            mr = np.mean([table[n][ref]["error"] for n in have]) if have else float("nan")
            w = [n for n in have if table[n][i]["error"] - table[n][ref]["error"] > 0.01]
            means.append(f"**{100 * m:.2f}** vs {100 * mr:.2f} ({len(have)})")
            worse.append(f"{len(w)}" + (f" ({', '.join(w)})" if w and i != ref else ""))
            barely.append(str(sum(table[n][i]["barely"] for n in have)))
        lines.append(
            "| mean; sklearn MLP's on the same problems (count) | | " + " | ".join(means) + " |"
        )
        lines.append("| worse than sklearn MLP by > 1 point | | " + " | ".join(worse) + " |")
        lines.append("| fits 'barely trained' | | " + " | ".join(barely) + " |")
        common = [n for n in names if all(r is not None for r in table[n])]
        lines.append(
            f"| mean on the {len(common)} problems every side ran | | "
            + " | ".join(
                f"{100 * np.mean([table[n][i]['error'] for n in common]):.2f}" if common else "–"
                for i in range(len(sides))
            )
            + " |"
        )
        cpu = {t: [_cpu(t, n, timing.get(t)) for n in names] for _, t, _ in sides}
        ref_t = sides[ref][1]
        cells = []
        for _, t, _ in sides:
            both = [j for j in range(len(names)) if cpu[t][j] is not None and cpu[ref_t][j]]
            mine = sum(cpu[t][j] for j in both)
            theirs = sum(cpu[ref_t][j] for j in both)
            cells.append(f"{mine:.1f} vs {theirs:.1f} ({len(both)})" if both else "–")
        lines.append(
            "| CPU s of the seed-0 fold-0 fits; sklearn MLP's on the same problems (count) | | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("prepare")
    r = sub.add_parser("run")
    r.add_argument("--side", required=True, help="bpnn, sklearn or hgb")
    r.add_argument("--tag", help="results name (default: the side)")
    r.add_argument("--params", default="{}", help="JSON: bpnn estimator parameters")
    r.add_argument("--half", default="A", choices=("A", "B", "C", "D", "all"), help="all: A+B")
    r.add_argument("--seeds", default="0,1")
    r.add_argument("--only", default="", help="comma-separated problem names")
    r.add_argument("--patch", default="{}", help="JSON: bpnn.estimators constants to set")
    r.add_argument("--folds", default="0,1,2,3,4", help="which folds (a timing pass: 0)")
    p = sub.add_parser("report")
    p.add_argument("--sides", default="bpnn,sklearn,hgb")
    p.add_argument("--half", default="A", choices=("A", "B", "C", "D", "all"), help="all: A+B")
    p.add_argument("--seeds", default="0,1")
    p.add_argument("--markdown", action="store_true", help="the docs' tables")
    a = ap.parse_args(argv)
    if a.cmd == "prepare":
        prepare_all()
    elif a.cmd == "run":
        seeds = tuple(int(s) for s in a.seeds.split(","))
        only = set(a.only.split(",")) if a.only else None
        folds = tuple(int(k) for k in a.folds.split(","))
        patch = json.loads(a.patch)
        run(a.side, a.tag or a.side, json.loads(a.params), a.half, seeds, only, patch, folds)
    elif a.markdown:
        print(markdown(a.half, DOC_SIDES, DOC_TIMING))
    else:
        seeds = tuple(int(s) for s in a.seeds.split(","))
        report(a.sides.split(","), a.half, seeds)


if __name__ == "__main__":
    main()
