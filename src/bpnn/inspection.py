"""Which inputs matter: input importance and partial dependence of a fitted network.

``importance(model, X, y=None, method=...)`` returns one row per input (named, largest
first) for four methods:

* ``"permutation"`` (Breiman 2001): how much the model's score drops when one column of X
  is shuffled, through :func:`sklearn.inspection.permutation_importance`; needs y;
* ``"miv"``, the mean impact value (Dombi et al. 1995): each input in turn is raised and
  lowered by a fraction ``delta`` of its value (original units, before any scaling), and the
  mean change of the output (original units, or the class probability) is its MIV;
* ``"garson"`` (Garson 1991): shares of the absolute connection weights through the one
  hidden layer, summing to 1;
* ``"olden"`` (Olden & Jackson 2002): the sum over all paths from an input to the output
  of the product of the weights along the path, signed; for any number of hidden layers.

``partial_dependence(model, X)`` gives the average output as each input is swept over a
grid, through :func:`sklearn.inspection.partial_dependence`.

What the connection-weight methods see. A bpnn model maps its inputs before the network:
constant columns dropped, each column scaled, optionally projected on principal
components. Garson and Olden read the network's weights, so they rank the network's inputs.
Here they are reported per original column: a dropped constant column gets importance 0;
the scaling is kept (the weights refer to the scaled columns, which is what makes weights
of different inputs comparable; raw units would make them depend on each column's unit);
PCA, a linear map, is folded into the first layer (``W1 @ components``), which gives an
equivalent network whose inputs are the scaled columns, and the methods run on that.
``inputs="network"`` reports the network's own inputs instead (the components after PCA).
For an ensemble (``networks_``) they are averaged over its networks.

Tables with text columns. A model with a table map (``table_map_``, see
:mod:`bpnn.tables.encoder`) takes the user's table as it is (text, booleans, missing values),
and every function here answers in the user's columns, one row per column, however many
encoded inputs (``color=red``, ``weight=<missing>``...) a column became: permutation
shuffles the raw column (its encoded inputs move together); MIV of a categorical or
ordinal column is the mean, over the rows, of the spread (largest minus smallest) of the
output as the row's level is set to each of the column's levels in turn, with no sign;
Garson's shares and Olden's products of a column are the sums over its encoded inputs
(Olden's signed); partial dependence of such a column is one point per level. A missing
value indicator belongs to its column and is never varied alone. ``inputs="network"``
gives the encoded inputs one by one.

Nothing here trains: every function reads a fitted model and data. Definitions, references
and caveats: docs/inspection.md.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["METHODS", "importance", "partial_dependence"]

#: the methods of :func:`importance`
METHODS = ("permutation", "miv", "garson", "olden")
_NEEDS_Y = ("permutation",)
_CONNECTION = ("garson", "olden")


# -- the model, seen the same way whatever it is ------------------------------------------
class _View:
    """What the methods need from a model: names, a prediction function in original units,
    the network(s) and the input map, the outputs and their names."""

    def __init__(self, model, input_map=None, target_map=None, feature_names=None):
        from .network import Network

        self.model = model
        if isinstance(model, Network):
            self.networks = [model]
            self.input_map, self.target_map = input_map, target_map
            self.task, self.classes = "regression", None
            self.n_features = len(input_map.keep_) if input_map is not None else model.sizes[0]
            self.names = None if feature_names is None else [str(n) for n in feature_names]
            self.model_names = False
            self.output_names = (
                [f"y{k}" for k in range(model.n_outputs)] if model.n_outputs > 1 else ["prediction"]
            )
        elif hasattr(model, "network_") and hasattr(model, "input_map_"):
            if input_map is not None or target_map is not None:
                raise ValueError(
                    "input_map and target_map are for a bare Network; a fitted model brings its own"
                )
            self.networks = list(getattr(model, "networks_", None) or [model.network_])
            self.input_map = model.input_map_
            self.target_map = getattr(model, "target_map_", None)
            self.classes = getattr(model, "classes_", None)
            self.task = "classification" if self.classes is not None else "regression"
            self.n_features = int(model.n_features_in_)
            names = getattr(model, "feature_names_in_", None)
            self.model_names = names is not None
            self.names = (
                [str(n) for n in names]
                if names is not None
                else (None if feature_names is None else [str(n) for n in feature_names])
            )
            if self.task == "classification":
                self.output_names = list(self.classes)
            else:
                targets = getattr(model, "target_names_", None)
                k = int(getattr(model, "n_outputs_", self.networks[0].n_outputs))
                self.output_names = (
                    [str(t) for t in targets]
                    if targets is not None and len(targets) == k
                    else (["prediction"] if k == 1 else [f"y{j}" for j in range(k)])
                )
        else:
            raise ValueError(
                f"model must be a fitted BPRegressor/BPClassifier, a loaded "
                f"model or a Network, got {type(model).__name__}"
            )
        table = getattr(model, "table_map_", None) if hasattr(model, "network_") else None
        #: the model's table map when its inputs are not plain numbers (text columns,
        #: missing-value indicators): the methods then work on the user's columns
        self.table = None if table is None or table.passthrough_ else table
        if self.names is not None and len(self.names) != self.n_features:
            raise ValueError(
                f"feature_names lists {len(self.names)} names for {self.n_features} inputs"
            )

    # -- data ----------------------------------------------------------------------------
    def matrix(self, X):
        """X checked against the model's inputs -> a float array (n, n_features); a
        DataFrame's columns are matched by name (any order) when the model knows them."""
        if X is None:
            raise ValueError("X is needed: give the data to compute the importance on")
        if self.table is not None:
            return self._table_rows(X)
        if hasattr(X, "columns"):
            cols = [str(c) for c in X.columns]
            if self.names is not None and (self.model_names or cols != self.names):
                X = self._by_name(X, cols)
            elif self.names is None:
                self.names = cols
            X = X.to_numpy()
        try:
            A = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"X must be numeric: {exc}") from None
        if A.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {A.shape}")
        if A.shape[1] != self.n_features:
            raise ValueError(
                f"X has {A.shape[1]} columns, the model expects "
                f"{self.n_features}" + (f" ({', '.join(self.names[:12])})" if self.names else "")
            )
        if A.shape[0] == 0:
            raise ValueError("X has no rows")
        if not np.all(np.isfinite(A)):
            from ._validation import not_finite_message

            raise ValueError(not_finite_message(A, "X", self.names))
        return A

    def _by_name(self, X, cols):
        """The DataFrame X's columns that are the model's inputs, in the model's order; a
        missing or an extra column is a ValueError naming it."""
        want = self.names
        missing = [c for c in want if c not in cols]
        extra = [c for c in cols if c not in want]
        if missing or extra:
            parts = []
            if missing:
                parts.append(
                    f"lacks the model's input column(s) {', '.join(map(repr, missing[:5]))}"
                )
            if extra:
                parts.append(
                    f"has column(s) {', '.join(map(repr, extra[:5]))} the model was not trained on"
                )
            raise ValueError(
                f"X {' and '.join(parts)}; the model's inputs are {', '.join(want[:12])}"
            )
        return X[[X.columns[cols.index(c)] for c in want]]

    def _table_rows(self, X):
        """X as a DataFrame of the model's original columns, as they are (text, booleans
        and missing values kept: the table map encodes them), matched by name when the
        model knows its columns' names, else by position."""
        import pandas as pd

        if hasattr(X, "columns"):
            cols = [str(c) for c in X.columns]
            if self.model_names:
                R = self._by_name(X, cols).copy()
            else:
                R = X.copy()
                if self.names is None and len(cols) == self.n_features:
                    self.names = cols
        else:
            A = np.asarray(X, dtype=object)
            if A.ndim != 2:
                raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {A.shape}")
            R = pd.DataFrame(A)
        if R.shape[1] != self.n_features:
            raise ValueError(
                f"X has {R.shape[1]} columns, the model expects {self.n_features}"
                + (f" ({', '.join(self.names[:12])})" if self.names else "")
            )
        if len(R) == 0:
            raise ValueError("X has no rows")
        R.columns = self.feature_names()
        return R.reset_index(drop=True)

    def column_code(self, j):
        """The table map's fitted code of original column j (kind, levels...)."""
        return self.table.columns_[j]

    def feature_names(self):
        return self.names if self.names is not None else [f"x{j}" for j in range(self.n_features)]

    # -- predictions in original units ---------------------------------------------------
    def _as_model_input(self, A):
        if self.table is not None:  # the user's columns: a DataFrame by name, else by position
            return A if self.model_names else A.to_numpy(dtype=object)
        if self.model_names:
            import pandas as pd

            return pd.DataFrame(A, columns=list(self.model.feature_names_in_))
        return A

    def predict(self, A):
        """Regression: predictions (n, n_outputs) in the targets' units; classification:
        class labels (n,)."""
        if not hasattr(self.model, "network_"):
            net = self.model
            Z = self.input_map.transform(A, net.dtype) if self.input_map is not None else A
            Y = net.forward(np.ascontiguousarray(Z, dtype=net.dtype))
            if self.target_map is not None:
                Y = self.target_map.inverse_transform(Y)
            return np.asarray(Y, dtype=np.float64)
        return np.asarray(self.model.predict(self._as_model_input(A)))

    def predict_proba(self, A):
        return np.asarray(self.model.predict_proba(self._as_model_input(A)), dtype=np.float64)

    def outputs(self, A):
        """The outputs MIV explains: (n, n_outputs) predictions or class probabilities."""
        if self.task == "classification":
            return self.predict_proba(A)
        return np.asarray(self.predict(A), dtype=np.float64).reshape(len(A), -1)

    def output_index(self, output):
        """``output`` (None, an index or a name/class label) -> index into outputs(), or
        None for "all outputs"."""
        names = self.output_names
        if output is None:
            if self.task == "classification" and len(names) == 2:
                return 1  # binary: the positive class
            return 0 if len(names) == 1 else None
        for j, n in enumerate(names):
            if str(n) == str(output):
                return j
        if (
            isinstance(output, numbers.Integral)
            and not isinstance(output, bool)
            and 0 <= output < len(names)
            and self.task != "classification"
        ):
            return int(output)
        raise ValueError(
            f"output {output!r} is not one of the model's outputs {[str(n) for n in names]}"
        )

    def sklearn_estimator(self):
        """A fitted scikit-learn estimator predicting like the model, for sklearn.inspection."""
        return _estimator_view(self)


