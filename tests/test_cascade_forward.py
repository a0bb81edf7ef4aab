"""Cascade-forward connections: every layer reads the input and every earlier layer.

Checked against a hand-worked example, finite differences (gradient, parameter Jacobian,
input Jacobian), torch's autograd where torch is installed, and through the training
algorithms, the model file, the light predictor, the exports and the estimators.
"""

import pickle

import numpy as np
import pytest

import bpnn
from bpnn.gradcheck import numerical_gradient

#: (sizes, activations) for 1, 2 and 3 hidden layers with mixed activations
NETS = [
    ([3, 4, 2], ["tansig", "purelin"]),
    ([2, 3, 4, 3], ["logsig", "tansig", "softmax"]),
    ([3, 2, 3, 2, 1], ["tansig", "poslin", bpnn.GeneralizedSigmoid(1.8, 0.6), "purelin"]),
]
LOSSES = {"purelin": "sse", "softmax": "cross_entropy"}


def _net(sizes, acts, seed=1, **kw):
    return bpnn.Network(sizes, acts, init="glorot", seed=seed, connections="cascade", **kw)


def _data(net, rng, n=6, margin=0.02):
    """Inputs whose poslin pre-activations keep clear of the kink at 0 (finite differences
    across it are meaningless), and targets that fit the output activation."""
    for _ in range(1000):
        X = rng.normal(size=(n, net.n_inputs))
        tr = net.forward_trace(X)
        if all(
            np.all(np.abs(z) > margin) for z, a in zip(tr.z, net.activations) if a.name == "poslin"
        ):
            break
    m = net.n_outputs
    if net.activations[-1].name == "softmax":
        return X, np.eye(m)[rng.integers(0, m, n)]
    return X, rng.uniform(0, 1, (n, m))


# -- the layout --------------------------------------------------------------------------
def test_layout_widths_and_flat_vector():
    net = _net([3, 4, 2, 1], ["tansig", "tansig", "purelin"])
    # layer k reads [x, a_1, ..., a_k]: widths 3, 3 + 4, 3 + 4 + 2
    assert [W.shape for W in net.weights] == [(4, 3), (2, 7), (1, 9)]
    assert net.fan_in == [3, 7, 9]
    assert net.n_params == (3 + 1) * 4 + (7 + 1) * 2 + (9 + 1) * 1
    assert bpnn.network.parameter_count([3, 4, 2, 1], "cascade") == net.n_params
    assert bpnn.network.parameter_count([3, 4, 2, 1]) == (3 + 1) * 4 + (4 + 1) * 2 + 3
    # W block row-major then b, layer by layer: the views are that vector
    flat = np.concatenate([np.r_[W.ravel(), b] for W, b in zip(net.weights, net.biases)])
    np.testing.assert_array_equal(flat, net.params)
    assert net.offsets == [(0, 12), (16, 30), (32, 41)]
    mask = np.ones(net.n_params, bool)
    mask[[12, 13, 14, 15, 30, 31, 41]] = False  # the biases
    np.testing.assert_array_equal(net.weight_mask, mask)
    assert "connections='cascade'" in repr(net)


def test_layered_default_is_unchanged():
    net = bpnn.Network([3, 4, 2], ["tansig", "purelin"], seed=0)
    assert net.connections == "layered"
    assert net.spec() == {
        "sizes": [3, 4, 2],
        "activations": [{"name": "tansig"}, {"name": "purelin"}],
    }
    assert net.n_params == (3 + 1) * 4 + (4 + 1) * 2
    assert [W.shape for W in net.weights] == [(4, 3), (2, 4)]
    assert "connections" not in repr(net)
    same = bpnn.Network([3, 4, 2], ["tansig", "purelin"], seed=0, connections="layered")
    np.testing.assert_array_equal(net.params, same.params)


