"""The lean (in-place, chunked, compiled) paths against the plain reference paths.

Reference: ``Network.forward_trace``/``backward``/``loss_and_gradient`` — the straightforward
NumPy code that the finite-difference tests check. Every fast path must give the same
numbers; the speed itself is shown by the benchmarks, never here.
"""

import tracemalloc

import numpy as np
import pytest

import bpnn
from bpnn.algorithms import get_algorithm

HIDDEN = ["logsig", "tansig", "poslin", "purelin", bpnn.GeneralizedSigmoid(1.5, 0.7)]


def _problem(hidden, out, loss, rng, n=37, weighted=False):
    net = bpnn.Network([4, 6, 5, 3], [hidden, hidden, out], init="glorot", seed=1)
    X = rng.normal(size=(n, 4))
    if out == "softmax":
        Y = np.eye(3)[rng.integers(0, 3, n)]
    elif loss == "cross_entropy":
        Y = rng.integers(0, 2, (n, 3)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (n, 3))
    sw = rng.uniform(0.2, 2.0, n) if weighted else None
    return net, X, Y, sw


CASES = [(h, "purelin", "sse") for h in HIDDEN] + [
    ("tansig", "logsig", "mse"),
    ("poslin", "softmax", "cross_entropy"),
    ("logsig", "logsig", "cross_entropy"),
    ("tansig", "tansig", "mae"),
]


@pytest.mark.parametrize("hidden, out, loss", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_lean_chunked_value_and_grad_equal_the_reference(
    hidden, out, loss, weighted, rng, monkeypatch
):
    net, X, Y, sw = _problem(hidden, out, loss, rng, weighted=weighted)
    obj = bpnn.Objective(net, loss, X, Y, sample_weight=sw, l2=0.01)
    assert obj.lean
    w = net.params.copy()
    ref_v, ref_g = net.loss_and_gradient(X, Y, loss, sw)
    ww = np.where(net.weight_mask, w, 0.0)  # + l2/2 |W|^2
    ref_v, ref_g = ref_v + 0.005 * ww @ ww, ref_g + 0.01 * ww
    monkeypatch.setattr(type(net), "_chunk_rows", lambda self: 8)  # 37 rows = 5 chunks
    v, g = obj.value_and_grad(w)
    assert v == pytest.approx(ref_v, rel=1e-12)
    assert obj.value(w) == pytest.approx(ref_v, rel=1e-12)
    np.testing.assert_allclose(g, ref_g, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.8, False), (0.8, True)])
def test_lean_minibatch_epoch_equals_the_rule_path(momentum, nesterov, rng):
    net, X, Y, sw = _problem("tansig", "softmax", "cross_entropy", rng, n=50, weighted=True)
    ref = net.copy()
    bpnn.train(
        net,
        X,
        Y,
        "sgd",
        loss="cross_entropy",
        sample_weight=sw,
        lr=0.2,
        lr_bias=0.05,
        batch_size=8,
        momentum=momentum,
        nesterov=nesterov,
        epochs=3,
        seed=4,
    )
    # the same epochs by hand: rows in the trainer's order, the plain gradient, the rule
    order_rng, v = np.random.default_rng(4), np.zeros(ref.n_params)
    lr = np.where(ref.weight_mask, 0.2, 0.05)
    for _ in range(3):
        order = order_rng.permutation(50)
        for s in range(0, 50, 8):
            idx = order[s : s + 8]
            _, g = ref.loss_and_gradient(X[idx], Y[idx], "cross_entropy", sw[idx])
            v = momentum * v - lr * g
            ref.params = ref.params + (momentum * v - lr * g if nesterov else v)
    np.testing.assert_allclose(net.params, ref.params, rtol=0, atol=1e-12)


def test_minibatch_path_with_a_custom_activation_still_trains(rng):
    class Softsign(bpnn.Activation):  # not built in: the general path is used
        name = "softsign"

        def __call__(self, z):
            return z / (1 + np.abs(z))

        def derivative(self, z, a):
            return 1 / (1 + np.abs(z)) ** 2

    net = bpnn.Network([2, 4, 1], [Softsign(), "purelin"], seed=0)
    X = rng.normal(size=(40, 2))
    Y = X[:, :1] * 0.5
    obj = bpnn.Objective(net, "mse", X, Y)
    assert not obj.lean
    rec = bpnn.train(net, X, Y, "sgd", loss="mse", lr=0.1, batch_size=8, epochs=30, seed=0)
    assert rec.loss[-1] < rec.loss[1]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("rows", [1, 3, 8, 9, 700])