def _rows(view, X):
    """What scikit-learn hands the view back: floats, or the user's columns as they are."""
    if view.table is not None:
        import pandas as pd

        return X if hasattr(X, "columns") else pd.DataFrame(X, columns=view.feature_names())
    return np.asarray(X, dtype=np.float64)


def _estimator_view(view):
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

    class _Regressor(RegressorMixin, BaseEstimator):
        def fit(self, X, y=None):  # never trains: sklearn.inspection only predicts
            raise NotImplementedError("a view of a fitted model cannot be refitted")

        def __sklearn_is_fitted__(self):
            return True

        def predict(self, X):
            Y = view.predict(_rows(view, X))
            return Y.ravel() if Y.ndim == 2 and Y.shape[1] == 1 else Y

    class _Classifier(ClassifierMixin, BaseEstimator):
        classes_ = np.asarray(view.classes) if view.classes is not None else None

        def fit(self, X, y=None):
            raise NotImplementedError("a view of a fitted model cannot be refitted")

        def __sklearn_is_fitted__(self):
            return True

        def predict(self, X):
            return view.predict(_rows(view, X))

        def predict_proba(self, X):
            return view.predict_proba(_rows(view, X))

    return _Classifier() if view.task == "classification" else _Regressor()


# -- connection weights ---------------------------------------------------------------------
def _fold_inputs(W1, input_map, inputs):
    """Weights on the network's inputs (rows, n_inputs) mapped onto the model's input
    columns: PCA folded in (W1 @ components) and dropped constant columns as zero columns.
    With ``inputs="network"`` the weights as they are."""
    if inputs == "network" or input_map is None:
        return W1
    comps = getattr(input_map, "pca_components_", None)
    if comps is not None:
        W1 = W1 @ comps  # (hidden, kept columns)
    full = np.zeros((W1.shape[0], len(input_map.keep_)))
    full[:, input_map.keep_] = W1
    return full