def test_spec_round_trip_copy_astype_pickle(rng):
    net = _net([2, 3, 1], ["tansig", "purelin"])
    spec = net.spec()
    assert spec["connections"] == "cascade"
    back = bpnn.Network.from_spec(spec, net.params)
    X = rng.normal(size=(5, 2))
    for other in (back, net.copy(), pickle.loads(pickle.dumps(net))):
        assert other.connections == "cascade"
        np.testing.assert_array_equal(other.forward(X), net.forward(X))
    f32 = net.astype(np.float32)
    assert f32.connections == "cascade" and f32.spec()["connections"] == "cascade"
    np.testing.assert_allclose(f32.forward(X.astype(np.float32)), net.forward(X), atol=1e-6)


def test_an_old_pickle_without_the_attribute_is_layered():
    net = bpnn.Network([2, 2, 1], "tansig", seed=0)
    state = net.__getstate__()
    state.pop("connections", None)
    old = object.__new__(bpnn.Network)
    old.__dict__.update(state)
    assert old.connections == "layered"
    np.testing.assert_array_equal(old.forward(np.ones((1, 2))), net.forward(np.ones((1, 2))))


@pytest.mark.parametrize("bad", ["shortcut", "", None, 1])
def test_bad_connections_named(bad):
    with pytest.raises(
        ValueError, match=f"connections must be 'layered' or 'cascade', got {bad!r}"
    ):
        bpnn.Network([2, 2, 1], connections=bad)


@pytest.mark.parametrize("init", ["uniform", "zeros", "nguyen-widrow", "glorot", "he"])
def test_initialisers_fill_the_wide_blocks(init):
    net = bpnn.Network([3, 5, 4, 2], "tansig", init=init, seed=3, connections="cascade")
    again = bpnn.Network([3, 5, 4, 2], "tansig", init=init, seed=3, connections="cascade")
    np.testing.assert_array_equal(net.params, again.params)  # same seed, same bits
    for W in net.weights:
        assert np.all(np.isfinite(W))
        if init != "zeros":
            assert np.all(W != 0)  # every column drawn, the shortcut ones too
    if init == "nguyen-widrow":  # rows of norm 0.7 n_out^(1/n_in), n_in the whole width
        for W in net.weights:
            n_out, n_in = W.shape
            np.testing.assert_allclose(np.linalg.norm(W, axis=1), 0.7 * n_out ** (1 / n_in))


def test_callable_initialiser_sees_the_full_fan_in():
    seen = []

    def init(rng, W, b, act):
        seen.append(W.shape)
        W[...] = 1.0
        b[...] = 0.0

    bpnn.Network([2, 3, 1], "tansig", init=init, connections="cascade")
    assert seen == [(3, 2), (1, 5)]


# -- the arithmetic -----------------------------------------------------------------------
def test_hand_worked_2_1_1_cascade():
    """x = (1, 2); hidden poslin unit reads x, the purelin output reads (x1, x2, a1)."""
    net = bpnn.Network([2, 1, 1], ["poslin", "purelin"], init="zeros", connections="cascade")
    # flat vector: W1 (1x2), b1, W2 (1x3: columns x1, x2, a1), b2
    net.params = [0.5, -0.25, 0.5, 1.0, -1.0, 2.0, 0.25]
    X, D = np.array([[1.0, 2.0]]), np.array([[1.0]])
    # z1 = 0.5*1 - 0.25*2 + 0.5 = 0.5 > 0, so a1 = 0.5
    # y  = 1*1 - 1*2 + 2*0.5 + 0.25 = 0.25
    assert net.forward(X)[0, 0] == 0.25
    # SSE: E = (y - d)^2 / 2 = (-0.75)^2 / 2 = 0.28125; output delta = y - d = -0.75
    # dE/dW2 = -0.75 * (x1, x2, a1) = (-0.75, -1.5, -0.375); dE/db2 = -0.75
    # dE/da1 = -0.75 * W2[a1] = -0.75 * 2 = -1.5; poslin' = 1 there: delta1 = -1.5
    # dE/dW1 = -1.5 * (x1, x2) = (-1.5, -3); dE/db1 = -1.5
    value, grad = net.loss_and_gradient(X, D, "sse")
    assert value == 0.28125
    np.testing.assert_array_equal(grad, [-1.5, -3.0, -1.5, -0.75, -1.5, -0.375, -0.75])
    # dy/dx = W2[x] + W2[a1] * poslin' * W1 = (1 + 2*0.5, -1 + 2*(-0.25)) = (2, -1.5)
    _, J, JX = net._outputs_and_jacobian(X, input_jacobian=True)
    np.testing.assert_array_equal(JX[0], [[2.0, -1.5]])
    # the output's Jacobian is the SSE gradient divided by the residual -0.75
    np.testing.assert_array_equal(J[0], grad / -0.75)