def test_fast_predict_equals_the_reference_forward(dtype, rows, rng):
    net = bpnn.Network([5, 7, 6, 3], ["tansig", "poslin", "softmax"], seed=2, dtype=dtype)
    X = rng.normal(size=(rows, 5)).astype(dtype)
    ref = net.forward_trace(X).output
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(net.predict(X), ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(net.predict_unchecked(X), ref, rtol=tol, atol=tol)
    assert net.predict(X).dtype == dtype


@pytest.mark.parametrize("rows", [1, 20])
def test_predict_still_refuses_non_finite_rows(rows, rng):
    net = bpnn.Network([3, 4, 2], seed=0)
    X = rng.normal(size=(rows, 3))
    X[-1, 1] = np.inf
    with pytest.raises(ValueError, match=f"non-finite value inf at row {rows - 1}, column 1"):
        net.predict(X)


def test_jacobian_blocks_equal_finite_differences(rng):
    net = bpnn.Network([3, 4, 2], ["tansig", "softmax"], seed=3)
    X = rng.normal(size=(5, 3))
    J = net.jacobian(X)
    w0, h = net.params.copy(), 1e-6
    for p in range(net.n_params):
        net.params = w0 + h * np.eye(net.n_params)[p]
        up = net.forward(X).ravel()
        net.params = w0 - h * np.eye(net.n_params)[p]
        down = net.forward(X).ravel()
        np.testing.assert_allclose(J[:, p], (up - down) / (2 * h), atol=1e-8)
    net.params = w0
    obj = bpnn.Objective(net, "sse", X, rng.uniform(size=(5, 2)))
    r, J2 = obj.residuals_and_jacobian(w0)
    np.testing.assert_array_equal(J2, J)
    np.testing.assert_allclose(r, (net.forward(X) - obj.Y).ravel(), rtol=0, atol=1e-15)


def test_float32_training_reaches_the_float64_accuracy():
    # three Gaussian blobs, 3 classes; the same network trained in float64 and float32
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
    labels = rng.integers(0, 3, 600)
    X = centres[labels] + rng.normal(scale=0.9, size=(600, 2))
    Y = np.eye(3)[labels]
    acc = {}
    for dt in (np.float64, np.float32):
        net = bpnn.Network([2, 16, 3], ["tansig", "softmax"], init="glorot", seed=0, dtype=dt)
        bpnn.train(net, X, Y, "sgd", loss="cross_entropy", lr=0.1, batch_size=32, epochs=15, seed=0)
        assert net.params.dtype == dt and net.predict(X).dtype == dt
        acc[dt] = np.mean(net.predict(X).argmax(axis=1) == labels)
    assert acc[np.float64] > 0.85  # the task is learned ...
    assert abs(acc[np.float32] - acc[np.float64]) <= 0.01  # ... equally well in float32


def test_whole_batch_training_needs_less_extra_memory_than_the_data():
    n = 200_000  # 32 MB of float64 inputs
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 20))
    Y = np.tanh(X[:, :1])
    net = bpnn.Network([20, 10, 1], ["tansig", "purelin"], seed=0)
    tracemalloc.start()
    try:
        bpnn.train(net, X, Y, "gd", loss="mse", lr=0.01, epochs=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= X.nbytes


def test_sgd_minibatch_state_is_the_rule_state():
    # the lean loop keeps the rule's velocity, so checkpoints and step() stay compatible
    net = bpnn.Network([2, 3, 1], seed=0)
    X, Y = np.eye(2).repeat(10, axis=0), np.ones((20, 1))
    alg = get_algorithm("sgd", lr=0.1, batch_size=4, momentum=0.5)
    obj = bpnn.Objective(net, "sse", X, Y)
    w = net.params.copy()
    state = alg.init(obj, w)
    _, state2, info = alg.run_epoch(obj, w, state, np.arange(20))
    assert state2.shape == w.shape and np.any(state2 != 0) and np.all(state == 0)
    assert np.isfinite(info.grad_norm) and info.loss is None


def test_workspaces_are_not_pickled_or_shared(rng):
    import copy
    import pickle

    net = bpnn.Network([3, 50, 2], seed=0)
    X = rng.normal(size=(2000, 3))
    net.predict(X)  # builds a 2000-row workspace
    assert len(pickle.dumps(net)) < 20_000  # parameters only, not the buffers
    for other in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net), net.copy()):
        np.testing.assert_array_equal(other.predict(X), net.predict(X))
        assert other._workspace(10) is not net._workspace(10)


def test_threads_predicting_with_one_network_do_not_share_buffers(rng):
    from concurrent.futures import ThreadPoolExecutor

    net = bpnn.Network([6, 40, 3], ["tansig", "softmax"], seed=0)
    inputs = [rng.normal(size=(500, 6)) for _ in range(8)]
    expected = [net.forward_trace(x).output for x in inputs]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(5):
            got = list(pool.map(net.predict, inputs))
            for g, e in zip(got, expected):
                np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)
