"""Back-propagation against finite differences, for every sensible activation x loss pair."""

import numpy as np
import pytest

import bpnn

HIDDEN = ["logsig", "tansig", "purelin", "poslin", "softmax", bpnn.GeneralizedSigmoid(1.8, 0.6)]
OUTPUT_LOSS = [
    ("purelin", "sse"),
    ("purelin", "mse"),
    ("tansig", "sse"),
    ("tansig", "mse"),
    ("logsig", "sse"),
    ("logsig", "mse"),
    ("logsig", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "mse"),
    ("poslin", "sse"),
    (bpnn.GeneralizedSigmoid(2.5, 1.5), "sse"),
    (bpnn.GeneralizedSigmoid(0.5, 3.0), "mse"),
]


def _targets(out, loss, rng, n, m):
    if loss == "cross_entropy" and str(out) == "softmax":
        return np.eye(m)[rng.integers(0, m, n)]
    if loss == "cross_entropy":
        return rng.integers(0, 2, (n, m)).astype(float)
    return rng.uniform(0, 1, (n, m))


def _away_from_kinks(net, rng, n_in, margin=0.02):
    """Inputs whose poslin pre-activations keep clear of 0, where relu has no derivative
    and finite differences straddling the kink are meaningless."""
    for _ in range(1000):
        X = rng.normal(size=(6, n_in))
        tr = net.forward_trace(X)
        if all(
            np.all(np.abs(z) > margin) for z, a in zip(tr.z, net.activations) if a.name == "poslin"
        ):
            return X
    raise RuntimeError("no kink-free sample found")


@pytest.mark.parametrize("out, loss", OUTPUT_LOSS, ids=lambda v: str(v))
@pytest.mark.parametrize("n_hidden_layers", [0, 1, 2])
def test_gradcheck_random_networks(out, loss, n_hidden_layers):
    rng = np.random.default_rng(n_hidden_layers * 100 + len(str(out)) + len(loss))
    for trial in range(3):
        hidden = [HIDDEN[i] for i in rng.choice(len(HIDDEN), n_hidden_layers)]
        sizes = (
            [int(rng.integers(1, 5))]
            + [int(rng.integers(2, 6)) for _ in hidden]
            + [int(rng.integers(2 if str(out) == "softmax" else 1, 4))]
        )
        net = bpnn.Network(sizes, hidden + [out], init="glorot", seed=trial)
        X = _away_from_kinks(net, rng, sizes[0])
        Y = _targets(out, loss, rng, 6, sizes[-1])
        assert bpnn.gradcheck(net, X, Y, loss=loss) < 1e-6, (sizes, hidden, out, loss)


def test_gradcheck_with_sample_weights(rng):
    net = bpnn.Network([3, 4, 2], ["tansig", "logsig"], seed=1)
    X, Y = rng.normal(size=(8, 3)), rng.uniform(size=(8, 2))
    sw = rng.uniform(0.1, 3, 8)
    for loss in ("sse", "mse", "cross_entropy"):
        assert bpnn.gradcheck(net, X, Y, loss=loss, sample_weight=sw) < 1e-6


def test_gradcheck_detects_a_wrong_gradient(rng):
    net = bpnn.Network([2, 3, 1], "logsig", seed=0)
    X, Y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 1))

    class Broken(bpnn.Tansig):
        def derivative(self, z, a):
            return 1.0 - a  # wrong on purpose

    net.activations[0] = Broken()
    assert bpnn.gradcheck(net, X, Y) > 1e-3


def test_loss_definitions(rng):
    Y = rng.uniform(size=(5, 3))
    T = rng.uniform(size=(5, 3))
    assert np.isclose(bpnn.get_loss("sse").value(Y, T), 0.5 * np.sum((T - Y) ** 2))
    assert np.isclose(bpnn.get_loss("mse").value(Y, T), np.mean((T - Y) ** 2))


def test_cross_entropy_is_stable_for_saturated_outputs():
    net = bpnn.Network([1, 1], "logsig", init="zeros")
    net.weights[0][0, 0] = 1e4
    X, Y = np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])
    loss, g = net.loss_and_gradient(X, Y, loss="cross_entropy")
    assert np.isclose(loss, 1e4) and np.all(np.isfinite(g))
    net2 = bpnn.Network([1, 2], "softmax", init="zeros")
    net2.weights[0][:, 0] = [1e4, -1e4]
    loss2, g2 = net2.loss_and_gradient(X, np.array([[0.0, 1.0], [1.0, 0.0]]), loss="cross_entropy")
    assert np.isclose(loss2, 2e4) and np.all(np.isfinite(g2))


def test_jacobian_against_finite_differences(rng):
    for acts in (["tansig", "purelin"], ["logsig", "softmax"], ["poslin", "tansig", "logsig"]):
        sizes = [3] + [4] * (len(acts) - 1) + [2]
        net = bpnn.Network(sizes, acts, init="glorot", seed=2)
        X = rng.normal(size=(4, 3))
        J = net.jacobian(X)
        assert J.shape == (8, net.n_params)
        w0 = net.params.copy()
        for p in range(net.n_params):
            f = lambda w: (setattr(net, "params", w), net.forward(X).ravel())[1]  # noqa
            h = 1e-6
            wp, wm = w0.copy(), w0.copy()
            wp[p] += h
            wm[p] -= h
            np.testing.assert_allclose(J[:, p], (f(wp) - f(wm)) / (2 * h), atol=1e-7)
            net.params = w0
