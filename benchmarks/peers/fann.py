"""ctypes wrapper over FANN's double-precision library (``libdoublefann.so``).

Only what the bpnn benchmark needs is wrapped: create a standard fully
connected net, choose activations / training algorithm / learning rate /
momentum / error function, set or randomise the weights, train an epoch on a
data set held in memory, run a forward pass, read the MSE and destroy.

Install FANN with ``benchmarks/install_peers.sh`` (Debian package
``libfann-dev``; tested with FANN 2.2.0).

FANN conventions that matter when comparing against other implementations
------------------------------------------------------------------------

* ``FANN_SIGMOID`` is ``1 / (1 + exp(-2 * s * x))`` where ``s`` is the
  activation *steepness* (FANN's default is 0.5).  With ``s = 0.5`` this is
  the plain logistic function ``1 / (1 + exp(-x))``; this wrapper always sets
  the steepness explicitly (default 0.5).  Its derivative is
  ``2 * s * y * (1 - y)`` (= ``y * (1 - y)`` for ``s = 0.5``), **but FANN
  clips y to [0.01, 0.99] (float32 constants) before computing the
  derivative**, so the derivative never drops below ``2*s*0.0099``.
* Before the activation FANN clamps ``s * net`` to ``+-150 / s``.
* FANN's default training error function is ``FANN_ERRORFUNC_TANH``
  (``err = log((1+e)/(1-e))``); this wrapper defaults to
  ``FANN_ERRORFUNC_LINEAR`` (``err = d - y``), i.e. plain gradient descent
  on ``0.5 * sum((d - y)**2)``.
* ``FANN_TRAIN_INCREMENTAL`` is per-sample back-propagation: for every
  sample, in data-set order (no shuffling), forward, output error
  ``delta = f'(y) * (d - y)``, back-propagate through the *old* weights,
  then ``w += lr * delta * input + momentum * previous_dw``.  The learning
  rate and momentum are stored as C ``float`` (float32).
* ``fann_train_epoch`` returns the MSE accumulated *during* the epoch (each
  sample's squared error measured before its own update), averaged over
  samples and output neurons, accumulated in float32.
* Every layer has a bias neuron (value 1) as its *last* neuron.  The flat
  weight vector (``get_weights`` / ``set_weights``) is in FANN's
  connection order: layer by layer, for every destination neuron its
  incoming weights from all source neurons of the previous layer, the bias
  last.  For a layer ``n_in -> n_out`` that block is a row-major
  ``(n_out, n_in + 1)`` matrix whose last column is the bias.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    "FANN_LINEAR",
    "FANN_THRESHOLD",
    "FANN_THRESHOLD_SYMMETRIC",
    "FANN_SIGMOID",
    "FANN_SIGMOID_STEPWISE",
    "FANN_SIGMOID_SYMMETRIC",
    "FANN_TRAIN_INCREMENTAL",
    "FANN_TRAIN_BATCH",
    "FANN_TRAIN_RPROP",
    "FANN_TRAIN_QUICKPROP",
    "FANN_ERRORFUNC_LINEAR",
    "FANN_ERRORFUNC_TANH",
    "FannError",
    "find_library",
    "load_library",
    "is_available",
    "TrainData",
    "FannNet",
    "FannCascade",
    "pack_layers",
    "unpack_layers",
    "random_dataset",
    "time_incremental_epoch",
]

# enum fann_activationfunc_enum
FANN_LINEAR = 0
FANN_THRESHOLD = 1
FANN_THRESHOLD_SYMMETRIC = 2
FANN_SIGMOID = 3
FANN_SIGMOID_STEPWISE = 4
FANN_SIGMOID_SYMMETRIC = 5
FANN_SIGMOID_SYMMETRIC_STEPWISE = 6

# enum fann_train_enum
FANN_TRAIN_INCREMENTAL = 0
FANN_TRAIN_BATCH = 1
FANN_TRAIN_RPROP = 2
FANN_TRAIN_QUICKPROP = 3

# enum fann_errorfunc_enum
FANN_ERRORFUNC_LINEAR = 0
FANN_ERRORFUNC_TANH = 1

_KNOWN_PATHS = (
    "/usr/lib/x86_64-linux-gnu/libdoublefann.so.2",
    "/usr/lib/x86_64-linux-gnu/libdoublefann.so",
    "/usr/lib/aarch64-linux-gnu/libdoublefann.so.2",
    "/usr/lib/aarch64-linux-gnu/libdoublefann.so",
    "/usr/local/lib/libdoublefann.so.2",
    "/usr/local/lib/libdoublefann.so",
    "/usr/lib/libdoublefann.so.2",
    "/usr/lib/libdoublefann.so",
    "/usr/lib64/libdoublefann.so.2",
    "/usr/lib64/libdoublefann.so",
    "/opt/homebrew/lib/libdoublefann.dylib",
    "/usr/local/lib/libdoublefann.dylib",
)


class FannError(RuntimeError):
    """Raised when FANN cannot be loaded or a FANN call fails."""


# --------------------------------------------------------------------------
# C structures (FANN 2.2, non-fixed-point build)
# --------------------------------------------------------------------------

_fann_type = ctypes.c_double
_p_fann_type = ctypes.POINTER(_fann_type)


class _FannTrainData(ctypes.Structure):
    """``struct fann_train_data`` from fann_train.h."""

    _fields_ = [
        ("errno_f", ctypes.c_int),
        ("error_log", ctypes.c_void_p),
        ("errstr", ctypes.c_char_p),
        ("num_data", ctypes.c_uint),
        ("num_input", ctypes.c_uint),
        ("num_output", ctypes.c_uint),
        ("input", ctypes.POINTER(_p_fann_type)),
        ("output", ctypes.POINTER(_p_fann_type)),
    ]


class _FannPrefix(ctypes.Structure):
    """Leading members of ``struct fann`` (fann_data.h), up to
    ``total_connections``.  Used to reach ``ann->weights`` directly, because
    ``fann_set_weight_array`` does a brute-force search per connection
    (quadratic in the number of weights).  The layout is validated against
    the public getters before it is trusted (see ``FannNet._check_layout``).
    """

    _fields_ = [
        ("errno_f", ctypes.c_int),
        ("error_log", ctypes.c_void_p),
        ("errstr", ctypes.c_char_p),
        ("learning_rate", ctypes.c_float),
        ("learning_momentum", ctypes.c_float),
        ("connection_rate", ctypes.c_float),
        ("network_type", ctypes.c_int),
        ("first_layer", ctypes.c_void_p),
        ("last_layer", ctypes.c_void_p),
        ("total_neurons", ctypes.c_uint),
        ("num_input", ctypes.c_uint),
        ("num_output", ctypes.c_uint),
        ("weights", _p_fann_type),
        ("connections", ctypes.c_void_p),
        ("train_errors", _p_fann_type),
        ("training_algorithm", ctypes.c_int),
        ("total_connections", ctypes.c_uint),
    ]


class _FannConnection(ctypes.Structure):
    _fields_ = [
        ("from_neuron", ctypes.c_uint),
        ("to_neuron", ctypes.c_uint),
        ("weight", _fann_type),
    ]


_p_fann = ctypes.c_void_p
_p_train = ctypes.POINTER(_FannTrainData)

# name -> (restype, argtypes)
_PROTOTYPES = {
    "fann_create_standard_array": (_p_fann, [ctypes.c_uint, ctypes.POINTER(ctypes.c_uint)]),
    "fann_destroy": (None, [_p_fann]),
    "fann_run": (_p_fann_type, [_p_fann, _p_fann_type]),
    "fann_train": (None, [_p_fann, _p_fann_type, _p_fann_type]),
    "fann_test": (_p_fann_type, [_p_fann, _p_fann_type, _p_fann_type]),
    "fann_randomize_weights": (None, [_p_fann, _fann_type, _fann_type]),
    "fann_get_num_input": (ctypes.c_uint, [_p_fann]),
    "fann_get_num_output": (ctypes.c_uint, [_p_fann]),
    "fann_get_total_neurons": (ctypes.c_uint, [_p_fann]),
    "fann_get_total_connections": (ctypes.c_uint, [_p_fann]),
    "fann_get_num_layers": (ctypes.c_uint, [_p_fann]),
    "fann_get_layer_array": (None, [_p_fann, ctypes.POINTER(ctypes.c_uint)]),
    "fann_get_connection_array": (None, [_p_fann, ctypes.POINTER(_FannConnection)]),
    "fann_set_weight_array": (None, [_p_fann, ctypes.POINTER(_FannConnection), ctypes.c_uint]),
    "fann_set_activation_function_hidden": (None, [_p_fann, ctypes.c_int]),
    "fann_set_activation_function_output": (None, [_p_fann, ctypes.c_int]),
    "fann_set_activation_steepness_hidden": (None, [_p_fann, _fann_type]),
    "fann_set_activation_steepness_output": (None, [_p_fann, _fann_type]),
    "fann_get_activation_function": (ctypes.c_int, [_p_fann, ctypes.c_int, ctypes.c_int]),
    "fann_get_activation_steepness": (_fann_type, [_p_fann, ctypes.c_int, ctypes.c_int]),
    "fann_set_training_algorithm": (None, [_p_fann, ctypes.c_int]),
    "fann_get_training_algorithm": (ctypes.c_int, [_p_fann]),
    "fann_set_learning_rate": (None, [_p_fann, ctypes.c_float]),
    "fann_get_learning_rate": (ctypes.c_float, [_p_fann]),
    "fann_set_learning_momentum": (None, [_p_fann, ctypes.c_float]),
    "fann_get_learning_momentum": (ctypes.c_float, [_p_fann]),
    "fann_set_train_error_function": (None, [_p_fann, ctypes.c_int]),
    "fann_get_train_error_function": (ctypes.c_int, [_p_fann]),
    "fann_get_MSE": (ctypes.c_float, [_p_fann]),
    "fann_reset_MSE": (None, [_p_fann]),
    "fann_create_train": (_p_train, [ctypes.c_uint, ctypes.c_uint, ctypes.c_uint]),
    "fann_destroy_train": (None, [_p_train]),
    "fann_train_epoch": (ctypes.c_float, [_p_fann, _p_train]),
    "fann_test_data": (ctypes.c_float, [_p_fann, _p_train]),
    "fann_get_errno": (ctypes.c_int, [ctypes.c_void_p]),
    # cascade-correlation (fann_cascade.h)
    "fann_create_shortcut_array": (_p_fann, [ctypes.c_uint, ctypes.POINTER(ctypes.c_uint)]),
    "fann_cascadetrain_on_data": (
        None,
        [_p_fann, _p_train, ctypes.c_uint, ctypes.c_uint, ctypes.c_float],
    ),
    "fann_set_cascade_max_out_epochs": (None, [_p_fann, ctypes.c_uint]),
    "fann_set_cascade_max_cand_epochs": (None, [_p_fann, ctypes.c_uint]),
    "fann_set_cascade_num_candidate_groups": (None, [_p_fann, ctypes.c_uint]),
    "fann_set_cascade_output_stagnation_epochs": (None, [_p_fann, ctypes.c_uint]),
    "fann_set_cascade_candidate_stagnation_epochs": (None, [_p_fann, ctypes.c_uint]),
    "fann_get_cascade_num_candidates": (ctypes.c_uint, [_p_fann]),
}

_LIB: Optional[ctypes.CDLL] = None
_LIB_PATH: Optional[str] = None


def find_library() -> Optional[str]:
    """Return a path/name of libdoublefann, or None if it cannot be found.

    Order: ``$BPNN_FANN_LIB``, ``ctypes.util.find_library('doublefann')``,
    then a list of usual install locations.
    """
    env = os.environ.get("BPNN_FANN_LIB")
    if env:
        return env
    name = ctypes.util.find_library("doublefann")
    if name:
        return name
    for path in _KNOWN_PATHS:
        if os.path.exists(path):
            return path
    return None


def load_library(path: Optional[str] = None) -> ctypes.CDLL:
    """Load libdoublefann (once) and declare the prototypes used here."""
    global _LIB, _LIB_PATH
    if _LIB is not None and (path is None or path == _LIB_PATH):
        return _LIB
    path = path or find_library()
    if path is None:
        raise FannError(
            "libdoublefann not found; run benchmarks/install_peers.sh "
            "(apt-get install libfann-dev) or set BPNN_FANN_LIB"
        )
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:  # pragma: no cover - depends on the machine
        raise FannError(f"cannot load {path}: {exc}") from exc
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    _LIB, _LIB_PATH = lib, path
    return lib


def is_available() -> bool:
    """True if libdoublefann can be found and loaded."""
    try:
        load_library()
    except FannError:
        return False
    return True


def _seed_c_rand(seed: int) -> None:
    """Seed libc's rand(), which FANN uses for fann_randomize_weights."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    libc.srand.argtypes = [ctypes.c_uint]
    libc.srand.restype = None
    libc.srand(int(seed) & 0xFFFFFFFF)