def _folded_weights(net, input_map, inputs):
    """The network's weight matrices, the first one's columns the model's inputs (see
    :func:`_fold_inputs`)."""
    Ws = [np.asarray(W, dtype=np.float64) for W in net.weights]
    return [_fold_inputs(Ws[0], input_map, inputs)] + Ws[1:]


def _olden_cascade(net, input_map, inputs):
    """Olden's sum over all paths for cascade connections: with ``R_k`` the paths from the
    inputs to layer k's units, ``R_k = W_k[x] + sum_{j<k} W_k[a_j] @ R_j``, where ``W_k[x]``
    and ``W_k[a_j]`` are the columns of W_k that read the inputs and layer j."""
    R = []
    for k, W in enumerate(net.weights):
        W = np.asarray(W, dtype=np.float64)
        (_, c0, c1), *earlier = net._sources(k)
        Rk = _fold_inputs(W[:, c0:c1], input_map, inputs)
        for j, a0, a1 in earlier:
            Rk = Rk + W[:, a0:a1] @ R[j - 1]
        R.append(Rk)
    return R[-1]


def _network_input_names(view):
    m = view.input_map
    if m is not None and getattr(m, "pca_components_", None) is not None:
        return [f"pc{j + 1}" for j in range(m.pca_components_.shape[0])]
    names = view.feature_names() if view.table is None else list(view.table.output_names_)
    if m is not None:
        names = [n for n, k in zip(names, m.keep_) if k]
    return names


