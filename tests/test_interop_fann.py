"""FANN .net files: the parser and the writer (without FANN), and round trips with libfann.

The fixtures are written here in FANN 2.1's format; expected outputs are worked by hand
from FANN's formulas (v = steepness * sum, FANN_SIGMOID 1 / (1 + e^(-2v)),
FANN_SIGMOID_SYMMETRIC tanh(v), FANN_LINEAR v). The libfann tests (skipped when
libdoublefann is not installed) let FANN write and run networks through ctypes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import inspect
import math
from pathlib import Path

import numpy as np
import pytest

import bpnn
from bpnn.cli import main
from bpnn.interop.fann import (
    FANN_ACTIVATIONS,
    FannFileError,
    fann_text,
    import_fann,
    read_fann,
    write_fann,
)

#: one network (the default division "cv" averages six on small data; a .net holds one)
ONE = dict(division="refit")
#: a classifier's hidden layers as FANN has them (the default classifier's ReLU it has not)
TANSIG = dict(activation="tansig")

# The training settings FANN writes before the structure (bpnn reads none of them).
SETTINGS = """learning_rate=0.700000
connection_rate={rate}
network_type={kind}
learning_momentum=0.000000
training_algorithm=2
train_error_function=1
train_stop_function=0
cascade_output_change_fraction=0.010000
quickprop_decay=-0.000100
quickprop_mu=1.750000
rprop_increase_factor=1.200000
rprop_decrease_factor=0.500000
rprop_delta_min=0.000000
rprop_delta_max=50.000000
rprop_delta_zero=0.100000
cascade_output_stagnation_epochs=12
cascade_candidate_change_fraction=0.010000
cascade_candidate_stagnation_epochs=12
cascade_max_out_epochs=150
cascade_min_out_epochs=50
cascade_max_cand_epochs=150
cascade_min_cand_epochs=50
cascade_num_candidate_groups=2
bit_fail_limit=3.49999999999999977796e-01
cascade_candidate_limit=1.00000000000000000000e+03
cascade_weight_multiplier=4.00000000000000022204e-01
cascade_activation_functions_count=10
cascade_activation_functions=3 5 7 8 10 11 14 15 16 17 
cascade_activation_steepnesses_count=4
cascade_activation_steepnesses=2.50000000000000000000e-01 5.00000000000000000000e-01 7.50000000000000000000e-01 1.00000000000000000000e+00 
"""  # noqa: E501, W291 - FANN's own lines, ending with a space
NEURONS = "neurons (num_inputs, activation_function, activation_steepness)="
CONNECTIONS = "connections (connected_to_neuron, weight)="
ZERO = "(0, 0, 0.00000000000000000000e+00) "


def net_text(sizes, neurons, connections, *, rate="1.000000", kind=0, scale=None):
    """A .net file as FANN 2.1 writes it; ``scale``: the eight scale_* lines or None."""
    lines = ["FANN_FLO_2.1", f"num_layers={len(sizes)}"]
    lines += SETTINGS.format(rate=rate, kind=kind).splitlines()
    lines.append("layer_sizes=" + "".join(f"{s} " for s in sizes))
    lines.append("scale_included=0" if scale is None else "scale_included=1")
    lines += scale or []
    lines.append(NEURONS + neurons)
    lines.append(CONNECTIONS + connections)
    return "\n".join(lines) + "\n"


# 2 inputs -> 2 FANN_SIGMOID_SYMMETRIC (steepness 0.5 and 1) -> 1 FANN_LINEAR (steepness 2).
# Neurons 0, 1 inputs, 2 the input bias; 3, 4 hidden, 5 their bias; 6 output, 7 unused bias.
HAND = net_text(
    [3, 3, 2],
    ZERO * 3 + "(3, 5, 5.0e-01) (3, 5, 1.0e+00) " + ZERO + "(3, 0, 2.0e+00) " + ZERO,
    "(0, 0.5) (1, -0.25) (2, 0.1) (0, 1.0) (1, 1.0) (2, -2.0) (3, 1.5) (4, -1.0) (5, 0.25) ",
)
# The line of each key in HAND: 1 header, 2 num_layers, 3..32 settings, then
LAYER_SIZES_LINE, NEURONS_LINE, CONNECTIONS_LINE = 33, 35, 36


def hand_expected(x1, x2):
    # hidden 3: sum = 0.5 x1 - 0.25 x2 + 0.1, v = 0.5 sum, value tanh(v)
    h3 = math.tanh(0.5 * (0.5 * x1 - 0.25 * x2 + 0.1))
    # hidden 4: sum = x1 + x2 - 2, steepness 1
    h4 = math.tanh(1.0 * (x1 + x2 - 2.0))
    # output: linear, v = 2 * (1.5 h3 - h4 + 0.25)
    return 2.0 * (1.5 * h3 - 1.0 * h4 + 0.25)


def write(tmp_path, text, name="x.net"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_hand_network(tmp_path):
    model = import_fann(write(tmp_path, HAND))
    assert isinstance(model, bpnn.BPRegressor)
    assert model.network_.sizes == [2, 2, 1]
    assert [a.name for a in model.network_.activations] == ["tansig", "purelin"]
    # x = (1, 2): h3 = tanh(0.5 * 0.1) = tanh(0.05) = 0.0499584, h4 = tanh(1) = 0.7615942,
    # y = 2 * (1.5 * 0.0499584 - 0.7615942 + 0.25) = -0.8733132
    assert model.predict([[1.0, 2.0]])[0] == pytest.approx(-0.8733131870378899, abs=1e-15)
    X = np.random.default_rng(0).normal(size=(7, 2)) * 3
    want = [hand_expected(*x) for x in X]
    np.testing.assert_allclose(model.predict(X), want, rtol=0, atol=1e-14)


def test_steepness_folded_into_the_weights(tmp_path):
    net = import_fann(write(tmp_path, HAND)).network_
    # neuron 3: steepness 0.5 times (0.5, -0.25 | 0.1); neuron 4: steepness 1
    np.testing.assert_array_equal(net.weights[0], [[0.25, -0.125], [1.0, 1.0]])
    np.testing.assert_array_equal(net.biases[0], [0.05, -2.0])
    # output: steepness 2 times (1.5, -1.0 | 0.25)
    np.testing.assert_array_equal(net.weights[1], [[3.0, -2.0]])
    np.testing.assert_array_equal(net.biases[1], [0.5])


# 1 input -> 1 FANN_SIGMOID (steepness 0.5) -> 1 FANN_LINEAR, with scale parameters:
# inputs  ((x - 1) / 2 + 1) * 1 + (-1) = (x - 1) / 2,
# outputs y = ((y' - (-1)) / 0.5 - 1) * 4 + 10 (fann_descale_output).
SCALED = net_text(
    [2, 2, 2],
    ZERO * 2 + "(2, 3, 5.0e-01) " + ZERO + "(2, 0, 1.0e+00) " + ZERO,
    "(0, 2.0) (1, -1.0) (2, 3.0) (3, 0.5) ",
    scale=[
        "scale_mean_in=1.000000 ",
        "scale_deviation_in=2.000000 ",
        "scale_new_min_in=-1.000000 ",
        "scale_factor_in=1.000000 ",
        "scale_mean_out=10.000000 ",
        "scale_deviation_out=4.000000 ",
        "scale_new_min_out=-1.000000 ",
        "scale_factor_out=0.500000 ",
    ],
)


def test_scale_parameters_become_the_maps(tmp_path):
    model = import_fann(write(tmp_path, SCALED))
    # x = 3: x' = (3 - 1) / 2 = 1; hidden sum = 2 * 1 - 1 = 1, v = 0.5,
    # h = 1 / (1 + e^(-2 * 0.5)) = 0.7310586; y' = 3 h + 0.5 = 2.6931757;
    # y = ((2.6931757 + 1) / 0.5 - 1) * 4 + 10 = 35.5454059
    h = 1.0 / (1.0 + math.exp(-1.0))
    want = ((3.0 * h + 0.5 + 1.0) / 0.5 - 1.0) * 4.0 + 10.0
    assert want == pytest.approx(35.54540588712012, abs=1e-12)
    assert model.predict([[3.0]])[0] == pytest.approx(want, abs=1e-13)
    assert model.network_.activations[0].name == "logsig"  # k = 2 times steepness 0.5: 1
    np.testing.assert_array_equal(model.input_map_.scale_, [0.5])
    np.testing.assert_array_equal(model.input_map_.offset_, [-0.5])


def test_zero_deviation_leaves_a_column_as_it_is(tmp_path):
    text = SCALED.replace("scale_deviation_in=2.000000", "scale_deviation_in=0.000000")
    model = import_fann(write(tmp_path, text))
    h = 1.0 / (1.0 + math.exp(-(2.0 * 3.0 - 1.0)))  # x' = x = 3 (FANN skips the column)
    assert model.predict([[3.0]])[0] == pytest.approx(((3 * h + 1.5) / 0.5 - 1) * 4 + 10)


def test_sparse_network_gets_zero_weights(tmp_path):
    # connection_rate 0.5: neuron 3 reads x0 and the bias only, 4 reads x1 and the bias,
    # the output reads neuron 3 and the bias (not 4)
    text = net_text(
        [3, 3, 2],
        ZERO * 3 + "(2, 5, 1.0e+00) (2, 5, 1.0e+00) " + ZERO + "(2, 0, 1.0e+00) " + ZERO,
        "(0, 0.5) (2, 0.1) (1, -1.5) (2, 0.2) (3, 2.0) (5, -0.3) ",
        rate="0.500000",
    )
    model = import_fann(write(tmp_path, text))
    np.testing.assert_array_equal(model.network_.weights[0], [[0.5, 0.0], [0.0, -1.5]])
    np.testing.assert_array_equal(model.network_.weights[1], [[2.0, 0.0]])
    # y = 2 tanh(0.5 x0 + 0.1) - 0.3 at x0 = 1 (x1 plays no part through neuron 4)
    assert model.predict([[1.0, 5.0]])[0] == pytest.approx(2 * math.tanh(0.6) - 0.3, abs=1e-15)


def test_saves_reports_exports(tmp_path):
    model = import_fann(write(tmp_path, HAND))
    bpnn.save(model, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    X = np.random.default_rng(1).normal(size=(5, 2))
    np.testing.assert_array_equal(back.predict(X), model.predict(X))
    src = bpnn.export.export_python(model)
    ns: dict = {}
    exec(compile(src, "exported", "exec"), ns)  # the module bpnn itself generated
    np.testing.assert_allclose(ns["predict"](X), model.predict(X), atol=1e-14)


@pytest.mark.parametrize(
    "change, line, words",
    [
        (("FANN_FLO_2.1", "FANN_FIX_2.1"), 1, "fixed-point"),
        (("FANN_FLO_2.1", "FANN_FLO_1.1"), 1, "not a version"),
        (("FANN_FLO_2.1", "hello"), 1, "not a FANN network file"),
        (("layer_sizes=3 3 2", "layer_sizes=3 3"), LAYER_SIZES_LINE, "lists 2 layers"),
        (("layer_sizes=3 3 2", "layer_sizes=3 x 2"), LAYER_SIZES_LINE, "integers"),
        (("(3, 5, 1.0e+00)", "(3, 5, nan)"), NEURONS_LINE, "steepness must be finite"),
        (
            ("(3, 5, 1.0e+00)", "(3, 5 1.0e+00)"),
            NEURONS_LINE,
            r"neuron 4 \(counting from 0\) is malformed",
        ),
        (("(3, 5, 1.0e+00)", "(3, 3, 1.0e+00)"), NEURONS_LINE, "mixes activation"),
        (("(3, 5, 1.0e+00)", "(3, 5, -1.0e+00)"), NEURONS_LINE, "neuron 4 .* negative"),
        (("(3, 0, 2.0e+00)", "(3, 9, 2.0e+00)"), NEURONS_LINE, "GAUSSIAN_STEPWISE .* not impl"),
        (("(3, 0, 2.0e+00)", "(3, 99, 2.0e+00)"), NEURONS_LINE, "function 99, which is not"),
        (("(3, 0, 2.0e+00)", "(2, 0, 2.0e+00)"), CONNECTIONS_LINE, "9 connections listed"),
        (("(4, -1.0)", "(2, -1.0)"), CONNECTIONS_LINE, "reads neurons"),
        (("(1, -0.25)", "(1, -0.25e)"), CONNECTIONS_LINE, "not a number"),
        (("network_type=0", "network_type=2"), 5, "network_type must be 0 or 1"),
        (("connection_rate=1.000000", "connection_rate=0"), 4, "connection_rate"),
        (("quickprop_mu=1.750000", "quickprop_mu=1.75\nfancy=1"), 13, "unknown entry"),
        (("quickprop_mu=1.750000", "quickprop_mu"), 12, "expected key=value"),
        (("quickprop_mu=1.750000", "learning_rate=1"), 12, "given twice"),
    ],
)
def test_malformed_files_are_refused_with_their_line(tmp_path, change, line, words):
    text = HAND.replace(*change, 1)
    assert text != HAND
    with pytest.raises(FannFileError, match=f"line {line}: .*{words}") as info:
        import_fann(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_entry_and_bias_with_inputs(tmp_path):
    with pytest.raises(FannFileError, match="no 'connections' line"):
        import_fann(write(tmp_path, HAND.rsplit("connections", 1)[0]))
    # the hidden layer's bias neuron (5) given inputs: FANN would run it as a neuron
    text = HAND.replace(ZERO + "(3, 0, 2.0e+00)", "(1, 0, 1.0e+00) (3, 0, 2.0e+00)")
    with pytest.raises(FannFileError, match=f"line {NEURONS_LINE}: input or bias neuron 5"):
        import_fann(write(tmp_path, text))


def test_shortcut_network_refused_until_cascade(tmp_path):
    # 2 inputs + bias -> 1 hidden -> 1 output, every neuron reading all earlier ones
    text = net_text(
        [3, 1, 1],
        ZERO * 3 + "(3, 5, 1.0e+00) (4, 0, 1.0e+00) ",
        "(0, 1.0) (1, 1.0) (2, 1.0) (0, 1.0) (1, 1.0) (2, 1.0) (3, 1.0) ",
        kind=1,
    )
    if CASCADE:
        model = import_fann(write(tmp_path, text))
        # h = tanh(1 + 2 + 1); y = 1 + 2 + 1 + h
        assert model.predict([[1.0, 2.0]])[0] == pytest.approx(4 + math.tanh(4.0))
    else:
        with pytest.raises(FannFileError, match="line 5: network_type=1 .*shortcut"):
            import_fann(write(tmp_path, text))


def test_shortcut_network_sets_connections_param(tmp_path):
    # the estimator's parameters describe the imported network, so a report's table and a
    # fresh (not warm-started) fit both say cascade-forward
    text = net_text(
        [3, 1, 1],
        ZERO * 3 + "(3, 5, 1.0e+00) (4, 0, 1.0e+00) ",
        "(0, 1.0) (1, 1.0) (2, 1.0) (0, 1.0) (1, 1.0) (2, 1.0) (3, 1.0) ",
        kind=1,
    )
    model = import_fann(write(tmp_path, text))
    assert model.get_params()["connections"] == "cascade"
    X = np.random.default_rng(0).normal(size=(20, 2))
    model.set_params(epochs=2).fit(X, X.sum(axis=1))
    assert model.network_.connections == "cascade"


def test_cli_import_says_cascade_forward(tmp_path, capsys):
    text = net_text(
        [3, 1, 1],
        ZERO * 3 + "(3, 5, 1.0e+00) (4, 0, 1.0e+00) ",
        "(0, 1.0) (1, 1.0) (2, 1.0) (0, 1.0) (1, 1.0) (2, 1.0) (3, 1.0) ",
        kind=1,
    )
    assert main(["import", "fann", str(write(tmp_path, text))]) == 0
    assert "2-1-1 tansig/purelin cascade-forward network" in capsys.readouterr().out


# -- FANN's other activation functions -------------------------------------------------------
FANN_FUNCTIONS = [n for n in FANN_ACTIVATIONS if n not in ("LINEAR", "SIGMOID",
                  "SIGMOID_SYMMETRIC", "GAUSSIAN_STEPWISE")]  # fmt: skip


def test_fann_functions_by_hand():
    def f(name, z):
        return bpnn.FannActivation(name)(np.array([z]))[0]

    assert f("ELLIOT", 1.0) == 0.75  # (1 / 2) / (1 + 1) + 0.5
    assert f("ELLIOT_SYMMETRIC", -3.0) == -0.75  # -3 / (1 + 3)
    assert f("GAUSSIAN", 2.0) == pytest.approx(math.exp(-4.0))
    assert f("GAUSSIAN_SYMMETRIC", 0.0) == 1.0  # 2 e^0 - 1
    assert (f("LINEAR_PIECE", -0.5), f("LINEAR_PIECE", 0.3), f("LINEAR_PIECE", 4)) == (0, 0.3, 1)
    assert f("LINEAR_PIECE_SYMMETRIC", -7.0) == -1.0
    assert (f("THRESHOLD", -1e-9), f("THRESHOLD", 0.0)) == (0.0, 1.0)  # v < 0 ? 0 : 1
    assert f("THRESHOLD_SYMMETRIC", -2.0) == -1.0
    assert f("SIN", math.pi / 2) == 1.0 and f("COS_SYMMETRIC", 0.0) == 1.0
    # the stepwise sigmoid: 0.25 at v_3 = -0.5493, 0.75 at v_4, linear between: 0.5 at 0;
    # 0 below v_1 = -2.6467 (not r_1 = 0.005: FANN jumps there), 1 from v_6 on
    assert f("SIGMOID_STEPWISE", 0.0) == pytest.approx(0.5, abs=1e-15)
    assert f("SIGMOID_STEPWISE", -0.549306154251098632812) == 0.25
    assert (f("SIGMOID_STEPWISE", -2.7), f("SIGMOID_STEPWISE", 2.7)) == (0.0, 1.0)
    assert f("SIGMOID_STEPWISE", -2.6) == pytest.approx(
        0.005 + (0.05 - 0.005) * (-2.6 + 2.64665246) / (-1.47221947 + 2.64665246), abs=1e-8
    )
    # (r_5 is 0.9 in single precision, 0.89999998)
    assert f("SIGMOID_SYMMETRIC_STEPWISE", 1.0) == pytest.approx(
        0.5 + 0.4 * (1.0 - 0.54930615) / (1.47221935 - 0.54930615), abs=1e-7
    )


@pytest.mark.parametrize("name", FANN_FUNCTIONS)
def test_fann_function_derivatives_against_finite_differences(name):
    act = bpnn.FannActivation(name)
    # points away from the kinks (0, +-1, the stepwise breakpoints), where f' exists
    z = np.array([-3.1, -1.9, -1.2, -0.8, -0.3, 0.2, 0.45, 0.7, 1.3, 2.0, 3.3])
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, act(z)), numeric, rtol=1e-6, atol=1e-8)
    assert bpnn.get_activation(act.spec()) == act


@pytest.mark.parametrize("name", ["ELLIOT_SYMMETRIC", "GAUSSIAN", "SIN", "SIGMOID_STEPWISE"])
def test_networks_with_fann_functions_backpropagate_exactly(name):
    rng = np.random.default_rng(4)
    net = bpnn.Network([3, 4, 2], [bpnn.FannActivation(name), "purelin"], seed=1)
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    assert bpnn.gradcheck(net, X, Y) < 1e-6


def test_unknown_fann_function():
    with pytest.raises(ValueError, match="unknown FANN activation 'RELU'"):
        bpnn.FannActivation("RELU")


def test_parser_reads_only_text(tmp_path):
    f = read_fann(write(tmp_path, HAND))
    assert f.layer_sizes == [3, 3, 2] and f.connection_rate == 1.0 and f.scale is None
    assert f.weights.tolist()[:3] == [0.5, -0.25, 0.1]
    assert f.lines["layer_sizes"] == LAYER_SIZES_LINE


# -- the writer, checked with bpnn's own reader ----------------------------------------------
def _fitted(kind, **kw):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 4)) * [1, 5, 0.1, 20] + [0, 10, 0, -5]
    X[:, 2] = 7.0  # a constant column: dropped by the input map, zero weights in FANN
    if kind == "regression":
        y = np.c_[X[:, 0] + 0.1 * X[:, 1], np.sin(X[:, 3] / 20) * 300]
        est = bpnn.BPRegressor(hidden=(5,), epochs=20, random_state=0, warn=False, **ONE, **kw)
    else:
        y = (X[:, 0] + X[:, 3] / 20 > 0).astype(int)
        kw = {**TANSIG, **kw}
        est = bpnn.BPClassifier(hidden=(5,), epochs=20, random_state=0, warn=False, **ONE, **kw)
    return est.fit(X, y), X


@pytest.mark.parametrize(
    "kind, kw",
    [
        ("regression", {}),
        ("regression", {"scaling": "minmax", "pca": 2, "activation": "logsig"}),
        ("classification", {"activation": ["tansig"]}),
    ],
)
def test_writer_round_trip_through_the_reader(tmp_path, kind, kw):
    model, X = _fitted(kind, **kw)
    back = import_fann(write_fann(model, tmp_path / "w.net"))
    want = model.predict(X) if kind == "regression" else model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(back.predict(X), want, rtol=1e-12, atol=1e-9)


def test_writer_widens_the_linear_clip_for_large_outputs(tmp_path):
    model, _ = _fitted("regression")  # the second target reaches about 300
    f = read_fann(write_fann(model, tmp_path / "w.net"))
    out = f.neurons[-3:-1]  # the two output neurons (the unused bias is last)
    s = out[:, 2]
    assert np.all(s < 1) and np.all(np.log2(s) == np.round(np.log2(s)))  # powers of two
    tm = model.target_map_
    reach = np.abs(np.r_[tm.range_low_, tm.range_high_]).max()
    assert reach > 250 and np.all(150 / s >= 4 * reach)  # FANN clips s * sum at 150 / s


def test_writer_refuses_what_fann_lacks(tmp_path):
    for kw, words in (
        ({"activation": "relu"}, "'poslin'"),
        ({"n_ensemble": 2}, "ensemble"),
    ):
        model, _ = _fitted("regression", **kw)
        with pytest.raises(ValueError, match=words):
            write_fann(model, tmp_path / "w.net")
    rng = np.random.default_rng(0)
    clf = bpnn.BPClassifier(hidden=(3,), epochs=2, warn=False, random_state=0, **ONE, **TANSIG)
    clf.fit(rng.normal(size=(30, 2)), rng.integers(0, 3, 30))
    with pytest.raises(ValueError, match="'softmax'"):
        write_fann(clf, tmp_path / "w.net")
    reg = bpnn.BPRegressor(hidden=(3,), epochs=2, warn=False, output_activation="tansig", **ONE)
    reg.fit(rng.normal(size=(30, 2)), rng.normal(size=30))
    with pytest.raises(ValueError, match="not linear"):
        write_fann(reg, tmp_path / "w.net")
    assert not (tmp_path / "w.net").exists()


def test_fann_2_0_files_have_no_scale_line(tmp_path):
    text = HAND.replace("FANN_FLO_2.1", "FANN_FLO_2.0").replace("scale_included=0\n", "")
    model = import_fann(write(tmp_path, text))
    assert model.predict([[1.0, 2.0]])[0] == pytest.approx(hand_expected(1.0, 2.0), abs=1e-15)


def test_writer_takes_a_bare_network(tmp_path):
    net = bpnn.Network([2, 3, 1], ["tansig", bpnn.GeneralizedSigmoid(1.0, 2.0)], seed=0)
    text = fann_text(net)
    # B = 2: FANN_SIGMOID with steepness 1 / (2 B) = 0.25
    assert "(4, 3, 2.50000000000000000000e-01)" in text
    assert text.startswith("FANN_FLO_2.1\nnum_layers=3\n")
    # B = -2: steepness 0.25 again, the weights' signs flipped
    net2 = bpnn.Network([2, 3, 1], ["tansig", bpnn.GeneralizedSigmoid(1.0, -2.0)], seed=0)
    assert "(4, 3, 2.50000000000000000000e-01)" in fann_text(net2)
    X = np.random.default_rng(0).normal(size=(5, 2))
    for n in (net, net2):
        path = write_fann(n, tmp_path / "n.net")
        np.testing.assert_allclose(import_fann(path).predict(X), n.forward(X).ravel(), atol=1e-15)


# -- the command line --------------------------------------------------------------------------
def test_cli_import_predict_export(tmp_path, capsys):
    net = write(tmp_path, HAND)
    model = tmp_path / "m.bpnn"
    assert main(["import", "fann", str(net), "-o", str(model), "-q"]) == 0
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n0.5,-1\n")
    out = tmp_path / "p.csv"
    assert main(["predict", str(model), str(data), "-o", str(out), "-q"]) == 0
    got = np.loadtxt(out, delimiter=",", skiprows=1)
    np.testing.assert_allclose(got, [hand_expected(1, 2), hand_expected(0.5, -1)], atol=1e-12)
    assert main(["export", str(model), "--format", "fann", "-q"]) == 0
    again = import_fann(model.with_suffix(".net"))
    np.testing.assert_allclose(again.predict([[1, 2]]), [hand_expected(1, 2)], atol=1e-14)
    capsys.readouterr()
    bad = write(tmp_path, HAND.replace("FANN_FLO_2.1", "FANN_FIX_2.1"), "bad.net")
    assert main(["import", "fann", str(bad), "-o", str(tmp_path / "b.bpnn")]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "b.bpnn").exists()
    assert main(["import", "fann", str(tmp_path / "none.net")]) == 2


# -- with libfann --------------------------------------------------------------------------
LIB = ctypes.util.find_library("doublefann")
CASCADE = "connections" in inspect.signature(bpnn.Network).parameters
needs_cascade = pytest.mark.skipif(
    not CASCADE, reason="bpnn's Network has no cascade connections in this version"
)
needs_fann = pytest.mark.skipif(LIB is None, reason="libdoublefann (FANN) is not installed")
_P, _D = ctypes.c_void_p, ctypes.POINTER(ctypes.c_double)


def _lib():
    lib = ctypes.CDLL(LIB)
    protos = {
        "fann_create_from_file": (_P, [ctypes.c_char_p]),
        "fann_create_standard_array": (_P, [ctypes.c_uint, ctypes.POINTER(ctypes.c_uint)]),
        "fann_create_shortcut_array": (_P, [ctypes.c_uint, ctypes.POINTER(ctypes.c_uint)]),
        "fann_create_sparse_array": (
            _P,
            [ctypes.c_float, ctypes.c_uint, ctypes.POINTER(ctypes.c_uint)],
        ),
        "fann_save": (ctypes.c_int, [_P, ctypes.c_char_p]),
        "fann_run": (_D, [_P, _D]),
        "fann_destroy": (None, [_P]),
        "fann_randomize_weights": (None, [_P, ctypes.c_double, ctypes.c_double]),
        "fann_set_activation_function_hidden": (None, [_P, ctypes.c_int]),
        "fann_set_activation_function_output": (None, [_P, ctypes.c_int]),
        "fann_set_activation_steepness": (
            None,
            [_P, ctypes.c_double, ctypes.c_int, ctypes.c_int],
        ),
        "fann_read_train_from_file": (_P, [ctypes.c_char_p]),
        "fann_destroy_train": (None, [_P]),
        "fann_set_scaling_params": (ctypes.c_int, [_P, _P] + [ctypes.c_float] * 4),
        "fann_scale_input": (None, [_P, _D]),
        "fann_descale_output": (None, [_P, _D]),
        "fann_get_num_output": (ctypes.c_uint, [_P]),
    }
    for name, (res, args) in protos.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


def fann_predict(lib, ann, X, scaled=False):
    """FANN's outputs row by row: (scale_input, run, descale_output when ``scaled``)."""
    n_out = lib.fann_get_num_output(ann)
    out = []
    for x in np.asarray(X, dtype=np.float64):
        row = np.ascontiguousarray(x.copy())
        if scaled:
            lib.fann_scale_input(ann, row.ctypes.data_as(_D))
        y = np.ctypeslib.as_array(lib.fann_run(ann, row.ctypes.data_as(_D)), (n_out,)).copy()
        if scaled:
            lib.fann_descale_output(ann, y.ctypes.data_as(_D))
        out.append(y)
    return np.array(out)


