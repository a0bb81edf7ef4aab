"""The trainer: epochs, data order, division, stopping rules, validation and callbacks.

Algorithms only take steps (see :mod:`bpnn.algorithms.base`); everything about *when*
to stop and *which* parameters to keep lives here, once, for every algorithm.

Stopping rules, checked after every epoch in this order (the record's ``stop_reason``):

===================  ==========================================================
"diverged"           the loss or a parameter is no longer finite
"goal met"           training loss <= ``goal`` (the tutorial's "within range")
(algorithm's own)    e.g. "mu max" from Levenberg–Marquardt
"min grad"           gradient norm < ``min_grad``
"validation stop"    validation loss rose ``max_fail`` epochs in a row
"time limit"         ``time`` seconds elapsed
"callback"           a callback returned True
"max epochs"         ``epochs`` epochs run
===================  ==========================================================

With validation data the parameters of the best validation epoch are restored at the
end; after divergence the best finite parameters are restored.
"""
from __future__ import annotations

import math
import time as _time

import numpy as np

from ._validation import check_pair, check_sample_weight
from .algorithms import get_algorithm
from .data import divide
from .objective import Objective
from .record import TrainingRecord

__all__ = ["train", "Trainer"]


def _finite(x) -> bool:
    return x is not None and math.isfinite(x)


class _Progress:
    """A one-line live display of the epoch, loss, gradient, μ and validation checks."""

    def __init__(self, epochs, enabled):
        self.enabled, self.epochs, self._last = enabled, epochs, 0.0
        self._live = None

    def __enter__(self):
        if self.enabled:
            from rich.live import Live
            self._live = Live("", refresh_per_second=8, transient=False)
            self._live.__enter__()
        return self

    def update(self, rec: TrainingRecord, force=False):
        if not self._live:
            return
        now = _time.perf_counter()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        e = rec.epoch[-1]
        parts = [f"epoch {e}/{self.epochs}", f"loss {rec.loss[-1]:.4g}"]
        if _finite(rec.val_loss[-1]):
            parts.append(f"val {rec.val_loss[-1]:.4g} (checks {int(rec.val_fail[-1])})")
        if _finite(rec.grad_norm[-1]):
            parts.append(f"gradient {rec.grad_norm[-1]:.3g}")
        if _finite(rec.mu[-1]):
            parts.append(f"mu {rec.mu[-1]:.3g}")
        parts.append(f"{rec.time[-1]:.1f} s")
        self._live.update("  ".join(parts))

    def __exit__(self, *exc):
        if self._live:
            self._live.__exit__(*exc)


def _split_data(X, Y, sw, division, ratios, indices, validation, test, rng):
    """Return train/val/test (X, Y, sw) triples (None when absent) and the index arrays."""
    n = X.shape[0]
    if validation is not None or test is not None:
        if division not in (None, "none"):
            raise ValueError(f"give either division={division!r} or validation=/test= data, "
                             "not both")
        tr, va, te = np.arange(n), None, None
        parts = [(X, Y, sw)]
        for extra in (validation, test):
            if extra is None:
                parts.append(None)
                continue
            if not isinstance(extra, (tuple, list)) or len(extra) not in (2, 3):
                raise ValueError("validation= and test= take a tuple (X, Y) or (X, Y, weights)")
            Xe, Ye = check_pair(extra[0], extra[1], X.shape[1], Y.shape[1])
            swe = check_sample_weight(extra[2], Xe.shape[0]) if len(extra) == 3 else None
            parts.append((Xe, Ye, swe))
        return parts, (tr, va, te)
    tr, va, te = divide(n, division, ratios, rng, indices)
    take = lambda idx: (X[idx], Y[idx], None if sw is None else sw[idx]) if len(idx) else None  # noqa
    return [take(tr), take(va), take(te)], (tr, va if len(va) else None, te if len(te) else None)