def _garson(Ws):
    """(n_out, n_in) Garson shares for one hidden layer: each output's row sums to 1."""
    W, V = np.abs(Ws[0]), np.abs(Ws[1])  # (h, in), (out, h)
    tot = W.sum(axis=1, keepdims=True)
    share = np.divide(W, tot, out=np.zeros_like(W), where=tot > 0)  # input j's part of h
    Q = V[:, :, None] * share[None, :, :]  # (out, h, in)
    S = Q.sum(axis=1)  # (out, in)
    norm = S.sum(axis=1, keepdims=True)
    return np.divide(S, norm, out=np.zeros_like(S), where=norm > 0)


def _olden(Ws):
    """(n_out, n_in) sums over all paths of the products of the weights: W_L ... W_1."""
    R = Ws[0]
    for W in Ws[1:]:
        R = W @ R
    return R


def _connection_values(view, method, inputs):
    """(n_out, n_in) values of a connection-weight method, averaged over the networks."""
    vals = []
    for net in view.networks:
        if method == "garson" and net.n_layers != 2:
            raise ValueError(
                f"method='garson' needs exactly one hidden layer; this network "
                f"has {net.n_layers - 1} (sizes {net.sizes}); use "
                "method='olden', which takes any depth"
            )
        if net.connections == "cascade":
            if method == "garson":
                raise ValueError(
                    "method='garson' needs layered connections (shares of one hidden "
                    "layer); this network is cascade-forward: use method='olden'"
                )
            vals.append(_olden_cascade(net, view.input_map, inputs))
            continue
        Ws = _folded_weights(net, view.input_map, inputs)
        vals.append(_garson(Ws) if method == "garson" else _olden(Ws))
    return np.mean(vals, axis=0)


