"""The compiled per-sample BP kernel against its own un-jitted source and against NumPy.

``unjitted(name)`` rebuilds a kernel from the *same* source with every helper it calls also
un-jitted (pure Python on NumPy scalars), so the comparison checks the compilation (Numba's
re-associated, vectorised sums) and nothing else.
"""

import os
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

import bpnn
from bpnn import _kernels

ACTS = ["logsig", "tansig", "poslin", "purelin", bpnn.GeneralizedSigmoid(2.0, 0.5)]


def unjitted(name):
    """Kernel ``name`` with itself and every jitted helper replaced by its Python source."""
    ns = dict(vars(_kernels))
    for key, value in vars(_kernels).items():
        if hasattr(value, "py_func"):
            ns[key] = types.FunctionType(value.py_func.__code__, ns, key)
    return ns[name]


def _kernel_args(net, X, Y, sw, lr_w, lr_b, momentum, l2, loss_code, order):
    params = net.params.copy()
    vel = np.zeros_like(params)
    return (
        params,
        *_kernels.layout_arrays(net),
        X,
        Y,
        sw,
        order,
        lr_w,
        lr_b,
        momentum,
        vel,
        l2,
        loss_code,
    )


CASES = [  # (hidden activation, output activation, loss code, momentum, l2, weighted)
    (h, o, loss, mom, l2, w)
    for (h, o, loss) in [(a, "logsig", 0) for a in ACTS]
    + [
        ("tansig", "purelin", 1),
        ("poslin", "softmax", 2),
        ("logsig", "logsig", 2),
        ("tansig", "tansig", 3),
    ]
    for (mom, l2, w) in [(0.0, 0.0, False), (0.7, 1e-3, True)]
]


@pytest.mark.parametrize("hidden, out, loss_code, momentum, l2, weighted", CASES)
def test_compiled_equals_unjitted_to_1e12(hidden, out, loss_code, momentum, l2, weighted):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(12, 3))
    Y = rng.uniform(size=(12, 2))
    if out == "softmax":
        Y = np.eye(2)[rng.integers(0, 2, 12)]
    sw = rng.uniform(0.5, 2.0, 12) if weighted else np.empty(0)
    net = bpnn.Network([3, 6, 5, 2], [hidden, hidden, out], init="glorot", seed=4)
    order = np.concatenate([rng.permutation(12), rng.permutation(12)])
    # different step sizes for weights (eta1) and biases (eta2)
    args_c = _kernel_args(net, X, Y, sw, 0.05, 0.02, momentum, l2, loss_code, order)
    args_p = _kernel_args(net, X, Y, sw, 0.05, 0.02, momentum, l2, loss_code, order)
    loss_c = _kernels.sgd_epoch(*args_c)
    loss_p = unjitted("sgd_epoch")(*args_p)
    assert not np.array_equal(args_c[0], net.params)  # training moved the weights
    np.testing.assert_allclose(args_c[0], args_p[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(args_c[-3], args_p[-3], rtol=0, atol=1e-12)  # velocities
    assert loss_c == pytest.approx(loss_p, rel=1e-12)


def test_kernel_matches_one_sample_numpy_updates_with_two_step_sizes():
    # the tutorial's update, one sample at a time: w -= eta1 dE/dw, b -= eta2 dE/db
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(15, 4)), rng.uniform(size=(15, 1))
    for act in ACTS:
        net = bpnn.Network([4, 7, 1], [act, "logsig"], init="glorot", seed=2)
        ref = net.copy()
        bpnn.train(net, X, Y, algorithm="sgd", lr=0.3, lr_bias=0.1, epochs=2, shuffle=False)
        for _ in range(2):
            for i in range(15):
                _, g = ref.loss_and_gradient(X[i : i + 1], Y[i : i + 1], "sse")
                ref.params = ref.params - np.where(ref.weight_mask, 0.3, 0.1) * g
        np.testing.assert_allclose(net.params, ref.params, rtol=0, atol=1e-12)


def test_float32_kernel_tracks_float64():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(40, 5)), rng.uniform(size=(40, 2))
    nets = {
        dt: bpnn.Network([5, 8, 2], "tansig", seed=5, dtype=dt) for dt in (np.float64, np.float32)
    }
    for net in nets.values():
        bpnn.train(net, X, Y, algorithm="sgd", lr=0.05, epochs=5, seed=0)
    assert nets[np.float32].params.dtype == np.float32
    np.testing.assert_allclose(nets[np.float32].params, nets[np.float64].params, atol=1e-4)


