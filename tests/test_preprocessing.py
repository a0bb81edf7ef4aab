import numpy as np
import pytest

import bpnn


@pytest.mark.parametrize("rng_range", [(0, 1), (-1, 1)])
def test_minmax_exact_inverse(rng_range, rng):
    X = rng.normal(10, 5, size=(50, 4))
    sc = bpnn.minmax_scaler(rng_range).fit(X)
    Z = sc.transform(X)
    np.testing.assert_allclose(Z.min(axis=0), rng_range[0], atol=1e-12)
    np.testing.assert_allclose(Z.max(axis=0), rng_range[1], atol=1e-12)
    np.testing.assert_allclose(sc.inverse_transform(Z), X, rtol=1e-13, atol=1e-12)


def test_minmax_tutorial_formula(rng):
    X = rng.uniform(3, 9, size=(20, 2))
    np.testing.assert_allclose(bpnn.minmax_scaler().fit_transform(X),
                               (X - X.min(0)) / (X.max(0) - X.min(0)))


def test_minmax_bad_range():
    with pytest.raises(ValueError, match=r"\(1, 0\)"):
        bpnn.minmax_scaler((1, 0))


def test_standardise_and_pca(rng):
    X = rng.normal(3, 2, size=(200, 3)) @ np.array([[1, 0.9, 0], [0, 0.1, 0], [0, 0, 1.0]])
    Z = bpnn.standard_scaler().fit_transform(X)
    np.testing.assert_allclose(Z.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(0), 1, atol=1e-12)
    p = bpnn.pca(0.95).fit(Z)
    assert p.n_components_ < 3 and p.explained_variance_ratio_.sum() >= 0.95


@pytest.mark.parametrize("m, n, a, h", [(2, 2, 1, 3), (10, 1, 5, 8), (784, 10, 10, 38),
                                        (4, 3, 1, 4)])
def test_hidden_size_rule(m, n, a, h):
    assert bpnn.hidden_size_rule(m, n, a) == h == round(np.sqrt(m + n) + a)


@pytest.mark.parametrize("args, match", [((0, 1, 3), "m must"), ((2, 1, 0), "a must"),
                                         ((2, 1, 11), "got 11"), ((2, -1, 3), "n must")])
def test_hidden_size_rule_bad(args, match):
    with pytest.raises(ValueError, match=match):
        bpnn.hidden_size_rule(*args)