def _unit_for(view, j):
    """Output ``j`` (of outputs()) -> (network output unit, sign): a binary classifier
    with one logistic unit models P(classes_[1]); P(classes_[0]) = 1 - it."""
    n_units = view.networks[0].n_outputs
    if view.task == "classification" and n_units == 1:
        return 0, (1.0 if j == 1 else -1.0)
    return j, 1.0


# -- the public functions -------------------------------------------------------------------
def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def importance(
    model,
    X=None,
    y=None,
    *,
    method="permutation",
    output=None,
    delta=0.1,
    n_repeats=10,
    scoring=None,
    random_state=0,
    max_samples=1.0,
    sample_weight=None,
    inputs="columns",
    feature_names=None,
    input_map=None,
    target_map=None,
):
    """The importance of each input of a fitted model, largest first.

    Parameters
    ----------
    model : BPRegressor, BPClassifier (fitted or loaded with :func:`bpnn.load`) or Network
        A bare Network takes its preprocessing as ``input_map`` (an
        :class:`~bpnn.preprocessing.InputPreprocessor`) and ``target_map`` (a
        :class:`~bpnn.preprocessing.TargetScaler`), X then in original units; without them
        X is the network's input. It counts as a regressor (scored by R^2).
    X : array or DataFrame (n_samples, n_features)
        Data in the model's original units; a DataFrame's columns are matched to the
        model's inputs by name. Needed by "permutation" and "miv"; optional for "garson"
        and "olden" (only checked, and its column names used). For a model with a table
        map, the table as it is (text columns, missing values), one row per column of it
        in the result (see the module notes).
    y : array, needed by "permutation" (the targets of X).
    method : "permutation", "miv", "garson" or "olden"
    output : None, an output index, a target name or a class label
        The output explained by "miv", "garson" and "olden". None: the only output; the
        positive class (``classes_[1]``) of a binary classifier; with several outputs, the
        mean over outputs of each one's absolute value (no sign then).
    delta : float in (0, 1), default 0.1
        MIV's fraction: input j is set to ``x_j * (1 + delta)`` and ``x_j * (1 - delta)``.
    n_repeats, scoring, random_state, max_samples, sample_weight :
        Passed to :func:`sklearn.inspection.permutation_importance` ("permutation" only;
        scoring None: R^2 for a regressor, accuracy for a classifier).
    inputs : "columns" (default) or "network"
        For "garson" and "olden": one row per column of X, with the input scaling kept and
        PCA folded into the first layer (see the module notes); or one row per network
        input (the principal components after PCA; a table map's encoded inputs).
    feature_names : names of the inputs, when neither the model nor X has them.

    Returns
    -------
    pandas.DataFrame indexed by input name (index name "input") with the column
    ``importance`` and, where the method has them, ``std`` (permutation: over the
    repeats; miv: of the per-row impacts over the rows) and ``sign`` (+1/-1/0; miv and
    olden; miv gives a categorical or ordinal column 0, a spread having no direction).
    Sorted by ``importance``, largest first. ``df.attrs`` records the method, the
    output explained and the method's settings.
    """
    _check_choice("method", method, METHODS)
    _check_choice("inputs", inputs, ("columns", "network"))
    view = _View(model, input_map, target_map, feature_names)
    if inputs == "network" and method not in _CONNECTION:
        raise ValueError(
            f"inputs='network' is for the connection-weight methods 'garson' "
            f"and 'olden'; method={method!r} works on the columns of X"
        )
    if method in _NEEDS_Y and y is None:
        raise ValueError(
            f"method={method!r} needs y, the targets of X (or use method='miv', "
            "'garson' or 'olden', which need none)"
        )
    A = view.matrix(X) if (X is not None or method not in _CONNECTION) else None
    attrs = {"method": method}
    if method == "permutation":
        frame = _permutation(
            view, A, y, n_repeats, scoring, random_state, max_samples, sample_weight, attrs
        )
    elif method == "miv":
        frame = _miv(view, A, output, delta, attrs)
    else:
        frame = _connection(view, method, output, inputs, attrs)
    frame.index.name = "input"
    frame = frame.sort_values("importance", ascending=False, kind="stable")
    frame.attrs.update(attrs)
    return frame


