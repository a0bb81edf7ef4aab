"""Training algorithms, one protocol (see :mod:`bpnn.algorithms.base`), selected by name."""

from .base import (
    ALGORITHMS,
    Algorithm,
    Rule,
    RuleAlgorithm,
    StepInfo,
    algorithm_names,
    get_algorithm,
    register,
)
from . import first_order  # noqa: F401  (registers gd, sgd)
from . import rules, cg, scg, quasi_newton, lm  # noqa: F401,E401  (register the rest)
from . import cascor  # noqa: F401  (registers cascade: needs the others registered)

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "Rule",
    "RuleAlgorithm",
    "StepInfo",
    "algorithm_names",
    "get_algorithm",
    "register",
]
