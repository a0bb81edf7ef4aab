"""One-step tests per update rule and algorithm, with the arithmetic worked by hand.

Rules get injected states; whole-batch methods run one step on tiny objectives whose
numbers can be followed on paper (a quadratic, or a 1-1 linear network = least squares).
"""

import math

import numpy as np
import pytest
from scipy.optimize import LbfgsInvHessProduct

import bpnn
from bpnn.algorithms import ALGORITHMS, algorithm_names, get_algorithm
from bpnn.algorithms.cg import CGF, CGP
from bpnn.algorithms.lm import LMState
from bpnn.algorithms.linesearch import Line, SearchState, backtracking, wolfe
from bpnn.algorithms.quasi_newton import BFGS, OSS, two_loop
from bpnn.algorithms.rules import (
    AdamState,
    MomentumState,
    QuickpropState,
    RpropState,
    adam,
    chain,
    matlab_momentum,
    quickprop,
    rprop,
    scale,
)

#: the algorithms that step a given network (cascade-correlation grows its own)
STEP_ALGORITHMS = [n for n in algorithm_names() if not getattr(ALGORITHMS[n], "grows", False)]


class Quadratic:
    """f(w) = ½ wᵀ diag(a) w — the smallest objective the algorithms accept."""

    def __init__(self, a):
        self.a = np.asarray(a, float)
        self.weight_mask = np.ones(len(a), bool)
        self.l2, self.n_evals = 0.0, 0

    def value(self, w):
        self.n_evals += 1
        return 0.5 * float(w @ (self.a * w))

    def value_and_grad(self, w):
        return self.value(w), self.a * w


def linear_objective(loss="sse", l2=0.0):
    """y = w·x + b on (x, d) = (0, 1), (1, 3), starting at w = b = 0.

    Residuals r = y − d = (−1, −3); Jacobian rows dy/d(w, b) = (0, 1), (1, 1), so
    JᵀJ = [[1, 1], [1, 2]] and Jᵀr = (0·−1 + 1·−3, −1 − 3) = (−3, −4).
    """
    net = bpnn.Network([1, 1], "purelin", init="zeros")
    return bpnn.Objective(net, loss, [[0.0], [1.0]], [[1.0], [3.0]], l2=l2)


# -- element-wise rules ------------------------------------------------------------------
def test_matlab_momentum_one_step():
    rule = matlab_momentum(lr=0.1, mc=0.9)
    dw, s = rule.update(np.array([1.0]), MomentumState(np.array([0.2])), np.zeros(1))
    # dw = mc·dw_prev − (1 − mc)·lr·g = 0.9·0.2 − 0.1·0.1·1 = 0.18 − 0.01 = 0.17
    assert dw == pytest.approx([0.17]) and s.velocity == pytest.approx([0.17])


def test_chain_of_rules_is_a_recipe():
    # momentum is linear in lr: chain(momentum(lr=1), scale(0.1)) takes momentum(lr=0.1)'s steps
    recipe, plain = chain(matlab_momentum(1.0, 0.9), scale(0.1)), matlab_momentum(0.1, 0.9)
    sr, sp, w = recipe.init(np.zeros(2)), plain.init(np.zeros(2)), np.zeros(2)
    for g in ([1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]):
        dr, sr = recipe.update(np.array(g), sr, w)
        dp, sp = plain.update(np.array(g), sp, w)
        assert dr == pytest.approx(dp)
    # first step by hand: −(1 − 0.9)·1·(1, −2) = (−0.1, 0.2), scaled by 0.1
    first, _ = recipe.update(np.array([1.0, -2.0]), recipe.init(w), w)
    assert first == pytest.approx([-0.01, 0.02])


def test_adam_one_step():
    rule = adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)
    dw, s = rule.update(
        np.array([0.5]), AdamState(np.array([0.1]), np.array([0.01]), 1.0), np.zeros(1)
    )
    # m = 0.9·0.1 + 0.1·0.5 = 0.14;  v = 0.999·0.01 + 0.001·0.25 = 0.01024;  t = 2
    # m̂ = 0.14/(1 − 0.9²) = 0.736842;  v̂ = 0.01024/(1 − 0.999²) = 5.122561;  √v̂ = 2.263308
    # dw = −0.001·0.736842/2.263308 = −3.255599e-4
    assert (s.m[0], s.v[0], s.t) == pytest.approx((0.14, 0.01024, 2.0))
    assert dw[0] == pytest.approx(-3.255599e-4, rel=1e-6)


