"""Hot loops over flat arrays, compiled with Numba when it is available.

Numba is imported on the first call of a kernel, not when this module is imported (see
:class:`_LazyJit`).

The per-sample (incremental) back-propagation of the tutorial lives here as one function
over flat arrays: parameters, the layer layout, activation codes (see
:mod:`bpnn.activations`) and the data. The same source runs un-compiled (``*.py_func`` or
``BPNN_DISABLE_JIT=1``), which the tests use as the reference.

Speed notes
-----------
* Compiled with ``fastmath`` limited to re-association and FMA contraction, so the dot
  products vectorise (SIMD partial sums) while infinities and NaNs keep their IEEE meaning
  (a diverging run is still detected). Results differ from the un-jitted source only by
  rounding (about 1e-16 relative per operation).
* ``cache=True``: the machine code is stored next to the module (``__pycache__``), so a
  second process loads it instead of compiling (first call ~0.1 s instead of seconds).
* Determinism: the helpers are inlined into their caller at Numba's IR level
  (``inline="always"``). Linked in as separate functions, a freshly compiled ``sgd_epoch``
  and the same function loaded from the disk cache were optimised differently and, with
  re-association allowed, trained to different last bits.
* The kernels are generic in the float type: float32 parameters and data compile to a
  float32 specialisation; scratch arrays take the parameters' dtype.
* No z(k) is stored: every derivative is written through the output a = f(z)
  (relu: a > 0 exactly when z > 0).
* The activations use :func:`fast_exp` and :func:`fast_tanh` instead of ``math.exp`` and
  ``math.tanh``: a range reduction to 2^k 2^f, a degree-13 polynomial and a bit-built 2^k,
  with selects instead of branches, so a layer's loop vectorises (libm's functions are
  calls, one unit at a time). About 1.3x faster per-sample epochs on an 8-16-1 logsig
  network and 2x on tansig. Error: tanh within 4 ulp; exp within about |x| 1.2e-16
  relative plus a few ulp (below 5e-15 where a sigmoid is not flat); the same
  overflow/underflow limits and NaN/inf behaviour as ``math.exp`` (tests/test_kernels.py).
* ``error_model="numpy"``: a division by zero gives inf/NaN as in NumPy. Numba's default
  Python model puts a zero check before every division, a branch that blocks
  vectorisation even where the divisor can never be 0 (A / (1 + e^-z)).
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import threading

import numpy as np

_FASTMATH = {"reassoc", "contract", "nsz"}
# error_model="numpy": a division by zero gives inf/nan as in NumPy instead of a Python
# ZeroDivisionError; the check that the Python model puts before every division (even
# A / (1 + e^-z), whose divisor is never 0) is a branch that keeps loops from vectorising.
_OPTIONS = {"cache": True, "nogil": True, "fastmath": _FASTMATH, "error_model": "numpy"}

# Numba is a core dependency, but importing it costs about a second, so it is imported on
# the first call of a kernel, not with this module (``import bpnn``, ``bpnn --help`` and a
# small ``bpnn predict`` never pay for it). The code must also run where Numba is missing
# or cannot compile: then the kernels are their Python source.
_DISABLED = bool(os.environ.get("BPNN_DISABLE_JIT"))
HAVE_NUMBA = not _DISABLED and importlib.util.find_spec("numba") is not None
_compile_lock = threading.Lock()


class _LazyJit:
    """``numba.njit(**options)(f)``, made on the first call instead of at import.

    ``py_func`` is the Python source at once (as on a Numba dispatcher). The first call of
    ANY kernel of this module builds the dispatchers of all of them (see :func:`_compile_all`)
    and puts them in the module's namespace in place of these wrappers, so that the kernels
    Numba compiles find their helpers as Numba functions (inlined at IR level), and later
    calls through ``_kernels.NAME`` go straight to the dispatcher. Other attributes
    (``stats``, ``signatures``...) are the dispatcher's.
    """

    def __init__(self, f, **options):
        self.py_func = f
        self.options = options
        self.dispatcher = None
        functools.update_wrapper(self, f)

    def _target(self):
        if self.dispatcher is None:
            _compile_all(self)
        return self.dispatcher

    def __call__(self, *args):
        return self._target()(*args)

    def __getattr__(self, name):  # only for attributes this wrapper does not have
        if name.startswith("__") or name in ("py_func", "options", "dispatcher"):
            raise AttributeError(name)
        return getattr(self._target(), name)

    def __repr__(self):
        state = "compiled" if self.dispatcher is not None else "not compiled yet"
        return f"<lazily jitted {self.__name__} ({state})>"


def _compile_all(*extra):
    """Import Numba and replace every :class:`_LazyJit` of this module (and ``extra``) by
    its dispatcher, or by the plain Python function where Numba cannot be imported.

    Making a dispatcher compiles nothing yet: Numba compiles (or loads from its cache) each
    kernel for its argument types on its first call, as with decorators at import.
    """
    global HAVE_NUMBA
    with _compile_lock:
        ns = globals()
        lazy = [(k, v) for k, v in ns.items() if isinstance(v, _LazyJit)]
        lazy += [(None, w) for w in extra]
        try:
            from numba import njit
        except ImportError:  # pragma: no cover - only where numba is missing or broken
            njit, HAVE_NUMBA = None, False
        if njit is not None and ns["_pow2i"] is _pow2i_py:
            ns["_pow2i"] = _pow2i_intrinsic()
        for name, wrapper in lazy:
            if wrapper.dispatcher is None:
                wrapper.dispatcher = (
                    wrapper.py_func if njit is None else njit(**wrapper.options)(wrapper.py_func)
                )
            if name is not None:
                ns[name] = wrapper.dispatcher


if _DISABLED:

    def jit(f):
        f.py_func = f
        return f

    jit_inline = jit
else:

    def jit(f):
        return _LazyJit(f, **_OPTIONS)

    def jit_inline(f):
        # inlined into the caller at Numba's IR level: the caller is then ONE compiled
        # function whose machine code is the same compiled fresh or loaded from the cache
        return _LazyJit(f, **_OPTIONS, inline="always")


def _pow2i(k):
    """2.0**k for a whole-number float k in [-1022, 1023] (the Python source of the
    intrinsic below; NaN for NaN, whose result the caller discards)."""
    return math.ldexp(1.0, int(k)) if k == k else math.nan


_pow2i_py = _pow2i


def _pow2i_intrinsic():
    """``_pow2i`` for compiled code: the bits ((k + 1023) << 52) read as a float64.

    An integer add, a shift and a bit cast, with no call and no table, so that a loop of
    :func:`fast_exp` vectorises (``math.exp`` is a call into libm, one unit at a time). The
    Python function stays reachable as ``py_func`` for the un-jitted reference.
    """
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def pow2i(typingctx, k):
        sig = types.float64(types.float64)

        def codegen(context, builder, signature, args):
            k64 = builder.fptosi(args[0], ir.IntType(64))
            bits = builder.shl(
                builder.add(k64, ir.Constant(ir.IntType(64), 1023)), ir.Constant(ir.IntType(64), 52)
            )
            return builder.bitcast(bits, ir.DoubleType())

        return sig, codegen

    pow2i.py_func = _pow2i_py
    return pow2i


# 2^f = e^(f ln 2) on |f| <= 1/2: the Taylor coefficients (ln 2)^n / n!, n = 13 down to 1,
# for Horner's rule (the first term left out is below 3e-18 there; the constant term 1 is
# left out on purpose, see _exp2_parts)
_LN2 = 0.6931471805599453
_EXP2_HORNER = tuple(_LN2**n / math.factorial(n) for n in range(13, 0, -1))
_LOG2E = 1.4426950408889634


@jit_inline
def _exp2_parts(t):
    """(2^(k-1), 2^f - 1) with k = round(t), f = t - k (exact, |f| <= 1/2), |t| < 1024.

    Half of 2^k because 2^k itself overflows when k = 1024 (e^709.78, say).

    2^f - 1 is summed without its constant term, so it keeps its relative accuracy for
    small f (what :func:`fast_tanh` needs near 0).
    """
    k = np.floor(t + 0.5)  # a float (math.floor would raise on NaN in the Python source)
    f = t - k
    q = 0.0
    for c in _EXP2_HORNER:  # a loop over a constant tuple: unrolled by the compiler
        q = q * f + c
    return _pow2i(k - 1), q * f


@jit_inline
def fast_exp(x):
    """e^x as 2^k 2^f with t = x log2(e), k = round(t), f = t - k.

    Relative error at most about |x| 1.2e-16 plus a few ulp (the rounding of t is the only
    error that grows with |x|): below 5e-15 for |x| < 40, where a sigmoid is not yet flat.
    Exactly inf above 709.78 (e^709.78 is within 0.1 % of the largest float; so
    A / (1 + e^-z) is exactly 0 far below zero, as with ``math.exp``) and exactly 0 below
    -708 (where e^x < 3.3e-308); NaN stays NaN. Written with selects instead of branches so
    that a loop of it vectorises.
    """
    xc = min(max(x, -708.0), 709.78)
    half, q = _exp2_parts(xc * _LOG2E)
    v = (half * q + half) * 2.0
    v = math.inf if x > 709.78 else v
    return 0.0 if x < -708.0 else v


@jit_inline
def fast_tanh(x):
    """tanh(x) = (e^2x - 1) / (e^2x + 1), with e^y - 1 from :func:`_exp2_parts`.

    A few ulp everywhere, tiny x included (e^y - 1 is never formed by subtracting 1 from
    e^y when y is small); exactly +-1 beyond |x| = 20 and for +-inf; NaN stays NaN.
    """
    y = 2.0 * min(abs(x), 20.0)
    half, q = _exp2_parts(y * _LOG2E)
    scale = half * 2.0
    em1 = q if scale == 1.0 else scale * q + (scale - 1.0)
    return math.copysign(em1 / (em1 + 2.0), x)


LOSS_SSE, LOSS_MSE, LOSS_CE, LOSS_MAE = 0, 1, 2, 3
LINEAR, GSIGMOID, TANH, RELU, SOFTMAX = 0, 1, 2, 3, 4
# Index arithmetic: every offset, size and loop counter of an inner loop is uint64. Numba
# guards signed indices against negative values (Python's wrap-around), and that guard keeps
# LLVM from vectorising the loops; unsigned indices need none. Mixing uint64 with int64 would
# promote to float64 in Numba, so the layout arrays are uint64 and constants are U(...).
U = np.uint64


@jit_inline
def activate_inplace(code, A, B, a, off, n):
    """a[off:off+n] <- f(a[off:off+n]): the pre-activations z are overwritten by f(z)."""
    if code == GSIGMOID:  # A / (1 + e^(-z/B)); e^(+large) = inf gives exactly 0
        if B == 1.0:  # (a division saved per unit: the logistic case)
            for u in range(off, off + n):
                a[u] = A / (1.0 + fast_exp(-a[u]))
        else:
            for u in range(off, off + n):
                a[u] = A / (1.0 + fast_exp(-(a[u] / B)))
    elif code == TANH:
        for u in range(off, off + n):
            a[u] = fast_tanh(a[u])
    elif code == RELU:
        for u in range(off, off + n):
            a[u] = a[u] if a[u] > 0.0 else 0.0
    elif code == SOFTMAX:  # shifted by the max so that exp never overflows
        mx = a[off]
        for u in range(off, off + n):
            mx = max(mx, a[u])
        s = 0.0
        for u in range(off, off + n):
            a[u] = fast_exp(a[u] - mx)
            s += a[u]
        for u in range(off, off + n):
            a[u] /= s


@jit_inline
def backprop_inplace(code, A, B, a, off, n, g, goff):
    """g[goff:goff+n] <- dL/dz given it holds dL/da; f' is written through a[off:off+n]."""
    if code == GSIGMOID:  # f' = a (A - a) / (A B)
        AB = A * B
        for u in range(n):
            au = a[off + u]
            g[goff + u] *= au * (A - au) if AB == 1.0 else au * (A - au) / AB
    elif code == TANH:  # f' = 1 - a^2
        for u in range(n):
            au = a[off + u]
            g[goff + u] *= 1.0 - au * au
    elif code == RELU:  # f' = 1 where a > 0 (the same units as z > 0), else 0
        for u in range(n):  # a select, not a conditional store: it vectorises
            g[goff + u] = g[goff + u] if a[off + u] > 0.0 else 0.0
    elif code == SOFTMAX:  # J^T g = a * (g - <g, a>)
        s = 0.0
        for u in range(n):
            s += g[goff + u] * a[off + u]
        for u in range(n):
            g[goff + u] = a[off + u] * (g[goff + u] - s)


