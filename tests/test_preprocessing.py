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
    np.testing.assert_allclose(
        bpnn.minmax_scaler().fit_transform(X), (X - X.min(0)) / (X.max(0) - X.min(0))
    )


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


@pytest.mark.parametrize(
    "m, n, a, h", [(2, 2, 1, 3), (10, 1, 5, 8), (784, 10, 10, 38), (4, 3, 1, 4)]
)
def test_hidden_size_rule(m, n, a, h):
    assert bpnn.hidden_size_rule(m, n, a) == h == round(np.sqrt(m + n) + a)


@pytest.mark.parametrize(
    "args, match",
    [((0, 1, 3), "m must"), ((2, 1, 0), "a must"), ((2, 1, 11), "got 11"), ((2, -1, 3), "n must")],
)
def test_hidden_size_rule_bad(args, match):
    with pytest.raises(ValueError, match=match):
        bpnn.hidden_size_rule(*args)


# -- sample weights count as repeated rows ---------------------------------------------------
def _weighted_and_repeated(rng, n=12, d=4):
    X = rng.normal(2, 3, size=(n, d))
    w = rng.integers(0, 4, size=n).astype(float)
    w[0], w[1] = 0.0, 2.0
    X[0] = 1e3  # a weight-0 outlier: it must not move min, max or mean
    return X, w, X.repeat(w.astype(int), axis=0)


@pytest.mark.parametrize("scaling", ["standard", "minmax", "minmax01", "none"])
@pytest.mark.parametrize("pca", [None, 2, 0.8])
def test_weighted_input_map_equals_repeated_rows(scaling, pca, rng):
    from bpnn.preprocessing import InputPreprocessor

    X, w, R = _weighted_and_repeated(rng)
    a = InputPreprocessor(scaling, pca=pca).fit(X, sample_weight=w)
    b = InputPreprocessor(scaling, pca=pca).fit(R)
    for name in ("keep_", "scale_", "offset_", "pca_mean_", "pca_components_"):
        u, v = getattr(a, name), getattr(b, name)
        if v is None:
            assert u is None
        else:
            np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=1e-10, atol=1e-12)


def test_weight_zero_rows_take_no_part_in_constant_columns(rng):
    from bpnn.preprocessing import InputPreprocessor

    X = np.column_stack([rng.normal(size=6), np.full(6, 4.0)])
    X[2, 1] = 9.0  # the only varying entry has weight 0
    w = np.array([1, 1, 0, 2, 1, 1.0])
    assert InputPreprocessor("minmax").fit(X).keep_.tolist() == [True, True]
    assert InputPreprocessor("minmax").fit(X, w).keep_.tolist() == [True, False]


@pytest.mark.parametrize("scaling", ["standard", "minmax"])
def test_weighted_target_scaler_equals_repeated_rows(scaling, rng):
    from bpnn.preprocessing import TargetScaler

    T, w, R = _weighted_and_repeated(rng, d=2)
    a, b = TargetScaler(scaling).fit(T, w), TargetScaler(scaling).fit(R)
    np.testing.assert_allclose(a.scale_, b.scale_, rtol=1e-12)
    np.testing.assert_allclose(a.offset_, b.offset_, rtol=1e-12, atol=1e-12)


def test_weighted_standard_scaling_by_hand():
    # column [1, 3] with weights [3, 1]: mean (3 + 3) / 4 = 1.5,
    # variance (3 * 0.25 + 2.25) / 4 = 0.75
    from bpnn.preprocessing import TargetScaler

    t = TargetScaler("standard").fit(np.array([[1.0], [3.0]]), np.array([3.0, 1.0]))
    np.testing.assert_allclose(t.scale_, [1 / np.sqrt(0.75)])
    np.testing.assert_allclose(t.offset_, [-1.5 / np.sqrt(0.75)])


@pytest.mark.parametrize("n_components", [2, 0.9])
def test_weighted_pca_without_weights_is_sklearns_pca(n_components, rng):
    from sklearn.decomposition import PCA

    from bpnn.preprocessing import weighted_pca

    S = rng.normal(size=(40, 5)) @ rng.normal(size=(5, 5))
    mean, comps, var = weighted_pca(S, n_components)
    ref = PCA(n_components=n_components, svd_solver="full").fit(S)
    np.testing.assert_allclose(mean, ref.mean_, rtol=1e-12)
    np.testing.assert_allclose(comps, ref.components_, rtol=1e-8, atol=1e-10)  # signs too
    np.testing.assert_allclose(var, ref.explained_variance_, rtol=1e-10)


def test_scaler_weights_bad_values_named():
    from bpnn.preprocessing import InputPreprocessor

    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="3 entries|expected 3"):
        InputPreprocessor().fit(X, [1.0, 2.0])
    with pytest.raises(ValueError, match=">= 0"):
        InputPreprocessor().fit(X, [1.0, -1.0, 1.0])
