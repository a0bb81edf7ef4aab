"""What the public calls hand to training and prediction: the epoch loss they record, the
layout and dtype of the arrays training receives, float32 kept end to end."""

import numpy as np
import pytest

import bpnn
from bpnn import _kernels
from bpnn.objective import Objective


def _data(rng, n=7, n_in=2, n_out=1):
    return rng.normal(size=(n, n_in)), rng.uniform(0.1, 0.9, size=(n, n_out))


# -- the running epoch loss, by hand ----------------------------------------------------------
@pytest.mark.parametrize("loss", ["sse", "mse"])
def test_per_sample_epoch_loss_is_the_sum_or_mean_of_each_samples_loss_before_its_update(loss, rng):
    X, Y = _data(rng)
    net = bpnn.Network([2, 3, 1], "logsig", seed=0)
    ref = net.copy()
    rec = bpnn.train(net, X, Y, "sgd", loss, lr=0.5, epochs=1, shuffle=False)
    # by hand: sample after sample, its loss at the parameters it meets, then its update
    losses = []
    for i in range(len(X)):
        value, g = ref.loss_and_gradient(X[i : i + 1], Y[i : i + 1], loss)
        losses.append(value)
        ref.params = ref.params - 0.5 * g
    expected = sum(losses) if loss == "sse" else np.mean(losses)
    assert rec.loss[1] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(net.params, ref.params, rtol=0, atol=1e-14)
    assert np.isnan(rec.loss[0])  # epoch 0: no pass over the data to measure it


def test_minibatch_epoch_loss_weights_each_batch_by_its_share_and_adds_the_penalty(rng):
    X, Y = _data(rng, n=7)
    sw = rng.uniform(0.5, 2.0, size=7)
    net = bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=1)
    ref = net.copy()
    rec = bpnn.train(
        net,
        X,
        Y,
        "sgd",
        "mse",
        lr=0.3,
        batch_size=3,
        epochs=1,
        shuffle=False,
        sample_weight=sw,
        l2=0.01,
    )
    mask = ref.weight_mask
    total = 0.0
    for s in (0, 3, 6):  # batches of 3, 3 and 1 rows
        idx = slice(s, s + 3)
        value, g = ref.loss_and_gradient(X[idx], Y[idx], "mse", sw[idx])
        total += value * sw[idx].sum() / sw.sum()  # a weighted mean over the batch's rows
        ref.params = ref.params - 0.3 * (g + 0.01 * np.where(mask, ref.params, 0.0))
    w = np.where(mask, ref.params, 0.0)
    assert rec.loss[1] == pytest.approx(total + 0.005 * w @ w, rel=1e-12)
    np.testing.assert_allclose(net.params, ref.params, rtol=0, atol=1e-14)


def test_exact_epoch_loss_stays_available(rng):
    X, Y = _data(rng, n=20)
    net = bpnn.Network([2, 4, 1], "logsig", seed=0)
    rec = bpnn.train(net, X, Y, "sgd", "mse", lr=0.2, epochs=3, epoch_loss="exact", seed=0)
    assert rec.loss[-1] == pytest.approx(net.loss(X, Y, "mse"), rel=1e-12)
    start = bpnn.Network([2, 4, 1], "logsig", seed=0)
    assert rec.loss[0] == pytest.approx(start.loss(X, Y, "mse"), rel=1e-12)
    with pytest.raises(ValueError, match="epoch_loss must be 'running' or 'exact', got 'x'"):
        bpnn.train(net, X, Y, "sgd", epochs=1, epoch_loss="x")


def test_goal_is_checked_against_the_running_loss():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    Y = np.array([[0], [1], [1], [0]], float)
    net = bpnn.Network([2, 3, 1], "logsig", seed=0)
    rec = bpnn.train(net, X, Y, "sgd", "sse", lr=0.9, epochs=5000, goal=0.01, seed=0)
    assert rec.stop_reason == "goal met" and rec.final_loss <= 0.01 < rec.loss[-2]


class _Counting(Objective):
    passes = 0

    def value(self, w):
        type(self).passes += 1
        return super().value(w)


