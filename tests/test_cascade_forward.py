"""Cascade-forward connections: every layer reads the input and every earlier layer.

Checked against a hand-worked example, finite differences (gradient, parameter Jacobian,
input Jacobian), torch's autograd where torch is installed, and through the training
algorithms, the model file, the light predictor, the exports and the estimators.
"""

import pickle

import numpy as np
import pytest

import bpnn
from bpnn.gradcheck import numerical_gradient

#: (sizes, activations) for 1, 2 and 3 hidden layers with mixed activations
NETS = [
    ([3, 4, 2], ["tansig", "purelin"]),
    ([2, 3, 4, 3], ["logsig", "tansig", "softmax"]),
    ([3, 2, 3, 2, 1], ["tansig", "poslin", bpnn.GeneralizedSigmoid(1.8, 0.6), "purelin"]),
]
LOSSES = {"purelin": "sse", "softmax": "cross_entropy"}


def _net(sizes, acts, seed=1, **kw):
    return bpnn.Network(sizes, acts, init="glorot", seed=seed, connections="cascade", **kw)


def _data(net, rng, n=6, margin=0.02):
    """Inputs whose poslin pre-activations keep clear of the kink at 0 (finite differences
    across it are meaningless), and targets that fit the output activation."""
    for _ in range(1000):
        X = rng.normal(size=(n, net.n_inputs))
        tr = net.forward_trace(X)
        if all(
            np.all(np.abs(z) > margin) for z, a in zip(tr.z, net.activations) if a.name == "poslin"
        ):
            break
    m = net.n_outputs
    if net.activations[-1].name == "softmax":
        return X, np.eye(m)[rng.integers(0, m, n)]
    return X, rng.uniform(0, 1, (n, m))


# -- the layout --------------------------------------------------------------------------
def test_layout_widths_and_flat_vector():
    net = _net([3, 4, 2, 1], ["tansig", "tansig", "purelin"])
    # layer k reads [x, a_1, ..., a_k]: widths 3, 3 + 4, 3 + 4 + 2
    assert [W.shape for W in net.weights] == [(4, 3), (2, 7), (1, 9)]
    assert net.fan_in == [3, 7, 9]
    assert net.n_params == (3 + 1) * 4 + (7 + 1) * 2 + (9 + 1) * 1
    # W block row-major then b, layer by layer: the views are that vector
    flat = np.concatenate([np.r_[W.ravel(), b] for W, b in zip(net.weights, net.biases)])
    np.testing.assert_array_equal(flat, net.params)
    assert net.offsets == [(0, 12), (16, 30), (32, 41)]
    mask = np.ones(net.n_params, bool)
    mask[[12, 13, 14, 15, 30, 31, 41]] = False  # the biases
    np.testing.assert_array_equal(net.weight_mask, mask)
    assert "connections='cascade'" in repr(net)


def test_layered_default_is_unchanged():
    net = bpnn.Network([3, 4, 2], ["tansig", "purelin"], seed=0)
    assert net.connections == "layered"
    assert net.spec() == {
        "sizes": [3, 4, 2],
        "activations": [{"name": "tansig"}, {"name": "purelin"}],
    }
    assert net.n_params == (3 + 1) * 4 + (4 + 1) * 2
    assert [W.shape for W in net.weights] == [(4, 3), (2, 4)]
    assert "connections" not in repr(net)
    same = bpnn.Network([3, 4, 2], ["tansig", "purelin"], seed=0, connections="layered")
    np.testing.assert_array_equal(net.params, same.params)


def test_spec_round_trip_copy_astype_pickle(rng):
    net = _net([2, 3, 1], ["tansig", "purelin"])
    spec = net.spec()
    assert spec["connections"] == "cascade"
    back = bpnn.Network.from_spec(spec, net.params)
    X = rng.normal(size=(5, 2))
    for other in (back, net.copy(), pickle.loads(pickle.dumps(net))):
        assert other.connections == "cascade"
        np.testing.assert_array_equal(other.forward(X), net.forward(X))
    f32 = net.astype(np.float32)
    assert f32.connections == "cascade" and f32.spec()["connections"] == "cascade"
    np.testing.assert_allclose(f32.forward(X.astype(np.float32)), net.forward(X), atol=1e-6)