def _targets(view, y, n):
    y = np.asarray(y)
    if y.shape[0] != n:
        raise ValueError(f"y has {y.shape[0]} rows, X has {n}")
    if view.task == "regression":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("y must be numeric for a regression model") from None
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        k = len(view.output_names)
        if (1 if y.ndim == 1 else y.shape[1]) != k:
            raise ValueError(
                f"y has {1 if y.ndim == 1 else y.shape[1]} columns, the model has {k} outputs"
            )
    elif y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    return y


def _permutation(view, A, y, n_repeats, scoring, random_state, max_samples, sample_weight, attrs):
    import pandas as pd
    from sklearn.inspection import permutation_importance

    if isinstance(n_repeats, bool) or not isinstance(n_repeats, numbers.Integral) or n_repeats < 1:
        raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}")
    y = _targets(view, y, len(A))
    r = permutation_importance(
        view.sklearn_estimator(),
        A,
        y,
        scoring=scoring,
        n_repeats=int(n_repeats),
        random_state=random_state,
        max_samples=max_samples,
        sample_weight=sample_weight,
    )
    attrs.update(
        n_repeats=int(n_repeats),
        scoring=scoring or ("accuracy" if view.task == "classification" else "r2"),
    )
    return pd.DataFrame(
        {"importance": r.importances_mean, "std": r.importances_std}, index=view.feature_names()
    )


def _miv(view, A, output, delta, attrs):
    import pandas as pd

    if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not 0 < delta < 1:
        raise ValueError(f"delta must be a fraction in (0, 1), got {delta!r}")
    j_out = view.output_index(output)
    n, p = A.shape
    impacts = np.empty((p, n, len(view.output_names)))
    level_cols = np.zeros(p, dtype=bool)
    for j in range(p):
        if view.table is not None:
            level_cols[j] = _table_miv(view, A, j, delta, impacts)
            continue
        up, down = A.copy(), A.copy()
        up[:, j] *= 1.0 + delta
        down[:, j] *= 1.0 - delta
        impacts[j] = view.outputs(up) - view.outputs(down)  # per row, per output
    attrs.update(delta=float(delta), output=_output_label(view, j_out))
    names = view.feature_names()
    if j_out is None:  # several outputs: mean absolute MIV, no sign
        miv = impacts.mean(axis=1)  # (p, outputs)
        return pd.DataFrame({"importance": np.abs(miv).mean(axis=1)}, index=names)
    iv = impacts[:, :, j_out]  # (p, n)
    miv = iv.mean(axis=1)
    sign = np.where(level_cols, 0.0, np.sign(miv))  # a spread over levels has no direction
    return pd.DataFrame(
        {"importance": np.abs(miv), "std": iv.std(axis=1), "sign": sign}, index=names
    )


