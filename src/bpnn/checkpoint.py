"""Crash-safe training checkpoints: everything needed to continue a run bit for bit.

A checkpoint is ONE file, an uncompressed NumPy ``.npz`` archive read with
``allow_pickle=False`` (no code can run on load). It holds

* ``__manifest__`` — UTF-8 JSON: format name and version, the epoch, the network's spec,
  the algorithm's name and parameters, the trainer RNG's ``bit_generator.state``, the
  best-epoch bookkeeping, the training record so far, a fingerprint of the training data,
  and the *structure* of the algorithm's state;
* ``a0, a1, ...`` — every array: the current and best parameters and each array inside the
  algorithm's state.

The algorithm state is any tree of NamedTuple / tuple / list / dict (string keys) /
ndarray / NumPy scalar / float / int / bool / str / None; :func:`encode_tree` turns it
into JSON plus a list of arrays, :func:`decode_tree` back, using the freshly initialised
state as a template so NamedTuples come back as their own class.

Writes are atomic (:func:`bpnn._atomic.atomic_write`): a temporary file in the same directory
is written, flushed and fsync'ed, then ``os.replace``'d over the target, and the directory
is fsync'ed — a crash at any moment leaves either the old file or the new one, never a
torn one.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import zipfile
import zlib
from collections import namedtuple

import numpy as np

from ._atomic import atomic_write  # the project's one atomic write (re-exported here)

__all__ = [
    "atomic_write",
    "encode_tree",
    "decode_tree",
    "save_checkpoint",
    "load_checkpoint",
    "parse_checkpoint",
    "data_fingerprint",
    "TrainingState",
    "training_context",
    "check_compatible",
    "GracefulInterrupt",
    "FORMAT",
    "VERSION",
]

FORMAT = "bpnn-checkpoint"
VERSION = 1
_MAX_MANIFEST = 64 * 2**20  # refuse manifests above 64 MiB (a corrupt or hostile file)


# -- trees of state <-> JSON + arrays ----------------------------------------------------
def _float_json(x: float):
    """JSON has no NaN/inf: non-finite floats become {"float": "nan" | "inf" | "-inf"}."""
    return x if math.isfinite(x) else {"float": repr(x)}


def encode_tree(tree, arrays: list):
    """JSON-able description of ``tree``; arrays are appended to ``arrays`` and referenced."""
    if isinstance(tree, (np.ndarray, np.generic)):  # first: np.float64 is also a float
        arr = np.asarray(tree)
        if arr.dtype.hasobject or arr.dtype.kind not in "biufc":
            raise ValueError(f"cannot checkpoint an array of dtype {arr.dtype}")
        arrays.append(arr)
        return {"array": len(arrays) - 1, "scalar": isinstance(tree, np.generic)}
    if tree is None or isinstance(tree, (bool, str, int)):
        return tree
    if isinstance(tree, float):
        return _float_json(tree)
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return {
            "namedtuple": type(tree).__name__,
            "fields": list(tree._fields),
            "items": [encode_tree(v, arrays) for v in tree],
        }
    if isinstance(tree, (tuple, list)):
        kind = "tuple" if isinstance(tree, tuple) else "list"
        return {kind: [encode_tree(v, arrays) for v in tree]}
    if isinstance(tree, dict):
        if not all(isinstance(k, str) for k in tree):
            raise ValueError(f"cannot checkpoint a dict with non-string keys: {list(tree)!r}")
        return {"dict": {k: encode_tree(v, arrays) for k, v in tree.items()}}
    raise ValueError(
        f"cannot checkpoint algorithm state of type {type(tree).__name__}; "
        "use NamedTuple/dict/list of arrays, floats, ints, str or None"
    )


def _leaf_fits(template, value) -> bool:
    """A number must stay a number, a string a string, a flag a flag (None: anything)."""
    if template is None or isinstance(template, (np.ndarray, tuple, list, dict)):
        return True
    if isinstance(template, (bool, np.bool_)):
        return isinstance(value, (bool, np.bool_))
    if isinstance(template, (int, float, np.number)):
        return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
    if isinstance(template, str):
        return isinstance(value, str)
    return True


def _misfit(what, template):
    return ValueError(
        f"checkpoint state ({what}) does not fit this algorithm's state ({type(template).__name__})"
    )


def decode_tree(node, arrays, template=None):
    """Inverse of :func:`encode_tree`.

    With a ``template`` (the algorithm's freshly initialised state) the result must have its
    structure — the same NamedTuple class and fields, sequence lengths, dict keys (more are
    allowed), array dtypes and (unless the template's array is empty, a placeholder)
    shapes, numbers where it has numbers — else ValueError. A ``None`` in the template, or
    a dict key it lacks, accepts anything.
    """
    if node is None or isinstance(node, (bool, str, int, float)):
        if isinstance(template, (np.ndarray, tuple, list, dict)) or not _leaf_fits(template, node):
            raise _misfit(type(node).__name__, template)
        return node
    if not isinstance(node, dict) or len(node) == 0:
        raise ValueError(f"corrupt checkpoint: bad state node {node!r:.80}")
    if "float" in node:
        if node["float"] not in ("nan", "inf", "-inf"):
            raise ValueError(f"corrupt checkpoint: bad float {node['float']!r:.40}")
        if not _leaf_fits(template, 0.0) or isinstance(template, (np.ndarray, tuple, dict)):
            raise _misfit("a float", template)
        return float(node["float"])
    if "array" in node:
        i = node["array"]
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(arrays):
            raise ValueError(f"corrupt checkpoint: bad array reference {i!r:.40}")
        arr = arrays[i].copy()
        if isinstance(template, (tuple, list, dict)) or (
            not node.get("scalar") and template is not None and not isinstance(template, np.ndarray)
        ):
            raise _misfit("an array", template)
        if isinstance(template, np.ndarray) and (
            arr.dtype != template.dtype or (template.size and arr.shape != template.shape)
        ):  # empty: sized later
            # e.g. a velocity of the wrong length would make a compiled kernel write
            # out of bounds: refuse it here
            raise ValueError(
                f"checkpoint state array {arr.dtype}{arr.shape} does not fit "
                f"this algorithm's {template.dtype}{template.shape}"
            )
        if node.get("scalar") and not _leaf_fits(template, arr[()]):
            raise _misfit("a number", template)
        return arr[()] if node.get("scalar") else arr
    if "namedtuple" in node:
        return _decode_namedtuple(node, arrays, template)
    for kind, make in (("tuple", tuple), ("list", list)):
        if kind in node:
            items = _as(node[kind], list)
            if template is None:
                template = [None] * len(items)
            elif (
                not isinstance(template, (tuple, list))
                or len(template) != len(items)
                or hasattr(template, "_fields")
            ):
                raise _misfit(f"a {kind} of {len(items)}", template)
            return make(decode_tree(v, arrays, t) for v, t in zip(items, template))
    if "dict" in node:
        items = _as(node["dict"], dict)
        if template is None:
            template = {}
        elif not isinstance(template, dict) or not set(template) <= set(items):
            # (a state may gain keys as training goes on, never lose them)
            raise _misfit(f"a dict with keys {sorted(items)!r:.60}", template)
        return {k: decode_tree(v, arrays, template.get(k)) for k, v in items.items()}
    raise ValueError(f"corrupt checkpoint: unknown state node {sorted(node)!r:.80}")


def _as(value, kind):
    if not isinstance(value, kind):
        raise ValueError(f"corrupt checkpoint: expected a {kind.__name__}, got {value!r:.60}")
    return value


def _decode_namedtuple(node, arrays, template):
    fields = _as(node.get("fields"), list)
    items = _as(node.get("items"), list)
    if len(fields) != len(items) or not all(
        isinstance(f, str) and f.isidentifier() for f in fields
    ):
        raise ValueError("corrupt checkpoint: bad NamedTuple fields")
    fits = isinstance(template, tuple) and getattr(template, "_fields", None) == tuple(fields)
    if template is not None and not fits:
        raise _misfit(f"NamedTuple {node.get('namedtuple')!r:.40}", template)
    subs = list(template) if fits else [None] * len(items)
    values = [decode_tree(v, arrays, t) for v, t in zip(items, subs)]
    if fits:
        return type(template)._make(values)
    name = node.get("namedtuple")
    name = name if isinstance(name, str) and name.isidentifier() else "State"
    return namedtuple(name, fields)._make(values)


# -- checkpoint files --------------------------------------------------------------------
def data_fingerprint(*arrays) -> str:
    """SHA-256 over the shapes, dtypes and bytes of the given arrays (None allowed)."""
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"none;")
            continue
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape};".encode())
        h.update(a.data)  # the C-order bytes, without tobytes()' copy of the data
    return h.hexdigest()


def save_checkpoint(path, manifest: dict, arrays: list) -> None:
    """Write ``manifest`` (JSON-able, may reference ``arrays`` by index) atomically."""
    text = json.dumps({"format": FORMAT, "version": VERSION, **manifest})
    buf = io.BytesIO()
    np.savez(
        buf,
        __manifest__=np.frombuffer(text.encode("utf-8"), dtype=np.uint8),
        **{f"a{i}": np.asarray(a) for i, a in enumerate(arrays)},  # type: ignore[arg-type]
    )
    atomic_write(path, buf.getvalue())


def load_checkpoint(path):
    """Read a checkpoint → (manifest dict, list of arrays). Any defect → ValueError."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ValueError(f"cannot read checkpoint {os.fspath(path)!r}: {exc.strerror}") from None
    return parse_checkpoint(raw, name=os.fspath(path))


def _read_member(z, info, limit):
    """One .npy member, its size checked *before* anything is allocated.

    Only uncompressed members no larger than the file itself are accepted, and the array
    its header declares must fit in the member — so a forged header cannot make the
    reader allocate more memory than the file's own size.
    """
    if info.compress_type != zipfile.ZIP_STORED or info.file_size > limit:
        raise ValueError(f"member {info.filename!r} is compressed or oversized")
    with z.open(info) as f:
        version = np.lib.format.read_magic(f)
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }.get(version)
        if read_header is None:
            raise ValueError(f"unsupported .npy version {version}")
        shape, fortran, dtype = read_header(f)
        if dtype.hasobject or dtype.kind not in "biufc":
            raise ValueError(f"array of dtype {dtype} in a checkpoint")
        if math.prod(shape) * dtype.itemsize > info.file_size:
            raise ValueError(f"member {info.filename!r} is shorter than its header declares")
        data = f.read(math.prod(shape) * dtype.itemsize)
    a = np.frombuffer(data, dtype=dtype, count=math.prod(shape))
    return a.reshape(shape[::-1]).T.copy() if fortran else a.reshape(shape).copy()


def parse_checkpoint(raw: bytes, name="<bytes>"):
    """Parse checkpoint bytes (see :func:`load_checkpoint`); never runs code, never pickles."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = {i.filename: i for i in z.infolist()}
            if "__manifest__.npy" not in infos:
                raise ValueError("no manifest")
            man = _read_member(z, infos["__manifest__.npy"], min(len(raw), _MAX_MANIFEST))
            if man.dtype != np.uint8 or man.ndim != 1:
                raise ValueError("bad manifest")
            manifest = json.loads(man.tobytes().decode("utf-8"))
            if not isinstance(manifest, dict):
                raise ValueError("manifest is not an object")
            n = manifest.get("n_arrays")
            if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < len(infos):
                raise ValueError("bad array count")
            arrays = [_read_member(z, infos[f"a{i}.npy"], len(raw)) for i in range(n)]
    except (
        ValueError,
        KeyError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
        UnicodeDecodeError,
        RecursionError,
        RuntimeError,
        OverflowError,
        TypeError,
        MemoryError,
        SyntaxError,
    ) as exc:
        raise ValueError(f"{name!r} is not a readable bpnn checkpoint ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise ValueError(
            f"{name!r} is not a bpnn checkpoint (format {manifest.get('format')!r:.40})"
        )
    if manifest.get("version") != VERSION:
        raise ValueError(
            f"{name!r} has checkpoint version {manifest.get('version')!r:.20}; "
            f"this bpnn reads version {VERSION}"
        )
    return manifest, arrays  # (_read_member already refused non-numeric dtypes)


# -- the trainer's state -----------------------------------------------------------------
def _plain(value):
    """A JSON-able copy of algorithm parameters (odd values become their repr)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value  # NaN/inf are written as JSON's NaN/Infinity extension
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return repr(value)


_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


def _check_rng_state(state):
    name = state.get("bit_generator")
    if name not in _BIT_GENERATORS:
        raise ValueError(f"unknown bit generator {name!r:.40}")
    try:
        getattr(np.random, name)().state = state
    except (TypeError, KeyError, ValueError, OverflowError) as exc:
        raise ValueError(f"bad RNG state ({type(exc).__name__})") from None


def _check_record(rec, epoch):
    from .record import _PER_EPOCH

    n = len(rec.epoch)
    for name in _PER_EPOCH:
        series = getattr(rec, name)
        if len(series) != n or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in series
        ):
            raise ValueError(f"record series {name!r} is not {n} numbers")
    if n == 0 or rec.epoch[-1] != epoch:
        raise ValueError("the record does not end at the checkpoint's epoch")
    for k, series in rec.extra.items():
        if not isinstance(series, list) or len(series) > n:
            raise ValueError(f"record series {k!r} is not a list of at most {n} numbers")


