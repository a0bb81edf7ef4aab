"""The algorithms inside the trainer: validation stopping, the record, stopping rules, memory."""

import tracemalloc

import numpy as np
import pytest

import bpnn
from bpnn.algorithms import ALGORITHMS, algorithm_names, get_algorithm


def noisy_sine(n=60, noise=0.3, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(-1, 1, n)[:, None]
    return x, np.sin(np.pi * x) + noise * rng.normal(size=x.shape)


@pytest.mark.parametrize("name", ["lm", "scg", "rprop"])
def test_validation_stop_restores_the_best_epoch(name):
    # an over-sized 1-30-1 network on 60 noisy points over-fits: validation error turns up
    x, y = noisy_sine()
    net = bpnn.Network([1, 30, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    seen = {}
    keep = lambda epoch, rec, net: seen.__setitem__(epoch, net.params.copy())  # noqa: E731
    rec = bpnn.train(
        net,
        x,
        y,
        algorithm=name,
        loss="mse",
        epochs=1000,
        division="random",
        seed=1,
        callbacks=[keep],
    )
    assert rec.stop_reason == "validation stop"
    assert rec.val_fail[-1] == 6 and rec.best_epoch == rec.epochs - 6
    assert rec.best_val_loss == min(rec.val_loss)
    # the network holds the best-validation epoch's parameters, not the last epoch's
    assert np.array_equal(net.params, seen[rec.best_epoch])
    assert net.loss(x[rec.train_idx], y[rec.train_idx], "mse") == pytest.approx(rec.best_loss)
    assert rec.best_loss != rec.loss[-1]  # not the last epoch's parameters
    xv, yv = x[rec.val_idx], y[rec.val_idx]
    assert net.loss(xv, yv, "mse") == pytest.approx(rec.best_val_loss)
    assert rec.loss[rec.best_epoch] == pytest.approx(rec.best_loss)


def test_validation_and_test_sets_given_directly():
    x, y = noisy_sine(seed=1)
    xv, yv = noisy_sine(seed=2)
    net = bpnn.Network([1, 20, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(
        net,
        x,
        y,
        algorithm="trainlm",
        loss="mse",
        epochs=200,
        validation=(xv, yv),
        test=(xv[:10], yv[:10]),
        max_fail=3,
    )
    assert rec.stop_reason == "validation stop" and rec.val_fail[-1] == 3
    assert np.isfinite(rec.test_loss).all() and rec.best_test_loss == rec.test_loss[rec.best_epoch]


def test_record_fields_per_epoch():
    x, y = noisy_sine(noise=0.0)
    net = bpnn.Network([1, 5, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(
        net, x, y, algorithm="lm", loss="mse", epochs=5, goal=0, division="interleaved", seed=0
    )
    n = rec.epochs + 1
    for series in (
        rec.loss,
        rec.val_loss,
        rec.test_loss,
        rec.grad_norm,
        rec.mu,
        rec.lr,
        rec.val_fail,
        rec.time,
    ):
        assert len(series) == n
    assert np.all(np.isfinite(rec.mu[1:])) and np.all(np.diff(rec.time) >= 0)
    assert np.all(np.isfinite(rec.grad_norm[1:]))
    idx = np.sort(np.concatenate([rec.train_idx, rec.val_idx, rec.test_idx]))
    assert np.array_equal(idx, np.arange(len(x)))  # the indices are kept, disjoint
    rec2 = bpnn.train(net.copy(), x, y, algorithm="gdx", loss="mse", epochs=5)
    assert np.all(np.array(rec2.lr[1:]) > 0)  # the adaptive rate is recorded


def test_min_grad_defaults_follow_matlab_per_algorithm():
    expected = {
        "lm": 1e-7,
        "br": 1e-7,
        "scg": 1e-6,
        "cgf": 1e-10,
        "bfgs": 1e-6,
        "oss": 1e-10,
        "rprop": 1e-5,
        "gdx": 1e-5,
    }
    for name, mg in expected.items():
        assert bpnn.Trainer(get_algorithm(name)).min_grad == mg
    assert bpnn.Trainer(get_algorithm("lm"), min_grad=0.5).min_grad == 0.5


def test_min_grad_stop():
    x, y = noisy_sine(noise=0.0)
    net = bpnn.Network([1, 5, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(net, x, y, algorithm="scg", loss="mse", epochs=500, min_grad=1e-2)
    assert rec.stop_reason == "min grad" and rec.grad_norm[-1] < 1e-2


def test_time_limit_and_callback_stops():
    x, y = noisy_sine()
    net = bpnn.Network([1, 5, 1], ["tansig", "purelin"], seed=0)
    rec = bpnn.train(net, x, y, algorithm="rprop", epochs=100, time=0.0)
    assert rec.stop_reason == "time limit" and rec.epochs == 1
    rec = bpnn.train(
        net, x, y, algorithm="cgb", epochs=100, callbacks=[lambda epoch, rec, net: epoch == 3]
    )
    assert rec.stop_reason == "callback" and rec.epochs == 3


def test_lm_memory_is_bounded_by_the_parameter_count():
    """LM on 20,000 samples of 5-20-1 (P = 141): the bound.

    One LM epoch allocates (tracemalloc peak) at most 6 MB more than one forward pass over
    the data (which every algorithm pays): with the default chunk of 929 rows that is a 1 MB
    Jacobian block and its temporaries plus a few 141 x 141 matrices — against 22.6 MB for
    the whole 20,000 x 141 Jacobian. Doubling the samples adds less than half of the
    22.6 MB that another 20,000 Jacobian rows would take.
    """
    rng = np.random.default_rng(0)
    peaks = []
    for n in (20_000, 40_000):
        X = rng.uniform(-1, 1, (n, 5))
        net = bpnn.Network([5, 20, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
        obj = bpnn.Objective(net, "mse", X, np.sin(X.sum(axis=1, keepdims=True)))
        alg, w = get_algorithm("lm"), net.params.copy()
        state = alg.init(obj, w)
        loss0 = obj.value(w)  # warm-up (first-call caches)
        tracemalloc.start()
        obj.value(w + 1e-3)
        forward = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        tracemalloc.start()
        _, _, info = alg.step(obj, w, state)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert info.loss < loss0  # it did take a real step
        assert peaks[-1] < forward + 6e6
    full_jacobian = 20_000 * 141 * 8
    assert peaks[1] - peaks[0] < full_jacobian / 2


@pytest.mark.parametrize(
    "name", [n for n in algorithm_names() if not getattr(ALGORITHMS[n], "grows", False)]
)
def test_every_algorithm_is_reachable_from_train(name):
    x, y = noisy_sine(noise=0.0)
    net = bpnn.Network([1, 4, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(net, x, y, algorithm=name, loss="mse", epochs=3, epoch_loss="exact")
    assert rec.algorithm == name and rec.epochs >= 1 and np.isfinite(rec.final_loss)
    assert rec.final_loss == pytest.approx(net.loss(x, y, "mse"))


@pytest.mark.parametrize(
    "name, kw",
    [
        ("adam", {"batch_size": 8, "lr": 0.01}),
        ("sgd", {"batch_size": 8, "momentum": 0.9, "nesterov": True, "lr": 0.05}),
    ],
)
def test_mini_batch_algorithms_learn_and_repeat_bit_for_bit(name, kw):
    x, y = noisy_sine(noise=0.0)
    out = []
    for _ in range(2):
        net = bpnn.Network([1, 8, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
        rec = bpnn.train(net, x, y, algorithm=name, loss="mse", epochs=300, seed=4, **kw)
        out.append(net.params.copy())
    assert rec.final_loss < 0.1 * rec.loss[1]  # running losses: epoch 0 not measured
    assert np.array_equal(out[0], out[1])
