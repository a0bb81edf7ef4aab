import numpy as np
import pytest

import bpnn
from bpnn.activations import ACTIVATIONS


def test_params_is_one_flat_array_and_views_write_through():
    net = bpnn.Network([2, 3, 2], seed=0)
    assert net.params.ndim == 1 and net.params.dtype == np.float64
    assert net.n_params == 2 * 3 + 3 + 3 * 2 + 2
    assert net.weights[0].shape == (3, 2) and net.biases[1].shape == (2,)
    net.weights[1][0, 2] = 42.0
    assert 42.0 in net.params
    net.params[net.offsets[0][1]] = -7.0  # first hidden bias
    assert net.biases[0][0] == -7.0
    assert np.shares_memory(net.weights[0], net.params)


def test_params_setter_keeps_views():
    net = bpnn.Network([2, 3, 1], seed=0)
    w = net.weights[0]
    net.params = np.arange(net.n_params, dtype=float)
    assert w[0, 0] == 0.0 and w[0, 1] == 1.0
    with pytest.raises(ValueError, match="13 entries"):
        net.params = np.zeros(3)


def test_forward_matches_layer_by_layer_formula(rng):
    net = bpnn.Network([4, 5, 3, 2], ["tansig", "logsig", "purelin"], seed=3)
    X = rng.normal(size=(7, 4))
    a = X
    for W, b, f in zip(
        net.weights, net.biases, [np.tanh, lambda z: 1 / (1 + np.exp(-z)), lambda z: z]
    ):
        a = f(a @ W.T + b)
    np.testing.assert_allclose(net.forward(X), a, rtol=1e-13)
    tr = net.forward_trace(X)
    assert len(tr.z) == 3 and len(tr.n) == 4 and tr.n[0] is not None


def test_per_layer_activations_and_one_for_all():
    net = bpnn.Network([2, 3, 3, 1], "tansig")
    assert [a.name for a in net.activations] == ["tansig"] * 3
    net = bpnn.Network([2, 3, 1], ["relu", bpnn.GeneralizedSigmoid(2.0, 0.5)])
    assert net.activations[0].name == "poslin" and net.activations[1].A == 2.0


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_no_overflow_no_nan(name):
    act = bpnn.get_activation(name)
    z = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act(z)
        g = act.backprop(z, a, np.ones_like(z))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(g))


def test_generalized_sigmoid_formula_and_derivative():
    act = bpnn.GeneralizedSigmoid(A=2.5, B=0.7)
    z = np.linspace(-5, 5, 11)[None]
    a = act(z)
    np.testing.assert_allclose(a, 2.5 / (1 + np.exp(-z / 0.7)))
    np.testing.assert_allclose(act.derivative(z, a), a * (2.5 - a) / (2.5 * 0.7))
    with pytest.raises(ValueError, match="A must be"):
        bpnn.GeneralizedSigmoid(A=-1)
    with pytest.raises(ValueError, match="B must be"):
        bpnn.GeneralizedSigmoid(B=0)


@pytest.mark.parametrize(
    "spec",
    [
        "logsig",
        "tansig",
        "purelin",
        "poslin",
        "softmax",
        "satlin",
        "hardlim",
        bpnn.GeneralizedSigmoid(1.7, 2.3),
    ],
)
def test_activation_derivatives_against_finite_differences(spec, rng):
    act = bpnn.get_activation(spec)
    z = rng.normal(scale=2, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # relu kink (and hardlim's step)
    z[np.abs(z - 1) < 1e-3] = 0.5  # satlin's upper corner
    g = rng.normal(size=z.shape)
    analytic = act.backprop(z, act(z), g)
    h = 1e-6
    numeric = np.zeros_like(z)
    for idx in np.ndindex(*z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        numeric[idx] = np.sum(g * (act(zp) - act(zm))) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("init", ["uniform", "zeros", "nguyen-widrow", "glorot", "he"])
def test_initializers_are_seeded(init):
    a = bpnn.Network([3, 8, 2], "tansig", init=init, seed=5)
    b = bpnn.Network([3, 8, 2], "tansig", init=init, seed=5)
    assert np.array_equal(a.params, b.params)
    if init == "zeros":
        assert not a.params.any()
    else:
        c = bpnn.Network([3, 8, 2], "tansig", init=init, seed=6)
        assert not np.array_equal(a.params, c.params)


def test_uniform_is_the_tutorials_u_minus1_1():
    net = bpnn.Network([10, 50, 3], init="uniform", seed=0)
    w = net.params[net.weight_mask]
    assert w.min() >= -1 and w.max() <= 1 and w.min() < -0.9 and w.max() > 0.9
    assert not net.params[~net.weight_mask].any()  # biases start at 0 as in CBpnet


def test_nguyen_widrow_row_norms():
    net = bpnn.Network([2, 10, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    norms = np.linalg.norm(net.weights[0], axis=1)
    np.testing.assert_allclose(norms, 0.7 * 10 ** (1 / 2))


def test_zeros_init_never_breaks_symmetry():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    Y = np.array([[0], [1], [1], [0]], float)
    net = bpnn.Network([2, 4, 1], init="zeros")
    bpnn.train(net, X, Y, lr=0.5, epochs=50, seed=0)
    W = net.weights[0]
    assert np.allclose(W, W[0])  # every hidden unit stayed identical


@pytest.mark.parametrize(
    "bad, match",
    [
        (dict(sizes=[2, -3, 1]), "positive integers"),
        (dict(sizes=[2]), "at least"),
        (dict(sizes=[2, "x", 1]), "positive integers"),
        (dict(sizes=[2, 3, 1], activations="swish"), "swish"),
        (dict(sizes=[2, 3, 1], activations=["tansig"]), "1 functions for 2 layers"),
        (dict(sizes=[2, 3, 1], init="bogus"), "bogus"),
    ],
)
def test_bad_network_arguments(bad, match):
    with pytest.raises(ValueError, match=match):
        bpnn.Network(**bad)


def test_bad_data_is_named():
    net = bpnn.Network([2, 3, 1], seed=0)
    X = np.ones((4, 2))
    Y = np.ones((4, 1))
    with pytest.raises(ValueError, match="3 columns, expected 2"):
        net.forward(np.ones((4, 3)))
    Xn = X.copy()
    Xn[2, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite value NaN at row 2, column 1"):
        net.loss_and_gradient(Xn, Y)
    Yi = Y.copy()
    Yi[0, 0] = np.inf
    with pytest.raises(ValueError, match="non-finite value inf"):
        bpnn.train(net, X, Yi)
    with pytest.raises(ValueError, match="empty"):
        bpnn.train(net, np.zeros((0, 2)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match="4 samples but Y has 3"):
        bpnn.train(net, X, Y[:3])
    with pytest.raises(ValueError, match="hinge"):
        net.loss_and_gradient(X, Y, loss="hinge")
    with pytest.raises(ValueError, match="'adamw'"):
        bpnn.train(net, X, Y, algorithm="adamw")
    with pytest.raises(ValueError, match="momentun"):
        bpnn.train(net, X, Y, algorithm="sgd", momentun=0.9)
    with pytest.raises(ValueError, match="lr must be a positive number, got -1"):
        bpnn.train(net, X, Y, algorithm="sgd", lr=-1)
    with pytest.raises(ValueError, match="cross_entropy.*tansig"):
        bpnn.Network([2, 3, 1], "tansig").loss_and_gradient(X, Y, loss="cross_entropy")