def test_an_old_pickle_without_the_attribute_is_layered():
    net = bpnn.Network([2, 2, 1], "tansig", seed=0)
    state = net.__getstate__()
    state.pop("connections", None)
    old = object.__new__(bpnn.Network)
    old.__dict__.update(state)
    assert old.connections == "layered"
    np.testing.assert_array_equal(old.forward(np.ones((1, 2))), net.forward(np.ones((1, 2))))


@pytest.mark.parametrize("bad", ["shortcut", "", None, 1])
def test_bad_connections_named(bad):
    with pytest.raises(
        ValueError, match=f"connections must be 'layered' or 'cascade', got {bad!r}"
    ):
        bpnn.Network([2, 2, 1], connections=bad)


@pytest.mark.parametrize("init", ["uniform", "zeros", "nguyen-widrow", "glorot", "he"])
def test_initialisers_fill_the_wide_blocks(init):
    net = bpnn.Network([3, 5, 4, 2], "tansig", init=init, seed=3, connections="cascade")
    again = bpnn.Network([3, 5, 4, 2], "tansig", init=init, seed=3, connections="cascade")
    np.testing.assert_array_equal(net.params, again.params)  # same seed, same bits
    for W in net.weights:
        assert np.all(np.isfinite(W))
        if init != "zeros":
            assert np.all(W != 0)  # every column drawn, the shortcut ones too
    if init == "nguyen-widrow":  # rows of norm 0.7 n_out^(1/n_in), n_in the whole width
        for W in net.weights:
            n_out, n_in = W.shape
            np.testing.assert_allclose(np.linalg.norm(W, axis=1), 0.7 * n_out ** (1 / n_in))


def test_callable_initialiser_sees_the_full_fan_in():
    seen = []

    def init(rng, W, b, act):
        seen.append(W.shape)
        W[...] = 1.0
        b[...] = 0.0

    bpnn.Network([2, 3, 1], "tansig", init=init, connections="cascade")
    assert seen == [(3, 2), (1, 5)]


# -- the arithmetic -----------------------------------------------------------------------
def test_hand_worked_2_1_1_cascade():
    """x = (1, 2); hidden poslin unit reads x, the purelin output reads (x1, x2, a1)."""
    net = bpnn.Network([2, 1, 1], ["poslin", "purelin"], init="zeros", connections="cascade")
    # flat vector: W1 (1x2), b1, W2 (1x3: columns x1, x2, a1), b2
    net.params = [0.5, -0.25, 0.5, 1.0, -1.0, 2.0, 0.25]
    X, D = np.array([[1.0, 2.0]]), np.array([[1.0]])
    # z1 = 0.5*1 - 0.25*2 + 0.5 = 0.5 > 0, so a1 = 0.5
    # y  = 1*1 - 1*2 + 2*0.5 + 0.25 = 0.25
    assert net.forward(X)[0, 0] == 0.25
    # SSE: E = (y - d)^2 / 2 = (-0.75)^2 / 2 = 0.28125; output delta = y - d = -0.75
    # dE/dW2 = -0.75 * (x1, x2, a1) = (-0.75, -1.5, -0.375); dE/db2 = -0.75
    # dE/da1 = -0.75 * W2[a1] = -0.75 * 2 = -1.5; poslin' = 1 there: delta1 = -1.5
    # dE/dW1 = -1.5 * (x1, x2) = (-1.5, -3); dE/db1 = -1.5
    value, grad = net.loss_and_gradient(X, D, "sse")
    assert value == 0.28125
    np.testing.assert_array_equal(grad, [-1.5, -3.0, -1.5, -0.75, -1.5, -0.375, -0.75])
    # dy/dx = W2[x] + W2[a1] * poslin' * W1 = (1 + 2*0.5, -1 + 2*(-0.25)) = (2, -1.5)
    _, J, JX = net._outputs_and_jacobian(X, input_jacobian=True)
    np.testing.assert_array_equal(JX[0], [[2.0, -1.5]])
    # the output's Jacobian is the SSE gradient divided by the residual -0.75
    np.testing.assert_array_equal(J[0], grad / -0.75)


@pytest.mark.parametrize("sizes, acts", NETS, ids=["1 hidden", "2 hidden", "3 hidden"])
def test_gradient_against_finite_differences(sizes, acts, rng):
    for seed in range(3):
        net = _net(sizes, acts, seed=seed)
        X, Y = _data(net, rng)
        loss = LOSSES[str(net.activations[-1])]
        assert bpnn.gradcheck(net, X, Y, loss=loss) < 1e-6
        sw = rng.uniform(0.2, 2.0, X.shape[0])
        assert bpnn.gradcheck(net, X, Y, loss="mse", sample_weight=sw) < 1e-6