@pytest.mark.parametrize("params", [{"batch_size": 1}, {"batch_size": 8}])
def test_minibatch_training_makes_no_pass_over_the_training_rows(params, rng):
    X, Y = _data(rng, n=40)
    net = bpnn.Network([2, 4, 1], "logsig", seed=0)
    train = _Counting(net, "mse", X, Y)
    val = Objective(net, "mse", X[:5], Y[:5])
    _Counting.passes = 0
    rec = bpnn.Trainer(bpnn.get_algorithm("sgd", lr=0.1, **params), epochs=4).run(
        train, val, rng=np.random.default_rng(0)
    )
    assert _Counting.passes == 0 and rec.epochs == 4
    assert np.all(np.isfinite(rec.val_loss))  # validation: on its own 5 rows, every epoch


@pytest.mark.parametrize("algorithm", ["rprop", "scg", "bfgs", "lm", "br"])
def test_whole_batch_algorithms_still_record_the_exact_loss(algorithm, rng):
    """Line searches, LM and BR keep the exact loss over the training rows (epoch 0 too)."""
    X, Y = _data(rng, n=30)
    net = bpnn.Network([2, 4, 1], ["tansig", "purelin"], seed=0)
    rec = bpnn.train(net, X, Y, algorithm, "mse", epochs=5)
    assert rec.loss[-1] == pytest.approx(net.loss(X, Y, "mse"), rel=1e-12)
    assert np.isfinite(rec.loss[0])


# -- layout and dtype, once per call ----------------------------------------------------------
def _spy_rows(monkeypatch):
    """Record (data pointer, C-contiguous, dtype) of X at every mini-batch gather."""
    seen = []
    orig = Objective.grad_rows

    def spy(self, idx, *a, **k):
        seen.append((self.X.ctypes.data, self.X.flags.c_contiguous, self.X.dtype))
        return orig(self, idx, *a, **k)

    monkeypatch.setattr(Objective, "grad_rows", spy)
    return seen


def test_train_converts_fortran_ordered_data_once(monkeypatch, rng):
    seen = _spy_rows(monkeypatch)
    X = np.asfortranarray(rng.normal(size=(64, 5)))
    Y = np.asfortranarray(rng.uniform(size=(64, 2)))
    net = bpnn.Network([5, 4, 2], ["tansig", "softmax"], seed=0, dtype=np.float32)
    bpnn.train(net, X, Y, "sgd", "cross_entropy", batch_size=16, epochs=3, seed=0)
    assert len(seen) == 3 * 4
    assert {s[1] for s in seen} == {True} and {s[2] for s in seen} == {np.dtype(np.float32)}
    assert len({s[0] for s in seen}) == 1  # the same array every batch of every epoch


def test_per_sample_kernel_receives_the_same_c_ordered_array_every_epoch(monkeypatch, rng):
    seen = []
    orig = _kernels.sgd_epoch

    def spy(params, sizes, w_off, b_off, codes, A, B, in_start, X, Y, *rest):
        seen.append((X.ctypes.data, X.flags.c_contiguous, X.dtype, params.dtype))
        return orig(params, sizes, w_off, b_off, codes, A, B, in_start, X, Y, *rest)

    monkeypatch.setattr(_kernels, "sgd_epoch", spy)
    X = np.asfortranarray(rng.normal(size=(30, 3)).astype(np.float32))
    Y = rng.uniform(size=(30, 1)).astype(np.float32)
    net = bpnn.Network([3, 4, 1], "logsig", seed=0, dtype=np.float32)
    bpnn.train(net, X, Y, "sgd", epochs=3, seed=0)
    assert len(seen) == 3 and len({s[0] for s in seen}) == 1
    assert all(s[1] and s[2] == np.float32 and s[3] == np.float32 for s in seen)


def test_preprocessing_returns_c_ordered_arrays_of_the_asked_dtype(rng):
    from bpnn.preprocessing import InputPreprocessor

    X = rng.normal(size=(50, 6))
    X[:, 2] = 1.0  # a constant column: dropped
    for pca in (None, 3):
        m = InputPreprocessor("minmax", pca=pca).fit(X)
        for dt in (np.float64, np.float32):
            Z = m.transform(np.asfortranarray(X), dt)
            assert Z.flags.c_contiguous and Z.dtype == dt
            np.testing.assert_allclose(Z, m.transform(X), rtol=1e-6, atol=1e-6)