@jit_inline
def _output_delta(loss_code, out_code, A, B, acts, ao, Y, i, wi, dz):
    """dz[ao:ao+m] <- dL/dz(K) for sample i whose outputs are acts[ao:ao+m].

    Returns that sample's loss (weighted by ``wi``).
    """
    m = Y.shape[1]
    total = 0.0
    for j in range(m):
        y = acts[ao + U(j)]
        e = y - Y[i, j]
        if loss_code == LOSS_SSE:  # E = 1/2 sum e^2
            total += 0.5 * wi * e * e
            d = wi * e
        elif loss_code == LOSS_MSE:  # mean over the m outputs
            total += wi * e * e / m
            d = 2.0 * wi * e / m
        elif loss_code == LOSS_MAE:
            total += wi * abs(e) / m
            d = wi * (1.0 if e > 0 else (-1.0 if e < 0 else 0.0)) / m
        else:  # cross-entropy: dL/dz = y - d exactly
            if out_code == SOFTMAX:
                total -= wi * Y[i, j] * math.log(max(y, 1e-300))
            else:
                total -= wi * (
                    Y[i, j] * math.log(max(y, 1e-300))
                    + (1.0 - Y[i, j]) * math.log(max(1.0 - y, 1e-300))
                )
            d = wi * e
        dz[ao + U(j)] = d
    if loss_code != LOSS_CE:
        backprop_inplace(out_code, A, B, acts, ao, U(m), dz, ao)
    return total