@pytest.mark.parametrize("sizes, acts", NETS, ids=["1 hidden", "2 hidden", "3 hidden"])
def test_jacobians_against_finite_differences(sizes, acts, rng):
    net = _net(sizes, acts)
    X, _ = _data(net, rng, n=4)
    Y, J, JX = net._outputs_and_jacobian(net._check_X(X), input_jacobian=True)
    np.testing.assert_array_equal(J, net.jacobian(X))
    m = net.n_outputs

    def output(w, i):
        other = net.copy()
        other.params = w
        return other.forward(X).ravel()[i]

    Jn = np.array(
        [numerical_gradient(lambda w: output(w, i), net.params) for i in range(J.shape[0])]
    )
    np.testing.assert_allclose(J, Jn, atol=1e-8)
    for i in range(X.shape[0]):

        def row_output(x, i=i):
            Xi = X.copy()
            Xi[i] = x
            return net.forward(Xi)[i]

        JXn = np.array([numerical_gradient(lambda x: row_output(x)[o], X[i]) for o in range(m)])
        np.testing.assert_allclose(JX[i], JXn, atol=1e-8)


def test_backward_input_gradient(rng):
    net = _net(*NETS[1])
    X, Y = _data(net, rng)
    tr = net.forward_trace(X)
    _, delta = bpnn.get_loss("cross_entropy").output_delta(
        tr.z[-1], tr.output, Y, net.activations[-1], None
    )
    grad, dX = net.backward(tr, delta, input_grad=True)
    np.testing.assert_array_equal(grad, net.loss_and_gradient(X, Y, "cross_entropy")[1])
    for i in range(X.shape[0]):

        def loss_of_row(x, i=i):
            Xi = X.copy()
            Xi[i] = x
            return net.loss(Xi, Y, "cross_entropy")

        np.testing.assert_allclose(dX[i], numerical_gradient(loss_of_row, X[i]), atol=1e-9)


def test_against_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    funcs = {
        "tansig": torch.tanh,
        "logsig": torch.sigmoid,
        "poslin": torch.relu,
        "purelin": lambda z: z,
        "softmax": lambda z: torch.softmax(z, dim=1),
    }
    net = _net([3, 4, 3, 2, 2], ["tansig", "logsig", "poslin", "softmax"], seed=4)
    X, Y = _data(net, rng, n=7)
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    signals = [torch.tensor(X)]
    for W, b, act in zip(Ws, bs, net.activations):
        z = torch.cat(signals, dim=1) @ W.T + b  # every earlier signal, input first
        signals.append(funcs[act.name](z))
    loss = torch.mean(torch.sum((signals[-1] - torch.tensor(Y)) ** 2, dim=1))
    loss.backward()
    expect = np.concatenate([np.r_[W.grad.numpy().ravel(), b.grad.numpy()] for W, b in zip(Ws, bs)])
    value, grad = net.loss_and_gradient(X, Y, bpnn.get_loss("mse"))
    # bpnn's mse averages over outputs too: torch's sum over outputs / m
    np.testing.assert_allclose(value, loss.item() / net.n_outputs, rtol=1e-12)
    np.testing.assert_allclose(grad, expect / net.n_outputs, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(net.forward(X), signals[-1].detach().numpy(), rtol=1e-13)


def test_cascade_equals_layered_when_the_shortcuts_are_zero(rng):
    """With every shortcut weight 0 a cascade net computes what the layered net does."""
    sizes, acts = [3, 4, 3, 2], ["tansig", "logsig", "purelin"]
    lay = bpnn.Network(sizes, acts, seed=2)
    cas = bpnn.Network(sizes, acts, init="zeros", connections="cascade")
    for k, (W, b) in enumerate(zip(lay.weights, lay.biases)):
        cas.weights[k][:, cas.fan_in[k] - sizes[k] :] = W  # the last block reads a_k
        cas.biases[k][...] = b
    X = rng.normal(size=(9, 3))
    np.testing.assert_allclose(cas.forward(X), lay.forward(X), rtol=1e-14)
