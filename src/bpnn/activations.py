"""Activation (transfer) functions.

Each activation is a small record holding the forward map ``f(z)`` and, right beside it,
its derivative. As in the tutorial, the derivative may be written through the output
``a = f(z)``: the generalised sigmoid ``A / (1 + e^(-z/B))`` has ``f'(z) = f (A - f) / (A B)``.

Every activation can back-propagate a gradient through itself: ``backprop(z, a, g)``
returns ``J_f(z)^T g`` row by row. For element-wise functions that is ``f'(z) * g``; for
softmax it is the full Jacobian-vector product.

Names follow MATLAB (``logsig``, ``tansig``, ``purelin``, ``poslin``, ``softmax``, and
``satlin``, ``hardlim`` for imported networks) with the
common aliases (``sigmoid``, ``tanh``, ``linear``/``identity``, ``relu``).

Kernel codes (``code`` attribute) are used by the compiled per-sample loop in
:mod:`bpnn._kernels`: 0 linear, 1 generalised sigmoid (A, B), 2 tanh, 3 relu, 4 softmax.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Activation",
    "Logsig",
    "GeneralizedSigmoid",
    "Tansig",
    "Purelin",
    "Poslin",
    "Softmax",
    "FannActivation",
    "Satlin",
    "Hardlim",
    "get_activation",
    "ACTIVATIONS",
]

LINEAR, GSIGMOID, TANH, RELU, SOFTMAX = 0, 1, 2, 3, 4


class Activation:
    """Base class: an activation applied to pre-activations ``z`` of shape (n, units)."""

    name: str = "activation"
    code: int = -1
    elementwise: bool = True
    #: output range, used by initialisers and by the ONNX/C exports
    bounded: bool = False

    @property
    def params(self) -> tuple[float, float]:
        """Two numeric parameters for the compiled kernels (A, B for the sigmoid)."""
        return (1.0, 1.0)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Element-wise f'(z); ``a`` is f(z), reused where the formula allows it."""
        raise NotImplementedError

    def backprop(self, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Return dL/dz given g = dL/da (row-wise Jacobian-transpose product)."""
        return self.derivative(z, a) * g

    # In-place forms for the lean training and prediction paths (built-in activations):
    # ``forward_(x)`` overwrites x = z by f(z); ``backprop_(a, g, tmp)`` overwrites
    # g = dL/da by dL/dz using the outputs a alone (``tmp`` is scratch shaped like a).
    def forward_(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backprop_(self, a: np.ndarray, g: np.ndarray, tmp: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def spec(self) -> dict:
        """A JSON-able description, inverted by :func:`get_activation`."""
        return {"name": self.name}

    def __eq__(self, other):
        return isinstance(other, Activation) and self.spec() == other.spec()

    def __hash__(self):
        return hash(tuple(sorted(self.spec().items())))

    def __repr__(self):
        return self.name


class GeneralizedSigmoid(Activation):
    """The tutorial's generalised sigmoid ``f(x) = A / (1 + exp(-x / B))``.

    Its derivative, through its own output, is ``f'(x) = f(x) (A - f(x)) / (A B)``.
    ``A`` scales the output range to (0, A); ``B`` stretches the input (a "temperature").
    ``A = B = 1`` is the logistic sigmoid (:class:`Logsig`).
    """

    code = GSIGMOID
    bounded = True

    def __init__(self, A: float = 1.0, B: float = 1.0):
        A, B = float(A), float(B)
        if not np.isfinite(A) or A <= 0:
            raise ValueError(f"GeneralizedSigmoid: A must be a positive number, got {A!r}")
        if not np.isfinite(B) or B == 0:
            raise ValueError(f"GeneralizedSigmoid: B must be a non-zero number, got {B!r}")
        self.A, self.B = A, B
        self.name = "logsig" if (A == 1.0 and B == 1.0) else f"gsigmoid(A={A:g}, B={B:g})"

    @property
    def params(self):
        return (self.A, self.B)

    def __call__(self, z):
        # expit never overflows: exp(-z) is evaluated on the safe side of zero.
        from scipy.special import expit  # here, not at import: scipy costs ~0.5 s to load

        return self.A * expit(z / self.B)

    def derivative(self, z, a):
        return a * (self.A - a) / (self.A * self.B)

    def forward_(self, x):
        if self.B != 1.0:
            x /= self.B
        np.negative(x, out=x)
        with np.errstate(over="ignore"):  # e^(+big) = inf gives exactly 0
            np.exp(x, out=x)
        x += 1.0
        return np.divide(self.A, x, out=x)

    def backprop_(self, a, g, tmp):
        np.subtract(self.A, a, out=tmp)
        tmp *= a
        if self.A * self.B != 1.0:
            tmp /= self.A * self.B
        g *= tmp
        return g

    def spec(self):
        if self.A == 1.0 and self.B == 1.0:
            return {"name": "logsig"}
        return {"name": "gsigmoid", "A": self.A, "B": self.B}


class Logsig(GeneralizedSigmoid):
    """Logistic sigmoid ``1 / (1 + e^-z)`` (MATLAB ``logsig``), derivative ``a (1 - a)``."""

    def __init__(self):
        super().__init__(1.0, 1.0)


class Tansig(Activation):
    """Hyperbolic tangent (MATLAB ``tansig``), derivative ``1 - a^2``."""

    name, code, bounded = "tansig", TANH, True

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1.0 - a * a

    def forward_(self, x):
        return np.tanh(x, out=x)

    def backprop_(self, a, g, tmp):
        np.multiply(a, a, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        g *= tmp
        return g


class Purelin(Activation):
    """Identity (MATLAB ``purelin``), derivative 1."""

    name, code = "purelin", LINEAR

    def __call__(self, z):
        return np.array(z, copy=True)

    def derivative(self, z, a):
        return np.ones_like(z)

    def backprop(self, z, a, g):
        return np.array(g, copy=True)

    def forward_(self, x):
        return x

    def backprop_(self, a, g, tmp):
        return g


class Poslin(Activation):
    """Rectified linear unit (MATLAB ``poslin``), derivative 1 for z > 0 else 0."""

    name, code = "poslin", RELU

    def __call__(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)

    def forward_(self, x):
        return np.maximum(x, 0.0, out=x)

    def backprop_(self, a, g, tmp):
        g *= a > 0  # a > 0 exactly where z > 0
        return g


class Satlin(Activation):
    """Saturating linear (MATLAB ``satlin``): ``min(max(z, 0), 1)``, derivative 1 for
    0 < z < 1 and 0 outside (0 at the corners too, as for :class:`Poslin` at 0)."""

    name, bounded = "satlin", True

    def __call__(self, z):
        return np.clip(z, 0.0, 1.0)

    def derivative(self, z, a):
        return ((z > 0) & (z < 1)).astype(z.dtype)


class Hardlim(Activation):
    """Hard limit (MATLAB ``hardlim``): 1 for z >= 0, else 0. Its derivative is 0 wherever
    it exists (everywhere but z = 0), so gradient training does not move the weights
    before it; it is here so that imported networks predict as they did."""

    name, bounded = "hardlim", True

    def __call__(self, z):
        z = np.asarray(z)
        return (z >= 0).astype(z.dtype if z.dtype.kind == "f" else np.float64)

    def derivative(self, z, a):
        return np.zeros_like(z)


class Softmax(Activation):
    """Softmax over the units of a layer (MATLAB ``softmax``), computed with the max shift.

    Not element-wise: ``backprop`` returns ``a * (g - sum(g * a))`` for each row.
    """

    name, code, elementwise, bounded = "softmax", SOFTMAX, False, True

    def __call__(self, z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def derivative(self, z, a):
        raise TypeError("softmax is not element-wise: use backprop()")

    def backprop(self, z, a, g):
        return a * (g - np.sum(g * a, axis=-1, keepdims=True))

    def forward_(self, x):
        x -= x.max(axis=1, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=1, keepdims=True)
        return x

    def backprop_(self, a, g, tmp):
        np.multiply(g, a, out=tmp)
        g -= tmp.sum(axis=1, keepdims=True)
        g *= a
        return g


# FANN's stepwise sigmoids: linear between six breakpoints v_i with values r_i, the lower
# bound below v_1 and the upper one from v_6 on (FANN 2.2's constants, fann_activation.h).
_STEPWISE = {
    "SIGMOID_STEPWISE": (
        (-2.64665246009826660156, -1.47221946716308593750, -0.549306154251098632812,
         0.549306154251098632812, 1.47221934795379638672, 2.64665293693542480469),
        (0.00499999988824129104614, 0.0500000007450580596924, 0.25, 0.75,
         0.949999988079071044922, 0.995000004768371582031),
        (0.0, 1.0),
    ),
    "SIGMOID_SYMMETRIC_STEPWISE": (
        (-2.64665293693542480469, -1.47221934795379638672, -0.549306154251098632812,
         0.549306154251098632812, 1.47221934795379638672, 2.64665293693542480469),
        (-0.990000009536743164062, -0.899999976158142089844, -0.5, 0.5,
         0.899999976158142089844, 0.990000009536743164062),
        (-1.0, 1.0),
    ),
}  # fmt: skip


def _stepwise(name, z):
    """(f(z), f'(z)) of a FANN stepwise sigmoid: the segment's line and slope."""
    v, r, (low, high) = (np.asarray(t, dtype=np.float64) for t in _STEPWISE[name])
    i = np.clip(np.searchsorted(v, z, side="right") - 1, 0, 4)  # segment v_i <= z < v_i+1
    slope = (r[i + 1] - r[i]) / (v[i + 1] - v[i])
    f = np.where(z < v[0], low, np.where(z >= v[5], high, slope * (z - v[i]) + r[i]))
    return f, np.where((z < v[0]) | (z >= v[5]), 0.0, slope)


def _fann_functions():
    """FANN function name -> (f(z), f'(z)) on arrays; FANN applies f to v = s * sum, and
    bpnn's importer folds s into the weights, so z here is FANN's v."""
    ex = np.exp
    return {
        "GAUSSIAN": (lambda z: ex(-z * z), lambda z: -2.0 * z * ex(-z * z)),
        "GAUSSIAN_SYMMETRIC": (lambda z: 2.0 * ex(-z * z) - 1.0, lambda z: -4.0 * z * ex(-z * z)),
        "ELLIOT": (
            lambda z: (z / 2.0) / (1.0 + np.abs(z)) + 0.5,
            lambda z: 1.0 / (2.0 * (1.0 + np.abs(z)) ** 2),
        ),
        "ELLIOT_SYMMETRIC": (
            lambda z: z / (1.0 + np.abs(z)),
            lambda z: 1.0 / (1.0 + np.abs(z)) ** 2,
        ),
        "LINEAR_PIECE": (lambda z: np.clip(z, 0.0, 1.0), lambda z: ((z > 0) & (z < 1)) * 1.0),
        "LINEAR_PIECE_SYMMETRIC": (
            lambda z: np.clip(z, -1.0, 1.0),
            lambda z: ((z > -1) & (z < 1)) * 1.0,
        ),
        "THRESHOLD": (lambda z: np.where(z < 0, 0.0, 1.0), lambda z: np.zeros_like(z)),
        "THRESHOLD_SYMMETRIC": (lambda z: np.where(z < 0, -1.0, 1.0), lambda z: np.zeros_like(z)),
        "SIN_SYMMETRIC": (np.sin, np.cos),
        "COS_SYMMETRIC": (np.cos, lambda z: -np.sin(z)),
        "SIN": (lambda z: np.sin(z) / 2.0 + 0.5, lambda z: np.cos(z) / 2.0),
        "COS": (lambda z: np.cos(z) / 2.0 + 0.5, lambda z: -np.sin(z) / 2.0),
        **{
            name: (
                (lambda z, n=name: _stepwise(n, z)[0]),
                (lambda z, n=name: _stepwise(n, z)[1]),
            )
            for name in _STEPWISE
        },
    }


class FannActivation(Activation):
    """One of FANN's activation functions that bpnn has no other name for, by FANN's name
    (``"ELLIOT"``, ``"GAUSSIAN"``, ``"SIGMOID_STEPWISE"``, ``"LINEAR_PIECE"`` ...), as
    FANN 2.2 computes it on ``z`` (FANN's ``v = steepness * sum``).

    Each derivative is written beside its function (:func:`_fann_functions`); those of
    the threshold functions are 0 and those of the stepwise and piecewise-linear ones the
    slope of the piece ``z`` lies on. Made by :func:`bpnn.import_fann`; the Python, C and
    ONNX exports do not take it, :func:`bpnn.write_fann` writes it back.
    """

    def __init__(self, function: str):
        key = str(function).strip().upper().removeprefix("FANN_")
        table = _fann_functions()
        if key not in table:
            raise ValueError(f"unknown FANN activation {function!r}; choose one of {sorted(table)}")
        self.function = key
        self._f, self._df = table[key]
        self.name = f"fann_{key.lower()}"
        self.bounded = True  # every one maps onto a bounded range

    def __call__(self, z):
        return self._f(np.asarray(z, dtype=np.float64)).astype(np.asarray(z).dtype, copy=False)

    def derivative(self, z, a):
        return self._df(np.asarray(z, dtype=np.float64)).astype(np.asarray(z).dtype, copy=False)

    def spec(self):
        return {"name": "fann", "function": self.function}


ACTIVATIONS = {
    "logsig": Logsig,
    "sigmoid": Logsig,
    "logistic": Logsig,
    "tansig": Tansig,
    "tanh": Tansig,
    "purelin": Purelin,
    "linear": Purelin,
    "identity": Purelin,
    "poslin": Poslin,
    "relu": Poslin,
    "softmax": Softmax,
    "satlin": Satlin,
    "hardlim": Hardlim,
}


def get_activation(spec) -> Activation:
    """Turn a name, a ``spec()`` dict or an :class:`Activation` into an Activation."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, dict):
        name = spec.get("name")
        if name == "gsigmoid":
            return GeneralizedSigmoid(spec.get("A", 1.0), spec.get("B", 1.0))
        if name == "fann":
            return FannActivation(spec.get("function", ""))
        return get_activation(name)
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in ACTIVATIONS:
            return ACTIVATIONS[key]()
        raise ValueError(
            f"unknown activation {spec!r}; choose one of {sorted(ACTIVATIONS)}"
            " or pass bpnn.GeneralizedSigmoid(A, B)"
        )
    raise ValueError(f"unknown activation {spec!r}: give a name or an Activation object")
