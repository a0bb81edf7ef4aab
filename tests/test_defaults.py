"""The estimators' defaults (docs/defaults.md), the MATLAB preset, and honest CLI metrics."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning

import bpnn
from bpnn import BPClassifier, BPRegressor
from bpnn.cli import main
from bpnn.estimators import L2_CANDIDATES, PRESETS, REFIT_MIN_EPOCHS

# the estimators' defaults before the presets existed (MATLAB's feedforwardnet/trainlm)
PREVIOUS = dict(
    hidden=(10,),
    epochs=1000,
    max_fail=6,
    division="random",
    ratios=(0.70, 0.15, 0.15),
    scaling="minmax",
    l2=0.0,
    activation="tansig",
)
# what docs/defaults.md promises for the default preset
DOCUMENTED = dict(
    hidden=(20,),
    epochs=200,
    max_fail=10,
    division="cv",
    ratios=(0.80, 0.20, 0.0),
    scaling="standard",
    l2="auto",
    activation="tansig",
)
# each task's own (the rest as DOCUMENTED)
DOCUMENTED_CLASSIFIER = dict(hidden=(100,), activation="poslin")
DOCUMENTED_REGRESSOR = dict(max_fail=30)
# the weight decays l2="auto" tries: the classifier's grid reaches 1e-1
CLASSIFIER_GRID = (1e-4, 1e-3, 1e-2, 1e-1)
# and how division="cv" runs under it
DOCUMENTED_CV = dict(cv_folds=5, cv_max_rows=1000, cv_select=1, cv_final="both")


@pytest.fixture(scope="module")
def reg():
    return make_regression(150, 4, noise=5.0, random_state=0)


@pytest.mark.parametrize("cls", [BPClassifier, BPRegressor])
def test_the_defaults_are_the_documented_ones(cls):
    eff = cls().effective_params()
    assert cls().preset == "default" and L2_CANDIDATES == (1e-4, 1e-3, 1e-2)
    own = DOCUMENTED_CLASSIFIER if cls is BPClassifier else DOCUMENTED_REGRESSOR
    assert {k: eff[k] for k in DOCUMENTED} == {**DOCUMENTED, **own}
    assert PRESETS["default"]["classification"]["l2_candidates"] == CLASSIFIER_GRID
    m = cls()
    m._check_params()
    grid = CLASSIFIER_GRID if cls is BPClassifier else L2_CANDIDATES
    assert m._l2_candidates(True) == grid and m._l2_candidates(False) == (0.0,)
    if cls is BPRegressor:
        assert eff["target_scaling"] == "standard"
    assert PRESETS["default"]["lm_max_params"] == 0  # "auto" never picks LM by default
    assert {k: PRESETS["default"][k] for k in DOCUMENTED_CV} == DOCUMENTED_CV
    assert REFIT_MIN_EPOCHS == 10
    many = PRESETS["default"]["many"]
    assert many["classification"] == {
        "l2": 1e-3,
        "ratios": (0.8, 0.2, 0.0),
        "refit": True,
        "final": "both",
    }
    assert many["regression"] == {"l2": None, "ratios": None, "refit": True}


def test_preset_best_is_the_documented_one():
    best = BPClassifier(preset="best").effective_params()
    assert best["division"] == "cv" and best["max_fail"] == 20 and best["hidden"] == (100,)
    assert best["activation"] == "poslin"
    reg = BPRegressor(preset="best").effective_params()
    assert reg["hidden"] == (20,) and reg["activation"] == "tansig" and reg["l2"] == "auto"
    assert PRESETS["best"]["cv_max_rows"] == float("inf")
    assert PRESETS["best"]["cv_select"] == 5 and PRESETS["best"]["cv_final"] == "both"
    assert PRESETS["best"]["l2_candidates"] == (1e-4, 1e-3, 1e-2, 1e-1)


def test_a_default_fit_on_few_rows_picks_l2_by_cv_then_averages_folds_and_refit():
    X, y = load_iris(return_X_y=True)
    m = BPClassifier(random_state=0).fit(X, y)
    assert m.algorithm_ == "scg" and m.hidden_ == (100,) and m.cv_folds_ == 5
    assert [a.name for a in m.network_.activations][0] == "poslin"
    assert sorted(m.l2_search_) == list(CLASSIFIER_GRID)
    assert m.l2_ == min(m.l2_search_, key=m.l2_search_.get)
    # members: the refit on all rows, then the 5 folds' networks (median early stop first)
    assert len(m.networks_) == 6 and m.networks_[0] is m.network_
    folds = m.records_[1:]
    assert folds[0] is m.selection_record_
    for rec in folds:
        assert len(rec.train_idx) == 120 and len(rec.val_idx) == 30
    np.testing.assert_array_equal(
        np.sort(np.concatenate([r.val_idx for r in folds])), np.arange(150)
    )
    stops = sorted(r.best_epoch for r in folds)
    assert m.selection_record_.best_epoch == stops[2]
    assert len(m.record_.train_idx) == 150 and m.record_.val_idx is None
    assert m.record_.epochs == min(max(stops[2], REFIT_MIN_EPOCHS), 200)
    # the output is the average of the six networks' outputs
    Z = m.input_map_.transform(X, m.dtype_)
    mean = np.mean([net.forward(Z) for net in m.networks_], axis=0)
    np.testing.assert_allclose(m.predict_proba(X), m._probabilities(mean), rtol=1e-12)
    assert m.score(X, y) > 0.95


def test_a_default_fit_on_many_rows_picks_l2_on_one_split_then_refits():
    m = BPClassifier(random_state=0)
    m._check_params()
    assert m._n_folds(1000) == 5 and m._n_folds(1001) == 0 and m._n_folds(9) == 0
    X, y = load_iris(return_X_y=True)
    m = BPClassifier(random_state=0, division="refit").fit(X, y)  # the >1000-row path
    assert m.cv_folds_ == 0 and len(m.networks_) == 1
    sel = m.selection_record_
    assert len(sel.train_idx) == 120 and len(sel.val_idx) == 30 and sel.test_idx is None
    assert sel.best_val_loss == pytest.approx(m.l2_search_[m.l2_])
    assert len(m.record_.train_idx) == 150 and m.record_.val_idx is None
    assert m.record_.epochs == min(max(sel.best_epoch, REFIT_MIN_EPOCHS), 200)


def test_a_default_classifier_on_many_rows_averages_the_split_network_and_the_refit(
    monkeypatch, reg
):
    monkeypatch.setitem(PRESETS["default"], "cv_max_rows", 100)  # 150 rows count as many
    X, y = load_iris(return_X_y=True)
    m = BPClassifier(random_state=0).fit(X, y)
    assert m.cv_folds_ == 0 and m.l2_ == 1e-3 and m.l2_search_ is None
    assert len(m.networks_) == 2 and m.networks_[0] is m.network_
    split = m.records_[1]
    assert split is m.selection_record_ and split.test_idx is None
    assert len(split.train_idx) == 120 and len(split.val_idx) == 30
    assert not np.intersect1d(split.train_idx, split.val_idx).size
    assert len(m.record_.train_idx) == 150 and m.record_.val_idx is None
    assert m.record_.epochs == min(max(split.best_epoch, REFIT_MIN_EPOCHS), 200)
    Z = m.input_map_.transform(X, m.dtype_)
    mean = np.mean([net.forward(Z) for net in m.networks_], axis=0)
    np.testing.assert_allclose(m.predict_proba(X), m._probabilities(mean), rtol=1e-12)
    # the regressor there: the weight decays on the split, then the refit alone
    r = BPRegressor(random_state=0).fit(*reg)
    assert r.cv_folds_ == 0 and len(r.networks_) == 1
    assert sorted(r.l2_search_) == list(L2_CANDIDATES)
    assert r.effective_params()["max_fail"] == 30


@pytest.mark.parametrize("cls, alg", [(BPClassifier, "scg"), (BPRegressor, "lm")])
def test_matlab_preset_is_exactly_the_previous_defaults(cls, alg, reg):
    X, y = reg if cls is BPRegressor else load_iris(return_X_y=True)
    eff = cls(preset="matlab").effective_params()
    assert {k: eff[k] for k in PREVIOUS} == PREVIOUS
    if cls is BPRegressor:
        assert eff["target_scaling"] == "minmax"
    m = cls(preset="matlab", random_state=3, warn=False).fit(X, y)
    # the old defaults spelled out (the old "auto" algorithm included), under the new preset
    old = cls(
        random_state=3,
        warn=False,
        algorithm=alg,
        **PREVIOUS,
        **({"target_scaling": "minmax"} if cls is BPRegressor else {}),
    ).fit(X, y)
    assert m.algorithm_ == alg and m.l2_ == 0.0 and m.selection_record_ is None
    np.testing.assert_array_equal(m.network_.params, old.network_.params)
    np.testing.assert_array_equal(m.predict(X), old.predict(X))
    np.testing.assert_array_equal(m.record_.val_idx, old.record_.val_idx)


def test_explicit_parameters_override_the_preset():
    m = BPRegressor(preset="matlab", hidden=(4,), division=None, l2="auto", scaling="none")
    eff = m.effective_params()
    assert eff["hidden"] == (4,) and eff["division"] is None and eff["scaling"] == "none"
    assert eff["l2"] == "auto" and eff["max_fail"] == 6  # the rest: MATLAB's
    assert BPRegressor(division="random").effective_params()["ratios"] == (0.8, 0.2, 0.0)


def test_l2_auto_without_validation_rows_means_no_weight_decay(reg):
    X, y = reg
    m = BPRegressor(division=None, epochs=20, random_state=0, warn=False).fit(X, y)
    assert m.l2_ == 0.0 and m.l2_search_ is None and m.selection_record_ is None
    p = BPRegressor(random_state=0, algorithm="sgd", algorithm_params={"lr": 0.01}).partial_fit(
        X, y
    )
    assert p.record_.epochs == 1


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("preset", "matlb", r"preset must be one of \['best', 'default', 'matlab'\], got 'matlb'"),
        ("l2", "big", r"l2 must be a number >= 0 or 'auto', got 'big'"),
        ("division", "later", r"division must be .*got 'later'"),
    ],
)
def test_bad_preset_and_options_are_refused_quoting_the_value(reg, param, value, match):
    with pytest.raises(ValueError, match=match):
        BPRegressor(**{param: value}).fit(*reg)


# -- the CLI reports metrics on rows the model never trained on ---------------------------
@pytest.fixture(scope="module")
def table(tmp_path_factory):
    X, y = make_regression(120, 3, noise=5.0, random_state=1)
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y)
    path = tmp_path_factory.mktemp("defaults") / "t.csv"
    df.to_csv(path, index=False)
    return path, df


def _train(path, tmp, capsys, *extra):
    out = tmp / "m.bpnn"
    assert main(["train", str(path), "--target", "y", "-o", str(out), *extra]) == 0
    return bpnn.load(out), capsys.readouterr().out


def test_cli_default_holds_out_test_rows_that_training_never_saw(table, tmp_path, capsys):
    path, df = table
    model, out = _train(path, tmp_path, capsys)
    rec = model.record_
    tr, te = rec.train_idx, rec.test_idx
    assert rec.val_idx is None and len(te) == 18 and len(tr) == 102  # 15 % held out
    assert np.intersect1d(tr, te).size == 0
    np.testing.assert_array_equal(np.union1d(tr, te), np.arange(len(df)))
    assert "held out by bpnn train" in out and "test" in out
    # the saved model is exactly a fit on the training rows alone
    X, y = df[["a", "b", "c"]], df["y"]
    again = BPRegressor(**model.get_params()).fit(X.iloc[tr], y.iloc[tr])
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_cli_matlab_preset_reports_its_own_division(table, tmp_path, capsys):
    path, df = table
    model, out = _train(path, tmp_path, capsys, "--preset", "matlab")
    rec = model.record_
    parts = [rec.train_idx, rec.val_idx, rec.test_idx]
    assert [len(p) for p in parts] == [84, 18, 18]
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(len(df)))
    assert model.effective_params()["division"] == "random"
    assert "rows of the model's own division" in out


def test_cli_holdout_zero_says_there_are_no_held_out_metrics(table, tmp_path, capsys):
    path, _ = table
    model, out = _train(path, tmp_path, capsys, "--holdout", "0", "--l2", "0.001", "--epochs", "20")
    assert model.record_.test_idx is None and model.get_params()["l2"] == 0.001
    assert "no held-out metrics" in out


def test_the_model_file_keeps_the_l2_search_and_the_selection_run(tmp_path):
    X, y = load_iris(return_X_y=True)
    m = BPClassifier(random_state=0, epochs=30).fit(X, y)
    bpnn.save(m, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    assert back.l2_ == m.l2_ and back.l2_search_ == pytest.approx(m.l2_search_)
    assert back.selection_record_.epochs == m.selection_record_.epochs
    assert back.selection_record_.best_epoch == m.selection_record_.best_epoch
    assert back.record_.epochs == m.record_.epochs
    np.testing.assert_array_equal(back.predict_proba(X), m.predict_proba(X))


def test_a_model_without_a_search_loads_with_none(tmp_path, reg):
    m = BPRegressor(l2=0.01, division=None, epochs=5, random_state=0).fit(*reg)
    bpnn.save(m, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    assert back.l2_ == 0.01 and back.l2_search_ is None and back.selection_record_ is None


# -- division="cv": the selection is honest -------------------------------------------------
def _spy_on_training(monkeypatch):
    """Record the inputs of every training run a fit starts: (training rows, validation
    rows or None), both as the network sees them (scaled)."""
    import bpnn.estimators as E

    calls, real = [], E.train

    def spy(net, X, T, **kw):
        val = kw.get("validation")
        calls.append((np.array(X, copy=True), None if val is None else np.array(val[0])))
        return real(net, X, T, **kw)

    monkeypatch.setattr(E, "train", spy)
    return calls


def _rows(A):
    return {r.tobytes() for r in np.ascontiguousarray(A)}


@pytest.fixture(scope="module")
def cls_data():
    from sklearn.datasets import make_classification

    # continuous inputs: every row distinct, so a row can be traced through the fit
    return make_classification(200, 5, n_informative=3, random_state=0)


@pytest.mark.parametrize("select", [1, 5])
def test_cv_selection_never_sees_a_row_of_the_test_fold(monkeypatch, cls_data, select):
    X, y = cls_data
    test = np.arange(len(y)) % 5 == 0
    monkeypatch.setitem(PRESETS["default"], "cv_select", select)
    calls = _spy_on_training(monkeypatch)
    m = BPClassifier(random_state=0, epochs=30, warn=False)  # the default: division "cv"
    m.fit(X[~test], y[~test])
    n_fit = len(calls)
    k = PRESETS["default"]["cv_folds"]
    # the weight decays on `select` folds, the winner on the other folds, then the refit
    assert n_fit == select * len(CLASSIFIER_GRID) + (k - select) + 1
    seen = set()
    for Xt, Xv in calls:
        seen |= _rows(Xt) | (set() if Xv is None else _rows(Xv))
    held_out = _rows(m.input_map_.transform(X[test], m.dtype_))
    assert len(held_out) == test.sum() and not seen & held_out
    assert seen == _rows(m.input_map_.transform(X[~test], m.dtype_))
    m.score(X[test], y[test])  # predicting and scoring train nothing
    assert len(calls) == n_fit


@pytest.mark.parametrize("cls", [BPClassifier, BPRegressor])
def test_cv_folds_never_train_on_their_own_validation_rows(monkeypatch, cls, cls_data, reg):
    X, y = cls_data if cls is BPClassifier else reg
    monkeypatch.setitem(PRESETS["default"], "cv_select", PRESETS["default"]["cv_folds"])
    calls = _spy_on_training(monkeypatch)
    m = cls(division="cv", random_state=1, epochs=20, warn=False).fit(X, y)
    k = PRESETS["default"]["cv_folds"]
    every = _rows(m.input_map_.transform(X, m.dtype_))
    grid = CLASSIFIER_GRID if cls is BPClassifier else L2_CANDIDATES
    for c in range(len(grid)):  # each weight decay: k disjoint folds
        validated = []
        for Xt, Xv in calls[c * k : (c + 1) * k]:
            assert Xv is not None and not _rows(Xt) & _rows(Xv)
            assert _rows(Xt) | _rows(Xv) == every
            validated.append(_rows(Xv))
        assert sum(len(v) for v in validated) == len(every)  # each row validates once
        assert set().union(*validated) == every
    Xt, Xv = calls[-1]
    assert Xv is None and _rows(Xt) == every  # the refit: every row, no validation
    # the records name the fit's own rows
    assert len(m.networks_) == k + 1
    sel = m.selection_record_
    np.testing.assert_array_equal(np.union1d(sel.train_idx, sel.val_idx), np.arange(len(y)))
    assert np.intersect1d(sel.train_idx, sel.val_idx).size == 0


def test_cv_folds_are_stratified_by_class(cls_data):
    X, y = cls_data
    m = BPClassifier(random_state=0)
    m._check_params()
    T = np.eye(2)[y]
    fold = m._fold_ids(T, 5, seed=3)
    counts = np.array([[np.sum((fold == f) & (y == c)) for c in (0, 1)] for f in range(5)])
    assert np.ptp(counts, axis=0).max() <= 1  # each class spread evenly over the folds


def test_cv_with_default_selection_validates_the_winner_on_every_fold(monkeypatch, cls_data):
    X, y = cls_data
    calls = _spy_on_training(monkeypatch)
    m = BPClassifier(random_state=0, epochs=20, warn=False).fit(X, y)
    n_l2 = len(CLASSIFIER_GRID)
    every = _rows(m.input_map_.transform(X, m.dtype_))
    first = calls[:n_l2]  # every weight decay on fold 0: the same rows
    assert all(_rows(Xv) == _rows(first[0][1]) for _, Xv in first)
    winner = first[list(CLASSIFIER_GRID).index(m.l2_)]
    folds = [winner, *calls[n_l2:-1]]
    assert len(folds) == PRESETS["default"]["cv_folds"]
    for Xt, Xv in folds:
        assert not _rows(Xt) & _rows(Xv) and _rows(Xt) | _rows(Xv) == every
    assert set().union(*(_rows(Xv) for _, Xv in folds)) == every
    assert sum(len(Xv) for _, Xv in folds) == len(every)


def _e(v):
    """1e-4 as the docs write it."""
    return f"{v:.0e}".replace("e-0", "e-")


def test_the_settings_table_of_defaults_md_matches_the_presets():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "defaults.md"
    rows = {
        line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:5]]
        for line in doc.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    presets = ("default", "best", "matlab")
    mf = [str(PRESETS[p]["max_fail"]) for p in presets]
    mf[0] += f"; a regressor {PRESETS['default']['regression']['max_fail']}"
    assert rows["`max_fail`"] == mf
    cls_grid = PRESETS["default"]["classification"]["l2_candidates"]
    assert set(cls_grid) - set(L2_CANDIDATES) == {1e-1}
    assert "a classifier also 1e-1" in rows["`l2`"][0]
    assert rows["`epochs`"] == [str(PRESETS[p]["epochs"]) for p in presets]
    for p in ("default", "best"):
        cls = PRESETS[p]["classification"]
        assert rows["`hidden`"][presets.index(p)] == (
            f"`{PRESETS[p]['hidden']}`; a classifier `{cls['hidden']}`"
        )
    assert rows["`activation`"][0].startswith(f'`"{PRESETS["default"]["activation"]}"`')
    assert f'`"{PRESETS["default"]["classification"]["activation"]}"`' in rows["`activation`"][0]
    assert f"> {PRESETS['default']['cv_max_rows']} rows" in rows["`l2`"][0]
    assert (
        f"rows: {PRESETS['default']['many']['classification']['l2']:.0e}".replace("e-0", "e-")
        in rows["`l2`"][0]
    )
    assert rows["`division`, `ratios`"][0].startswith(f'`"{PRESETS["default"]["division"]}"`')
    grid = ", ".join(_e(v) for v in L2_CANDIDATES[:-1]) + f" or {_e(L2_CANDIDATES[-1])}"
    assert grid in rows["`l2`"][0]


def test_a_classifier_no_better_than_the_class_frequencies_says_so():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 2)), np.where(rng.random(120) < 0.7, "a", "b")
    with pytest.warns(ConvergenceWarning, match="little from the inputs") as caught:
        m = BPClassifier(l2=10.0, random_state=0).fit(X, y)  # too much decay to learn
    said = str(caught[-1].message)
    assert "always answering 'a' scores (64.2%)" in said and "on its own 120 training" in said
    assert said in m.diagnosis_ and "class_weight" not in said
    # labels as Python strings (a table's text column) and as integers read the same
    for labels, shown in ((pd.Series(y, dtype=object), "'a'"), ((y == "b").astype(int), "0")):
        with pytest.warns(ConvergenceWarning, match=f"always answering {shown} scores"):
            BPClassifier(l2=10.0, random_state=0).fit(X, labels)
    # weighted rows: those of weight 0 do not count; a rare class gets the balancing advice
    rare = np.where(rng.random(120) < 0.9, "a", "b")
    sw = np.ones(120)
    sw[:20] = 0.0
    with pytest.warns(ConvergenceWarning, match="class_weight='balanced'") as caught:
        BPClassifier(l2=10.0, random_state=0).fit(X, rare, sample_weight=sw)
    assert "own 100 training rows" in str(caught[-1].message)
    with warnings.catch_warnings():  # a network that learned the inputs: nothing said
        warnings.simplefilter("error")
        m = BPClassifier(random_state=0).fit(*load_iris(return_X_y=True))
    assert m.diagnosis_ is None


def test_bpnn_train_prints_the_class_frequency_note_and_succeeds(tmp_path, capsys):
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(120, 2)), columns=["a", "b"])
    df["y"] = np.where(rng.random(120) < 0.7, "yes", "no")
    df.to_csv(tmp_path / "noise.csv", index=False)
    assert main(["train", str(tmp_path / "noise.csv"), "--target", "y", "--l2", "10"]) == 0
    out = capsys.readouterr()
    assert "note: the classifier scores" in out.out + out.err
    assert "always answering 'yes'" in out.out + out.err


def test_bpnn_train_says_what_was_searched_and_which_networks_are_averaged(monkeypatch, capsys):
    assert main(["train", "iris"]) == 0
    out = capsys.readouterr().out
    assert "chosen by 5-fold cross-validation" in out and "l2 " in out
    assert "the model averages the refit and the 5 folds' networks" in out
    monkeypatch.setitem(PRESETS["default"], "cv_max_rows", 100)  # iris as "many rows"
    assert main(["train", "iris"]) == 0
    out = capsys.readouterr().out
    assert "(l2 0.001, not searched) chosen by an internal validation split" in out
    assert "the model averages the refit and the split's network" in out
