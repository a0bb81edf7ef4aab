"""Property-based tests (Hypothesis): invariants that must hold for *every* input.

Budgets are kept small (max_examples) so the file runs in a few seconds; set
BPNN_HYPOTHESIS_EXAMPLES=2000 for a long run.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import bpnn
from bpnn.checkpoint import decode_tree, encode_tree

# BPNN_HYPOTHESIS_EXAMPLES=2000 python -m pytest tests/test_properties*.py  for a long run
FAST = settings(
    max_examples=int(os.environ.get("BPNN_HYPOTHESIS_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SMOOTH = ["logsig", "tansig", "purelin", bpnn.GeneralizedSigmoid(1.7, 0.6)]
finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False, width=64)


@st.composite
def problems(draw, max_width=4, max_layers=3):
    """A random network (sizes, smooth activations, loss that fits its output) and data."""
    sizes = draw(st.lists(st.integers(1, max_width), min_size=2, max_size=max_layers + 1))
    hidden = draw(
        st.lists(st.sampled_from(SMOOTH), min_size=len(sizes) - 2, max_size=len(sizes) - 2)
    )
    loss = draw(st.sampled_from(["sse", "mse", "cross_entropy"]))
    if loss == "cross_entropy":
        out = "softmax" if sizes[-1] > 1 and draw(st.booleans()) else "logsig"
    else:
        out = draw(st.sampled_from(SMOOTH))
    net = bpnn.Network(sizes, hidden + [out], seed=draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 6))
    X = draw(arrays(np.float64, (n, sizes[0]), elements=finite))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if out == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif loss == "cross_entropy":
        Y = rng.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        Y = rng.uniform(-1, 1, (n, sizes[-1]))
    return net, X, Y, loss


@FAST
@given(problems())
def test_backprop_matches_finite_differences_on_random_architectures(problem):
    net, X, Y, loss = problem
    _, g, num = bpnn.gradcheck(net, X, Y, loss=loss, return_arrays=True)
    # error measured against the gradient's scale: a component of 1e-8 (an input of 6e-8,
    # found by Hypothesis) is known only to the finite differences' rounding, ~eps·|f|/h
    scale = max(float(np.max(np.abs(g))), 1e-3)
    assert np.max(np.abs(g - num)) <= 1e-7 * scale


@FAST
@given(problems(), st.randoms(use_true_random=False))
def test_predictions_are_invariant_to_row_order(problem, rnd):
    net, X, Y, loss = problem
    perm = list(range(X.shape[0]))
    rnd.shuffle(perm)
    out = net.forward(X)
    np.testing.assert_allclose(net.forward(X[perm]), out[perm], rtol=1e-13, atol=1e-15)
    assert net.loss(X[perm], Y[perm], loss) == pytest.approx(net.loss(X, Y, loss), rel=1e-12)


tables = arrays(
    np.float64,
    st.tuples(st.integers(2, 12), st.integers(1, 4)),
    elements=st.floats(-1e6, 1e6, allow_nan=False, width=64),
)


@FAST
@given(tables, st.tuples(st.floats(-5, 0), st.floats(0.5, 5)))
def test_minmax_scaler_round_trip(X, rng):
    sc = bpnn.minmax_scaler(rng)
    Z = sc.fit_transform(X)
    span = np.ptp(X, axis=0)
    live = span > 0
    # scaled columns land in the range; the inverse recovers X to rounding
    assert np.all(Z[:, live] >= rng[0] - 1e-9) and np.all(Z[:, live] <= rng[1] + 1e-9)
    np.testing.assert_allclose(
        sc.inverse_transform(Z), X, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(X).max())
    )


@FAST
@given(tables)
def test_standard_scaler_round_trip(X):
    sc = bpnn.standard_scaler()
    Z = sc.fit_transform(X)
    np.testing.assert_allclose(
        sc.inverse_transform(Z), X, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(X).max())
    )
    live = np.ptp(X, axis=0) > 1e-6 * max(1.0, np.abs(X).max())
    np.testing.assert_allclose(Z[:, live].mean(axis=0), 0, atol=1e-7)


# -- the checkpoint state codec: any tree round-trips bit for bit -----------------------
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    arrays(
        st.sampled_from([np.float64, np.float32, np.int64, np.uint8, np.bool_]),
        st.tuples(st.integers(0, 3), st.integers(0, 3)),
        elements=None,
    ),
)
trees = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3),
        st.tuples(kids, kids),
        st.dictionaries(st.text(max_size=5), kids, max_size=3),
    ),
    max_leaves=12,
)


def _same(a, b):
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, float):
        return isinstance(b, float) and (a == b or (np.isnan(a) and np.isnan(b)))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@FAST
@given(trees)
def test_state_tree_round_trips_exactly(tree):
    import json

    arrays_ = []
    node = json.loads(json.dumps(encode_tree(tree, arrays_)))  # through real JSON text
    assert _same(tree, decode_tree(node, arrays_))


# -- save/load round trip (the model file of bpnn.io, once it exists) -------------------
@FAST
@given(problems())
def test_model_file_round_trip(tmp_path_factory, problem):
    net, X, Y, loss = problem
    path = tmp_path_factory.mktemp("m") / "model.bpnn"
    bpnn.save(net, path)
    back = bpnn.load(path)
    back = getattr(back, "network", back)
    assert back.sizes == net.sizes and back.params.tobytes() == net.params.tobytes()
    assert np.array_equal(back.forward(X), net.forward(X))


@settings(
    max_examples=int(os.environ.get("BPNN_HYPOTHESIS_EXAMPLES", 8)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.integers(5, 30),
    st.integers(1, 3),
    st.sampled_from(["regressor", "classifier"]),
    st.integers(0, 2**31 - 1),
)
def test_fitted_estimator_file_round_trip_predicts_identically(tmp_path_factory, n, d, kind, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 100, size=d)
    if kind == "regressor":
        y = X @ rng.normal(size=d)
        model = bpnn.BPRegressor(hidden=(3,), epochs=5, random_state=seed % 1000, warn=False)
    else:
        y = np.where(X[:, 0] > np.median(X[:, 0]), "yes", "no")
        model = bpnn.BPClassifier(hidden=(3,), epochs=5, random_state=seed % 1000, warn=False)
    model.fit(X, y)
    path = tmp_path_factory.mktemp("e") / "model.bpnn"
    bpnn.save(model, path)
    back = bpnn.load(path)
    assert type(back) is type(model)
    assert np.array_equal(back.predict(X), model.predict(X))
    if kind == "classifier":
        assert np.array_equal(back.predict_proba(X), model.predict_proba(X))


@settings(
    max_examples=int(os.environ.get("BPNN_HYPOTHESIS_EXAMPLES", 30)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    # step algorithms (cascade-correlation grows its own network: tested on its own)
    st.sampled_from([a for a in bpnn.algorithm_names() if a != "cascade"]),
    st.integers(-3, 150),
    st.integers(-3, 150),
    st.floats(1e-3, 1e7),
    st.integers(0, 2**31 - 1),
)
def test_no_algorithm_ever_returns_non_finite_parameters(alg, x_exp, y_exp, lr, seed):
    import inspect
    import warnings

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 2)) * 10.0**x_exp  # inputs up to 1e150
    Y = rng.normal(size=(12, 1)) * 10.0**y_exp
    cls = bpnn.algorithms.ALGORITHMS[alg]
    kw = {"lr": lr} if "lr" in inspect.signature(cls.__init__).parameters else {}
    net = bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=seed % 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = bpnn.train(net, X, Y, alg, "sse", epochs=8, seed=seed, **kw)
    assert np.all(np.isfinite(net.params)), (alg, rec.stop_reason)
    if rec.stop_reason == "diverged":
        assert rec.message
