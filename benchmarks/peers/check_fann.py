"""Equivalence check: one FANN_TRAIN_INCREMENTAL epoch (via the ctypes
wrapper in fann.py) against hand-written NumPy per-sample gradient descent
from the same initial weights.

Run:  python benchmarks/peers/check_fann.py      (exit status 0 = pass)

What is checked
---------------
1. Connection order: ``fann_get_connection_array`` lists, layer by layer and
   destination neuron by destination neuron, the previous layer's neurons with
   the bias neuron last -- the layout ``pack_layers`` produces.
2. Forward pass: ``fann_run`` == logistic MLP (steepness 0.5).
3. One incremental epoch on a 2-3-1 net (and a 4-5-3-2 net) with
   FANN_SIGMOID / steepness 0.5 / FANN_ERRORFUNC_LINEAR / momentum 0:
   weights after the epoch and the epoch MSE vs.
   (a) an explicit reference that mirrors FANN's arithmetic
       (derivative ``2*s*y*(1-y)`` with y clipped to [0.01, 0.99],
       ``s*net`` clamped to +-150/s, learning rate rounded to float32), and
   (b) the plain peer ``numpy_loop.train_epoch`` (no clipping), on data where
       the clip is inactive.
4. Steepness 0.8 (derivative must use the steepness), a learning rate that is
   not exactly representable in float32 (0.7), and a saturated net where the
   derivative clip is active (reference (a) must still match; the plain loop
   is expected to differ there and the difference is reported).
5. The error function really is LINEAR after setting it (FANN's default is
   TANH, which would change the update).
"""

from __future__ import annotations

import os
import sys

import numpy as np

try:  # imported as part of a package (benchmarks.peers)
    from . import fann as F
    from . import numpy_loop
except ImportError:  # run as a script
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fann as F  # type: ignore[no-redef]
    import numpy_loop  # type: ignore[no-redef]

TOL_W = 1e-12  # weights, double precision end to end
TOL_MSE = 1e-6  # FANN accumulates the MSE in float32 (relative)

_CLIP_LO = float(np.float32(0.01))
_CLIP_HI = float(np.float32(0.99))


# ---------------------------------------------------------------------------
# Reference mirroring FANN 2.2's fann_run / fann_compute_MSE /
# fann_backpropagate_MSE / fann_update_weights, written against FANN's flat
# weight vector (per layer: (n_out, n_in + 1) row-major, bias last).
# ---------------------------------------------------------------------------


def _split(flat, sizes):
    mats, pos = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        k = n_out * (n_in + 1)
        mats.append(flat[pos : pos + k].reshape(n_out, n_in + 1))
        pos += k
    return mats


def ref_forward(flat, sizes, x, s=0.5):
    mats = _split(flat, sizes)
    vals = [np.append(np.asarray(x, float), 1.0)]  # bias neuron value 1, last
    for M in mats:
        net = s * (M @ vals[-1])
        net = np.clip(net, -150.0 / s, 150.0 / s)
        y = 1.0 / (1.0 + np.exp(-2.0 * net))
        vals.append(np.append(y, 1.0))
    return vals


def _dsig(y, s, clip=True):
    if clip:
        y = np.clip(y, _CLIP_LO, _CLIP_HI)
    return 2.0 * s * y * (1.0 - y)


def ref_incremental_epoch(flat, sizes, X, Y, lr, s=0.5, clip=True, float32_lr=True):
    """Returns (new flat weights, epoch MSE)."""
    w = np.array(flat, dtype=np.float64)
    mats = _split(w, sizes)  # views into w
    lr = float(np.float32(lr)) if float32_lr else float(lr)
    sq, count = 0.0, 0
    for x, d in zip(X, Y):
        vals = ref_forward(w, sizes, x, s)
        y = vals[-1][:-1]
        diff = np.asarray(d, float) - y  # FANN_ERRORFUNC_LINEAR
        sq += float(diff @ diff)
        count += diff.size
        deltas = [None] * len(mats)
        deltas[-1] = _dsig(y, s, clip) * diff
        for l in range(len(mats) - 1, 0, -1):  # old weights
            back = mats[l][:, :-1].T @ deltas[l]
            deltas[l - 1] = back * _dsig(vals[l][:-1], s, clip)
        for l, M in enumerate(mats):
            M += np.outer(lr * deltas[l], vals[l])  # input incl. bias (=1)
    return w, sq / count


# ---------------------------------------------------------------------------


