"""Prediction from a fitted model's parts, without scikit-learn.

A fitted :class:`~bpnn.estimators.BPRegressor` / :class:`~bpnn.estimators.BPClassifier`
predicts from four stored parts: the input map (:class:`~bpnn.preprocessing.InputPreprocessor`),
the :class:`~bpnn.network.Network`, and the target map (regression) or the classes
(classification). The mixins here hold that computation, and the estimators inherit it, so
there is one copy of it. :class:`LoadedRegressor` and :class:`LoadedClassifier` carry the
same fitted attributes as the estimators and inherit the same mixins, but not
scikit-learn's ``BaseEstimator``: :func:`bpnn.io.load_predictor` builds them from a model
file for the command line's ``bpnn predict``, which then never imports scikit-learn
(about a second of a short prediction's time).

Two differences from the estimators, both in how the input is checked and run, none in the
formulas: the light classes check X with NumPy (the same rules as scikit-learn's
``validate_data``: 2-D, numeric, finite, ``n_features_in_`` columns; messages worded like
the estimators'), and they run the network with NumPy only
(:meth:`Network.predict_unchecked` with ``kernel=False``), so that predicting a handful
of rows does not import Numba or compile a kernel. For more than
:data:`bpnn.network._KERNEL_ROWS` rows the estimators take that same NumPy path, and the
two agree to the bit; for fewer rows the estimators use the compiled row kernel, whose
sums are rounded differently (about 1e-16 relative).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .activations import get_activation

if TYPE_CHECKING:
    from ._typing import ArrayLike

__all__ = ["LoadedClassifier", "LoadedRegressor"]


class _PredictMixin:
    """``X -> network outputs``; the class it is mixed into checks X (``_checked_X``).

    An ensemble (``n_ensemble=k``) keeps its k networks in ``networks_`` (``network_`` is
    the first); its outputs are the mean of theirs. Models without ``networks_`` (files
    written before ensembles existed) are one network."""

    def _forward(self, Z, net):
        return net.forward(Z)

    def _members(self):
        nets = self.__dict__.get("networks_")
        return nets if nets else [self.network_]

    def _member_outputs(self, X):
        """Each member network's outputs on X: a list of (n_samples, n_net_outputs)."""
        X = self._checked_X(X)
        nets = self._members()
        Z = self.input_map_.transform(X, nets[0].dtype)
        return [self._forward(Z, net) for net in nets]

    def _network_outputs(self, X):
        outs = self._member_outputs(X)
        return outs[0] if len(outs) == 1 else np.mean(outs, axis=0)