class TrainingState:
    """Everything :class:`~bpnn.trainer.Trainer` needs to continue after ``epoch``.

    Attributes
    ----------
    epoch : int
    w, best_w : ndarray (n_params,)
        Current parameters and those of the best epoch so far.
    state_node, arrays : the algorithm state as encoded by :func:`encode_tree`
        (decode with :meth:`algorithm_state`, giving the freshly initialised state as template).
    rng_state : dict — the trainer Generator's ``bit_generator.state``.
    best_key : float; fails : int — best-epoch key and validation failures in a row.
    record : TrainingRecord so far; elapsed : float seconds trained so far.
    context : dict — network spec, algorithm name and parameters, loss, data fingerprint.
    """

    def __init__(
        self,
        *,
        epoch,
        w,
        state,
        rng_state,
        best_w,
        best_key,
        fails,
        record,
        elapsed,
        context,
        arrays=None,
        state_node=None,
    ):
        self.epoch, self.w, self.best_w = int(epoch), w, best_w
        self.rng_state, self.best_key, self.fails = rng_state, float(best_key), int(fails)
        self.record, self.elapsed, self.context = record, float(elapsed), context
        self.arrays = [] if arrays is None else arrays
        self.state_node = encode_tree(state, self.arrays) if state_node is None else state_node

    def algorithm_state(self, template=None):
        return decode_tree(self.state_node, self.arrays, template)

    def save(self, path):
        arrays = list(self.arrays) + [np.asarray(self.w), np.asarray(self.best_w)]
        n = len(self.arrays)
        manifest = {
            "n_arrays": len(arrays),
            "epoch": self.epoch,
            "w": n,
            "best_w": n + 1,
            "state": self.state_node,
            "rng_state": _plain(self.rng_state),
            "best_key": self.best_key,
            "fails": self.fails,
            "elapsed": self.elapsed,
            "context": _plain(self.context),
            "record": _plain(self.record.to_dict()),
        }
        save_checkpoint(path, manifest, arrays)

    @classmethod
    def load(cls, path) -> "TrainingState":
        manifest, arrays = load_checkpoint(path)
        return cls.from_manifest(manifest, arrays, os.fspath(path))

    @classmethod
    def from_manifest(cls, m, arrays, name="<bytes>"):
        from .record import TrainingRecord

        try:
            iw, ib = m["w"], m["best_w"]
            if not (
                isinstance(iw, int)
                and isinstance(ib, int)
                and 0 <= iw < len(arrays)
                and 0 <= ib < len(arrays)
            ):
                raise ValueError("bad parameter references")
            w, best_w = arrays[iw], arrays[ib]
            if w.ndim != 1 or best_w.shape != w.shape or w.dtype.kind != "f":
                raise ValueError("parameters are not a flat float vector")
            if not (np.all(np.isfinite(w)) and np.all(np.isfinite(best_w))):
                raise ValueError("parameters hold NaN or inf")
            record = TrainingRecord.from_dict(_as(m["record"], dict))
            st = cls(
                epoch=_as(m["epoch"], int),
                w=w,
                state=None,
                rng_state=_as(m["rng_state"], dict),
                best_w=best_w,
                best_key=float(m["best_key"]),
                fails=_as(m["fails"], int),
                record=record,
                elapsed=float(m["elapsed"]),
                context=_as(m["context"], dict),
                arrays=arrays[: min(iw, ib)],
                state_node=m["state"],
            )
            if not (math.isfinite(st.elapsed) and st.elapsed >= 0 and st.fails >= 0):
                raise ValueError("bad elapsed time or failure count")
            st.algorithm_state()  # validate the state tree now, not mid-resume
            _check_rng_state(st.rng_state)
            _check_record(record, st.epoch)
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            OverflowError,
            RecursionError,
        ) as exc:
            raise ValueError(f"{name!r} is a damaged bpnn checkpoint ({exc})") from None
        return st


