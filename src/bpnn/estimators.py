"""scikit-learn estimators: validate, preprocess, build a Network, delegate to the trainer.

``BPRegressor`` and ``BPClassifier`` own no training logic: every fit builds a
:class:`~bpnn.network.Network` and calls :func:`bpnn.train` with the chosen algorithm and its
parameters. What they add is MATLAB's convenience around it:

* inputs mapped by an :class:`~bpnn.preprocessing.InputPreprocessor` (constant columns
  dropped, min-max to [-1, 1] by default, optional PCA) and regression targets by a
  :class:`~bpnn.preprocessing.TargetScaler`, both stored in the model and inverted at predict;
* defaults chosen for accuracy on unseen data (``preset="default"``, see docs/defaults.md):
  standard scaling, 20 tansig units (a classifier: 100 ReLU units); up to 1000 rows the
  weight decay ``l2`` is picked from ``L2_CANDIDATES`` (a classifier: also 1e-1) on one
  of 5 folds, the winner trained with early stopping on every fold and refit on all rows
  for the median epoch count, and the model averages those six networks; above 1000 rows
  one random 80/20 split (a classifier: l2 1e-3, the split's network averaged with its
  refit on all rows; a regressor: the l2 search on the split and the refit); the
  regressor's early stop waits 30 epochs; ``preset="best"`` searches longer and wider;
  ``preset="matlab"`` restores
  MATLAB's workflow (70/15/15 random
  division, ``max_fail`` 6, min-max scaling, 10 hidden units, Levenberg–Marquardt for small
  regression nets);
* ``hidden="auto"``: the tutorial's width ``round(sqrt(m + n) + a)`` with ``a`` in 1..10
  picked on the validation data; ``n_restarts`` initialisations, the best one kept;
* a warning that says why training stopped short and what to try.
"""

from __future__ import annotations

import inspect
import math
import numbers
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._predict import ClassifierPrediction, RegressorPrediction
from .activations import get_activation
from .algorithms import ALGORITHMS, get_algorithm
from .algorithms.global_init import GLOBAL_INITS
from .initializers import NAMES as INIT_NAMES
from .initializers import get_initializer
from .losses import get_loss
from .network import CONNECTIONS, Network, parameter_count
from .preprocessing import (
    SCALINGS,
    InputPreprocessor,
    RangeWarning,
    TargetScaler,
    describe_outside,
    hidden_size_rule,
)
from . import trainer as _trainer
from .trainer import train

if TYPE_CHECKING:
    from ._typing import ArrayLike

#: A declared range (``input_range``, ``target_range``): (low, high), each a number or one
#: value per column.
_Range = tuple[Union[float, "ArrayLike"], Union[float, "ArrayLike"]]

__all__ = ["AUTO_ALGORITHMS", "BPClassifier", "BPRegressor", "L2_CANDIDATES", "PRESETS", "diagnose"]

#: ``algorithm="auto"`` takes the first registered name of these lists. Levenberg–Marquardt
#: (MATLAB's default) needs a sum-of-squares loss and O(n_params²) memory, so it is only
#: preferred for small regression networks.
AUTO_ALGORITHMS = {
    "small_regression": ("lm", "scg", "rprop", "sgd"),
    "regression": ("scg", "rprop", "sgd"),
    "classification": ("scg", "rprop", "sgd"),
    "partial_fit": ("sgd",),
}
_DTYPES = {
    "auto": None,
    "float64": np.float64,
    "float32": np.float32,
    np.float64: np.float64,
    np.float32: np.float32,
}
_FLOATS = (np.float64, np.float32)  # validate_data keeps either, converts the rest


_NO_Y = "no_validation"  # validate_data's own default: y not asked for (None is "missing")


def _validate(est, X, y=_NO_Y, **kw):
    """scikit-learn's ``validate_data`` with one change to its errors: a NaN or an infinity
    in X or y is one line that names the first such value, its row and column (and the
    column's name), instead of scikit-learn's paragraph."""
    try:
        return validate_data(est, X, y, **kw)
    except ValueError as exc:
        text = str(exc)
        for name, A in (("X", X), ("y", y)):
            if text.startswith((f"Input {name} contains", "Input contains")) and A is not _NO_Y:
                better = _non_finite(A, name)
                if better:
                    raise ValueError(better) from None
        raise


def _validate_xy(X, y, y_numeric):
    """The encoded X (a float array) and y checked together by scikit-learn (lengths, y's
    shape and type), with bpnn's one-line NaN message for y."""
    from sklearn.utils.validation import check_X_y

    try:
        return check_X_y(X, y, multi_output=True, y_numeric=y_numeric, dtype=_FLOATS)
    except ValueError as exc:
        if str(exc).startswith(("Input y contains", "Input contains")):
            better = _non_finite(y, "y")
            if better:
                raise ValueError(better) from None
        raise


def _finite(X) -> bool:
    from ._validation import _all_finite

    return X.size == 0 or _all_finite(X)


