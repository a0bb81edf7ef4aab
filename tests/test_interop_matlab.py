"""Importing MATLAB networks: genFunction .m files and .mat struct exports.

The fixtures are written here: a network bpnn trains is printed the way genFunction prints
one (every constant at %.17g, so the file holds the trained doubles exactly), in each of
genFunction's forms, then imported back. The imported model must predict what bpnn's own
network predicts, and what MATLAB's documented formulas compute from the file's constants
(``reference_*`` below, written out step by step), to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

import bpnn
from bpnn.cli import main
from bpnn.interop import import_matlab

RTOL, ATOL = 1e-12, 1e-12


# -- MATLAB's formulas, as its generated module functions compute them ----------------------
# (columns are samples, as in MATLAB)
def mapminmax_apply(x, xoffset, gain, ymin):
    y = x - xoffset  # bsxfun(@minus, x, settings.xoffset)
    y = y * gain  # bsxfun(@times, y, settings.gain)
    return y + ymin  # bsxfun(@plus, y, settings.ymin)


def mapminmax_reverse(y, xoffset, gain, ymin):
    x = y - ymin  # bsxfun(@minus, y, settings.ymin)
    x = x / gain  # bsxfun(@rdivide, x, settings.gain)
    return x + xoffset  # bsxfun(@plus, x, settings.xoffset)


def tansig_apply(n):
    return 2.0 / (1.0 + np.exp(-2.0 * n)) - 1.0  # MATLAB's tansig, not tanh


def softmax_apply(n):
    n = n - n.max(axis=0, keepdims=True)  # nmax = max(n, [], 1)
    numer = np.exp(n)
    return numer / numer.sum(axis=0, keepdims=True)


def reference_static(c, X, keep=None, output="mapminmax"):
    """A two-layer genFunction network on rows X, from its constants ``c``."""
    x1 = X.T  # MATLAB's columns are samples
    if keep is not None:
        x1 = x1[keep - 1, :]  # removeconstantrows_apply: x(settings.keep, :)
    xp1 = mapminmax_apply(x1, c["x_xoffset"], c["x_gain"], c["x_ymin"])
    a1 = tansig_apply(c["b1"] + c["IW1_1"] @ xp1)  # repmat(b1,1,Q) + IW1_1*xp1
    n2 = c["b2"] + c["LW2_1"] @ a1
    if output == "softmax":
        return softmax_apply(n2).T
    a2 = n2  # purelin
    return mapminmax_reverse(a2, c["y_xoffset"], c["y_gain"], c["y_ymin"]).T


# -- MATLAB's way of printing numbers -------------------------------------------------------
def num(v):
    return "%.17g" % v


def mat(A, wrap=None):
    """A MATLAB literal: a scalar, a column ``[a;b]`` or a matrix ``[a b;c d]``;
    ``wrap`` breaks every row after that many numbers with a ``...`` continuation."""
    A = np.atleast_2d(np.asarray(A, dtype=np.float64))
    if A.size == 1:
        return num(A.ravel()[0])
    rows = []
    for r in A:
        items = [num(v) for v in r]
        if wrap:
            items = [
                " ".join(items[i : i + wrap]) + (" ..." if i + wrap < len(items) else "")
                for i in range(0, len(items), wrap)
            ]
            rows.append("\n    ".join(items))
        else:
            rows.append(" ".join(items))
    return "[" + ";".join(rows) + "]"


def col(v):
    return mat(np.asarray(v, dtype=np.float64).reshape(-1, 1))


# -- a trained network and its constants, as MATLAB names them --------------------------------
def _fit_regressor(constant_column=False, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 3.0, size=(60, 3)) * np.array([1.0, 10.0, 0.1]) + np.array([0, 50, 5])
    if constant_column:
        X = np.insert(X, 1, 7.25, axis=1)  # a column removeconstantrows drops
    y = np.sin(X[:, 0]) + 0.02 * X[:, -2] + X[:, -1]
    model = bpnn.BPRegressor(
        hidden=(5,), preset="matlab", division=None, epochs=30, random_state=seed, warn=False
    ).fit(X, y)
    return model, X


def constants(model):
    """MATLAB's settings of a bpnn model fitted with min-max scaling to [-1, 1]."""
    im, net = model.input_map_, model.network_
    keep = np.flatnonzero(im.keep_) + 1  # MATLAB's 1-based rows
    c = {
        "keep": keep,
        "remove": np.flatnonzero(~im.keep_) + 1,
        "x_xoffset": im.range_low_[im.keep_][:, None],  # mapminmax's xoffset = xmin
        "x_gain": im.scale_[:, None],  # 2 / (xmax - xmin)
        "x_ymin": -1.0,
        "b1": net.biases[0][:, None],
        "IW1_1": net.weights[0],
        "b2": net.biases[1][:, None],
        "LW2_1": net.weights[1],
    }
    if hasattr(model, "target_map_"):
        tm = model.target_map_
        c.update(y_xoffset=tm.range_low_[:, None], y_gain=tm.scale_[:, None], y_ymin=-1.0)
    return c


# -- genFunction's forms --------------------------------------------------------------------
_MODULE_FNS = """
% ===== MODULE FUNCTIONS ========

% Map Minimum and Maximum Input Processing Function
function y = mapminmax_apply(x,{sig})
  y = bsxfun(@minus,x,{xoffset});
  y = bsxfun(@times,y,{gain});
  y = bsxfun(@plus,y,{ymin});
end

% Remove Constants Input Processing Function
function y = removeconstantrows_apply(x,{keepsig})
  y = x({keep},:);
end

% Sigmoid Symmetric Transfer Function
function a = tansig_apply(n,~)
  a = 2 ./ (1 + exp(-2*n)) - 1;
end

% Competitive Soft Transfer Function
function a = softmax_apply(n,~)
  nmax = max(n,[],1);
  n = bsxfun(@minus,n,nmax);
  numer = exp(n);
  denom = sum(numer,1);
  denom(denom == 0) = 1;
  a = bsxfun(@rdivide,numer,denom);
end

% Map Minimum and Maximum Output Reverse-Processing Function
function x = mapminmax_reverse(y,{sig})
  x = bsxfun(@minus,y,{ymin});
  x = bsxfun(@rdivide,x,{gain});
  x = bsxfun(@plus,x,{xoffset});
end
"""


