"""Cascade-correlation (Fahlman & Lebiere 1990): the correlation and its gradient, the
candidate phase, installing a unit, frozen weights, growth's stopping rules, the record,
the estimators, the CLI and the model file."""

import itertools

import numpy as np
import pytest

import bpnn
from bpnn.activations import get_activation
from bpnn.algorithms.cascor import (
    CandidatePool,
    CascadeCorrelation,
    CorrelationObjective,
    features,
    install_unit,
    output_view,
)
from bpnn.cli import main
from bpnn.trainer import Trainer

XOR_X = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float)
XOR_Y = np.array([[0], [1], [1], [0]], float)


def parity(bits):
    X = np.array(list(itertools.product([-1.0, 1.0], repeat=bits)))
    return X, ((X > 0).sum(axis=1) % 2)[:, None].astype(float)


def random_pool(rng, q=3, n_cand=4):
    acts = [get_activation(a) for a in ("tansig", "logsig")] * (n_cand // 2)
    pool = CandidatePool(q, acts)
    pool.params = rng.uniform(-1, 1, pool.n_params)
    return pool


def test_correlation_is_fahlmans_S_with_the_mean_of_V():
    # S_c = sum_o |sum_p (V_pc - mean V_c)(E_po - mean E_o)|, here divided by ||E - mean E||
    rng = np.random.default_rng(0)
    H, E = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    pool = random_pool(rng)
    obj = CorrelationObjective(pool, H, E)
    value = obj.value(pool.params)
    _, V = pool.forward(H, pool.params)
    Ec = E - E.mean(axis=0)
    S = np.abs((V - V.mean(axis=0)).T @ Ec).sum(axis=1) / np.linalg.norm(Ec)
    np.testing.assert_allclose(obj.scores, S, rtol=1e-12)
    assert value == pytest.approx(-S.sum(), rel=1e-12)


def test_correlation_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    H, E = rng.normal(size=(25, 3)), rng.normal(size=(25, 2))
    pool = random_pool(rng)
    obj = CorrelationObjective(pool, H, E)
    w = pool.params.copy()
    value, g = obj.value_and_grad(w)
    assert value == pytest.approx(obj.value(w), rel=1e-14)
    h, num = 1e-6, np.empty_like(w)
    for i in range(w.size):  # central differences, away from any C_co = 0
        e = np.zeros_like(w)
        e[i] = h
        num[i] = (obj.value(w + e) - obj.value(w - e)) / (2 * h)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)


def test_candidates_do_not_interact():
    # each candidate's gradient depends on its own block only: element-wise rules train
    # the pool as independent units
    rng = np.random.default_rng(2)
    H, E = rng.normal(size=(15, 3)), rng.normal(size=(15, 1))
    pool = random_pool(rng)
    obj = CorrelationObjective(pool, H, E)
    w = pool.params.copy()
    g = obj.value_and_grad(w)[1]
    w2 = w.copy()
    w2[4:] += rng.normal(size=w.size - 4)  # move every candidate but the first
    np.testing.assert_allclose(obj.value_and_grad(w2)[1][:4], g[:4], rtol=1e-13)


def test_training_a_candidate_increases_its_correlation():
    rng = np.random.default_rng(3)
    H = rng.normal(size=(40, 2))
    E = np.sin(2 * H[:, :1]) * H[:, 1:]  # a residual a single unit can partly explain
    pool = random_pool(rng, q=2)
    obj = CorrelationObjective(pool, H, E)
    obj.value(pool.params)
    before = obj.scores.copy()
    rec = Trainer(bpnn.get_algorithm("rprop"), epochs=60, goal=-np.inf, min_grad=0).run(
        obj, rng=np.random.default_rng(0)
    )
    obj.value(pool.params)
    assert np.all(obj.scores > before + 1e-3), (before, obj.scores)
    assert rec.loss[-1] < rec.loss[0]