@jit_inline
def _layer_forward(params, wo, bo, n_in, n_out, acts, ai, ao):
    """acts[ao:ao+n_out] <- z = W n + b with W = params[wo:bo] (n_out, n_in) row-major and
    n = acts[ai:ai+n_in]."""
    for r in range(n_out):
        base = wo + r * n_in
        s = params[bo + r]
        for c in range(n_in):
            s += params[base + c] * acts[ai + c]
        acts[ao + r] = s


@jit_inline
def _layer_update(
    params, wo, bo, n_in, n_out, acts, ai, ao, dz, lr_w, lr_b, l2, momentum, vel, need_delta, zero
):
    """Update layer (W, b) from dz[ao:ao+n_out] = dL/dz and its input n = acts[ai:ai+n_in];
    with ``need_delta`` also dz[ai:ai+n_in] <- W^T dL/dz using the weights BEFORE the update
    (set when ``zero``, else added: cascade connections sum it over every reader).

    One pass over each row W[r] does both: back-propagate with the old W[r], then
    W[r] -= lr_w (dz[r] n + l2 W[r]), b[r] -= lr_b dz[r]; with momentum the step is
    v = momentum v - lr g, w += v.
    """
    if need_delta and zero:
        for c in range(n_in):
            dz[ai + c] = 0.0
    for r in range(n_out):
        d = dz[ao + r]
        base = wo + r * n_in
        if momentum == 0.0:
            if need_delta:
                for c in range(n_in):
                    wc = params[base + c]
                    dz[ai + c] += wc * d
                    params[base + c] = wc - lr_w * (d * acts[ai + c] + l2 * wc)
            else:
                for c in range(n_in):
                    wc = params[base + c]
                    params[base + c] = wc - lr_w * (d * acts[ai + c] + l2 * wc)
            params[bo + r] -= lr_b * d
        else:
            for c in range(n_in):
                wc = params[base + c]
                dz[ai + c] += wc * d  # harmless when need_delta is False
                v = momentum * vel[base + c] - lr_w * (d * acts[ai + c] + l2 * wc)
                vel[base + c] = v
                params[base + c] = wc + v
            v = momentum * vel[bo + r] - lr_b * d
            vel[bo + r] = v
            params[bo + r] += v