# --------------------------------------------------------------------------
# Training data
# --------------------------------------------------------------------------


class TrainData:
    """A ``struct fann_train_data`` holding a copy of ``X``/``Y`` in memory.

    Built with ``fann_create_train`` (which allocates one contiguous block
    for all inputs and one for all outputs, row ``i`` at ``input[i]``) and
    filled through the struct pointers.
    """

    def __init__(self, X, Y, lib: Optional[ctypes.CDLL] = None):
        self._lib = lib or load_library()
        X = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
        Y = np.asarray(Y, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        Y = np.ascontiguousarray(Y)
        if X.shape[0] != Y.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but Y has {Y.shape[0]}")
        n, n_in = X.shape
        n_out = Y.shape[1]
        if n == 0:
            raise ValueError("empty data set")
        ptr = self._lib.fann_create_train(n, n_in, n_out)
        if not ptr:
            raise FannError("fann_create_train failed")
        self._ptr = ptr
        self.n, self.n_input, self.n_output = n, n_in, n_out
        td = ptr.contents
        self._inputs = self._block(td.input, n, n_in)
        self._outputs = self._block(td.output, n, n_out)
        self._inputs[...] = X
        self._outputs[...] = Y

    @staticmethod
    def _block(rows, n: int, width: int) -> np.ndarray:
        """View the data block behind a ``fann_type **`` as an (n, width)
        array, after checking that the rows really are contiguous."""
        base = ctypes.cast(rows[0], ctypes.c_void_p).value
        last = ctypes.cast(rows[n - 1], ctypes.c_void_p).value
        if last - base != (n - 1) * width * ctypes.sizeof(_fann_type):
            raise FannError("unexpected fann_train_data layout (rows not contiguous)")
        return np.ctypeslib.as_array(rows[0], shape=(n * width,)).reshape(n, width)

    @property
    def ptr(self):
        if self._ptr is None:
            raise FannError("training data already destroyed")
        return self._ptr

    @property
    def inputs(self) -> np.ndarray:
        """Writable view of FANN's input block (n, n_input)."""
        return self._inputs

    @property
    def outputs(self) -> np.ndarray:
        """Writable view of FANN's output block (n, n_output)."""
        return self._outputs

    def __len__(self) -> int:
        return self.n

    def destroy(self) -> None:
        if getattr(self, "_ptr", None) is not None:
            self._inputs = self._outputs = None
            self._lib.fann_destroy_train(self._ptr)
            self._ptr = None

    close = destroy

    def __enter__(self) -> "TrainData":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()

    def __del__(self) -> None:  # pragma: no cover - GC timing
        try:
            self.destroy()
        except Exception:
            pass


# --------------------------------------------------------------------------
# Weight layout helpers
# --------------------------------------------------------------------------


def pack_layers(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], layout: str = "in_out"
) -> np.ndarray:
    """Pack per-layer weight matrices and bias vectors into FANN's flat order.

    ``layout="in_out"``: ``weights[l]`` has shape ``(n_in, n_out)``
    (``y = x @ W + b``, the usual NumPy convention); ``"out_in"``: shape
    ``(n_out, n_in)`` (PyTorch's ``nn.Linear.weight``).
    """
    parts = []
    for W, b in zip(weights, biases):
        W = np.asarray(W, dtype=np.float64)
        if layout == "in_out":
            W = W.T
        elif layout != "out_in":
            raise ValueError("layout must be 'in_out' or 'out_in'")
        b = np.asarray(b, dtype=np.float64).reshape(-1, 1)
        if b.shape[0] != W.shape[0]:
            raise ValueError("bias length does not match layer width")
        parts.append(np.hstack([W, b]).ravel())
    return np.concatenate(parts)