@pytest.mark.parametrize("sizes, acts", NETS, ids=["1 hidden", "2 hidden", "3 hidden"])
def test_gradient_against_finite_differences(sizes, acts, rng):
    for seed in range(3):
        net = _net(sizes, acts, seed=seed)
        X, Y = _data(net, rng)
        loss = LOSSES[str(net.activations[-1])]
        assert bpnn.gradcheck(net, X, Y, loss=loss) < 1e-6
        sw = rng.uniform(0.2, 2.0, X.shape[0])
        assert bpnn.gradcheck(net, X, Y, loss="mse", sample_weight=sw) < 1e-6


@pytest.mark.parametrize("sizes, acts", NETS, ids=["1 hidden", "2 hidden", "3 hidden"])
def test_jacobians_against_finite_differences(sizes, acts, rng):
    net = _net(sizes, acts)
    X, _ = _data(net, rng, n=4)
    Y, J, JX = net._outputs_and_jacobian(net._check_X(X), input_jacobian=True)
    np.testing.assert_array_equal(J, net.jacobian(X))
    m = net.n_outputs

    def output(w, i):
        other = net.copy()
        other.params = w
        return other.forward(X).ravel()[i]

    Jn = np.array(
        [numerical_gradient(lambda w: output(w, i), net.params) for i in range(J.shape[0])]
    )
    np.testing.assert_allclose(J, Jn, atol=1e-8)
    for i in range(X.shape[0]):

        def row_output(x, i=i):
            Xi = X.copy()
            Xi[i] = x
            return net.forward(Xi)[i]

        JXn = np.array([numerical_gradient(lambda x: row_output(x)[o], X[i]) for o in range(m)])
        np.testing.assert_allclose(JX[i], JXn, atol=1e-8)


def test_backward_input_gradient(rng):
    net = _net(*NETS[1])
    X, Y = _data(net, rng)
    tr = net.forward_trace(X)
    _, delta = bpnn.get_loss("cross_entropy").output_delta(
        tr.z[-1], tr.output, Y, net.activations[-1], None
    )
    grad, dX = net.backward(tr, delta, input_grad=True)
    np.testing.assert_array_equal(grad, net.loss_and_gradient(X, Y, "cross_entropy")[1])
    for i in range(X.shape[0]):

        def loss_of_row(x, i=i):
            Xi = X.copy()
            Xi[i] = x
            return net.loss(Xi, Y, "cross_entropy")

        np.testing.assert_allclose(dX[i], numerical_gradient(loss_of_row, X[i]), atol=1e-9)