def test_install_keeps_the_outputs_with_zero_output_weights():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 3))
    net = bpnn.Network([3, 2], ["purelin"], seed=0)
    acts = [get_activation("tansig"), get_activation("logsig")]
    for k, act in enumerate(acts):  # grow twice: 3-2, 3-1-2, 3-1-1-2
        v, b = rng.normal(size=3 + k), rng.normal()
        grown = install_unit(net, v, b, act)
        assert grown.sizes == [3, *([1] * (k + 1)), 2] and grown.connections == "cascade"
        np.testing.assert_allclose(grown.forward(X), net.forward(X), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(grown.weights[k][0], v)
        # the new unit's output: the last feature column the output layer reads
        np.testing.assert_allclose(features(grown, X)[:, -1], act(features(net, X) @ v + b))
        net = grown
    moved = install_unit(net, np.ones(5), 0.0, acts[0], out_weights=[1.0, -1.0])
    assert np.max(np.abs(moved.forward(X) - net.forward(X))) > 1e-3


def test_output_view_trains_only_the_output_block():
    net = install_unit(
        bpnn.Network([2, 1], ["logsig"], seed=0), [0.5, -0.5], 0.1, get_activation("tansig")
    )
    sub = output_view(net)
    hidden = net.params[: net.offsets[-1][0]].copy()
    sub.params = sub.params + 1.0
    np.testing.assert_array_equal(net.params[: net.offsets[-1][0]], hidden)
    np.testing.assert_array_equal(net.weights[-1], sub.weights[0])
    np.testing.assert_allclose(net.forward(XOR_X), sub.forward(features(net, XOR_X)), atol=1e-15)


def test_xor_and_parity3_solved_with_few_units():
    for (X, Y), seed in (((XOR_X, XOR_Y), 0), (parity(3), 1)):
        net = bpnn.Network([X.shape[1], 1], ["logsig"], seed=0)
        rec = bpnn.train(net, X, Y, "cascade", "mse", epochs=3000, goal=1e-3, seed=seed)
        assert rec.stop_reason == "goal met"
        assert 1 <= len(net.sizes) - 2 <= 4, net.sizes
        np.testing.assert_array_equal(net.forward(X).round(), Y)


def test_frozen_weights_never_change_and_the_record_counts_units():
    X, Y = parity(3)
    seen = {}  # unit j -> its input weights and bias the first time it is seen

    def watch(epoch, rec, net):
        for j in range(len(net.sizes) - 2):
            block = np.append(net.weights[j][0], net.biases[j][0])
            seen.setdefault(j, []).append(block.copy())

    net = bpnn.Network([3, 1], ["logsig"], seed=0)
    rec = bpnn.train(
        net, X, Y, "cascade", "sse", epochs=2000, goal=0.0, seed=0, callbacks=[watch], max_units=3
    )
    assert rec.stop_reason == "max units" and net.sizes == [3, 1, 1, 1, 1]
    assert sorted(seen) == [0, 1, 2] and len(seen[0]) > len(seen[1]) > 1
    for j, blocks in seen.items():  # across every later phase, and in the final network
        final = np.append(net.weights[j][0], net.biases[j][0])
        for b in blocks:
            np.testing.assert_array_equal(b, final)
    units = np.array(rec.extra["units"])
    assert len(units) == len(rec.epoch) == len(rec.extra["phase"]) == len(rec.extra["correlation"])
    assert units[0] == 0 and units[-1] == 3
    assert set(np.diff(units)) <= {0, 1}  # one unit at a time
    phase = np.array(rec.extra["phase"])
    corr = np.array(rec.extra["correlation"])
    assert np.all(np.isnan(corr[phase == 0])) and np.all(corr[phase == 1] > 0)
    # the loss only moves in output phases (the candidate phase leaves the network alone);
    # a candidate row carries the loss re-evaluated at the output phase's final weights, so
    # it may differ from the trainer's own last row by rounding (one ulp seen on CI)
    loss = np.array(rec.loss)
    cand = np.flatnonzero(phase == 1)
    np.testing.assert_allclose(loss[cand], loss[cand - 1], rtol=1e-12, atol=0)
    assert rec.final_loss == pytest.approx(net.loss(X, Y, "sse"), rel=1e-12)


def test_growth_stops_at_goal_at_max_units_and_at_the_epoch_budget():
    X, Y = parity(4)
    net = bpnn.Network([4, 1], ["logsig"], seed=0)
    rec = bpnn.train(net, X, Y, "cascade", "mse", epochs=5000, seed=0, max_units=2)
    assert rec.stop_reason == "max units" and len(net.sizes) - 2 == 2
    assert rec.extra["phase"][-1] == 0  # the last unit's output phase ran
    net = bpnn.Network([4, 1], ["logsig"], seed=0)
    rec = bpnn.train(net, X, Y, "cascade", "mse", epochs=40, seed=0)
    assert rec.stop_reason == "max epochs" and rec.epochs == 40
    net = bpnn.Network([2, 1], ["logsig"], seed=0)
    rec = bpnn.train(net, XOR_X, XOR_Y, "cascade", "mse", epochs=3000, goal=0.05, seed=0)
    assert rec.stop_reason == "goal met" and rec.final_loss <= 0.05
    net0 = bpnn.Network([2, 1], ["logsig"], seed=0)
    rec = bpnn.train(net0, XOR_X, XOR_Y, "cascade", "mse", seed=0, max_units=0)
    assert rec.stop_reason == "max units" and net0.sizes == [2, 1]


def test_same_seed_same_network():
    X, Y = parity(3)
    nets = [bpnn.Network([3, 1], ["logsig"], seed=0) for _ in range(2)]
    for net in nets:
        bpnn.train(net, X, Y, "cascade", "mse", epochs=300, seed=5, max_units=2)
    np.testing.assert_array_equal(nets[0].params, nets[1].params)


def test_validation_records_and_keeps_the_best_network():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (80, 2))
    Y = np.sin(3 * X[:, :1]) * X[:, 1:] + 0.3 * rng.normal(size=(80, 1))
    net = bpnn.Network([2, 1], ["purelin"], seed=0)
    rec = bpnn.train(
        net,
        X,
        Y,
        "cascade",
        "mse",
        epochs=3000,
        division="random",
        seed=0,
        unit_patience=2,
        max_units=8,
    )
    assert np.all(np.isfinite(rec.val_loss))
    kept = rec.best_val_loss
    assert (
        kept == pytest.approx(min(rec.val_loss), rel=1e-12) or rec.stop_reason != "validation stop"
    )
    assert rec.extra["units"][rec.best_epoch] == len(net.sizes) - 2