class RegressorPrediction(_PredictMixin):
    target_map_: Any  # set by fit / by the model-file loader
    _y_1d: bool

    def predict(
        self, X: ArrayLike, return_std: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Predictions in the targets' units: (n_samples,) or (n_samples, n_targets).

        With ``return_std=True`` (ensembles only) also the standard deviation of the k
        member networks' predictions around their mean (ddof=0), of the same shape: their
        disagreement, not an interval (see :meth:`predict_interval`)."""
        outs = self._member_outputs(X)
        if return_std and len(outs) < 2:
            raise ValueError(
                "return_std=True needs an ensemble: this model is one network "
                "(fit it with n_ensemble >= 2)"
            )
        Ys = [self.target_map_.inverse_transform(o) for o in outs]
        Y = Ys[0] if len(Ys) == 1 else np.mean(Ys, axis=0)
        shape = (lambda A: A.ravel()) if self._y_1d else (lambda A: A)
        if return_std:
            return shape(Y), shape(np.std(Ys, axis=0))
        return shape(Y)

    def _member_predictions(self, X):
        """Each member network's predictions, (n_samples, n_targets) each."""
        return [self.target_map_.inverse_transform(o) for o in self._member_outputs(X)]

    def predict_interval(
        self, X: ArrayLike, coverage: float = 0.9
    ) -> tuple[np.ndarray, np.ndarray]:
        """Split-conformal prediction intervals: ``(lower, upper)``, each shaped as
        :meth:`predict`'s output, that hold a new row's target with probability at least
        ``coverage`` (marginally, over calibration and new rows exchangeable with them).

        The half-width is the ``ceil((n + 1) * coverage)``-th smallest of the n absolute
        residuals stored at fit time (``conformity_scores_``) on rows the network(s) did
        not train on: ``fit(..., calibration=(X_cal, y_cal))``, or the rows the division
        held out of every member (see docs/uncertainty.md). One width per target column.
        """
        from .conformal import interval_halfwidth

        scores = self.__dict__.get("conformity_scores_")
        hw = interval_halfwidth(scores, coverage)
        Y = self.predict(X)
        w = hw[0] if self._y_1d else hw
        return Y - w, Y + w


class ClassifierPrediction(_PredictMixin):
    target_type_: str  # set by fit / by the model-file loader
    classes_: np.ndarray

    def _output_activation(self):
        if self.output_activation != "auto":
            return self.output_activation
        return "softmax" if getattr(self, "target_type_", "binary") == "multiclass" else "logsig"

    def _n_net_outputs(self):
        single = (
            self.target_type_ == "binary" and get_activation(self._output_activation()).elementwise
        )
        return 1 if single else len(self.classes_)  # softmax needs one unit per class

    def _probabilities(self, P):
        if self.target_type_ == "binary" and P.shape[1] == 1:
            return np.hstack([1.0 - P, P])
        return P

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities (n_samples, n_classes); for multilabel, one per label."""
        return self._probabilities(self._network_outputs(X))

    def _member_predictions(self, X):
        """Each member network's class probabilities, (n_samples, n_classes) each."""
        return [self._probabilities(P) for P in self._member_outputs(X)]

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Labels (n_samples,), or a 0/1 matrix (n_samples, n_labels) for multilabel."""
        P = self.predict_proba(X)
        if self.target_type_ == "multilabel-indicator":
            return (P > 0.5).astype(int)
        return self.classes_[np.argmax(P, axis=1)]


class _Loaded:
    """A fitted model for prediction only: hyper-parameters as attributes, fitted parts
    set by :func:`bpnn.io.load_predictor`; no scikit-learn."""

    _estimator = ""  # the estimator class it stands for

    def __init__(self, **params):
        self._params = dict(params)
        for k, v in params.items():
            setattr(self, k, v)

    def get_params(self, deep=False):
        return dict(self._params)

    def __repr__(self):
        return f"{type(self).__name__}(the fitted parts of a {self._estimator})"

    def _checked_X(self, X):
        """X as a finite (n_samples, n_features_in_) float64 array, or a ValueError; a
        model with a table map (:class:`bpnn.tables.encoder.TableEncoder`) encodes X's
        columns through it unless X is already plain finite numbers it passes through."""
        table = getattr(self, "table_map_", None)
        if table is not None and not (table.passthrough_ and _plain_numbers(X)):
            names = getattr(self, "feature_names_in_", None)
            if names is not None and hasattr(X, "columns"):
                got = [str(c) for c in X.columns]
                if got != [str(n) for n in names]:
                    raise ValueError(
                        "The feature names should match those that were passed "
                        f"during fit: {got} instead of {list(map(str, names))}"
                    )
            return table.transform(X)
        names = getattr(self, "feature_names_in_", None)
        if names is not None and hasattr(X, "columns"):
            got = [str(c) for c in X.columns]
            if got != [str(n) for n in names]:
                raise ValueError(
                    "The feature names should match those that were passed "
                    f"during fit: {got} instead of {list(map(str, names))}"
                )
        try:
            A = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"X must be numeric: {exc}") from None
        if A.ndim != 2:
            raise ValueError(
                f"Expected a 2D array, got an array of shape {A.shape}: "
                "reshape 1-D data with X.reshape(-1, 1) for one feature or "
                "X.reshape(1, -1) for one sample."
            )
        if A.shape[0] == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={A.shape}) while a "
                f"minimum of 1 is required by {self._estimator}."
            )
        if A.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {A.shape[1]} features, but {self._estimator} is "
                f"expecting {self.n_features_in_} features as input."
            )
        if not np.isfinite(np.sum(A)) and not np.all(np.isfinite(A)):
            from ._validation import IMPUTE_ADVICE, not_finite_message

            columns = [str(n) for n in names] if names is not None else None
            raise ValueError(not_finite_message(A, "X", columns, IMPUTE_ADVICE))
        return A

    def _forward(self, Z, net):
        return net.predict_unchecked(np.ascontiguousarray(net._check_X(Z)), kernel=False)


def _plain_numbers(X) -> bool:
    """True for a 2-D float array (or a DataFrame of float columns) without NaN or inf."""
    if hasattr(X, "columns"):
        if not all(getattr(d, "kind", "O") == "f" for d in X.dtypes):
            return False
        X = X.to_numpy()
    return (
        isinstance(X, np.ndarray)
        and X.ndim == 2
        and X.dtype.kind == "f"
        and bool(np.isfinite(X.sum()) or np.all(np.isfinite(X)))
    )


class LoadedRegressor(_Loaded, RegressorPrediction):
    """A saved BPRegressor's ``predict``, without scikit-learn (see the module's notes)."""

    _estimator = "BPRegressor"


class LoadedClassifier(_Loaded, ClassifierPrediction):
    """A saved BPClassifier's ``predict`` and ``predict_proba``, without scikit-learn."""

    _estimator = "BPClassifier"
