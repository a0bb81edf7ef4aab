"""The one protocol every training algorithm speaks, and the registry of names.

An algorithm sees an :class:`~bpnn.objective.Objective` and a flat vector ``w``, never
layers::

    state = algorithm.init(objective, w)
    w, state, info = algorithm.step(objective, w, state)

``minibatch`` says whether ``step`` may be given a mini-batch objective (first-order
rules) or always needs the whole training set (CG, BFGS, LM...). An algorithm may also
offer ``run_epoch(objective, w, state, order)`` — a whole epoch in one call — which the
trainer prefers (the compiled per-sample loop uses it).

``StepInfo`` reports what the step learned: the loss *after* the step if it was computed
(line searches and LM know it; else the trainer evaluates it), the gradient norm, μ, the
learning rate, and ``stop`` — a reason to end training that only the algorithm can see
(e.g. "mu max").
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = [
    "StepInfo",
    "Algorithm",
    "Rule",
    "RuleAlgorithm",
    "register",
    "get_algorithm",
    "ALGORITHMS",
    "algorithm_names",
    "per_param_lr",
    "RunningLoss",
]


@dataclass
class StepInfo:
    loss: float | None = None  # loss at the returned w, if known
    grad_norm: float = float("nan")  # norm of the gradient the step used
    mu: float = float("nan")
    lr: float = float("nan")
    stop: str | None = None  # a stop reason only the algorithm can see
    extra: dict = field(default_factory=dict)
    running_loss: float | None = None  # the epoch's batch losses combined (RunningLoss)


class Algorithm:
    """Base class; subclasses implement ``init`` and ``step``."""

    name = "algorithm"
    minibatch = False
    batch_size: int | None = None
    #: True for an algorithm that sets its own weight decay (trainbr): it takes no ``l2``
    estimates_weight_decay = False

    def init(self, objective, w):
        return None

    def step(self, objective, w, state):
        raise NotImplementedError

    def params(self) -> dict:
        """The constructor arguments, for records and model files."""
        sig = inspect.signature(type(self).__init__)
        return {k: getattr(self, k) for k in sig.parameters if k != "self" and hasattr(self, k)}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{self.name}({args})"


def _check_positive(name, value, allow_zero=False) -> float:
    """``value`` as a float > 0 (>= 0 with ``allow_zero``), else a ValueError naming it."""
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def _check_fraction(name, value) -> float:
    """``value`` as a float in [0, 1), else a ValueError naming it."""
    value = float(value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def _check_count(name, value, optional=False) -> int | None:
    """``value`` as a positive int (``None`` passes when ``optional``), else a ValueError."""
    if value is None and optional:
        return None
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Rule(NamedTuple):
    """An element-wise update rule: a pair of pure functions with explicit state.

    ``init(w) -> state`` and ``update(grad, state, w, *, loss=None) -> (delta, state)``;
    the new parameters are ``w + delta``. ``loss`` (the objective at ``w``) is offered as a
    keyword for the rules that need it (iRprop+); the state is a NamedTuple (or dict) of
    arrays and floats only, so it can be saved and restored.
    """

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, np.ndarray], tuple]


def per_param_lr(objective, lr, lr_bias=None) -> np.ndarray | float:
    """Step size per parameter: ``lr`` for weights (η₁), ``lr_bias`` for biases (η₂)."""
    if lr_bias is None or lr_bias == lr:
        return float(lr)
    return np.where(objective.weight_mask, float(lr), float(lr_bias))


class RuleAlgorithm(Algorithm):
    """Adapter: turns a :class:`Rule` into an Algorithm that takes one gradient step."""

    minibatch = True

    def make_rule(self, objective) -> Rule:
        raise NotImplementedError

    def init(self, objective, w):
        self._rule = self.make_rule(objective)
        return self._rule.init(w)

    def step(self, objective, w, state):
        if getattr(self, "_rule", None) is None:  # e.g. a state restored from a checkpoint
            self._rule = self.make_rule(objective)
        loss, g = objective.value_and_grad(w)
        delta, state = self._rule.update(g, state, w, loss=loss)
        return (
            w + delta,
            state,
            StepInfo(
                grad_norm=float(np.linalg.norm(g)),
                lr=float(np.mean(getattr(self, "lr", np.nan))),
                extra={"loss_before": loss},
            ),
        )


class RunningLoss:
    """The epoch loss of mini-batch and per-sample training, as FANN, scikit-learn and Keras
    report it: the losses of the batches seen during the epoch, each at the parameters it
    was computed with, combined as the loss combines rows — summed for ``"sse"`` (a sum over
    samples), a weighted mean for the mean losses (each batch weighted by its share of the
    rows' total weight) — plus the weight penalty at the end of the epoch.

    No extra pass over the data: the batch losses come with the gradients. ``add(value,
    rows)`` takes a batch's loss WITHOUT its penalty and the batch's row indices.
    """

    def __init__(self, objective):
        self.objective, self.total = objective, 0.0
        self.mean = objective.loss.name != "sse"
        sw = objective.sample_weight
        self.weight = float(objective.n_samples if sw is None else np.sum(sw))

    def add(self, value, rows):
        if self.mean:
            sw = self.objective.sample_weight
            value *= (len(rows) if sw is None else float(np.sum(sw[rows]))) / self.weight
        self.total += value

    def add_sum(self, total):
        """Add per-sample losses already summed (weighted) over the rows seen."""
        self.total += total / self.weight if self.mean else total

    def result(self, w) -> float:
        return self.total + self.objective._penalty(w)[0]


def minibatch_epoch(algorithm, objective, w, state, order):
    """One epoch of ``algorithm.step`` over consecutive mini-batches of ``order``
    (``algorithm.batch_size`` rows each); the returned info's ``running_loss`` combines the
    batches' losses (:class:`RunningLoss`); its ``loss`` is None (not the training loss)."""
    bs, info, run = algorithm.batch_size, None, RunningLoss(objective)
    for start in range(0, objective.n_samples, bs):
        rows = order[start : start + bs]
        batch = objective.batch(rows)
        w_before = w
        w, state, info = algorithm.step(batch, w, state)
        before = info.extra.get("loss_before")
        if before is None:  # an algorithm that does not report it
            before = batch.value(w_before)
        run.add(before - objective._penalty(w_before)[0], rows)
        info.loss = None  # a batch's loss is not the training loss
    info.running_loss = run.result(w)
    return w, state, info


ALGORITHMS: dict[str, type] = {}
_CANONICAL: dict[str, str] = {}


def register(*names):
    """Class decorator: register an algorithm under its name and aliases (e.g. 'trainlm')."""

    def deco(cls):
        for n in names:
            ALGORITHMS[n] = cls
            _CANONICAL[n] = names[0]
        cls.name = names[0]
        return cls

    return deco


def algorithm_names() -> list[str]:
    """Canonical algorithm names (aliases excluded)."""
    return sorted(set(_CANONICAL.values()))


def get_algorithm(spec: str | Algorithm, **params: Any) -> Algorithm:
    """Build an algorithm from a name (or alias) and its parameters; or pass one through.

    Parameters
    ----------
    spec : str or Algorithm
        A name from :func:`algorithm_names` or one of its aliases (MATLAB's ``trainlm``,
        ``trainscg``...), in any case; an Algorithm object is returned as it is.
    **params
        The algorithm's parameters (e.g. ``mu=0.01`` for ``lm``, ``lr=0.1`` for ``sgd``).

    Returns
    -------
    Algorithm
        A new algorithm object (or ``spec`` itself).

    Raises
    ------
    ValueError
        For an unknown name, a parameter the algorithm does not have (the message lists the
        ones it has), or parameters given with an algorithm object.

    Examples
    --------
    >>> from bpnn import algorithm_names, get_algorithm
    >>> {"lm", "scg", "rprop", "bfgs", "sgd"} <= set(algorithm_names())
    True
    >>> get_algorithm("trainlm", mu=0.01).name          # MATLAB's names are aliases
    'lm'
    """
    if isinstance(spec, Algorithm):
        if params:
            raise ValueError(f"parameters {sorted(params)} given with an algorithm object")
        return spec
    key = spec.strip().lower() if isinstance(spec, str) else spec
    if key not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {spec!r}; choose one of {algorithm_names()}")
    cls = ALGORITHMS[key]
    sig = inspect.signature(cls)  # the constructor's parameters, no self
    accepted = [p for p in sig.parameters if p != "self"]
    bad = [p for p in params if p not in accepted]
    if bad:
        raise ValueError(
            f"algorithm {spec!r} has no parameter {bad[0]!r}; its parameters are {accepted}"
        )
    return cls(**params)
