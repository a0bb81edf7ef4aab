"""Exports reproduce predict: NumPy module and C within 1e-9, ONNX within 1e-5."""

import shutil
import subprocess
import types

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_multilabel_classification, make_regression

from bpnn import BPClassifier, BPRegressor, GeneralizedSigmoid
from bpnn.export import describe, export_c, export_onnx, export_python


# Each factory fits on float64 data, or with ``dtype=np.float32`` a float32 network on
# float32 data; division="refit" keeps them one network (the default averages six on
# small data, which the C export refuses).
def _reg(dtype=np.float64):
    X, Y = make_regression(60, 4, n_targets=2, random_state=2)
    X[:, 1] = -3.0  # constant column: dropped by the model
    Y = Y * 50 + 1000  # targets far from [-1, 1]
    return BPRegressor(
        hidden=(5, 3),
        activation=["logsig", "poslin"],
        epochs=30,
        random_state=0,
        warn=False,
        division="refit",
    ).fit(X.astype(dtype), Y), 4


def _reg_1d_pca():
    X, y = make_regression(60, 5, random_state=3)
    return BPRegressor(
        hidden=(4,),
        activation=GeneralizedSigmoid(2.0, 0.5),
        pca=3,
        scaling="standard",
        epochs=30,
        random_state=0,
        warn=False,
        division="refit",  # one network: the C export holds one
    ).fit(X, y), 5


def _multiclass(dtype=np.float64):
    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", 'versi"color', "virginica"])[y]  # a quote for C strings
    return BPClassifier(hidden=(4,), epochs=30, random_state=0, warn=False, division="refit").fit(
        X.astype(dtype), labels
    ), 4


def _binary(dtype=np.float64):
    X, y = load_iris(return_X_y=True)
    return BPClassifier(
        hidden=(3,), epochs=30, scaling="minmax01", random_state=0, warn=False, division="refit"
    ).fit(X.astype(dtype), np.where(y == 2, 7, -1)), 4


def _multilabel():
    X, Y = make_multilabel_classification(80, 5, n_classes=3, random_state=0)
    return BPClassifier(hidden=(4,), epochs=30, random_state=0, warn=False, division="refit").fit(
        X, Y
    ), 5


def _reg_cascade(dtype=np.float64):
    """Cascade-forward connections: every layer reads the inputs and all earlier layers."""
    X, Y = make_regression(60, 4, n_targets=2, random_state=4)
    X[:, 2] = 1.5  # a constant column dropped: the shortcut blocks see the kept inputs only
    return BPRegressor(
        hidden=(4, 3),
        activation=["tansig", "poslin"],
        connections="cascade",
        epochs=30,
        random_state=0,
        warn=False,
    ).fit(X.astype(dtype), Y), 4


def _multiclass_cascade(dtype=np.float64):
    X, y = load_iris(return_X_y=True)
    return BPClassifier(
        hidden=(3, 2), pca=3, connections="cascade", epochs=30, random_state=0, warn=False
    ).fit(X.astype(dtype), y), 4


