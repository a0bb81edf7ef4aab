"""The examples in the public docstrings run (and show what they claim)."""

import doctest
import importlib

import pytest

# modules whose docstrings hold examples; each must have at least one
MODULES = [
    "bpnn.trainer",
    "bpnn.network",
    "bpnn.estimators",
    "bpnn.io",
    "bpnn.datasets",
    "bpnn.algorithms.base",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
        report=True,
    )
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