def test_bad_parameters_and_networks_are_refused_in_one_line():
    for kw, word in (
        ({"max_units": -1}, "max_units"),
        ({"n_candidates": 0}, "n_candidates"),
        ({"candidate_activations": ("softmax",)}, "element-wise"),
        ({"output_init": "random"}, "output_init"),
        ({"candidate_algorithm": "nope"}, "nope"),
        ({"candidate_algorithm": "sgd"}, "whole-batch"),
        ({"output_algorithm": "cascade"}, "cannot train"),
        ({"max_units": 2.5}, "max_units"),
    ):
        with pytest.raises(ValueError, match=word):
            CascadeCorrelation(**kw)
    with pytest.raises(ValueError, match="not a sum of squares"):
        bpnn.train(
            bpnn.Network([2, 1], "logsig"), XOR_X, XOR_Y, "cascade", candidate_algorithm="lm"
        )
    with pytest.raises(ValueError, match="no hidden layers"):
        bpnn.train(bpnn.Network([2, 3, 1], "logsig"), XOR_X, XOR_Y, "cascade")
    with pytest.raises(ValueError, match="checkpoint"):
        bpnn.train(bpnn.Network([2, 1], "logsig"), XOR_X, XOR_Y, "cascade", init_search="ga")
    with pytest.raises(ValueError, match="grows its hidden units"):
        bpnn.BPRegressor(hidden=(5,), algorithm="cascade").fit(XOR_X, XOR_Y.ravel())


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (120, 3))
    return X, X[:, 0] - 0.5 * X[:, 1] * X[:, 2] + np.sin(2 * X[:, 2])


def test_estimators_grow_from_no_hidden_layer(regression, tmp_path):
    X, y = regression
    model = bpnn.BPRegressor(
        algorithm="cascade", algorithm_params={"max_units": 4}, random_state=0
    ).fit(X, y)
    k = len(model.network_.sizes) - 2
    assert model.hidden_ == (1,) * k and 1 <= k <= 4
    assert model.record_.algorithm == "cascade" and model.score(X, y) > 0.8
    path = tmp_path / "grown.bpnn"
    bpnn.save(model, path)
    back = bpnn.load(path)
    assert back.network_.connections == "cascade" and back.hidden_ == model.hidden_
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    assert back.record_.extra["units"] == model.record_.extra["units"]
    clf = bpnn.BPClassifier(
        algorithm="cascade", algorithm_params={"max_units": 2}, random_state=0
    ).fit(X, y > 0)
    assert clf.score(X, y > 0) > 0.8 and clf.network_.sizes[0] == 3
    # a warm start would go on from a grown network: refused, and the model is kept
    model.set_params(warm_start=True)
    with pytest.raises(ValueError, match="warm_start does not apply"):
        model.fit(X, y)
    np.testing.assert_array_equal(model.predict(X), back.predict(X))