def unpack_layers(
    flat: np.ndarray, layer_sizes: Sequence[int], layout: str = "in_out"
) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    """Inverse of :func:`pack_layers`."""
    flat = np.asarray(flat, dtype=np.float64)
    Ws, bs, pos = [], [], 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        size = n_out * (n_in + 1)
        block = flat[pos : pos + size].reshape(n_out, n_in + 1)
        pos += size
        W = block[:, :n_in].copy()
        Ws.append(W.T.copy() if layout == "in_out" else W)
        bs.append(block[:, n_in].copy())
    if pos != flat.size:
        raise ValueError(f"flat weight vector has {flat.size} entries, expected {pos}")
    return Ws, bs


# --------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------


class FannNet:
    """A standard fully connected FANN network (``fann_create_standard``).

    Parameters
    ----------
    layer_sizes : sequence of int, e.g. ``(2, 3, 1)``.
    hidden_activation, output_activation : FANN activation enums
        (default ``FANN_SIGMOID``).
    steepness : activation steepness for hidden and output layers
        (default 0.5, which makes FANN_SIGMOID the plain logistic).
    learning_rate : float (stored by FANN as float32).
    momentum : float (default 0).
    training_algorithm : default ``FANN_TRAIN_INCREMENTAL``.
    error_function : default ``FANN_ERRORFUNC_LINEAR`` (FANN's own default
        is TANH).
    seed : if given, weights are re-randomised in ``[-0.1, 0.1]`` after
        seeding libc's ``rand()`` (FANN seeds from /dev/urandom otherwise).
    """

    def __init__(
        self,
        layer_sizes: Iterable[int],
        *,
        hidden_activation: int = FANN_SIGMOID,
        output_activation: int = FANN_SIGMOID,
        steepness: float = 0.5,
        learning_rate: float = 0.7,
        momentum: float = 0.0,
        training_algorithm: int = FANN_TRAIN_INCREMENTAL,
        error_function: int = FANN_ERRORFUNC_LINEAR,
        seed: Optional[int] = None,
        lib: Optional[ctypes.CDLL] = None,
    ):
        self._lib = lib or load_library()
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"invalid layer sizes {sizes}")
        arr = (ctypes.c_uint * len(sizes))(*sizes)
        ptr = self._lib.fann_create_standard_array(len(sizes), arr)
        if not ptr:
            raise FannError(f"fann_create_standard_array{tuple(sizes)} failed")
        self._ptr = ptr
        self.layer_sizes = tuple(sizes)
        self.n_input, self.n_output = sizes[0], sizes[-1]
        self.num_connections = int(self._lib.fann_get_total_connections(ptr))
        expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
        if self.num_connections != expected:
            raise FannError(f"FANN reports {self.num_connections} connections, expected {expected}")
        self._in_buf = np.zeros(self.n_input, dtype=np.float64)
        self._out_buf = np.zeros(self.n_output, dtype=np.float64)
        self._weights_view = self._check_layout()

        self.set_activation_hidden(hidden_activation, steepness)
        self.set_activation_output(output_activation, steepness)
        self.set_training_algorithm(training_algorithm)
        self.set_learning_rate(learning_rate)
        self.set_learning_momentum(momentum)
        self.set_train_error_function(error_function)
        if seed is not None:
            self.randomize_weights(-0.1, 0.1, seed=seed)

    # -- internals -------------------------------------------------------
    @property
    def ptr(self):
        if self._ptr is None:
            raise FannError("network already destroyed")
        return self._ptr

    def _check_layout(self) -> Optional[np.ndarray]:
        """Return a NumPy view of ``ann->weights`` if the struct prefix
        matches this libfann build, else None (then the slow public
        connection-array API is used)."""
        try:
            pre = _FannPrefix.from_address(self._ptr)
            ok = (
                pre.num_input == self.n_input
                and pre.num_output == self.n_output
                and pre.total_connections == self.num_connections
                # the getter leaves out the output layer's unused bias neuron
                and pre.total_neurons == self._lib.fann_get_total_neurons(self._ptr) + 1
                and pre.learning_rate == self._lib.fann_get_learning_rate(self._ptr)
                and bool(pre.weights)
            )
            if not ok:
                return None
            view = np.ctypeslib.as_array(pre.weights, shape=(self.num_connections,))
            # Cross-check against the public API.
            conns = (_FannConnection * self.num_connections)()
            self._lib.fann_get_connection_array(self._ptr, conns)
            public = np.array([c.weight for c in conns])
            if not np.array_equal(public, view):
                return None
            return view
        except Exception:  # pragma: no cover - defensive
            return None

    # -- configuration ---------------------------------------------------
    def set_activation_hidden(self, func: int = FANN_SIGMOID, steepness: float = 0.5) -> None:
        self._lib.fann_set_activation_function_hidden(self.ptr, int(func))
        self._lib.fann_set_activation_steepness_hidden(self.ptr, float(steepness))

    def set_activation_output(self, func: int = FANN_SIGMOID, steepness: float = 0.5) -> None:
        self._lib.fann_set_activation_function_output(self.ptr, int(func))
        self._lib.fann_set_activation_steepness_output(self.ptr, float(steepness))

    def get_activation(self, layer: int, neuron: int = 0) -> Tuple[int, float]:
        """(activation enum, steepness) of a neuron; layer 0 is the input."""
        return (
            int(self._lib.fann_get_activation_function(self.ptr, layer, neuron)),
            float(self._lib.fann_get_activation_steepness(self.ptr, layer, neuron)),
        )

    def set_training_algorithm(self, algorithm: int = FANN_TRAIN_INCREMENTAL) -> None:
        self._lib.fann_set_training_algorithm(self.ptr, int(algorithm))

    @property
    def training_algorithm(self) -> int:
        return int(self._lib.fann_get_training_algorithm(self.ptr))

    def set_learning_rate(self, lr: float) -> None:
        self._lib.fann_set_learning_rate(self.ptr, float(lr))

    @property
    def learning_rate(self) -> float:
        """As stored by FANN (float32 precision)."""
        return float(self._lib.fann_get_learning_rate(self.ptr))

    def set_learning_momentum(self, momentum: float = 0.0) -> None:
        self._lib.fann_set_learning_momentum(self.ptr, float(momentum))

    @property
    def learning_momentum(self) -> float:
        return float(self._lib.fann_get_learning_momentum(self.ptr))

    def set_train_error_function(self, func: int = FANN_ERRORFUNC_LINEAR) -> None:
        self._lib.fann_set_train_error_function(self.ptr, int(func))

    @property
    def train_error_function(self) -> int:
        return int(self._lib.fann_get_train_error_function(self.ptr))

    # -- weights -----------------------------------------------------------
    def randomize_weights(
        self, low: float = -0.1, high: float = 0.1, seed: Optional[int] = None
    ) -> None:
        """``fann_randomize_weights``; uniform in [low, high] from libc rand()."""
        if seed is not None:
            _seed_c_rand(seed)
        self._lib.fann_randomize_weights(self.ptr, float(low), float(high))

    def get_weights(self) -> np.ndarray:
        """Copy of all weights, flat, in FANN connection order (see module doc)."""
        if self._weights_view is not None:
            return self._weights_view.copy()
        conns = (_FannConnection * self.num_connections)()
        self._lib.fann_get_connection_array(self.ptr, conns)
        return np.array([c.weight for c in conns], dtype=np.float64)

    def set_weights(self, flat) -> None:
        """Set all weights from a flat array in FANN connection order."""
        flat = np.asarray(flat, dtype=np.float64).ravel()
        if flat.size != self.num_connections:
            raise ValueError(f"expected {self.num_connections} weights, got {flat.size}")
        if self._weights_view is not None:
            self._weights_view[...] = flat
            return
        # Fallback: public API (quadratic in the number of connections).
        conns = (_FannConnection * self.num_connections)()
        self._lib.fann_get_connection_array(self.ptr, conns)
        for c, w in zip(conns, flat):
            c.weight = float(w)
        self._lib.fann_set_weight_array(self.ptr, conns, self.num_connections)

    def get_connections(self) -> np.ndarray:
        """Structured array (from_neuron, to_neuron, weight) from the public
        ``fann_get_connection_array`` (independent of the struct shortcut)."""
        conns = (_FannConnection * self.num_connections)()
        self._lib.fann_get_connection_array(self.ptr, conns)
        out = np.zeros(
            self.num_connections,
            dtype=[("from_neuron", "u4"), ("to_neuron", "u4"), ("weight", "f8")],
        )
        for i, c in enumerate(conns):
            out[i] = (c.from_neuron, c.to_neuron, c.weight)
        return out

    def set_weights_from_layers(self, weights, biases, layout: str = "in_out") -> None:
        """Set weights from per-layer matrices (see :func:`pack_layers`)."""
        self.set_weights(pack_layers(weights, biases, layout))

    def get_weights_as_layers(self, layout: str = "in_out"):
        """(weights, biases) lists (see :func:`unpack_layers`)."""
        return unpack_layers(self.get_weights(), self.layer_sizes, layout)

    # -- training / running ----------------------------------------------
    def train_epoch(self, data: TrainData) -> float:
        """One epoch of the selected algorithm over ``data``; returns FANN's MSE."""
        if data.n_input != self.n_input or data.n_output != self.n_output:
            raise ValueError("training data does not match the network's input/output sizes")
        return float(self._lib.fann_train_epoch(self.ptr, data.ptr))

    def train_sample(self, x, y) -> None:
        """``fann_train``: one incremental step on a single sample."""
        xi = np.ascontiguousarray(x, dtype=np.float64).ravel()
        yi = np.ascontiguousarray(y, dtype=np.float64).ravel()
        if xi.size != self.n_input or yi.size != self.n_output:
            raise ValueError("sample size mismatch")
        self._lib.fann_train(
            self.ptr, xi.ctypes.data_as(_p_fann_type), yi.ctypes.data_as(_p_fann_type)
        )

    def test_data(self, data: TrainData) -> float:
        """``fann_test_data``: MSE over ``data`` without training."""
        return float(self._lib.fann_test_data(self.ptr, data.ptr))

    def run(self, x) -> np.ndarray:
        """``fann_run`` on one input row; returns a copy of the outputs."""
        buf = self._in_buf
        buf[...] = np.asarray(x, dtype=np.float64).ravel()
        out = self._lib.fann_run(self.ptr, buf.ctypes.data_as(_p_fann_type))
        if not out:
            raise FannError("fann_run returned NULL")
        return np.ctypeslib.as_array(out, shape=(self.n_output,)).copy()

    def run_ptr(self, x_ptr) -> None:
        """Lowest-overhead forward pass for latency timing: ``x_ptr`` is a
        ``ctypes.POINTER(c_double)`` to ``n_input`` doubles (e.g.
        ``row.ctypes.data_as(...)`` prepared beforehand); output discarded."""
        self._lib.fann_run(self._ptr, x_ptr)

    def predict(self, X) -> np.ndarray:
        """Row-by-row ``fann_run`` over a 2-D array."""
        X = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
        if X.ndim == 1:
            X = X.reshape(1, -1)
        out = np.empty((X.shape[0], self.n_output), dtype=np.float64)
        run = self._lib.fann_run
        n_out = self.n_output
        for i in range(X.shape[0]):
            res = run(self._ptr, X[i].ctypes.data_as(_p_fann_type))
            out[i] = np.ctypeslib.as_array(res, shape=(n_out,))
        return out

    def get_mse(self) -> float:
        return float(self._lib.fann_get_MSE(self.ptr))

    def reset_mse(self) -> None:
        self._lib.fann_reset_MSE(self.ptr)

    # -- lifetime ----------------------------------------------------------
    def destroy(self) -> None:
        if getattr(self, "_ptr", None) is not None:
            self._weights_view = None
            self._lib.fann_destroy(self._ptr)
            self._ptr = None

    close = destroy

    def __enter__(self) -> "FannNet":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()

    def __del__(self) -> None:  # pragma: no cover - GC timing
        try:
            self.destroy()
        except Exception:
            pass