def genfunction(c, form, output="mapminmax", n_inputs=3):
    """The text genFunction writes for a two-layer network with constants ``c``.

    ``form``: "flat-matrix" (older releases: x1_step1_gain ..., x = NxQ), "flat-cell"
    (older, cell arrays and a time loop), "struct-cell" (newer: x1_step1.gain ...),
    "struct-matrix" ('MatrixOnly','yes' in newer releases: x = QxN, transposed inside),
    "struct-cell-rows" (recent releases: cells of QxN matrices, X{1,ts} = X{1,ts}').
    """
    flat = form.startswith("flat")
    cells = "cell" in form
    rows = form.endswith("rows")
    has_rc = c["remove"].size > 0
    xs = "x1_step2" if has_rc else "x1_step1"

    def setting(prefix, field):
        return f"{prefix}_{field}" if flat else f"{prefix}.{field}"

    def args(prefix):
        if flat:
            return f"{prefix}_gain,{prefix}_xoffset,{prefix}_ymin"
        return prefix

    lines = []
    if cells:
        lines += [
            "function [Y,Xf,Af] = myNeuralNetworkFunction(X,~,~)",
            "%MYNEURALNETWORKFUNCTION neural network simulation function.",
            "%",
            "% [Y] = myNeuralNetworkFunction(X,~,~) takes these arguments:",
            "%",
            "%   X = 1xTS cell, 1 inputs over TS timesteps",
            f"%   Each X{{1,ts}} = {f'Qx{n_inputs}' if rows else f'{n_inputs}xQ'} matrix, "
            "input #1 at timestep ts.",
            "%",
            "% where Q is number of samples (or series) and TS is the number of timesteps.",
        ]
    else:
        shape = f"Qx{n_inputs}" if form == "struct-matrix" else f"{n_inputs}xQ"
        lines += [
            "function [y1] = myNeuralNetworkFunction(x1)",
            "%MYNEURALNETWORKFUNCTION neural network simulation function.",
            "%",
            "% [y1] = myNeuralNetworkFunction(x1) takes these arguments:",
            f"%   x = {shape} matrix, input #1",
            "% where Q is the number of samples.",
        ]
    lines += ["", "%#ok<*RPMT0>", "", "  % ===== NEURAL NETWORK CONSTANTS =====", "", "  % Input 1"]
    if has_rc:
        lines.append(f"  {setting('x1_step1', 'keep')} = {mat(c['keep'][None, :])};")
        if flat:
            lines.append(f"  x1_step1_remove = {mat(c['remove'][None, :])};")
    lines += [
        f"  {setting(xs, 'xoffset')} = {col(c['x_xoffset'])};",
        f"  {setting(xs, 'gain')} = {col(c['x_gain'])};",
        f"  {setting(xs, 'ymin')} = {num(c['x_ymin'])};",
        "",
        "  % Layer 1",
        f"  b1 = {col(c['b1'])};",
        f"  IW1_1 = {mat(c['IW1_1'], wrap=2)};",  # '...' continuations
        "",
        "  % Layer 2",
        f"  b2 = {col(c['b2'])};",
        f"  LW2_1 = {mat(c['LW2_1'])};",
        "",
    ]
    if output == "mapminmax":
        lines += [
            "  % Output 1",
            f"  {setting('y1_step1', 'ymin')} = {num(c['y_ymin'])};",
            f"  {setting('y1_step1', 'gain')} = {col(c['y_gain'])};",
            f"  {setting('y1_step1', 'xoffset')} = {col(c['y_xoffset'])};",
            "",
        ]
    lines += ["  % ===== SIMULATION ========", ""]
    xin = "X{1,ts}" if cells else "x1"
    rc_arg = setting("x1_step1", "keep") if flat else "x1_step1"
    proc = [f"Xp1 = removeconstantrows_apply({xin},{rc_arg});"] if has_rc else []
    src = "Xp1" if has_rc else xin
    proc.append(f"Xp1 = mapminmax_apply({src},{args(xs)});")
    layer = [
        "a1 = tansig_apply(repmat(b1,1,Q) + IW1_1*Xp1);",
        "",
        "% Layer 2",
        "a2 = softmax_apply(repmat(b2,1,Q) + LW2_1*a1);"
        if output == "softmax"
        else "a2 = repmat(b2,1,Q) + LW2_1*a1;",
    ]
    out_expr = f"mapminmax_reverse(a2,{args('y1_step1')})" if output == "mapminmax" else "a2"
    if cells:
        lines += [
            "  % Format Input Arguments",
            "  isCellX = iscell(X);",
            "  if ~isCellX, X = {X}; end;",
            "",
            "  % Dimensions",
            "  TS = size(X,2); % timesteps",
            "  if ~isempty(X)",
            f"    Q = size(X{{1}},{1 if rows else 2}); % samples/series",
            "  else",
            "    Q = 0;",
            "  end",
            "",
            "  % Allocate Outputs",
            "  Y = cell(1,TS);",
            "",
            "  % Time loop",
            "  for ts=1:TS",
            "",
            "    % Input 1",
            *(["    X{1,ts} = X{1,ts}';"] if rows else []),
            *["    " + p for p in proc],
            "",
            "    % Layer 1",
            *["    " + s for s in layer],
            "",
            "    % Output 1",
            f"    Y{{1,ts}} = {out_expr};",
            *(["    Y{1,ts} = Y{1,ts}';"] if rows else []),
            "  end",
            "",
            "  % Final Delay States",
            "  Xf = cell(1,0);",
            "  Af = cell(2,0);",
            "",
            "  % Format Output Arguments",
            "  if ~isCellX, Y = cell2mat(Y); end",
            "end",
        ]
    else:
        transposed = form == "struct-matrix"
        lines += [
            "  % Dimensions",
            f"  Q = size(x1,{1 if transposed else 2}); % samples",
            "",
            "  % Input 1",
            *(["  x1 = x1';"] if transposed else []),
            *["  " + p for p in proc],
            "",
            "  % Layer 1",
            *["  " + s for s in layer],
            "",
            "  % Output 1",
            f"  y1 = {out_expr};",
            *(["  y1 = y1';"] if transposed else []),
            "end",
        ]
    if flat:
        fill = dict(
            sig="settings_gain,settings_xoffset,settings_ymin",
            xoffset="settings_xoffset",
            gain="settings_gain",
            ymin="settings_ymin",
            keepsig="settings_keep",
            keep="settings_keep",
        )
    else:
        fill = dict(
            sig="settings",
            xoffset="settings.xoffset",
            gain="settings.gain",
            ymin="settings.ymin",
            keepsig="settings",
            keep="settings.keep",
        )
    return "\n".join(lines) + "\n" + _MODULE_FNS.format(**fill)


FORMS = ["flat-matrix", "flat-cell", "struct-cell", "struct-matrix", "struct-cell-rows"]


@pytest.fixture(scope="module")
def regressor():
    return _fit_regressor(constant_column=False)


@pytest.fixture(scope="module")
def regressor_rc():
    return _fit_regressor(constant_column=True, seed=1)


@pytest.mark.parametrize("form", FORMS)
def test_fitnet_each_form_predicts_as_bpnn_and_as_matlabs_formulas(regressor, form, tmp_path):
    model, X = regressor
    c = constants(model)
    path = tmp_path / "myNeuralNetworkFunction.m"
    path.write_text(genfunction(c, form))
    imported = import_matlab(path)
    assert isinstance(imported, bpnn.BPRegressor)
    Xn = X[:17] + 0.3  # rows the network did not see too
    got = imported.predict(Xn)
    np.testing.assert_allclose(got, model.predict(Xn), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got, reference_static(c, Xn).ravel(), rtol=RTOL, atol=ATOL)
    # the constants are the trained doubles themselves, bit for bit
    assert np.array_equal(imported.network_.params, model.network_.params)
    assert imported.hidden_ == (5,) and imported.n_features_in_ == 3


@pytest.mark.parametrize("form", FORMS)
def test_removeconstantrows_keep_rows(regressor_rc, form, tmp_path):
    model, X = regressor_rc
    c = constants(model)
    assert c["remove"].tolist() == [2]  # the constant column
    path = tmp_path / "f.m"
    path.write_text(genfunction(c, form, n_inputs=4))
    imported = import_matlab(path)
    assert imported.n_features_in_ == 4 and imported.input_map_.keep_.tolist() == [
        True,
        False,
        True,
        True,
    ]
    Xn = X[:9] * 1.01
    got = imported.predict(Xn)
    np.testing.assert_allclose(got, model.predict(Xn), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        got, reference_static(c, Xn, keep=c["keep"]).ravel(), rtol=RTOL, atol=ATOL
    )


# -- patternnet: softmax, class order -----------------------------------------------------
@pytest.fixture(scope="module")
def classifier():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 2)) * [2.0, 0.5] + [1.0, -3.0]
    y = np.digitize(X[:, 0] + 2 * (X[:, 1] + 3), [-0.5, 1.5])  # three classes 0, 1, 2
    model = bpnn.BPClassifier(
        hidden=(6,), preset="matlab", division=None, epochs=40, random_state=0, warn=False
    ).fit(X, y)
    return model, X


