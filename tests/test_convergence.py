"""ONE table of algorithms x problems drives the convergence tests.

Every cell trains 10 seeds (Nguyen–Widrow initialisation, seed = 0..9) and must reach the
problem's goal in at least 8 of them within the cell's epoch budget. Cells that take more
than a few seconds are marked slow (run them with ``python -m pytest -m slow``); pairings
that cannot work are listed in ``UNSUITABLE`` with the reason and show up as xfail.
"""

import numpy as np
import pytest

import bpnn


def _parity3():
    X = np.array([[a, b, c] for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)], float)
    return X, -np.prod(X, axis=1, keepdims=True)  # +1 for an odd number of +1 inputs


def _sine():
    x = np.linspace(-1, 1, 41)[:, None]
    return x, np.sin(np.pi * x)


#: name -> (X, Y, sizes, activations, loss, goal, initialisation[, connections])
#: (XOR uses the tutorial's uniform(-1, 1): Nguyen-Widrow's spread-out biases leave a
#: 2-2-1 net in XOR's plateaus for most seeds). The "-cascade" rows are cascade-forward
#: networks (every layer reads the inputs and all earlier layers); Nguyen-Widrow serves
#: their XOR, and parity-3 needs one hidden layer of 10 instead of two.
PROBLEMS = {
    "xor": (
        np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float),
        np.array([[-1], [1], [1], [-1]], float),
        [2, 2, 1],
        "tansig",
        "mse",
        0.01,
        "uniform",
    ),
    "parity": (*_parity3(), [3, 10, 10, 1], "tansig", "mse", 0.001, "nguyen-widrow"),
    "sine": (*_sine(), [1, 5, 1], ["tansig", "purelin"], "mse", 0.002, "nguyen-widrow"),
    "encoder": (
        np.eye(8),
        np.eye(8),
        [8, 3, 8],
        ["tansig", "softmax"],
        "cross_entropy",
        0.05,
        "nguyen-widrow",
    ),
    "xor-cascade": (
        np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float),
        np.array([[-1], [1], [1], [-1]], float),
        [2, 2, 1],
        "tansig",
        "mse",
        0.01,
        "nguyen-widrow",
        "cascade",
    ),
    "parity-cascade": (*_parity3(), [3, 10, 1], "tansig", "mse", 0.001, "nguyen-widrow", "cascade"),
    "sine-cascade": (
        *_sine(),
        [1, 3, 3, 1],
        ["tansig", "tansig", "purelin"],
        "mse",
        0.002,
        "nguyen-widrow",
        "cascade",
    ),
}

#: algorithm -> (epoch budget, {problem: extra parameters})  -- MATLAB's defaults unless listed
ALGORITHMS = {
    "lm": (100, {}),
    "br": (300, {}),
    "scg": (300, {}),
    "cgf": (300, {}),
    "cgp": (300, {}),
    "cgb": (300, {}),
    "bfgs": (300, {}),
    "oss": (300, {}),
    "lbfgs": (300, {}),
    "rprop": (500, {}),
    "quickprop": (1000, {}),
    "gdx": (2000, {}),
    "gda": (2000, {}),
    "gdm": (1000, {p: {"lr": 0.5} for p in PROBLEMS}),
    "gd": (
        1000,
        {
            "xor": {"lr": 0.5},
            "parity": {"lr": 0.5},
            "sine": {"lr": 0.1},
            "encoder": {"lr": 0.5},
            "xor-cascade": {"lr": 0.5},
            "parity-cascade": {"lr": 0.5},
            "sine-cascade": {"lr": 0.1},
        },
    ),
    "sgd": (2000, {"parity-cascade": {"lr": 0.05}}),
    "adam": (
        2000,
        {
            "xor": {"lr": 0.2},
            "parity": {"lr": 0.03},
            "sine": {"lr": 0.03},
            "encoder": {"lr": 0.03},
            "xor-cascade": {"lr": 0.1},
            "parity-cascade": {"lr": 0.1},
            "sine-cascade": {"lr": 0.03},
        },
    ),
}