def test_against_torch_autograd(rng):
    torch = pytest.importorskip("torch")
    funcs = {
        "tansig": torch.tanh,
        "logsig": torch.sigmoid,
        "poslin": torch.relu,
        "purelin": lambda z: z,
        "softmax": lambda z: torch.softmax(z, dim=1),
    }
    net = _net([3, 4, 3, 2, 2], ["tansig", "logsig", "poslin", "softmax"], seed=4)
    X, Y = _data(net, rng, n=7)
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    signals = [torch.tensor(X)]
    for W, b, act in zip(Ws, bs, net.activations):
        z = torch.cat(signals, dim=1) @ W.T + b  # every earlier signal, input first
        signals.append(funcs[act.name](z))
    loss = torch.mean(torch.sum((signals[-1] - torch.tensor(Y)) ** 2, dim=1))
    loss.backward()
    expect = np.concatenate([np.r_[W.grad.numpy().ravel(), b.grad.numpy()] for W, b in zip(Ws, bs)])
    value, grad = net.loss_and_gradient(X, Y, bpnn.get_loss("mse"))
    # bpnn's mse averages over outputs too: torch's sum over outputs / m
    np.testing.assert_allclose(value, loss.item() / net.n_outputs, rtol=1e-12)
    np.testing.assert_allclose(grad, expect / net.n_outputs, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(net.forward(X), signals[-1].detach().numpy(), rtol=1e-13)


def test_cascade_equals_layered_when_the_shortcuts_are_zero(rng):
    """With every shortcut weight 0 a cascade net computes what the layered net does."""
    sizes, acts = [3, 4, 3, 2], ["tansig", "logsig", "purelin"]
    lay = bpnn.Network(sizes, acts, seed=2)
    cas = bpnn.Network(sizes, acts, init="zeros", connections="cascade")
    for k, (W, b) in enumerate(zip(lay.weights, lay.biases)):
        cas.weights[k][:, cas.fan_in[k] - sizes[k] :] = W  # the last block reads a_k
        cas.biases[k][...] = b
    X = rng.normal(size=(9, 3))
    np.testing.assert_allclose(cas.forward(X), lay.forward(X), rtol=1e-14)


# -- the fast paths against the general one --------------------------------------------------
def _reference(net, X, Y, loss, sw=None):
    """Loss and gradient by forward_trace/backward: the general path, one code for both
    connection kinds, checked above against finite differences."""
    loss = bpnn.get_loss(loss)
    tr = net.forward_trace(X)
    value, delta = loss.output_delta(tr.z[-1], tr.output, Y, net.activations[-1], sw)
    return value, net.backward(tr, delta)


LEAN = [  # (sizes, activations, loss): built-in activations, so the lean paths serve them
    ([3, 4, 2], ["poslin", "purelin"], "mse"),
    ([2, 5, 3, 3], ["tansig", "logsig", "softmax"], "cross_entropy"),
    ([4, 3, 4, 2, 2], ["logsig", "tansig", "poslin", "logsig"], "sse"),
    ([3, 2, 1], ["tansig", "tansig"], "mae"),
]


@pytest.mark.parametrize("sizes, acts, loss", LEAN, ids=lambda v: str(v))
@pytest.mark.parametrize("fused", [False, True], ids=["numpy", "row kernels"])
def test_lean_chunked_paths_match_the_general_path(sizes, acts, loss, fused, rng):
    net = bpnn.Network(sizes, acts, init="glorot", seed=5, connections="cascade")
    X, Y = _data(net, rng, n=300)
    sw = rng.uniform(0.5, 2.0, 300)
    obj = bpnn.Objective(net, loss, X, Y, sample_weight=sw)
    assert obj.lean
    obj.fused = fused
    net._chunk_rows = lambda: 128  # three chunks: the gradient accumulates across them
    value, grad = obj.value_and_grad(net.params)
    ref_value, ref_grad = _reference(net, X, Y, loss, sw)
    assert value == pytest.approx(ref_value, rel=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-13)
    assert obj.value(net.params) == pytest.approx(ref_value, rel=1e-12)
    idx = rng.permutation(300)[:40]  # a mini-batch through the gather buffers
    g = np.empty_like(grad)
    obj.grad_rows(idx, g, np.empty((40, sizes[0])), np.empty((40, sizes[-1])))
    np.testing.assert_allclose(g, _reference(net, X[idx], Y[idx], loss, sw[idx])[1], atol=1e-12)


@pytest.mark.parametrize("rows", [1, 5, 40])
def test_predict_paths_match_forward_trace(rows, rng):
    net = bpnn.Network([3, 4, 3, 2], ["tansig", "poslin", "softmax"], seed=2, connections="cascade")
    X = rng.normal(size=(rows, 3))
    expect = net.forward_trace(X).output
    np.testing.assert_allclose(net.forward(X), expect, rtol=1e-13)  # row kernel for <= 8
    np.testing.assert_allclose(net.predict_unchecked(X, kernel=False), expect, rtol=1e-13)
    f32 = net.astype(np.float32)
    np.testing.assert_allclose(f32.forward(X.astype(np.float32)), expect, atol=1e-6)


def test_per_sample_kernel_equals_one_sample_updates(rng):
    """The compiled per-sample epoch against the tutorial's update written out with the
    general gradient: w -= eta1 dE/dw, b -= eta2 dE/db after each sample."""
    X, Y = rng.normal(size=(15, 3)), rng.uniform(size=(15, 2))
    for acts in (["tansig", "logsig"], ["logsig", "poslin", "tansig", "logsig"]):
        sizes = [3, *[4, 3, 2][: len(acts) - 1], 2]
        net = bpnn.Network(sizes, acts, init="glorot", seed=2, connections="cascade")
        ref = net.copy()
        bpnn.train(net, X, Y, algorithm="sgd", lr=0.3, lr_bias=0.1, epochs=2, shuffle=False)
        for _ in range(2):
            for i in range(15):
                _, g = _reference(ref, X[i : i + 1], Y[i : i + 1], "sse")
                ref.params = ref.params - np.where(ref.weight_mask, 0.3, 0.1) * g
        np.testing.assert_allclose(net.params, ref.params, rtol=0, atol=1e-12)


@pytest.mark.parametrize("momentum, l2", [(0.0, 0.0), (0.7, 1e-3)])
def test_compiled_kernel_equals_its_python_source(momentum, l2, rng):
    import types

    from bpnn import _kernels

    ns = dict(vars(_kernels))  # the kernel and its helpers as Python functions
    for key, value in vars(_kernels).items():
        if hasattr(value, "py_func"):
            ns[key] = types.FunctionType(value.py_func.__code__, ns, key)
    net = bpnn.Network([3, 5, 4, 2], ["tansig", "poslin", "logsig"], seed=4, connections="cascade")
    X, Y = rng.normal(size=(12, 3)), rng.uniform(size=(12, 2))
    order = np.concatenate([rng.permutation(12), rng.permutation(12)])
    runs = []
    for sgd_epoch in (_kernels.sgd_epoch, ns["sgd_epoch"]):
        p, vel = net.params.copy(), np.zeros(net.n_params)
        layout = _kernels.layout_arrays(net)
        loss = sgd_epoch(p, *layout, X, Y, np.empty(0), order, 0.05, 0.02, momentum, vel, l2, 0)
        runs.append((p, loss))
    (p_c, loss_c), (p_p, loss_p) = runs
    assert not np.array_equal(p_c, net.params)
    np.testing.assert_allclose(p_c, p_p, rtol=0, atol=1e-12)
    assert loss_c == pytest.approx(loss_p, rel=1e-12)


# -- training ----------------------------------------------------------------------------------
# (every algorithm on cascade nets: the "-cascade" rows of tests/test_convergence.py)
def test_one_hidden_unit_fits_xor_only_with_shortcuts():
    """A 2-1-1 net: layered, its output is a monotone function of ONE projection of x, which
    XOR's targets are not; with the shortcuts x -> y it fits them (MSE goal 0.01)."""
    X = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], float)
    Y = np.array([[-1], [1], [1], [-1]], float)
    met = {"layered": 0, "cascade": 0}
    for conn in met:
        for seed in range(10):
            net = bpnn.Network(
                [2, 1, 1], "tansig", init="nguyen-widrow", seed=seed, connections=conn
            )
            rec = bpnn.train(net, X, Y, "bfgs", "mse", epochs=300, goal=0.01, seed=seed)
            met[conn] += rec.stop_reason == "goal met"
    assert met == {"layered": 0, "cascade": 10}


