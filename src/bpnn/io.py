"""The model file: one ZIP archive, safe to open from an untrusted source.

Layout (schema version 1)::

    manifest.json            format, schema_version, bpnn_version, kind, hyper-parameters,
                             architecture, preprocessing config, classes, feature names,
                             the training record (summary and per-epoch), and for every
                             array its shape and dtype
    arrays/<name>.npy        float64 / uint8 arrays in NumPy's .npy format

An ensemble (``n_ensemble=k``) keeps its first network as ``network/params`` and the other
k - 1 as ``ensemble/<i>/params``, their specs and records in the manifest's ``ensemble``
list; a regressor's conformity scores for ``predict_interval`` are ``conformity/scores``, a
forecaster's sorted closed-loop residuals per horizon step ``intervals/scores``.
Files without them (written before they existed) load as one network without scores.

Why ZIP + JSON + .npy: the parameters keep their exact bits (save -> load predicts
bit-identically), the container is a standard any tool can list, and both parts are read
by parsers that cannot run code: ``json`` and ``numpy.lib.format.read_array(...,
allow_pickle=False)``, which refuses object arrays. Nothing is imported or called by
name: the kind of model comes from a fixed table, activations from bpnn's own registry.
Every array's shape is checked against the manifest and against the architecture.

Writes are atomic: the archive is written to a temporary file in the destination's
directory, flushed and fsync'ed, then moved over the destination with ``os.replace``; a
crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._atomic import atomic_write  # re-exported: bpnn.io.atomic_write as before

if TYPE_CHECKING:
    from ._predict import LoadedClassifier, LoadedRegressor
    from ._typing import PathLike
    from .estimators import BPClassifier, BPRegressor
    from .network import Network
    from .timeseries.forecaster import BPForecaster

__all__ = ["SCHEMA_VERSION", "ModelFileError", "atomic_write", "load", "load_predictor", "save"]

FORMAT = "bpnn-model"
SCHEMA_VERSION = 1
_MAX_MANIFEST = 256 * 2**20  # bytes; a bigger manifest is not ours
_DTYPES = {"<f8", "|u1"}  # the only array types a model file holds
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member times: the same model, the same bytes


class ModelFileError(ValueError):
    """A file that is not a valid bpnn model file (nothing from it was executed)."""


# -- JSON encoding of hyper-parameters ----------------------------------------------------
def _enc(v):
    """Hyper-parameter value -> JSON; tuples, non-str-keyed dicts, activations are tagged."""
    from .activations import Activation
    from .algorithms import Algorithm

    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return v if math.isfinite(v) else {"__float__": repr(v)}
    if isinstance(v, tuple):
        return {"__tuple__": [_enc(x) for x in v]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf" and v.ndim <= 2:
        return _enc(v.tolist())  # e.g. a per-column input_range: stored as numbers
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: _enc(x) for k, x in v.items()}
        return {"__items__": [[_enc(k), _enc(x)] for k, x in v.items()]}
    if isinstance(v, Activation):
        return {"__activation__": v.spec()}
    if isinstance(v, Algorithm):
        return v.name
    if isinstance(v, (np.random.RandomState, np.random.Generator)):
        return None  # a generator's state is not a setting worth keeping
    raise ModelFileError(f"cannot store the hyper-parameter value {v!r} in a model file")


def _dec(v):
    from .activations import get_activation

    if isinstance(v, list):
        return [_dec(x) for x in v]
    if not isinstance(v, dict):
        return v
    if set(v) == {"__tuple__"}:
        return tuple(_dec(x) for x in v["__tuple__"])
    if set(v) == {"__float__"}:
        s = v["__float__"]
        if s not in ("inf", "-inf", "nan"):
            raise ModelFileError(f"bad float {s!r} in the manifest")
        return float(s)
    if set(v) == {"__items__"}:
        return {_dec(k): _dec(x) for k, x in v["__items__"]}
    if set(v) == {"__activation__"}:
        return get_activation(v["__activation__"])
    return {k: _dec(x) for k, x in v.items()}


def _clean(x):
    """Record values -> strict JSON: non-finite floats become null."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_clean(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return x if x is None or isinstance(x, str) else repr(x)


# -- model <-> (manifest, arrays) ---------------------------------------------------------
def _check_finite(name, a):
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        raise ModelFileError(f"array {name!r} holds non-finite values (NaN or inf)")


def _record_state(rec):
    if rec is None:
        return None, None
    return _clean(rec.summary()), _clean(rec.to_dict())


