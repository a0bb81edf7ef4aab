"""bpnn.from_sklearn: fitted scikit-learn MLPs as bpnn estimators, then trained further."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

import bpnn

RNG = np.random.default_rng(0)
X = RNG.normal(size=(90, 3)) * [1, 10, 100] + [0, 5, -50]
TARGETS = {
    "regression": X[:, 0] + np.sin(X[:, 1] / 10),
    "multi-output": np.c_[X[:, 0], X[:, 2] / 100],
    "binary": np.where(X[:, 0] + X[:, 1] / 10 > 0.5, "yes", "no"),
    "multiclass": np.array(["c", "a", "b"])[np.digitize(X[:, 0], [-0.5, 0.5])],
    "multilabel": np.c_[X[:, 0] > 0, X[:, 1] > 5, X[:, 2] > -50].astype(int),
}
SCALERS = {
    "none": lambda: None,
    "standard": StandardScaler,
    "minmax": lambda: MinMaxScaler((-1, 1)),
    "standard-no-mean": lambda: StandardScaler(with_mean=False),
    "standard-no-std": lambda: StandardScaler(with_std=False),
    "minmax01": MinMaxScaler,
}


def fit_mlp(task, activation, scaler, **kw):
    cls = MLPRegressor if task in ("regression", "multi-output") else MLPClassifier
    mlp = cls(hidden_layer_sizes=(6, 4), activation=activation, max_iter=60, random_state=0)
    mlp.set_params(**kw)
    steps = [s for s in (SCALERS[scaler](),) if s is not None] + [mlp]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return make_pipeline(*steps).fit(X, TARGETS[task])


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("task", list(TARGETS))
def test_predictions_equal_sklearn(task, activation):
    pipe = fit_mlp(task, activation, "standard")
    model = bpnn.from_sklearn(pipe)
    if task in ("regression", "multi-output"):
        assert isinstance(model, bpnn.BPRegressor)
        np.testing.assert_allclose(model.predict(X), pipe.predict(X), rtol=0, atol=1e-12)
        assert model.predict(X).shape == pipe.predict(X).shape
        return
    assert isinstance(model, bpnn.BPClassifier)
    np.testing.assert_array_equal(model.classes_, pipe.classes_)
    np.testing.assert_allclose(model.predict_proba(X), pipe.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), pipe.predict(X))


@pytest.mark.parametrize("scaler", list(SCALERS))
def test_scalers(scaler):
    pipe = fit_mlp("multiclass", "tanh", scaler)
    model = bpnn.from_sklearn(pipe)
    np.testing.assert_allclose(model.predict_proba(X), pipe.predict_proba(X), rtol=0, atol=1e-12)


def test_scaler_argument_and_a_bare_mlp():
    sc = StandardScaler().fit(X)
    mlp = MLPRegressor(hidden_layer_sizes=(5,), max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(sc.transform(X), TARGETS["regression"])
    model = bpnn.from_sklearn(mlp, scaler=sc)
    want = mlp.predict(sc.transform(X))
    np.testing.assert_allclose(model.predict(X), want, rtol=0, atol=1e-12)
    bare = bpnn.from_sklearn(mlp)  # no scaler: the network on the inputs as given
    np.testing.assert_allclose(bare.predict(sc.transform(X)), want, rtol=0, atol=1e-12)


def test_layout_and_class_order():
    pipe = fit_mlp("multiclass", "relu", "none")
    model, mlp = bpnn.from_sklearn(pipe), pipe[-1]
    # scikit-learn forms a @ coefs_[k] + intercepts_[k]; bpnn a @ W.T + b
    net = model.network_
    for W, b, C, c in zip(net.weights, net.biases, mlp.coefs_, mlp.intercepts_):
        np.testing.assert_array_equal(W, C.T)
        np.testing.assert_array_equal(b, c)
    assert [a.name for a in model.network_.activations] == ["poslin", "poslin", "softmax"]
    assert model.classes_.tolist() == ["a", "b", "c"]
    binary = bpnn.from_sklearn(fit_mlp("binary", "logistic", "none"))
    assert binary.network_.n_outputs == 1 and binary.network_.activations[-1].name == "logsig"


def test_save_load_export(tmp_path):
    pipe = fit_mlp("binary", "tanh", "minmax")
    model = bpnn.from_sklearn(pipe)
    bpnn.save(model, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))
    src = bpnn.export.export_python(back)
    ns: dict = {}
    exec(compile(src, "exported", "exec"), ns)  # the module bpnn itself generated
    np.testing.assert_allclose(ns["predict_proba"](X), pipe.predict_proba(X), atol=1e-12)


@pytest.mark.parametrize("algorithm", ["lm", "scg"])
def test_trained_further_from_the_imported_weights(algorithm):
    pipe = fit_mlp("regression", "tanh", "standard", max_iter=20)
    y = TARGETS["regression"]
    model = bpnn.from_sklearn(pipe)
    # warm start with no epochs: the weights are the MLP's, so are the predictions
    model.set_params(warm_start=True, algorithm=algorithm, epochs=0, division=None, l2=0.0)
    model.fit(X, y)
    np.testing.assert_allclose(model.predict(X), pipe.predict(X), rtol=0, atol=1e-12)
    before = np.mean((model.predict(X) - y) ** 2)
    model.set_params(epochs=30, warn=False).fit(X, y)
    assert model.algorithm_ == algorithm and model.record_.epochs > 0
    after = np.mean((model.predict(X) - y) ** 2)
    assert after < before  # a full-batch method from the MLP's weights lowers the error
    np.testing.assert_array_equal(model.input_map_.scale_, 1 / pipe[0].scale_)


def test_classifier_trained_further_keeps_classes():
    pipe = fit_mlp("multiclass", "logistic", "standard", max_iter=10)
    model = bpnn.from_sklearn(pipe).set_params(
        warm_start=True, algorithm="scg", epochs=20, division=None, l2=0.0, warn=False
    )
    loss0 = model.fit(X, TARGETS["multiclass"]).record_.loss[0]
    assert model.record_.loss[-1] < loss0
    assert model.classes_.tolist() == ["a", "b", "c"]
    with pytest.raises(ValueError, match="not in classes_"):
        model.fit(X, np.where(TARGETS["multiclass"] == "a", "z", TARGETS["multiclass"]))


def test_warm_start_false_fits_afresh():
    pipe = fit_mlp("regression", "tanh", "standard", max_iter=20)
    model = bpnn.from_sklearn(pipe).set_params(epochs=0, division=None, l2=0.0, random_state=0)
    model.fit(X, TARGETS["regression"])  # a new network (Nguyen-Widrow), not the MLP's
    assert not np.allclose(model.predict(X), pipe.predict(X))


def test_refusals():
    with pytest.raises(ValueError, match="not fitted"):
        bpnn.from_sklearn(MLPClassifier())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pca_pipe = make_pipeline(PCA(2), MLPRegressor(max_iter=5)).fit(X, TARGETS["regression"])
    with pytest.raises(ValueError, match="PCA"):
        bpnn.from_sklearn(pca_pipe)
    with pytest.raises(ValueError, match="steps"):
        bpnn.from_sklearn(make_pipeline(StandardScaler(), PCA(2), MLPRegressor()))
    with pytest.raises(ValueError, match="got LinearRegression"):
        from sklearn.linear_model import LinearRegression

        bpnn.from_sklearn(LinearRegression().fit(X, TARGETS["regression"]))
    pipe = fit_mlp("regression", "relu", "standard")
    with pytest.raises(ValueError, match="do not also pass scaler="):
        bpnn.from_sklearn(pipe, scaler=StandardScaler().fit(X))
    with pytest.raises(ValueError, match="clip=True"):
        bpnn.from_sklearn(pipe[-1], scaler=MinMaxScaler(clip=True).fit(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        poisson = MLPRegressor(loss="poisson", max_iter=5).fit(X, np.abs(TARGETS["regression"]))
    with pytest.raises(ValueError, match="'exp' .*poisson.* no bpnn counterpart"):
        bpnn.from_sklearn(poisson)
    with pytest.raises(ValueError, match="takes 2 features, the MLP 3"):
        bpnn.from_sklearn(pipe[-1], scaler=StandardScaler().fit(X[:, :2]))


def test_warm_start_ensemble_members_go_on_from_their_own():
    rng = np.random.default_rng(1)
    Xs, ys = rng.normal(size=(40, 2)), rng.normal(size=40)
    model = bpnn.BPRegressor(hidden=(3,), n_ensemble=2, epochs=3, division=None, l2=0.0,
                             random_state=0, warn=False).fit(Xs, ys)  # fmt: skip
    before = [net.params.copy() for net in model.networks_]
    model.set_params(warm_start=True, epochs=0).fit(Xs, ys)
    for net, params in zip(model.networks_, before):
        np.testing.assert_array_equal(net.params, params)
    assert model.networks_[0] is not model.networks_[1]