def _table_miv(view, R, j, delta, impacts):
    """MIV of original column j of the table R (a DataFrame), into ``impacts[j]`` (rows x
    outputs): a numeric column as usual (its value times 1 +/- delta; a missing value stays
    missing, so its indicator input does not move); a categorical or ordinal column by its
    levels: per row, the largest minus the smallest output as the row's level is set to
    each of the column's fitted levels in turn (``<other>`` and ``<missing>`` are not
    levels one can set; no sign); a column left out of the inputs, or with one level: 0.
    Returns True for a column measured by its levels."""
    code = view.column_code(j)
    col = R.columns[j]
    if code["kind"] == "numeric":
        x = _floats(R[col])
        up, down = R.copy(), R.copy()
        up[col], down[col] = x * (1.0 + delta), x * (1.0 - delta)
        impacts[j] = view.outputs(up) - view.outputs(down)
        return False
    levels = list(code.get("levels", ()))
    if code["kind"] == "ignored" or len(levels) < 2:
        impacts[j] = 0.0
        return True
    outs = []
    for level in levels:
        Rl = R.copy()
        Rl[col] = level
        outs.append(view.outputs(Rl))
    outs = np.stack(outs)  # (levels, n, outputs)
    impacts[j] = outs.max(axis=0) - outs.min(axis=0)
    return True


def _floats(values):
    """A numeric column of the user's table as float64, NaN where a value is missing, read
    by the table map's own rule (numeric text, the missing-value markers such as ``?``)."""
    from .tables.encoder import _numeric_values

    return _numeric_values(values, f"column {values.name!r}")


def _output_label(view, j):
    return "all (mean of absolute values)" if j is None else str(view.output_names[j])


def _connection(view, method, output, inputs, attrs):
    import pandas as pd

    j_out = view.output_index(output)
    vals = _connection_values(view, method, inputs)  # (units, in)
    if view.table is not None and inputs == "columns":
        # one value per original column: the sum over its encoded inputs (Olden: signed,
        # so opposite levels can cancel; Garson: shares, so the column's share)
        vals = np.stack([vals[:, idx].sum(axis=1) for _, idx in view.table.groups_], axis=1)
    names = view.feature_names() if inputs == "columns" else _network_input_names(view)
    attrs.update(output=_output_label(view, j_out), inputs=inputs)
    if j_out is None:
        if method == "garson":
            return pd.DataFrame({"importance": vals.mean(axis=0)}, index=names)
        return pd.DataFrame({"importance": np.abs(vals).mean(axis=0)}, index=names)
    unit, sign = _unit_for(view, j_out)
    v = vals[unit]
    if method == "garson":  # unsigned: P(c0) = 1 - P(c1) has the same shares
        return pd.DataFrame({"importance": v}, index=names)
    v = sign * v
    return pd.DataFrame({"importance": np.abs(v), "sign": np.sign(v)}, index=names)


def partial_dependence(
    model,
    X,
    features=None,
    *,
    grid_resolution=20,
    percentiles=(0.05, 0.95),
    feature_names=None,
    input_map=None,
    target_map=None,
):
    """Average output as each input is swept over a grid (the others kept as in X).

    Through :func:`sklearn.inspection.partial_dependence` (method "brute"): for each grid
    value v of input j, every row of X gets ``x_j = v`` and the model's outputs are
    averaged. The grid spans the ``percentiles`` of the column in X, ``grid_resolution``
    points at most (fewer for a column with fewer distinct values).

    Returns a dict {input name: DataFrame indexed by the grid values, one column per
    output}: a regressor's predictions in the targets' units, a classifier's class
    probabilities (scikit-learn gives a binary classifier's positive class only).

    For a model with a table map, X is the table as it is (text, missing values): a
    categorical or ordinal column's grid is its levels (their names, in the column's
    order), a numeric column's grid is built as scikit-learn builds it (missing values
    left out), and each grid value is set in every row of the table, the outputs averaged.
    """
    import pandas as pd
    from sklearn.inspection import partial_dependence as sk_pd

    view = _View(model, input_map, target_map, feature_names)
    A = view.matrix(X)
    names = view.feature_names()
    if (
        isinstance(grid_resolution, bool)
        or not isinstance(grid_resolution, numbers.Integral)
        or grid_resolution < 2
    ):
        raise ValueError(f"grid_resolution must be an integer >= 2, got {grid_resolution!r}")
    if features is None:
        idx = list(range(len(names)))
    else:
        if isinstance(features, (str, numbers.Integral)):
            features = [features]
        idx = []
        for f in features:
            if isinstance(f, numbers.Integral) and not isinstance(f, bool) and 0 <= f < len(names):
                idx.append(int(f))
            elif str(f) in names:
                idx.append(names.index(str(f)))
            else:
                raise ValueError(f"feature {f!r} is not one of the inputs {', '.join(names[:12])}")
    est = view.sklearn_estimator()
    if view.task == "classification":
        cols = list(view.classes)
        cols = cols[1:] if len(cols) == 2 else cols
    else:
        cols = view.output_names
    out = {}
    for j in idx:
        if view.table is not None:
            _check_percentiles(percentiles)
            out[names[j]] = _table_profile(view, A, j, cols, grid_resolution, percentiles)
            continue
        r = sk_pd(
            est,
            A,
            [j],
            grid_resolution=int(grid_resolution),
            percentiles=percentiles,
            method="brute",
            kind="average",
        )
        grid = np.asarray(r["grid_values"][0], dtype=np.float64)
        avg = np.asarray(r["average"]).reshape(-1, len(grid))
        frame = pd.DataFrame(
            avg.T, index=pd.Index(grid, name=names[j]), columns=cols[: avg.shape[0]]
        )
        out[names[j]] = frame
    return out