@pytest.mark.parametrize("form", ["flat-cell", "struct-matrix"])
def test_patternnet_softmax_is_a_classifier_with_matlabs_class_order(classifier, form, tmp_path):
    model, X = classifier
    c = constants(model)
    path = tmp_path / "f.m"
    path.write_text(genfunction(c, form, output="softmax", n_inputs=2))
    imported = import_matlab(path)
    assert isinstance(imported, bpnn.BPClassifier)
    assert imported.classes_.tolist() == [0, 1, 2]  # MATLAB's target rows, in order
    P = imported.predict_proba(X)
    np.testing.assert_allclose(P, model.predict_proba(X), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(P, reference_static(c, X, output="softmax"), rtol=RTOL, atol=ATOL)
    assert np.array_equal(imported.predict(X), model.predict(X))
    named = import_matlab(path, classes=["low", "mid", "high"])
    assert named.predict(X[:3]).tolist() == [
        ["low", "mid", "high"][i] for i in np.argmax(P[:3], axis=1)
    ]
    regr = import_matlab(path, task="regression")  # the outputs themselves, one per row
    np.testing.assert_allclose(regr.predict(X), P, rtol=RTOL, atol=ATOL)


# -- any number of layers, other transfer functions, mapstd -----------------------------------
_TRANSFER_BODIES = {
    "logsig": "a = 1 ./ (1 + exp(-n));",
    "poslin": "a = max(0,n);",
    "satlin": "a = max(0,min(1,n));",
    "hardlim": "a = double(n >= 0);",
    "tansig": "a = 2 ./ (1 + exp(-2*n)) - 1;",
    "softmax": "nmax = max(n,[],1); n = bsxfun(@minus,n,nmax); numer = exp(n); "
    "a = bsxfun(@rdivide,numer,sum(numer,1));",
}
_MATLAB_TRANSFER = {  # the same bodies in NumPy, for the reference
    "logsig": lambda n: 1.0 / (1.0 + np.exp(-n)),
    "poslin": lambda n: np.maximum(0.0, n),
    "satlin": lambda n: np.maximum(0.0, np.minimum(1.0, n)),
    "hardlim": lambda n: (n >= 0).astype(float),
    "tansig": tansig_apply,
    "purelin": lambda n: n,
    "softmax": softmax_apply,
}


def genfunction_deep(W, b, tfs, xoffset, gain, ymean):
    """A struct-form 'MatrixOnly' function of len(W) layers with mapstd inputs and raw
    outputs (no output processing)."""
    L = len(W)
    lines = [
        "function [y1] = deepNet(x1)",
        "% ===== NEURAL NETWORK CONSTANTS =====",
        "% Input 1",
        f"x1_step1.xoffset = {col(xoffset)};",
        f"x1_step1.gain = {col(gain)};",
        f"x1_step1.ymean = {num(ymean)};",
    ]
    for k in range(L):
        lines += [f"% Layer {k + 1}", f"b{k + 1} = {col(b[k])};"]
        lines.append(f"{'IW1_1' if k == 0 else f'LW{k + 1}_{k}'} = {mat(W[k])};")
    lines += ["% ===== SIMULATION ========", "Q = size(x1,2); % samples"]
    lines.append("xp1 = mapstd_apply(x1,x1_step1);")
    for k in range(L):
        src = "xp1" if k == 0 else f"a{k}"
        w = "IW1_1" if k == 0 else f"LW{k + 1}_{k}"
        net_in = f"repmat(b{k + 1},1,Q) + {w}*{src}"
        rhs = net_in if tfs[k] == "purelin" else f"{tfs[k]}_apply({net_in})"
        lines.append(f"a{k + 1} = {rhs};")
    lines += [f"y1 = a{L};", "end", "", "% ===== MODULE FUNCTIONS ========"]
    lines += [
        "function y = mapstd_apply(x,settings)",
        "  y = bsxfun(@minus,x,settings.xoffset);",
        "  y = bsxfun(@times,y,settings.gain);",
        "  y = bsxfun(@plus,y,settings.ymean);",
        "end",
    ]
    for tf in sorted(set(tfs) - {"purelin"}):
        lines += [f"function a = {tf}_apply(n,~)", f"  {_TRANSFER_BODIES[tf]}", "end"]
    return "\n".join(lines) + "\n"


def test_four_layers_mapstd_and_every_transfer_function(tmp_path, rng):
    sizes = [3, 6, 5, 4, 2]
    tfs = ["logsig", "poslin", "satlin", "purelin"]
    W = [rng.normal(size=(o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [rng.normal(size=o) for o in sizes[1:]]
    xoffset, gain = rng.normal(size=3) * 5, rng.uniform(0.5, 2, size=3)
    path = tmp_path / "deep.m"
    path.write_text(genfunction_deep(W, b, tfs, xoffset, gain, 0.0))
    model = import_matlab(path)
    X = rng.normal(size=(20, 3)) * 5
    # reference: MATLAB's formulas on the columns
    a = (X.T - xoffset[:, None]) * gain[:, None] + 0.0  # mapstd_apply
    for Wk, bk, tf in zip(W, b, tfs):
        a = _MATLAB_TRANSFER[tf](bk[:, None] + Wk @ a)  # repmat(b,1,Q) + W*a
    np.testing.assert_allclose(model.predict(X), a.T, rtol=RTOL, atol=ATOL)
    assert [f.name for f in model.network_.activations] == tfs
    assert model.input_map_.scaling == "standard" and model.hidden_ == (6, 5, 4)


def test_hardlim_and_tansig_layers(tmp_path, rng):
    sizes = [2, 4, 3, 1]
    tfs = ["hardlim", "tansig", "purelin"]
    W = [rng.normal(size=(o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [rng.normal(size=o) for o in sizes[1:]]
    path = tmp_path / "h.m"
    path.write_text(genfunction_deep(W, b, tfs, np.zeros(2), np.ones(2), 0.0))
    model = import_matlab(path)
    X = rng.normal(size=(30, 2))
    a = X.T
    for Wk, bk, tf in zip(W, b, tfs):
        a = _MATLAB_TRANSFER[tf](bk[:, None] + Wk @ a)
    np.testing.assert_allclose(model.predict(X), a.ravel(), rtol=RTOL, atol=ATOL)


def test_a_layer_without_a_bias(tmp_path, rng):
    W = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
    b = [np.zeros(3), rng.normal(size=1)]
    text = genfunction_deep(W, b, ["tansig", "purelin"], np.zeros(2), np.ones(2), 0.0)
    text = text.replace("repmat(b1,1,Q) + ", "")  # net.biasConnect(1) = 0
    (tmp_path / "nb.m").write_text(text.replace("b1 = ", "% b1 = "))
    model = import_matlab(tmp_path / "nb.m")
    X = rng.normal(size=(6, 2))
    ref = b[1][:, None] + W[1] @ tansig_apply(W[0] @ X.T)
    np.testing.assert_allclose(model.predict(X), ref.ravel(), rtol=RTOL, atol=ATOL)


def test_satlin_and_hardlim_are_matlabs():
    z = np.array([[-2.0, -0.0, 0.0, 0.3, 1.0, 7.0]])
    np.testing.assert_array_equal(bpnn.get_activation("satlin")(z), [[0, 0, 0, 0.3, 1, 1]])
    np.testing.assert_array_equal(bpnn.get_activation("hardlim")(z), [[0, 1, 1, 1, 1, 1]])


# -- NARX / NAR: Xi, Ai, LW1_2 ----------------------------------------------------------------
@pytest.fixture(scope="module")
def narx():
    t = np.arange(160.0)
    x = np.sin(0.11 * t) + 0.3 * np.cos(0.37 * t)
    y = np.zeros_like(t)
    for i in range(2, len(t)):  # a dynamic system driven by x
        y[i] = 0.6 * y[i - 1] - 0.2 * y[i - 2] + np.tanh(x[i - 1]) + 0.5 * x[i - 2]
    model = bpnn.narxnet((1, 2), (1, 2), hidden=4, epochs=25, random_state=0, warn=False)
    return model.fit(y, x), x, y


def _tmap(m):
    """(xoffset, gain, ymin) of a bpnn TargetScaler fitted by min-max to [-1, 1]."""
    return m.range_low_[:, None], m.scale_[:, None], -1.0


def genfunction_narx(model, loop):
    """genFunction's cell-form NARX function, open or closed loop, of a bpnn narxnet."""
    net = model.network_
    nx = model.n_exog_
    W1 = net.weights[0]
    IW, FB = W1[:, : 2 * nx], W1[:, 2 * nx :]  # bpnn's columns: x(t-1), x(t-2), y(t-1), y(t-2)
    xo, xg, xm = _tmap(model.x_map_)
    yo, yg, ym = _tmap(model.y_map_)
    fb_name = "IW1_2" if loop == "open" else "LW1_2"
    head = (
        "function [Y,Xf,Af] = narxNet(X,Xi,~)"
        if loop == "open"
        else ("function [Y,Xf,Af] = narxNet(X,Xi,Ai)")
    )
    L = [
        head,
        "%NARXNET neural network simulation function.",
        "%   Each X{1,ts} = 1xQ matrix, input #1 at timestep ts.",
        "",
        "% ===== NEURAL NETWORK CONSTANTS =====",
        "",
        "% Input 1",
        f"x1_step1.xoffset = {col(xo)};",
        f"x1_step1.gain = {col(xg)};",
        f"x1_step1.ymin = {num(xm)};",
    ]
    if loop == "open":
        L += [
            "% Input 2",
            f"x2_step1.xoffset = {col(yo)};",
            f"x2_step1.gain = {col(yg)};",
            f"x2_step1.ymin = {num(ym)};",
        ]
    L += [
        "% Layer 1",
        f"b1 = {col(net.biases[0])};",
        f"IW1_1 = {mat(IW)};",
        f"{fb_name} = {mat(FB)};",
        "% Layer 2",
        f"b2 = {col(net.biases[1])};",
        f"LW2_1 = {mat(net.weights[1])};",
        "% Output 1",
        f"y1_step1.ymin = {num(ym)};",
        f"y1_step1.gain = {col(yg)};",
        f"y1_step1.xoffset = {col(yo)};",
        "",
        "% ===== SIMULATION ========",
        "",
        "% Format Input Arguments",
        "isCellX = iscell(X);",
        "if ~isCellX",
        "  X = {X};",
        "end",
        "if (nargin < 2), error('Initial input states Xi argument needed.'); end",
        "",
        "% Dimensions",
        "TS = size(X,2); % timesteps",
        "if ~isempty(X)",
        "  Q = size(X{1},2); % samples/series",
        "elseif ~isempty(Xi)",
        "  Q = size(Xi{1},2);",
        "else",
        "  Q = 0;",
        "end",
        "",
        "% Input 1 Delay States",
        "Xd1 = cell(1,3);",
        "for ts=1:2",
        "    Xd1{ts} = mapminmax_apply(Xi{1,ts},x1_step1);",
        "end",
    ]
    if loop == "open":
        L += [
            "% Input 2 Delay States",
            "Xd2 = cell(1,3);",
            "for ts=1:2",
            "    Xd2{ts} = mapminmax_apply(Xi{2,ts},x2_step1);",
            "end",
        ]
    else:
        L += ["% Layer Delay States", "Ad1 = [Ai(1,:) cell(1,1)];", "Ad2 = [Ai(2,:) cell(1,1)];"]
    L += ["", "% Allocate Outputs", "Y = cell(1,TS);", "", "% Time loop", "for ts=1:TS", ""]
    L += ["      % Rotating delay state position", "      xdts = mod(ts+1,3)+1;"]
    if loop == "closed":
        L += ["      adts = mod(ts+1,3)+1;"]
    L += ["    % Input 1", "    Xd1{xdts} = mapminmax_apply(X{1,ts},x1_step1);"]
    if loop == "open":
        L += [
            "    % Input 2",
            "    Xd2{xdts} = mapminmax_apply(X{2,ts},x2_step1);",
            "    % Layer 1",
            "    tapdelay1 = cat(1,Xd1{mod(xdts-[1 2]-1,3)+1});",
            "    tapdelay2 = cat(1,Xd2{mod(xdts-[1 2]-1,3)+1});",
            "    a1 = tansig_apply(repmat(b1,1,Q) + IW1_1*tapdelay1 + IW1_2*tapdelay2);",
            "    % Layer 2",
            "    a2 = repmat(b2,1,Q) + LW2_1*a1;",
            "    % Output 1",
            "    Y{1,ts} = mapminmax_reverse(a2,y1_step1);",
        ]
    else:
        L += [
            "    % Layer 1",
            "    tapdelay1 = cat(1,Xd1{mod(xdts-[1 2]-1,3)+1});",
            "    tapdelay2 = cat(1,Ad2{mod(adts-[1 2]-1,3)+1});",
            "    Ad1{adts} = tansig_apply(repmat(b1,1,Q) + IW1_1*tapdelay1 + LW1_2*tapdelay2);",
            "    % Layer 2",
            "    tapdelay1 = cat(1,Ad1{mod(adts-0-1,3)+1});",
            "    Ad2{adts} = repmat(b2,1,Q) + LW2_1*tapdelay1;",
            "    % Output 1",
            "    Y{1,ts} = mapminmax_reverse(Ad2{adts},y1_step1);",
        ]
    L += [
        "end",
        "",
        "% Final Delay States",
        "finalxts = TS+(1: 2);",
        "xits = finalxts(finalxts<=2);",
        "xts = finalxts(finalxts>2)-2;",
        "Xf = [Xi(:,xits) X(:,xts)];",
    ]
    if loop == "closed":
        L += [
            "finalats = TS+(1: 2);",
            "ats = mod(finalats-1,3)+1;",
            "Af = cell(2,2);",
            "Af(1,:) = Ad1(:,ats);",
            "Af(2,:) = Ad2(:,ats);",
        ]
    else:
        L += ["Af = cell(2,0);"]
    L += ["", "% Format Output Arguments", "if ~isCellX", "  Y = cell2mat(Y);", "end", "end"]
    fill = dict(
        sig="settings", xoffset="settings.xoffset", gain="settings.gain", ymin="settings.ymin",
        keepsig="settings", keep="settings.keep",
    )  # fmt: skip
    return "\n".join(L) + "\n" + _MODULE_FNS.format(**fill)


def reference_narx_closed(model, x_init, y_init, x_future):
    """MATLAB's closed-loop time loop: Xd1 holds processed x, Ad2 the layer-2 outputs
    (processed y, fed back through LW1_2), each tap reading delays 1 and 2."""
    net = model.network_
    xo, xg, xm = _tmap(model.x_map_)
    yo, yg, ym = _tmap(model.y_map_)
    IW, LW12 = net.weights[0][:, :2], net.weights[0][:, 2:]
    b1, LW21, b2 = net.biases[0][:, None], net.weights[1], net.biases[1][:, None]
    xd = [mapminmax_apply(np.array([[v]]), xo, xg, xm) for v in x_init]  # Xi, processed
    ad2 = [mapminmax_apply(np.array([[v]]), yo, yg, ym) for v in y_init]  # Ai{2,:}
    out = []
    for v in x_future:
        xd.append(mapminmax_apply(np.array([[v]]), xo, xg, xm))  # Xd1{xdts}, time ts
        tap1 = np.vstack([xd[-2], xd[-3]])  # x(ts-1), x(ts-2)
        tap2 = np.vstack([ad2[-1], ad2[-2]])  # a2(ts-1), a2(ts-2)
        a1 = tansig_apply(b1 + IW @ tap1 + LW12 @ tap2)
        a2 = b2 + LW21 @ a1
        ad2.append(a2)
        out.append(mapminmax_reverse(a2, yo, yg, ym)[0, 0])
    return np.array(out)


def test_narx_closed_loop_imports_as_a_forecaster(narx, tmp_path):
    model, x, y = narx
    path = tmp_path / "narxClosed.m"
    path.write_text(genfunction_narx(model, "closed"))
    f = import_matlab(path)
    assert isinstance(f, bpnn.BPForecaster) and f.kind_ == "narxnet"
    assert f.feedback_delays_ == (1, 2) and f.input_delays_ == (1, 2)
    x_init, y_init, x_future = x[100:102], y[100:102], x[102:130]
    got = f.predict(28, X=x_future, last_window=y_init, last_window_X=x_init)
    want = model.predict(28, X=x_future, last_window=y_init, last_window_X=x_init)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    ref = reference_narx_closed(model, x_init, y_init, x_future)
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL)
    with pytest.raises(ValueError, match=r"imported \(bpnn.interop\) and holds no fitted series"):
        f.predict(3, X=x_future[:3])


def test_narx_open_loop_is_one_step_ahead(narx, tmp_path):
    model, x, y = narx
    path = tmp_path / "narxOpen.m"
    path.write_text(genfunction_narx(model, "open"))
    f = import_matlab(path)
    assert f.kind_ == "narxnet" and f.n_exog_ == 1
    got = f.predict_open_loop(y[:50], X=x[:50])
    np.testing.assert_allclose(got, model.predict_open_loop(y[:50], X=x[:50]), rtol=RTOL, atol=ATOL)
    # MATLAB's open loop at t: tansig(b1 + IW1_1 [x(t-1); x(t-2)] + IW1_2 [y(t-1); y(t-2)])
    net = model.network_
    xo, xg, xm = _tmap(model.x_map_)
    yo, yg, ym = _tmap(model.y_map_)
    xp, yp = mapminmax_apply(x[None, :50], xo, xg, xm), mapminmax_apply(y[None, :50], yo, yg, ym)
    taps = np.vstack([xp[:, 1:-1], xp[:, :-2], yp[:, 1:-1], yp[:, :-2]])  # t = 2 .. 49
    a1 = tansig_apply(net.biases[0][:, None] + net.weights[0] @ taps)
    a2 = net.biases[1][:, None] + net.weights[1] @ a1
    ref = mapminmax_reverse(a2, yo, yg, ym).ravel()
    np.testing.assert_allclose(got[2:], ref, rtol=RTOL, atol=ATOL)
    assert np.all(np.isnan(got[:2]))  # the initial delay states
    # the same file read as a time-delay network (both inputs exogenous) is refused for
    # its two exogenous inputs; feedback="last" is what "auto" found
    again = import_matlab(path, feedback="last")
    assert np.array_equal(again.network_.params, f.network_.params)
    with pytest.raises(ValueError, match="2 exogenous inputs"):
        import_matlab(path, feedback="none")


def test_nar_closed_loop(tmp_path):
    t = np.arange(120.0)
    y = np.sin(0.2 * t) * (1 + 0.2 * np.cos(0.05 * t))
    model = bpnn.narnet((1, 2, 3), hidden=3, epochs=15, random_state=1, warn=False).fit(y)
    net = model.network_
    yo, yg, ym = _tmap(model.y_map_)
    text = "\n".join(
        [
            "function [Y,Xf,Af] = narNet(X,~,Ai)",
            "% ===== NEURAL NETWORK CONSTANTS =====",
            "% Layer 1",
            f"b1 = {col(net.biases[0])};",
            f"LW1_2 = {mat(net.weights[0])};",
            "% Layer 2",
            f"b2 = {col(net.biases[1])};",
            f"LW2_1 = {mat(net.weights[1])};",
            "% Output 1",
            f"y1_step1.ymin = {num(ym)};",
            f"y1_step1.gain = {col(yg)};",
            f"y1_step1.xoffset = {col(yo)};",
            "% ===== SIMULATION ========",
            "isCellX = iscell(X);",
            "if ~isCellX, X = {X}; end",
            "TS = size(X,2); % timesteps",
            "Q = size(Ai{1},2);",
            "Ad1 = [Ai(1,:) cell(1,1)];",
            "Ad2 = [Ai(2,:) cell(1,1)];",
            "Y = cell(1,TS);",
            "for ts=1:TS",
            "    adts = mod(ts+2,4)+1;",
            "    tapdelay1 = cat(1,Ad2{mod(adts-[1 2 3]-1,4)+1});",
            "    Ad1{adts} = tansig_apply(repmat(b1,1,Q) + LW1_2*tapdelay1);",
            "    tapdelay1 = cat(1,Ad1{mod(adts-0-1,4)+1});",
            "    Ad2{adts} = repmat(b2,1,Q) + LW2_1*tapdelay1;",
            "    Y{1,ts} = mapminmax_reverse(Ad2{adts},y1_step1);",
            "end",
            "Xf = cell(1,0);",
            "Af = cell(2,3);",
            "if ~isCellX, Y = cell2mat(Y); end",
            "end",
            "function a = tansig_apply(n,~)",
            "  a = 2 ./ (1 + exp(-2*n)) - 1;",
            "end",
            "function x = mapminmax_reverse(y,settings)",
            "  x = bsxfun(@minus,y,settings.ymin);",
            "  x = bsxfun(@rdivide,x,settings.gain);",
            "  x = bsxfun(@plus,x,settings.xoffset);",
            "end",
        ]
    )
    path = tmp_path / "nar.m"
    path.write_text(text)
    f = import_matlab(path)
    assert f.kind_ == "narnet" and f.feedback_delays_ == (1, 2, 3) and f.n_exog_ == 0
    hist = y[50:53]
    np.testing.assert_allclose(
        f.predict(12, last_window=hist), model.predict(12, last_window=hist), rtol=RTOL, atol=ATOL
    )


# -- the .mat route ---------------------------------------------------------------------------
def mat_export(model, X):
    """The struct the MATLAB snippet of docs/matlab.md saves, for a bpnn regressor fitted
    with min-max scaling (removeconstantrows + mapminmax on inputs and outputs)."""
    c = constants(model)
    im, tm = model.input_map_, model.target_map_
    keep = im.keep_
    empty = np.zeros((0, 0))
    return {
        "bpnn_format": 1.0,
        "numLayers": 2.0,
        "numInputs": 1.0,
        "outputLayer": 2.0,
        "trainFcn": "trainlm",
        "b1": c["b1"],
        "tf1": "tansig",
        "IW1_1": c["IW1_1"],
        "IW1_1_delays": np.zeros((1, 1)),
        "b2": c["b2"],
        "tf2": "purelin",
        "LW2_1": c["LW2_1"],
        "LW2_1_delays": np.zeros((1, 1)),
        "x1_size": float(keep.size),
        "x1_feedbackOutput": empty,
        "x1_steps": "removeconstantrows,mapminmax",
        "x1_step1_xrows": float(keep.size),
        "x1_step1_keep": c["keep"][None, :].astype(float),
        "x1_step1_remove": c["remove"][None, :].astype(float) if c["remove"].size else empty,
        "x1_step1_value": X[:1, ~keep].T if c["remove"].size else empty,
        "x1_step2_xoffset": c["x_xoffset"],
        "x1_step2_gain": c["x_gain"],
        "x1_step2_ymin": -1.0,
        "x1_step2_ymax": 1.0,
        "x1_step2_xmin": im.range_low_[keep][:, None],
        "x1_step2_xmax": im.range_high_[keep][:, None],
        "y1_steps": "removeconstantrows,mapminmax",
        "y1_step1_keep": np.ones((1, 1)),
        "y1_step1_remove": empty,
        "y1_step2_xoffset": c["y_xoffset"],
        "y1_step2_gain": c["y_gain"],
        "y1_step2_ymin": -1.0,
        "y1_step2_xmin": tm.range_low_[:, None],
        "y1_step2_xmax": tm.range_high_[:, None],
    }


def write_mat73(path, d):
    """A MATLAB v7.3 file as MATLAB writes one: HDF5 behind a 512-byte header, arrays
    stored transposed (column-major), chars as uint16, class names in MATLAB_class."""
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w", userblock_size=512) as f:
        for name, v in d.items():
            if isinstance(v, str):
                ds = f.create_dataset(name, data=np.array([[ord(c)] for c in v], np.uint16))
                ds.attrs["MATLAB_class"] = np.bytes_("char")
                continue
            A = np.atleast_2d(np.asarray(v, dtype=np.float64))
            if A.size == 0:
                ds = f.create_dataset(name, data=np.array([0, 0], np.uint64))
                ds.attrs["MATLAB_empty"] = np.uint8(1)
            else:
                ds = f.create_dataset(name, data=A.T)
            ds.attrs["MATLAB_class"] = np.bytes_("double")
    head = (
        b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Dec  7 12:00:00 2026 "
        b"HDF5 schema 1.00 ."
    )
    with open(path, "r+b") as f:
        f.write(head.ljust(116) + b"\0" * 8 + b"\x00\x02IM")


@pytest.mark.parametrize("version", ["v7", "v7.3"])
def test_mat_struct_export(regressor_rc, version, tmp_path):
    model, X = regressor_rc
    path = tmp_path / "net_export.mat"
    d = mat_export(model, X)
    if version == "v7":
        from scipy.io import savemat

        savemat(path, d)
    else:
        write_mat73(path, d)
    imported = import_matlab(path)
    assert imported.algorithm == "lm"  # trainFcn 'trainlm': a later fit trains as MATLAB did
    Xn = X[:11] - 0.1
    np.testing.assert_allclose(imported.predict(Xn), model.predict(Xn), rtol=RTOL, atol=ATOL)
    ref = reference_static(constants(model), Xn, keep=constants(model)["keep"]).ravel()
    np.testing.assert_allclose(imported.predict(Xn), ref, rtol=RTOL, atol=ATOL)
    # the export holds the ranges: data beyond them warn as for a bpnn fit
    np.testing.assert_array_equal(imported.input_map_.range_low_, model.input_map_.range_low_)


def test_mat_holding_a_network_object_says_how_to_export(tmp_path):
    from scipy.io import savemat

    path = tmp_path / "net.mat"
    savemat(path, {"net": np.array([[1, 2]], dtype=object)})  # a cell array, not numbers
    with pytest.raises(ValueError, match=r"net.*docs/matlab.md, 'Bring a trained network'"):
        import_matlab(path)


def test_mat73_network_object_is_refused_in_one_line(tmp_path):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "net.mat"
    with h5py.File(path, "w", userblock_size=512) as f:
        ds = f.create_dataset("net", data=np.zeros((6, 1), np.uint32))
        ds.attrs["MATLAB_class"] = np.bytes_("network")
        ds.attrs["MATLAB_object_decode"] = np.int32(3)
    with pytest.raises(ValueError, match=r"'net' is a MATLAB network object.*snippet") as e:
        import_matlab(path)
    assert "\n" not in str(e.value)


# -- refusals ------------------------------------------------------------------------------
def _simple_text(regressor):
    model, _ = regressor
    return genfunction(constants(model), "struct-cell")


@pytest.mark.parametrize(
    "change, words",
    [
        (("a1 = tansig_apply(", "a1 = radbas_apply("), "transfer function radbas"),
        (("Xp1 = mapminmax_apply(", "Xp1 = processpca_apply("), "processing function processpca"),
        (("Y = cell(1,TS);", "Y = cell(1,TS); foo(3);"), "cannot read: 'foo(3)'"),
        (("b2 = ", "bias2 = "), "b2 is not among the file's constants"),
        (("LW2_1*a1", "LW2_1*a7"), "uses 'a7' before it is computed"),
    ],
)
def test_a_file_it_cannot_read_is_refused_naming_the_line(regressor, tmp_path, change, words):
    text = _simple_text(regressor)
    old, new = change
    assert old in text
    text = text.replace(old, new, 1)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if new.split("(")[0] in s)
    path = tmp_path / "bad.m"
    path.write_text(text)
    with pytest.raises(ValueError) as e:
        import_matlab(path)
    msg = str(e.value)
    assert "\n" not in msg and words in msg and msg.startswith("bad.m: line ")
    if "constants" not in words:
        assert f"line {line}:" in msg


def test_malformed_matrix_and_brackets_name_the_line(tmp_path):
    path = tmp_path / "m.m"
    path.write_text("function [y1] = f(x1)\nb1 = [1 2;\n3 4 5];\nQ = size(x1,2);\n")
    with pytest.raises(ValueError, match=r"m.m: line 2: cannot read: 'b1 = \[1 2;;3 4 5\]'"):
        import_matlab(path)
    path.write_text("function [y1] = f(x1)\n\nb1 = [1 2));\n")
    with pytest.raises(ValueError, match="line 3: unbalanced"):
        import_matlab(path)
    path.write_text("x = 3;\n")
    with pytest.raises(ValueError, match="line 1: not a MATLAB function"):
        import_matlab(path)


# -- the imported model is an ordinary one --------------------------------------------------
def test_cli_import_then_predict(regressor_rc, tmp_path, capsys):
    import pandas as pd

    model, X = regressor_rc
    src = tmp_path / "myNeuralNetworkFunction.m"
    src.write_text(genfunction(constants(model), "flat-matrix", n_inputs=4))
    out = tmp_path / "m.bpnn"
    names = "a,b,c,d"
    assert main(["import", "matlab", str(src), "-o", str(out), "--inputs", names]) == 0
    assert "4 input columns" in capsys.readouterr().out
    data = tmp_path / "new.csv"
    pd.DataFrame(X[:7], columns=names.split(",")).to_csv(data, index=False)
    pred = tmp_path / "pred.csv"
    assert main(["predict", str(out), str(data), "-o", str(pred)]) == 0
    got = pd.read_csv(pred)["prediction"].to_numpy()
    np.testing.assert_allclose(got, model.predict(X[:7]), rtol=1e-12, atol=1e-12)
    # the file being imported is never overwritten; a missing file is one line, exit 2
    assert main(["import", "matlab", str(src), "-o", str(src)]) == 2
    assert "is the file being imported" in capsys.readouterr().err
    assert main(["import", "matlab", str(tmp_path / "none.m")]) == 2
    err = capsys.readouterr().err
    assert "file not found" in err and err.count("\n") == 1
    # a wrong count of --inputs names the option, not the API's feature_names
    assert main(["import", "matlab", str(src), "-o", str(out), "--inputs", "a,b"]) == 2
    err = capsys.readouterr().err
    assert "--inputs must be 4 distinct names" in err and err.count("\n") == 1


def test_imported_model_saves_loads_exports_and_trains_further(regressor_rc, tmp_path):
    model, X = regressor_rc
    y = model.predict(X) + 0.05 * np.sin(X[:, 0])  # a slightly changed target
    src = tmp_path / "f.m"
    src.write_text(genfunction(constants(model), "struct-cell", n_inputs=4))
    imported = import_matlab(src)
    path = bpnn.save(imported, tmp_path / "m.bpnn")
    again = bpnn.load(path)
    assert np.array_equal(again.predict(X), imported.predict(X))  # MATLAB's map kept exactly
    assert again.input_map_.center_ is not None and again.algorithm_ == "imported"
    from bpnn.export import export_python

    ns: dict = {}
    exec(compile(export_python(again), "exported", "exec"), ns)
    np.testing.assert_allclose(ns["predict"](X), imported.predict(X), rtol=1e-12, atol=1e-12)
    # further training from the imported weights: Levenberg-Marquardt on the network,
    # in the model's own scaled units, then the estimator predicts with the result
    Z, T = again.input_map_.transform(X), again.target_map_.transform(y[:, None])
    before = np.mean((again.predict(X) - y) ** 2)
    rec = bpnn.train(again.network_, Z, T, algorithm="lm", epochs=5, division=None)
    after = np.mean((again.predict(X) - y) ** 2)
    assert rec.epochs >= 1 and after < before
    # and partial_fit continues from them (one epoch of a mini-batch algorithm)
    net, start = imported.network_, imported.network_.params.copy()
    imported.partial_fit(X, y)
    assert imported.network_ is net  # the imported network, trained in place (not re-drawn)
    assert not np.array_equal(net.params, start)


@pytest.mark.parametrize("loop", ["open", "closed"])
def test_mat_export_of_a_narx_network(narx, loop, tmp_path):
    from scipy.io import savemat

    model, x, y = narx
    net = model.network_
    xo, xg, _ = _tmap(model.x_map_)
    yo, yg, _ = _tmap(model.y_map_)
    d = {
        "numLayers": 2.0,
        "outputLayer": 2.0,
        "b1": net.biases[0][:, None],
        "tf1": "tansig",
        "IW1_1": net.weights[0][:, :2],
        "IW1_1_delays": np.array([[1.0, 2.0]]),
        "b2": net.biases[1][:, None],
        "tf2": "purelin",
        "LW2_1": net.weights[1],
        "LW2_1_delays": np.zeros((1, 1)),
        "x1_steps": "mapminmax",
        "x1_step1_xoffset": xo,
        "x1_step1_gain": xg,
        "x1_step1_ymin": -1.0,
        "x1_feedbackOutput": np.zeros((0, 0)),
        "y1_steps": "mapminmax",
        "y1_step1_xoffset": yo,
        "y1_step1_gain": yg,
        "y1_step1_ymin": -1.0,
    }
    fb = "IW1_2" if loop == "open" else "LW1_2"
    d[fb], d[fb + "_delays"] = net.weights[0][:, 2:], np.array([[1.0, 2.0]])
    if loop == "open":  # input 2 is the target, fed back from output 2 (net.inputs{2})
        d.update(
            x2_steps="mapminmax",
            x2_step1_xoffset=yo,
            x2_step1_gain=yg,
            x2_step1_ymin=-1.0,
            x2_feedbackOutput=np.array([[2.0]]),
        )
    path = tmp_path / "narx_export.mat"
    savemat(path, d)
    f = import_matlab(path)
    assert f.kind_ == "narxnet" and f.feedback_delays_ == (1, 2)
    got = f.predict(10, X=x[60:70], last_window=y[58:60], last_window_X=x[58:60])
    want = model.predict(10, X=x[60:70], last_window=y[58:60], last_window_X=x[58:60])
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    again = bpnn.load(bpnn.save(f, tmp_path / "f.bpnn"))  # the forecaster's file keeps it
    assert np.array_equal(
        again.predict(10, X=x[60:70], last_window=y[58:60], last_window_X=x[58:60]), got
    )


def test_scipys_opaque_network_object_gets_the_export_hint():
    from scipy.io.matlab import MatlabOpaque

    from bpnn.interop.matlab import _mat_value

    fields = [("s0", "O"), ("s1", "O"), ("s2", "O"), ("arr", "O")]
    obj = np.zeros((1,), dtype=fields).view(MatlabOpaque)  # what loadmat gives for `net`
    with pytest.raises(ValueError, match=r"'net' is a MATLAB network object.*snippet"):
        _mat_value("trained.mat", "net", obj)


def test_the_docs_snippet_writes_the_names_the_reader_reads():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs"

    def snippet(page):
        text = (docs / page).read_text(encoding="utf-8")
        start = text.index("function bpnn_export(net, filename, varargin)")
        return text[start : text.index("```", start)]

    en, zh = snippet("matlab.md"), snippet("matlab.zh.md")
    assert en == zh  # the Chinese page carries the same code
    for name in (
        "'numLayers'",
        "'outputLayer'",
        "'b%d'",
        "'tf%d'",
        "'IW%d_%d'",
        "'IW%d_%d_delays'",
        "'LW%d_%d'",
        "'LW%d_%d_delays'",
        "'x%d_size'",
        "'x%d_feedbackOutput'",
        "'_steps'",
        "'%s_step%d_%s'",
        "'y1'",
        "'-struct'",
    ):
        assert name in en, name


def genfunction_narx_matrix(model):
    """The 'MatrixOnly','yes' form of a closed-loop NARX function: delay states as matrix
    columns (xd1(:,xdts), ad2(:,adts)) and reshape'd taps, one series (Q = 1)."""
    net = model.network_
    xo, xg, xm = _tmap(model.x_map_)
    yo, yg, ym = _tmap(model.y_map_)
    W1 = net.weights[0]
    L = [
        "function [y1,xf1,af2] = narxNet(x1,xi1,ai2)",
        "% ===== NEURAL NETWORK CONSTANTS =====",
        f"x1_step1.xoffset = {col(xo)};",
        f"x1_step1.gain = {col(xg)};",
        f"x1_step1.ymin = {num(xm)};",
        f"b1 = {col(net.biases[0])};",
        f"IW1_1 = {mat(W1[:, :2])};",
        f"LW1_2 = {mat(W1[:, 2:])};",
        f"b2 = {col(net.biases[1])};",
        f"LW2_1 = {mat(net.weights[1])};",
        f"y1_step1.ymin = {num(ym)};",
        f"y1_step1.gain = {col(yg)};",
        f"y1_step1.xoffset = {col(yo)};",
        "% ===== SIMULATION ========",
        "TS = size(x1,2); % timesteps",
        "xd1 = mapminmax_apply(xi1,x1_step1);",
        "xd1 = [xd1 zeros(1,1)];",
        "ad2 = [ai2 zeros(1,1)];",
        "y1 = zeros(1,TS);",
        "for ts=1:TS",
        "    xdts = mod(ts+1,3)+1;",
        "    adts = mod(ts+1,3)+1;",
        "    xd1(:,xdts) = mapminmax_apply(x1(:,ts),x1_step1);",
        "    tapdelay1 = reshape(xd1(:,mod(xdts-[1 2]-1,3)+1),2,1);",
        "    tapdelay2 = reshape(ad2(:,mod(adts-[1 2]-1,3)+1),2,1);",
        "    a1 = tansig_apply(b1 + IW1_1*tapdelay1 + LW1_2*tapdelay2);",
        "    ad2(:,adts) = b2 + LW2_1*a1;",
        "    y1(:,ts) = mapminmax_reverse(ad2(:,adts),y1_step1);",
        "end",
        "finalxts = TS+(1: 2);",
        "xits = finalxts(finalxts<=2);",
        "xts = finalxts(finalxts>2)-2;",
        "finalats = TS+(1:2);",
        "ats = mod(finalats-1,3)+1;",
        "xf1 = [xi1(:,xits) x1(:,xts)];",
        "af2 = ad2(:,ats);",
        "end",
    ]
    fill = dict(
        sig="settings", xoffset="settings.xoffset", gain="settings.gain", ymin="settings.ymin",
        keepsig="settings", keep="settings.keep",
    )  # fmt: skip
    return "\n".join(L) + "\n" + _MODULE_FNS.format(**fill)


def test_narx_matrix_only_closed_loop(narx, tmp_path):
    model, x, y = narx
    path = tmp_path / "narxMatrix.m"
    path.write_text(genfunction_narx_matrix(model))
    f = import_matlab(path)
    assert f.kind_ == "narxnet" and f.feedback_delays_ == (1, 2) and f.input_delays_ == (1, 2)
    x_init, y_init, x_future = x[40:42], y[40:42], x[42:60]
    got = f.predict(18, X=x_future, last_window=y_init, last_window_X=x_init)
    ref = reference_narx_closed(model, x_init, y_init, x_future)
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL)


def test_two_classes_softmax_and_a_logsig_unit(tmp_path, rng):
    X = rng.normal(size=(25, 2))
    for tfs, sizes, task in (
        (["tansig", "softmax"], [2, 3, 2], "auto"),  # patternnet with two target rows
        (["tansig", "logsig"], [2, 3, 1], "classification"),  # one unit: P(class 1)
    ):
        W = [rng.normal(size=(o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
        b = [rng.normal(size=o) for o in sizes[1:]]
        path = tmp_path / "two.m"
        path.write_text(genfunction_deep(W, b, tfs, np.zeros(2), np.ones(2), 0.0))
        clf = import_matlab(path, task=task, classes=["no", "yes"])
        a = X.T
        for Wk, bk, tf in zip(W, b, tfs):
            a = _MATLAB_TRANSFER[tf](bk[:, None] + Wk @ a)
        P = a.T if sizes[-1] == 2 else np.hstack([1 - a.T, a.T])
        assert isinstance(clf, bpnn.BPClassifier) and clf.classes_.tolist() == ["no", "yes"]
        np.testing.assert_allclose(clf.predict_proba(X), P, rtol=RTOL, atol=ATOL)
        clf2 = bpnn.load(bpnn.save(clf, tmp_path / "c.bpnn"))
        assert clf2.predict(X).tolist() == clf.predict(X).tolist()
    assert isinstance(import_matlab(path), bpnn.BPRegressor)  # logsig: a regressor by default


def test_timedelaynet_reads_only_its_input(narx, tmp_path):
    _, x, y = narx
    model = bpnn.timedelaynet((1, 2), hidden=3, epochs=10, random_state=2, warn=False)
    model.fit(y, x)
    net = model.network_
    xo, xg, xm = _tmap(model.x_map_)
    yo, yg, ym = _tmap(model.y_map_)
    text = "\n".join(
        [
            "function [Y,Xf,Af] = tdNet(X,Xi,~)",
            f"x1_step1.xoffset = {col(xo)};",
            f"x1_step1.gain = {col(xg)};",
            f"x1_step1.ymin = {num(xm)};",
            f"b1 = {col(net.biases[0])};",
            f"IW1_1 = {mat(net.weights[0])};",
            f"b2 = {col(net.biases[1])};",
            f"LW2_1 = {mat(net.weights[1])};",
            f"y1_step1.ymin = {num(ym)};",
            f"y1_step1.gain = {col(yg)};",
            f"y1_step1.xoffset = {col(yo)};",
            "TS = size(X,2); % timesteps",
            "Q = size(X{1},2);",
            "Xd1 = cell(1,3);",
            "for ts=1:2",
            "    Xd1{ts} = mapminmax_apply(Xi{1,ts},x1_step1);",
            "end",
            "Y = cell(1,TS);",
            "for ts=1:TS",
            "    xdts = mod(ts+1,3)+1;",
            "    Xd1{xdts} = mapminmax_apply(X{1,ts},x1_step1);",
            "    tapdelay1 = cat(1,Xd1{mod(xdts-[2 1]-1,3)+1});",  # delays listed 2, 1
            "    a1 = tansig_apply(repmat(b1,1,Q) + IW1_1*tapdelay1);",
            "    a2 = repmat(b2,1,Q) + LW2_1*a1;",
            "    Y{1,ts} = mapminmax_reverse(a2,y1_step1);",
            "end",
            "end",
        ]
    )
    # the file lists delay 2 first: its IW1_1 columns are [x(t-2), x(t-1)]
    text = text.replace(mat(net.weights[0]), mat(net.weights[0][:, ::-1]))
    path = tmp_path / "td.m"
    path.write_text(text)
    f = import_matlab(path)
    assert f.kind_ == "timedelaynet" and f.input_delays_ == (1, 2) and f.feedback_delays_ == ()
    assert np.array_equal(f.network_.params, net.params)  # columns put back in delay order
    got = f.predict(8, X=x[30:38], last_window_X=x[28:30])  # no past y needed
    want = model.predict(8, X=x[30:38], last_window_X=x[28:30])
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_the_map_is_held_in_matlabs_order_where_folding_would_lose_digits(tmp_path, rng):
    # inputs near 1e6 that vary by 1e-2: x * gain + (ymean - xoffset * gain) would cancel
    # two numbers near 2e8 and keep only ~1e-8 of the scaled input's digits
    xoffset, gain = np.full(2, 1e6), np.full(2, 200.0)
    W = [rng.normal(size=(4, 2)), rng.normal(size=(1, 4))]
    b = [rng.normal(size=4), rng.normal(size=1)]
    (tmp_path / "far.m").write_text(
        genfunction_deep(W, b, ["tansig", "purelin"], xoffset, gain, 0.0)
    )
    model = import_matlab(tmp_path / "far.m")
    X = 1e6 + rng.uniform(0, 0.01, size=(50, 2))
    xp = (X.T - xoffset[:, None]) * gain[:, None]  # mapstd_apply, as MATLAB computes it
    ref = (b[1][:, None] + W[1] @ tansig_apply(b[0][:, None] + W[0] @ xp)).ravel()
    np.testing.assert_allclose(model.predict(X), ref, rtol=RTOL, atol=ATOL)
    scale, offset = model.input_map_.folded()
    folded = X * scale + offset
    assert np.max(np.abs(folded - xp.T)) > 1e-10  # what holding the map explicitly avoids


def test_an_imported_map_in_the_model_file(rng):
    from bpnn.preprocessing import InputPreprocessor, TargetScaler

    im = InputPreprocessor("minmax")
    im.keep_ = np.array([True, False, True])
    im.scale_, im.offset_, im.center_ = (
        np.array([2.0, 0.5]),
        np.array([-1.0, -1.0]),
        np.array([3.0, 7.0]),
    )
    im.pca_mean_ = im.pca_components_ = im.range_low_ = im.range_high_ = None
    config, arrays = im.state()
    # readers that know no centre get the folded map (the same up to rounding) ...
    np.testing.assert_array_equal(arrays["offset"], [-1.0 - 3.0 * 2.0, -1.0 - 7.0 * 0.5])
    # ... and this one MATLAB's exact form
    back = InputPreprocessor.from_state(config, arrays, 3)
    assert np.array_equal(back.center_, im.center_) and np.array_equal(back.offset_, im.offset_)
    X = rng.normal(size=(4, 3))
    assert np.array_equal(back.transform(X), (X[:, [0, 2]] - [3.0, 7.0]) * [2.0, 0.5] - 1.0)
    tm = TargetScaler("minmax")
    tm.scale_, tm.offset_, tm.center_ = np.array([0.25]), np.array([-1.0]), np.array([100.0])
    tm.range_low_ = tm.range_high_ = None
    back = TargetScaler.from_state(*tm.state(), 1)
    Y = rng.normal(size=(5, 1))
    assert np.array_equal(back.inverse_transform(Y), (Y + 1.0) / 0.25 + 100.0)
    assert np.allclose(back.transform(back.inverse_transform(Y)), Y, rtol=0, atol=1e-13)


def _cascade_text(rng):
    """cascadeforwardnet's shape: the input feeds every layer, each layer all later ones."""
    n = [3, 4, 2, 1]
    IW = {k: rng.normal(size=(n[k], n[0])) for k in (1, 2, 3)}
    LW = {(2, 1): rng.normal(size=(2, 4)), (3, 1): rng.normal(size=(1, 4))}
    LW[(3, 2)] = rng.normal(size=(1, 2))
    b = {k: rng.normal(size=n[k]) for k in (1, 2, 3)}
    consts = [f"b{k} = {col(b[k])};" for k in b]
    consts += [f"IW{k}_1 = {mat(W)};" for k, W in IW.items()]
    consts += [f"LW{k}_{j} = {mat(W)};" for (k, j), W in LW.items()]
    text = "\n".join(
        [
            "function [y1] = cascadeNet(x1)",
            *consts,
            "Q = size(x1,2);",
            "a1 = tansig_apply(repmat(b1,1,Q) + IW1_1*x1);",
            "a2 = tansig_apply(repmat(b2,1,Q) + IW2_1*x1 + LW2_1*a1);",
            "a3 = repmat(b3,1,Q) + IW3_1*x1 + LW3_1*a1 + LW3_2*a2;",
            "y1 = a3;",
            "end",
        ]
    )
    return text, IW, LW, b


def test_cascade_layers_fill_bpnns_cascade_matrix(tmp_path, rng):
    from bpnn.interop.matlab import _cascade_blocks, parse_genfunction

    text, IW, LW, b = _cascade_text(rng)
    blocks = _cascade_blocks(parse_genfunction(text, "cascade.m"))
    # layer k's columns are [x, a_1, ..., a_{k-1}]
    np.testing.assert_array_equal(blocks[1], IW[1])
    np.testing.assert_array_equal(blocks[2], np.hstack([IW[2], LW[(2, 1)]]))
    np.testing.assert_array_equal(blocks[3], np.hstack([IW[3], LW[(3, 1)], LW[(3, 2)]]))
    path = tmp_path / "cascade.m"
    path.write_text(text)
    if "connections" not in bpnn.Network.__init__.__code__.co_varnames:
        with pytest.raises(ValueError, match="cascade-forward networks need"):
            import_matlab(path)
        return
    model = import_matlab(path)  # once Network(connections="cascade") exists
    X = rng.normal(size=(7, 3))
    x = X.T
    a1 = tansig_apply(b[1][:, None] + IW[1] @ x)
    a2 = tansig_apply(b[2][:, None] + IW[2] @ x + LW[(2, 1)] @ a1)
    a3 = b[3][:, None] + IW[3] @ x + LW[(3, 1)] @ a1 + LW[(3, 2)] @ a2
    np.testing.assert_allclose(model.predict(X), a3.ravel(), rtol=RTOL, atol=ATOL)


def test_windows_line_ends_tabs_and_number_spellings(regressor, tmp_path):
    model, X = regressor
    c = constants(model)
    text = genfunction(c, "struct-cell").replace("  ", "\t")
    text = text.replace("x1_step1.ymin = -1;", "x1_step1.ymin = -1.000e+00;")
    path = tmp_path / "crlf.m"
    path.write_bytes(text.replace("\n", "\r\n").encode("ascii"))
    np.testing.assert_allclose(
        import_matlab(path).predict(X[:5]), model.predict(X[:5]), rtol=RTOL, atol=ATOL
    )
