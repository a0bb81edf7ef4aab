"""bpnn — BP (back-propagation) neural networks.

From the tutorial's per-sample δ algorithm to MATLAB's training functions, with
scikit-learn estimators, safe model files and a command line.

The names below are imported on first use (PEP 562 ``__getattr__``): ``import bpnn`` and
``bpnn --help`` load no NumPy, scikit-learn, SciPy, Numba, pandas or matplotlib, and
``from bpnn import BPClassifier`` imports what the estimators need, when it is asked for.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: public name -> the submodule that defines it
_EXPORTS = {
    "activations": (
        "Activation",
        "FannActivation",
        "GeneralizedSigmoid",
        "Logsig",
        "Poslin",
        "Purelin",
        "Softmax",
        "Tansig",
        "get_activation",
    ),
    "algorithms": ("algorithm_names", "get_algorithm"),
    "data": ("divide",),
    "datasets": ("dataset_names", "load_dataset"),
    "explain": ("explain", "tutorial_network"),
    "gradcheck": ("gradcheck", "numerical_gradient"),
    "losses": ("get_loss",),
    "network": ("Network", "Trace"),
    "objective": ("Objective",),
    "preprocessing": (
        "RangeWarning",
        "hidden_size_rule",
        "minmax_scaler",
        "pca",
        "standard_scaler",
    ),
    "record": ("TrainingRecord",),
    "trainer": ("Trainer", "train"),
    "estimators": ("BPClassifier", "BPRegressor"),
    "io": ("ModelFileError", "load", "save"),
    "inspection": ("importance", "partial_dependence"),
    "timeseries": ("BPForecaster", "narnet", "narxnet", "timedelaynet"),
    "interop": ("export_fann", "from_sklearn", "import_fann", "import_matlab", "write_fann"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
# submodules reachable as attributes (``bpnn.io.load``) without importing them first, as
# when this file imported them all
_SUBMODULES = frozenset(
    {
        "activations",
        "algorithms",
        "checkpoint",
        "cli",
        "data",
        "datasets",
        "estimators",
        "explain",
        "export",
        "gradcheck",
        "initializers",
        "inspection",
        "interop",
        "io",
        "io_tables",
        "losses",
        "network",
        "objective",
        "plots",
        "preprocessing",
        "record",
        "report",
        "timeseries",
        "trainer",
        "_kernels",
        "_predict",
        "_validation",
    }
)

__all__ = [
    "Activation",
    "FannActivation",
    "GeneralizedSigmoid",
    "Logsig",
    "Poslin",
    "Purelin",
    "Softmax",
    "Tansig",
    "get_activation",
    "algorithm_names",
    "get_algorithm",
    "divide",
    "explain",
    "tutorial_network",
    "gradcheck",
    "numerical_gradient",
    "get_loss",
    "Network",
    "Trace",
    "Objective",
    "RangeWarning",
    "hidden_size_rule",
    "minmax_scaler",
    "pca",
    "standard_scaler",
    "TrainingRecord",
    "Trainer",
    "train",
    "__version__",
    "BPRegressor",
    "BPClassifier",
    "save",
    "load",
    "ModelFileError",
    "dataset_names",
    "load_dataset",
    "importance",
    "partial_dependence",
    "BPForecaster",
    "narnet",
    "narxnet",
    "timedelaynet",
    "export_fann",
    "from_sklearn",
    "import_fann",
    "import_matlab",
    "write_fann",
]


def __getattr__(name):
    module = _WHERE.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # later look-ups do not come here again
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | {m for m in _SUBMODULES if m[0] != "_"})


class _Package(types.ModuleType):
    """``bpnn.explain`` and ``bpnn.gradcheck`` are functions named like their modules.
    Importing such a module binds the module to that name in the package (the import
    system's ``setattr``); here that binding is skipped, so the name stays the function, as
    when this file imported every module eagerly."""

    def __setattr__(self, name, value):
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


_SHADOWED = frozenset(_WHERE) & _SUBMODULES
sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .activations import (
        Activation,
        FannActivation,
        GeneralizedSigmoid,
        Logsig,
        Poslin,
        Purelin,
        Softmax,
        Tansig,
        get_activation,
    )
    from .algorithms import algorithm_names, get_algorithm
    from .data import divide
    from .datasets import dataset_names, load_dataset
    from .estimators import BPClassifier, BPRegressor
    from .explain import explain, tutorial_network
    from .gradcheck import gradcheck, numerical_gradient
    from .inspection import importance, partial_dependence
    from .interop import export_fann, from_sklearn, import_fann, import_matlab, write_fann
    from .io import ModelFileError, load, save
    from .losses import get_loss
    from .network import Network, Trace
    from .objective import Objective
    from .preprocessing import RangeWarning, hidden_size_rule, minmax_scaler, pca, standard_scaler
    from .record import TrainingRecord
    from .timeseries import BPForecaster, narnet, narxnet, timedelaynet
    from .trainer import Trainer, train
