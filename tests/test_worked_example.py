"""The tutorial's worked example (DIGEST.md), reproduced through the public API to 1e-9."""

import numpy as np
import pytest

import bpnn

X = np.array([[5.0, 10.0]])
D = np.array([[0.01, 0.99]])


@pytest.fixture
def net():
    return bpnn.tutorial_network()


def test_forward_values(net):
    tr = net.forward_trace(X)
    np.testing.assert_allclose(tr.z[0][0], [2.35, 3.85, 5.35], atol=1e-12)
    np.testing.assert_allclose(tr.n[1][0], [0.9129342276, 0.9791636555, 0.9952742874], atol=1e-9)
    np.testing.assert_allclose(tr.z[1][0], [2.1019200912, 2.2462886997], atol=1e-9)
    np.testing.assert_allclose(tr.n[2][0], [0.8910896615, 0.9043299249], atol=1e-9)
    np.testing.assert_allclose(net.forward(X)[0], [0.8910896615, 0.9043299249], atol=1e-9)


def test_error_and_every_gradient(net):
    E, g = net.loss_and_gradient(X, D, loss="sse")
    assert abs(E - 0.3918291767) < 1e-9
    grads = net.copy()
    grads.params = g
    np.testing.assert_allclose(
        grads.weights[1],
        [[0.07806388, 0.08372707, 0.08510467], [-0.00676662, -0.00725751, -0.00737692]],
        atol=1e-8,
    )
    np.testing.assert_allclose(
        grads.weights[0],
        [[0.01226782, 0.02453563], [0.00394556, 0.00789112], [0.00109324, 0.00218648]],
        atol=1e-8,
    )
    assert abs(grads.weights[1][0, 0] - 0.0780638755) < 1e-9  # dE/dw7
    # output deltas are the output-bias gradients; hidden deltas the hidden-bias ones
    np.testing.assert_allclose(grads.biases[1], [0.0855087619, -0.0074119446], atol=1e-9)
    np.testing.assert_allclose(
        grads.biases[0], [0.0024535633, 0.0007891121, 0.0002186484], atol=1e-9
    )


def test_hand_worked_dE_dw7(net):
    # dE/dw7 = (out_o1 - target_o1) * out_o1 (1 - out_o1) * out_h1, by hand from the table
    out_o1, out_h1 = 0.8910896615, 0.9129342276
    by_hand = (out_o1 - 0.01) * out_o1 * (1 - out_o1) * out_h1
    _, g = net.loss_and_gradient(X, D)
    assert abs(g[net.offsets[1][0]] - by_hand) < 1e-9


def test_one_update_step_of_sgd_matches_explained_update(net):
    lr = 0.5
    _, g = net.loss_and_gradient(X, D)
    expected = net.params - lr * g
    bpnn.train(net, X, D, algorithm="sgd", lr=lr, epochs=1, shuffle=False)
    np.testing.assert_allclose(net.params, expected, atol=1e-15)
    # w7+ = 0.4 - 0.5 * 0.0780638755 (the tutorial's next step)
    assert abs(net.weights[1][0, 0] - (0.4 - 0.5 * 0.0780638755)) < 1e-9


def test_separate_step_sizes_for_weights_and_biases(net):
    _, g = net.loss_and_gradient(X, D)
    mask = net.weight_mask
    expected = net.params - np.where(mask, 0.5, 0.1) * g
    bpnn.train(net, X, D, algorithm="sgd", lr=0.5, lr_bias=0.1, epochs=1, shuffle=False)
    np.testing.assert_allclose(net.params, expected, atol=1e-15)
    net2 = bpnn.tutorial_network()
    bpnn.train(net2, X, D, algorithm="gd", lr=0.5, lr_bias=0.1, epochs=1)
    np.testing.assert_allclose(net2.params, expected, atol=1e-15)


def test_explain_prints_the_table_values():
    text = bpnn.explain(print_=False)
    for value in [
        "2.1019200912",
        "0.8910896615",
        "0.3918291767",
        "0.0855087619",
        "-0.0074119446",
        "0.0780638755",
        "0.0024535633",
        "0.0002186484",
    ]:
        assert value in text
    assert "(out_o1 − target_o1)" in text  # the corrected sign
    from bpnn.explain import TUTORIAL_ERRORS

    assert text.count("✗") == len(TUTORIAL_ERRORS)


def test_explain_a_described_network():
    net = bpnn.Network([3, 2, 1], ["tansig", "purelin"], seed=1)
    text = bpnn.explain(net, [0.1, 0.2, 0.3], [0.5], lr=0.1, print_=False)
    E, _ = net.loss_and_gradient([[0.1, 0.2, 0.3]], [[0.5]])
    assert f"{E:.10f}" in text
    with pytest.raises(ValueError, match="one sample"):
        bpnn.explain(net, [0.1, 0.2], [0.5], print_=False)


def test_explain_cross_entropy_output_delta_has_no_derivative_factor():
    net = bpnn.Network([2, 2, 3], ["tansig", "softmax"], seed=0)
    text = bpnn.explain(net, [1, 2], [0, 1, 0], loss="cross_entropy", print_=False)
    line = next(l for l in text.splitlines() if l.strip().startswith("δ(2)_1"))
    assert line.split("=")[1].strip() == "(n(2)_1 − d1)"
    y = net.forward([[1, 2]])[0]
    assert line.endswith(f"= {y[0] - 0.0:.10f}")  # out - target, target 0