def test_levenberg_marquardt_uses_the_cascade_jacobian(rng):
    """LM's residual Jacobian (Objective.residuals_and_jacobian) against finite differences
    of the residuals, with sample weights, and one LM step lowering the loss."""
    net = _net([2, 3, 2, 1], ["tansig", "logsig", "purelin"], seed=3)
    X, Y = rng.normal(size=(7, 2)), rng.uniform(size=(7, 1))
    sw = rng.uniform(0.5, 2.0, 7)
    obj = bpnn.Objective(net, "sse", X, Y, sample_weight=sw)
    w = net.params.copy()
    r, J = obj.residuals_and_jacobian(w)

    def residual(v, i):
        return obj.residuals_and_jacobian(v)[0][i]

    Jn = np.array([numerical_gradient(lambda v: residual(v, i), w) for i in range(r.size)])
    np.testing.assert_allclose(J, Jn, atol=1e-8)
    rec = bpnn.train(net, X, Y, "lm", "sse", epochs=5, sample_weight=sw)
    assert rec.loss[-1] < rec.loss[0]


# -- the model file, the light predictor, the estimators --------------------------------------
def test_network_model_file_round_trip(tmp_path, rng):
    net = _net(*NETS[1])
    path = bpnn.save(net, tmp_path / "net.bpnn")
    back = bpnn.load(path)
    assert back.connections == "cascade" and back.spec() == net.spec()
    np.testing.assert_array_equal(back.params, net.params)
    X = rng.normal(size=(5, 2))
    np.testing.assert_array_equal(back.forward(X), net.forward(X))


