"""Global-search initialisation: init="ga" / "pso" / "de" (GA-BP, PSO-BP, DE-BP)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris

import bpnn
from bpnn import BPClassifier, BPRegressor
from bpnn.algorithms.global_init import GLOBAL_INITS, search_initial_weights
from bpnn.objective import Objective

METHODS = [
    pytest.param(
        m,
        marks=pytest.mark.skipif(
            m == "ga" and not __import__("importlib").util.find_spec("pygad"),
            reason="pygad not installed",
        ),
    )
    for m in GLOBAL_INITS
]


def _problem(seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 4))
    y = np.sin(2 * X[:, 0]) * X[:, 1] + 0.5 * X[:, 2] ** 2
    return X, y[:, None]


def _objective(seed):
    X, Y = _problem()
    net = bpnn.Network([4, 6, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=seed)
    return net, Objective(net, "mse", X, Y)


@pytest.mark.parametrize("method", METHODS)
def test_search_lowers_the_initial_loss_on_average(method):
    """Never above the random start it is given, and on average over seeds well below it."""
    before, after = [], []
    for seed in range(4):
        net, obj = _objective(seed)
        w0 = net.params.copy()
        f0 = obj.value(w0)
        obj.n_evals = 0
        w = search_initial_weights(
            obj, w0, method, budget=200, population=10, rng=np.random.default_rng(seed)
        )
        assert obj.n_evals <= 200 + 3  # the budget, plus the start and the check
        f = obj.value(w)
        assert f <= f0
        before.append(f0)
        after.append(f)
    assert np.mean(after) < 0.8 * np.mean(before), (before, after)


@pytest.mark.parametrize("method", METHODS)
def test_search_is_reproducible_and_leaves_global_random_state_alone(method):
    state = np.random.get_state()[1].copy()  # noqa: NPY002 - the global state, checked
    out = []
    for _ in range(2):
        net, obj = _objective(0)
        out.append(
            search_initial_weights(
                obj,
                net.params.copy(),
                method,
                budget=60,
                population=10,
                rng=np.random.default_rng(5),
            )
        )
    np.testing.assert_array_equal(out[0], out[1])
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_search_argument_errors():
    net, obj = _objective(0)
    with pytest.raises(ValueError, match="init search must be one of .* got 'sa'"):
        search_initial_weights(obj, net.params, "sa")
    with pytest.raises(ValueError, match="population must be an integer >= 5, got 3"):
        search_initial_weights(obj, net.params, "pso", population=3)
    with pytest.raises(ValueError, match=r"budget must be an integer >= population \(10\)"):
        search_initial_weights(obj, net.params, "pso", budget=5, population=10)


def test_train_with_init_search_then_bp():
    X, Y = _problem()
    net = bpnn.Network([4, 6, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=1)
    ref = bpnn.Network([4, 6, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=1)
    rec = bpnn.train(
        net,
        X,
        Y,
        algorithm="scg",
        loss="mse",
        epochs=30,
        seed=0,
        init_search="de",
        init_search_params={"budget": 100, "population": 10},
    )
    ref_rec = bpnn.train(ref, X, Y, algorithm="scg", loss="mse", epochs=0, seed=0)
    assert rec.loss[0] <= ref_rec.loss[0]  # epoch 0 is the searched start
    assert rec.epochs == 30 and rec.final_loss < rec.loss[0]


@pytest.mark.parametrize("method", METHODS)
def test_estimators_accept_global_init(method):
    warnings.simplefilter("ignore")
    X, y = load_iris(return_X_y=True)
    clf = BPClassifier(init=method, hidden=(5,), epochs=30, l2=1e-3, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.8
    Xr, Yr = _problem()
    reg = BPRegressor(
        init=method, hidden=(5,), epochs=30, l2=1e-3, random_state=0, division=None
    ).fit(Xr, Yr.ravel())
    assert reg.score(Xr, Yr.ravel()) > 0.5


def test_unknown_init_is_an_error():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="unknown init 'gax'"):
        BPClassifier(init="gax", hidden=(3,), epochs=2).fit(X, y)


def test_unknown_init_names_the_population_searches_too():
    """The refusal lists every choice, ga/pso/de included, and comes before any data is
    read (a non-numeric X would otherwise be the first error)."""
    with pytest.raises(ValueError, match=r"unknown init 'gaa'.*'ga', 'pso', 'de'"):
        BPRegressor(init="gaa").fit([["not a number"]], [1.0])


def test_global_init_names_are_case_insensitive_like_the_others():
    """'PSO' is the population search, as 'NW' is Nguyen-Widrow: the same fit as 'pso'."""
    warnings.simplefilter("ignore")
    X, y = load_iris(return_X_y=True)
    kw = dict(hidden=(4,), epochs=5, l2=1e-3, random_state=0)
    upper = BPClassifier(init=" PSO", **kw).fit(X, y)
    lower = BPClassifier(init="pso", **kw).fit(X, y)
    plain = BPClassifier(init="nguyen-widrow", **kw).fit(X, y)
    np.testing.assert_array_equal(upper.predict_proba(X), lower.predict_proba(X))
    assert not np.array_equal(upper.predict_proba(X), plain.predict_proba(X))


def test_init_search_refuses_resume(tmp_path):
    X, Y = _problem()
    net = bpnn.Network([4, 6, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=1)
    ck = tmp_path / "ck.bpnn-ckpt"
    bpnn.train(net, X, Y, algorithm="scg", loss="mse", epochs=3, checkpoint=ck, checkpoint_every=1)
    with pytest.raises(ValueError, match="init_search chooses a starting point"):
        bpnn.train(net, X, Y, algorithm="scg", loss="mse", epochs=5, resume=ck, init_search="pso")


def test_cli_train_with_global_init(tmp_path, capsys):
    from bpnn.cli import main

    assert (
        main(
            [
                "train",
                "iris",
                "--init",
                "pso",
                "--hidden",
                "4",
                "--epochs",
                "10",
                "--quiet",
                "-o",
                str(tmp_path / "m.bpnn"),
            ]
        )
        == 0
    )
    assert bpnn.load(tmp_path / "m.bpnn").init == "pso"
    assert main(["train", "iris", "--init", "sa", "--quiet"]) == 2
    assert "unknown init 'sa'" in capsys.readouterr().err