def _fann_epoch(sizes, flat0, X, Y, lr, s=0.5):
    with (
        F.FannNet(
            sizes,
            steepness=s,
            learning_rate=lr,
            momentum=0.0,
            training_algorithm=F.FANN_TRAIN_INCREMENTAL,
            error_function=F.FANN_ERRORFUNC_LINEAR,
        ) as net,
        F.TrainData(X, Y) as td,
    ):
        net.set_weights(flat0)
        assert np.array_equal(net.get_weights(), flat0)
        mse = net.train_epoch(td)
        return net.get_weights(), mse


def check_connection_order(sizes) -> None:
    with F.FannNet(sizes) as net:
        conns = net.get_connections()
    # FANN numbers neurons globally: layer l has sizes[l] neurons + 1 bias.
    starts = np.cumsum([0] + [n + 1 for n in sizes])
    exp_from, exp_to = [], []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        for j in range(n_out):
            for i in range(n_in + 1):  # i == n_in is the bias neuron
                exp_from.append(starts[l] + i)
                exp_to.append(starts[l + 1] + j)
    assert np.array_equal(conns["from_neuron"], exp_from), "unexpected from_neuron order"
    assert np.array_equal(conns["to_neuron"], exp_to), "unexpected to_neuron order"


def run_case(
    name, sizes, X, Y, lr, s, flat0, results, *, compare_plain=True, expect_plain_match=True
):
    w_fann, mse_fann = _fann_epoch(sizes, flat0, X, Y, lr, s)
    w_ref, mse_ref = ref_incremental_epoch(flat0, sizes, X, Y, lr, s)
    d_ref = float(np.max(np.abs(w_fann - w_ref)))
    rel_mse = abs(mse_fann - mse_ref) / max(mse_ref, 1e-300)
    moved = float(np.max(np.abs(w_fann - flat0)))
    ok = d_ref <= TOL_W and rel_mse <= TOL_MSE and moved > 1e-6
    line = (
        f"{name:<44} max|dw| vs FANN-mirror ref = {d_ref:.3e}  "
        f"mse fann={mse_fann:.9g} ref={mse_ref:.9g}  (max weight change {moved:.3g})"
    )
    if compare_plain:
        Ws, bs = F.unpack_layers(flat0, sizes)
        # The plain loop uses the true learning rate; FANN stores it as float32.
        lr32 = float(np.float32(lr))
        mse_plain = numpy_loop.train_epoch(Ws, bs, X, Y, lr32)
        w_plain = F.pack_layers(Ws, bs)
        d_plain = float(np.max(np.abs(w_fann - w_plain)))
        line += f"\n{'':<44} max|dw| vs numpy_loop (no clip)  = {d_plain:.3e}"
        if expect_plain_match:
            ok = ok and d_plain <= TOL_W and abs(mse_plain - mse_fann) <= TOL_MSE * mse_fann
        else:
            line += "  (clip active: difference expected)"
    results.append((name, ok, d_ref))
    print(("PASS " if ok else "FAIL ") + line)