# three weights: same sign (g·g_prev = 2 > 0), a sign change (−3 < 0), no history (g_prev 0)
RP_STATE = RpropState(
    step=np.array([0.1, 0.2, 0.3]),
    prev_grad=np.array([1.0, 1.0, 0.0]),
    prev_delta=np.array([-0.05, -0.3, 0.0]),
    prev_loss=1.0,
)
RP_G = np.array([2.0, -3.0, 4.0])


@pytest.mark.parametrize(
    "variant, loss, dw1, g1",
    [
        # weight 1 changes sign: its step shrinks 0.2·0.5 = 0.1 and then
        ("rprop-", 2.0, +0.1, -3.0),  # steps anyway: −sign(−3)·0.1 = +0.1, keeps g
        ("rprop+", 2.0, +0.3, 0.0),  # reverts the last step: −(−0.3) = +0.3, forgets g
        ("irprop-", 2.0, 0.0, 0.0),  # does not step, forgets g
        ("irprop+", 2.0, +0.3, 0.0),  # error rose (2.0 > 1.0): reverts like Rprop+
        ("irprop+", 0.5, 0.0, 0.0),  # error fell (0.5 < 1.0): no revert, no step
    ],
)
def test_rprop_variants_one_step(variant, loss, dw1, g1):
    rule = rprop(variant, delta0=0.07, inc=1.2, dec=0.5, delta_max=50.0, delta_min=0.0)
    dw, s = rule.update(RP_G, RP_STATE, np.zeros(3), loss=loss)
    # weight 0: step 0.1·1.2 = 0.12, dw = −sign(2)·0.12;  weight 2: step stays 0.3, dw = −0.3
    assert s.step == pytest.approx([0.12, 0.1, 0.3])
    assert dw == pytest.approx([-0.12, dw1, -0.3])
    assert s.prev_grad == pytest.approx([2.0, g1, 4.0])
    assert s.prev_loss == loss and np.array_equal(s.prev_delta, dw)


def test_rprop_step_bounds():
    rule = rprop("rprop-", 0.07, 1.2, 0.5, delta_max=0.1, delta_min=0.05)
    st = RpropState(np.array([0.09, 0.06]), np.array([1.0, 1.0]), np.zeros(2), 1.0)
    dw, s = rule.update(np.array([1.0, -1.0]), st, np.zeros(2))
    # 0.09·1.2 = 0.108 → capped at 0.1;  0.06·0.5 = 0.03 → floored at 0.05
    assert s.step == pytest.approx([0.1, 0.05]) and dw == pytest.approx([-0.1, 0.05])


def test_quickprop_one_step():
    rule = quickprop(lr=0.5, mu=1.75)  # shrink = 1.75/2.75 = 0.636364
    st = QuickpropState(
        prev_grad=np.array([-1.0, -1.0, 0.5, 0.4]), prev_delta=np.array([0.1, 0.1, 0.0, -0.2])
    )
    dw, s = rule.update(np.array([-0.5, -0.9, 0.2, 0.1]), st, np.zeros(4))
    # w0: slope along the step 0.5 > 0 → −lr·g = 0.25; 0.5 ≤ 0.636·1.0 → parabola
    #     0.1·(−0.5)/(−1.0 + 0.5) = 0.1;  dw = 0.35
    # w1: 0.9 > 0.636 → too flat: μ·dw = 0.175, plus −lr·g = 0.45;  dw = 0.625
    # w2: no previous step → gradient step −0.5·0.2 = −0.1
    # w3: step was negative, slope along it g = 0.1 > 0 → −lr·g = −0.05; 0.1 ≤ 0.636·0.4
    #     → parabola −0.2·0.1/(0.4 − 0.1) = −0.066667;  dw = −0.116667
    assert dw == pytest.approx([0.35, 0.625, -0.1, -0.116667], abs=1e-6)
    assert np.array_equal(s.prev_delta, dw) and s.prev_grad == pytest.approx([-0.5, -0.9, 0.2, 0.1])


