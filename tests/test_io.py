"""The model file: exact round trips, refusal of bad files (nothing executed), atomic writes."""

import io
import json
import os
import pathlib
import pickle
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression

import bpnn
from bpnn import BPClassifier, BPRegressor, ModelFileError, load, save


@pytest.fixture(scope="module")
def regressor():
    X, Y = make_regression(80, 5, n_targets=2, random_state=1)
    X[:, 3] = 4.0  # a constant column, dropped
    m = BPRegressor(
        hidden=(4, 3), activation=["logsig", "tansig"], pca=3, epochs=40, random_state=0, warn=False
    ).fit(X, Y)
    return m, X


@pytest.fixture(scope="module")
def classifier():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True)
    df = pd.DataFrame(X, columns=["sepal length", "sepal width", "petal length", "petal width"])
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    m = BPClassifier(
        hidden="auto", epochs=30, class_weight={"setosa": 2.0}, random_state=0, warn=False
    ).fit(df, labels)
    return m, df


def test_regressor_round_trip_is_bit_identical(tmp_path, regressor):
    m, X = regressor
    path = save(m, tmp_path / "reg.bpnn")
    m2 = load(path)
    Xt = np.random.default_rng(0).normal(size=(30, X.shape[1])) * 3
    assert np.array_equal(m.predict(Xt), m2.predict(Xt))  # bit-identical, not approx
    assert m2.get_params() == m.get_params()
    assert m2.hidden_ == (4, 3) and m2.algorithm_ == m.algorithm_
    assert m2.record_.summary() == m.record_.summary()  # NaN -> None in summaries
    np.testing.assert_array_equal(m2.record_.loss, m.record_.loss)
    np.testing.assert_array_equal(m2.record_.train_idx, m.record_.train_idx)


def test_classifier_round_trip_keeps_labels_and_feature_names(tmp_path, classifier):
    m, df = classifier
    m2 = load(save(m, tmp_path / "clf.bpnn"))
    assert np.array_equal(m.predict_proba(df), m2.predict_proba(df))
    assert list(m2.predict(df)) == list(m.predict(df))
    assert list(m2.classes_) == ["setosa", "versicolor", "virginica"]
    assert list(m2.feature_names_in_) == list(df.columns)
    assert m2.get_params()["class_weight"] == {"setosa": 2.0}
    assert m2.hidden_search_.keys() == m.hidden_search_.keys()
    with pytest.raises(ValueError, match="feature names"):
        m2.predict(df[df.columns[::-1]])


def test_manifest_holds_the_documented_fields(tmp_path, classifier):
    m, _ = classifier
    path = save(m, tmp_path / "clf.bpnn")
    with zipfile.ZipFile(path) as z:
        man = json.loads(z.read("manifest.json"))
    assert man["format"] == "bpnn-model" and man["schema_version"] == 1
    assert man["bpnn_version"] == bpnn.__version__ and man["kind"] == "BPClassifier"
    for key in (
        "network",
        "hyper_parameters",
        "input_map",
        "classes",
        "feature_names_in",
        "record",
        "record_full",
        "arrays",
    ):
        assert key in man
    assert man["record"]["stop_reason"] == m.record_.stop_reason


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path, regressor):
    m, _ = regressor
    a = save(m, tmp_path / "a.bpnn").read_bytes()
    b = save(m, tmp_path / "b.bpnn").read_bytes()
    assert a == b


def test_bare_network_round_trip(tmp_path):
    net = bpnn.Network([3, 4, 2], ["tansig", bpnn.GeneralizedSigmoid(2.0, 0.5)], seed=3)
    net2 = load(save(net, tmp_path / "net.bpnn"))
    X = np.random.default_rng(1).normal(size=(10, 3))
    assert np.array_equal(net.forward(X), net2.forward(X))


# -- bad files: a clear error and nothing executed -------------------------------------------
class _Payload:
    """Unpickling this object would create the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def test_pickle_payload_is_refused_and_not_executed(tmp_path):
    marker = tmp_path / "EXECUTED"
    path = tmp_path / "evil.bpnn"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    pickle.loads(path.read_bytes())  # proves the payload works...
    assert marker.exists()
    marker.unlink()
    with pytest.raises(ModelFileError, match="pickle"):
        load(path)  # ...and that load never runs it
    assert not marker.exists()


def test_pickled_object_array_inside_the_zip_is_refused(tmp_path, regressor):
    m, _ = regressor
    marker = tmp_path / "EXECUTED"
    path = save(m, tmp_path / "m.bpnn")
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(marker)
    buf = io.BytesIO()
    np.save(buf, evil, allow_pickle=True)
    _rewrite(path, {"arrays/network/params.npy": buf.getvalue()})
    with pytest.raises(ModelFileError):
        load(path)
    assert not marker.exists()


def _rewrite(path, replace=None, manifest=None):
    """Rewrite the archive at ``path`` with some members replaced."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    if manifest is not None:
        man = json.loads(members["manifest.json"])
        manifest(man)
        members["manifest.json"] = json.dumps(man).encode()
    members.update(replace or {})
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)