def test_estimators_keep_float32_from_fit_to_the_model_file(monkeypatch, tmp_path, rng):
    seen = _spy_rows(monkeypatch)
    X = rng.normal(size=(120, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = bpnn.BPClassifier(
        hidden=(6,),
        algorithm="sgd",
        epochs=2,
        division="none",
        algorithm_params={"batch_size": 32, "lr": 0.1},
        random_state=0,
    ).fit(np.asfortranarray(X), y)
    assert clf.dtype_ == np.float32 and clf.network_.dtype == np.float32
    assert seen and all(c and dt == np.float32 for _, c, dt in seen)
    assert clf.predict_proba(X).dtype == np.float32
    bpnn.save(clf, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    assert back.network_.dtype == np.float32 and back.dtype_ == np.float32
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    # float64 data trains in float64 unless asked otherwise
    r = bpnn.BPRegressor(hidden=(3,), epochs=2, random_state=0).fit(X.astype(float), y)
    assert r.network_.dtype == np.float64
    r32 = bpnn.BPRegressor(hidden=(3,), epochs=2, random_state=0, dtype="float32")
    assert r32.fit(X.astype(float), y).network_.dtype == np.float32
    with pytest.raises(ValueError, match="dtype must be one of .* got 'half'"):
        bpnn.BPRegressor(dtype="half").fit(X, y)


def test_float32_models_export_in_float32(rng):
    pytest.importorskip("onnx")
    from bpnn.export import describe, export_onnx, export_python

    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = X[:, 0] - X[:, 2]
    reg = bpnn.BPRegressor(hidden=(4,), epochs=5, random_state=0).fit(X, y)
    assert describe(reg).dtype == "float32"
    proto = export_onnx(reg)
    assert proto.graph.input[0].type.tensor_type.elem_type == 1  # TensorProto.FLOAT
    ns = {}
    exec(export_python(reg), ns)
    np.testing.assert_allclose(ns["predict"](X), reg.predict(X), rtol=1e-5, atol=1e-5)


# -- the lean prediction path -----------------------------------------------------------------
def test_lean_predict_path_gives_the_general_paths_results_and_errors(rng):
    import pandas as pd
    from sklearn.exceptions import NotFittedError

    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] > 0, "a", "b")
    clf = bpnn.BPClassifier(hidden=(4,), epochs=20, random_state=0).fit(X, y)
    one = X[:1]
    general = clf.predict_proba(one.tolist())  # a list: the general validation runs
    np.testing.assert_array_equal(clf.predict_proba(one), general)
    with pytest.warns(UserWarning, match="none at fit time: filled with its fit-time value"):
        clf.predict_proba(np.array([[np.nan, 0.0, 0.0]]))  # the table map's rule
    with pytest.raises(ValueError, match="fitted with missing='error'"):
        clf.set_params(missing="error").fit(X, y).predict_proba(np.array([[np.nan, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="3 features"):
        clf.predict_proba(np.zeros((1, 2)))
    with pytest.raises(NotFittedError):
        bpnn.BPClassifier().predict_proba(one)
    # a model fitted on a DataFrame still checks the names
    df = pd.DataFrame(X, columns=["p", "q", "r"])
    named = bpnn.BPClassifier(hidden=(4,), epochs=5, random_state=0).fit(df, y)
    with pytest.warns(UserWarning, match="feature names"):
        named.predict_proba(one)


def test_lean_predict_path_takes_a_dataframe_with_the_fitted_names(monkeypatch, rng):
    """A model fitted on a DataFrame (as in the README) predicts a DataFrame of the same
    columns without scikit-learn's validation, with the general path's results; any other
    frame (other names or order, integer or NaN values) still gets the general errors."""
    import pandas as pd

    from bpnn import estimators

    X = rng.normal(size=(60, 3))
    df = pd.DataFrame(X, columns=["p", "q", "r"])
    y = np.where(X[:, 0] > 0, "a", "b")
    clf = bpnn.BPClassifier(hidden=(4,), epochs=5, random_state=0, warn=False).fit(df, y)
    reg = bpnn.BPRegressor(hidden=(3,), epochs=5, random_state=0, warn=False).fit(df, X[:, 1])
    f32 = df.astype(np.float32)
    with monkeypatch.context() as m:  # the general path's results
        m.setattr(estimators._BPBase, "_lean_rows", lambda self, X: None)
        expected = (
            clf.predict_proba(df),
            clf.predict(df.iloc[:1]),
            reg.predict(df),
            clf.predict_proba(f32),
        )
    general = estimators.validate_data
    calls = []

    def counting(*a, **k):
        calls.append(1)
        return general(*a, **k)

    monkeypatch.setattr(estimators, "validate_data", counting)
    np.testing.assert_array_equal(clf.predict_proba(df), expected[0])
    np.testing.assert_array_equal(clf.predict(df.iloc[:1]), expected[1])
    np.testing.assert_array_equal(reg.predict(df), expected[2])
    assert calls == []  # the lean path took every frame above
    np.testing.assert_array_equal(clf.predict_proba(f32), expected[3])
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict_proba(df[["q", "p", "r"]])
    with pytest.warns(UserWarning, match="'q' has 1 missing value"):  # the general path's
        clf.predict_proba(df.iloc[:1].assign(q=np.nan))
    ints = pd.DataFrame(np.ones((2, 3), dtype=int), columns=["p", "q", "r"])
    np.testing.assert_array_equal(clf.predict_proba(ints), clf.predict_proba(ints.astype(float)))
    assert len(calls) >= 3  # those went through the general checks


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_lean_cross_entropy_matches_the_reference_form(dtype, weighted):
    """The lean softmax cross-entropy reads each row's log-sum-exp off the outputs
    (max z - log max y); it must equal the two-pass form, also for logits far apart and
    soft targets, and write (y - d)/n over the output buffer."""
    from bpnn.activations import Softmax
    from bpnn.losses import CrossEntropy

    rng = np.random.default_rng(3)
    Z = (rng.normal(size=(40, 5)) * 30).astype(dtype)
    Z[0] = [300, -300, 0, 1, 2] if dtype == np.float64 else [80, -80, 0, 1, 2]
    T = rng.dirichlet(np.ones(5), size=40).astype(dtype)
    sw = rng.random(40) * 2 if weighted else None
    act, loss = Softmax(), CrossEntropy()
    Y = act(Z)
    ref_value, ref_delta = loss.output_delta(Z, Y, T, act, sw)
    buf = Y.copy()
    value, delta = loss.value_and_delta_(Z, buf, T, act, sw)
    tol = 1e-10 if dtype == np.float64 else 1e-4
    assert np.isfinite(value) and value == pytest.approx(ref_value, rel=tol)
    assert delta is buf
    np.testing.assert_allclose(delta, ref_delta, rtol=tol, atol=tol * 1e-2)


def test_identity_preprocessing_trains_on_the_callers_buffer(monkeypatch, rng):
    """scaling='none' with nothing dropped: fit trains on the user's C-ordered float32 rows
    themselves (no 20,000 x 784 copy per fit), never writes into them, and a Fortran-ordered
    or float64 input is still converted once."""
    from bpnn.preprocessing import InputPreprocessor

    X = rng.random((60, 4), dtype=np.float32)
    m = InputPreprocessor("none").fit(X)
    assert m.transform(X, np.float32) is X
    assert m.transform(X, np.float64) is not X
    F = np.asfortranarray(X)
    assert m.transform(F, np.float32).flags.c_contiguous
    assert InputPreprocessor("minmax").fit(X).transform(X, np.float32) is not X
    seen = _spy_rows(monkeypatch)
    before = X.copy()
    y = (X[:, 0] > 0.5).astype(int)
    bpnn.BPClassifier(
        hidden=(3,),
        algorithm="sgd",
        algorithm_params={"batch_size": 16},
        epochs=2,
        division="none",
        scaling="none",
        l2=0.0,
        warn=False,
    ).fit(X, y)
    assert seen and all(ptr == X.ctypes.data for ptr, _, _ in seen)
    np.testing.assert_array_equal(X, before)