def _non_finite(A, name):
    """The one-line message of :func:`bpnn._validation.not_finite_message` for ``A`` (an
    array or a pandas object), or None when ``A`` is not numeric or all finite."""
    from ._validation import IMPUTE_ADVICE, not_finite_message

    columns = [str(c) for c in A.columns] if hasattr(A, "columns") else None
    try:
        arr = np.asarray(A.to_numpy() if hasattr(A, "to_numpy") else A, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if arr.ndim not in (1, 2) or np.all(np.isfinite(arr)):
        return None
    return not_finite_message(arr, name, columns, IMPUTE_ADVICE)


_AUTO_A = tuple(range(1, 11))  # the tutorial's a in 1..10

#: The value a parameter left at None (``division`` at "auto") takes under each preset; an
#: explicit value always wins. "default" is chosen for accuracy on unseen data (measurements
#: in docs/defaults.md); "matlab" is feedforwardnet/trainlm's, the estimators' earlier
#: defaults exactly. ``lm_max_params``: ``algorithm="auto"`` prefers LM for regression nets
#: up to this size (0: never).
PRESETS: dict[str, dict[str, Any]] = {
    "default": {
        "hidden": (20,),
        "activation": "tansig",
        "epochs": 200,
        "max_fail": 10,
        "division": "cv",
        "ratios": (0.80, 0.20, 0.0),
        "scaling": "standard",
        "target_scaling": "standard",
        "l2": "auto",
        "lm_max_params": 0,
        # division="cv": up to cv_max_rows rows, cv_folds folds; the weight decays are
        # compared on the first cv_select of them, the winner trained on every fold, and
        # the fitted model is cv_final: "refit" (one network on all rows), "folds" (the
        # folds' networks averaged) or "both" (those and the refit averaged)
        "cv_folds": 5,
        "cv_max_rows": 1000,
        "cv_select": 1,
        "cv_final": "both",
        # above cv_max_rows: one random split, and for each task the settings that differ
        # from the rest of the preset (None: as above); "refit" False would keep the
        # early-stopped network instead of training again on all rows; "final" "both"
        # averages the split's network with the refit (default "refit": the refit alone)
        "many": {
            "classification": {
                "l2": 1e-3,
                "ratios": (0.8, 0.2, 0.0),
                "refit": True,
                "final": "both",
            },
            "regression": {"l2": None, "ratios": None, "refit": True},
        },
        # what each task takes instead of the above (l2_candidates: the "auto" grid)
        "classification": {
            "hidden": (100,),
            "activation": "poslin",
            "l2_candidates": (1e-4, 1e-3, 1e-2, 1e-1),
        },
        "regression": {"max_fail": 30},
    },
    "matlab": {
        "hidden": (10,),
        "activation": "tansig",
        "epochs": 1000,
        "max_fail": 6,
        "division": "random",
        "ratios": (0.70, 0.15, 0.15),
        "scaling": "minmax",
        "target_scaling": "minmax",
        "l2": 0.0,
        "lm_max_params": 1000,
        "cv_folds": 5,
        "cv_max_rows": 1000,
        "cv_select": 1,
        "cv_final": "both",
        "many": {"classification": {}, "regression": {}},  # division "cv" only
        "classification": {},
    },
}
#: for users who can wait (docs/defaults.md, "preset best"): k-fold selection at every
#: size, an average of the folds' networks and the refit, a longer early stop
PRESETS["best"] = {
    **PRESETS["default"],
    "regression": {},  # max_fail 20 below for both tasks
    "max_fail": 20,
    "division": "cv",
    "cv_max_rows": math.inf,
    "cv_select": 5,
    "cv_final": "both",
    "l2_candidates": (1e-4, 1e-3, 1e-2, 1e-1),
}
#: ``l2="auto"`` tries these weight decays and keeps the one with the lowest validation loss.
#: The losses are means over samples (mse, cross-entropy), so one grid suits any n.
L2_CANDIDATES = (1e-4, 1e-3, 1e-2)
REFIT_MIN_EPOCHS = 10  # division="refit" trains on all rows for max(best epoch, this)
#: what one member of an ensemble fit sets; the estimator keeps member 0's
_MEMBER_ATTRS = (
    "network_",
    "record_",
    "selection_record_",
    "algorithm_",
    "l2_",
    "hidden_",
    "hidden_search_",
    "l2_search_",
    "diagnosis_",
)
TIE_RTOL = 1e-9  # candidates' losses closer than this (relative) are a tie


def _pick_auto(kind):
    for name in AUTO_ALGORITHMS[kind]:
        if name in ALGORITHMS:
            return name
    raise ValueError(f"none of the algorithms {AUTO_ALGORITHMS[kind]} is registered")


# -- diagnostics ---------------------------------------------------------------------------
def diagnose(record, goal=0.0) -> str | None:
    """Why training stopped short, and what to try; None when nothing is worth saying."""
    r, n = record.stop_reason, record.epochs
    if r == "diverged":
        return record.message or (
            f"training diverged at epoch {n + 1} (the loss or a weight became non-finite); "
            "the best finite weights were kept. Try a smaller learning rate (lr=), "
            "scaling='minmax' or 'standard', or another algorithm such as 'lm' or 'scg'."
        )
    if r in ("max epochs", "time limit"):
        losses = np.asarray(record.loss, dtype=float)
        k = max(1, len(losses) // 10)
        tail = losses[-k - 1 :]
        falling = tail[0] > 0 and (tail[0] - tail[-1]) / tail[0] > 1e-3
        if goal > 0 and record.final_loss > goal:
            what = f"the loss {record.final_loss:.4g} is above goal={goal:g}"
        elif falling:
            what = (
                f"the loss was still falling ({tail[0]:.4g} -> {tail[-1]:.4g} over the "
                f"last {k} epochs)"
            )
        else:
            return None
        limit = f"the epoch limit (epochs={n})" if r == "max epochs" else "the time limit"
        return (
            f"training stopped at {limit} and {what}. Raise epochs= or time_limit=, "
            "or try a faster algorithm ('lm' for small regression nets, 'scg', 'rprop')."
        )
    if r == "validation stop" and record.best_epoch <= 1:
        return (
            f"validation error rose for {int(record.val_fail[-1])} epochs in a row from "
            f"epoch {record.best_epoch}: the network barely trained. Try a smaller "
            "learning rate, fewer hidden units, l2= regularisation, a larger max_fail, "
            "or n_restarts > 1."
        )
    if r == "line search failed":
        return (
            "the line search found no step that lowers the loss (a flat region or a "
            "poorly scaled problem). Try scaling='standard', n_restarts > 1 or another "
            "algorithm ('lm', 'rprop')."
        )
    if r in ("mu max", "mu_max"):
        return (
            "Levenberg-Marquardt's mu reached its maximum: no step reduced the loss "
            "from this point (a local minimum or a flat region). Try n_restarts > 1 or "
            "another initialisation (init=)."
        )
    if goal > 0 and np.isfinite(record.final_loss) and record.final_loss > goal:
        return (
            f"training stopped ({r}) with loss {record.final_loss:.4g} above "
            f"goal={goal:g}. Try more hidden units, another algorithm or n_restarts > 1."
        )
    return None


# -- parameter checks ----------------------------------------------------------------------
def _check_hidden(hidden):
    if isinstance(hidden, str):
        if hidden != "auto":
            raise ValueError(
                f"hidden must be a tuple of positive integers or 'auto', got {hidden!r}"
            )
        return "auto"
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    try:
        sizes = tuple(int(h) for h in hidden)
        ok = all(int(h) == h and not isinstance(h, bool) for h in hidden)
    except (TypeError, ValueError):
        ok = False
    if not ok or any(h < 1 for h in sizes):
        raise ValueError(f"hidden must be a tuple of positive integers or 'auto', got {hidden!r}")
    return sizes


def _check_number(name, value, low=None, integer=False, allow_inf=False):
    bad = isinstance(value, bool) or not isinstance(value, numbers.Real)
    if not bad:
        bad = (
            math.isnan(value)
            or (math.isinf(value) and not (allow_inf and not integer))
            or (integer and int(value) != value)
            or (low is not None and value < low)
        )
    if bad:
        kind = "an integer" if integer else "a number"
        bound = "" if low is None else f" >= {low}"
        raise ValueError(f"{name} must be {kind}{bound}, got {value!r}")
    return int(value) if integer else float(value)


def _global_init(init):
    """ "ga", "pso" or "de" when ``init`` names a population search (any case), else None."""
    if isinstance(init, str) and init.strip().lower() in GLOBAL_INITS:
        return init.strip().lower()
    return None


def _check_init(init):
    """An unknown ``init`` is refused before any data is read, with every choice named."""
    if _global_init(init) is not None:
        return
    try:
        get_initializer(init)
    except ValueError:
        plain = ", ".join(repr(n) for n in INIT_NAMES)
        searches = ", ".join(repr(n) for n in GLOBAL_INITS)
        raise ValueError(
            f"unknown init {init!r}; choose one of {plain} or a population search "
            f"{searches} (or a callable)"
        ) from None


class _BPBase(BaseEstimator):
    """Shared fit / predict machinery; the subclasses define the targets and the outputs."""

    _task = "regression"

    # -- validation --------------------------------------------------------------------
    def effective_params(self) -> dict:
        """The settings a fit uses: every parameter, with those left at None (``division``
        at "auto") replaced by the value of ``preset`` (see :data:`PRESETS`)."""
        if self.preset not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {self.preset!r}")
        out = self.get_params(deep=False)
        preset = PRESETS[self.preset]
        for name, value in {**preset, **preset.get(self._task, {})}.items():
            if name not in out:
                continue  # lm_max_params: not a parameter
            unset = out[name] == "auto" if name == "division" else out[name] is None
            if unset:
                out[name] = value
        return out

    def _check_params(self):
        self._eff = eff = self.effective_params()
        self._hidden = _check_hidden(eff["hidden"])
        for name in ("epochs", "max_fail", "n_restarts"):
            _check_number(name, eff[name], low=0 if name == "epochs" else 1, integer=True)
        self._n_ensemble = _check_number("n_ensemble", self.n_ensemble, low=1, integer=True)
        _check_number("goal", self.goal, low=0)
        if eff["l2"] != "auto":
            try:
                _check_number("l2", eff["l2"], low=0)
            except ValueError:
                raise ValueError(f"l2 must be a number >= 0 or 'auto', got {eff['l2']!r}") from None
        if self.time_limit is not None:
            _check_number("time_limit", self.time_limit, low=0, allow_inf=True)
        if self.min_grad is not None:
            _check_number("min_grad", self.min_grad, low=0)
        if eff["scaling"] not in SCALINGS:
            raise ValueError(f"scaling must be one of {sorted(SCALINGS)}, got {self.scaling!r}")
        if eff["division"] not in ("cv", "refit", "random", "block", "interleaved", None, "none"):
            raise ValueError(
                "division must be 'cv', 'refit', 'random', 'block', 'interleaved', "
                f"None or 'auto', got {self.division!r}"
            )
        if self.pca is not None:
            p = self.pca
            # typeshed's numbers ABCs declare no comparisons, hence the two ignores
            ok = (
                (isinstance(p, numbers.Integral) and p >= 1)  # type: ignore[operator]
                or (
                    isinstance(p, numbers.Real)
                    and not isinstance(p, numbers.Integral)
                    and 0 < p < 1  # type: ignore[operator]
                )
            )
            if not ok or isinstance(p, bool):
                raise ValueError(
                    f"pca must be None, a positive integer or a fraction in (0, 1), got {p!r}"
                )
        if self.algorithm_params is not None and not isinstance(self.algorithm_params, dict):
            raise ValueError(f"algorithm_params must be a dict, got {self.algorithm_params!r}")
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {list(_DTYPES)}, got {self.dtype!r}")
        if self.connections not in CONNECTIONS:
            raise ValueError(
                f"connections must be 'layered' or 'cascade', got {self.connections!r}"
            )
        _check_init(self.init)
        self._activations()  # raises on unknown names
        get_loss(self._loss_name())

    def _loss_name(self):
        if self.loss != "auto":
            return self.loss
        return "mse" if self._task == "regression" else "cross_entropy"

    def _output_activation(self):
        return "purelin" if self.output_activation == "auto" else self.output_activation

    def _activations(self, n_hidden=None):
        if n_hidden is None:
            n_hidden = 1 if self._hidden == "auto" else len(self._hidden)
        act = self._eff["activation"]
        hidden = list(act) if isinstance(act, (list, tuple)) else [act] * n_hidden
        if len(hidden) != n_hidden and self._hidden != "auto":
            raise ValueError(
                f"activation lists {len(hidden)} functions for {n_hidden} hidden layers: {act!r}"
            )
        acts = [get_activation(a) for a in hidden] + [get_activation(self._output_activation())]
        return [a.spec() for a in acts]

    def _resolve_algorithm(self, n_params, kind=None):
        if self.algorithm != "auto":
            return self.algorithm, dict(self.algorithm_params or {})
        if kind is None:
            squares = self._loss_name() in ("mse", "sse")
            if self._task != "regression":
                kind = "classification"
            else:
                small = n_params <= PRESETS[self.preset]["lm_max_params"]
                kind = "small_regression" if squares and small else "regression"
        name, params = _pick_auto(kind), dict(self.algorithm_params or {})
        accepted = inspect.signature(ALGORITHMS[name]).parameters
        bad = sorted(k for k in params if k not in accepted or k == "self")
        if bad:  # refuse rather than drop them silently: the user meant them to act
            raise ValueError(
                f"algorithm='auto' chose {name!r}, which has no parameter(s) "
                f"{bad}; name the algorithm or pass only its parameters"
            )
        return name, params

    # -- training ----------------------------------------------------------------------
    def _division(self, n):
        """The trainer's division ("refit" splits at random), or None when there are too
        few samples to divide."""
        division = self._eff["division"]
        if division in (None, "none"):
            return None
        r = np.asarray(self._eff["ratios"], dtype=float)
        if r.shape != (3,) or not np.all(np.isfinite(r)) or np.any(r < 0) or r[0] <= 0:
            raise ValueError(
                f"ratios must be three numbers (train, val, test) >= 0 with "
                f"train > 0, got {self._eff['ratios']!r}"
            )
        r = r / r.sum()
        n_val, n_test = round(n * r[1]), round(n * r[2])
        if r[1] > 0 and (n_val < 1 or n - n_val - n_test < 2):
            return None  # e.g. 3 samples: train on all rather than fail
        return "random" if division in ("refit", "cv") else division

    def _n_folds(self, n):
        """How many folds ``division="cv"`` selects on for ``n`` rows: the preset's
        ``cv_folds`` up to ``cv_max_rows`` rows (where one 20 % split leaves too few rows
        to choose on), else 0 (one random split, as "refit"); 0 for other divisions."""
        if self._eff["division"] != "cv":
            return 0
        pre = PRESETS[self.preset]
        k = int(pre["cv_folds"])
        return k if n <= pre["cv_max_rows"] and n >= 2 * k else 0

    def _fold_ids(self, T, k, seed):
        """A fold number in 0..k-1 for each row, drawn with ``seed``: stratified by class for
        the classifier (each class spread evenly over the folds), at random for regression."""
        rng = np.random.default_rng(seed)
        n = T.shape[0]
        order = rng.permutation(n)
        if self._task == "regression":
            groups = np.zeros(n, dtype=np.int64)
        else:
            groups = np.unique(T, axis=0, return_inverse=True)[1].reshape(-1)
        order = order[np.argsort(groups[order], kind="stable")]  # class by class, shuffled
        fold = np.empty(n, dtype=np.int64)
        fold[order] = (np.arange(n) + int(rng.integers(k))) % k
        return fold

    def _l2_candidates(self, selecting):
        """Weight decays to try: ``L2_CANDIDATES`` for "auto" when there are validation rows
        to choose on (none without, or for an algorithm that sets its own, such as trainbr:
        no weight decay), else the given value."""
        l2 = self._eff["l2"]
        if l2 != "auto":
            return (float(l2),)
        if self.algorithm != "auto" and getattr(
            ALGORITHMS.get(str(self.algorithm).strip().lower()), "estimates_weight_decay", False
        ):
            return (0.0,)
        pre = PRESETS[self.preset]
        grid = pre.get(self._task, {}).get("l2_candidates", pre.get("l2_candidates", L2_CANDIDATES))
        return tuple(grid) if selecting else (0.0,)

    def _grows(self) -> bool:
        """True when the algorithm grows its own hidden units (cascade-correlation)."""
        cls = ALGORITHMS.get(str(self.algorithm).strip().lower())
        return bool(getattr(cls, "grows", False))

    def _epochs(self) -> int:
        """The epoch budget: as given, else a growing algorithm's own (its epochs count
        every phase of every unit), else the preset's."""
        if self.epochs is None and self._grows():
            cls = ALGORITHMS[str(self.algorithm).strip().lower()]
            return int(getattr(cls, "default_epochs", self._eff["epochs"]))
        return self._eff["epochs"]

    def _candidates(self, n_in, n_out):
        """Hidden-layer tuples to try: the given one, or the tutorial's rule for a = 1..10;
        none for an algorithm that grows them (a warm start: the fitted network's)."""
        warm = self.__dict__.get("_warm")
        if self._grows():
            if warm is not None:
                raise ValueError(
                    f"warm_start does not apply to algorithm {self.algorithm!r}, which grows "
                    "its hidden units from none: set warm_start=False"
                )
            if self.hidden not in (None, "auto", ()):
                raise ValueError(
                    f"algorithm {self.algorithm!r} grows its hidden units from none: leave "
                    f"hidden unset or give hidden=(), got hidden={self.hidden!r}"
                )
            return [((), None)]
        if warm is not None:
            return [(tuple(warm.sizes[1:-1]), None)]
        if self._hidden != "auto":
            return [(self._hidden, None)]
        seen, out = set(), []
        for a in _AUTO_A:
            h = hidden_size_rule(n_in, n_out, a)
            if h not in seen:
                seen.add(h)
                out.append(((h,), a))
        return out

    def _train_one(self, hidden, Z, T, sw, validation, division, run, epochs, time_left=math.inf):
        """One network trained; ``run`` = (init_seed, split_seed, algorithm, params, l2);
        ``time_left``: the seconds of the fit's budget that remain for it."""
        init_seed, split_seed, alg, params, l2 = run
        warm = self.__dict__.get("_warm")
        search = None if warm is not None else _global_init(self.init)  # GA/PSO/DE-BP
        if warm is not None:  # warm_start: a copy of the fitted network, same weights
            net = Network.from_spec(warm.spec(), warm.params)
        else:
            net = Network(
                [Z.shape[1], *hidden, T.shape[1]],
                self._activations(len(hidden)),
                seed=init_seed,
                init="nguyen-widrow" if search else self.init,
                dtype=self.dtype_,
                connections=self.connections,
            )
        rec = train(
            net,
            Z,
            T,
            algorithm=alg,
            loss=self._loss_name(),
            epochs=epochs,
            goal=self.goal,
            min_grad=self.min_grad,
            max_fail=self._eff["max_fail"],
            time=max(time_left, 0.0),
            division=division,
            ratios=tuple(getattr(self, "_ratios", None) or self._eff["ratios"]),
            validation=validation,
            sample_weight=sw,
            l2=l2,
            shuffle=self.shuffle,
            seed=split_seed,
            progress=bool(self.verbose),
            init_search=search,
            **params,
        )
        return net, rec

    @staticmethod
    def _score(rec, run=None):
        """Selection key: the validation loss of the parameters the run kept -- the best
        epoch's, or the last one's for an algorithm that keeps its last parameters
        (``validation_stop=False``: trainbr) -- else the final training loss."""
        v = rec.best_val_loss
        if run is not None and len(rec.val_loss) and _BPBase._keeps_last(run):
            v = rec.val_loss[-1]
        key = v if v is not None and np.isfinite(v) else rec.final_loss
        return key if np.isfinite(key) else np.inf

    @staticmethod
    def _keeps_last(run):
        """True when the run's algorithm keeps its last parameters rather than the best
        validation epoch's (``validation_stop=False``, as trainbr by default)."""
        return not getattr(get_algorithm(run[2], **run[3]), "validation_stop", True)

    @staticmethod
    def _loss_scale(rec):
        """The run's starting loss (validation, else training): the yardstick below which
        two candidates' losses differ by round-off only."""
        for series in (rec.val_loss, rec.loss):
            if len(series) and np.isfinite(series[0]):
                return abs(float(series[0]))
        return 0.0

    @staticmethod
    def _better(key, best, scale):
        """``key`` beats ``best`` by more than round-off (``TIE_RTOL`` of the starting loss
        or of ``best``): a tie keeps the earlier candidate (the narrower width, the first
        initialisation), so the choice doesn't hang on the order rows are summed in (a
        weighted fit and one with rows repeated sum in different orders)."""
        if best is None:
            return True
        return key < best[0] - TIE_RTOL * max(abs(best[0]), scale)

    def _runs(self, rs, split_seed, n_in, n_out, l2s):
        """The candidate runs in order: (hidden, a, run) per width x restart x weight decay
        (seeds drawn as they come, so a search cut short draws the same ones)."""
        for hidden, a in self._candidates(n_in, n_out):
            n_params = parameter_count([n_in, *hidden, n_out], self.connections)
            alg, params = self._resolve_algorithm(n_params)
            for _ in range(self.n_restarts):
                init_seed = int(rs.randint(np.iinfo(np.int32).max))
                for l2 in l2s:
                    yield hidden, a, (init_seed, split_seed, alg, params, l2)

    def _evaluate(self, hidden, run, data, folds, left, which=None):
        """One candidate trained and scored: on the validation rows (given, or the trainer's
        random split), or with ``folds`` (a fold number per row) once per fold, on the
        other folds' rows with early stopping on that fold's. Returns (key, scale, members,
        found): the selection key (the mean over folds), the round-off yardstick, the
        (network, record) pairs and the epoch count early stopping found (the folds'
        median)."""
        Z, T, sw, validation, division, epochs = data
        if folds is None:
            net, rec = self._train_one(hidden, Z, T, sw, validation, division, run, epochs, left())
            found = rec.epochs if self._keeps_last(run) else rec.best_epoch
            return self._score(rec, run), self._loss_scale(rec), [(net, rec)], found
        members: list[tuple[Any, Any]] = []
        keys, scales, found = [], [], []
        for k in range(int(folds.max()) + 1) if which is None else which:
            if members and left() <= 0:
                return None  # cut by the time limit: not comparable with full candidates
            tr, va = folds != k, folds == k
            wt, wv = (None, None) if sw is None else (sw[tr], sw[va])
            val = (Z[va], T[va]) if wv is None else (Z[va], T[va], wv)
            net, rec = self._train_one(hidden, Z[tr], T[tr], wt, val, None, run, epochs, left())
            # the record names the fit's own rows (not the fold's 0..m-1)
            rec.train_idx, rec.val_idx = np.flatnonzero(tr), np.flatnonzero(va)
            members.append((net, rec))
            keys.append(self._score(rec, run))
            scales.append(self._loss_scale(rec))
            found.append(rec.epochs if self._keeps_last(run) else rec.best_epoch)
        # the fold whose early stop is the median one first: its record stands for the
        # selection (selection_record_, and the diagnosis of a network that barely trained)
        mid = int(np.argsort(found, kind="stable")[len(found) // 2])
        members.insert(0, members.pop(mid))
        return float(np.mean(keys)), float(np.mean(scales)), members, int(found[mid])

    def _fit_network(self, Z, T, sw, validation, rs, deadline=None):
        """Train every candidate (hidden widths x restarts x weight decays), keep the best on
        validation data -- one random split, or with division "cv" on small data the mean
        over k folds; with division "refit" or "cv", train it again on all rows for the
        epoch count found. ``time_limit`` is the budget of all of it: each run gets what is
        left, no candidate starts once it is spent (the first always runs), and a refit
        that cannot finish in it is dropped for the selection's network(s). ``rs`` draws
        the seeds; ``deadline`` (on the trainer's clock) is shared by an ensemble's
        members. The fitted networks are left in ``_fitted`` as (network, record)."""
        budget = math.inf if self.time_limit is None else float(self.time_limit)
        if deadline is None:
            deadline = _trainer._clock() + budget
        split_seed = int(rs.randint(np.iinfo(np.int32).max))
        division = None if validation is not None else self._division(Z.shape[0])
        k = self._n_folds(Z.shape[0]) if division is not None else 0
        folds = self._fold_ids(T, k, split_seed) if k else None
        self.cv_folds_ = k
        epochs = self._epochs()
        data = (Z, T, sw, validation, None if folds is not None else division, epochs)
        l2s = self._l2_candidates(validation is not None or division is not None)
        # division "cv" above cv_max_rows: one random split, with the preset's settings for
        # the task where the user left them unset
        pre = PRESETS[self.preset]
        many = self._eff["division"] == "cv" and not k and division is not None
        alt = pre["many"][self._task] if many else {}
        self._ratios = alt.get("ratios") if self.ratios is None else None
        if alt.get("hidden") is not None and self.hidden is None:
            self._hidden = tuple(alt["hidden"])
        if alt.get("l2") is not None and self._eff["l2"] == "auto" and self.l2 is None:
            l2s = (float(alt["l2"]),)
        best: tuple | None = None
        search: dict = {}
        l2_search: dict = {}
        notes: list[str] = []
        n_runs = len(self._candidates(Z.shape[1], T.shape[1])) * self.n_restarts * len(l2s)
        done = 0

        def left():
            return deadline - _trainer._clock()

        # the candidates are compared on the first ``cv_select`` folds; the winner is then
        # trained on the others too (its members are every fold's network)
        n_sel = min(int(PRESETS[self.preset]["cv_select"]), k) if k else 0
        which = list(range(n_sel)) if k else None
        for hidden, a, run in self._runs(rs, split_seed, Z.shape[1], T.shape[1], l2s):
            result = (
                None
                if best is not None and left() <= 0
                else (self._evaluate(hidden, run, data, folds, left, which))
            )
            if result is None:
                notes.append(
                    f"time_limit={budget:g} s ran out after {done} of the {n_runs} "
                    "candidate runs (hidden widths x restarts x weight decays); the "
                    "best of those was kept."
                )
                break
            done += 1
            key, scale, members, found = result
            if a is not None:
                search[a] = min(search.get(a, np.inf), key)
            l2_search[run[4]] = min(l2_search.get(run[4], np.inf), key)
            if self._better(key, best, scale):
                best = (key, members, found, hidden, run)
        assert best is not None  # the first candidate always runs
        _, members, found, hidden, run = best
        if k and n_sel < k and left() > 0:
            rest = self._evaluate(hidden, run, data, folds, left, range(n_sel, k))
            if rest is not None:
                members = members + rest[2]
                stops = [r.epochs if self._keeps_last(run) else r.best_epoch for _, r in members]
                mid = int(np.argsort(stops, kind="stable")[len(stops) // 2])
                members.insert(0, members.pop(mid))
                found = int(stops[mid])
        self.network_, self.record_ = members[0]
        self.algorithm_, self.l2_ = run[2], run[4]
        self.hidden_ = tuple(int(h) for h in hidden)
        self.hidden_search_ = search or None
        self.l2_search_ = l2_search if len(l2_search) > 1 else None
        self.selection_record_ = None
        self._fitted = [members[0]] if folds is None else members
        # n_ensemble=k: k networks, each member its refit (the folds only select)
        # (above cv_max_rows the task's "final" says whether the split's network joins it)
        final = "refit"
        if self._n_ensemble == 1:
            final = pre["cv_final"] if folds is not None else alt.get("final", "refit")
        refits = self._eff["division"] == "refit" or (
            self._eff["division"] == "cv" and alt.get("refit", True)
        )
        if division is not None and refits and final != "folds":
            # early stopping found the epoch count; train on every row for that long
            n = min(max(int(found), REFIT_MIN_EPOCHS), epochs)
            if self._grows():  # grow the units validation chose, not an epoch count
                units = len(self.network_.sizes) - 2
                run, n = (*run[:3], {**run[3], "max_units": units}, run[4]), epochs
            refit = None
            if left() > 0:
                refit = self._train_one(hidden, Z, T, sw, None, None, run, n, left())
            if refit is not None and not (
                refit[1].stop_reason == "time limit" and refit[1].epochs < n
            ):
                self.selection_record_ = self.record_
                self.network_, self.record_ = refit
                self._fitted = [refit] + (members if final == "both" else [])
            else:
                what = "split (without the validation rows)" if folds is None else "folds"
                notes.append(
                    f"time_limit={budget:g} s ran out before the refit on all rows "
                    f"({n} epochs) could finish; the network(s) trained on the {what} "
                    "were kept."
                )
        elif folds is not None:
            self.selection_record_ = self.record_
        if final == "refit":
            self._fitted = self._fitted[:1]
        if self._grows():  # the units it grew (a refit grows its own)
            self.hidden_ = tuple(int(h) for h in self.network_.sizes[1:-1])
        self._warn(self.selection_record_ or self.record_, notes)

    def _warn(self, rec, notes=()):
        self.diagnosis_ = diagnose(rec, float(self.goal))
        if notes:
            self.diagnosis_ = " ".join([*notes, *([self.diagnosis_] if self.diagnosis_ else [])])
        already = rec.stop_reason == "diverged" and rec.message  # the trainer warned
        if self.diagnosis_ and self.warn and (notes or not already):
            warnings.warn(self.diagnosis_, ConvergenceWarning, stacklevel=6)  # the caller of fit

    def _set_dtype(self, X):
        """``dtype_``: the network's float type — float32 for float32 data with
        dtype="auto" (as scikit-learn's MLP does), else as asked."""
        want = _DTYPES[self.dtype]
        self.dtype_ = np.dtype(X.dtype if want is None else want)

    def _prepare_X(self, X, sw=None):
        self._set_dtype(X)
        self.input_map_ = InputPreprocessor(
            self._eff["scaling"], self.drop_constant, self.pca, seed=0
        ).fit(X, sw, self.input_range)
        return self.input_map_.transform(X, self.dtype_)

    def _remember_target_names(self, y):
        """``target_names_``: the target column name(s) when y is a pandas Series/DataFrame,
        so predictions can be labelled with them (the CLI does)."""
        names = (
            list(y.columns)
            if hasattr(y, "columns")
            else (
                [y.name]
                if getattr(y, "name", None) is not None and hasattr(y, "to_numpy")
                else None
            )
        )
        if names is not None:
            self.target_names_ = np.asarray([str(n) for n in names], dtype=object)
        elif hasattr(self, "target_names_"):
            del self.target_names_

    def _fit_ensemble(self, Z, T, sw, validation):
        """``n_ensemble`` runs of the one-network fit, drawing their seeds (and with a random
        division their splits) in turn from one random state; member 0's attributes stay
        the estimator's (``network_``, ``record_``...), ``networks_`` and ``records_`` list
        all of them."""
        rs = check_random_state(self.random_state)
        # time_limit is the budget of the whole fit: every member draws on one deadline
        deadline = _trainer._clock() + (
            math.inf if self.time_limit is None else float(self.time_limit)
        )
        nets, recs, first = [], [], None
        warm = self.__dict__.get("_warm")  # warm_start: member i goes on from member i
        starts = list(self.__dict__.get("networks_") or [warm]) if warm is not None else []
        for i in range(self._n_ensemble):
            if starts:
                self._warm = starts[i % len(starts)]
            self._fit_network(Z, T, sw, validation, rs, deadline)
            nets += [net for net, _ in self._fitted]
            recs += [rec for _, rec in self._fitted]
            del self._fitted
            if i == 0:
                first = {a: getattr(self, a) for a in _MEMBER_ATTRS}
        self.__dict__.update(first)  # type: ignore[arg-type]  # set by member 0
        self.networks_, self.records_ = nets, recs

    def _held_out_rows(self, n):
        """Rows of the training data that no member trained on (sorted indices)."""
        used = np.zeros(n, dtype=bool)
        for rec in self.records_:
            idx = np.arange(n) if rec.train_idx is None else np.asarray(rec.train_idx, int)
            used[idx] = True
        return np.flatnonzero(~used)

    def _calibrate(self, X, y, calibration):
        """``conformity_scores_`` for :meth:`predict_interval` (regression): absolute
        residuals on ``calibration`` data, else on the rows no member trained on."""
        if self._task != "regression":
            return
        if calibration is not None:
            if not isinstance(calibration, (tuple, list)) or len(calibration) != 2:
                raise ValueError(
                    f"calibration must be a tuple (X_cal, y_cal), got {type(calibration).__name__}"
                )
            Xc = self._encode(calibration[0], reset=False)
            yc = np.asarray(calibration[1], dtype=np.float64).reshape(len(Xc), -1)
            self._encode_targets(yc)  # checks the number of target columns
        else:
            rows = self._held_out_rows(X.shape[0])
            Xc, yc = X[rows], np.asarray(y, dtype=np.float64).reshape(len(X), -1)[rows]
        from .conformal import conformity_scores

        if len(Xc) == 0:
            self.conformity_scores_ = None
            return
        pred = self._predict_encoded(Xc).reshape(len(Xc), -1)
        self.conformity_scores_ = conformity_scores(yc, pred)

    def _predict_encoded(self, Xc):
        """``predict`` on rows of the fit that are already encoded and checked: predict
        takes them as they are (see ``_checked_X``), not through the table map again."""
        self._encoded_rows = Xc
        try:
            return np.asarray(self.predict(Xc))
        finally:
            del self._encoded_rows

    def _warm_network(self):
        """The fitted network a ``warm_start`` fit starts from, or None (a fresh fit)."""
        return self.__dict__.get("network_") if self.warm_start else None

    def _fit(self, X, y, sample_weight=None, validation=None, calibration=None):
        self._check_params()
        self._warm = warm = self._warm_network()
        self._remember_target_names(y)
        X, y, sample_weight = self._drop_missing_rows(X, y, sample_weight)
        X = self._encode(X, reset=warm is None, sample_weight=sample_weight)
        X, y = _validate_xy(X, y, self._task == "regression")
        sw = None if sample_weight is None else _check_sample_weight(sample_weight, X)
        if sw is not None and not np.any(sw > 0):
            raise ValueError("sample_weight sums to 0: at least one sample must count")
        # the scalers see the user's weights (a weight is copies of a row); class weights
        # only shape the loss
        if warm is None:
            T = self._fit_targets(y, sw)
            Z = self._prepare_X(X, sw)
        else:  # the maps the network was trained with stay, and so do classes_
            T = self._encode_targets(y)
            Z = self.input_map_.transform(X, self.dtype_)
        if self.input_range is not None or getattr(self, "target_range", None) is not None:
            self._warn_outside(X, y, sw, "fit")
        sw = self._combine_weights(y, sw)
        val = None
        if validation is not None:
            if not isinstance(validation, (tuple, list)) or len(validation) != 2:
                raise ValueError(
                    f"validation must be a tuple (X_val, y_val), got {type(validation).__name__}"
                )
            Xv = self._encode(validation[0], reset=False)
            val = (self.input_map_.transform(Xv, self.dtype_), self._encode_targets(validation[1]))
        self._fit_ensemble(Z, T, sw, val)
        self._calibrate(X, y, calibration)
        self._check_fitted_model(X, y, sample_weight)
        del self._warm
        return self

    def _check_fitted_model(self, X, y, sw):
        """Task-specific checks of the fitted model on its training rows (the classifier:
        no better than always answering the largest class)."""

    def _combine_weights(self, y, sw):
        return sw

    def _column_names(self, n, what):
        names = (
            self.__dict__.get("feature_names_in_")
            if what == "input"
            else self.__dict__.get("target_names_")
        )
        if names is not None and len(names) == n:
            return [f"{what} column {str(c)!r}" for c in names]
        return [f"{what} column {j}" for j in range(n)]

    def _warn_outside(self, X, y, sw, where):
        """A RangeWarning naming the columns of this batch that leave the range the
        scalers were fitted on (the first batch's, or the declared one), and how far
        (rows of weight 0 do not count: they take no part in training)."""
        if not self.warn:
            return
        rows = slice(None) if sw is None else np.asarray(sw) > 0
        checks = [("input", self.input_map_, X, "input_range")]
        if self.__dict__.get("target_map_") is not None and self._task == "regression":
            Y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
            checks.append(("target", self.target_map_, Y, "target_range"))
        for what, m, A, param in checks:
            out = m.outside(A[rows])
            if not out:
                continue
            declared = getattr(self, param, None) is not None
            said = describe_outside(
                out, m.range_low_, m.range_high_, self._column_names(A.shape[1], what), what
            )
            fix = (
                f"the declared {param} does not cover these rows; widen it"
                if declared
                else f"declare {param}=(low, high) (one pair, or one per column) so "
                "the scaling covers every batch"
            )
            warnings.warn(
                f"{where}: {said}. The network sees scaled values beyond those it "
                f"was fitted on and extrapolates; {fix}.",
                RangeWarning,
                stacklevel=4,
            )

    def _lean_rows(self, X):
        """X as an array when the microsecond checks prove it fit for prediction: a plain,
        non-empty 2-D float array of the fitted width, finite, given to a model fitted without
        feature names, or a pandas DataFrame with exactly the fitted feature names, in order,
        whose values are such an array; else None, and the general validation (with its usual
        errors and warnings) runs."""
        names = self.__dict__.get("feature_names_in_")
        table = self.__dict__.get("table_map_")
        if table is not None and not table.passthrough_:
            return None
        if names is not None:
            pd = sys.modules.get("pandas")  # no DataFrame without pandas imported
            if pd is None or type(X) is not pd.DataFrame or X.columns.tolist() != list(names):
                return None
            X = X.to_numpy()
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _FLOATS
            and X.shape[0] > 0
            and X.shape[1] == self.__dict__.get("n_features_in_", -1)
            and np.isfinite(X.sum())
        ):
            return X
        return None

    def _table_encoder(self):
        from .tables.encoder import TableEncoder

        return TableEncoder(
            categorical=self.categorical,
            numeric=self.numeric,
            ordinal=self.ordinal,
            max_levels=self.max_levels,
            handle_unknown=self.handle_unknown,
            missing=self.missing,
        )

    def _encode(self, X, reset, sample_weight=None):
        """The user's table X (a DataFrame, an array, nested lists) as the network's numeric
        inputs, through the table map (:class:`bpnn.tables.encoder.TableEncoder`): fitted
        here when ``reset``, with the column names and count checked against the fit's
        otherwise. Numeric, finite float data pass through unchanged (float32 stays
        float32); a model loaded from a file written before the table map runs
        scikit-learn's checks alone."""
        if not reset and self.__dict__.get("table_map_") is None:
            return _validate(self, X, reset=False, dtype=_FLOATS)
        if not hasattr(X, "columns"):  # arrays and lists: scikit-learn's shape checks
            X = check_array(X, dtype=None, ensure_all_finite=False, ensure_2d=True)
        validate_data(self, X, reset=reset, skip_check_array=True)
        if reset:
            sw = None if sample_weight is None else _check_sample_weight(sample_weight, X)
            self.table_map_ = self._table_encoder().fit(X, sw)
        table = self.table_map_
        if table.passthrough_ and isinstance(X, np.ndarray) and X.dtype in _FLOATS:
            if _finite(X):
                return X
        return table.transform(X)

    def _drop_missing_rows(self, X, y, sample_weight):
        """``missing="drop"``: the rows of X with a missing value go, with their y and
        weight (at least one row must stay)."""
        if self.missing != "drop":
            return X, y, sample_weight
        from .tables.encoder import missing_rows

        drop = missing_rows(X)
        if not drop.any():
            return X, y, sample_weight
        if drop.all():
            raise ValueError("every row of X has a missing value: missing='drop' leaves none")
        keep = np.flatnonzero(~drop)
        take = (lambda A: A.iloc[keep]) if hasattr(X, "iloc") else (lambda A: np.asarray(A)[keep])
        y_kept = y.iloc[keep] if hasattr(y, "iloc") else np.asarray(y)[keep]
        sw = None if sample_weight is None else np.asarray(sample_weight)[keep]
        return take(X), y_kept, sw

    def _checked_X(self, X):
        """X checked for prediction: the lean checks when they suffice, else scikit-learn's
        (the predict methods are those of :mod:`bpnn._predict`, shared with the light models
        of :func:`bpnn.io.load_predictor`)."""
        if X is self.__dict__.get("_encoded_rows"):
            return X
        Xc = self._lean_rows(X) if "network_" in self.__dict__ else None
        if Xc is not None:
            return Xc
        check_is_fitted(self, "network_")
        return self._encode(X, reset=False)

    def _partial_fit_algorithm(self):
        name, params = self._resolve_algorithm(0, kind="partial_fit")
        if not get_algorithm(name, **params).minibatch:
            raise ValueError(
                f"partial_fit needs an algorithm that can learn from parts of "
                f"the data ('sgd', 'gd', 'rprop'...), got {name!r}"
            )
        return name, params

    def _start_partial_fit(self, X, y, sw, first_call_setup):
        """First call: fit the maps on this batch and build the network."""
        first_call_setup(y, sw)
        Z = self._prepare_X(X, sw)
        n_out = self._n_net_outputs()
        hidden = (
            self._hidden if self._hidden != "auto" else (hidden_size_rule(Z.shape[1], n_out, 5),)
        )
        rs = check_random_state(self.random_state)
        init = "nguyen-widrow" if _global_init(self.init) else self.init  # no data to search
        self.networks_ = [
            Network(
                [Z.shape[1], *hidden, n_out],
                self._activations(len(hidden)),
                init=init,
                seed=int(rs.randint(np.iinfo(np.int32).max)),
                dtype=self.dtype_,
                connections=self.connections,
            )
            for _ in range(self._n_ensemble)
        ]
        self.network_, self.records_, self.conformity_scores_ = self.networks_[0], [], None
        self.hidden_, self.hidden_search_, self._pf_calls = tuple(hidden), None, 0

    def _partial_fit(self, X, y, sample_weight, first_call_setup):
        self._check_params()
        alg, params = self._partial_fit_algorithm()
        first = not hasattr(self, "network_")
        X = self._encode(X, reset=first, sample_weight=sample_weight)
        X, y = _validate_xy(X, y, self._task == "regression")
        sw = None if sample_weight is None else _check_sample_weight(sample_weight, X)
        if first:
            self._start_partial_fit(X, y, sw, first_call_setup)
        self._warn_outside(X, y, sw, "partial_fit")
        Z, T = self.input_map_.transform(X, self.dtype_), self._encode_targets(y)
        sw = self._combine_weights(y, sw)
        self._pf_calls = getattr(self, "_pf_calls", 0) + 1  # a new shuffle every call
        self.algorithm_ = alg
        self.records_ = [  # every member one epoch, each in its own order
            train(
                net,
                Z,
                T,
                algorithm=alg,
                loss=self._loss_name(),
                epochs=1,
                division=None,
                sample_weight=sw,
                l2=self._l2_candidates(False)[0],
                shuffle=self.shuffle,
                seed=self._pf_calls if i == 0 else [self._pf_calls, i],
                **params,
            )
            for i, net in enumerate(self._members())
        ]
        self.record_ = self.records_[0]
        self.diagnosis_ = None
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self.missing not in ("error", "drop")
        tags.non_deterministic = self.random_state is None
        return tags


_COMMON_DOC = """
    Parameters
    ----------
    preset : "default", "best" or "matlab", default "default"
        Where the parameters left at None (``division`` at "auto") take their values from
        (``bpnn.estimators.PRESETS``; ``effective_params()`` lists the result). "default":
        chosen for accuracy on unseen data (docs/defaults.md) -- hidden (20,), standard
        scaling, ``l2="auto"``, ``division="cv"`` with ratios (0.8, 0.2, 0), max_fail 10
        (a regressor: 30), epochs 200, scaled conjugate gradient; the classifier takes 100
        ReLU ("poslin") units, weight decays up to 1e-1, and on more than 1000 rows l2 1e-3
        on an 80/20 split, that network averaged with its refit on all rows. "best": for
        users who can wait (several times the default's fit) -- 5-fold selection among
        four weight decays at every size, max_fail 20, the folds' networks and the refit
        averaged. "matlab": feedforwardnet/trainlm's workflow
        and the estimators' earlier defaults exactly -- hidden (10,), min-max scaling to
        [-1, 1], l2 0, a random 70/15/15 division, max_fail 6, epochs 1000, Levenberg-Marquardt
        for regression nets of up to 1000 parameters. An explicit parameter always wins.
    hidden : tuple of int or "auto", default None (the preset's)
        Hidden-layer widths. ``"auto"`` uses one layer of the tutorial's
        ``round(sqrt(m + n) + a)`` units, ``a`` in 1..10 chosen on validation.
    activation : str or list, default None (the preset's)
        Hidden-layer activation, one for all layers or one per layer. None: "tansig",
        except the default and best presets' classifier, "poslin" (ReLU).
    connections : "layered" or "cascade", default "layered"
        "layered": each layer reads the layer below it. "cascade": each layer reads the
        (scaled) inputs and the outputs of every earlier layer, as MATLAB's
        ``cascadeforwardnet`` (see :class:`bpnn.Network`); the same algorithms, model file,
        report and exports serve it.
    output_activation : str, default "auto"
        {output_doc}
    loss : str, default "auto"
        {loss_doc}
    algorithm : str, default "auto"
        A registered training algorithm (``bpnn.algorithm_names()``) or MATLAB alias; "auto"
        takes the first registered of ``bpnn.estimators.AUTO_ALGORITHMS``. "cascade"
        (cascade-correlation) grows its own hidden units from none: leave ``hidden``
        unset (``hidden_`` is then the grown ``(1, 1, ...)``); ``epochs`` defaults to
        10,000, counting the epochs of every phase, and ``division="refit"`` grows the
        unit count that validation chose again on all rows.
    algorithm_params : dict, optional
        Passed to the algorithm, e.g. ``{{"lr": 0.5}}`` for "sgd" or ``{{"mu": 1e-3}}`` for "lm".
        With "auto" they go to the chosen algorithm; one it does not take is a ValueError
        naming it (raised by ``fit``, once the algorithm is chosen).
    epochs, goal, max_fail, min_grad :
        Stopping rules of :func:`bpnn.train`: epoch limit, training-loss goal, validation
        checks, minimum gradient norm (epochs and max_fail None: the preset's).
    time_limit : float, optional
        Seconds for the whole ``fit``: every hidden width, restart and weight decay tried and
        the refit share it. Each run gets what is left; once it is spent no further
        candidate starts (the best so far is kept), and a refit that cannot finish in it
        is dropped for the split run's network. ``diagnosis_`` and a ConvergenceWarning say
        what was cut. Each ``partial_fit`` call trains one epoch and ignores it.
    division : str or None, default "auto"
        How ``fit`` splits X into training / validation / test sets (by ``ratios``):
        "cv", "refit", "random", "block", "interleaved" (as in :func:`bpnn.train`), None or
        "auto"; ignored when ``fit`` is given ``validation=(X_val, y_val)``. "cv": on up to
        the preset's ``cv_max_rows`` (1000) rows, 5 folds (stratified for classes): the
        weight decays are compared on the first (train on 4/5, early stop on 1/5), the
        winner is trained on every fold, then on all rows for the folds' median best epoch,
        and the model averages the refit and the folds' networks (``networks_``; the
        median fold's record is ``selection_record_``); on more rows one random split as
        the preset says (docs/defaults.md). "refit": a
        random split picks ``l2`` and the epoch count by early stopping, then the network
        is trained again on all rows for that many epochs (at least 10, at most
        ``epochs``; ``selection_record_`` keeps the split run). None: train on all rows.
        "auto": the preset's. With fewer than about ten samples everything is used for
        training.
    ratios : (train, val, test), default None (the preset's)
    scaling : str, default None
        How the inputs are scaled: "minmax" to [-1, 1], "minmax01" to [0, 1], "standard"
        to zero mean and unit variance, "none" not at all. None: the preset's, "standard"
        ("minmax" for ``preset="matlab"``).
    drop_constant : bool, default True
        Drop input columns that never change.
    pca : None, int or float in (0, 1)
        Keep this many principal components (or this fraction of the variance) of the
        scaled inputs.
    init : str, default "nguyen-widrow"
        Weight initialiser (see :mod:`bpnn.initializers`), or "ga", "pso", "de": a population
        search over the initial weights on the training loss (from a Nguyen-Widrow start;
        600 loss evaluations, see :mod:`bpnn.algorithms.global_init` and docs/init.md),
        then training as usual ("ga" needs PyGAD: ``pip install "bpnn[search]"``).
    l2 : float or "auto", default None
        Weight decay ``l2 / 2 * ||W||^2`` added to the (mean) loss. None: the preset's,
        "auto" (0 for ``preset="matlab"``). "auto" tries
        ``bpnn.estimators.L2_CANDIDATES`` (the default classifier adds 1e-1) and keeps the
        lowest validation loss (``l2_``, ``l2_search_``); without validation rows (division
        None, partial_fit) it is 0.
    n_restarts : int, default 1
        Train this many initialisations and keep the best on validation data.
    shuffle : bool, default True
    random_state : int, RandomState or None
    verbose : bool, default False
        Show a live progress line while training.
    warn : bool, default True
        Warn (ConvergenceWarning) when training stops short, saying why and what to try.
    dtype : "auto", "float64" or "float32", default "auto"
        The network's float type; "auto" trains float32 data in float32 (as scikit-learn's
        MLP does: half the memory, faster matrix products) and anything else in float64.
        Kept in the model file; predictions are computed in it (``dtype_``).
    n_ensemble : int, default 1
        Fit this many networks, each as one fit would (new seeds and, with a random
        division, a new split each), and average their outputs (probabilities for the
        classifier). ``networks_`` and ``records_`` hold them all; ``network_`` is the first.
        See docs/uncertainty.md.
    categorical : list of column names, or dict, optional
        Columns encoded as categories whatever their values (integer-coded classes, say);
        a dict ``{{column: [levels]}}`` declares the levels in advance (useful for
        ``partial_fit``). Text, boolean and pandas ``category`` columns are categorical
        without it. The rules of the table map are in docs/data.md and
        :mod:`bpnn.tables.encoder`; the fitted map is ``table_map_``.
    numeric : list of column names, optional
        Columns read as numbers whatever the detection says.
    ordinal : dict, optional
        ``{{column: [levels in order]}}``: one input holding the level's position.
    max_levels : int, default 20
        Most inputs one categorical column takes: with more levels, the ``max_levels - 1``
        most frequent (counted with the sample weights) keep their own input and the rest
        share ``<other>``.
    handle_unknown : "ignore" or "error", default "ignore"
        A level not seen by ``fit``: "ignore" encodes it as the column's ``<other>`` input
        (or all zeros) with a :class:`bpnn.tables.encoder.TableWarning`; "error" raises.
    missing : str, default "indicator"
        Missing input values (NaN, None, blank text), one of "indicator", "mean",
        "median", "drop", "error": "indicator" (MATLAB's
        ``fixunknowns``) fills a numeric column with its mean and adds a 0/1 input
        saying the value was missing; "mean"/"median" fill only; a categorical column
        gets a ``<missing>`` level under all three; "drop" removes such rows from ``fit``
        (and refuses them at prediction); "error" refuses them. Measurements behind the
        default: docs/data.md.
    input_range : (low, high), optional
        The inputs' range declared in advance, used by the input scaling instead of the
        data's own min/max (``partial_fit``: instead of the first batch's): ``low`` and
        ``high`` are numbers (every column) or arrays of one value per column. Min-max
        scaling maps it onto its interval; "standard" centres it and divides by
        ``(high - low) / sqrt(12)`` (the spread of values even over the range); a column
        with low == high is constant (dropped with ``drop_constant``). PCA, when asked
        for, is still fitted on the first data. Without it, a ``partial_fit`` batch that
        leaves the first batch's range (or data beyond a declared range) gives a
        ``bpnn.preprocessing.RangeWarning`` (a UserWarning) naming the columns and how
        far they go; ``warn=False`` silences it.
    warm_start : bool, default False
        When True and the model is fitted (by ``fit``, or imported with
        :func:`bpnn.from_sklearn` / :func:`bpnn.import_fann`), ``fit`` trains the fitted
        network further instead of a new one: its weights, architecture and activations,
        the input and target maps and ``classes_`` stay (so the new data must fit them);
        the algorithm, epochs, stopping rules and division apply as usual, each restart
        starts from the same weights, and an ensemble's member i from the fitted member i
        (cycling through them when there are fewer). As scikit-learn's ``warm_start``.
"""


class BPRegressor(RegressorMixin, RegressorPrediction, _BPBase):
    __doc__ = (
        "A BP network for (multi-output) regression, with targets scaled for training "
        "and predictions mapped back to their units.\n"
        + _COMMON_DOC.format(
            output_doc="Output activation; 'auto' is 'purelin' (linear).",
            loss_doc="'auto' is 'mse' (MATLAB's); also 'sse', 'mae'.",
        )
        + """    target_scaling : str, default None
        How the targets are scaled for training: "minmax", "minmax01", "standard" or
        "none", as ``scaling`` for the inputs;
        predictions are mapped back to the targets' units. None: the preset's, "standard"
        ("minmax" for ``preset="matlab"``).
    target_range : (low, high), optional
        The targets' range declared in advance, as ``input_range`` for the inputs: the
        target scaling uses it instead of the (first batch's) data.

    Attributes
    ----------
    network_ : Network
        The trained network (on the scaled inputs and targets).
    record_ : TrainingRecord
        The training run's per-epoch record and stop reason.
    algorithm_ : str
        The training algorithm used (what "auto" chose).
    hidden_ : tuple of int
        The hidden-layer widths used.
    input_map_ : InputPreprocessor
        Input scaling, dropped constant columns and PCA, as fitted.
    target_map_ : TargetScaler
        The target scaling and its inverse for predictions.
    n_features_in_ : int
        Number of input columns seen by ``fit``.
    feature_names_in_ : array of str
        Column names, when fitted on a DataFrame.
    hidden_search_ : dict or None
        ``{a: validation loss}`` for ``hidden="auto"``.
    diagnosis_ : str or None
        Why training stopped short and what to try, or None.
    l2_ : float
        The weight decay used.
    l2_search_ : dict or None
        ``{l2: validation loss}`` for ``l2="auto"``.
    selection_record_ : TrainingRecord or None
        The split run's record when ``division="refit"``, the median fold's with "cv"
        on up to ``cv_max_rows`` rows, else None.
    cv_folds_ : int
        The folds ``division="cv"`` selected on (0: one split, or another division).
    networks_ : list of Network
        The ensemble's member networks (``n_ensemble``).
    records_ : list of TrainingRecord
        Their training records.
    conformity_scores_ : ndarray or None
        (n_cal, n_targets) sorted absolute residuals on rows not trained on, for
        ``predict_interval``; None when there were none.

    Examples
    --------
    MATLAB's SIN problem, with MATLAB's defaults (Levenberg-Marquardt) on all 41 points:

    >>> import numpy as np
    >>> from bpnn import BPRegressor
    >>> x = np.linspace(-1, 1, 41).reshape(-1, 1)
    >>> model = BPRegressor(hidden=(5,), preset="matlab", division=None, random_state=0,
    ...                     warn=False).fit(x, np.sin(np.pi * x).ravel())
    >>> model.algorithm_, model.predict(x[:3]).shape
    ('lm', (3,))
    >>> model.score(x, np.sin(np.pi * x).ravel()) > 0.99
    True
"""
    )

    _task = "regression"

    def __init__(
        self,
        hidden: int | Sequence[int] | str | None = None,
        activation: str | Sequence[str] | None = None,
        output_activation: str = "auto",
        loss: str = "auto",
        algorithm: str = "auto",
        algorithm_params: dict[str, Any] | None = None,
        epochs: int | None = None,
        goal: float = 0.0,
        max_fail: int | None = None,
        min_grad: float | None = None,
        time_limit: float | None = None,
        division: str | None = "auto",
        ratios: tuple[float, float, float] | None = None,
        scaling: str | None = None,
        drop_constant: bool = True,
        pca: int | float | None = None,
        init: str = "nguyen-widrow",
        l2: float | str | None = None,
        n_restarts: int = 1,
        shuffle: bool = True,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
        warn: bool = True,
        preset: str = "default",
        target_scaling: str | None = None,
        dtype: str = "auto",
        n_ensemble: int = 1,
        input_range: _Range | None = None,
        target_range: _Range | None = None,
        categorical: Sequence[str] | dict[str, Sequence[Any]] | None = None,
        numeric: Sequence[str] | None = None,
        ordinal: dict[str, Sequence[Any]] | None = None,
        max_levels: int = 20,
        handle_unknown: str = "ignore",
        missing: str = "indicator",
        connections: str = "layered",
        warm_start: bool = False,
    ) -> None:
        self.hidden, self.activation, self.output_activation = hidden, activation, output_activation
        self.loss, self.algorithm, self.algorithm_params = loss, algorithm, algorithm_params
        self.epochs, self.goal, self.max_fail, self.min_grad = epochs, goal, max_fail, min_grad
        self.time_limit, self.division, self.ratios = time_limit, division, ratios
        self.scaling, self.drop_constant, self.pca = scaling, drop_constant, pca
        self.init, self.l2, self.n_restarts, self.shuffle = init, l2, n_restarts, shuffle
        self.random_state, self.verbose, self.warn = random_state, verbose, warn
        self.preset, self.target_scaling, self.dtype = preset, target_scaling, dtype
        self.n_ensemble = n_ensemble
        self.input_range, self.target_range = input_range, target_range
        self.categorical, self.numeric, self.ordinal = categorical, numeric, ordinal
        self.max_levels, self.handle_unknown, self.missing = max_levels, handle_unknown, missing
        self.connections = connections
        self.warm_start = warm_start

    def _check_params(self):
        super()._check_params()
        if self._eff["target_scaling"] not in SCALINGS:
            raise ValueError(
                f"target_scaling must be one of {sorted(SCALINGS)}, got {self.target_scaling!r}"
            )

    def _setup_targets(self, y, sw=None):
        self._y_1d = np.ndim(y) == 1
        Y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        self.target_map_ = TargetScaler(self._eff["target_scaling"]).fit(Y, sw, self.target_range)

    def _fit_targets(self, y, sw=None):
        self._setup_targets(y, sw)
        return self._encode_targets(y)

    def _encode_targets(self, y):
        Y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} columns, expected {self.n_outputs_}")
        return self.target_map_.transform(Y)

    def _n_net_outputs(self):
        return self.n_outputs_

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        validation: tuple[ArrayLike, ArrayLike] | None = None,
        calibration: tuple[ArrayLike, ArrayLike] | None = None,
    ) -> BPRegressor:
        """Fit on X (n_samples, n_features) and y (n_samples,) or (n_samples, n_targets).

        ``validation=(X_val, y_val)`` replaces the random division for early stopping.
        ``calibration=(X_cal, y_cal)``: rows not trained on for :meth:`predict_interval`
        (without it, the rows the division held out of every member are used).
        """
        return self._fit(X, y, sample_weight, validation, calibration)

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> BPRegressor:
        """One epoch of a mini-batch algorithm ("sgd" by default) on (X, y).

        The first call fits the input and target maps on its batch, or on
        ``input_range`` / ``target_range`` when declared; a later batch outside the range
        they were fitted on gives a RangeWarning naming the columns.
        """
        return self._partial_fit(X, y, sample_weight, self._setup_targets)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


class BPClassifier(ClassifierMixin, ClassifierPrediction, _BPBase):
    __doc__ = (
        "A BP network for binary, multiclass and multilabel classification.\n"
        + _COMMON_DOC.format(
            output_doc="'auto' is 'softmax' for multiclass, 'logsig' for binary and "
            "multilabel targets.",
            loss_doc="'auto' is 'cross_entropy'; 'mse'/'sse' also work.",
        )
        + """    class_weight : None, "balanced" or dict {label: weight}

    Attributes
    ----------
    classes_ : ndarray
        The class labels (for multilabel y, the column indices).
    network_, record_, algorithm_, hidden_, input_map_, n_features_in_ : see BPRegressor
        As for :class:`BPRegressor`.
    feature_names_in_, hidden_search_, diagnosis_, l2_, l2_search_ : see BPRegressor
        As for :class:`BPRegressor`.
    selection_record_, networks_, records_ : see BPRegressor
        As for :class:`BPRegressor`.

    Examples
    --------
    >>> from bpnn import BPClassifier
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> clf = BPClassifier(hidden=(4,), preset="matlab", division=None, random_state=0,
    ...                    warn=False).fit(X, [0, 1, 1, 0])
    >>> clf.predict(X).tolist(), clf.predict_proba(X).shape
    ([0, 1, 1, 0], (4, 2))
"""
    )

    _task = "classification"

    def __init__(
        self,
        hidden: int | Sequence[int] | str | None = None,
        activation: str | Sequence[str] | None = None,
        output_activation: str = "auto",
        loss: str = "auto",
        algorithm: str = "auto",
        algorithm_params: dict[str, Any] | None = None,
        epochs: int | None = None,
        goal: float = 0.0,
        max_fail: int | None = None,
        min_grad: float | None = None,
        time_limit: float | None = None,
        division: str | None = "auto",
        ratios: tuple[float, float, float] | None = None,
        scaling: str | None = None,
        drop_constant: bool = True,
        pca: int | float | None = None,
        init: str = "nguyen-widrow",
        l2: float | str | None = None,
        n_restarts: int = 1,
        shuffle: bool = True,
        random_state: int | np.random.RandomState | None = None,
        verbose: bool = False,
        warn: bool = True,
        preset: str = "default",
        class_weight: dict[Any, float] | str | None = None,
        dtype: str = "auto",
        n_ensemble: int = 1,
        input_range: _Range | None = None,
        categorical: Sequence[str] | dict[str, Sequence[Any]] | None = None,
        numeric: Sequence[str] | None = None,
        ordinal: dict[str, Sequence[Any]] | None = None,
        max_levels: int = 20,
        handle_unknown: str = "ignore",
        missing: str = "indicator",
        connections: str = "layered",
        warm_start: bool = False,
    ) -> None:
        self.hidden, self.activation, self.output_activation = hidden, activation, output_activation
        self.loss, self.algorithm, self.algorithm_params = loss, algorithm, algorithm_params
        self.epochs, self.goal, self.max_fail, self.min_grad = epochs, goal, max_fail, min_grad
        self.time_limit, self.division, self.ratios = time_limit, division, ratios
        self.scaling, self.drop_constant, self.pca = scaling, drop_constant, pca
        self.init, self.l2, self.n_restarts, self.shuffle = init, l2, n_restarts, shuffle
        self.random_state, self.verbose, self.warn = random_state, verbose, warn
        self.preset, self.class_weight, self.dtype = preset, class_weight, dtype
        self.n_ensemble = n_ensemble
        self.input_range = input_range
        self.categorical, self.numeric, self.ordinal = categorical, numeric, ordinal
        self.max_levels, self.handle_unknown, self.missing = max_levels, handle_unknown, missing
        self.connections = connections
        self.warm_start = warm_start

    def _setup_classes(self, y, classes=None):
        kind = type_of_target(y, input_name="y", raise_unknown=True)
        if kind not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(f"BPClassifier needs class labels, got a {kind!r} target")
        if kind == "multilabel-indicator":
            self.classes_ = np.arange(np.shape(y)[1])
        else:
            labels = unique_labels(y) if classes is None else np.asarray(classes)
            self.classes_ = labels
            if len(labels) < 2:
                raise ValueError(
                    f"BPClassifier needs at least 2 classes in y, got only one "
                    f"class: {labels.tolist()!r}"
                )
            kind = "binary" if len(labels) == 2 else "multiclass"
        self.target_type_ = kind
        # the output activation and loss depend on the target type: validate them now
        get_loss(self._loss_name()).check_output(get_activation(self._output_activation()))

    def _check_fitted_model(self, X, y, sw):
        """A classifier that does on its own training rows about as well as always
        answering the largest class -- it removes less than a tenth of that rule's errors
        -- learned how often each class occurs and little from the inputs: ``diagnosis_``
        and a ConvergenceWarning say so (the inputs may hold little, or training may have
        stopped too early)."""
        if self.target_type_ == "multilabel-indicator" or not len(X):
            return
        rows = np.ones(len(X), dtype=bool) if sw is None else np.asarray(sw) > 0
        labels = np.asarray(y).reshape(len(X), -1)[rows, 0]
        present, counts = np.unique(labels, return_counts=True)
        if len(present) < 2:
            return
        pred = self._predict_encoded(X[rows])
        n, top = int(rows.sum()), int(np.argmax(counts))
        rule_errors = n - int(counts[top])
        errors = int(np.sum(pred != labels))
        if errors < 0.9 * rule_errors:
            return
        label = present[top].item() if isinstance(present[top], np.generic) else present[top]
        share = counts.min() / n
        advice = (
            f"class_weight='balanced' (the smallest class is {share:.0%} of the rows), "
            if share < 0.2
            else ""
        )
        said = (
            f"the classifier scores {1 - errors / n:.1%} on its own {n} training rows, about "
            f"what always answering {label!r} scores ({counts[top] / n:.1%}): "
            "it has learned how often each class occurs and little from the inputs. Either "
            "the inputs say little about the classes, or training stopped too early; to "
            f"tell, try {advice}preset='best', a larger max_fail or l2=1e-4."
        )
        self.diagnosis_ = " ".join(filter(None, [self.diagnosis_, said]))
        if self.warn:
            warnings.warn(said, ConvergenceWarning, stacklevel=4)

    def _fit_targets(self, y, sw=None, classes=None):
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)  # a column vector: warn as scikit-learn does
        self._setup_classes(y, classes)
        return self._encode_targets(y)

    def _encode_targets(self, y):
        if self.target_type_ == "multilabel-indicator":
            Y = np.asarray(y, dtype=np.float64)
            if Y.ndim != 2 or Y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y must have {len(self.classes_)} label columns, got shape {Y.shape}"
                )
            return Y
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y holds labels {unseen.tolist()!r} not in classes_ {self.classes_.tolist()!r}"
            )
        T = LabelBinarizer().fit(self.classes_).transform(y).astype(np.float64)
        if T.shape[1] == 1 and self._n_net_outputs() == 2:
            T = np.hstack([1.0 - T, T])  # binary with a softmax output
        return T  # (n, 1) for binary, one-hot otherwise

    def _combine_weights(self, y, sw):
        if sw is not None and self.target_type_ != "multilabel-indicator":
            left = np.unique(np.asarray(y).ravel()[sw > 0])
            if left.size < 2:
                raise ValueError(
                    f"sample_weight leaves only one class with positive weight: {left.tolist()!r}"
                )
        if self.class_weight is None:
            return sw
        if self.target_type_ == "multilabel-indicator":
            raise ValueError("class_weight is not supported for multilabel targets")
        if not (self.class_weight == "balanced" or isinstance(self.class_weight, dict)):
            raise ValueError(
                f"class_weight must be None, 'balanced' or a dict, got {self.class_weight!r}"
            )
        labels = np.asarray(y).ravel()
        if self.class_weight != "balanced":
            cw = compute_sample_weight(self.class_weight, labels)
            return cw if sw is None else cw * sw
        # "balanced" with the weights as copies of rows: total / (classes * class total),
        # over the classes of positive weight
        w = np.ones(len(labels)) if sw is None else sw
        _, inv = np.unique(labels, return_inverse=True)
        per_class = np.bincount(inv.ravel(), weights=w)
        present = per_class > 0
        factor = np.where(present, w.sum() / (present.sum() * np.where(present, per_class, 1)), 0.0)
        return factor[inv.ravel()] * w

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        validation: tuple[ArrayLike, ArrayLike] | None = None,
    ) -> BPClassifier:
        """Fit on X (n_samples, n_features) and labels y (n_samples,) or a 0/1 indicator
        matrix (n_samples, n_labels) for multilabel problems."""
        return self._fit(X, y, sample_weight, validation)

    def partial_fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> BPClassifier:
        """One epoch of a mini-batch algorithm on (X, y); the first call needs ``classes``
        and fits the input map on its batch (or on ``input_range``); a later batch outside
        that range gives a RangeWarning naming the columns."""
        if (
            not hasattr(self, "network_")
            and classes is None
            and type_of_target(y) != "multilabel-indicator"
        ):
            raise ValueError("classes must be given to the first call of partial_fit")
        return self._partial_fit(
            X, y, sample_weight, lambda yy, sw: self._setup_classes(yy, classes)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