def _fann_net(lib, sizes, hidden, output, rate=1.0, seed=0, shortcut=False):
    arr = (ctypes.c_uint * len(sizes))(*sizes)
    ctypes.CDLL(None).srand(seed)  # fann_randomize_weights draws from rand()
    if shortcut:
        ann = lib.fann_create_shortcut_array(len(sizes), arr)
    elif rate < 1:
        ann = lib.fann_create_sparse_array(rate, len(sizes), arr)
    else:
        ann = lib.fann_create_standard_array(len(sizes), arr)
    lib.fann_set_activation_function_hidden(ann, hidden)
    lib.fann_set_activation_function_output(ann, output)
    lib.fann_randomize_weights(ann, -1.0, 1.0)
    rng = np.random.default_rng(seed)
    for layer in range(1, len(sizes)):  # a steepness of its own for every neuron
        for j in range(sizes[layer]):
            lib.fann_set_activation_steepness(ann, float(rng.uniform(0.2, 1.5)), layer, j)
    return ann


@needs_fann
@pytest.mark.parametrize(
    "sizes, hidden, output, rate",
    [
        ((3, 5, 2), 5, 0, 1.0),  # tanh-type hidden, linear output
        ((2, 4, 3, 1), 3, 3, 1.0),  # sigmoid throughout, two hidden layers
        ((4, 6, 2), 5, 5, 0.6),  # sparse
    ],
)
def test_a_net_fann_writes_predicts_what_fann_runs(tmp_path, sizes, hidden, output, rate):
    lib = _lib()
    ann = _fann_net(lib, sizes, hidden, output, rate)
    path = str(tmp_path / "f.net").encode()
    assert lib.fann_save(ann, path) == 0
    lib.fann_destroy(ann)
    loaded = lib.fann_create_from_file(path)  # the file's network, as FANN reads it
    X = np.random.default_rng(1).normal(size=(50, sizes[0])) * 2
    want = fann_predict(lib, loaded, X)
    lib.fann_destroy(loaded)
    got = import_fann(tmp_path / "f.net").predict(X).reshape(want.shape)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@needs_fann