# -- adaptive learning rate (gda, gdx) on f = ½(w₀² + 4w₁²), w = (1, 2): f = 8.5, g = (1, 8)
@pytest.mark.parametrize(
    "lr, w_new, lr_new",
    [
        (0.1, [0.9, 1.2], 0.105),  # f(0.9, 1.2) = ½(0.81 + 5.76) = 3.285 < 8.5: keep, lr·1.05
        (0.6, [1.0, 2.0], 0.42),  # f(0.4, −2.8) = 15.76 > 8.5·1.04: discard, lr·0.7
    ],
)
def test_gda_one_step(lr, w_new, lr_new):
    alg = get_algorithm("traingda", lr=lr)
    w = np.array([1.0, 2.0])
    w2, s, info = alg.step(Quadratic([1, 4]), w, alg.init(None, w))
    assert w2 == pytest.approx(w_new) and s.lr == pytest.approx(lr_new) and info.lr == lr


def test_gdx_one_step_with_momentum():
    alg = get_algorithm("traingdx", lr=0.1)
    w = np.array([1.0, 2.0])
    st = alg.init(None, w)._replace(velocity=np.array([0.1, 0.0]))
    w2, s, info = alg.step(Quadratic([1, 4]), w, st)
    # dw = 0.9·(0.1, 0) − 0.1·0.1·(1, 8) = (0.08, −0.08); f(1.08, 1.92) = 7.956 < 8.5: keep
    assert w2 == pytest.approx([1.08, 1.92]) and s.lr == pytest.approx(0.105)
    assert info.loss == pytest.approx(0.5 * (1.08**2 + 4 * 1.92**2))


# -- Levenberg–Marquardt and Bayesian regularisation ----------------------------------------
def test_lm_one_step_on_least_squares():
    obj = linear_objective("sse")
    alg = get_algorithm("trainlm", mu=1.0)
    w, s, info = alg.step(obj, np.zeros(2), alg.init(obj, np.zeros(2)))
    # (JᵀJ + μI)δ = −Jᵀr:  [[2, 1], [1, 3]]·δ = (3, 4)  →  δ = (9 − 4, 8 − 3)/5 = (1, 1)
    # outputs (1, 2), residuals (0, −1): sse = ½ < 5 = ½(1 + 9): accepted, μ → 0.1
    assert w == pytest.approx([1.0, 1.0]) and s.mu == pytest.approx(0.1)
    assert info.loss == pytest.approx(0.5) and info.mu == 1.0
    assert info.grad_norm == pytest.approx(5.0)  # |Jᵀr| = |(−3, −4)| = 5 (2c = 1 for sse)


def test_lm_weight_decay_enters_the_system():
    obj = linear_objective("sse", l2=2.0)
    alg = get_algorithm("lm", mu=1.0)
    w, _, _ = alg.step(obj, np.zeros(2), alg.init(obj, np.zeros(2)))
    # λ = l2/(2c) = 2 on the weight only: [[1+2+1, 1], [1, 2+1]]·δ = (3, 4)
    # det = 11: δ = ((3·3 − 1·4)/11, (4·4 − 1·3)/11) = (5/11, 13/11)
    assert w == pytest.approx([5 / 11, 13 / 11])


def test_lm_mse_gives_the_same_step_as_sse():
    # dividing the system by 2c makes μ independent of the loss normalisation (as MATLAB)
    steps = []
    for loss in ("sse", "mse"):
        obj, alg = linear_objective(loss), get_algorithm("lm", mu=1.0)
        steps.append(alg.step(obj, np.zeros(2), alg.init(obj, np.zeros(2)))[0])
    assert steps[0] == pytest.approx(steps[1])


class Uphill(Quadratic):
    """A residual objective whose every trial step looks worse: LM must reject them all."""

    def residual_scale(self):
        return 0.5

    def gauss_newton(self, w, chunk_rows=None):
        return float(w @ w), np.eye(w.size), w.copy()

    def value(self, w):
        return 1e9


def test_lm_rejects_loss_raising_steps_until_mu_max():
    alg = get_algorithm("lm", mu=1.0, mu_inc=10.0, mu_max=100.0, chunk_rows=1)
    w = np.array([1.0, 2.0])
    w2, s, info = alg.step(Uphill([1, 1]), w, LMState(1.0))
    # trials at μ = 1, 10, 100 all raise the loss; μ = 1000 > μ_max → stop, w unchanged
    assert np.array_equal(w2, w) and info.stop == "mu max" and s.mu == pytest.approx(1000.0)