def test_a_model_file_with_the_wrong_vector_length_is_refused(tmp_path):
    import json
    import zipfile

    path = bpnn.save(_net([2, 3, 1], ["tansig", "purelin"]), tmp_path / "net.bpnn")
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    name = next(n for n in files if "manifest" in n)
    man = json.loads(files[name])
    man["network"].pop("connections")  # now it claims a layered net: 13 parameters, not 15
    files[name] = json.dumps(man).encode()
    bad = tmp_path / "bad.bpnn"
    with zipfile.ZipFile(bad, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    with pytest.raises(bpnn.ModelFileError, match=r"layer sizes \[2, 3, 1\] need \(13,\)"):
        bpnn.load(bad)
    man["network"]["connections"] = "skip"
    files[name] = json.dumps(man).encode()
    with zipfile.ZipFile(bad, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    with pytest.raises(bpnn.ModelFileError, match="connections must be one of"):
        bpnn.load(bad)


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_estimators_with_cascade_connections(kind, tmp_path, rng):
    from bpnn.io import load_predictor

    X = rng.normal(size=(80, 3))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    est = (bpnn.BPRegressor if kind == "regressor" else bpnn.BPClassifier)(
        hidden=(4, 3), connections="cascade", epochs=40, random_state=0, warn=False
    )
    target = y if kind == "regressor" else y > 0
    est.fit(X, target)
    net = est.network_
    assert net.connections == "cascade" and net.fan_in == [3, 7, 10]
    assert est.get_params()["connections"] == "cascade"
    assert est.score(X, target) > 0.8
    path = bpnn.save(est, tmp_path / "model.bpnn")
    loaded, light = bpnn.load(path), load_predictor(path)
    assert loaded.connections == "cascade" and loaded.network_.connections == "cascade"
    predict = est.predict if kind == "regressor" else est.predict_proba
    for other in (loaded, light):
        again = other.predict if kind == "regressor" else other.predict_proba
        np.testing.assert_array_equal(again(X), predict(X))
    layered = bpnn.BPRegressor(hidden=(4, 3), epochs=2, random_state=0, warn=False).fit(X, y)
    assert layered.connections == "layered" and layered.network_.connections == "layered"


def test_estimator_refuses_an_unknown_connections_value():
    with pytest.raises(ValueError, match="connections must be 'layered' or 'cascade', got 'dense'"):
        bpnn.BPRegressor(connections="dense").fit(np.ones((10, 2)), np.arange(10.0))


def test_partial_fit_and_ensembles_keep_the_connections(rng):
    X, y = rng.normal(size=(40, 2)), rng.normal(size=40)
    est = bpnn.BPRegressor(hidden=(3,), connections="cascade", random_state=0, warn=False)
    est.partial_fit(X, y)
    assert est.network_.connections == "cascade"
    ens = bpnn.BPRegressor(
        hidden=(3,), connections="cascade", n_ensemble=2, epochs=3, random_state=0, warn=False
    ).fit(X, y)
    assert [n.connections for n in ens.networks_] == ["cascade", "cascade"]


# -- inspection, report, command line ---------------------------------------------------------
def test_olden_sums_every_path_including_the_shortcuts(rng):
    """For a linear cascade net, Olden's sum of path products is the exact dy/dx."""
    net = _net([3, 4, 2, 2], ["purelin", "purelin", "purelin"], seed=6)
    imp = bpnn.importance(net, method="olden", output=0, inputs="network")
    _, _, JX = net._outputs_and_jacobian(rng.normal(size=(1, 3)), input_jacobian=True)
    imp = imp.reindex([f"x{j}" for j in range(3)])
    got = (imp["importance"] * imp["sign"]).to_numpy()  # |value| and its sign
    np.testing.assert_allclose(got, JX[0, 0], rtol=1e-12)
    with pytest.raises(ValueError, match="method='garson' needs layered connections"):
        bpnn.importance(_net([3, 4, 1], ["tansig", "purelin"]), method="garson")


def test_network_diagram_draws_the_shortcut_weights():
    from bpnn import plots

    net = _net([2, 3, 2, 1], ["tansig", "tansig", "purelin"])
    ax = plots.plot_network(net, ["a", "b"], ["y"]).axes[0]
    assert len(ax.lines) == sum(W.size for W in net.weights)  # 6 + 10 + 7: one per weight
    arcs = [ln for ln in ax.lines if len(ln.get_xdata()) > 2]  # skip a layer: drawn bowed
    assert len(arcs) == 2 * 2 + 2 * 1 + 3 * 1  # x -> layer 2, x -> y, layer 1 -> y
    assert "cascade-forward" in ax.get_title() and "shortcut" in ax.get_title()


def test_cli_trains_a_cascade_network(tmp_path, rng, capsys):
    from bpnn.cli import main

    def run(argv):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's refusal
            code = exc.code
        return (code, *capsys.readouterr())

    X = rng.normal(size=(60, 2))
    y = X[:, 0] * X[:, 1] + np.sin(X[:, 0])
    data = tmp_path / "d.csv"
    np.savetxt(data, np.c_[X, y], delimiter=",", header="a,b,y", comments="")
    model = tmp_path / "m.bpnn"
    argv = ["train", str(data), "--target", "y", "--hidden", "4,3", "--epochs", "20"]
    code, out, err = run(argv + ["--connections", "cascade", "-o", str(model)])
    assert code == 0, err
    assert "2-4-3-1 tansig/tansig/purelin cascade-forward network" in " ".join(out.split())
    assert bpnn.load(model).network_.connections == "cascade"
    code, out, err = run(argv + ["--connections", "shortcut"])
    assert code == 2 and "shortcut" in err and "Traceback" not in err
    code, out, _ = run(["gradcheck", "--sizes", "3,4,2", "--connections", "cascade"])
    assert code == 0 and "connections='cascade'" in out and "OK" in out


def test_report_names_the_connections():
    from bpnn.report import render_html

    page = render_html(network=_net([2, 3, 1], ["tansig", "purelin"]), figures={})
    assert "2-3-1 cascade-forward" in page
    assert "Layers [2, 3, 1]; cascade-forward (every layer reads the input" in page
    assert "cascade" not in render_html(network=bpnn.Network([2, 3, 1]), figures={})


def test_explain_refuses_a_cascade_network_in_one_line():
    with pytest.raises(ValueError, match="this network has 'cascade' connections"):
        bpnn.explain(_net([2, 2, 1], ["logsig", "logsig"]), [1, 0], [1], print_=False)


def test_checkpoint_resume_of_a_cascade_run(tmp_path, rng):
    """A resumed run ends where the uninterrupted one does; a layered net of the same widths
    may not resume a cascade run (the checkpoint's network spec names the connections)."""
    X, Y = rng.uniform(-1, 1, (30, 2)), rng.uniform(-1, 1, (30, 1))

    def net(conn="cascade", seed=1):
        return bpnn.Network([2, 4, 1], ["tansig", "purelin"], seed=seed, connections=conn)

    ref = net()
    bpnn.train(ref, X, Y, "lm", "mse", epochs=8, seed=5)
    bpnn.train(net(), X, Y, "lm", "mse", epochs=4, seed=5, checkpoint=tmp_path / "c")
    again = net(seed=9)  # resuming starts from the checkpoint's parameters, not these
    bpnn.train(again, X, Y, "lm", "mse", epochs=8, seed=5, resume=tmp_path / "c")
    np.testing.assert_array_equal(again.params, ref.params)
    with pytest.raises(ValueError, match="network"):
        bpnn.train(net("layered"), X, Y, "lm", "mse", epochs=8, seed=5, resume=tmp_path / "c")
