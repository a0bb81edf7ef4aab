"""BPRegressor / BPClassifier: scikit-learn conformance, preprocessing, delegation, warnings."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import bpnn
from bpnn import BPClassifier, BPRegressor
from bpnn.preprocessing import InputPreprocessor, TargetScaler
from bpnn.trainer import training_defaults

# Expected failures, each with its reason (also listed in the closing note):
#   check_sample_weight_equivalence_on_dense_data — a weight of 2 is not the same as a
#   repeated row for a BP network trained with a random validation split, per-sample
#   shuffling and early stopping: the repeated row changes the division and the sample
#   order, so the (non-convex) training reaches a different network. The loss itself does
#   weight samples exactly (tests/test_training.py checks weighted losses), and in the
#   deterministic configurations (division="none", whole-batch algorithms) the check passes:
#   test_sample_weight_equivalence_deterministic below.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "random division + per-sample order differ when rows are repeated"
    ),
}


@parametrize_with_checks(
    [BPRegressor(epochs=50, random_state=0), BPClassifier(epochs=50, random_state=0)],
    expected_failed_checks=lambda est: EXPECTED_FAILURES,
)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# -- a sample weight is that many copies of the row ------------------------------------------
# In a deterministic configuration (no division, a whole-batch algorithm) everything that
# looks at the rows honours the weights -- scalers, drop_constant, PCA, the loss (divided by
# the weight total), LM/BR's counts, balanced class weights, the hidden-width search -- so a
# weighted fit is the fit on repeated rows, to round-off (scikit-learn's own check, which
# also shuffles the rows).
@pytest.mark.parametrize(
    "estimator",
    [
        BPClassifier(division="none", algorithm="lbfgs"),
        BPRegressor(division="none", algorithm="lbfgs"),
        BPRegressor(division="none", algorithm="lm"),
        BPRegressor(
            division="none", algorithm="lm", preset="matlab", pca=0.9, hidden="auto", epochs=30
        ),
        BPClassifier(
            division="none",
            algorithm="lbfgs",
            class_weight="balanced",
            scaling="minmax",
            n_restarts=2,
        ),
        BPRegressor(division="none", algorithm="scg", loss="sse"),
        BPClassifier(division="none", algorithm="rprop"),
        BPRegressor(division="none", algorithm="lbfgs", goal=0.05),  # stops on the goal
        BPRegressor(division="none", algorithm="lbfgs", min_grad=1e-2),  # on the gradient
    ],
    ids=[
        "clf-lbfgs",
        "reg-lbfgs",
        "reg-lm",
        "reg-lm-matlab-pca-auto",
        "clf-balanced",
        "reg-scg-sse",
        "clf-rprop",
        "reg-goal",
        "reg-min-grad",
    ],
)
def test_sample_weight_equivalence_deterministic(estimator):
    from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

    if estimator.goal or estimator.min_grad:  # the thresholds fire, at the same epoch
        rng = np.random.RandomState(42)  # (the check's data)
        X, y, w = rng.rand(15, 30), rng.randint(0, 3, 15), rng.randint(0, 5, 15)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            a = clone(estimator).set_params(random_state=0).fit(X, y, sample_weight=w)
            b = clone(estimator).set_params(random_state=0).fit(X.repeat(w, 0), y.repeat(w))
        assert a.record_.stop_reason == b.record_.stop_reason in ("goal met", "min grad")
        assert a.record_.epochs == b.record_.epochs < estimator.effective_params()["epochs"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_sample_weight_equivalence_on_dense_data(type(estimator).__name__, estimator)


def test_trainbr_counts_weighted_errors(rng):
    # beta = (N - gamma) / 2 E_D: N is the weighted number of errors, as with repeated rows
    from bpnn.algorithms import get_algorithm
    from bpnn.objective import Objective

    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    w = np.array([0, 1, 2, 3, 1, 1, 2, 4.0])
    net = bpnn.Network([2, 3, 1], ["tansig", "purelin"], seed=0)
    br = get_algorithm("br")
    a = br.init(Objective(net, "mse", X, Y, w), net.params.copy())
    k = w.astype(int)
    b = br.init(Objective(net, "mse", X.repeat(k, 0), Y.repeat(k, 0)), net.params.copy())
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_balanced_class_weight_with_sample_weight_equals_repeated_rows():
    y = np.array([0, 0, 1, 2, 2, 1])
    w = np.array([1, 3, 0, 2, 1, 1.0])
    c = BPClassifier(class_weight="balanced")
    c.target_type_ = "multiclass"
    rep = np.array([0, 0, 0, 0, 2, 2, 2, 1])  # y repeated by w (order irrelevant)
    ref = dict(zip(rep, c._combine_weights(rep, None)))
    got = c._combine_weights(y, w)
    np.testing.assert_allclose(got, [w[i] * ref.get(y[i], 0.0) for i in range(len(y))])


def test_search_ties_keep_the_first_candidate():
    # losses equal to round-off: the earlier (narrower, first) candidate stays
    better = BPRegressor._better
    assert better(1.0, None, 1.0)
    assert not better(1e-32, (5e-32,), 1.0)  # both zero at the loss' scale
    assert not better(0.5 - 1e-12, (0.5,), 1.0)
    assert better(0.49, (0.5,), 1.0)


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def reg_data():
    X, y = make_regression(120, 4, noise=0.1, random_state=0)
    return X, y


# -- preprocessing stored in the model ---------------------------------------------------------
def test_minmax_maps_columns_to_minus_one_one_by_hand():
    # column [1, 3, 5]: scale = (1 - (-1)) / (5 - 1) = 0.5, offset = -1 - 1 * 0.5 = -1.5
    # -> [1*0.5 - 1.5, 3*0.5 - 1.5, 5*0.5 - 1.5] = [-1, 0, 1]; column [7, 7, 7] is dropped
    X = np.array([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]])
    p = InputPreprocessor("minmax").fit(X)
    np.testing.assert_array_equal(p.keep_, [True, False])
    np.testing.assert_allclose(p.scale_, [0.5])
    np.testing.assert_allclose(p.offset_, [-1.5])
    np.testing.assert_allclose(p.transform(X).ravel(), [-1.0, 0.0, 1.0])
    # the tutorial's [0, 1]: scale 1/4, offset -1/4 -> [0, 0.5, 1]
    np.testing.assert_allclose(
        InputPreprocessor("minmax01").fit(X).transform(X).ravel(), [0.0, 0.5, 1.0]
    )


def test_standard_scaling_and_constant_column_kept_without_division_by_zero():
    X = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])
    Z = InputPreprocessor("standard", drop_constant=False).fit(X).transform(X)
    np.testing.assert_allclose(Z[:, 0], (X[:, 0] - 3.0) / np.std(X[:, 0]))
    np.testing.assert_array_equal(Z[:, 1], [0.0, 0.0, 0.0])


def test_pca_matches_sklearn_on_scaled_inputs(rng):
    X = rng.normal(size=(50, 5)) @ rng.normal(size=(5, 5))
    p = InputPreprocessor("minmax", pca=3).fit(X)
    S = X * p.scale_ + p.offset_
    ref = bpnn.pca(3).fit(S)
    # components agree up to sign
    Z, R = p.transform(X), ref.transform(S)
    np.testing.assert_allclose(np.abs(Z), np.abs(R), atol=1e-10)


def test_target_scaler_inverse_is_exact_enough(rng):
    T = rng.normal(size=(30, 2)) * [10.0, 0.01] + [100.0, -5.0]
    t = TargetScaler("minmax").fit(T)
    S = t.transform(T)
    assert S.min() == pytest.approx(-1.0) and S.max() == pytest.approx(1.0)
    np.testing.assert_allclose(t.inverse_transform(S), T, rtol=1e-14, atol=1e-12)


def test_regression_predictions_come_back_in_target_units(reg_data):
    X, y = reg_data
    y_big = 1000.0 * y + 5e4  # far outside the network's [-1, 1] output range
    m = BPRegressor(algorithm="sgd", random_state=0, warn=False, preset="matlab").fit(X, y_big)
    assert m.score(X, y_big) > 0.95
    assert abs(np.mean(m.predict(X)) - np.mean(y_big)) < 0.05 * np.std(y_big)


def test_multi_output_regression_shapes(reg_data):
    X, y = reg_data
    Y = np.column_stack([y, -2 * y])
    m = BPRegressor(random_state=0, warn=False).fit(X, Y)
    assert m.predict(X).shape == (len(X), 2)
    assert m.network_.n_outputs == 2 and m.score(X, Y) > 0.9


# -- classification ------------------------------------------------------------------------
def test_multiclass_uses_softmax_and_cross_entropy(iris):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    m = BPClassifier(random_state=0, warn=False).fit(X, labels)
    assert m.network_.activations[-1].name == "softmax"
    assert m.record_.loss_name == "cross_entropy"
    assert m.score(X, labels) > 0.9
    P = m.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert set(m.predict(X)) <= set(labels)


def test_binary_uses_one_logsig_output(iris):
    X, y = iris
    m = BPClassifier(random_state=0, warn=False).fit(X, y == 0)
    assert m.network_.n_outputs == 1 and m.network_.activations[-1].name == "logsig"
    assert m.predict_proba(X).shape == (len(X), 2) and m.score(X, y == 0) > 0.95


def test_multilabel():
    X, Y = make_multilabel_classification(150, 6, n_classes=3, random_state=0)
    m = BPClassifier(random_state=0, warn=False).fit(X, Y)
    assert m.network_.activations[-1].name == "logsig" and m.network_.n_outputs == 3
    P = m.predict(X)
    assert P.shape == Y.shape and set(np.unique(P)) <= {0, 1}
    majority = np.mean((Y.mean(axis=0) > 0.5).astype(int) == Y)  # 0.567 here
    assert np.mean(P == Y) > majority + 0.1


def test_class_weight_shifts_predictions_toward_the_weighted_class(iris):
    X, y = iris
    yb = (y == 2).astype(int)
    plain = BPClassifier(random_state=0, warn=False, hidden=(3,), epochs=30).fit(X, yb)
    heavy = BPClassifier(
        random_state=0, warn=False, hidden=(3,), epochs=30, class_weight={0: 1.0, 1: 20.0}
    ).fit(X, yb)
    assert heavy.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()


# -- training is delegated to bpnn.train -------------------------------------------------------
def test_fit_delegates_to_bpnn_train_with_algorithm_and_params(monkeypatch, reg_data):
    calls = []
    real = bpnn.estimators.train

    def spy(net, X, Y, **kw):
        calls.append(kw)
        return real(net, X, Y, **kw)

    monkeypatch.setattr(bpnn.estimators, "train", spy)
    X, y = reg_data
    m = BPRegressor(
        algorithm="gd",
        algorithm_params={"lr": 0.05},
        epochs=7,
        n_restarts=2,
        preset="matlab",
        max_fail=3,
        random_state=0,
        warn=False,
    ).fit(X, y)
    assert len(calls) == 2  # one call per restart
    kw = calls[0]
    assert kw["algorithm"] == "gd" and kw["lr"] == 0.05 and kw["epochs"] == 7
    assert kw["division"] == "random" and kw["ratios"] == (0.70, 0.15, 0.15)
    assert kw["max_fail"] == 3 and kw["loss"] == "mse"
    assert m.record_.algorithm == "gd" and m.record_.params["lr"] == 0.05


def test_auto_algorithm_is_a_registered_one(reg_data):
    X, y = reg_data
    m = BPRegressor(epochs=5, random_state=0, warn=False, preset="matlab").fit(X, y)
    assert m.algorithm_ in bpnn.algorithm_names()
    assert (
        m.algorithm_
        == [
            a
            for a in bpnn.estimators.AUTO_ALGORITHMS["small_regression"]
            if a in bpnn.algorithms.ALGORITHMS
        ][0]
    )


def test_n_restarts_keeps_the_best_validation_loss(reg_data):
    X, y = reg_data
    kw = dict(hidden=(3,), epochs=20, random_state=0, warn=False, algorithm="gd", preset="matlab")
    first = BPRegressor(**kw).fit(X, y)
    m = BPRegressor(n_restarts=4, **kw).fit(X, y)
    # m's first restart is exactly `first` (same seeds), so the kept one is at least as good
    assert m.record_.best_val_loss <= first.record_.best_val_loss


def test_hidden_auto_searches_the_tutorial_rule(reg_data):
    X, y = reg_data
    m = BPRegressor(hidden="auto", epochs=30, random_state=0, warn=False).fit(X, y)
    # m = 4 inputs, n = 1 output: round(sqrt(5) + a) = 3 + a for a = 1..10
    assert sorted(m.hidden_search_) == list(range(1, 11))
    best_a = min(m.hidden_search_, key=m.hidden_search_.get)
    assert m.hidden_ == (bpnn.hidden_size_rule(4, 1, best_a),)


def test_validation_data_replaces_the_division(reg_data):
    X, y = reg_data
    m = BPRegressor(epochs=30, random_state=0, warn=False).fit(
        X[:80], y[:80], validation=(X[80:], y[80:])
    )
    assert m.record_.val_idx is None and len(m.record_.train_idx) == 80
    assert np.isfinite(m.record_.best_val_loss)


def test_partial_fit_runs_one_epoch_per_call(reg_data):
    X, y = reg_data
    m = BPRegressor(random_state=0, algorithm_params=None, preset="matlab")
    m.partial_fit(X[:60], y[:60])
    loss1 = m.network_.loss(m.input_map_.transform(X), m.target_map_.transform(y[:, None]), "mse")
    for _ in range(20):
        m.partial_fit(X, y)
    loss2 = m.network_.loss(m.input_map_.transform(X), m.target_map_.transform(y[:, None]), "mse")
    assert m.algorithm_ == "sgd" and m.record_.epochs == 1 and loss2 < loss1


def test_partial_fit_classifier_needs_classes(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes"):
        BPClassifier().partial_fit(X, y)
    m = BPClassifier(random_state=0).partial_fit(X[:10], y[:10], classes=[0, 1, 2])
    assert list(m.classes_) == [0, 1, 2] and m.predict_proba(X).shape == (150, 3)


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("hidden", (3, 0), "hidden must be"),
        ("hidden", "big", "'big'"),
        ("epochs", -1, "epochs must"),
        ("scaling", "zscore", "'zscore'"),
        ("pca", 1.5, "pca must"),
        ("division", "halves", "'halves'"),
        ("algorithm_params", {"lr": 0.1}, "algorithm='auto'"),
        ("activation", "swish", "'swish'"),
        ("loss", "hinge", "'hinge'"),
        ("ratios", (0.5, -0.1, 0.6), "ratios must"),
    ],
)
def test_bad_parameters_are_refused_in_fit_naming_the_value(reg_data, param, value, match):
    X, y = reg_data
    est = BPRegressor(**{param: value})  # __init__ only stores
    assert est.get_params()[param] == value
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)


def test_unknown_algorithm_parameter_is_refused(reg_data):
    X, y = reg_data
    with pytest.raises(ValueError, match="'momentun'"):
        BPRegressor(algorithm="sgd", algorithm_params={"momentun": 0.9}).fit(X, y)


# -- diagnostics ---------------------------------------------------------------------------
def test_warning_says_epoch_limit_and_what_to_try(reg_data):
    X, y = reg_data
    with pytest.warns(ConvergenceWarning, match=r"epoch limit \(epochs=3\).*Raise epochs="):
        BPRegressor(algorithm="gd", epochs=3, division=None, random_state=0).fit(X, y)


def test_warning_says_goal_not_met(reg_data):
    X, y = reg_data
    with pytest.warns(ConvergenceWarning, match="above goal=1e-12"):
        BPRegressor(algorithm="gd", epochs=2, goal=1e-12, division=None, random_state=0).fit(X, y)


def test_diagnose_divergence_message():
    rec = bpnn.TrainingRecord(stop_reason="diverged", epoch=[0, 1], loss=[1.0, 2.0])
    assert "smaller learning rate" in bpnn.estimators.diagnose(rec)
    rec = bpnn.TrainingRecord(
        stop_reason="validation stop",
        epoch=[0, 1, 2],
        best_epoch=0,
        loss=[1.0, 0.9, 0.8],
        val_fail=[0, 1, 2],
    )
    assert "barely trained" in bpnn.estimators.diagnose(rec)
    rec = bpnn.TrainingRecord(stop_reason="goal met", epoch=[0, 1], loss=[1.0, 0.0])
    assert bpnn.estimators.diagnose(rec) is None


# -- scikit-learn composition --------------------------------------------------------------
def test_pipeline_gridsearch_cross_val_score(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), BPClassifier(epochs=40, random_state=0, warn=False))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8
    grid = GridSearchCV(
        BPClassifier(epochs=40, random_state=0, warn=False),
        {"hidden": [(2,), (6,)], "scaling": ["minmax", "standard"]},
        cv=3,
    )
    grid.fit(X, y)
    assert grid.best_params_["hidden"] in [(2,), (6,)] and grid.best_score_ > 0.8
    assert clone(grid.best_estimator_).get_params() == grid.best_estimator_.get_params()


def test_dataframe_feature_names_survive_and_are_checked(iris):
    pd = pytest.importorskip("pandas")
    X, y = iris
    df = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    m = BPClassifier(epochs=30, random_state=0, warn=False).fit(df, y)
    assert list(m.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    with pytest.warns(UserWarning, match="feature names"):  # fitted with names
        np.testing.assert_array_equal(m.predict(df), m.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        m.predict(df[["sw", "sl", "pl", "pw"]])


def test_gridsearch_on_a_dask_local_cluster(reg_data):
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    import joblib

    X, y = reg_data
    grid = GridSearchCV(
        BPRegressor(epochs=20, random_state=0, warn=False, algorithm="gd"),
        {"hidden": [(2,), (5,)]},
        cv=2,
        n_jobs=-1,
    )
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
            grid.fit(X, y)
    # the 2 candidates x 2 folds ran as tasks on the cluster
    assert len(stream.data) >= 4
    ref = GridSearchCV(
        BPRegressor(epochs=20, random_state=0, warn=False, algorithm="gd"),
        {"hidden": [(2,), (5,)]},
        cv=2,
    ).fit(X, y)
    np.testing.assert_allclose(
        grid.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"]
    )


def test_binary_with_a_softmax_output_uses_two_units(iris):
    X, y = iris
    m = BPClassifier(output_activation="softmax", random_state=0, warn=False).fit(X, y == 2)
    assert m.network_.n_outputs == 2 and m.score(X, y == 2) > 0.9
    np.testing.assert_allclose(m.predict_proba(X).sum(axis=1), 1.0)


def test_cross_entropy_with_a_linear_output_is_refused(iris):
    X, y = iris
    with pytest.raises(ValueError, match="logsig or softmax"):
        BPClassifier(output_activation="purelin").fit(X, y)


def test_partial_fit_refuses_whole_batch_algorithms_and_continues_after_fit(reg_data):
    X, y = reg_data
    with pytest.raises(ValueError, match="partial_fit needs.*'lm'"):
        BPRegressor(algorithm="lm").partial_fit(X, y)
    m = BPRegressor(epochs=5, random_state=0, warn=False).fit(X, y)
    before = m.network_.params.copy()
    m.partial_fit(X, y)  # auto -> 'sgd' for partial_fit
    assert m.algorithm_ == "sgd" and not np.array_equal(before, m.network_.params)


# -- time_limit is the budget of the whole fit ------------------------------------------------
class _EpochClock:
    """A fake clock that advances one 'second' per epoch (a callback ticks it), so a time
    budget counts epochs, deterministically and without waiting."""

    def __init__(self, monkeypatch):
        import bpnn.trainer

        self.t, self.epochs = 0.0, 0
        monkeypatch.setattr(bpnn.trainer, "_clock", lambda: self.t)

    def __call__(self, epoch, record, network):
        self.t += 1.0
        self.epochs += 1
        return False


def _fit_on_clock(monkeypatch, est, X, y):
    clock = _EpochClock(monkeypatch)
    with training_defaults(callbacks=[clock]), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    return clock


def test_time_limit_spans_restarts_and_hidden_search(monkeypatch, reg_data):
    X, y = reg_data
    kw = dict(
        hidden="auto",
        n_restarts=3,
        division=None,
        algorithm="rprop",
        epochs=8,
        min_grad=0.0,
        random_state=0,
    )
    free = _fit_on_clock(monkeypatch, BPRegressor(**kw), X, y)
    assert free.epochs == 10 * 3 * 8 > 30  # every width x restart runs 8 epochs
    est = BPRegressor(time_limit=30, **kw)
    clock = _fit_on_clock(monkeypatch, est, X, y)
    # one budget: 30 ticks in all (the run that meets the limit stops without a tick),
    # where a per-run limit would have let all 240 epochs run
    assert clock.epochs == 30
    # the first width's 3 restarts (24 epochs), the second's first restart cut at 6
    assert len(est.hidden_search_) == 2
    assert "ran out after 4 of the 30 candidate runs" in est.diagnosis_


def test_time_limit_covers_the_l2_search_and_the_refit(monkeypatch, reg_data):
    X, y = reg_data
    kw = dict(algorithm="rprop", epochs=30, max_fail=1000, min_grad=0.0, random_state=0)
    free = _fit_on_clock(monkeypatch, BPRegressor(**kw), X, y)
    assert free.epochs > 3 * 30  # three weight decays, then the refit
    # budget for the three split runs and part of a refit: the refit is dropped, the
    # split network kept, and the fit says so
    est = BPRegressor(time_limit=100, **kw)
    clock = _fit_on_clock(monkeypatch, est, X, y)
    assert clock.epochs == 100
    assert est.selection_record_ is None and est.record_.epochs == 30
    assert np.isfinite(est.record_.val_loss[-1])  # the split run, with validation rows
    assert len(est.l2_search_) == 3
    assert "before the refit on all rows" in est.diagnosis_
    # enough for all of it: the refit happens as without a limit
    est = BPRegressor(time_limit=1000, **kw)
    clock = _fit_on_clock(monkeypatch, est, X, y)
    assert clock.epochs == free.epochs and est.selection_record_ is not None


# -- trainbr keeps its last parameters: judge it by them --------------------------------------
def test_br_candidates_are_compared_on_the_final_validation_loss():
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = BPRegressor(algorithm="br", preset="matlab", epochs=40, random_state=0).fit(X, y)
    rec = m.record_
    assert rec.stop_reason != "validation stop" and rec.best_epoch < rec.epochs
    assert rec.val_loss[-1] > rec.best_val_loss  # the kept (last) epoch is worse
    br_run, lm_run = (0, 0, "br", {}, 0.0), (0, 0, "lm", {}, 0.0)
    assert BPRegressor._score(rec, br_run) == rec.val_loss[-1]
    assert BPRegressor._score(rec, lm_run) == rec.best_val_loss
    # validation_stop=True restores the best epoch: then the best epoch is the key
    assert (
        BPRegressor._score(rec, (0, 0, "br", {"validation_stop": True}, 0.0)) == rec.best_val_loss
    )


def test_br_with_the_default_preset_takes_no_weight_decay_search(reg_data):
    # trainbr sets its own weight decay: l2="auto" means none (it refused l2 > 0 before),
    # and the refit trains as long as the split run did (its last epoch is what it kept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = BPRegressor(algorithm="trainbr", epochs=15, random_state=0).fit(*reg_data)
    assert m.l2_ == 0.0 and m.l2_search_ is None
    assert m.record_.epochs == max(m.selection_record_.epochs, 10)


def test_time_limit_is_shared_by_an_ensembles_members(monkeypatch, reg_data):
    X, y = reg_data
    kw = dict(
        n_ensemble=4, division=None, algorithm="rprop", epochs=10, min_grad=0.0, random_state=0
    )
    free = _fit_on_clock(monkeypatch, BPRegressor(**kw), X, y)
    assert free.epochs == 4 * 10
    est = BPRegressor(time_limit=25, **kw)
    clock = _fit_on_clock(monkeypatch, est, X, y)
    # one budget for the whole fit (a per-member limit would have let all 40 epochs run):
    # members 1 and 2 use 20 ticks, the third is cut short, and the last, whose first
    # candidate always runs, stops at once
    assert clock.epochs == 25
    assert len(est.networks_) == 4
    epochs = [r.epochs for r in est.records_]
    assert epochs[:2] == [10, 10] and 5 <= epochs[2] < 10 and epochs[3] <= 1


# -- partial_fit: declared ranges, and a warning when a batch leaves the fitted one -----------
def _batches(rng):
    X1 = rng.uniform(0, 5, size=(40, 3))
    X2 = X1.copy()
    X2[:, 1] *= 2.0  # column 1 goes up to about 10
    return X1, X1.sum(axis=1), X2, X2.sum(axis=1)


def test_partial_fit_warns_naming_the_column_and_how_far(rng):
    X1, y1, X2, y2 = _batches(rng)
    m = BPRegressor(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", bpnn.RangeWarning)
        m.partial_fit(X1, y1)
        m.partial_fit(X1[:10], y1[:10])  # inside the first batch's range: silent
    hi = X1[:, 1].max()
    with pytest.warns(bpnn.RangeWarning) as got:
        m.partial_fit(X2, y2)
    texts = [str(w.message) for w in got]
    assert issubclass(bpnn.RangeWarning, UserWarning)
    inp = next(t for t in texts if "input column" in t)
    assert "input column 1 reaches" in inp and "input column 0" not in inp
    assert f"{X2[:, 1].max() - hi:.3g} above the range" in inp and "input_range=" in inp
    assert any("target column 0" in t and "target_range=" in t for t in texts)
    with warnings.catch_warnings():
        warnings.simplefilter("error", bpnn.RangeWarning)
        BPRegressor(random_state=0, warn=False).partial_fit(X1, y1).partial_fit(X2, y2)


def test_declared_ranges_set_the_scaling_instead_of_the_first_batch(rng):
    X1, y1, X2, y2 = _batches(rng)
    m = BPRegressor(
        random_state=0,
        scaling="minmax",
        target_scaling="minmax",
        input_range=(0, [5, 10, 5]),
        target_range=(0.0, 20.0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", bpnn.RangeWarning)
        m.partial_fit(X1, y1).partial_fit(X2, y2)  # both batches inside the ranges
    # [0, 5] -> [-1, 1]: scale 2/5, offset -1; [0, 10]: scale 1/5; targets [0, 20]: 1/10
    np.testing.assert_allclose(m.input_map_.scale_, [0.4, 0.2, 0.4])
    np.testing.assert_allclose(m.input_map_.offset_, [-1.0, -1.0, -1.0])
    np.testing.assert_allclose(m.target_map_.scale_, [0.1])
    # "standard" scaling of a declared range: centre, and (high - low) / sqrt(12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", bpnn.RangeWarning)
        s = BPClassifier(random_state=0, input_range=(-1.0, 5.0)).partial_fit(
            X1, X1[:, 0] > 2.5, classes=[False, True]
        )
    np.testing.assert_allclose(s.input_map_.scale_, np.sqrt(12) / 6)
    np.testing.assert_allclose(s.input_map_.offset_, -2.0 * np.sqrt(12) / 6)
    # a batch beyond a declared range: the warning says to widen it
    with pytest.warns(bpnn.RangeWarning, match="input column 0 reaches -1.*widen it"):
        Xb = X1.copy()
        Xb[3, 0] = -1.0
        m.partial_fit(Xb, y1)


def test_declared_range_in_fit_and_a_constant_first_batch_column(rng):
    X = rng.uniform(0, 1, size=(30, 2))
    X[:, 1] = 4.0  # constant in the data...
    m = BPRegressor(epochs=5, division=None, random_state=0, input_range=(0, [1, 8]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m.fit(X, X[:, 0])
    assert m.input_map_.keep_.tolist() == [True, True]  # ...but declared to vary
    # without a declaration the first batch drops it, and a later batch that moves it says so
    p = BPRegressor(random_state=0).partial_fit(X, X[:, 0])
    assert p.input_map_.keep_.tolist() == [True, False]
    X2 = X.copy()
    X2[0, 1] = 6.0
    with pytest.warns(bpnn.RangeWarning, match="constant there, so it was dropped"):
        p.partial_fit(X2, X2[:, 0])


@pytest.mark.parametrize(
    "bad, match",
    [
        ((0, 1, 2), "input_range must be \\(low, high\\)"),
        ((0, [1, 2]), "input_range must be \\(low, high\\)"),  # 2 values for 3 columns
        ((2, 1), "low > high for column 0"),
        ((0, np.inf), "must be finite"),
        ("ab", "input_range must be"),
    ],
)
def test_bad_input_range_is_named(bad, match, rng):
    X1, y1, _, _ = _batches(rng)
    with pytest.raises(ValueError, match=match):
        BPRegressor(input_range=bad).partial_fit(X1, y1)


def test_declared_ranges_survive_the_model_file(rng, tmp_path):
    X1, y1, X2, y2 = _batches(rng)
    m = BPRegressor(random_state=0, input_range=(0, np.array([5.0, 10.0, 5.0]))).partial_fit(X1, y1)
    bpnn.save(m, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    np.testing.assert_array_equal(back.input_map_.range_high_, [5, 10, 5])
    np.testing.assert_array_equal(back.predict(X1), m.predict(X1))
    with pytest.warns(bpnn.RangeWarning, match="target column 0"):  # the first batch's
        back.partial_fit(X2, y2 * 3)


def test_nan_and_infinity_are_one_line_naming_row_and_column(rng):
    import pandas as pd

    X = pd.DataFrame(rng.random((40, 3)), columns=["a", "b", "c"])
    y = X.sum(axis=1).to_numpy()
    bad = X.copy()
    bad.iloc[4, 1] = np.nan
    bad.iloc[9, 2] = np.nan
    with pytest.raises(ValueError) as err:
        BPRegressor(epochs=2, missing="error").fit(bad, y)
    assert str(err.value) == (
        "column 'b' has 1 missing value(s), the first in row 4; choose "
        "missing='indicator', 'mean' or 'median' (--missing), or drop them"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = BPRegressor(epochs=2, random_state=0).fit(X.to_numpy(), y)
        clf = BPClassifier(epochs=2, random_state=0).fit(X.to_numpy(), y > y.mean())
    A = X.to_numpy().copy()
    A[7, 0] = -np.inf
    for m in (model, clf):
        for predict in (m.predict, getattr(m, "predict_proba", m.predict)):
            with pytest.raises(ValueError, match=r"^column 0 holds an infinite value in row 7$"):
                predict(A)
            with pytest.raises(ValueError, match=r"^column 0 holds an infinite value in row 0$"):
                predict(A[7:8])  # one row: the lean path's check fails, the same error
    yy = y.copy()
    yy[3] = np.inf
    with pytest.raises(ValueError, match=r"^y holds a non-finite value inf at row 3;"):
        BPRegressor(epochs=2).fit(X, yy)
    with pytest.raises(ValueError, match=r"^column 2 is numeric but holds 'x' in row 0$"):
        model.predict([["1", "2", "x"]])  # a word in a numeric column: named
