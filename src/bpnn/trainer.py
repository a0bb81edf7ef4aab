"""The trainer: epochs, data order, division, stopping rules, validation and callbacks.

Algorithms only take steps (see :mod:`bpnn.algorithms.base`); everything about *when*
to stop and *which* parameters to keep lives here, once, for every algorithm.

Stopping rules, checked after every epoch in this order (the record's ``stop_reason``):

===================  ==========================================================
"diverged"           the loss or a parameter is no longer finite
"goal met"           training loss <= ``goal`` (the tutorial's "within range")
(algorithm's own)    e.g. "mu max" from Levenberg–Marquardt
"min grad"           gradient norm < ``min_grad``
"validation stop"    validation loss rose ``max_fail`` epochs in a row (not for an
                     algorithm with ``validation_stop = False``, e.g. trainbr)
"time limit"         ``time`` seconds elapsed
"callback"           a callback returned True
"max epochs"         ``epochs`` epochs run
===================  ==========================================================

With validation data the parameters of the best validation epoch are restored at the
end (unless the algorithm's ``validation_stop`` is False: then validation is recorded
only); after divergence the best finite parameters are restored, ``record.message`` says
what to change, and a RuntimeWarning repeats it. Parameters are never left NaN or inf.

Checkpoints (``checkpoint=PATH, checkpoint_every=N``) are written atomically every N epochs
(N None: every ``CHECKPOINT_SECONDS``) and when training stops; ``resume=PATH`` continues
such a run so that it ends with the same parameters, bit for bit, as one that was never
interrupted (see :mod:`bpnn.checkpoint`).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time as _time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validation import check_pair, check_sample_weight
from .algorithms import get_algorithm
from .algorithms.base import minibatch_epoch
from .data import divide
from .objective import Objective
from .record import TrainingRecord

if TYPE_CHECKING:
    from ._typing import ArrayLike, Callback, PathLike, Seed
    from .algorithms import Algorithm
    from .losses import Loss
    from .network import Network

__all__ = ["train", "Trainer", "training_defaults"]

_DEFAULTS: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "bpnn_training_defaults", default=None
)
CHECKPOINT_SECONDS = 10.0  # checkpoint_every=None: at most this often (and when stopping)


def _clock() -> float:
    """Seconds on the clock that the record's times and the ``time`` limit are read from
    (perf_counter). The estimators read the same clock for their whole-fit budget; tests
    replace this function by a deterministic one."""
    return _time.perf_counter()


@contextlib.contextmanager
def training_defaults(*, checkpoint=None, checkpoint_every=None, resume=None, callbacks=()):
    """Checkpointing, resume and callbacks for the :func:`train` call made inside the block.

    For callers that train through layers they do not own (the CLI trains through the
    estimators). A checkpoint describes ONE training run, so a second ``train`` call in
    the block (a hidden-width search, restarts) raises ValueError when checkpointing.
    """
    box = {
        "checkpoint": checkpoint,
        "checkpoint_every": checkpoint_every,
        "resume": resume,
        "callbacks": list(callbacks),
        "runs": 0,
    }
    token = _DEFAULTS.set(box)
    try:
        yield box
    finally:
        _DEFAULTS.reset(token)


def _apply_defaults(checkpoint, checkpoint_every, resume, callbacks):
    box = _DEFAULTS.get()
    if box is None:
        return checkpoint, checkpoint_every, resume, callbacks
    box["runs"] += 1
    if box["runs"] > 1 and (box["checkpoint"] or box["resume"]):
        raise ValueError(
            "a checkpoint covers one training run, but this fit trains several "
            "networks (a hidden-width search or restarts): fix the hidden "
            "widths and use one restart to checkpoint or resume"
        )
    if checkpoint is None:
        checkpoint = box["checkpoint"] if box["checkpoint"] is not None else box["resume"]
        checkpoint_every = box["checkpoint_every"]
    resume = box["resume"] if resume is None else resume
    return checkpoint, checkpoint_every, resume, [*(callbacks or ()), *box["callbacks"]]


def _finite(x) -> bool:
    return x is not None and math.isfinite(x)


def _divergence_message(alg, epoch, best_epoch, cause="") -> str:
    """Say where training diverged, what was restored, and what to change."""
    hints = []
    lr = getattr(alg, "lr", None)
    if isinstance(lr, (int, float)) and lr > 0:
        hints.append(f"a smaller learning rate (lr={lr:g}; try lr={lr / 10:g})")
    if isinstance(getattr(alg, "mu", None), (int, float)) and not lr:
        hints.append("a larger starting mu")
    hints.append(
        "inputs and targets scaled to about [-1, 1] (bpnn.standard_scaler or bpnn.minmax_scaler)"
    )
    why = f"a numerical failure{cause}" if cause else "the loss or a parameter became NaN/inf"
    where = (
        "the loss is not finite at the starting parameters"
        if epoch == 0
        else f"training diverged at epoch {epoch} ({why}); "
        f"the parameters of epoch {best_epoch} were restored"
    )
    return f"{where}. Try " + " or ".join(hints) + "."


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
            raise ValueError(
                f"give either division={division!r} or validation=/test= data, not both"
            )
        tr, va, te = np.arange(n), None, None
        parts: list = [(X, Y, sw)]
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
    if division in (None, "none"):  # all rows train: no copy of the data
        return [(X, Y, sw), None, None], (tr, None, None)
    take = lambda idx: (X[idx], Y[idx], None if sw is None else sw[idx]) if len(idx) else None  # noqa
    return [take(tr), take(va), take(te)], (tr, va if len(va) else None, te if len(te) else None)


class Trainer:
    """Runs an algorithm on an objective epoch by epoch; see :func:`train`."""

    def __init__(
        self,
        algorithm,
        *,
        epochs=1000,
        goal=0.0,
        time=math.inf,
        min_grad=None,
        max_fail=6,
        shuffle=True,
        callbacks=(),
        progress=False,
        checkpoint=None,
        checkpoint_every=None,
        checkpoint_context=None,
        epoch_loss="running",
    ):
        self.algorithm = algorithm
        if epoch_loss not in ("running", "exact"):
            raise ValueError(f"epoch_loss must be 'running' or 'exact', got {epoch_loss!r}")
        self.epoch_loss = epoch_loss
        self.checkpoint, self.checkpoint_context = checkpoint, checkpoint_context or {}
        if checkpoint_every is not None and (
            int(checkpoint_every) != checkpoint_every or checkpoint_every < 1
        ):
            raise ValueError(
                f"checkpoint_every must be a positive integer, got {checkpoint_every!r}"
            )
        self.checkpoint_every = None if checkpoint_every is None else int(checkpoint_every)
        self.epochs = int(epochs)
        if self.epochs < 0:
            raise ValueError(f"epochs must be >= 0, got {epochs!r}")
        self.goal = float(goal)
        self.time = float(time)
        self.min_grad = (
            getattr(algorithm, "default_min_grad", 0.0) if min_grad is None else float(min_grad)
        )
        self.max_fail = int(max_fail)
        # an algorithm may turn validation stops (and the best-validation restore) off
        self.validation_stop = bool(getattr(algorithm, "validation_stop", True))
        if self.max_fail < 1:
            raise ValueError(f"max_fail must be a positive integer, got {max_fail!r}")
        self.shuffle = bool(shuffle)
        self.callbacks = list(callbacks) if callbacks else []
        self.progress = progress

    def _in_batches(self, obj) -> bool:
        """True when an epoch is several updates (mini-batches, or per-sample BP)."""
        alg = self.algorithm
        return bool(alg.minibatch and alg.batch_size and alg.batch_size < obj.n_samples)

    def _running(self, obj) -> bool:
        """The epoch's loss is the running one (:class:`~bpnn.algorithms.base.RunningLoss`):
        no pass over the training set beyond the updates themselves."""
        return self.epoch_loss == "running" and self._in_batches(obj)

    def _epoch(self, obj, w, state, rng):
        alg = self.algorithm
        order = rng.permutation(obj.n_samples) if self.shuffle else np.arange(obj.n_samples)
        if hasattr(alg, "run_epoch"):  # the algorithm runs whole epochs itself
            return alg.run_epoch(obj, w, state, order)
        if self._in_batches(obj):
            return minibatch_epoch(alg, obj, w, state, order)
        return alg.step(obj, w, state)

    def _epoch_loss(self, obj, w_new, info, running):
        """The loss recorded for the epoch: the running one, else the exact loss at w_new
        (from the algorithm when it knows it, else one pass over the training rows)."""
        if running and info.running_loss is not None:
            return info.running_loss
        loss = info.loss if info.loss is not None else obj.value(w_new)
        if info.stop and info.loss is not None and _finite(loss):
            # an algorithm giving up ("line search failed", "mu max") may hide an objective
            # that is no longer finite: check it
            loss = loss if _finite(obj.value(w_new)) else math.nan
        return loss

    def run(self, obj, val_obj=None, test_obj=None, rng=None, record=None, resume=None):
        """Train; ``resume`` (a :class:`bpnn.checkpoint.TrainingState`) continues a run."""
        rng = rng if rng is not None else np.random.default_rng()
        rec = record or TrainingRecord(algorithm=self.algorithm.name, loss_name=obj.loss.name)
        rec.goal, rec.params = self.goal, self.algorithm.params()
        t0 = _clock()
        self._last_checkpoint = _time.monotonic()
        net = obj.network
        if resume is not None:
            net.params = resume.w
        w = net.params.copy()
        if not np.all(np.isfinite(w)):
            raise ValueError("the network's parameters hold NaN or inf; initialise it again")
        state = self.algorithm.init(obj, w)
        running = self._running(obj)
        if resume is not None:
            state, rec, best_w, best_key, fails, epoch = self._resume(resume, state, rng, w)
            t0 -= resume.elapsed
            stop = self._resume_stop(rec, fails, epoch)
        else:
            best_w, best_key, fails, epoch, stop = self._start(
                obj, val_obj, test_obj, w, rec, t0, running
            )
        with _Progress(self.epochs, self.progress) as bar:
            while stop is None:
                epoch += 1
                try:
                    with np.errstate(over="ignore", invalid="ignore"):  # checked below
                        w_new, state, info = self._epoch(obj, w, state, rng)
                        loss = self._epoch_loss(obj, w_new, info, running)
                except (ArithmeticError, np.linalg.LinAlgError) as exc:  # numerical breakdown
                    rec.message = f"{type(exc).__name__}: {exc}"
                    stop = "diverged"
                    break
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
                extra = {
                    k: v for k, v in info.extra.items() if k != "loss_before" and np.isscalar(v)
                }
                rec.append(
                    epoch=epoch,
                    loss=loss,
                    val_loss=val,
                    test_loss=tst,
                    grad_norm=info.grad_norm,
                    mu=info.mu,
                    lr=info.lr,
                    val_fail=fails,
                    time=_clock() - t0,
                    **extra,
                )
                bar.update(rec)
                stop = self._should_stop(rec, info, fails, net, w)
                if self.checkpoint and (stop or self._checkpoint_due(epoch)):
                    self._save(epoch, w, state, rng, best_w, best_key, fails, rec)
            bar.update(rec, force=True)
        return self._finish(rec, stop, net, best_w, w, val_obj, epoch)

    def _finish(self, rec, stop, net, best_w, w, val_obj, epoch):
        rec.stop_reason = stop
        if stop == "diverged":
            cause = f" ({rec.message})" if rec.message else ""
            rec.message = _divergence_message(self.algorithm, epoch, rec.best_epoch, cause)
            warnings.warn(rec.message, RuntimeWarning, stacklevel=4)
        # restore: best validation epoch, or the best finite point after divergence
        net.params = best_w if ((val_obj and self.validation_stop) or stop == "diverged") else w
        return rec

    def _checkpoint_due(self, epoch) -> bool:
        """Every ``checkpoint_every`` epochs, or (None) every CHECKPOINT_SECONDS."""
        if self.checkpoint_every is not None:
            return epoch % self.checkpoint_every == 0
        now = _time.monotonic()
        if now - self._last_checkpoint >= CHECKPOINT_SECONDS:
            self._last_checkpoint = now
            return True
        return False

    def _save(self, epoch, w, state, rng, best_w, best_key, fails, rec):
        from .checkpoint import TrainingState

        TrainingState(
            epoch=epoch,
            w=w,
            state=state,
            rng_state=rng.bit_generator.state,
            best_w=best_w,
            best_key=best_key,
            fails=fails,
            record=rec,
            elapsed=rec.time[-1],
            context=self.checkpoint_context,
        ).save(self.checkpoint)

    def _resume(self, ts, template, rng, w):
        """Algorithm state, record and best-epoch bookkeeping from a checkpoint."""
        state = ts.algorithm_state(template)
        rng.bit_generator.state = ts.rng_state
        rec = ts.record
        rec.goal, rec.params = self.goal, self.algorithm.params()
        rec.stop_reason, rec.message = "", ""
        return state, rec, ts.best_w.astype(w.dtype), ts.best_key, ts.fails, ts.epoch

    def _resume_stop(self, rec, fails, epoch):
        if rec.loss[-1] <= self.goal:
            return "goal met"
        if fails >= self.max_fail and self.validation_stop:
            return "validation stop"
        return "max epochs" if epoch >= self.epochs else None

    def _start(self, obj, val_obj, test_obj, w, rec, t0, running=False):
        """Epoch 0: evaluate the starting point. With a running epoch loss the training
        loss of epoch 0 is not measured (NaN: the running loss starts with the first
        epoch's batches, as in FANN, scikit-learn and Keras); validation and test are."""
        with np.errstate(over="ignore", invalid="ignore"):  # a non-finite loss is checked below
            loss = math.nan if running else obj.value(w)
            val = val_obj.value(w) if val_obj else math.nan
            tst = test_obj.value(w) if test_obj else math.nan
        rec.append(epoch=0, loss=loss, val_loss=val, test_loss=tst, val_fail=0, time=_clock() - t0)
        best_w, best_key = w.copy(), (val if val_obj else loss)
        rec.best_epoch, rec.best_loss, rec.best_val_loss, rec.best_test_loss = 0, loss, val, tst
        stop = "goal met" if loss <= self.goal else ("max epochs" if self.epochs == 0 else None)
        if running:  # nothing measured on the training rows yet
            best_key = best_key if _finite(best_key) else math.inf
        elif not _finite(loss):
            stop = "diverged"
        return best_w, best_key, 0, 0, stop

    def _should_stop(self, rec, info, fails, net, w):
        if rec.loss[-1] <= self.goal:
            return "goal met"
        if info.stop:
            return info.stop
        if _finite(info.grad_norm) and info.grad_norm < self.min_grad:
            return "min grad"
        if fails >= self.max_fail and self.validation_stop:
            return "validation stop"
        if rec.time[-1] >= self.time:
            return "time limit"
        for cb in self.callbacks:
            net.params = w
            said = cb(rec.epoch[-1], rec, net)
            if said:  # a callback may name its reason, e.g. "interrupted"
                return said if isinstance(said, str) else "callback"
        if rec.epoch[-1] >= self.epochs:
            return "max epochs"
        return None


def train(
    network: Network,
    X: ArrayLike,
    Y: ArrayLike,
    algorithm: str | Algorithm = "sgd",
    loss: str | Loss = "sse",
    *,
    epochs: int = 1000,
    goal: float = 0.0,
    time: float = math.inf,
    min_grad: float | None = None,
    max_fail: int | None = 6,
    division: str | None = None,
    ratios: Sequence[float] = (0.70, 0.15, 0.15),
    indices: Sequence[ArrayLike] | None = None,
    validation: tuple[ArrayLike, ArrayLike] | None = None,
    test: tuple[ArrayLike, ArrayLike] | None = None,
    sample_weight: ArrayLike | None = None,
    l2: float = 0.0,
    shuffle: bool = True,
    seed: Seed = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = False,
    checkpoint: PathLike | None = None,
    checkpoint_every: int | None = None,
    resume: PathLike | None = None,
    epoch_loss: str = "running",
    init_search: str | None = None,
    init_search_params: dict | None = None,
    **algorithm_params: Any,
) -> TrainingRecord:
    """Train ``network`` in place on inputs X (n, n_in) and targets Y (n, n_out).

    Parameters
    ----------
    network : Network
        The network to train; its weights are updated in place.
    X, Y : array-like, (n, n_in) and (n, n_out)
        Inputs and targets, one row per sample.
    algorithm : str or Algorithm, default "sgd"
        A name or MATLAB alias (``"sgd"`` — the tutorial's per-sample BP —, ``"gd"``,
        ``"lm"``/``"trainlm"``, ``"scg"``, ``"rprop"``, ...); its parameters (``lr``,
        ``lr_bias``, ``batch_size``, ``mu``...) are passed as keyword arguments.
    loss : str or Loss, default "sse"
        "sse" (the tutorial's ½Σ(d−y)²), "mse", "mae" or "cross_entropy".
    epochs, goal, time, min_grad, max_fail
        Stopping rules: epoch limit, training-loss goal, seconds, minimum gradient norm,
        validation checks (the order they are checked in: ``bpnn.trainer``'s docstring).
        The record's ``stop_reason`` names the one that stopped training.
    division, ratios, indices
        Split X, Y into train/validation/test: ``division`` is ``"random"``, ``"block"``,
        ``"interleaved"``, ``"index"`` (by ``indices``), or None for all-train; ``ratios``
        are the (train, val, test) fractions.
    validation, test : (X, Y) or (X, Y, weights), optional
        Validation or test data given directly instead of a division.
    sample_weight : array-like, optional
        Per-sample weights.
    l2 : float, default 0.0
        Weight decay ``l2/2 · ||W||²``.
    shuffle : bool, default True
        Visit the samples in a new random order every epoch.
    seed : int, sequence of int, Generator or None
        The seed of all randomness.
    callbacks : sequence of callables
        ``cb(epoch, record, network) -> bool | str``; True stops training ("callback"), a
        string stops it with that reason (e.g. "interrupted").
    progress : bool, default False
        Show a live progress line (Rich).
    epoch_loss : "running" (default) or "exact"
        The training loss recorded for each epoch of mini-batch and per-sample training
        (``sgd``, ``adam`` with ``batch_size``), which ``goal`` is checked against:
        ``"running"`` combines the losses of the batches (samples) seen during the epoch,
        each before its own update — the figure FANN, scikit-learn and Keras report, at no
        extra cost (epoch 0's training loss is then NaN: not measured); ``"exact"``
        evaluates the loss over the whole training set after every epoch (and before the
        first), one more pass over the data each. Whole-batch algorithms (line searches,
        LM, BR, Rprop...) always record the exact loss. Validation and test losses are
        always exact, computed on their own rows only.
    checkpoint, checkpoint_every : path, int
        Write a crash-safe checkpoint to this path every N epochs (None: every 10 seconds)
        and when training stops (see :mod:`bpnn.checkpoint`).
    init_search, init_search_params : str or None, dict or None
        ``init_search`` None, "ga", "pso" or "de": before training, replace the network's
        initial weights by the best point of a population search on the training loss
        (GA-BP, PSO-BP, DE-BP; see :mod:`bpnn.algorithms.global_init`);
        ``init_search_params`` (``budget``, the loss evaluations, and ``population``) go
        to it. Not with ``resume``.
    resume : path, optional
        A checkpoint to continue from; the other arguments must describe the same run
        (network, algorithm and its parameters, loss, data — checked), except the stopping
        rules (``epochs``, ``goal``...), which may change. The continued run ends with the
        same parameters, bit for bit, as an uninterrupted one.
    **algorithm_params
        The algorithm's own parameters (``lr``, ``mu``...).

    Returns
    -------
    TrainingRecord

    Examples
    --------
    XOR with Levenberg-Marquardt, trained to an MSE goal:

    >>> import numpy as np
    >>> import bpnn
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    >>> Y = np.array([[0], [1], [1], [0]], dtype=float)
    >>> net = bpnn.Network([2, 4, 1], ["tansig", "logsig"], init="nguyen-widrow", seed=0)
    >>> record = bpnn.train(net, X, Y, "lm", "mse", epochs=500, goal=1e-6, seed=0)
    >>> record.stop_reason
    'goal met'
    >>> net.forward(X).round(2).ravel()
    array([0., 1., 1., 0.])
    """
    alg = get_algorithm(algorithm, **algorithm_params)
    checkpoint, checkpoint_every, resume, callbacks = _apply_defaults(
        checkpoint, checkpoint_every, resume, callbacks
    )
    X, Y = check_pair(X, Y, network.n_inputs, network.n_outputs, network.dtype)
    sw = check_sample_weight(sample_weight, X.shape[0])
    rng = np.random.default_rng(seed)
    ts = None
    if resume is not None:
        from .checkpoint import TrainingState

        ts = TrainingState.load(resume)
        if division not in (None, "none"):  # the checkpoint's split, whatever the seed
            r = ts.record
            division, indices = (
                "index",
                [np.arange(0) if i is None else i for i in (r.train_idx, r.val_idx, r.test_idx)],
            )
    parts, (tr, va, te) = _split_data(X, Y, sw, division, ratios, indices, validation, test, rng)

    def mk(p):  # p is (X, Y, sample_weight) or None
        if p is None:
            return None
        return Objective(network, loss, *p, l2=0.0, _checked=True)  # type: ignore[misc]

    obj = Objective(network, loss, *parts[0], l2=l2, _checked=True)  # type: ignore[misc]
    if getattr(alg, "grows", False):  # cascade-correlation: phases run by this Trainer
        if checkpoint is not None or ts is not None or init_search is not None:
            raise ValueError(
                f"algorithm {alg.name!r} grows the network: checkpoint, resume and "
                "init_search are not available with it"
            )
        rec = TrainingRecord(algorithm=alg.name, loss_name=obj.loss.name)
        rec.train_idx, rec.val_idx, rec.test_idx = tr, va, te
        rec.goal, rec.params = float(goal), alg.params()
        return alg.grow(  # type: ignore[attr-defined]
            network,
            obj,
            mk(parts[1]),
            mk(parts[2]),
            rng,
            rec,
            Trainer,
            epochs=epochs,
            goal=goal,
            time=time,
            min_grad=min_grad,
            max_fail=max_fail,
            shuffle=shuffle,
            callbacks=callbacks,
            clock=_clock,
        )
    if init_search is not None:
        if ts is not None:
            raise ValueError("init_search chooses a starting point; a resumed run has one")
        from .algorithms.global_init import search_initial_weights

        network.params = search_initial_weights(
            obj, network.params.copy(), init_search, rng=rng, **(init_search_params or {})
        )
    context = None
    if checkpoint is not None or ts is not None:
        from .checkpoint import check_compatible, training_context

        extra = [a for p in (validation, test) if p is not None for a in p]
        context = training_context(
            network, alg, obj.loss.name, l2=l2, shuffle=shuffle, data=[X, Y, sw, *extra]
        )
        if ts is not None:
            check_compatible(ts.context, context, resume)
    trainer = Trainer(
        alg,
        epochs=epochs,
        goal=goal,
        time=time,
        min_grad=min_grad,
        max_fail=max_fail,
        shuffle=shuffle,
        callbacks=callbacks,
        progress=progress,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        checkpoint_context=context,
        epoch_loss=epoch_loss,
    )
    rec = TrainingRecord(algorithm=alg.name, loss_name=obj.loss.name)
    rec.train_idx, rec.val_idx, rec.test_idx = tr, va, te
    return trainer.run(obj, mk(parts[1]), mk(parts[2]), rng, rec, resume=ts)