@jit
def sgd_epoch(
    params,
    sizes,
    w_off,
    b_off,
    codes,
    A,
    B,
    in_start,
    X,
    Y,
    sw,
    order,
    lr_w,
    lr_b,
    momentum,
    vel,
    l2,
    loss_code,
):
    """One epoch of per-sample back-propagation, updating ``params`` (and ``vel``) in place.

    For each sample in ``order``: forward pass, output sensitivity from the loss of that one
    sample, then layer by layer from the output down: delta(k-1) is computed with the old
    W(k) and only then W(k), b(k) are updated (w -= lr_w * dE/dw, b -= lr_b * dE/db), as in
    the tutorial. Optional heavy-ball momentum (``vel``) and L2 decay of the weights.
    ``sw`` may be empty (every sample weight 1). Returns the sum over samples of each
    sample's loss before its update.

    Cascade connections (``in_start`` all 0): layer k reads acts[0:a_off[k+1]], the input
    and every earlier layer; dL/dn of a layer is then summed over the layers that read it,
    so the hidden part of dz is cleared once per sample instead of per layer.

    Shapes: params, vel (P,); sizes (L+1,) uint64; w_off, b_off (L,) uint64; codes (L,);
    A, B (L,); in_start (L,) uint64 (see :func:`layout_arrays`); X (N, sizes[0]);
    Y (N, sizes[L]); sw (N,) or (0,); order (T,) row indices.
    """
    L = sizes.shape[0] - 1
    # acts[a_off[k]:a_off[k+1]] = n(k) (n(0) the input); dz the same layout for dL/dz
    a_off = np.zeros(L + 2, np.uint64)
    for k in range(L + 1):
        a_off[k + 1] = a_off[k] + sizes[k]
    cascade = False  # layer k reads acts[in_start[k]:a_off[k+1]]: more than n(k-1)?
    for k in range(L):
        cascade |= in_start[k] != a_off[k]
    acts = np.zeros(a_off[L + 1], params.dtype)
    dz = np.zeros(a_off[L + 1], params.dtype)
    total = 0.0
    for t in range(order.shape[0]):
        i = order[t]
        for u in range(sizes[0]):
            acts[u] = X[i, u]
        # 1. forward: z(k) = W(k) n(k-1) + b(k), n(k) = f(z(k)), in place
        for k in range(L):
            _layer_forward(
                params,
                w_off[k],
                b_off[k],
                a_off[k + 1] - in_start[k],
                sizes[k + 1],
                acts,
                in_start[k],
                a_off[k + 1],
            )
            activate_inplace(codes[k], A[k], B[k], acts, a_off[k + 1], sizes[k + 1])
        # 2. output sensitivity delta(K) from this sample's loss
        wi = sw[i] if sw.shape[0] > 0 else 1.0
        total += _output_delta(
            loss_code, codes[L - 1], A[L - 1], B[L - 1], acts, a_off[L], Y, i, wi, dz
        )
        if cascade:  # every reader adds its W^T dL/dz to the layers it reads
            for u in range(a_off[L]):
                dz[u] = 0.0
        # 3. backward and update, output layer first (the input layer needs no delta)
        for k in range(L - 1, -1, -1):
            _layer_update(
                params,
                w_off[k],
                b_off[k],
                a_off[k + 1] - in_start[k],
                sizes[k + 1],
                acts,
                in_start[k],
                a_off[k + 1],
                dz,
                lr_w,
                lr_b,
                l2,
                momentum,
                vel,
                k > 0,
                not cascade,
            )
            if k > 0:
                backprop_inplace(
                    codes[k - 1], A[k - 1], B[k - 1], acts, a_off[k], sizes[k], dz, a_off[k]
                )
    return total


