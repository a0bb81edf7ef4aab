"""Issue 12 ("Fidelity"): Rprop that does not stall on SIN, trainbr without validation
stops, SCG that notices a broken objective, quasi-Newton on overflowing inputs, and
``algorithm="auto"`` with parameters."""

import warnings

import numpy as np
import pytest

import bpnn


def _sine():
    x = np.linspace(-1, 1, 41)[:, None]
    return x, np.sin(np.pi * x)


# -- A. Rprop on MATLAB's SIN problem ----------------------------------------------------
@pytest.mark.parametrize("seed", [18, 20])  # the initialisations that stalled at 0.0365
def test_rprop_reaches_the_sin_goal_where_it_used_to_stall(seed):
    X, Y = _sine()
    net = bpnn.Network([1, 5, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=1000 + seed)
    rec = bpnn.train(net, X, Y, algorithm="rprop", loss="mse", epochs=500, goal=0.002, seed=seed)
    assert rec.stop_reason == "goal met", (rec.stop_reason, rec.epochs, rec.loss[-1])
    # with MATLAB's inc 1.2 the same start ends on the saddle plateau (loss ≈ 0.0365)
    net.initialize("nguyen-widrow", seed=1000 + seed)
    old = bpnn.train(
        net, X, Y, algorithm="rprop", loss="mse", epochs=500, goal=0.002, seed=seed, inc=1.2
    )
    assert old.stop_reason != "goal met" and old.loss[-1] > 0.03


# -- B. trainbr: validation is recorded but does not stop it ------------------------------
def _noisy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 1))
    return X, np.sin(3 * X) + 0.3 * rng.standard_normal((n, 1))


def test_br_runs_past_validation_failures_and_records_val_loss():
    X, Y = _noisy()
    net = bpnn.Network([1, 12, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(net, X, Y, "br", "mse", epochs=60, max_fail=2, division="random", seed=0)
    assert rec.stop_reason != "validation stop"
    assert max(rec.val_fail) >= 2  # it would have stopped on validation
    assert np.all(np.isfinite(rec.val_loss)) and len(rec.val_loss) == rec.epochs + 1
    assert np.isfinite(rec.best_val_loss)
    # the last parameters are kept (no best-validation restore)
    obj = bpnn.objective.Objective(net, "mse", X[rec.train_idx], Y[rec.train_idx])
    assert obj.value(net.params) == pytest.approx(rec.loss[-1])
    # the user can still ask for MATLAB's other behaviour
    net.initialize("nguyen-widrow", seed=0)
    forced = bpnn.train(
        net,
        X,
        Y,
        "br",
        "mse",
        epochs=60,
        max_fail=2,
        division="random",
        seed=0,
        validation_stop=True,
    )
    assert forced.stop_reason == "validation stop" and forced.epochs < rec.epochs


# -- C. loose ends --------------------------------------------------------------------------
@pytest.mark.parametrize("alg", ["bfgs", "oss"])
def test_quasi_newton_on_1e100_inputs_stops_with_a_reason(alg):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (30, 2)) * 1e100
    Y = rng.uniform(-1, 1, (30, 2))
    net = bpnn.Network([2, 4, 2], "purelin", seed=1)
    obj = bpnn.objective.Objective(net, "sse", X, Y)
    a = bpnn.get_algorithm(alg)
    w = net.params.copy()
    with np.errstate(all="ignore"):  # no ZeroDivisionError from the step
        state = a.init(obj, w)
        w2, state, info = a.step(obj, w, state)
    assert info.stop == "line search failed" and np.array_equal(w2, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rec = bpnn.train(net, X, Y, alg, "sse", epochs=5, seed=0)
    assert rec.stop_reason == "line search failed" and "ZeroDivision" not in rec.message


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_accepts_the_chosen_algorithms_parameters():
    from bpnn import BPRegressor

    X, Y = _sine()
    m = BPRegressor(
        hidden=(5,), epochs=5, random_state=0, algorithm_params={"mu": 0.01}, preset="matlab"
    )  # MATLAB's preset: lm for small nets
    m.fit(X, Y.ravel())
    assert m.algorithm_ == "lm" and m.record_.params["mu"] == 0.01
    with pytest.raises(ValueError, match=r"chose 'lm'.*\['lr'\]"):
        BPRegressor(
            hidden=(5,), epochs=5, algorithm_params={"lr": 0.1, "mu": 0.01}, preset="matlab"
        ).fit(X, Y.ravel())


# -- the benchmark reproduces its published tables -----------------------------------------
def test_benchmark_passes_inc_to_rprop(monkeypatch, tmp_path):
    # docs/training_functions.md's variant table and 2000-epoch table were made with MATLAB's
    # inc 1.2: the script must still be able to run Rprop that way (`--inc 1.2`)
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "training_functions.py"
    if not path.is_file():
        pytest.skip("benchmarks/ not in this tree")
    spec = importlib.util.spec_from_file_location("_bench_training_functions", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    seen = []
    real = bpnn.train

    def spy(net, X, Y, algorithm=None, **kw):
        seen.append((algorithm, kw.get("inc"), kw.get("variant")))
        return real(net, X, Y, algorithm=algorithm, **kw)

    monkeypatch.setattr(mod.bpnn, "train", spy)
    out = tmp_path / "t.md"
    assert (
        mod.main(
            [
                "--runs",
                "1",
                "--epochs",
                "3",
                "--repeat",
                "1",
                "--algorithms",
                "rprop",
                "lm",
                "--inc",
                "1.2",
                "--markdown",
                str(out),
            ]
        )
        == 0
    )
    assert {(a, i) for a, i, _ in seen} == {("rprop", 1.2), ("lm", None)}
    assert "rprop inc 1.2" in out.read_text(encoding="utf-8")
    seen.clear()
    assert mod.main(["--runs", "1", "--epochs", "3", "--rprop-variants", "--inc", "1.2"]) == 0
    assert {(i, v) for _, i, v in seen} == {
        (1.2, v) for v in ("rprop+", "rprop-", "irprop+", "irprop-")
    }