def training_context(network, algorithm, loss_name, *, l2, shuffle, data) -> dict:
    """What a checkpoint must agree on with the run that resumes it (JSON-able)."""
    ctx = {
        "network": network.spec(),
        "dtype": str(network.dtype),
        "algorithm": algorithm.name,
        "algorithm_params": algorithm.params(),
        "loss": loss_name,
        "l2": float(l2),
        "shuffle": bool(shuffle),
        "data": data_fingerprint(*data),
    }
    return json.loads(json.dumps(_plain(ctx)))


def check_compatible(saved: dict, now: dict, name) -> None:
    """Raise ValueError naming the first thing that differs between checkpoint and run."""
    for key in (
        "network",
        "dtype",
        "algorithm",
        "algorithm_params",
        "loss",
        "l2",
        "shuffle",
        "data",
    ):
        if saved.get(key) != now.get(key):
            what = key.replace("_", " ")
            if key == "data":
                raise ValueError(
                    f"cannot resume from {name!r}: it was written for different "
                    "training data (the data fingerprints differ)"
                )
            raise ValueError(
                f"cannot resume from {name!r}: its {what} is "
                f"{saved.get(key)!r}, this run's is {now.get(key)!r}"
            )


class GracefulInterrupt:
    """Turn the first Ctrl-C (SIGINT) into a request to stop after the current epoch.

    Use as a context manager and pass the object as a training callback; it returns the
    stop reason "interrupted" once Ctrl-C was pressed. A second Ctrl-C interrupts at once
    (KeyboardInterrupt). Outside the main thread it does nothing.
    """

    def __init__(self):
        self.requested = False
        self._old = None

    def _handler(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self):
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        import signal

        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
            self._old = None
        return False

    def __call__(self, epoch, record, network):
        return "interrupted" if self.requested else False