def test_wrong_schema_version_is_refused(tmp_path, regressor):
    path = save(regressor[0], tmp_path / "m.bpnn")
    _rewrite(path, manifest=lambda man: man.update(schema_version=99))
    with pytest.raises(ModelFileError, match="schema version 99"):
        load(path)


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1, 10 / 10000])
def test_truncated_file_is_refused(tmp_path, regressor, keep):
    path = save(regressor[0], tmp_path / "m.bpnn")
    data = path.read_bytes()
    path.write_bytes(data[: max(4, int(len(data) * keep))])
    with pytest.raises(ModelFileError, match="truncated|corrupt|not a bpnn"):
        load(path)


def test_array_shape_differing_from_the_manifest_is_refused(tmp_path, regressor):
    path = save(regressor[0], tmp_path / "m.bpnn")
    buf = io.BytesIO()
    np.save(buf, np.zeros(7))
    _rewrite(path, {"arrays/network/params.npy": buf.getvalue()})
    with pytest.raises(ModelFileError, match="network/params.*shape"):
        load(path)


def test_array_shape_inconsistent_with_the_architecture_is_refused(tmp_path, regressor):
    path = save(regressor[0], tmp_path / "m.bpnn")
    buf = io.BytesIO()
    np.save(buf, np.zeros(7))

    def shrink(man):
        man["arrays"]["network/params"]["shape"] = [7]

    _rewrite(path, {"arrays/network/params.npy": buf.getvalue()}, manifest=shrink)
    # 3 PCA inputs -> 4 -> 3 -> 2: (3*4 + 4) + (4*3 + 3) + (3*2 + 2) = 16 + 15 + 8 = 39
    with pytest.raises(ModelFileError, match=r"layer sizes \[3, 4, 3, 2\] need \(39,\)"):
        load(path)


def test_input_map_shape_mismatch_is_refused(tmp_path, regressor):
    path = save(regressor[0], tmp_path / "m.bpnn")
    buf = io.BytesIO()
    np.save(buf, np.zeros(2))

    def shrink(man):
        man["arrays"]["input/scale"]["shape"] = [2]

    _rewrite(path, {"arrays/input/scale.npy": buf.getvalue()}, manifest=shrink)
    with pytest.raises(ModelFileError, match="'scale' must have shape"):
        load(path)


def test_unknown_model_kind_is_refused(tmp_path, regressor):
    path = save(regressor[0], tmp_path / "m.bpnn")
    _rewrite(path, manifest=lambda man: man.update(kind="os.system"))
    with pytest.raises(ModelFileError, match="unknown model kind 'os.system'"):
        load(path)


def test_non_finite_parameters_are_refused_on_save_and_load(tmp_path, regressor):
    m, _ = regressor
    path = save(m, tmp_path / "m.bpnn")
    buf = io.BytesIO()
    p = m.network_.params.copy()
    p[0] = np.nan
    np.save(buf, p)
    _rewrite(path, {"arrays/network/params.npy": buf.getvalue()})
    with pytest.raises(ModelFileError, match="non-finite"):
        load(path)
    net = m.network_.copy()
    net.params[1] = np.inf
    with pytest.raises(ModelFileError, match="non-finite"):
        save(net, tmp_path / "inf.bpnn")
    assert not (tmp_path / "inf.bpnn").exists()


def test_not_a_model_file(tmp_path):
    path = tmp_path / "x.bpnn"
    path.write_text("hello")
    with pytest.raises(ModelFileError, match="no ZIP signature"):
        load(path)
    with pytest.raises(ValueError, match="cannot read"):  # ModelFileError is a ValueError
        load(tmp_path / "missing.bpnn")


def test_unfitted_estimator_cannot_be_saved(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save(BPRegressor(), tmp_path / "m.bpnn")


# -- atomic writes -------------------------------------------------------------------------
def test_a_failed_save_leaves_the_old_file_and_no_temp_files(tmp_path, regressor, monkeypatch):
    m, _ = regressor
    path = save(m, tmp_path / "m.bpnn")
    before = path.read_bytes()

    def crash(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)  # dies after writing, before the rename
    with pytest.raises(OSError, match="disk full"):
        save(m, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bpnn"]


def test_npy_header_claiming_a_huge_array_is_refused_before_allocation(tmp_path, regressor):
    import struct

    path = save(regressor[0], tmp_path / "m.bpnn")
    n = regressor[0].network_.n_params
    # a valid .npy header for 10**12 float64 (8 TB if allocated), followed by the n real values
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }"
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    header = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")
    _rewrite(path, {"arrays/network/params.npy": header + np.zeros(n).tobytes()})
    with pytest.raises(ModelFileError, match=r"network/params.*\(1000000000000,\)"):
        load(path)


def test_deeply_nested_manifest_is_refused(tmp_path, regressor):
    path = save(regressor[0], tmp_path / "m.bpnn")
    with zipfile.ZipFile(path) as z:
        man = z.read("manifest.json")
    nested = man[:-1] + b', "deep": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    _rewrite(path, {"manifest.json": nested})
    with pytest.raises(ModelFileError):
        load(path)
