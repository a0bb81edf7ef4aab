"""Lazy imports: ``import bpnn``, ``bpnn --help`` and ``bpnn predict`` load only what they use.

Each check runs in a fresh interpreter (a subprocess), on the same bpnn as these tests.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn._predict import LoadedClassifier, LoadedRegressor
from bpnn.io import load, load_predictor, save

HEAVY = ("sklearn", "scipy", "numba", "matplotlib", "pandas", "rich")
_SRC = str(Path(bpnn.__file__).resolve().parents[1])


def _fresh(code, *args, cwd=None):
    """Run ``code`` in a new interpreter importing this bpnn; returns its stdout."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([_SRC, *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def _loaded_after(code, *args, cwd=None):
    """The HEAVY packages (and numpy) in sys.modules after ``code``."""
    out = _fresh(
        textwrap.dedent(code)
        + textwrap.dedent(
            """
        import json, sys
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                                ("numpy",) + %r)))
    """
            % (HEAVY,)
        ),
        *args,
        cwd=cwd,
    )
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


def test_import_bpnn_loads_no_heavy_package():
    assert _loaded_after("import bpnn\nassert bpnn.__version__") == set()


def test_help_loads_no_heavy_package():
    code = """
        import contextlib, io
        from bpnn.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            try:
                main(["--help"])
            except SystemExit as exc:
                assert exc.code == 0
        assert "predict" in out.getvalue()
    """
    assert _loaded_after(code) == set()
    code = code.replace('main(["--help"])', 'main(["train", "--help"])')
    assert _loaded_after(code) == set()


def test_core_modules_import_without_scipy_sklearn_numba():
    loaded = _loaded_after(
        "import bpnn.network, bpnn.trainer, bpnn.algorithms, bpnn.io, "
        "bpnn.preprocessing, bpnn.objective, bpnn.explain, bpnn.gradcheck, "
        "bpnn.losses, bpnn.datasets, bpnn._kernels"
    )
    assert loaded == {"numpy"}


def test_lazy_names_resolve_to_their_modules():
    from bpnn import BPClassifier, Network
    from bpnn.estimators import BPClassifier as est_cls
    from bpnn.network import Network as net_cls

    assert BPClassifier is est_cls and bpnn.BPClassifier is est_cls and Network is net_cls
    for name in bpnn.__all__:
        assert getattr(bpnn, name) is not None, name
    assert set(bpnn.__all__) <= set(dir(bpnn))
    assert {"io", "network", "cli"} <= set(dir(bpnn))
    assert callable(bpnn.explain) and callable(bpnn.gradcheck)
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        bpnn.not_a_name  # noqa: B018


def test_names_in_a_fresh_process():
    """Star import, submodule attributes, and the functions named like their modules."""
    out = _fresh("""
        import bpnn
        assert bpnn.io.load is bpnn.load              # a submodule as an attribute
        import bpnn.explain, bpnn.gradcheck           # binds the modules in the package...
        assert callable(bpnn.explain) and callable(bpnn.gradcheck)   # ...not over the functions
        from bpnn.explain import tutorial_network
        assert bpnn.explain is bpnn.explain.__globals__["explain"]
        ns = {}
        exec("from bpnn import *", ns)
        missing = set(bpnn.__all__) - set(ns)
        assert not missing, missing
        assert ns["BPRegressor"].__module__ == "bpnn.estimators"
        print("ok")
    """)
    assert out.strip() == "ok"


def test_kernels_compile_on_first_call_not_at_import():
    code = """
        import sys
        import numpy as np
        from bpnn import _kernels
        assert "numba" not in sys.modules
        assert callable(_kernels.sgd_epoch.py_func) and callable(_kernels.forward_rows.py_func)
        a = np.array([-3.0, 0.0, 3.0])
        _kernels.activate_inplace(1, 1.0, 1.0, a, np.uint64(0), np.uint64(3))
        assert np.allclose(a, 1 / (1 + np.exp([3.0, 0.0, -3.0])), rtol=1e-14)
        print(_kernels.HAVE_NUMBA, "numba" in sys.modules,
              type(_kernels.forward_rows).__name__, hasattr(_kernels.forward_rows, "py_func"))
    """
    have, imported, kind, py_func = _fresh(code).split()
    assert have == imported and py_func == "True"
    if have == "True" and not os.environ.get("BPNN_DISABLE_JIT"):
        assert kind == "CPUDispatcher"  # the wrapper was replaced by Numba's dispatcher


def test_disable_jit_still_gives_the_python_source():
    env_code = """
        import os, sys
        os.environ["BPNN_DISABLE_JIT"] = "1"
        import numpy as np
        import bpnn
        from bpnn import _kernels
        net = bpnn.Network([3, 4, 1], seed=0)
        bpnn.train(net, np.ones((5, 3)), np.zeros((5, 1)), algorithm="sgd", epochs=1)
        net.predict(np.ones((2, 3)))
        assert _kernels.sgd_epoch.py_func is _kernels.sgd_epoch and not _kernels.HAVE_NUMBA
        assert "numba" not in sys.modules
        print("ok")
    """
    assert _fresh(env_code).strip() == "ok"


