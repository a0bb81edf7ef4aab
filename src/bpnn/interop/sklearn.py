"""scikit-learn's fitted MLPs as bpnn estimators.

:func:`from_sklearn` turns a fitted ``MLPClassifier`` / ``MLPRegressor`` (alone, or at the
end of a ``Pipeline`` after a ``StandardScaler`` or ``MinMaxScaler``) into the
:class:`~bpnn.BPClassifier` / :class:`~bpnn.BPRegressor` that computes the same thing:

* layer k: scikit-learn's ``coefs_[k]`` (n_in, n_out) and ``intercepts_[k]`` become
  bpnn's ``W = coefs_[k].T`` (n_out, n_in) and ``b = intercepts_[k]``, since scikit-learn
  forms ``a @ coefs_[k] + intercepts_[k]``;
* hidden activations identity / logistic / tanh / relu -> purelin / logsig / tansig /
  poslin; the output activation is ``out_activation_``: identity (regression), logistic
  (binary: one unit, the probability of ``classes_[1]``; multilabel: one unit per
  label), softmax (multiclass, one unit per class in ``classes_`` order);
* a StandardScaler ``(x - mean_) / scale_`` is the input map ``x * (1 / scale_) -
  mean_ / scale_``; a MinMaxScaler ``x * scale_ + min_`` is the input map itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..estimators import BPClassifier, BPRegressor

__all__ = ["from_sklearn"]

_HIDDEN = {"identity": "purelin", "logistic": "logsig", "tanh": "tansig", "relu": "poslin"}
_OUTPUT = {"identity": "purelin", "logistic": "logsig", "softmax": "softmax"}


def _split(fitted, scaler):
    """(mlp, scaler or None) from an MLP or a Pipeline [scaler?, mlp]."""
    from sklearn.pipeline import Pipeline

    if isinstance(fitted, Pipeline):
        steps = [(name, step) for name, step in fitted.steps if step not in (None, "passthrough")]
        if not steps or len(steps) > 2:
            names = [name for name, _ in fitted.steps]
            raise ValueError(
                f"from_sklearn takes a Pipeline of an optional scaler and an MLP, got the "
                f"steps {names}"
            )
        if len(steps) == 2:
            if scaler is not None:
                raise ValueError(
                    f"the Pipeline has its own scaler (step {steps[0][0]!r}); "
                    "do not also pass scaler="
                )
            scaler = steps[0][1]
        fitted = steps[-1][1]
    return fitted, scaler


def _check_mlp(mlp):
    from sklearn.exceptions import NotFittedError
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.utils.validation import check_is_fitted

    if not isinstance(mlp, (MLPClassifier, MLPRegressor)):
        raise ValueError(
            f"from_sklearn takes a fitted MLPClassifier or MLPRegressor (or a Pipeline "
            f"ending in one), got {type(mlp).__name__}"
        )
    try:
        check_is_fitted(mlp, "coefs_")
    except NotFittedError:
        raise ValueError(f"this {type(mlp).__name__} is not fitted: call fit first") from None
    if mlp.activation not in _HIDDEN:
        raise ValueError(f"unknown hidden activation {mlp.activation!r} of the MLP")
    if mlp.out_activation_ not in _OUTPUT:
        raise ValueError(
            f"the MLP's output activation {mlp.out_activation_!r} (loss="
            f"{getattr(mlp, 'loss', None)!r}) has no bpnn counterpart"
        )
    return isinstance(mlp, MLPClassifier)


def _scaler_map(scaler, n):
    """``(scale, offset, scaling name)`` with ``x * scale + offset`` = the scaler's map."""
    from sklearn.exceptions import NotFittedError
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    from sklearn.utils.validation import check_is_fitted

    if scaler is None:
        return np.ones(n), np.zeros(n), "none"
    if not isinstance(scaler, (StandardScaler, MinMaxScaler)):
        raise ValueError(
            f"from_sklearn takes a StandardScaler or a MinMaxScaler before the MLP, got "
            f"{type(scaler).__name__}"
        )
    try:
        check_is_fitted(scaler)
    except NotFittedError:
        raise ValueError(f"the {type(scaler).__name__} is not fitted: call fit first") from None
    if scaler.n_features_in_ != n:
        raise ValueError(
            f"the {type(scaler).__name__} takes {scaler.n_features_in_} features, the MLP {n}"
        )
    if isinstance(scaler, MinMaxScaler):
        if scaler.clip:
            raise ValueError("a MinMaxScaler with clip=True clips its output; bpnn does not")
        lo, hi = scaler.feature_range
        name = {(-1, 1): "minmax", (0, 1): "minmax01"}.get((lo, hi), "none")
        return np.asarray(scaler.scale_, float), np.asarray(scaler.min_, float), name
    # with_mean=False still stores mean_ (unused); with_std=False leaves scale_ None
    sd = np.asarray(scaler.scale_, float) if scaler.with_std else np.ones(n)
    mean = np.asarray(scaler.mean_, float) if scaler.with_mean else np.zeros(n)
    return 1.0 / sd, -mean / sd, "standard"