class Trainer:
    """Runs an algorithm on an objective epoch by epoch; see :func:`train`."""

    def __init__(self, algorithm, *, epochs=1000, goal=0.0, time=math.inf, min_grad=None,
                 max_fail=6, shuffle=True, callbacks=(), progress=False):
        self.algorithm = algorithm
        self.epochs = int(epochs)
        if self.epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {epochs!r}")
        self.goal = float(goal)
        self.time = float(time)
        self.min_grad = getattr(algorithm, "default_min_grad", 0.0) if min_grad is None \
            else float(min_grad)
        self.max_fail = int(max_fail)
        if self.max_fail < 1:
            raise ValueError(f"max_fail must be a positive integer, got {max_fail!r}")
        self.shuffle = bool(shuffle)
        self.callbacks = list(callbacks) if callbacks else []
        self.progress = progress

    def _epoch(self, obj, w, state, rng):
        alg = self.algorithm
        order = rng.permutation(obj.n_samples) if self.shuffle else np.arange(obj.n_samples)
        if hasattr(alg, "run_epoch") and getattr(alg, "compiled", True):
            return alg.run_epoch(obj, w, state, order)
        if alg.minibatch and alg.batch_size and alg.batch_size < obj.n_samples:
            info = None
            for start in range(0, obj.n_samples, alg.batch_size):
                w, state, info = alg.step(obj.batch(order[start:start + alg.batch_size]), w, state)
                info.loss = None   # a batch's loss is not the training loss
            return w, state, info
        return alg.step(obj, w, state)

    def run(self, obj, val_obj=None, test_obj=None, rng=None, record=None):
        rng = rng if rng is not None else np.random.default_rng()
        rec = record or TrainingRecord(algorithm=self.algorithm.name, loss_name=obj.loss.name)
        rec.goal, rec.params = self.goal, self.algorithm.params()
        t0 = _time.perf_counter()
        net = obj.network
        w = net.params.copy()
        state = self.algorithm.init(obj, w)
        loss = obj.value(w)
        val = val_obj.value(w) if val_obj else math.nan
        tst = test_obj.value(w) if test_obj else math.nan
        rec.append(epoch=0, loss=loss, val_loss=val, test_loss=tst, val_fail=0,
                   time=_time.perf_counter() - t0)
        best_w, best_key, fails = w.copy(), (val if val_obj else loss), 0
        rec.best_epoch, rec.best_loss, rec.best_val_loss, rec.best_test_loss = 0, loss, val, tst
        stop = "goal met" if loss <= self.goal else ("max epochs" if self.epochs == 0 else None)
        if not _finite(loss):
            stop = "diverged"
        with _Progress(self.epochs, self.progress) as bar:
            epoch = 0
            while stop is None:
                epoch += 1
                w_new, state, info = self._epoch(obj, w, state, rng)
                loss = info.loss if info.loss is not None else obj.value(w_new)
                if not _finite(loss) or not np.all(np.isfinite(w_new)):
                    stop = "diverged"
                    break
                w = w_new
                val = val_obj.value(w) if val_obj else math.nan
                tst = test_obj.value(w) if test_obj else math.nan
                key = val if val_obj else loss
                if key < best_key:
                    best_key, best_w, fails = key, w.copy(), 0
                    rec.best_epoch, rec.best_loss = epoch, loss
                    rec.best_val_loss, rec.best_test_loss = val, tst
                elif val_obj and key > best_key:
                    fails += 1
                extra = {k: v for k, v in info.extra.items()
                         if k != "loss_before" and np.isscalar(v)}
                rec.append(epoch=epoch, loss=loss, val_loss=val, test_loss=tst,
                           grad_norm=info.grad_norm, mu=info.mu, lr=info.lr, val_fail=fails,
                           time=_time.perf_counter() - t0, **extra)
                bar.update(rec)
                stop = self._should_stop(rec, info, fails, net, w)
            bar.update(rec, force=True)
        rec.stop_reason = stop
        # restore: best validation epoch, or the best finite point after divergence
        net.params = best_w if (val_obj or stop == "diverged") else w
        return rec

    def _should_stop(self, rec, info, fails, net, w):
        if rec.loss[-1] <= self.goal:
            return "goal met"
        if info.stop:
            return info.stop
        if _finite(info.grad_norm) and info.grad_norm < self.min_grad:
            return "min grad"
        if fails >= self.max_fail:
            return "validation stop"
        if rec.time[-1] >= self.time:
            return "time limit"
        for cb in self.callbacks:
            net.params = w
            if cb(rec.epoch[-1], rec, net):
                return "callback"
        if rec.epoch[-1] >= self.epochs:
            return "max epochs"
        return None


def train(network, X, Y, algorithm="sgd", loss="sse", *, epochs=1000, goal=0.0,
          time=math.inf, min_grad=None, max_fail=6, division=None,
          ratios=(0.70, 0.15, 0.15), indices=None, validation=None, test=None,
          sample_weight=None, l2=0.0, shuffle=True, seed=None, callbacks=(),
          progress=False, **algorithm_params) -> TrainingRecord:
    """Train ``network`` in place on inputs X (n, n_in) and targets Y (n, n_out).

    Parameters
    ----------
    algorithm : str or Algorithm
        A name or MATLAB alias (``"sgd"`` — the tutorial's per-sample BP —, ``"gd"``,
        ``"lm"``/``"trainlm"``, ``"scg"``, ``"rprop"``, ...); its parameters (``lr``,
        ``lr_bias``, ``batch_size``, ``mu``...) are passed as keyword arguments.
    loss : "sse" (the tutorial's ½Σ(d−y)²), "mse", "mae" or "cross_entropy".
    epochs, goal, time, min_grad, max_fail : stopping rules (see the module docstring).
    division, ratios, indices : split X, Y into train/validation/test
        (``"random"``, ``"block"``, ``"interleaved"``, ``"index"``, or None for all-train).
    validation, test : (X, Y) or (X, Y, weights) given directly instead of a division.
    sample_weight : per-sample weights; l2 : weight decay ``l2/2 · ||W||²``.
    shuffle : visit samples in a new random order every epoch; seed : all randomness.
    callbacks : callables ``cb(epoch, record, network) -> bool``; True stops training.
    progress : show a live progress line (Rich).

    Returns
    -------
    TrainingRecord
    """
    alg = get_algorithm(algorithm, **algorithm_params)
    X, Y = check_pair(X, Y, network.n_inputs, network.n_outputs, network.dtype)
    sw = check_sample_weight(sample_weight, X.shape[0])
    rng = np.random.default_rng(seed)
    parts, (tr, va, te) = _split_data(X, Y, sw, division, ratios, indices, validation, test, rng)
    mk = lambda p: None if p is None else Objective(network, loss, *p, l2=0.0)  # noqa: E731
    obj = Objective(network, loss, *parts[0], l2=l2)
    trainer = Trainer(alg, epochs=epochs, goal=goal, time=time, min_grad=min_grad,
                      max_fail=max_fail, shuffle=shuffle, callbacks=callbacks, progress=progress)
    rec = TrainingRecord(algorithm=alg.name, loss_name=obj.loss.name)
    rec.train_idx, rec.val_idx, rec.test_idx = tr, va, te
    return trainer.run(obj, mk(parts[1]), mk(parts[2]), rng, rec)