@pytest.mark.parametrize("name", FANN_FUNCTIONS)
def test_every_fann_function_against_fann(tmp_path, name):
    lib = _lib()
    code = FANN_ACTIVATIONS.index(name)
    ann = _fann_net(lib, (3, 6, 2), code, code, seed=code)
    path = str(tmp_path / "f.net").encode()
    lib.fann_save(ann, path)
    X = np.random.default_rng(code).normal(size=(60, 3)) * 2
    want = fann_predict(lib, ann, X)  # FANN's own network, before and after the file
    lib.fann_destroy(ann)
    loaded = lib.fann_create_from_file(path)
    np.testing.assert_array_equal(fann_predict(lib, loaded, X), want)
    lib.fann_destroy(loaded)
    model = import_fann(path.decode())
    assert [a.name for a in model.network_.activations] == [f"fann_{name.lower()}"] * 2
    np.testing.assert_allclose(model.predict(X), want, rtol=0, atol=1e-9)
    write_fann(model, tmp_path / "back.net")  # and written back, FANN runs it the same
    again = lib.fann_create_from_file(str(tmp_path / "back.net").encode())
    np.testing.assert_allclose(fann_predict(lib, again, X), want, rtol=0, atol=1e-9)
    lib.fann_destroy(again)


@needs_fann
def test_a_net_with_fann_scale_parameters(tmp_path):
    lib = _lib()
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 3)) * [1, 10, 100] + [0, 50, -300]
    Y = np.c_[X[:, 0] * 3 + 7, X[:, 1] / 10]
    data = tmp_path / "d.train"
    rows = "".join(
        " ".join(f"{v:.17g}" for v in x) + "\n" + " ".join(f"{v:.17g}" for v in y) + "\n"
        for x, y in zip(X, Y)
    )
    data.write_text(f"{len(X)} 3 2\n{rows}")
    ann = _fann_net(lib, (3, 4, 2), 5, 0)
    train = lib.fann_read_train_from_file(str(data).encode())
    assert lib.fann_set_scaling_params(ann, train, -1.0, 1.0, -0.5, 0.5) == 0
    lib.fann_destroy_train(train)
    path = str(tmp_path / "s.net").encode()
    lib.fann_save(ann, path)
    lib.fann_destroy(ann)
    assert "scale_included=1" in Path(path.decode()).read_text()
    loaded = lib.fann_create_from_file(path)
    want = fann_predict(lib, loaded, X, scaled=True)
    lib.fann_destroy(loaded)
    got = import_fann(path.decode()).predict(X)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@needs_fann