def test_lm_stops_with_mu_max_in_the_record():
    net = bpnn.Network([1, 1], "purelin", init="zeros")
    alg = get_algorithm("lm", mu=1.0, mu_max=100.0)
    rec = bpnn.Trainer(alg, epochs=5).run(_uphill_obj(net))
    assert rec.stop_reason == "mu max" and rec.epochs == 1 and rec.mu[-1] == pytest.approx(1000)


def _uphill_obj(net):
    obj = bpnn.Objective(net, "sse", [[0.0]], [[1.0]])
    obj.value = lambda w: 1e9 if np.any(w != 0) else 0.5  # every move looks worse
    return obj


@pytest.mark.parametrize("name", ["lm", "br"])
def test_residual_methods_refuse_cross_entropy(name):
    net = bpnn.Network([2, 2, 2], ["tansig", "softmax"], seed=0)
    with pytest.raises(ValueError, match="not a sum of squares.*set loss='mse'"):
        bpnn.train(net, np.eye(2), np.eye(2), algorithm=name, loss="cross_entropy", epochs=1)


def test_br_one_step_and_reestimation():
    obj = linear_objective("sse")
    alg = get_algorithm("trainbr", mu=1.0)
    st = alg.init(obj, np.zeros(2))
    # ssX = 0 → α = 1; γ = P = 2 is not < N = 2 residuals → β = 1
    assert (st.alpha, st.beta, st.gamma) == (1.0, 1.0, 2.0)
    w, s, info = alg.step(obj, np.zeros(2), st)
    # (βJᵀJ + (μ + α)I)δ = −(βJᵀr + αw):  [[3, 1], [1, 4]]·δ = (3, 4)  →  δ = (8, 9)/11
    assert w == pytest.approx([8 / 11, 9 / 11])
    # residuals (9/11 − 1, 17/11 − 3) = (−2, −16)/11: E_D = 260/121, E_W = 145/121
    # γ = 2 − α·tr((JᵀJ + I)⁻¹) = 2 − tr([[3, −1], [−1, 2]]/5) = 2 − 1 = 1
    # α = γ/(2E_W) = 121/290;  β = (N − γ)/(2E_D) = 121/520;  μ → 0.1
    assert s.gamma == pytest.approx(1.0)
    assert (s.alpha, s.beta, s.mu) == pytest.approx((121 / 290, 121 / 520, 0.1))
    assert info.loss == pytest.approx(0.5 * 260 / 121) and info.extra["gamma"] == s.gamma


def test_br_records_effective_parameters_and_refuses_l2():
    x = np.linspace(-1, 1, 41)[:, None]
    net = bpnn.Network([1, 5, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=0)
    rec = bpnn.train(net, x, np.sin(np.pi * x), algorithm="br", loss="mse", epochs=30)
    gam = np.array(rec.extra["gamma"])
    assert len(gam) == rec.epochs and np.all((gam > 0) & (gam <= net.n_params))
    with pytest.raises(ValueError, match="l2 must be 0"):
        bpnn.train(net, x, np.sin(np.pi * x), algorithm="br", l2=0.1, epochs=1)


# -- scaled conjugate gradient ----------------------------------------------------------
def test_scg_first_step_is_the_exact_line_minimum_on_a_quadratic():
    obj, alg = Quadratic([1, 4]), get_algorithm("trainscg")
    w = np.array([1.0, 1.0])
    st = alg.init(obj, w)
    w1, st1, _info = alg.step(obj, w, st)
    # p = r = −g = (−1, −4), |p|² = 17; s = A·p = (−1, −16) (the difference quotient is
    # exact for a quadratic); δ = pᵀs + λ|p|² = 65 + 8.5e-6; μ = pᵀr = 17; α = μ/δ
    alpha = 17 / (65 + 5e-7 * 17)
    assert w1 == pytest.approx([1 - alpha, 1 - 4 * alpha], rel=1e-7)
    # Δ = 2δ(f − f_new)/μ² ≈ 1 ≥ 0.75 → λ/4
    assert st1.lam == pytest.approx(5e-7 / 4) and st1.success
    # a second step along the conjugate direction reaches the minimum of a 2-D quadratic
    w2, _, _ = alg.step(obj, w1, st1)
    assert np.abs(w2).max() < 1e-5


# -- conjugate gradient, quasi-Newton ---------------------------------------------------
def test_cg_betas_by_hand():
    g_prev, g = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    assert CGF().beta(g, g_prev) == pytest.approx(0.5)  # g·g/g_prev·g_prev = 0.5/1
    assert CGP().beta(g, g_prev) == pytest.approx(0.0)  # (0.5, 0.5)·(−0.5, 0.5) = 0


def test_cgf_direction_from_injected_state():
    g, y = np.array([0.5, 0.5]), np.array([-0.5, 0.5])  # g_prev = g − y = (1, 0)
    st = SearchState(1.0, g, np.array([-1.0, 0.0]), y, 0.1, -1.0, 1.0, {"restart": None})
    d, _ = CGF().direction(st, n_params=10)
    assert d == pytest.approx([-0.5 - 0.5, -0.5])  # −g + 0.5·d_prev


def test_bfgs_update_satisfies_the_secant_equation():
    s, y = np.array([0.3, -0.1, 0.2]), np.array([0.5, 0.1, 0.4])
    H = BFGS().remember({"H": np.zeros((0, 0))}, s, y)["H"]
    assert H @ y == pytest.approx(s) and np.allclose(H, H.T)
    assert np.all(np.linalg.eigvalsh(H) > 0)


def test_oss_direction_is_one_bfgs_update_of_the_identity():
    g, s, y = np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1, 0.2]), np.array([0.5, 0.1, 0.4])
    rho = 1 / (y @ s)
    H = (np.eye(3) - rho * np.outer(s, y)) @ (np.eye(3) - rho * np.outer(y, s)) + rho * np.outer(
        s, s
    )
    st = SearchState(1.0, g, s / 0.5, y, 0.5, -1.0, 1.0, {"restart": None})
    d, _ = OSS().direction(st, n_params=3)
    assert d == pytest.approx(-H @ g)