def test_kernel_stays_finite_free_on_overflowing_input():
    # e^(-z) overflows to inf for z << 0: the sigmoid must give exactly 0, not NaN
    a = np.array([-1000.0, 0.0, 1000.0])
    _kernels.activate_inplace(1, 1.0, 1.0, a, np.uint64(0), np.uint64(3))
    assert a.tolist() == [0.0, 0.5, 1.0]


@pytest.mark.skipif(not _kernels.HAVE_NUMBA, reason="needs numba")
def test_second_process_loads_the_compiled_kernel_from_the_cache():
    code = textwrap.dedent("""
        import numpy as np, bpnn
        net = bpnn.Network([3, 4, 1], seed=0)
        bpnn.train(net, np.ones((5, 3)), np.zeros((5, 1)), algorithm="sgd", epochs=1)
        s = bpnn._kernels.sgd_epoch.stats
        print(sum(s.cache_hits.values()), sum(s.cache_misses.values()))
    """)
    # this process compiles (or loads) the same float64 signature first, writing the cache
    net = bpnn.Network([3, 4, 1], seed=0)
    bpnn.train(net, np.ones((5, 3)), np.zeros((5, 1)), algorithm="sgd", epochs=1)
    env = {k: v for k, v in os.environ.items() if k != "BPNN_DISABLE_JIT"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    hits, misses = map(int, out)
    assert hits >= 1 and misses == 0


def _elementwise(fname, compiled):
    """A loop applying ``_kernels.<fname>`` to an array: compiled with the kernels' own
    options (fast-math flags included, so LLVM's re-association is part of what is checked),
    or the un-jitted source."""
    if not compiled:
        f = unjitted(fname)
        return lambda x: np.array([f(float(v)) for v in x])
    if not _kernels.HAVE_NUMBA or os.environ.get("BPNN_DISABLE_JIT"):
        pytest.skip("Numba is not available")
    from numba import njit

    _kernels._compile_all()
    g = getattr(_kernels, fname)

    def loop(x, out):
        for i in range(np.uint64(x.shape[0])):
            out[i] = g(x[i])

    jitted = njit(**{k: v for k, v in _kernels._OPTIONS.items() if k != "cache"})(loop)

    def run(x):
        out = np.empty_like(x)
        jitted(x, out)
        return out

    return run


@pytest.mark.parametrize("compiled", [True, False])
def test_fast_exp_is_within_its_stated_error_of_exp(compiled):
    fexp = _elementwise("fast_exp", compiled)
    rng = np.random.default_rng(0)
    n = 100_000 if compiled else 3_000
    for lo, hi in [(-1.0, 1.0), (-40.0, 40.0), (-708.0, 709.78)]:
        x = rng.uniform(lo, hi, n)
        rel = np.abs(fexp(x) - np.exp(x)) / np.exp(x)
        # the stated bound: |x| 1.2e-16 (the rounding of x log2 e) plus a few ulp
        assert np.all(rel <= np.abs(x) * 1.5e-16 + 1e-15), (lo, hi, rel.max())
    with np.errstate(over="ignore"):
        special = np.array([np.inf, -np.inf, 709.79, 1e300, -708.5, -1e300, 0.0, np.nan])
        got = fexp(special)
    assert list(got[:7]) == [np.inf, 0.0, np.inf, np.inf, 0.0, 0.0, 1.0]
    assert np.isnan(got[7])
    # a logistic unit far below zero is exactly 0, far above exactly 1
    assert 1.0 / (1.0 + fexp(np.array([800.0]))[0]) == 0.0
    assert 1.0 / (1.0 + fexp(np.array([-800.0]))[0]) == 1.0


@pytest.mark.parametrize("compiled", [True, False])
def test_fast_tanh_is_within_four_ulp_of_tanh(compiled):
    ftanh = _elementwise("fast_tanh", compiled)
    rng = np.random.default_rng(1)
    n = 100_000 if compiled else 3_000
    for lo, hi in [(-1e-8, 1e-8), (-0.4, 0.4), (-3.0, 3.0), (-25.0, 25.0)]:
        x = rng.uniform(lo, hi, n)
        ref = np.tanh(x)
        ulps = np.abs(ftanh(x) - ref) / np.spacing(np.abs(ref))
        assert ulps.max() <= 4, (lo, hi, ulps.max())
    got = ftanh(np.array([np.inf, -np.inf, 30.0, -30.0, 0.0, -0.0, 1e-300, np.nan]))
    assert list(got[:5]) == [1.0, -1.0, 1.0, -1.0, 0.0]
    assert np.signbit(got[5]) and got[5] == 0.0 and got[6] == 1e-300
    assert np.isnan(got[7])