@pytest.mark.parametrize(
    "kind, kw",
    [
        ("regression", {}),
        ("regression", {"scaling": "minmax", "pca": 2, "activation": "logsig"}),
        ("regression", {"activation": [bpnn.GeneralizedSigmoid(1.0, -2.0)]}),
        ("classification", {}),
    ],
)
def test_a_net_bpnn_writes_runs_the_same_in_fann(tmp_path, kind, kw):
    lib = _lib()
    model, X = _fitted(kind, **kw)
    write_fann(model, tmp_path / "b.net")
    ann = lib.fann_create_from_file(str(tmp_path / "b.net").encode())
    assert ann, "FANN could not load the file"
    got = fann_predict(lib, ann, X)
    lib.fann_destroy(ann)
    want = model.predict(X) if kind == "regression" else model.predict_proba(X)[:, [1]]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@needs_fann
def test_cli_export_loads_in_fann(tmp_path):
    lib = _lib()
    model, X = _fitted("regression")
    bpnn.save(model, tmp_path / "m.bpnn")
    assert main(["export", str(tmp_path / "m.bpnn"), "--format", "fann", "-q"]) == 0
    ann = lib.fann_create_from_file(str(tmp_path / "m.net").encode())
    got = fann_predict(lib, ann, X)
    lib.fann_destroy(ann)
    np.testing.assert_allclose(got, model.predict(X), rtol=0, atol=1e-9)