def main() -> int:
    if not F.is_available():
        print("SKIP: libdoublefann not found (run benchmarks/install_peers.sh)")
        return 0
    print("libdoublefann:", F.find_library())
    results = []
    rng = np.random.default_rng(12345)

    # 1. connection order
    for sizes in [(2, 3, 1), (4, 5, 3, 2)]:
        check_connection_order(sizes)
    print("PASS connection order: per destination neuron, sources in order, bias last")

    # 5. error function / activation / steepness readback
    with F.FannNet((2, 3, 1)) as net:
        assert net.train_error_function == F.FANN_ERRORFUNC_LINEAR
        assert net.training_algorithm == F.FANN_TRAIN_INCREMENTAL
        assert net.get_activation(1, 0) == (F.FANN_SIGMOID, 0.5)
        assert net.get_activation(2, 0) == (F.FANN_SIGMOID, 0.5)
        assert net.learning_momentum == 0.0
        assert net._weights_view is not None, "struct fann layout not recognised (slow path)"
    print("PASS settings read back: SIGMOID s=0.5, INCREMENTAL, ERRORFUNC_LINEAR, momentum 0")

    # 2. forward pass
    sizes = (2, 3, 1)
    n_w = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    flat0 = rng.uniform(-1, 1, n_w)
    X = rng.uniform(0, 1, (16, 2))
    Y = (X[:, :1] + X[:, 1:] > 1.0) * 0.8 + 0.1  # targets 0.1 / 0.9
    with F.FannNet(sizes) as net:
        net.set_weights(flat0)
        out_fann = net.predict(X)
    Ws, bs = F.unpack_layers(flat0, sizes)
    out_ref = np.array([ref_forward(flat0, sizes, x)[-1][:-1] for x in X])
    out_plain = numpy_loop.predict(Ws, bs, X)
    d_fwd = max(np.max(np.abs(out_fann - out_ref)), np.max(np.abs(out_fann - out_plain)))
    fwd_ok = d_fwd <= TOL_W
    results.append(("forward 2-3-1", fwd_ok, d_fwd))
    print(
        ("PASS " if fwd_ok else "FAIL ")
        + f"{'forward 2-3-1 (fann_run vs logistic MLP)':<44} max|dy| = {d_fwd:.3e}"
    )

    # 3. one incremental epoch, 2-3-1
    run_case("epoch 2-3-1, s=0.5, lr=0.5", sizes, X, Y, 0.5, 0.5, flat0, results)
    run_case("epoch 2-3-1, s=0.5, lr=0.7 (float32 lr)", sizes, X, Y, 0.7, 0.5, flat0, results)

    # 4-5-3-2 (two hidden layers)
    sizes2 = (4, 5, 3, 2)
    n_w2 = sum((a + 1) * b for a, b in zip(sizes2[:-1], sizes2[1:]))
    flat2 = rng.uniform(-0.8, 0.8, n_w2)
    X2 = rng.uniform(-1, 1, (40, 4))
    Y2 = np.stack([(X2[:, 0] * X2[:, 1] > 0), (X2.sum(1) > 0)], 1) * 0.8 + 0.1
    run_case("epoch 4-5-3-2, s=0.5, lr=0.25", sizes2, X2, Y2, 0.25, 0.5, flat2, results)

    # 4. steepness != 0.5 (plain logistic loop does not apply)
    run_case(
        "epoch 2-3-1, s=0.8, lr=0.5", sizes, X, Y, 0.5, 0.8, flat0, results, compare_plain=False
    )

    # saturated net: derivative clip active
    flat_big = flat0 * 8.0
    Xs = rng.uniform(-1, 1, (16, 2)) * 3
    Ys = (Xs[:, :1] > 0).astype(float)
    run_case(
        "epoch 2-3-1 saturated (clip active)",
        sizes,
        Xs,
        Ys,
        0.5,
        0.5,
        flat_big,
        results,
        expect_plain_match=False,
    )

    # Sensitivity controls: the comparison must notice the details above.
    w_fann, _ = _fann_epoch(sizes, flat0, X, Y, 0.7, 0.5)
    w_dbl, _ = ref_incremental_epoch(flat0, sizes, X, Y, 0.7, float32_lr=False)
    d_lr = float(np.max(np.abs(w_fann - w_dbl)))
    with (
        F.FannNet(sizes, learning_rate=0.5, error_function=F.FANN_ERRORFUNC_TANH) as net,
        F.TrainData(X, Y) as td,
    ):
        net.set_weights(flat0)
        net.train_epoch(td)
        w_tanh = net.get_weights()
    w_lin, _ = ref_incremental_epoch(flat0, sizes, X, Y, 0.5)
    d_tanh = float(np.max(np.abs(w_tanh - w_lin)))
    w_noclip, _ = ref_incremental_epoch(flat_big, sizes, Xs, Ys, 0.5, clip=False)
    w_fann_big, _ = _fann_epoch(sizes, flat_big, Xs, Ys, 0.5, 0.5)
    d_clip = float(np.max(np.abs(w_fann_big - w_noclip)))
    sens_ok = min(d_lr, d_tanh, d_clip) > 1e3 * TOL_W
    results.append(("sensitivity", sens_ok, 0.0))
    print(
        ("PASS " if sens_ok else "FAIL ") + "sensitivity controls (must be clearly non-zero):\n"
        f"     lr=0.7 taken as double instead of float32: max|dw| = {d_lr:.3e}\n"
        f"     FANN_ERRORFUNC_TANH instead of LINEAR:     max|dw| = {d_tanh:.3e}\n"
        f"     no derivative clip on the saturated net:   max|dw| = {d_clip:.3e}"
    )

    n_fail = sum(1 for _, ok, _ in results if not ok)
    worst = max(d for _, _, d in results)
    print(f"\nmax abs difference over all FANN-mirror comparisons: {worst:.3e}")
    print(f"{len(results) + 2 - n_fail} passed, {n_fail} failed")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