@jit
def forward_rows(params, sizes, w_off, b_off, codes, A, B, in_start, X, out):
    """out[i] <- the network's output for each row X[i] (no checks; the fast predict path).

    One row at a time through one scratch buffer, so that small batches and single rows pay
    no per-layer call overhead; layer k reads acts[in_start[k]:] up to its own outputs
    (:func:`layout_arrays`). Shapes: X (N, sizes[0]), out (N, sizes[L]). Returns -1, or
    the first row holding a NaN/inf (``out`` is then incomplete): the caller's check is free.
    """
    L = sizes.shape[0] - 1
    a_off = np.zeros(L + 2, np.uint64)
    for k in range(L + 1):
        a_off[k + 1] = a_off[k] + sizes[k]
    acts = np.empty(a_off[L + 1], params.dtype)
    for i in range(X.shape[0]):
        finite = True
        for u in range(sizes[0]):
            acts[u] = X[i, u]
            finite &= math.isfinite(X[i, u])
        if not finite:
            return i
        for k in range(L):
            _layer_forward(
                params,
                w_off[k],
                b_off[k],
                a_off[k + 1] - in_start[k],
                sizes[k + 1],
                acts,
                in_start[k],
                a_off[k + 1],
            )
            activate_inplace(codes[k], A[k], B[k], acts, a_off[k + 1], sizes[k + 1])
        for j in range(sizes[L]):
            out[i, j] = acts[a_off[L] + j]
    return -1