def _network_state(net):
    return {"network": net.spec()}, {"network/params": np.asarray(net.params, np.float64)}


def _estimator_state(est):
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(est, "network_")
    man, arrays = _network_state(est.network_)
    man["hyper_parameters"] = {k: _enc(v) for k, v in est.get_params(deep=False).items()}
    config, arr = est.input_map_.state()
    man["input_map"] = config
    table = getattr(est, "table_map_", None)
    if table is not None:
        man["table_map"] = table.state()
    arrays.update({f"input/{k}": v for k, v in arr.items()})
    names = getattr(est, "feature_names_in_", None)
    man.update(
        n_features_in=int(est.n_features_in_),
        feature_names_in=None if names is None else [str(n) for n in names],
        target_names=None
        if getattr(est, "target_names_", None) is None
        else [str(n) for n in est.target_names_],
        hidden=list(est.hidden_),
        algorithm=str(est.algorithm_),
        hidden_search=None
        if not est.hidden_search_
        else {str(a): _clean(v) for a, v in est.hidden_search_.items()},
        diagnosis=getattr(est, "diagnosis_", None),
        l2=_clean(float(getattr(est, "l2_", 0.0))),
        l2_search=None
        if not getattr(est, "l2_search_", None)
        else [[_clean(float(k)), _clean(v)] for k, v in est.l2_search_.items()],
    )
    if hasattr(est, "target_map_"):
        config, arr = est.target_map_.state()
        man.update(target_map=config, n_outputs=int(est.n_outputs_), y_1d=bool(est._y_1d))
        arrays.update({f"target/{k}": v for k, v in arr.items()})
    if hasattr(est, "classes_"):
        c = np.asarray(est.classes_)
        kind = (
            c.dtype.str
            if c.dtype.kind in "biuf"
            else ("unicode" if c.dtype.kind == "U" else "object")
        )
        man["classes"] = {
            "dtype": kind,
            "values": [v.item() if c.dtype.kind in "biuf" else str(v) for v in c],
        }
        man["target_type"] = est.target_type_
    man["record"], man["record_full"] = _record_state(getattr(est, "record_", None))
    _, man["selection_record_full"] = _record_state(getattr(est, "selection_record_", None))
    _ensemble_state(est, man, arrays)
    return man, arrays


def _time_reading(v):
    """How the time column's dates were read (set by ``bpnn train``, read again by
    ``bpnn forecast``): None, {"dayfirst": bool} or {"date_format": str}."""
    ok = v is None or (
        isinstance(v, dict)
        and len(v) == 1
        and (isinstance(v.get("dayfirst"), bool) or isinstance(v.get("date_format"), str))
    )
    if not ok:
        raise ModelFileError(f"time_reading must be null or one date option, got {v!r:.80}")
    return v