def _network(mlp):
    """The bpnn Network with the MLP's weights: W_k = coefs_[k].T, b_k = intercepts_[k]."""
    from ..network import Network

    sizes = [mlp.coefs_[0].shape[0]] + [c.shape[1] for c in mlp.coefs_]
    acts = [_HIDDEN[mlp.activation]] * (len(sizes) - 2) + [_OUTPUT[mlp.out_activation_]]
    dtype = np.float32 if mlp.coefs_[0].dtype == np.float32 else np.float64
    net = Network(sizes, acts, init="zeros", dtype=dtype)
    for k, (C, c) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        net.weights[k][...] = C.T
        net.biases[k][...] = c
    return net


def _classifier_kind(mlp):
    """bpnn's target type for a fitted MLPClassifier."""
    if mlp._label_binarizer.y_type_ == "multilabel-indicator":
        return "multilabel-indicator"
    return "binary" if len(mlp.classes_) == 2 else "multiclass"


def from_sklearn(fitted: Any, scaler: Any = None) -> BPClassifier | BPRegressor:
    """The bpnn estimator equivalent to a fitted scikit-learn MLP.

    Parameters
    ----------
    fitted : MLPClassifier, MLPRegressor or Pipeline
        Fitted; a Pipeline holds an optional StandardScaler / MinMaxScaler and the MLP.
    scaler : StandardScaler or MinMaxScaler, optional
        A fitted scaler applied to X before the MLP (when it is not in a Pipeline).

    Returns
    -------
    BPClassifier or BPRegressor
        Fitted: ``predict`` / ``predict_proba`` give the MLP's (to rounding), with the
        same ``classes_`` in the same order and the scaler as the input map. It saves,
        reports and exports like any fitted model, and ``set_params(warm_start=True)``
        then ``fit`` trains it further with any bpnn algorithm (LM, SCG ...).

    Raises
    ------
    ValueError
        For something else than the MLP and a scaler, an unfitted one, or a scaler with
        ``clip=True``.
    """
    from ._build import fitted_classifier, fitted_regressor, hyper_parameters, input_map

    mlp, scaler = _split(fitted, scaler)
    is_classifier = _check_mlp(mlp)
    net = _network(mlp)
    scale, offset, scaling = _scaler_map(scaler, net.n_inputs)
    imap = input_map(scale, offset, scaling)
    names = getattr(scaler if scaler is not None else mlp, "feature_names_in_", None)
    params = hyper_parameters(net, scaling=scaling, dtype=np.dtype(net.dtype).name)
    if is_classifier:
        return fitted_classifier(
            net,
            imap,
            mlp.classes_,
            _classifier_kind(mlp),
            params=params,
            algorithm=str(mlp.solver),
            feature_names=names,
        )
    from ._build import target_map

    n_out = net.n_outputs
    params["target_scaling"] = "none"
    return fitted_regressor(
        net,
        imap,
        target_map(np.ones(n_out), np.zeros(n_out)),
        params=params,
        algorithm=str(mlp.solver),
        y_1d=n_out == 1,
        feature_names=names,
    )