def test_cli_trains_a_cascade(regression, tmp_path, capsys):
    import pandas as pd

    X, y = regression
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y)
    df.to_csv(tmp_path / "reg.csv", index=False)
    out = tmp_path / "m.bpnn"
    argv = ["train", str(tmp_path / "reg.csv"), "--target", "y", "--algorithm", "cascade"]
    code = main([*argv, "--param", "max_units=3", "--l2", "0", "-o", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    # the split run chose the unit count; the refit grew that many on all rows
    assert "hidden unit" in printed.out and "grown again on all fit rows" in printed.out
    model = bpnn.load(out)
    assert model.network_.connections == "cascade" and 1 <= len(model.hidden_) <= 3
    assert max(model.record_.extra["units"]) == len(model.hidden_)
    code = main([*argv, "--hidden", "4", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "grows its hidden units" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("x_exp, y_exp", [(100, 0), (0, 100), (150, 150)])
def test_extreme_scales_never_leave_non_finite_parameters(x_exp, y_exp):
    import warnings

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(12, 2)) * 10.0**x_exp, rng.normal(size=(12, 1)) * 10.0**y_exp
    net = bpnn.Network([2, 1], ["purelin"], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = bpnn.train(net, X, Y, "cascade", "sse", epochs=60, seed=0, max_units=3)
    assert np.all(np.isfinite(net.params)) and np.all(np.isfinite(net.forward(X)))
    assert len(rec.extra["units"]) == len(rec.epoch)


def test_sign_output_init_steps_against_the_residual():
    # dL/dw_new = sum_p E_p V_p for the new unit's output weight (E = dL/dz of the output),
    # = C_o (the centred sum) once the output bias is trained (sum_p E_p = 0): so
    # output_init="sign", w_new = -0.4 sign(C_o), steps downhill
    X, Y = parity(3)
    net = bpnn.Network([3, 1], ["logsig"], seed=0)
    bpnn.train(net, X, Y, "lm", "mse", epochs=200, min_grad=0)
    alg = CascadeCorrelation(output_init="sign")
    E = alg.sensitivity(output_view(net), X, Y, bpnn.losses.get_loss("mse"))
    assert abs(E.sum()) < 1e-9
    act = get_activation("tansig")
    v, b = np.array([0.3, -0.7, 0.5]), 0.2
    V = act(X @ v + b)
    grown = install_unit(net, v, b, act)
    g = grown.loss_and_gradient(X, Y, "mse")[1]
    new_weight = grown.offsets[-1][0] + 3  # W_out = [x1, x2, x3, a1]: column 3 (0-based)
    assert g[new_weight] == pytest.approx(float(V @ E[:, 0]), rel=1e-10)
    assert g[new_weight] == pytest.approx(float(V @ (E[:, 0] - E[:, 0].mean())), rel=1e-6)
    rec = bpnn.train(
        bpnn.Network([3, 1], ["logsig"], seed=0),
        X,
        Y,
        "cascade",
        "mse",
        seed=0,
        max_units=1,
        output_init="sign",
    )
    assert rec.stop_reason == "max units"


def test_training_state_plot_shows_the_units():
    from bpnn.plots import plot_training_state

    X, Y = parity(3)
    net = bpnn.Network([3, 1], ["logsig"], seed=0)
    rec = bpnn.train(net, X, Y, "cascade", "mse", epochs=2000, seed=0, max_units=2)
    titles = [ax.get_title() for ax in plot_training_state(rec).axes]
    assert f"hidden units = 2 at epoch {rec.epochs}" in titles
    last_candidate = int(np.flatnonzero(np.array(rec.extra["phase"]) == 1)[-1])
    S = rec.extra["correlation"][last_candidate]
    assert f"candidate correlation = {S:.4g} at epoch {last_candidate}" in titles