def _forecaster_state(est):
    """A BPForecaster: network, hyper-parameters, delays, the per-series maps and the last
    max-delay rows of the series (where forecasts continue), names, records."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(est, "network_")
    man, arrays = _network_state(est.network_)
    params = {
        k: tuple(v) if isinstance(v, range) else v for k, v in est.get_params(deep=False).items()
    }
    man["hyper_parameters"] = {k: _enc(v) for k, v in params.items()}
    names = lambda v: None if v is None else [str(n) for n in v]  # noqa: E731
    man["forecaster"] = {
        "feedback_delays": list(est.feedback_delays_),
        "input_delays": list(est.input_delays_),
        "max_delay": int(est.max_delay_),
        "difference": int(getattr(est, "difference_", 0) or 0),
        "target_names": names(est.target_names_),
        "exog_names": names(est.exog_names_),
        "n_targets": int(est.n_targets_),
        "n_exog": int(est.n_exog_),
        "y_1d": bool(est._y_1d),
        "pandas": bool(est._pandas),
        "index_info": est.index_info_,
        "time_name": getattr(est, "time_name_", None),
        "time_reading": getattr(est, "time_reading_", None),
        "n_series": int(est.n_series_),
        "split_seed": int(est.split_seed_),
        "algorithm": str(est.algorithm_),
        "diagnosis": est.diagnosis_,
        "closed_loop_horizon": getattr(est, "closed_loop_horizon_", None),
    }
    for key, m in (("y_map", est.y_map_), ("x_map", est.x_map_)):
        if m is not None:
            config, arr = m.state()
            man["forecaster"][key] = config
            arrays.update({f"{key}/{k}": v for k, v in arr.items()})
    if getattr(est, "exog_map_", None) is not None:
        man["forecaster"]["exog_map"] = est.exog_map_.state()
    for key in ("structure", "structure_search", "closed_loop_guard"):
        value = getattr(est, key + "_", None)
        if value is not None:  # plain JSON: lists, numbers (inf as None), strings
            man["forecaster"][key] = _plain_json(value)
    arrays["last_y"] = np.asarray(est.last_y_, dtype=np.float64)
    if est.last_X_ is not None:
        arrays["last_X"] = np.asarray(est.last_X_, dtype=np.float64)
    man["record"], man["record_full"] = _record_state(est.record_)
    _, man["closed_loop_record_full"] = _record_state(est.closed_loop_record_)
    _forecaster_members_state(est, man, arrays)
    return man, arrays


def _forecaster_members_state(est, man, arrays):
    """A forecaster's ensemble members 2..k (as a static model's, with their split seeds
    and closed-loop records) and its forecast-interval residuals ``intervals/scores``."""
    _ensemble_state(est, man, arrays)
    f = man["forecaster"]
    seeds = getattr(est, "split_seeds_", None)
    if seeds:
        f["split_seeds"] = [int(v) for v in seeds]
    cl = getattr(est, "closed_loop_records_", None)
    if cl and len(cl) > 1:
        f["closed_loop_records_full"] = [_record_state(r)[1] for r in cl]
    scores = getattr(est, "interval_scores_", None)
    if scores is not None:
        arrays["intervals/scores"] = np.asarray(scores, np.float64)
        f["interval_origins"] = [int(v) for v in est.interval_origins_]


def _plain_json(v):
    """Tuples as lists, NumPy scalars as Python numbers, non-finite floats as None."""
    if isinstance(v, dict):
        return {str(k): _plain_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain_json(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    if v is None or isinstance(v, str):
        return v
    raise ModelFileError(f"cannot store {type(v).__name__} in a model file")


def _ensemble_state(est, man, arrays):
    """Members 2..k of an ensemble (``ensemble``: their specs and records; arrays
    ``ensemble/<i>/params``) and the conformity scores of predict_interval."""
    nets = list(getattr(est, "networks_", None) or [])[1:]
    recs = list(getattr(est, "records_", None) or [])[1:]
    if nets:
        man["ensemble"] = [
            {
                "network": n.spec(),
                "record_full": _record_state(recs[i] if i < len(recs) else None)[1],
            }
            for i, n in enumerate(nets)
        ]
        arrays.update(
            {
                f"ensemble/{i}/params": np.asarray(n.params, np.float64)
                for i, n in enumerate(nets, start=1)
            }
        )
    scores = getattr(est, "conformity_scores_", None)
    if scores is not None:
        arrays["conformity/scores"] = np.asarray(scores, np.float64)


def _state(model):
    from .estimators import BPClassifier, BPRegressor
    from .network import Network

    if isinstance(model, (BPRegressor, BPClassifier)):
        man, arrays = _estimator_state(model)
    elif isinstance(model, Network):
        man, arrays = _network_state(model)
    elif type(model).__name__ == "BPForecaster":
        man, arrays = _forecaster_state(model)
    else:
        raise ModelFileError(
            f"save() takes a BPRegressor, BPClassifier, BPForecaster or "
            f"Network, got {type(model).__name__}"
        )
    man["kind"] = type(model).__name__
    return man, arrays


# -- writing -------------------------------------------------------------------------------
def _npy_bytes(a):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, allow_pickle=False)
    return buf.getvalue()


def save(model: BPRegressor | BPClassifier | BPForecaster | Network, path: PathLike) -> Path:
    """Write a fitted BPRegressor / BPClassifier / BPForecaster (or a Network) to ``path``
    atomically.

    The file is a zip of JSON and ``.npy`` arrays (no pickle). It is written to a temporary
    file beside ``path`` and renamed, so an existing file is never left half-written.

    Parameters
    ----------
    model : BPRegressor, BPClassifier, BPForecaster or Network
        A fitted estimator (single network or ensemble), a fitted forecaster or a Network.
    path : str or path-like
        The file to write (conventionally ``*.bpnn``).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        If the model is not fitted or holds parameters that are not finite.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from bpnn import BPRegressor, load, save
    >>> x = np.linspace(-1, 1, 41).reshape(-1, 1)
    >>> model = BPRegressor(hidden=(5,), preset="matlab", division=None, random_state=0,
    ...                     warn=False).fit(x, np.sin(np.pi * x).ravel())
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save(model, os.path.join(folder, "sine.bpnn"))
    ...     again = load(path)
    >>> bool(np.array_equal(again.predict(x), model.predict(x)))    # bit for bit
    True
    """
    from . import __version__

    man, arrays = _state(model)
    arrays = {
        k: np.ascontiguousarray(
            v, dtype=np.uint8 if v.dtype == bool or v.dtype == np.uint8 else np.float64
        )
        for k, v in arrays.items()
    }
    for k, v in arrays.items():
        _check_finite(k, v)
    man = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "bpnn_version": __version__,
        **man,
        "arrays": {k: {"shape": list(v.shape), "dtype": v.dtype.str} for k, v in arrays.items()},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zipfile.ZipInfo("manifest.json", _ZIP_TIME),
            json.dumps(man, indent=1, allow_nan=False),
            zipfile.ZIP_DEFLATED,
        )
        for k, v in arrays.items():
            z.writestr(
                zipfile.ZipInfo(f"arrays/{k}.npy", _ZIP_TIME), _npy_bytes(v), zipfile.ZIP_DEFLATED
            )
    return atomic_write(path, buf.getvalue())


# -- reading -------------------------------------------------------------------------------
def _open_zip(path):
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise ModelFileError(f"cannot read model file {str(path)!r}: {exc.strerror}") from None
    if head[:1] == b"\x80":
        raise ModelFileError(
            f"{str(path)!r} looks like a Python pickle, not a bpnn model "
            "file; pickles are never loaded (they can run code)"
        )
    if head != b"PK\x03\x04":
        raise ModelFileError(f"{str(path)!r} is not a bpnn model file (no ZIP signature)")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:  # (found by fuzzing)
        raise ModelFileError(f"{str(path)!r} is truncated or corrupt: {exc}") from None


def _read_manifest(z):
    try:
        info = z.getinfo("manifest.json")
    except KeyError:
        raise ModelFileError("the model file has no manifest.json") from None
    if info.file_size > _MAX_MANIFEST:
        raise ModelFileError(f"manifest.json is {info.file_size} bytes: too large")
    try:
        man = json.loads(z.read(info).decode("utf-8"))
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        UnicodeDecodeError,
        ValueError,
        zlib.error,
        RuntimeError,
        RecursionError,
    ) as exc:  # (found by fuzz/fuzz_loader.py)
        raise ModelFileError(f"manifest.json is unreadable (truncated or corrupt): {exc}") from None
    if not isinstance(man, dict) or man.get("format") != FORMAT:
        raise ModelFileError(
            "not a bpnn model file: manifest format is "
            f"{man.get('format') if isinstance(man, dict) else man!r}"
        )
    if man.get("schema_version") != SCHEMA_VERSION:
        raise ModelFileError(
            f"model file schema version {man.get('schema_version')!r} is not "
            f"supported; this bpnn reads version {SCHEMA_VERSION}"
        )
    return man


def _read_array(z, name, decl):
    if (
        not isinstance(decl, dict)
        or decl.get("dtype") not in _DTYPES
        or not isinstance(decl.get("shape"), list)
        or not all(isinstance(s, int) and s >= 0 for s in decl["shape"])
    ):
        raise ModelFileError(f"array {name!r}: bad declaration {decl!r}")
    shape, dtype = tuple(decl["shape"]), np.dtype(decl["dtype"])
    member = f"arrays/{name}.npy"
    try:
        info = z.getinfo(member)
    except KeyError:
        raise ModelFileError(f"the model file lacks array {member!r}") from None
    n_bytes = math.prod(shape) * dtype.itemsize
    if not n_bytes <= info.file_size <= n_bytes + 4096:  # data + .npy header
        raise ModelFileError(
            f"array {name!r} holds {info.file_size} bytes, which does not "
            f"fit its declared shape {shape} and dtype {dtype}"
        )
    try:
        with z.open(info) as f:
            buf = io.BytesIO(f.read())
        _check_npy_header(buf, name, shape, dtype)  # before anything is allocated
        a = np.lib.format.read_array(buf, allow_pickle=False)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
        RuntimeError,
    ) as exc:  # e.g. a member flagged as encrypted (fuzzing)
        raise ModelFileError(
            f"array {name!r} is unreadable (truncated, corrupt or an object array): {exc}"
        ) from None
    if a.shape != shape or a.dtype != dtype:
        raise ModelFileError(
            f"array {name!r} has shape {a.shape} and dtype {a.dtype}, the "
            f"manifest declares {shape} and {dtype}"
        )
    _check_finite(name, a)
    return a


def _check_npy_header(buf, name, shape, dtype):
    """Compare the .npy header with the manifest, then rewind (nothing allocated yet)."""
    fmt = np.lib.format
    version = fmt.read_magic(buf)
    read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
    h_shape, _, h_dtype = read(buf)
    if h_shape != shape or h_dtype != dtype:
        raise ModelFileError(
            f"array {name!r} has shape {h_shape} and dtype {h_dtype}, the "
            f"manifest declares {shape} and {dtype}"
        )
    buf.seek(0)


def _read_arrays(z, man):
    decl = man.get("arrays")
    if not isinstance(decl, dict):
        raise ModelFileError("manifest.json has no 'arrays' table")
    expected = {f"arrays/{k}.npy" for k in decl} | {"manifest.json"}
    extra = sorted(set(z.namelist()) - expected)
    if extra:
        raise ModelFileError(f"the model file holds unexpected members {extra[:5]!r}")
    return {k: _read_array(z, k, d) for k, d in decl.items()}


def load(path: PathLike) -> BPRegressor | BPClassifier | BPForecaster | Network:
    """Read a model file written by :func:`save`; returns the fitted estimator (or Network).

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    BPRegressor, BPClassifier, BPForecaster or Network
        The fitted model, predicting exactly as the one saved.

    Raises
    ------
    ModelFileError
        (a ValueError) for anything that is not a valid model file of a supported schema
        version: pickles, truncated files, wrong array shapes...
    """
    return _load(path, _estimator_kinds())


def load_predictor(path: PathLike) -> LoadedRegressor | LoadedClassifier | Network:
    """Read a model file for prediction only, without importing scikit-learn.

    Returns a Network as :func:`load` does, or for an estimator a
    :class:`~bpnn._predict.LoadedRegressor` / :class:`~bpnn._predict.LoadedClassifier`:
    the same fitted attributes (``network_``, ``input_map_``, ``classes_``,
    ``feature_names_in_``, ``record_``...) and the same ``predict`` / ``predict_proba``
    code as the estimator, checked and run with NumPy only (see :mod:`bpnn._predict`).
    The file is checked exactly as by :func:`load`. ``bpnn predict`` uses it.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save` from a BPRegressor, a BPClassifier or a Network.

    Returns
    -------
    LoadedRegressor, LoadedClassifier or Network
        A predictor with the estimator's ``predict`` (and ``predict_proba``).

    Raises
    ------
    ModelFileError
        As :func:`load` does.
    """
    from ._predict import LoadedClassifier, LoadedRegressor

    return _load(path, {"BPRegressor": LoadedRegressor, "BPClassifier": LoadedClassifier})


def _estimator_kinds():
    from .estimators import BPClassifier, BPRegressor

    return {"BPRegressor": BPRegressor, "BPClassifier": BPClassifier}


def _load(path, kinds):
    with _open_zip(path) as z:
        man = _read_manifest(z)
        arrays = _read_arrays(z, man)
    try:
        return _build(man, arrays, kinds)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
        raise ModelFileError(f"inconsistent model file: {type(exc).__name__}: {exc}") from None


def _build_network(man, arrays, key="network/params"):
    from .network import CONNECTIONS, Network, parameter_count

    spec = man["network"]
    sizes = [int(s) for s in spec["sizes"]]
    conn = spec.get("connections", "layered")  # files from before cascade nets: layered
    if conn not in CONNECTIONS:
        raise ModelFileError(
            f"network connections must be one of {list(CONNECTIONS)}, got {conn!r:.40}"
        )
    n_params = parameter_count(sizes, conn)
    params = arrays[key]
    if params.shape != (n_params,):
        kind = "" if conn == "layered" else f" ({conn} connections)"
        raise ModelFileError(
            f"{key} has shape {params.shape}; layer sizes {sizes}{kind} need ({n_params},)"
        )
    dtype = spec.get("dtype", "float64")
    if dtype not in ("float64", "float32"):
        raise ModelFileError(f"network dtype must be 'float64' or 'float32', got {dtype!r:.40}")
    return Network.from_spec(
        {"sizes": sizes, "activations": spec["activations"], "dtype": dtype, "connections": conn},
        params,
    )


def _sub(arrays, prefix):
    return {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}


def _build_forecaster(man, net, arrays):
    """A BPForecaster from :func:`_forecaster_state`'s manifest and arrays (checked)."""
    from .preprocessing import TargetScaler
    from .record import TrainingRecord
    from .timeseries import BPForecaster
    from .timeseries.lags import lag_names, max_delay, parse_delays

    est = BPForecaster(**{k: _dec(v) for k, v in man["hyper_parameters"].items()})
    f = man["forecaster"]
    est.feedback_delays_ = parse_delays(f["feedback_delays"], "feedback_delays", 1)
    est.input_delays_ = parse_delays(f["input_delays"], "input_delays", 0)
    k = f.get("difference", 0)  # files before differences were modelled: 0
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise ModelFileError(f"difference must be an integer >= 0, got {k!r:.40}")
    est.difference_ = k
    est.max_delay_ = D = max_delay(est.feedback_delays_, est.input_delays_) + k
    if int(f["max_delay"]) != D:
        raise ModelFileError(f"max_delay {f['max_delay']!r} does not match the delays")
    est.n_targets_, est.n_exog_ = int(f["n_targets"]), int(f["n_exog"])
    for key in ("target_names", "exog_names"):
        v = f[key]
        if v is not None and (not isinstance(v, list) or not all(isinstance(t, str) for t in v)):
            raise ModelFileError(f"{key} must be a list of strings, got {v!r:.80}")
    est.target_names_, est.exog_names_ = f["target_names"], f["exog_names"]
    if len(est.target_names_) != est.n_targets_ or (
        est.exog_names_ is not None and len(est.exog_names_) != est.n_exog_
    ):
        raise ModelFileError("the series names do not match the numbers of series")
    n_in = len(
        lag_names(est.target_names_, est.exog_names_, est.feedback_delays_, est.input_delays_)
    )
    if (net.n_inputs, net.n_outputs) != (n_in, est.n_targets_):
        raise ModelFileError(
            f"the network maps {net.n_inputs} -> {net.n_outputs}, the delays "
            f"and series need {n_in} -> {est.n_targets_}"
        )
    est.network_, est.algorithm_ = net, str(f["algorithm"])
    est._y_1d, est._pandas = bool(f["y_1d"]), bool(f["pandas"])
    est.index_info_, est.diagnosis_ = f.get("index_info"), f.get("diagnosis")
    est.time_name_ = f.get("time_name")
    if est.time_name_ is not None and not isinstance(est.time_name_, str):
        raise ModelFileError(f"time_name must be a string, got {est.time_name_!r:.80}")
    est.time_reading_ = _time_reading(f.get("time_reading"))
    est.n_series_, est.split_seed_ = int(f["n_series"]), int(f["split_seed"])
    if f.get("closed_loop_horizon") is not None:
        est.closed_loop_horizon_ = int(f["closed_loop_horizon"])
    est.y_map_ = TargetScaler.from_state(f["y_map"], _sub(arrays, "y_map/"), est.n_targets_)
    est.x_map_ = (
        None
        if not est.n_exog_
        else TargetScaler.from_state(f["x_map"], _sub(arrays, "x_map/"), est.n_exog_)
    )
    est.exog_map_ = None
    if f.get("exog_map") is not None:
        from .tables.encoder import TableEncoder

        try:
            est.exog_map_ = TableEncoder.from_state(f["exog_map"])
        except ValueError as exc:
            raise ModelFileError(str(exc)) from None
        if est.exog_map_.n_outputs != est.n_exog_:
            raise ModelFileError("the exogenous table map does not match the number of series")
    for key in ("structure", "structure_search", "closed_loop_guard"):
        value = f.get(key)
        if value is not None and not isinstance(value, dict):
            raise ModelFileError(f"{key} must be an object, got {value!r:.80}")
        setattr(est, key + "_", value)
    est.last_y_ = arrays["last_y"]
    est.last_X_ = arrays.get("last_X") if est.n_exog_ else None
    for name, a, k in (
        ("last_y", est.last_y_, est.n_targets_),
        ("last_X", est.last_X_, est.n_exog_),
    ):
        if k and (a is None or a.shape != (D, k)):
            raise ModelFileError(
                f"{name} must have shape ({D}, {k}), got {None if a is None else a.shape}"
            )
    full, cl = man.get("record_full"), man.get("closed_loop_record_full")
    est.record_ = None if full is None else TrainingRecord.from_dict(_nan_lists(full))
    est.closed_loop_record_ = None if cl is None else TrainingRecord.from_dict(_nan_lists(cl))
    _build_forecaster_members(est, man, arrays)
    return est


def _build_forecaster_members(est, man, arrays):
    """``networks_``, ``records_``, ``split_seeds_``, ``closed_loop_records_`` and the
    interval residuals of :func:`_forecaster_members_state` (files without them: one
    network, no intervals)."""
    from .record import TrainingRecord

    _build_ensemble(est, man, arrays, est.n_targets_)
    f, k = man["forecaster"], len(est.networks_)
    seeds = f.get("split_seeds") or [est.split_seed_]
    if len(seeds) != k or not all(isinstance(v, int) for v in seeds):
        raise ModelFileError(f"split_seeds must be {k} integers, got {seeds!r:.80}")
    est.split_seeds_ = seeds
    cl = f.get("closed_loop_records_full")
    est.closed_loop_records_ = (
        (None if est.closed_loop_record_ is None else [est.closed_loop_record_])
        if cl is None
        else [None if r is None else TrainingRecord.from_dict(_nan_lists(r)) for r in cl]
    )
    scores, origins = arrays.get("intervals/scores"), f.get("interval_origins")
    est.interval_scores_ = est.interval_origins_ = None
    if scores is None:
        return
    if (
        scores.ndim != 3
        or scores.shape[2] != est.n_targets_
        or not isinstance(origins, list)
        or len(origins) != scores.shape[0]
        or not all(isinstance(v, int) and 0 <= v < est.n_series_ for v in origins)
    ):
        raise ModelFileError(
            f"intervals/scores has shape {scores.shape}; the model has "
            f"{est.n_targets_} targets and needs one origin per row"
        )
    est.interval_scores_, est.interval_origins_ = scores, np.asarray(origins, dtype=np.int64)


def _build(man, arrays, kinds):
    """The model of a checked manifest and arrays; ``kinds`` maps "BPRegressor" and
    "BPClassifier" to the classes to build (the estimators, or :func:`load_predictor`'s)."""
    from .preprocessing import InputPreprocessor, TargetScaler
    from .record import TrainingRecord

    kind = man.get("kind")
    net = _build_network(man, arrays)
    if kind == "Network":
        return net
    if kind == "BPForecaster":  # one class for both loaders (forecasting needs it all)
        return _build_forecaster(man, net, arrays)
    if kind not in kinds:
        raise ModelFileError(
            f"unknown model kind {kind!r}; expected one of "
            f"{sorted(kinds) + ['BPForecaster', 'Network']}"
        )
    est = kinds[kind](**{k: _dec(v) for k, v in man["hyper_parameters"].items()})
    n_in = int(man["n_features_in"])
    n_enc = n_in
    if man.get("table_map") is not None:  # files written before the table map have none
        from .tables.encoder import TableEncoder

        try:
            est.table_map_ = TableEncoder.from_state(man["table_map"])
        except ValueError as exc:
            raise ModelFileError(str(exc)) from None
        if est.table_map_.n_features_in_ != n_in:
            raise ModelFileError(
                f"the table map takes {est.table_map_.n_features_in_} columns, the model {n_in}"
            )
        n_enc = est.table_map_.n_outputs
    est.input_map_ = InputPreprocessor.from_state(man["input_map"], _sub(arrays, "input/"), n_enc)
    if net.n_inputs != est.input_map_.n_outputs:
        raise ModelFileError(
            f"the network takes {net.n_inputs} inputs but the input map "
            f"gives {est.input_map_.n_outputs}"
        )
    est.network_, est.n_features_in_, est.dtype_ = net, n_in, net.dtype
    names = man.get("feature_names_in")
    if names is not None:
        if len(names) != n_in:
            raise ModelFileError(f"{len(names)} feature names for {n_in} features")
        est.feature_names_in_ = np.asarray([str(n) for n in names], dtype=object)
    targets = man.get("target_names")
    if targets is not None:
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ModelFileError(f"target_names must be a list of strings, got {targets!r:.80}")
        est.target_names_ = np.asarray(targets, dtype=object)
    est.hidden_ = tuple(int(h) for h in man["hidden"])
    est.algorithm_ = str(man["algorithm"])
    hs = man.get("hidden_search")
    est.hidden_search_ = None if not hs else {int(a): v for a, v in hs.items()}
    est.diagnosis_ = man.get("diagnosis")
    _load_search(est, man)
    if kind == "BPRegressor":
        est.n_outputs_, est._y_1d = int(man["n_outputs"]), bool(man["y_1d"])
        est.target_map_ = TargetScaler.from_state(
            man["target_map"], _sub(arrays, "target/"), est.n_outputs_
        )
        n_net = est.n_outputs_
    else:
        _build_classes(est, man)
        n_net = est._n_net_outputs()
    if net.n_outputs != n_net:
        raise ModelFileError(f"the network has {net.n_outputs} outputs, the model needs {n_net}")
    full = man.get("record_full")
    est.record_ = None if full is None else TrainingRecord.from_dict(_nan_lists(full))
    sel = man.get("selection_record_full")
    est.selection_record_ = None if sel is None else TrainingRecord.from_dict(_nan_lists(sel))
    _build_ensemble(est, man, arrays, n_net)
    return est


def _build_ensemble(est, man, arrays, n_net):
    """``networks_``, ``records_`` and ``conformity_scores_`` (files without an ensemble:
    one network; without scores: None)."""
    from .record import TrainingRecord

    members = man.get("ensemble") or []
    if not isinstance(members, list):
        raise ModelFileError(f"ensemble must be a list, got {members!r:.80}")
    nets, recs = [est.network_], [est.record_]
    for i, m in enumerate(members, start=1):
        net = _build_network(m, arrays, key=f"ensemble/{i}/params")
        if (net.n_inputs, net.n_outputs) != (
            est.network_.n_inputs,
            n_net,
        ) or net.dtype != est.network_.dtype:
            raise ModelFileError(
                f"ensemble member {i} takes {net.n_inputs} inputs and gives "
                f"{net.n_outputs} outputs ({net.dtype}); the model needs "
                f"{est.network_.n_inputs} and {n_net} "
                f"({est.network_.dtype})"
            )
        nets.append(net)
        full = m.get("record_full")
        recs.append(None if full is None else TrainingRecord.from_dict(_nan_lists(full)))
    est.networks_, est.records_ = nets, recs
    scores = arrays.get("conformity/scores")
    if scores is not None and (scores.ndim != 2 or scores.shape[1] != n_net):
        raise ModelFileError(
            f"conformity/scores has shape {scores.shape}; the model has {n_net} targets"
        )
    if "n_outputs" in man:
        est.conformity_scores_ = scores


def _load_search(est, man):
    """``l2_`` and ``l2_search_`` (files written before they were stored: 0 and None)."""
    l2, search = man.get("l2", 0.0), man.get("l2_search")
    if not isinstance(l2, (int, float)) or isinstance(l2, bool) or not l2 >= 0:
        raise ModelFileError(f"l2 must be a number >= 0, got {l2!r:.80}")
    est.l2_ = float(l2)
    if search is not None:
        if not isinstance(search, list) or not all(
            isinstance(p, list)
            and len(p) == 2
            and all(isinstance(v, (int, float)) or v is None for v in p)
            for p in search
        ):
            raise ModelFileError(
                f"l2_search must be a list of [l2, loss] pairs, got {search!r:.80}"
            )
        search = {float(k): (np.nan if v is None else float(v)) for k, v in search}
    est.l2_search_ = search or None


def _build_classes(est, man):
    c = man["classes"]
    kind = man["target_type"]
    if kind not in ("binary", "multiclass", "multilabel-indicator"):
        raise ModelFileError(f"unknown target type {kind!r}")
    if c["dtype"] in ("unicode", "object"):
        values = [str(v) for v in c["values"]]
        est.classes_ = np.asarray(values, dtype=object if c["dtype"] == "object" else str)
    else:
        dt = np.dtype(c["dtype"])
        if dt.kind not in "biuf":
            raise ModelFileError(f"bad class label dtype {c['dtype']!r}")
        est.classes_ = np.asarray(c["values"], dtype=dt)
    est.target_type_ = kind


def _nan_lists(d):
    """Undo :func:`_clean` for the per-epoch lists: null -> NaN."""
    nan = float("nan")
    out = dict(d)
    for k, v in d.items():
        if isinstance(v, list) and k not in ("train_idx", "val_idx", "test_idx"):
            out[k] = [nan if x is None else x for x in v]
    out["extra"] = {
        k: [nan if x is None else x for x in v] for k, v in (d.get("extra") or {}).items()
    }
    return out
