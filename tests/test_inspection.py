"""Input importance and partial dependence (bpnn.inspection) against hand computations."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_friedman1
from sklearn.exceptions import ConvergenceWarning

import bpnn
from bpnn.preprocessing import InputPreprocessor, TargetScaler

# the 2-3-1 network of the hand computations below
W1 = np.array([[1.0, -2.0], [0.5, 1.0], [-1.0, 0.5]])
B1 = np.array([0.1, -0.2, 0.3])
W2 = np.array([[2.0, -1.0, 0.5]])
B2 = np.array([0.25])


def _net(hidden="purelin", sizes=(2, 3, 1)):
    net = bpnn.Network(list(sizes), [hidden, "purelin"], init="zeros")
    net.weights[0][...], net.biases[0][...] = W1, B1
    net.weights[1][...], net.biases[1][...] = W2, B2
    return net


def test_garson_by_hand():
    # |W1| row shares: h1 (1, 2)/3, h2 (0.5, 1)/1.5, h3 (1, 0.5)/1.5 -> (1/3, 2/3) twice and
    # (2/3, 1/3); times |v| = (2, 1, 0.5): x1 2/3 + 1/3 + 1/3 = 4/3, x2 4/3 + 2/3 + 1/6 = 13/6;
    # normalised by 4/3 + 13/6 = 7/2: x1 8/21, x2 13/21
    imp = bpnn.importance(_net("tansig"), method="garson")
    assert list(imp.index) == ["x1", "x0"]
    assert imp.loc["x0", "importance"] == pytest.approx(8 / 21)
    assert imp.loc["x1", "importance"] == pytest.approx(13 / 21)
    assert list(imp.columns) == ["importance"]  # Garson has no sign
    assert imp.attrs["method"] == "garson"


def test_olden_by_hand():
    # x1: 1*2 + 0.5*(-1) + (-1)*0.5 = 1; x2: -2*2 + 1*(-1) + 0.5*0.5 = -4.75
    imp = bpnn.importance(_net("tansig"), method="olden", feature_names=["a", "b"])
    assert list(imp.index) == ["b", "a"]
    assert imp.loc["a", "importance"] == pytest.approx(1.0)
    assert imp.loc["b", "importance"] == pytest.approx(4.75)
    assert imp.loc["a", "sign"] == 1 and imp.loc["b", "sign"] == -1


def test_olden_any_depth_is_the_sum_over_paths():
    rng = np.random.default_rng(3)
    net = bpnn.Network([3, 4, 2, 1], "tansig", init="uniform", seed=1)
    Ws = net.weights
    want = np.zeros(3)
    for i in range(3):  # every path input i -> a -> b -> output
        for a in range(4):
            for b in range(2):
                want[i] += Ws[0][a, i] * Ws[1][b, a] * Ws[2][0, b]
    imp = bpnn.importance(net, rng.normal(size=(5, 3)), method="olden")
    got = np.array([imp.loc[f"x{i}", "importance"] * imp.loc[f"x{i}", "sign"] for i in range(3)])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    with pytest.raises(ValueError, match="garson.*exactly one hidden layer.*has 2"):
        bpnn.importance(net, method="garson")


def test_miv_by_hand_on_a_linear_network():
    # a linear net is f(x) = c.x + const with c = W2 W1 = (1, -4.75); x_j*(1.1) vs x_j*(0.9)
    # changes f by c_j * 0.2 * x_j: rows (1, 2), (3, 4) -> x1: 0.2, 0.6 (mean 0.4, std 0.2),
    # x2: -1.9, -3.8 (mean -2.85, std 0.95)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    imp = bpnn.importance(_net(), X, method="miv")
    assert list(imp.index) == ["x1", "x0"]
    assert imp.loc["x0", "importance"] == pytest.approx(0.4)
    assert imp.loc["x0", "std"] == pytest.approx(0.2)
    assert imp.loc["x1", "importance"] == pytest.approx(2.85)
    assert imp.loc["x1", "std"] == pytest.approx(0.95)
    assert imp.loc["x1", "sign"] == -1 and imp.loc["x0", "sign"] == 1
    # delta=0.5: x_j * 1.5 vs x_j * 0.5 -> c_j * x_j: x1 mean 2
    assert bpnn.importance(_net(), X, method="miv", delta=0.5).loc[
        "x0", "importance"
    ] == pytest.approx(2.0)


def test_miv_by_hand_on_a_tansig_network_in_original_units():
    # the input map and target map are applied: x -> (x - 1) / 2 -> net -> y * 3 + 5
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    imap = InputPreprocessor("none", drop_constant=False).fit(X)
    imap.scale_, imap.offset_ = np.array([0.5, 0.5]), np.array([-0.5, -0.5])
    tmap = TargetScaler("none").fit(np.zeros((1, 1)))
    tmap.scale_, tmap.offset_ = np.array([1 / 3]), np.array([-5 / 3])

    def f(A):  # the model written out by hand
        Z = (A - 1.0) / 2.0
        H = np.tanh(Z @ W1.T + B1)
        return (H @ W2.T + B2)[:, 0] * 3.0 + 5.0

    want = []
    for j in range(2):
        up, down = X.copy(), X.copy()
        up[:, j] *= 1.1
        down[:, j] *= 0.9
        want.append(np.mean(f(up) - f(down)))
    imp = bpnn.importance(_net("tansig"), X, method="miv", input_map=imap, target_map=tmap)
    for j in range(2):
        assert imp.loc[f"x{j}", "importance"] == pytest.approx(abs(want[j]), rel=1e-12)
        assert imp.loc[f"x{j}", "sign"] == np.sign(want[j])


def test_partial_dependence_of_a_linear_network_by_hand():
    # PD_j(v) = mean over rows of f(x with x_j = v) = c_j v + c_other mean(x_other) + const
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(30, 2))
    c = (W2 @ W1)[0]
    const = float((W2 @ B1 + B2)[0])
    pdp = bpnn.partial_dependence(_net(), X, grid_resolution=7)
    assert list(pdp) == ["x0", "x1"]
    grid = pdp["x0"].index.to_numpy()
    assert len(grid) == 7 and X[:, 0].min() < grid[0] < grid[-1] < X[:, 0].max()
    np.testing.assert_allclose(np.diff(grid), (grid[-1] - grid[0]) / 6)  # evenly spaced
    np.testing.assert_allclose(
        pdp["x0"]["prediction"], c[0] * grid + c[1] * X[:, 1].mean() + const, rtol=1e-10
    )
    only = bpnn.partial_dependence(_net(), X, ["x1"], grid_resolution=5)
    assert list(only) == ["x1"]


def test_permutation_of_an_unused_input_is_zero():
    net = _net()
    net.weights[0][:, 1] = 0.0  # x1 is not used at all
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    y = net.forward(X)[:, 0] + 0.1 * rng.normal(size=40)
    imp = bpnn.importance(net, X, y, method="permutation", n_repeats=4)
    assert imp.index[0] == "x0" and imp.loc["x0", "importance"] > 0.5
    assert imp.loc["x1", "importance"] == 0 and imp.loc["x1", "std"] == 0
    assert imp.attrs["scoring"] == "r2" and imp.attrs["n_repeats"] == 4


# -- fitted estimators, preprocessing ------------------------------------------------------
@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(500, 10, noise=1.0, random_state=4)
    names = [f"x{j}" for j in range(10)]
    model = bpnn.BPRegressor(random_state=4).fit(pd.DataFrame(X, columns=names), y)
    Xt, yt = make_friedman1(500, 10, noise=1.0, random_state=104)
    return model, pd.DataFrame(Xt, columns=names), yt


@pytest.mark.parametrize("method", ["permutation", "miv", "garson", "olden"])
def test_friedman1_informative_inputs_first(friedman, method):
    # y = 10 sin(pi x0 x1) + 20 (x2 - 0.5)^2 + 10 x3 + 5 x4 + noise; x5..x9 are noise
    model, X, y = friedman
    imp = bpnn.importance(model, X, y, method=method)
    assert len(imp) == 10 and imp.index.name == "input"
    assert set(imp.index[:5]) == {"x0", "x1", "x2", "x3", "x4"}, imp
    assert imp["importance"].is_monotonic_decreasing


def test_dataframe_columns_are_matched_by_name(friedman):
    model, X, y = friedman
    a = bpnn.importance(model, X, method="miv")
    b = bpnn.importance(model, X[X.columns[::-1]], method="miv")  # any column order
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="lacks the model's input column.*'x3'"):
        bpnn.importance(model, X.drop(columns="x3"), y)
    with pytest.raises(ValueError, match="column.*'extra' the model was not trained on"):
        bpnn.importance(model, X.assign(extra=1.0), y)
    with pytest.raises(ValueError, match="X has 9 columns, the model expects 10"):
        bpnn.importance(model, X.to_numpy()[:, :9], y)
    with pytest.raises(ValueError, match="method='permutation' needs y"):
        bpnn.importance(model, X)
    with pytest.raises(ValueError, match="y has 3 rows, X has 500"):
        bpnn.importance(model, X, y[:3])
    gap = X.copy()
    gap.iloc[7, 3] = np.nan
    with pytest.raises(
        ValueError, match=r"^X holds a non-finite value NaN at row 7, column 3 \('x3'\)$"
    ):
        bpnn.importance(model, gap, y)


def test_bad_arguments_are_named(friedman):
    model, X, y = friedman
    with pytest.raises(ValueError, match="method must be one of.*got 'shap'"):
        bpnn.importance(model, X, y, method="shap")
    with pytest.raises(ValueError, match="delta must be a fraction in \\(0, 1\\), got 1.5"):
        bpnn.importance(model, X, method="miv", delta=1.5)
    with pytest.raises(ValueError, match="output 'z' is not one of the model's outputs"):
        bpnn.importance(model, X, method="olden", output="z")
    with pytest.raises(ValueError, match="inputs='network' is for the connection-weight"):
        bpnn.importance(model, X, method="miv", inputs="network")
    with pytest.raises(ValueError, match="X is needed"):
        bpnn.importance(model, method="miv")
    with pytest.raises(ValueError, match="model must be a fitted"):
        bpnn.importance(object(), X, y)
    with pytest.raises(ValueError, match="feature 'nope' is not one of the inputs"):
        bpnn.partial_dependence(model, X, ["nope"])


def test_loaded_models_give_the_same_importance(friedman, tmp_path):
    model, X, y = friedman
    path = bpnn.save(model, tmp_path / "m.bpnn")
    from bpnn.io import load_predictor

    for other in (bpnn.load(path), load_predictor(path)):
        for method in ("miv", "olden", "garson"):
            pd.testing.assert_frame_equal(
                bpnn.importance(model, X, method=method), bpnn.importance(other, X, method=method)
            )
        pd.testing.assert_frame_equal(
            bpnn.importance(model, X, y, n_repeats=2), bpnn.importance(other, X, y, n_repeats=2)
        )


def _fit_quietly(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def test_pca_is_folded_into_the_first_layer():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 3))
    X = np.hstack([X, np.full((80, 1), 7.0)])  # a constant column, dropped
    y = X[:, 0] - 2 * X[:, 1]
    model = _fit_quietly(
        bpnn.BPRegressor(hidden=(4,), pca=2, epochs=30, random_state=0, division="refit"), X, y
    )  # one network: the importances below are its weights'
    m, net = model.input_map_, model.network_
    # the folded first layer on the scaled columns is an equivalent network
    W = net.weights[0] @ m.pca_components_
    b = net.biases[0] - W @ m.pca_mean_
    S = X[:, m.keep_] * m.scale_ + m.offset_
    eq = bpnn.Network([3, 4, 1], [a.spec() for a in net.activations], init="zeros")
    eq.weights[0][...], eq.biases[0][...] = W, b
    eq.weights[1][...], eq.biases[1][...] = net.weights[1], net.biases[1]
    np.testing.assert_allclose(eq.forward(S), net.forward(m.transform(X)), atol=1e-10)
    olden = bpnn.importance(model, X, method="olden")
    want = (net.weights[1] @ W)[0]
    for j in range(3):
        assert olden.loc[f"x{j}", "importance"] == pytest.approx(abs(want[j]))
    assert olden.loc["x3", "importance"] == 0 and olden.loc["x3", "sign"] == 0
    assert bpnn.importance(model, X, method="garson").loc["x3", "importance"] == 0
    comps = bpnn.importance(model, method="garson", inputs="network")
    assert sorted(comps.index) == ["pc1", "pc2"]
    assert comps["importance"].sum() == pytest.approx(1.0)


def test_classifiers():
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = _fit_quietly(bpnn.BPClassifier(random_state=0), X, y)
    imp = bpnn.importance(model, X, y, n_repeats=3)
    assert imp.attrs["scoring"] == "accuracy"
    assert set(imp.index[:2]) == {"petal length (cm)", "petal width (cm)"}
    miv = bpnn.importance(model, X, method="miv")  # 3 classes: no sign
    assert "sign" not in miv and (miv["importance"] >= 0).all()
    assert miv.attrs["output"].startswith("all")
    one = bpnn.importance(model, X, method="miv", output=2)  # class label 2
    assert one.attrs["output"] == "2" and "sign" in one
    pdp = bpnn.partial_dependence(model, X, ["petal width (cm)"], grid_resolution=5)
    frame = pdp["petal width (cm)"]
    assert list(frame.columns) == [0, 1, 2]
    np.testing.assert_allclose(frame.sum(axis=1), 1.0)  # probabilities

    # binary with one logistic unit: P(classes_[0]) = 1 - P(classes_[1]) flips Olden's sign
    keep = y != 0
    Xb, yb = X[keep], y[keep].map({1: "versicolor", 2: "virginica"})
    binary = _fit_quietly(bpnn.BPClassifier(random_state=0), Xb, yb)
    pos = bpnn.importance(binary, Xb, method="olden")
    neg = bpnn.importance(binary, Xb, method="olden", output="versicolor")
    assert pos.attrs["output"] == "virginica"
    np.testing.assert_allclose(pos["importance"], neg["importance"])
    np.testing.assert_array_equal(pos["sign"], -neg["sign"])
    pm = bpnn.importance(binary, Xb, method="miv")
    nm = bpnn.importance(binary, Xb, method="miv", output="versicolor")
    np.testing.assert_allclose(pm["importance"], nm.loc[pm.index, "importance"])
    assert list(bpnn.partial_dependence(binary, Xb, [0])[Xb.columns[0]].columns) == ["virginica"]


def test_ensembles_average_the_members_connection_weights(friedman):
    if "n_ensemble" not in bpnn.BPRegressor().get_params():
        pytest.skip("this bpnn has no ensembles (n_ensemble)")
    _, X, y = friedman
    model = _fit_quietly(bpnn.BPRegressor(hidden=(6,), n_ensemble=3, random_state=0), X, y)
    assert len(model.networks_) == 3
    olden = bpnn.importance(model, method="olden")
    want = np.mean([(n.weights[1] @ n.weights[0])[0] for n in model.networks_], axis=0)
    for j in range(10):
        name = f"x{j}"
        assert olden.loc[name, "importance"] * olden.loc[name, "sign"] == pytest.approx(want[j])
    garson = bpnn.importance(model, method="garson")
    assert garson["importance"].sum() == pytest.approx(1.0)
    # permutation and MIV go through the ensemble's (averaged) predict
    miv = bpnn.importance(model, X, method="miv", delta=0.5)
    up, down = X.copy(), X.copy()
    up["x3"] *= 1.5
    down["x3"] *= 0.5
    assert miv.loc["x3", "importance"] == pytest.approx(
        abs(np.mean(model.predict(up) - model.predict(down)))
    )
