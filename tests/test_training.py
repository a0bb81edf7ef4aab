import numpy as np
import pytest

import bpnn

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
XOR_Y = np.array([[0], [1], [1], [0]], float)


def test_xor_learned_by_per_sample_bp():
    net = bpnn.Network([2, 3, 1], "logsig", seed=0)
    rec = bpnn.train(net, XOR_X, XOR_Y, algorithm="sgd", lr=0.9, epochs=5000, goal=0.01, seed=0)
    assert rec.stop_reason == "goal met"
    assert np.array_equal((net.forward(XOR_X) > 0.5).astype(float), XOR_Y)


def test_sine_fit_1_10_1():
    x = np.linspace(-1, 1, 60)[:, None]
    y = np.sin(np.pi * x)
    net = bpnn.Network([1, 10, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(
        net,
        x,
        y,
        algorithm="sgd",
        loss="mse",
        lr=0.05,
        epochs=3000,
        goal=0.001,
        seed=0,
        epoch_loss="exact",
    )
    assert np.mean((net.forward(x) - y) ** 2) < 0.01
    assert rec.final_loss == pytest.approx(np.mean((net.forward(x) - y) ** 2))


@pytest.mark.parametrize(
    "algorithm, kw", [("sgd", {}), ("gd", {"lr": 0.5}), ("sgd", {"batch_size": 2, "momentum": 0.5})]
)
def test_same_seed_same_bits(algorithm, kw):
    out = []
    for _ in range(2):
        net = bpnn.Network([2, 4, 1], "logsig", seed=7)
        bpnn.train(net, XOR_X, XOR_Y, algorithm=algorithm, epochs=50, seed=3, **kw)
        out.append(net.params.copy())
    assert np.array_equal(out[0], out[1])


def test_record_contents():
    net = bpnn.Network([2, 3, 1], seed=1)
    rec = bpnn.train(net, XOR_X, XOR_Y, epochs=20, seed=1, epoch_loss="exact")
    assert rec.epochs == 20 and rec.stop_reason == "max epochs"
    assert len(rec.loss) == 21 and rec.epoch[0] == 0
    assert rec.best_loss == min(rec.loss) and rec.loss[rec.best_epoch] == rec.best_loss
    assert rec.loss[-1] == pytest.approx(net.loss(XOR_X, XOR_Y))


def test_goal_stops_training():
    net = bpnn.Network([2, 3, 1], seed=0)
    rec = bpnn.train(net, XOR_X, XOR_Y, lr=0.9, epochs=10000, goal=0.05, seed=0)
    assert rec.stop_reason == "goal met" and rec.final_loss <= 0.05 < rec.loss[-2]


def test_compiled_kernel_matches_numpy_reference():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(20, 3)), rng.uniform(size=(20, 2))
    for acts, loss in [
        (["tansig", "logsig"], "sse"),
        (["poslin", "purelin"], "mse"),
        ([bpnn.GeneralizedSigmoid(2, 0.5), "softmax"], "cross_entropy"),
    ]:
        net = bpnn.Network([3, 5, 2], acts, init="glorot", seed=1)
        ref = net.copy()
        bpnn.train(
            net, X, Y, algorithm="sgd", loss=loss, lr=0.05, lr_bias=0.02, epochs=3, shuffle=False
        )
        for _ in range(3):  # the same, one sample at a time in NumPy
            for i in range(20):
                _, g = ref.loss_and_gradient(X[i : i + 1], Y[i : i + 1], loss)
                ref.params = ref.params - np.where(ref.weight_mask, 0.05, 0.02) * g
        np.testing.assert_allclose(net.params, ref.params, atol=1e-12)


def test_per_sample_sgd_with_a_custom_activation_is_exact():
    """A user's Activation has no kernel code: per-sample BP must take the NumPy path, not
    run the compiled kernel with a wrong activation (it once did)."""

    class Softplus(bpnn.Activation):
        name = "softplus"

        def __call__(self, z):
            return np.logaddexp(0.0, z)

        def derivative(self, z, a):
            return 1.0 / (1.0 + np.exp(-z))

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    net = bpnn.Network([2, 3, 1], [Softplus(), "purelin"], seed=0)
    ref = net.copy()
    bpnn.train(net, X, Y, "sgd", lr=0.05, epochs=2, shuffle=False)
    for _ in range(2):
        for i in range(10):
            _, g = ref.loss_and_gradient(X[i : i + 1], Y[i : i + 1])
            ref.params = ref.params - 0.05 * g
    np.testing.assert_allclose(net.params, ref.params, atol=1e-12)