class FannCascade(FannNet):
    """A FANN shortcut network grown by FANN's own cascade training
    (``fann_create_shortcut`` with no hidden layer, then
    ``fann_cascadetrain_on_data``).

    FANN's cascade defaults are kept unless given: RPROP for both phases, the
    TANH error function, ``max_out_epochs``/``max_cand_epochs`` 150,
    stagnation 12 epochs at 1 %, and a pool of 10 activations x 4 steepnesses
    x 2 groups = 80 candidates. Every installed neuron is its own layer, so the
    number of hidden units is ``fann_get_num_layers - 2``. With ``seed`` the run
    repeats: libc's ``rand()``, which FANN draws every random weight from, is seeded
    after the network is created (creation reseeds it from /dev/urandom).
    """

    def __init__(
        self,
        n_input: int,
        n_output: int,
        *,
        output_activation: int = FANN_SIGMOID,
        steepness: float = 0.5,
        seed: Optional[int] = None,
        lib: Optional[ctypes.CDLL] = None,
        **cascade: int,
    ):
        self._lib = lib or load_library()
        arr = (ctypes.c_uint * 2)(int(n_input), int(n_output))
        ptr = self._lib.fann_create_shortcut_array(2, arr)
        if not ptr:
            raise FannError("fann_create_shortcut_array failed")
        self._ptr = ptr
        self.layer_sizes = (int(n_input), int(n_output))
        self.n_input, self.n_output = int(n_input), int(n_output)
        self._in_buf = np.zeros(self.n_input, dtype=np.float64)
        self._weights_view = None
        self.set_activation_output(output_activation, steepness)
        if seed is not None:
            # creating the net seeds rand() from /dev/urandom; seed it now and redraw the
            # initial weights in FANN's own range, so that the candidates' draws repeat too
            self.randomize_weights(-0.1, 0.1, seed=seed)
        for name, value in cascade.items():  # e.g. max_out_epochs=150
            getattr(self._lib, f"fann_set_cascade_{name}")(ptr, int(value))

    @property
    def n_hidden(self) -> int:
        """Hidden neurons installed so far (one per cascade layer)."""
        return int(self._lib.fann_get_num_layers(self.ptr)) - 2

    @property
    def n_candidates(self) -> int:
        return int(self._lib.fann_get_cascade_num_candidates(self.ptr))

    def cascadetrain(self, data: TrainData, max_neurons: int, desired_error: float) -> None:
        """``fann_cascadetrain_on_data`` (no reports): add neurons until the
        MSE reaches ``desired_error`` or ``max_neurons`` are installed."""
        self._lib.fann_cascadetrain_on_data(
            self.ptr, data.ptr, int(max_neurons), 0, float(desired_error)
        )