#: (algorithm, problem) -> why the pairing cannot meet the goal. "refused" pairings are
#: checked to raise ValueError; the others are run and must fail (strict xfail).
REFUSED = "cross-entropy is not a sum of squares: {} works on residuals and refuses it"
COLLAPSES = (
    "Bayesian regularisation with fewer residuals than parameters (N={} < P={}): "
    "the evidence favours the all-zero network (alpha grows without bound, "
    "gamma -> 0) and training ends at 'mu max' with MSE ~1"
)
UNSUITABLE = {
    ("lm", "encoder"): REFUSED.format("Levenberg-Marquardt"),
    ("br", "encoder"): REFUSED.format("Bayesian regularisation"),
    ("br", "xor"): COLLAPSES.format(4, 9),
    ("br", "parity"): COLLAPSES.format(8, 161),
    ("br", "xor-cascade"): COLLAPSES.format(4, 11),
    ("br", "parity-cascade"): COLLAPSES.format(8, 54),
    ("br", "sine-cascade"): (
        "Bayesian regularisation on a cascade net: after the first epochs gamma falls to ~2, "
        "the hidden weights decay to 0 and the direct input-output weights keep the best "
        "straight line (MSE 0.214, 'mu max'); measured in 7 of 10 seeds"
    ),
}

SLOW = set()  # every cell runs in the default suite (the whole table takes ~10 s)


def run_cell(algorithm, problem, seeds=range(10)):
    """Train every seed; return (number that met the goal, epochs per seed)."""
    X, Y, sizes, acts, loss, goal, init, *connections = PROBLEMS[problem]
    budget, extra = ALGORITHMS[algorithm]
    met, epochs = 0, []
    for seed in seeds:
        net = bpnn.Network(
            sizes, acts, init=init, seed=seed, connections=(connections or ["layered"])[0]
        )
        rec = bpnn.train(
            net,
            X,
            Y,
            algorithm=algorithm,
            loss=loss,
            epochs=budget,
            goal=goal,
            seed=seed,
            **extra.get(problem, {}),
        )
        met += rec.stop_reason == "goal met"
        epochs.append(rec.epochs)
    return met, epochs


def _cells():
    for alg in ALGORITHMS:
        for prob in PROBLEMS:
            marks = []
            if (alg, prob) in UNSUITABLE and "refuses" not in UNSUITABLE[alg, prob]:
                marks.append(pytest.mark.xfail(reason=UNSUITABLE[alg, prob], strict=True))
            if (alg, prob) in SLOW:
                marks.append(pytest.mark.slow)
            yield pytest.param(alg, prob, id=f"{alg}-{prob}", marks=marks)


@pytest.mark.parametrize("algorithm, problem", list(_cells()))
def test_reaches_goal_in_8_of_10_seeds(algorithm, problem):
    reason = UNSUITABLE.get((algorithm, problem), "")
    if "refuses" in reason:
        with pytest.raises(ValueError, match="not a sum of squares"):
            run_cell(algorithm, problem, seeds=[0])
        pytest.xfail(reason)  # listed, with the reason, and checked
    met, epochs = run_cell(algorithm, problem)
    assert met >= 8, f"{algorithm} on {problem}: goal met in {met}/10 seeds, epochs {epochs}"


if __name__ == "__main__":  # print the whole table: python tests/test_convergence.py
    import sys
    import time

    algs = sys.argv[1:] or list(ALGORITHMS)
    for spec in algs:
        alg, _, kw = spec.partition(":")
        if kw:  # e.g. gd:lr=0.5 to try parameters
            ALGORITHMS[alg] = (
                ALGORITHMS[alg][0],
                {
                    p: {k: float(v) for k, v in (a.split("=") for a in kw.split(","))}
                    for p in PROBLEMS
                },
            )
        for prob in PROBLEMS:
            t = time.perf_counter()
            try:
                met, ep = run_cell(alg, prob)
            except ValueError as e:
                print(f"{alg:10s} {prob:8s} refused: {e}")
                continue
            print(
                f"{alg:10s} {prob:8s} {met:2d}/10  epochs med {np.median(ep):6.0f} "
                f"max {max(ep):6d}  {time.perf_counter() - t:6.2f} s"
            )
