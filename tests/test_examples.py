"""The examples in examples/ run and do what they claim."""

import runpy
from pathlib import Path

import numpy as np


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name):
    return runpy.run_path(str(EXAMPLES / name), run_name="example")


def test_binary_classifier_2_3_2_1():
    train_acc, test_acc = _load("binary_classifier_2_3_2_1.py")["main"]()
    assert train_acc > 0.9 and test_acc > 0.9


def test_cbpnet_predicts_in_original_units():
    mod = _load("cbpnet.py")
    pred, truth = mod["main"]()
    assert np.all(pred > 1.0)  # not the normalised [0, 1] scale
    np.testing.assert_allclose(pred, truth, rtol=0.05)


def test_cbpnet_hidden_derivative_is_elementwise():
    # the tutorial's bug made every hidden unit share one derivative factor; ours must not
    mod = _load("cbpnet.py")
    model = mod["CBpnet"](np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0]]), np.array([[0.0, 1.0, 2.0]]))
    net = model.net
    tr = net.forward_trace(model.X[:1])
    _, g = net.loss_and_gradient(model.X[:1], model.Y[:1])
    gb = net.copy()
    gb.params = g
    out = tr.n[2][0]
    d_out = (out - model.Y[0]) * out * (1 - out)
    h = tr.n[1][0]
    expected = h * (1 - h) * (net.weights[1].T @ d_out)  # one factor per hidden unit
    np.testing.assert_allclose(gb.biases[0], expected, rtol=1e-12)


def test_sunspots_nar_example():
    out = _load("sunspots_nar.py")["main"](verbose=False)
    # one step ahead: far better than the mean of the test years (NMSE 1)
    assert out["one_step_nmse_1921_1955"] < 0.2
    assert out["one_step_nmse_1956_1979"] < 0.5
    # 35 years closed loop: better than repeating 1920's value
    assert out["closed_loop_nmse_1921_1955"] < out["persistence_nmse_1921_1955"]


def test_plant_narx_example():
    out = _load("plant_narx.py")["main"](verbose=False)
    # 200 steps simulated from the input alone, on random and on sinusoidal input
    assert out["closed_loop_rmse_random"] < 0.02 * out["std_y"]
    assert out["closed_loop_rmse_sine"] < 0.02 * out["std_y"]
    assert out["fine_tuned_rmse_random"] < 0.02 * out["std_y"]