def test_two_loop_matches_scipy():
    rng = np.random.default_rng(0)
    S = rng.normal(size=(4, 6))
    Y = S @ np.diag(rng.uniform(0.5, 2, 6)) + 0.01 * rng.normal(size=(4, 6))  # yᵀs > 0
    g = rng.normal(size=6)
    assert two_loop(g, S, Y, gamma=1.0) == pytest.approx(LbfgsInvHessProduct(S, Y).matvec(g))


# -- line searches ------------------------------------------------------------------------
class Rosenbrock:
    def value(self, w):
        return float((1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2)

    def value_and_grad(self, w):
        g = np.array([-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2), 200 * (w[1] - w[0] ** 2)])
        return self.value(w), g


@pytest.mark.parametrize("a0", [1e-4, 1e-3, 1.0])
def test_wolfe_search_meets_strong_wolfe(a0):
    obj, w = Rosenbrock(), np.array([-1.2, 1.0])
    f0, g0 = obj.value_and_grad(w)
    d = -g0
    res = wolfe(Line(obj, w, d), f0, float(g0 @ d), a0=a0, c1=1e-4, c2=0.1)
    assert res.a > 0
    assert res.f <= f0 + 1e-4 * res.a * (g0 @ d)  # sufficient decrease
    assert abs(res.g @ d) <= 0.1 * abs(g0 @ d)  # curvature
    assert res.f == pytest.approx(obj.value(w + res.a * d))


def test_backtracking_meets_armijo_and_shrinks():
    obj, w = Rosenbrock(), np.array([-1.2, 1.0])
    f0, g0 = obj.value_and_grad(w)
    d = -g0
    res = backtracking(Line(obj, w, d), f0, float(g0 @ d), a0=1.0, c1=1e-3)
    assert 0 < res.a < 1 and res.f <= f0 + 1e-3 * res.a * (g0 @ d)
    assert res.g == pytest.approx(obj.value_and_grad(w + res.a * d)[1])


class Pit(Quadratic):
    """Reports a downhill gradient, but every move raises the loss (a numerical minimum)."""

    def value(self, w):
        return 0.0 if np.all(w == 1.0) else 1.0

    def value_and_grad(self, w):
        return self.value(w), np.ones_like(w)


@pytest.mark.parametrize("name", ["cgf", "bfgs", "lbfgs"])
def test_line_search_methods_stop_when_no_descent_is_possible(name):
    obj, alg = Pit([1.0, 1.0]), get_algorithm(name)
    w = np.ones(2)
    w2, _, info = alg.step(obj, w, alg.init(obj, w))
    assert info.stop == "line search failed" and np.array_equal(w2, w)