def random_dataset(n_rows: int, n_input: int, n_output: int, seed: int = 0):
    """Uniform [0, 1) inputs; one-hot targets (or 0/1 for one output)."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_rows, n_input))
    if n_output == 1:
        Y = (rng.random((n_rows, 1)) < 0.5).astype(np.float64)
    else:
        Y = np.eye(n_output)[rng.integers(0, n_output, n_rows)]
    return X, Y


def time_incremental_epoch(
    layer_sizes: Sequence[int],
    n_rows: int,
    *,
    repeats: int = 5,
    learning_rate: float = 0.1,
    seed: int = 0,
    X=None,
    Y=None,
) -> dict:
    """Time ``fann_train_epoch`` (FANN_TRAIN_INCREMENTAL, SIGMOID s=0.5,
    ERRORFUNC_LINEAR, momentum 0) on ``n_rows`` random rows (or on ``X``/``Y``).
    Building the net and the fann_train_data is not timed.  Every repeat
    starts from the same initial weights.  Returns seconds per epoch
    (median and best over ``repeats``) and samples/s for both."""
    import statistics
    import time

    sizes = tuple(int(s) for s in layer_sizes)
    if X is None or Y is None:
        X, Y = random_dataset(n_rows, sizes[0], sizes[-1], seed)
    times = []
    with FannNet(sizes, learning_rate=learning_rate, seed=seed) as net, TrainData(X, Y) as td:
        w0 = net.get_weights()
        for _ in range(repeats):
            net.set_weights(w0)
            t0 = time.perf_counter()
            mse = net.train_epoch(td)
            times.append(time.perf_counter() - t0)
    med, best = statistics.median(times), min(times)
    n = len(X)
    return {
        "layer_sizes": sizes,
        "n_rows": n,
        "median_s": med,
        "best_s": best,
        "samples_per_s_median": n / med,
        "samples_per_s_best": n / best,
        "mse": mse,
    }


if __name__ == "__main__":  # tiny smoke test
    path = find_library()
    print("libdoublefann:", path)
    if path is None:
        sys.exit(1)
    with (
        FannNet((2, 3, 1), learning_rate=0.5, seed=1) as net,
        TrainData([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]]) as td,
    ):
        for _ in range(3):
            print("epoch mse", net.train_epoch(td))
        print("run(1,0) ->", net.run([1, 0]))
    for sizes, rows in (((8, 16, 1), 10_000), ((784, 64, 10), 2_000)):
        r = time_incremental_epoch(sizes, rows)
        print(
            f"FANN incremental epoch {'-'.join(map(str, sizes))}, {rows} rows: "
            f"median {r['median_s'] * 1e3:.2f} ms = {r['samples_per_s_median']:,.0f} samples/s "
            f"(best {r['samples_per_s_best']:,.0f})"
        )