#: Work of one pass over the data (``n_samples * n_params``) from which the whole-batch and
#: mini-batch paths (:meth:`Objective._rows`) use the row kernels below instead of
#: NumPy's element-wise calls. Below it they stay NumPy only: importing Numba and loading
#: the cached kernels costs about 0.5-1 s once per process, more than the row kernels save
#: on small data (they save about a fifth of an epoch where the products do not dominate).
#: Compiling them costs a few seconds once per installation (the machine code is cached
#: on disk, like the per-sample kernel's). The choice depends on the data and the network
#: only, so a call gives the same bits whatever the process did before.
ROWS_MIN_WORK = 1e9


def rows_kernels_for(work) -> bool:
    """True when the row kernels serve a pass of ``work`` multiply-adds (see ROWS_MIN_WORK)."""
    return HAVE_NUMBA and work >= ROWS_MIN_WORK


@jit
def bias_activate_rows(Z, b, code, A, B):
    """Z[i] <- f(Z[i] + b) for every row, in place (the hidden layers' lean forward step).

    One call instead of NumPy's add, then activation, each over the whole (n, m) buffer.
    ReLU is one loop (add and select); the others add the bias, then activate the row
    while it is in L1.
    """
    n, m = Z.shape
    for i in range(n):
        z = Z[i]
        if code == RELU:
            for j in range(m):
                v = z[j] + b[j]
                z[j] = v if v > 0.0 else 0.0
        else:
            for j in range(m):
                z[j] += b[j]
            activate_inplace(code, A, B, z, U(0), U(m))


@jit
def bias_activate_rows_keep(Z, b, code, A, B, out):
    """Z[i] <- Z[i] + b (the pre-activation, kept for a loss) and out[i] <- f(Z[i])."""
    n, m = Z.shape
    for i in range(n):
        z = Z[i]
        o = out[i]
        for j in range(m):
            z[j] += b[j]
        for j in range(m):
            o[j] = z[j]
        activate_inplace(code, A, B, o, U(0), U(m))


@jit
def backprop_rows(code, A, B, act, G):
    """G[i] <- dL/dz for every row, given G[i] = dL/da and the layer's outputs act[i]."""
    n, m = G.shape
    for i in range(n):
        backprop_inplace(code, A, B, act[i], U(0), U(m), G[i], U(0))


@jit
def softmax_ce_rows(Z, b, T, sw, scale):
    """Softmax output layer and cross-entropy loss in one pass over each row.

    On entry Z[i] holds W a(i) (no bias yet); on return it holds dL/dz =
    (softmax(z) - t) w_i scale. Returns sum_i w_i CE_i with CE_i = sum_j t_j (lse_i - z_j)
    (soft targets allowed), lse_i = max z + log sum e^(z - max z). ``sw`` empty means every
    weight is 1. A NaN or inf in z gives a NaN sum (the trainer's divergence check).
    """
    n, m = Z.shape
    total = 0.0
    for i in range(n):
        z = Z[i]
        t = T[i]
        w = 1.0 if sw.shape[0] == 0 else sw[i]
        mx = -math.inf
        tz = 0.0
        ts = 0.0
        for j in range(m):
            v = z[j] + b[j]
            z[j] = v
            mx = max(mx, v)
            tz += t[j] * v
            ts += t[j]
        s = 0.0
        for j in range(m):
            e = fast_exp(z[j] - mx)
            z[j] = e
            s += e
        total += w * (ts * (mx + math.log(s)) - tz)
        f = w * scale
        for j in range(m):
            z[j] = (z[j] / s - t[j]) * f
    return total


def layout_arrays(network):
    """The network's layout as the flat arrays the kernels take (offsets and sizes uint64).

    ``in_start[k]``: where layer k's input begins in a sample's buffer of all signals
    [n(0) the input, n(1), ..., n(L)]; it ends where layer k's outputs begin. Layered: the
    start of n(k-1); cascade connections: 0 (the input and every earlier layer).
    """
    sizes = np.asarray(network.sizes, dtype=np.uint64)
    w_off = np.asarray([wo for wo, _ in network.offsets], dtype=np.uint64)
    b_off = np.asarray([bo for _, bo in network.offsets], dtype=np.uint64)
    codes = np.asarray([a.code for a in network.activations], dtype=np.int64)
    A = np.asarray([a.params[0] for a in network.activations], dtype=np.float64)
    B = np.asarray([a.params[1] for a in network.activations], dtype=np.float64)
    starts = np.cumsum([0, *network.sizes[:-2]])  # layered: n(k-1) begins here
    if network.connections == "cascade":
        starts = np.zeros(network.n_layers)
    return sizes, w_off, b_off, codes, A, B, np.asarray(starts, dtype=np.uint64)
