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