MODELS = {
    "regression": _reg,
    "regression_cascade": _reg_cascade,
    "multiclass_cascade": _multiclass_cascade,
    "regression_1d_pca": _reg_1d_pca,
    "multiclass": _multiclass,
    "binary": _binary,
    "multilabel": _multilabel,
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def fitted(request):
    model, n_features = MODELS[request.param]()
    X = np.random.default_rng(7).normal(size=(40, n_features)) * 4  # beyond the training range
    return request.param, model, X


def _expected(model):
    """What every export must reproduce: predict for regression, predict_proba otherwise."""
    return model.predict if isinstance(model, BPRegressor) else model.predict_proba


def test_python_module_reproduces_predict(fitted, tmp_path):
    _, model, X = fitted
    path = tmp_path / "exported.py"
    src = export_python(model, path)
    assert path.read_text() == src
    assert "import numpy as np" in src and "bpnn" not in src.split('"""')[2]  # no bpnn import
    mod = types.ModuleType("exported")
    exec(compile(src, str(path), "exec"), mod.__dict__)
    np.testing.assert_allclose(
        mod.predict(X) if isinstance(model, BPRegressor) else mod.predict_proba(X),
        _expected(model)(X),
        rtol=0,
        atol=1e-9,
    )
    if not isinstance(model, BPRegressor):
        np.testing.assert_array_equal(mod.predict(X), model.predict(X))


def _c_driver(model):
    """A main() reading samples from stdin and printing the outputs with 17 digits.

    Its buffers are of the header's type ``bpnn_real`` (double or float)."""
    d = describe(model)
    call = "bpnn_predict(x, y)" if d.kind == "regression" else "bpnn_predict_proba(x, y)"
    klass = 'printf("%d ", bpnn_predict_class(x));' if d.kind in ("binary", "multiclass") else ""
    return f"""
#include <stdio.h>
#include "model.h"
int main(void) {{
    bpnn_real x[BPNN_N_FEATURES], y[BPNN_N_OUTPUTS];
    double v;
    for (;;) {{
        for (int i = 0; i < BPNN_N_FEATURES; ++i) {{
            if (scanf("%lf", &v) != 1) return 0;
            x[i] = (bpnn_real)v;
        }}
        {call};
        {klass}
        for (int i = 0; i < BPNN_N_OUTPUTS; ++i) printf("%.17g ", (double)y[i]);
        printf("\\n");
    }}
}}
"""


def _run_c(model, X, tmp_path, extra_flags=(), **kwargs):
    """Export ``model`` to C, compile it with a driver under -Werror, run it on X."""
    _, h_src = export_c(model, tmp_path / "model.c", **kwargs)
    assert (tmp_path / "model.h").read_text() == h_src
    (tmp_path / "main.c").write_text(_c_driver(model))
    exe = tmp_path / "predict"
    subprocess.run(
        [
            "gcc",
            "-std=c99",
            "-O2",
            "-Wall",
            "-Wextra",
            "-Werror",
            *extra_flags,
            "-o",
            str(exe),
            str(tmp_path / "main.c"),
            str(tmp_path / "model.c"),
            "-lm",
        ],
        check=True,
    )
    text = "\n".join(" ".join(repr(float(v)) for v in row) for row in X) + "\n"
    out = subprocess.run([str(exe)], input=text, capture_output=True, text=True, check=True).stdout
    rows = np.array([[float(v) for v in line.split()] for line in out.strip().splitlines()])
    if describe(model).kind in ("binary", "multiclass"):
        idx, rows = rows[:, 0].astype(int), rows[:, 1:]
        return h_src, idx, rows
    return h_src, None, rows


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_c_export_compiles_and_reproduces_predict(fitted, tmp_path):
    _, model, X = fitted
    h_src, idx, rows = _run_c(model, X, tmp_path)
    assert "typedef double bpnn_real;" in h_src
    if idx is not None:
        np.testing.assert_array_equal(model.classes_[idx], model.predict(X))
    expected = _expected(model)(X)
    np.testing.assert_allclose(rows, expected.reshape(len(X), -1), rtol=0, atol=1e-9)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
@pytest.mark.parametrize(
    "kind", ["regression", "multiclass", "binary", "regression_cascade", "multiclass_cascade"]
)
def test_c_export_of_a_float32_model_computes_in_float(kind, tmp_path):
    """A float32 network's C export takes and computes floats (as its ONNX export does);
    -Wdouble-promotion fails the build if any double arithmetic is left in the code."""
    model, n_features = MODELS[kind](dtype=np.float32)  # dtype="auto": a float32 network
    X = np.random.default_rng(7).normal(size=(40, n_features)).astype(np.float32)
    assert model.dtype_ == np.float32
    h_src, idx, rows = _run_c(model, X, tmp_path, extra_flags=("-Wdouble-promotion",))
    assert "typedef float bpnn_real;" in h_src and "double" not in h_src
    src = (tmp_path / "model.c").read_text()
    assert "double" not in src and ("expf(" in src or "tanhf(" in src)
    expected = _expected(model)(X).reshape(len(X), -1)
    scale = np.abs(expected).max()
    np.testing.assert_allclose(rows, expected, rtol=0, atol=2e-6 * max(scale, 1.0))
    if idx is not None:
        assert (model.classes_[idx] == model.predict(X)).mean() >= 0.95  # ties may flip
    # double stays available for a float32 model
    h64, _, rows64 = _run_c(model, X, tmp_path, float_type="double")
    assert "typedef double bpnn_real;" in h64
    np.testing.assert_allclose(rows64, expected, rtol=0, atol=2e-6 * max(scale, 1.0))


def test_c_float_type_is_checked(fitted):
    with pytest.raises(ValueError, match="float_type must be 'double' or 'float', got 'half'"):
        export_c(fitted[1], float_type="half")


def test_onnx_export_reproduces_predict(fitted, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    _, model, X = fitted
    path = tmp_path / "model.onnx"
    export_onnx(model, path)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outs = sess.run(None, {"X": X})
    expected = _expected(model)(X)
    np.testing.assert_allclose(outs[0], expected.reshape(len(X), -1), rtol=0, atol=1e-5)
    if not isinstance(model, BPRegressor):
        np.testing.assert_array_equal(outs[1], model.predict(X))


def test_onnx_float32_graph_is_close(fitted):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    _, model, X = fitted
    if isinstance(model, BPRegressor):
        pytest.skip("float32 outputs in target units (~1e3) round beyond 1e-5 absolute")
    sess = ort.InferenceSession(
        export_onnx(model, float_type="float").SerializeToString(),
        providers=["CPUExecutionProvider"],
    )
    P = sess.run(None, {"X": X.astype(np.float32)})[0]
    np.testing.assert_allclose(P, model.predict_proba(X), rtol=0, atol=1e-5)


def test_export_refuses_an_unfitted_model():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        export_python(BPRegressor())


def test_c_prefix_must_be_an_identifier(fitted):
    with pytest.raises(ValueError, match="'my-model'"):
        export_c(fitted[1], prefix="my-model")


def test_export_dispatcher_writes_the_files(fitted, tmp_path):
    from bpnn.export import export

    model = fitted[1]
    assert export(model, tmp_path / "m.py", "python") == [tmp_path / "m.py"]
    assert export(model, tmp_path / "m.c", "c") == [tmp_path / "m.c", tmp_path / "m.h"]
    assert (tmp_path / "m.h").read_text().startswith("/* A BP network")
    with pytest.raises(ValueError, match="'matlab'"):
        export(model, tmp_path / "m.m", "matlab")
