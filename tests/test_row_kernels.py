"""The row kernels of the lean whole-batch and mini-batch paths (bias + activation,
f'(z), softmax + cross-entropy in one pass) against the NumPy path they replace, the size
rule that chooses them, and the one-pass finiteness check of the inputs."""

from __future__ import annotations

import numpy as np
import pytest

import bpnn
from bpnn import _kernels
from bpnn._validation import as_2d

pytestmark = pytest.mark.skipif(not _kernels.HAVE_NUMBA, reason="needs Numba")

CASES = [
    (["relu", "relu", "softmax"], "cross_entropy"),
    (["tansig", "logsig", "purelin"], "mse"),
    (["logsig", "tansig", "logsig"], "sse"),
    (["purelin", "relu", "purelin"], "mae"),
    ([bpnn.activations.GeneralizedSigmoid(2.0, 3.0), "tansig", "logsig"], "cross_entropy"),
]


def _pair(acts, loss, dtype, weighted, seed=0):
    rng = np.random.default_rng(seed)
    net = bpnn.Network((20, 16, 12, 5), acts, seed=1, dtype=dtype)
    X = rng.normal(size=(300, 20)).astype(dtype)
    if loss == "cross_entropy" and not isinstance(net.activations[-1], bpnn.activations.Softmax):
        Y = (rng.random((300, 5)) < 0.4).astype(dtype)
    else:
        Y = np.eye(5, dtype=dtype)[rng.integers(0, 5, 300)]
    sw = rng.random(300) if weighted else None
    objs = []
    for fused in (False, True):
        o = bpnn.Objective(net, loss, X, Y, sample_weight=sw)
        o.fused = fused
        objs.append(o)
    return net, objs, rng


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-13), (np.float32, 2e-6)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("acts, loss", CASES)
def test_row_kernels_give_the_numpy_path_loss_and_gradient(acts, loss, dtype, tol, weighted):
    net, (plain, fused), rng = _pair(acts, loss, dtype, weighted)
    assert plain.lean and fused.lean
    idx = rng.permutation(300)[:64]
    g1, g2 = np.empty(net.n_params, dtype), np.empty(net.n_params, dtype)
    v1, v2 = plain.grad_rows(idx, g1), fused.grad_rows(idx, g2)
    assert v2 == pytest.approx(v1, rel=tol)
    assert np.max(np.abs(g2 - g1)) <= tol * np.max(np.abs(g1))
    # the whole-batch path, in chunks (accumulated gradients) as LM/SCG/Rprop use it
    net._chunk_rows = lambda: 128  # three chunks of the 300 rows
    (v1, gg1), (v2, gg2) = plain.value_and_grad(net.params), fused.value_and_grad(net.params)
    assert v2 == pytest.approx(v1, rel=tol)
    assert np.max(np.abs(gg2 - gg1)) <= tol * np.max(np.abs(gg1))


def test_softmax_ce_kernel_turns_a_nan_into_a_nan_loss():
    Z = np.array([[0.5, np.nan, 1.0], [1.0, 2.0, 3.0]])
    T = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    assert np.isnan(_kernels.softmax_ce_rows(Z, np.zeros(3), T, np.empty(0), 1.0))
    Z = np.array([[1.0, 2.0, 3.0]])
    total = _kernels.softmax_ce_rows(Z, np.full(3, 0.5), T[1:], np.array([2.0]), 0.25)
    z = np.array([1.5, 2.5, 3.5])
    lse = np.log(np.exp(z).sum())
    assert total == pytest.approx(2.0 * (lse - z[0]), rel=1e-14)
    p = np.exp(z - lse)
    np.testing.assert_allclose(Z[0], (p - T[1]) * 2.0 * 0.25, rtol=1e-14)


def test_the_row_kernels_serve_only_large_data(monkeypatch):
    net = bpnn.Network((4, 8, 3), ["relu", "softmax"], seed=0)
    X, Y = np.zeros((50, 4)), np.eye(3)[np.zeros(50, int)]
    assert not bpnn.Objective(net, "cross_entropy", X, Y).fused  # 50 * 67 << ROWS_MIN_WORK
    monkeypatch.setattr(_kernels, "ROWS_MIN_WORK", 50 * net.n_params)
    assert bpnn.Objective(net, "cross_entropy", X, Y).fused
    monkeypatch.setattr(_kernels, "HAVE_NUMBA", False)  # BPNN_DISABLE_JIT or no Numba
    assert not bpnn.Objective(net, "cross_entropy", X, Y).fused


def test_train_with_the_row_kernels_matches_train_without(monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 6))
    Y = np.eye(3)[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    results, calls = [], []
    kernel = _kernels.softmax_ce_rows
    monkeypatch.setattr(_kernels, "softmax_ce_rows", lambda *a: calls.append(1) or kernel(*a))
    for limit in (np.inf, 0):
        monkeypatch.setattr(_kernels, "ROWS_MIN_WORK", limit)
        calls.clear()
        net = bpnn.Network((6, 10, 3), ["tansig", "softmax"], seed=0)
        rec = bpnn.train(
            net, X, Y, "sgd", lr=0.1, batch_size=32, epochs=5, loss="cross_entropy", seed=0
        )
        results.append((net.params.copy(), rec.loss))
        assert bool(calls) == (limit == 0)  # the row kernels served the second run only
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_finiteness_check_finds_every_bad_entry_and_no_false_one(dtype):
    big = np.finfo(dtype).max / 2
    A = np.full((5, 4), big, dtype)  # finite, but every row sum overflows to inf
    assert as_2d(A, "X", dtype=dtype) is A
    for bad, text in ((np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "-inf")):
        B = np.ones((6, 3), dtype)
        B[4, 2] = bad
        with pytest.raises(ValueError, match=f"non-finite value {text} at row 4, column 2"):
            as_2d(B, "X", dtype=dtype)
    C = np.ones((3, 3), dtype)
    C[1, 0], C[1, 1] = np.inf, -np.inf  # inf - inf: the row sum is NaN, still caught
    with pytest.raises(ValueError, match="at row 1, column 0"):
        as_2d(C, "X", dtype=dtype)