# -- bpnn predict without scikit-learn ----------------------------------------------------
@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("lazy_models")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(-1, 1, (60, 3)), columns=["a", "b", "c"])
    y_reg = X["a"] - 2 * X["b"] * X["c"]
    y_cls = np.where(X["a"] + X["b"] > 0, "yes", "no")
    y_multi = np.select([X["a"] > 0.3, X["a"] < -0.3], ["hi", "lo"], "mid")
    fitted = {
        "reg": bpnn.BPRegressor(hidden=(5,), epochs=20, random_state=0, warn=False).fit(X, y_reg),
        "reg2": bpnn.BPRegressor(hidden=(4,), epochs=10, random_state=0, warn=False).fit(
            X, np.c_[y_reg, -y_reg]
        ),
        "bin": bpnn.BPClassifier(hidden=(4,), epochs=20, random_state=0, warn=False).fit(X, y_cls),
        "multi": bpnn.BPClassifier(
            hidden=(4,), activation="logsig", epochs=20, random_state=0, warn=False
        ).fit(X, y_multi),
        "pca": bpnn.BPRegressor(hidden=(3,), pca=2, epochs=10, random_state=0, warn=False).fit(
            X, y_reg
        ),
    }
    for name, model in fitted.items():
        save(model, d / f"{name}.bpnn")
    X.to_csv(d / "rows.csv", index=False)
    X.iloc[:3].to_csv(d / "few.csv", index=False)
    return d, X


@pytest.mark.parametrize("name", ["reg", "reg2", "bin", "multi", "pca"])
def test_load_predictor_predicts_as_the_estimator(models, name):
    d, X = models
    est, light = load(d / f"{name}.bpnn"), load_predictor(d / f"{name}.bpnn")
    assert isinstance(light, LoadedClassifier if name in ("bin", "multi") else LoadedRegressor)
    assert hasattr(light, "predict_proba") == hasattr(est, "predict_proba")
    for attr in ("n_features_in_", "feature_names_in_", "hidden_", "algorithm_"):
        np.testing.assert_array_equal(getattr(light, attr), getattr(est, attr))
    # more rows than the estimator's compiled-kernel limit: the same NumPy path, same bits
    np.testing.assert_array_equal(light.predict(X), est.predict(X))
    # a few rows: the estimator uses the compiled row kernel, rounded differently
    few_light, few_est = light.predict(X.iloc[:3]), est.predict(X.iloc[:3])
    if hasattr(est, "classes_"):
        np.testing.assert_array_equal(few_light, few_est)
    else:
        np.testing.assert_allclose(few_light, few_est, rtol=1e-12, atol=1e-15)
    if hasattr(est, "predict_proba"):
        np.testing.assert_array_equal(light.predict_proba(X), est.predict_proba(X))
        np.testing.assert_array_equal(light.classes_, est.classes_)


def test_load_predictor_checks_its_input(models):
    d, X = models
    light = load_predictor(d / "reg.bpnn")
    with pytest.raises(ValueError, match="X has 2 features, but BPRegressor is expecting 3"):
        light.predict(X.to_numpy()[:, :2])
    bad = X.to_numpy().copy()
    bad[1, 1] = np.nan
    with pytest.warns(UserWarning) as err:  # filled by the table map, as the estimator does
        light_pred = light.predict(pd.DataFrame(bad, columns=X.columns))
    assert str(err[0].message).startswith("column 'b' has 1 missing value(s), none at fit time")
    with pytest.warns(UserWarning) as same:  # the estimator's own warning reads the same
        full_pred = bpnn.load(d / "reg.bpnn").predict(pd.DataFrame(bad, columns=X.columns))
    assert str(same[0].message) == str(err[0].message)
    np.testing.assert_array_equal(light_pred, full_pred)
    bad[1, 1] = np.inf
    with pytest.raises(ValueError, match=r"^column 'b' holds an infinite value in row 1$"):
        light.predict(pd.DataFrame(bad, columns=X.columns))
    with pytest.raises(ValueError, match="feature names should match"):
        light.predict(X[["b", "a", "c"]])
    with pytest.raises(ValueError, match="2D array"):
        light.predict(X.to_numpy()[0])


def test_load_predictor_refuses_what_load_refuses(tmp_path):
    (tmp_path / "p.bpnn").write_bytes(b"\x80\x04not a model")
    with pytest.raises(bpnn.ModelFileError, match="pickle"):
        load_predictor(tmp_path / "p.bpnn")


@pytest.mark.parametrize("name, csv", [("bin", "rows.csv"), ("reg", "few.csv")])
def test_cli_predict_loads_no_sklearn_numba_scipy_matplotlib(models, name, csv):
    d, _ = models
    code = """
        import contextlib, io, sys
        from bpnn.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert main(["predict", sys.argv[1], sys.argv[2], "--with-inputs"]) == 0
        assert out.getvalue().startswith("a,b,c,prediction")
    """
    loaded = _loaded_after(code, d / f"{name}.bpnn", d / csv)
    assert loaded <= {"numpy", "pandas"}, loaded