# -- the registry, MATLAB names and defaults ------------------------------------------------
MATLAB = {
    "trainlm": "lm",
    "trainbr": "br",
    "trainscg": "scg",
    "traincgf": "cgf",
    "traincgp": "cgp",
    "traincgb": "cgb",
    "trainbfg": "bfgs",
    "trainoss": "oss",
    "trainrp": "rprop",
    "traingd": "gd",
    "traingdm": "gdm",
    "traingda": "gda",
    "traingdx": "gdx",
}


@pytest.mark.parametrize("alias, name", MATLAB.items())
def test_matlab_aliases(alias, name):
    assert get_algorithm(alias).name == name and ALGORITHMS[alias] is ALGORITHMS[name]


def test_matlab_defaults():
    lm = get_algorithm("trainlm")
    assert (lm.mu, lm.mu_dec, lm.mu_inc, lm.mu_max) == (1e-3, 0.1, 10.0, 1e10)
    assert get_algorithm("trainbr").mu == 5e-3
    rp = get_algorithm("trainrp")
    # MATLAB's but the variant and inc (1.2 stalls on SIN: docs/training_functions.md)
    assert (rp.delta0, rp.inc, rp.dec, rp.delta_max, rp.variant) == (
        0.07,
        1.1,
        0.5,
        50.0,
        "irprop+",
    )
    gdx = get_algorithm("traingdx")
    assert (gdx.lr, gdx.mc, gdx.lr_inc, gdx.lr_dec, gdx.max_perf_inc) == (
        0.01,
        0.9,
        1.05,
        0.7,
        1.04,
    )
    scg = get_algorithm("trainscg")
    assert (scg.sigma, scg.lam) == (5e-5, 5e-7)
    assert lm.default_min_grad == 1e-7 and scg.default_min_grad == 1e-6


@pytest.mark.parametrize(
    "name, bad",
    [
        ("lm", {"mu": -1}),
        ("lm", {"mu_dec": 2.0}),
        ("rprop", {"variant": "rprop*"}),
        ("gdm", {"mc": 1.0}),
        ("lbfgs", {"m": 0}),
        ("cgf", {"line_search": "exact"}),
        ("adam", {"lr": 0}),
        ("scg", {"nesterov": True}),
    ],
)
def test_bad_parameters_are_refused(name, bad):
    with pytest.raises(ValueError):
        get_algorithm(name, **bad)


# -- every algorithm: serialisable state, resumable, L2 and sample weights honoured --------
def _xor_problem():
    X = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float)
    return X, np.array([[-1], [1], [1], [-1]], float)


def _is_plain(tree):
    if isinstance(tree, np.ndarray):
        return tree.dtype.kind in "biuf"
    if tree is None or isinstance(tree, (bool, int, float, str, np.generic)):
        return True
    if isinstance(tree, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in tree.items())
    if isinstance(tree, (tuple, list)):
        return all(_is_plain(v) for v in tree)
    return False


@pytest.mark.parametrize("name", STEP_ALGORITHMS)
def test_state_is_plain_data_and_resuming_from_it_is_exact(name):
    from bpnn.checkpoint import decode_tree, encode_tree

    X, Y = _xor_problem()
    kw = {"batch_size": 2} if name == "sgd" else {}
    net = bpnn.Network([2, 3, 1], "tansig", seed=1)
    obj = bpnn.Objective(net, "mse", X, Y)
    alg = get_algorithm(name, **kw)
    w = net.params.copy()
    st = alg.init(obj, w)
    for _ in range(3):
        w, st, _ = alg.step(obj, w, st)
    assert _is_plain(st), f"{name} state holds something other than arrays and numbers"
    arrays = []
    node = encode_tree(st, arrays)
    fresh = get_algorithm(name, **kw)
    fresh.init(obj, w)
    st2 = decode_tree(node, arrays, st)
    wa, wb, sa, sb = w, w.copy(), st, st2
    for _ in range(3):
        wa, sa, _ = alg.step(obj, wa, sa)
        wb, sb, _ = fresh.step(obj, wb, sb)
    assert np.array_equal(wa, wb)