def _check_percentiles(percentiles):
    """The checks scikit-learn makes of ``percentiles``, for the table path's own grid."""
    try:
        lo, hi = (float(v) for v in percentiles)
    except (TypeError, ValueError):
        raise ValueError("'percentiles' must be a sequence of 2 elements.") from None
    if not (0 <= lo <= 1 and 0 <= hi <= 1):
        raise ValueError("'percentiles' values must be in [0, 1].")
    if lo >= hi:
        raise ValueError("percentiles[0] must be strictly less than percentiles[1].")


def _table_profile(view, R, j, cols, grid_resolution, percentiles):
    """Partial dependence of original column j of the table R: over its fitted levels for
    a categorical or ordinal column (in the column's order: sorted, declared, or the
    ordinal order; ``<other>`` and ``<missing>`` are not levels one can set), over
    scikit-learn's grid for a numeric one (its distinct values when fewer than
    ``grid_resolution``, else evenly spaced between the ``percentiles`` of its values;
    missing values left out); each grid value set in every row, the outputs averaged."""
    import pandas as pd

    code, col = view.column_code(j), R.columns[j]
    if code["kind"] in ("categorical", "ordinal"):
        grid = list(code["levels"])
    elif code["kind"] == "ignored":
        raise ValueError(f"column {col!r} is left out of the model's inputs: no dependence")
    else:
        from scipy.stats.mstats import mquantiles

        x = _floats(R[col])
        x = x[~np.isnan(x)]
        uniques = np.unique(x)
        if len(uniques) < grid_resolution:
            grid = list(uniques)
        else:
            lo, hi = mquantiles(x, prob=percentiles, axis=0)
            if np.allclose(lo, hi):
                raise ValueError(
                    "percentiles are too close to each other, unable to build the grid. "
                    "Please choose percentiles that are further apart."
                )
            grid = list(np.linspace(lo, hi, int(grid_resolution)))
    if not grid:
        raise ValueError(f"column {col!r} has no levels or values to vary")
    rows = []
    for v in grid:
        Rv = R.copy()
        Rv[col] = v
        rows.append(view.outputs(Rv).mean(axis=0))
    avg = np.asarray(rows)  # (grid, outputs)
    if view.task == "classification" and len(view.classes) == 2:
        avg = avg[:, 1:]  # the positive class, as scikit-learn gives it
    frame = pd.DataFrame(avg, index=pd.Index(grid, name=col), columns=cols[: avg.shape[1]])
    frame.attrs["kind"] = code["kind"]  # "ordinal": the levels' order means something
    return frame