@needs_fann
def test_fann_reads_the_hand_fixture_as_the_formulas_say(tmp_path):
    lib = _lib()
    ann = lib.fann_create_from_file(str(write(tmp_path, HAND)).encode())
    assert ann
    got = fann_predict(lib, ann, [[1.0, 2.0], [-0.3, 0.7]])
    lib.fann_destroy(ann)
    np.testing.assert_allclose(
        got.ravel(), [hand_expected(1.0, 2.0), hand_expected(-0.3, 0.7)], atol=1e-15
    )


@needs_fann
@needs_cascade
@pytest.mark.parametrize("sizes", [(3, 4, 2), (2, 3, 4, 1)])
def test_shortcut_networks_both_ways(tmp_path, sizes):
    lib = _lib()
    ann = _fann_net(lib, sizes, 5, 0, shortcut=True)
    path = str(tmp_path / "s.net").encode()
    lib.fann_save(ann, path)
    lib.fann_destroy(ann)
    loaded = lib.fann_create_from_file(path)
    X = np.random.default_rng(5).normal(size=(40, sizes[0]))
    want = fann_predict(lib, loaded, X)
    lib.fann_destroy(loaded)
    model = import_fann(path.decode())
    assert model.network_.connections == "cascade"
    np.testing.assert_allclose(model.predict(X).reshape(want.shape), want, atol=1e-9)
    # written back (a shortcut file again, with the maps folded), FANN runs it the same
    model.input_map_.scale_[:] = 0.5  # an input map to fold into every layer's x columns
    model.input_map_.offset_[:] = -1.0
    write_fann(model, tmp_path / "back.net")
    assert "network_type=1" in (tmp_path / "back.net").read_text()
    again = lib.fann_create_from_file(str(tmp_path / "back.net").encode())
    got = fann_predict(lib, again, X)
    lib.fann_destroy(again)
    np.testing.assert_allclose(got, model.predict(X).reshape(got.shape), atol=1e-9)