@pytest.mark.parametrize("name", [n for n in STEP_ALGORITHMS if n != "br"])
def test_l2_weight_decay_shrinks_the_weights(name):
    X, Y = _xor_problem()
    norms = []
    for l2 in (0.0, 0.5):
        net = bpnn.Network([2, 4, 1], "tansig", seed=3)
        kw = {"lr": 0.05} if name in ("gd", "gdm", "sgd") else {}
        bpnn.train(net, X, Y, algorithm=name, loss="mse", l2=l2, epochs=60, seed=0, **kw)
        norms.append(np.linalg.norm(net.params[net.weight_mask]))
    assert norms[1] < norms[0]


@pytest.mark.parametrize("name", ["lm", "scg", "rprop", "bfgs"])
def test_sample_weights_equal_repeated_rows(name):
    # weight 2 on a row is the same objective as that row given twice
    X, Y = _xor_problem()
    a = bpnn.Network([2, 3, 1], "tansig", seed=2)
    b = a.copy()
    bpnn.train(
        a, X, Y, algorithm=name, loss="sse", epochs=5, sample_weight=[2, 1, 1, 1], shuffle=False
    )
    bpnn.train(
        b,
        np.vstack([X[:1], X]),
        np.vstack([Y[:1], Y]),
        algorithm=name,
        loss="sse",
        epochs=5,
        shuffle=False,
    )
    np.testing.assert_allclose(a.params, b.params, rtol=1e-7, atol=1e-9)


def test_unknown_algorithm_lists_the_names():
    with pytest.raises(ValueError, match="trainlm|lm"):
        get_algorithm("levenberg")
    assert math.isfinite(len(algorithm_names())) and {
        "lm",
        "br",
        "scg",
        "lbfgs",
        "adam",
        "quickprop",
    } <= set(algorithm_names())


# -- against independent references ---------------------------------------------------------
@pytest.mark.parametrize(
    "name, iters",
    [
        ("scg", 400),
        ("cgf", 400),
        ("cgp", 200),
        ("cgb", 200),
        ("bfgs", 100),
        ("oss", 400),
        ("lbfgs", 100),
    ],
)
def test_whole_batch_methods_find_scipys_rosenbrock_minimum(name, iters):
    from scipy.optimize import minimize, rosen, rosen_der

    ref = minimize(rosen, [-1.2, 1.0], jac=rosen_der, method="BFGS", tol=1e-10).x
    obj, alg, w = Rosenbrock(), get_algorithm(name), np.array([-1.2, 1.0])
    st = alg.init(obj, w)
    for _ in range(iters):
        w, st, info = alg.step(obj, w, st)
        if info.stop or info.grad_norm < 1e-8:
            break
    assert w == pytest.approx(ref, abs=1e-4)


def test_lm_solves_linear_least_squares_like_lstsq():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    Y = X @ np.array([[0.5], [-1.0], [2.0]]) + 0.3 + 0.1 * rng.normal(size=(50, 1))
    net = bpnn.Network([3, 1], "purelin", init="zeros")
    bpnn.train(net, X, Y, algorithm="lm", loss="mse", epochs=20)
    coef, *_ = np.linalg.lstsq(np.hstack([X, np.ones((50, 1))]), Y, rcond=None)
    assert net.params == pytest.approx(coef.ravel(), abs=1e-6)  # [w1, w2, w3, b]


def test_lm_solves_with_one_blas_thread_and_puts_the_count_back():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy.linalg  # noqa: F401  (loads the BLAS the solves use)

    from bpnn.algorithms import lm

    def blas_threads():
        return [
            i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"
        ]

    if not blas_threads():
        pytest.skip("no BLAS library that threadpoolctl can see")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        if max(before) < 2:
            pytest.skip("the BLAS library runs one thread only: nothing to set and put back")
        with lm._small_solve_context(50):
            assert set(blas_threads()) == {1}
        assert blas_threads() == before
        # two solves whose contexts overlap (fits in two threads) put the count back too
        a, b = lm._small_solve_context(50), lm._small_solve_context(50)
        a.__enter__()
        b.__enter__()
        a.__exit__(None, None, None)
        b.__exit__(None, None, None)
        assert blas_threads() == before
        with lm._small_solve_context(5000):  # large systems keep the threads
            assert blas_threads() == before
        A = np.array([[4.0, 1.0], [1.0, 3.0]])
        x = lm._solve(A, np.array([1.0, 2.0]), 0.0)
        np.testing.assert_allclose(A @ x, [1.0, 2.0])
        assert blas_threads() == before
