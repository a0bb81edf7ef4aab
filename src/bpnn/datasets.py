"""Example data sets shipped with bpnn (no download).

Small problems from the tutorial and the classic BP test bench live as CSV files in
``bpnn/data``; the real tabular sets are the ones scikit-learn bundles with its wheel
(iris, wine, breast cancer, diabetes), read from those bundled files.

>>> ds = load_dataset("xor")
>>> ds.frame.shape, ds.target
((4, 3), ['y'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas

__all__ = ["Dataset", "load_dataset", "dataset_names", "DEFAULT_DATASET"]

#: what ``bpnn train`` with no data trains on
DEFAULT_DATASET = "iris"


@dataclass
class Dataset:
    """A table with named target columns.

    Attributes
    ----------
    name, description : str
    frame : pandas.DataFrame, shape (n_samples, n_features + n_targets)
    target : list of str
        The target column names; every other column is an input feature.
    task : "classification", "regression" or "timeseries"
    hints : dict
        Training settings that suit this set (used by ``bpnn train`` when the user does
        not choose), e.g. ``{"hidden": (3,), "division": None}``.
    time : str or None
        For a time series, the column of times (kept for plots, never an input).
    """

    name: str
    description: str
    frame: pandas.DataFrame  # pandas is imported when a set is loaded
    target: list
    task: str
    hints: dict = field(default_factory=dict)
    time: str | None = None

    @property
    def features(self) -> list:
        return [c for c in self.frame.columns if c not in self.target and c != self.time]


def _csv(name):
    import pandas as pd

    with resources.files("bpnn").joinpath("data").joinpath(name).open("r", encoding="utf-8") as f:
        return pd.read_csv(f)


def _sklearn(loader, target_name, classes=True):
    bunch = loader(as_frame=True)
    frame = bunch.frame.rename(columns={"target": target_name})
    if classes:  # integer codes -> the class names scikit-learn ships with the data
        names = list(bunch.target_names)
        frame[target_name] = [str(names[int(i)]) for i in frame[target_name]]
    return frame


def _tutorial():
    return Dataset(
        "tutorial",
        "the tutorial's worked example: one sample (5, 10) -> (0.01, 0.99), 2-3-2 logsig network",
        _csv("tutorial.csv"),
        ["o1", "o2"],
        "regression",
        {
            "hidden": (3,),
            "activation": "logsig,logsig",
            "division": None,
            "scaling": "none",
            "target_scaling": "none",
            "algorithm": "sgd",
            "param": {"lr": 0.5},
        },
    )


def _xor():
    return Dataset(
        "xor",
        "XOR of two bits (4 samples), the classic 2-2-1 problem",
        _csv("xor.csv"),
        ["y"],
        "classification",
        {"hidden": (3,), "division": None},
    )


def _parity3():
    return Dataset(
        "parity3",
        "parity of three bits (8 samples), a 3-10-10-1 benchmark",
        _csv("parity3.csv"),
        ["parity"],
        "classification",
        {"hidden": (10, 10), "division": None},
    )


def _sine():
    return Dataset(
        "sine",
        "y = sin(pi x) on 81 points in [-1, 1], a 1-5-1 function fit",
        _csv("sine.csv"),
        ["y"],
        "regression",
        {"hidden": (5,)},
    )


def _iris():
    from sklearn.datasets import load_iris

    return Dataset(
        "iris",
        "Fisher's iris flowers: 150 samples, 4 measurements, 3 species (scikit-learn's copy)",
        _sklearn(load_iris, "species"),
        ["species"],
        "classification",
    )


def _wine():
    from sklearn.datasets import load_wine

    return Dataset(
        "wine",
        "wine cultivars: 178 samples, 13 chemical measurements, 3 classes (scikit-learn's copy)",
        _sklearn(load_wine, "cultivar"),
        ["cultivar"],
        "classification",
    )


def _breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return Dataset(
        "breast_cancer",
        "Wisconsin breast cancer: 569 samples, 30 features, malignant/benign (scikit-learn's copy)",
        _sklearn(load_breast_cancer, "diagnosis"),
        ["diagnosis"],
        "classification",
    )


def _diabetes():
    from sklearn.datasets import load_diabetes

    return Dataset(
        "diabetes",
        "diabetes progression after one year: 442 samples, 10 features (scikit-learn's copy)",
        _sklearn(load_diabetes, "progression", False),
        ["progression"],
        "regression",
    )


def _sunspots():
    return Dataset(
        "sunspots",
        "yearly mean sunspot numbers 1700-2008 (309 years; NOAA "
        "NGDC, public domain, as shipped with statsmodels): a NAR benchmark",
        _csv("sunspots.csv"),
        ["sunspots"],
        "timeseries",
        {"feedback_delays": "auto", "hidden": "auto"},
        time="year",
    )


def _narendra_plant():
    return Dataset(
        "narendra_plant",
        "simulated plant y(t+1) = y(t)/(1+y(t)^2) + u(t)^3 "
        "(Narendra & Parthasarathy 1990, example 2), u ~ U(-1, 1), 1,000 steps "
        "(examples/make_plant_data.py): a NARX benchmark",
        _csv("narendra_plant.csv"),
        ["y"],
        "timeseries",
        {"feedback_delays": "auto", "input_delays": "auto", "hidden": "auto"},
        time="t",
    )


_LOADERS = {
    "tutorial": _tutorial,
    "xor": _xor,
    "parity3": _parity3,
    "sine": _sine,
    "iris": _iris,
    "wine": _wine,
    "breast_cancer": _breast_cancer,
    "diabetes": _diabetes,
    "sunspots": _sunspots,
    "narendra_plant": _narendra_plant,
}


def dataset_names() -> list:
    """Names of the shipped data sets, small problems first."""
    return list(_LOADERS)


def load_dataset(name: str) -> Dataset:
    """Load a shipped data set by name (see :func:`dataset_names`).

    Parameters
    ----------
    name : str
        The data set's name, in any case ("iris", "diabetes", "sunspots"...).

    Returns
    -------
    Dataset
        The table, its target columns, its task and the training hints.

    Raises
    ------
    ValueError
        For a name that is not shipped; the message lists the names that are.
    """
    key = str(name).strip().lower().replace("-", "_")
    if key not in _LOADERS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(_LOADERS)}")
    return _LOADERS[key]()
