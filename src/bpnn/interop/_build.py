"""Fitted estimators assembled from parts that were trained elsewhere.

An importer ends with a :class:`~bpnn.network.Network` and the affine maps around it; these
helpers set the attributes ``fit`` would have set (``network_``, ``input_map_``,
``target_map_`` or ``classes_``, ``n_features_in_`` ...), so the result predicts, saves
with :func:`bpnn.save`, reports and exports like any fitted estimator, and trains further
with ``warm_start=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..estimators import BPClassifier, BPRegressor
    from ..network import Network
    from ..preprocessing import InputPreprocessor, TargetScaler


def input_map(scale, offset, scaling: str = "none") -> InputPreprocessor:
    """An input map ``x -> x * scale + offset`` over every column, nothing dropped.

    ``scale``, ``offset``: (n_features,). ``scaling`` is the name a later fresh ``fit``
    would use (the map itself is the arrays given)."""
    from ..preprocessing import InputPreprocessor

    scale = np.asarray(scale, dtype=np.float64).reshape(-1)
    m = InputPreprocessor(scaling, drop_constant=False)
    m.keep_ = np.ones(scale.shape[0], dtype=bool)
    m.scale_ = scale.copy()
    m.offset_ = np.asarray(offset, dtype=np.float64).reshape(-1).copy()
    m.pca_mean_ = m.pca_components_ = None
    m.range_low_ = m.range_high_ = None
    return m


def target_map(scale, offset, scaling: str = "none") -> TargetScaler:
    """A target map ``t -> t * scale + offset``; predictions are ``(y - offset) / scale``."""
    from ..preprocessing import TargetScaler

    m = TargetScaler(scaling)
    m.scale_ = np.asarray(scale, dtype=np.float64).reshape(-1).copy()
    m.offset_ = np.asarray(offset, dtype=np.float64).reshape(-1).copy()
    if np.any(m.scale_ == 0) or not np.all(np.isfinite(m.scale_)):
        raise ValueError(f"a target scale must be finite and non-zero, got {m.scale_.tolist()}")
    m.range_low_ = m.range_high_ = None
    return m


def _fitted_common(est, net: Network, imap: InputPreprocessor, algorithm: str, names) -> None:
    est.network_, est.networks_ = net, [net]
    est.record_, est.records_, est.selection_record_ = None, [None], None
    est.input_map_, est.table_map_ = imap, None
    est.n_features_in_ = int(imap.keep_.shape[0])
    if names is not None:
        est.feature_names_in_ = np.asarray([str(n) for n in names], dtype=object)
    est.dtype_ = np.dtype(net.dtype)
    est.hidden_ = tuple(int(h) for h in net.sizes[1:-1])
    est.algorithm_ = algorithm
    est.hidden_search_ = est.l2_search_ = est.diagnosis_ = None
    est.l2_ = 0.0


def hyper_parameters(net: Network, **extra: Any) -> dict:
    """Estimator parameters that describe ``net``'s architecture (hidden widths, one
    activation per hidden layer, the output activation, the connections of a
    cascade-forward network), so a fresh ``fit`` builds the same shape; ``extra`` adds or
    overrides parameters."""
    specs = [a.spec() for a in net.activations]
    names = [s["name"] if len(s) == 1 else _named(s) for s in specs]
    out: dict[str, Any] = {
        "hidden": tuple(int(h) for h in net.sizes[1:-1]),
        "activation": names[:-1] if len(names) > 1 else "tansig",
        "output_activation": names[-1],
    }
    if getattr(net, "connections", "layered") == "cascade":
        out["connections"] = "cascade"  # else the hyper-parameters table says "layered"
    out.update(extra)
    return out


def _named(spec):
    """An activation with parameters goes to the estimator as the object itself."""
    from ..activations import get_activation

    return get_activation(spec)


def fitted_regressor(
    net: Network,
    imap: InputPreprocessor,
    tmap: TargetScaler,
    *,
    params: dict,
    algorithm: str = "auto",
    y_1d: bool | None = None,
    feature_names=None,
) -> BPRegressor:
    """A fitted :class:`~bpnn.BPRegressor`: ``predict(X) = tmap^-1(net(imap(X)))``."""
    from ..estimators import BPRegressor

    if net.n_inputs != imap.n_outputs or net.n_outputs != tmap.scale_.shape[0]:
        raise ValueError(
            f"the network maps {net.n_inputs} -> {net.n_outputs}, the maps give "
            f"{imap.n_outputs} inputs and {tmap.scale_.shape[0]} targets"
        )
    est = BPRegressor(**params)
    _fitted_common(est, net, imap, algorithm, feature_names)
    est.target_map_ = tmap
    est.n_outputs_ = int(net.n_outputs)
    est._y_1d = bool(net.n_outputs == 1 if y_1d is None else y_1d)
    est.conformity_scores_ = None
    return est


def fitted_classifier(
    net: Network,
    imap: InputPreprocessor,
    classes,
    target_type: str,
    *,
    params: dict,
    algorithm: str = "auto",
    feature_names=None,
) -> BPClassifier:
    """A fitted :class:`~bpnn.BPClassifier` over ``classes`` (in the network's output
    order); ``target_type`` is "binary", "multiclass" or "multilabel-indicator"."""
    from ..estimators import BPClassifier

    est = BPClassifier(**params)
    _fitted_common(est, net, imap, algorithm, feature_names)
    est.classes_ = np.asarray(classes)
    est.target_type_ = target_type
    if net.n_outputs != est._n_net_outputs():
        raise ValueError(
            f"a {target_type} classifier over {len(est.classes_)} classes needs "
            f"{est._n_net_outputs()} network outputs, the network has {net.n_outputs}"
        )
    return est
