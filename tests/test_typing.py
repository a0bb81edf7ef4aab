"""The public API is annotated (mypy checks src/ in .ci/run; this says what "public" is)."""

import inspect

import pytest

import bpnn
from bpnn import datasets, estimators, export, io, network, trainer
from bpnn.algorithms import base as algorithms_base

PUBLIC_FUNCTIONS = [
    trainer.train,
    io.save,
    io.load,
    io.load_predictor,
    export.export,
    export.export_python,
    export.export_c,
    export.export_onnx,
    export.describe,
    algorithms_base.get_algorithm,
    datasets.load_dataset,
]
PUBLIC_METHODS = {
    network.Network: [
        "__init__",
        "initialize",
        "astype",
        "from_spec",
        "forward",
        "predict_unchecked",
        "forward_trace",
        "loss_and_gradient",
        "loss",
        "jacobian",
        "copy",
        "spec",
        "backward",
    ],
    estimators.BPRegressor: ["__init__", "fit", "partial_fit", "predict"],
    estimators.BPClassifier: ["__init__", "fit", "partial_fit", "predict", "predict_proba"],
}


def _unannotated(func):
    sig = inspect.signature(func)
    missing = [
        name
        for name, p in sig.parameters.items()
        if name not in ("self", "cls") and p.annotation is inspect.Parameter.empty
    ]
    if sig.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


@pytest.mark.parametrize("func", PUBLIC_FUNCTIONS, ids=lambda f: f.__qualname__)
def test_public_functions_are_annotated(func):
    assert _unannotated(func) == []


@pytest.mark.parametrize(
    "cls, name",
    [(c, n) for c, ns in PUBLIC_METHODS.items() for n in ns],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_public_methods_are_annotated(cls, name):
    assert _unannotated(getattr(cls, name)) == []


def test_the_check_can_fail():
    def half(x, y: int) -> int:
        return y

    assert _unannotated(half) == ["x"]


def test_annotations_resolve_for_type_checkers_only():
    # the aliases are imported under TYPE_CHECKING: importing bpnn does not import them
    assert "ArrayLike" not in vars(trainer) and bpnn.train is trainer.train
    assert "ArrayLike" in trainer.train.__annotations__["X"]
