"""Cascade-correlation: a training algorithm that grows the network one hidden unit at a time.

Fahlman, S. E. & Lebiere, C. (1990), "The Cascade-Correlation Learning Architecture",
Advances in Neural Information Processing Systems 2, 524-532 (FANN's
``fann_cascadetrain_on_data`` is one implementation).

A network with ``k`` installed units is a cascade network (``Network(...,
connections="cascade")``) of sizes ``[n_in, 1, ..., 1, n_out]``: unit ``j`` reads the input
and units ``1..j-1``; the output layer reads all of them. Training alternates two phases,
each run by :class:`~bpnn.trainer.Trainer` (which owns its epochs and stopping):

1. **Output phase.** The hidden units are frozen, so their outputs are a fixed feature
   matrix ``H = [x, a_1, ..., a_k]`` (n, n_in + k). The output layer alone is trained, as a
   one-layer network on ``H`` whose flat parameters are a *view* of the cascade network's
   last block (W row-major, then b): the frozen weights are not in the vector the
   algorithm sees, so they cannot change. It stops on the goal, its own epoch cap, when
   the loss has not moved by ``change_fraction`` in ``patience`` epochs, or on the output
   algorithm's own stop ("mu max"); ``min_grad`` applies only where given (a new unit's
   output weight often starts with a tiny gradient that grows as it moves).

2. **Candidate phase.** A pool of ``n_candidates`` units, each reading ``H``, is trained to
   maximise its correlation with the residual error::

       S_c = sum_o | sum_p (V_pc - mean V_c) (E_po - mean E_o) |

   where ``E_po = dL/dz_po`` is the output layer's sensitivity (Fahlman's error times the
   output derivative; for linear outputs and SSE the residual ``y - d`` itself). Because the
   centred ``E`` sums to zero over samples, the mean of ``V`` drops out of the covariance:
   ``C_co = sum_p V_pc Ec_po``, and with ``sigma_co = sign(C_co)``::

       dS_c/dz_pc = f_c'(z_pc) sum_o sigma_co Ec_po,   dS_c/dv_c = sum_p dS_c/dz_pc H_p

   (exact wherever no ``C_co`` is 0). ``E`` is divided by its norm, a constant of the
   phase (Fahlman's code divides S by the sum of squared errors): the maximiser is the
   same and S no longer depends on the loss's scale. The best candidate is installed with
   its input weights frozen and its output weights zero (the network's outputs are
   unchanged, and the output phase starts where the last one ended) or
   ``-weight_multiplier * sigma_o``.

Growth stops when the goal is met, at ``max_units`` units, when the epoch budget (the
trainer's ``epochs``, counting the epochs of both phases) or the time is spent, or with
validation data when ``unit_patience`` units in a row did not improve the validation loss
(then the best network seen is restored).

With logistic outputs prefer cross-entropy to MSE: under MSE an output saturated on the
wrong side has dL/dz ~ 0 (the flat spot), so neither the candidates nor the output phase
see that row and growth stalls (FANN avoids it with its TANH error function).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import (
    ALGORITHMS,
    Algorithm,
    _check_count,
    _check_fraction,
    _check_positive,
    get_algorithm,
    register,
)

if TYPE_CHECKING:
    from ..network import Network

__all__ = ["CascadeCorrelation", "CandidatePool", "CorrelationObjective", "install_unit"]

#: the extra per-epoch series of a cascade-correlation record
RECORD_SERIES = ("units", "phase", "correlation")


class _Named:
    """A stand-in for a Loss: the trainer only reads the name."""

    def __init__(self, name):
        self.name = name


class CandidatePool:
    """``C`` candidate units reading features ``H`` (n, q); one flat parameter vector.

    Candidate ``c``'s block is ``[v_c (q), b_c]``: the layout of a width-1 cascade layer
    (W row-major, then b), so an installed candidate's block is copied as it is.

    Parameters
    ----------
    n_inputs : int
        ``q``, the width of ``H`` (inputs plus installed units).
    activations : list of Activation
        One per candidate.
    """

    def __init__(self, n_inputs, activations, dtype=np.float64):
        self.q, self.activations = int(n_inputs), list(activations)
        self.params = np.zeros(len(self.activations) * (self.q + 1), dtype=dtype)

    @property
    def params(self) -> np.ndarray:
        return self._params

    @params.setter
    def params(self, value):
        value = np.asarray(value)
        if getattr(self, "_params", None) is None or value.shape != self._params.shape:
            self._params = value.copy()
        else:
            self._params[...] = value

    @property
    def n_params(self) -> int:
        return self._params.size

    def blocks(self, w) -> tuple[np.ndarray, np.ndarray]:
        """``(Vw, b)``: input weights (C, q) and biases (C,) viewed from the flat ``w``."""
        B = np.asarray(w).reshape(len(self.activations), self.q + 1)
        return B[:, :-1], B[:, -1]

    def forward(self, H, w) -> tuple[np.ndarray, np.ndarray]:
        """Pre-activations Z and outputs V, both (n, C), of every candidate on rows H."""
        Vw, b = self.blocks(w)
        Z = H @ Vw.T + b
        V = np.empty_like(Z)
        for c, act in enumerate(self.activations):
            V[:, c] = act(Z[:, c : c + 1])[:, 0]
        return Z, V

    def derivative(self, Z, V) -> np.ndarray:
        """f_c'(z_pc) for every sample and candidate, (n, C)."""
        D = np.empty_like(Z)
        for c, act in enumerate(self.activations):
            D[:, c] = act.derivative(Z[:, c : c + 1], V[:, c : c + 1])[:, 0]
        return D


class CorrelationObjective:
    """Minus the pool's summed correlation, ``-sum_c S_c``, as a function of the pool's flat
    parameters: what the trainer minimises in the candidate phase.

    The candidates do not interact (each block's gradient depends on its own block only),
    so an element-wise rule (Rprop, quickprop) trains them all independently in one pass.

    Parameters
    ----------
    pool : CandidatePool
    H : ndarray, (n, q)
        The frozen features: inputs and installed units' outputs.
    E : ndarray, (n, m)
        The output layer's sensitivity dL/dz at the current network.
    """

    def __init__(self, pool, H, E):
        self.network, self.H = pool, H
        Ec = E - E.mean(axis=0)  # centred: the mean of V then drops out (docstring)
        # divided by ||Ec|| (a constant of the phase, as Fahlman's code divides S by the sum
        # of squared errors): S no longer depends on the loss's scale; same maximiser
        self.Ec = Ec / max(float(np.sqrt(np.sum(Ec * Ec))), np.finfo(float).tiny)
        self.loss = _Named("correlation")
        self.weight_mask = np.ones(pool.n_params, dtype=bool)
        self.weight_mask[pool.q :: pool.q + 1] = False  # the biases
        self.n_evals, self.scores = 0, None
        self.sample_weight = None

    @property
    def n_samples(self) -> int:
        return self.H.shape[0]

    @property
    def n_params(self) -> int:
        return self.network.n_params

    def residual_scale(self):
        """S has no residual form: Levenberg-Marquardt and BR cannot maximise it."""
        raise ValueError(
            "the correlation S is not a sum of squares: candidate_algorithm needs a "
            "gradient method such as 'rprop', 'quickprop', 'scg' or 'bfgs'"
        )

    def _correlations(self, w):
        Z, V = self.network.forward(self.H, w)
        C = V.T @ self.Ec  # (C, m): sum_p V_pc Ec_po
        self.scores = np.abs(C).sum(axis=1)  # S_c, kept for the caller (the best unit)
        self.n_evals += 1
        return Z, V, C

    def value(self, w) -> float:
        self.network.params = w
        self._correlations(w)
        return -float(self.scores.sum())

    def value_and_grad(self, w):
        self.network.params = w
        Z, V, C = self._correlations(w)
        dV = self.Ec @ np.sign(C).T  # dS_c/dV_pc = sum_o sigma_co Ec_po
        dZ = dV * self.network.derivative(Z, V)
        gW = dZ.T @ self.H  # (C, q)
        g = np.concatenate([gW, dZ.sum(axis=0)[:, None]], axis=1)
        return -float(self.scores.sum()), -g.ravel()


def _check_phase_algorithm(phase, name):
    """Refuse an algorithm a phase cannot use: unknown, growing, or (candidates) one that
    runs whole epochs over the network's rows itself (per-sample ``sgd``)."""
    if name == "auto" and phase == "output":
        return
    cls = ALGORITHMS.get(str(name).strip().lower())
    if cls is None:
        raise ValueError(
            f"unknown {phase}_algorithm {name!r}; choose one of bpnn.algorithm_names()"
        )
    if getattr(cls, "grows", False) or (phase == "candidate" and hasattr(cls, "run_epoch")):
        raise ValueError(
            f"{phase}_algorithm {name!r} cannot train a cascade {phase} phase; use a "
            "whole-batch method such as 'rprop', 'quickprop', 'scg' or 'bfgs'"
        )


def _hidden_units(network) -> list[tuple[np.ndarray, float, Any]]:
    """The installed units ``(v, b, activation)`` of a network cascade-correlation can grow:
    no hidden layers, or a cascade network of width-1 hidden layers."""
    sizes = network.sizes
    cascade = getattr(network, "connections", "layered") == "cascade"
    if len(sizes) > 2 and not (cascade and all(s == 1 for s in sizes[1:-1])):
        raise ValueError(
            "cascade-correlation grows from a network with no hidden layers (sizes "
            "[n_in, n_out]) or a cascade network of width-1 hidden layers, got sizes "
            f"{sizes} with {getattr(network, 'connections', 'layered')} connections"
        )
    return [
        (network.weights[j][0].copy(), float(network.biases[j][0]), network.activations[j])
        for j in range(len(sizes) - 2)
    ]


def build_network(n_in, units, W_out, b_out, out_act, dtype=np.float64) -> Network:
    """The cascade network of ``units`` (``(v, b, activation)``, v of width n_in + j for
    the j-th, 0-based) and an output layer ``W_out`` (m, n_in + k), ``b_out`` (m,)."""
    from ..network import Network

    k, m = len(units), W_out.shape[0]
    net = Network(
        [n_in, *([1] * k), m],
        [*(u[2] for u in units), out_act],
        init="zeros",
        dtype=dtype,
        connections="cascade" if k else "layered",
    )
    for j, (v, b, _) in enumerate(units):
        net.weights[j][0], net.biases[j][0] = v, b
    net.weights[-1][...], net.biases[-1][...] = W_out, b_out
    return net


def install_unit(network, v, b, activation, out_weights=None) -> Network:
    """A new network: ``network`` plus one unit (input weights ``v`` (n_in + k,), bias
    ``b``), its output weights ``out_weights`` (m,) (default zero: the outputs are
    unchanged). ``network`` itself is not modified."""
    units = _hidden_units(network) + [(np.asarray(v, float), float(b), activation)]
    m = network.n_outputs
    col = np.zeros((m, 1)) if out_weights is None else np.reshape(out_weights, (m, 1))
    W_out = np.concatenate([network.weights[-1], col], axis=1)
    return build_network(
        network.n_inputs,
        units,
        W_out,
        network.biases[-1],
        network.activations[-1],
        network.dtype,
    )


def features(network, X) -> np.ndarray:
    """``H = [x, a_1, ..., a_k]`` (n, n_in + k): what the output layer of a grown network
    reads (the concatenation the cascade network forms for its last layer)."""
    trace = network.forward_trace(X)
    return np.concatenate([trace.n[0], *trace.n[1:-1]], axis=1)


def output_view(network) -> Network:
    """A one-layer network whose ``params`` IS the output block of ``network`` (a view):
    training it trains ``network``'s output layer and nothing else."""
    from ..network import Network

    W = network.weights[-1]
    sub = Network([W.shape[1], W.shape[0]], [network.activations[-1]], "zeros", None, W.dtype)
    wo = network.offsets[-1][0]
    sub._params = network.params[wo:]  # the last block runs to the end of the vector
    sub._make_views()
    return sub


class _Stagnation:
    """FANN's rule: a phase has stagnated when its value has not moved by more than
    ``fraction`` (relative) of the last significant value in ``patience`` epochs."""

    def __init__(self, fraction, patience):
        self.fraction, self.patience = fraction, patience
        self.ref, self.since = None, 0

    def __call__(self, value) -> bool:
        if self.ref is None or abs(value - self.ref) > self.fraction * abs(self.ref):
            self.ref, self.since = value, 0
            return False
        self.since += 1
        return self.since >= self.patience


@register("cascade", "cascor", "cascade-correlation")
class CascadeCorrelation(Algorithm):
    """Cascade-correlation growth (Fahlman & Lebiere 1990); see :mod:`bpnn.algorithms.cascor`.

    Parameters
    ----------
    max_units : int, default 20
        The most hidden units to install.
    n_candidates : int, default 8
        Candidates trained per unit (Fahlman & Lebiere's pool of 8; FANN trains 80).
    candidate_activations : sequence of str, default ("tansig", "logsig")
        The candidates' activations, assigned in turn.
    output_algorithm : str, default "auto"
        Trains the output layer: "auto" is "lm" for sum-of-squares losses (the output phase
        is a one-layer, nearly convex problem with few parameters — linear least squares
        for linear outputs — which LM solves in a few epochs) and "rprop" otherwise.
    candidate_algorithm : str, default "rprop"
        Maximises the correlation; Rprop's sign-based steps do not depend on the scale of
        S, which varies with the data and the residual.
    output_epochs, candidate_epochs : int, default 150
        Epoch caps per phase (FANN's ``max_out_epochs`` / ``max_cand_epochs``).
    patience : int, default 12
        A phase ends when its loss (output phase) or best correlation (candidate phase) has
        not changed by ``change_fraction`` in this many epochs (FANN's stagnation epochs).
    change_fraction : float, default 0.01
    output_init : {"zero", "sign"}, default "zero"
        A new unit's output weights: zero (the outputs stay as they were), or
        ``-weight_multiplier * sign(C_o)`` (a step against the residual).
    weight_multiplier : float, default 0.4
    candidate_range : float, default 1.0
        Candidates' initial weights are uniform in ``[-candidate_range, candidate_range]``.
    unit_patience : int, default 3
        With validation data: stop after this many units in a row did not lower the best
        validation loss, and restore the best network.
    """

    minibatch = False
    grows = True  # train() hands the network to :meth:`grow` instead of stepping it
    default_epochs = 10000  # the estimators' epoch budget when ``epochs`` is left unset

    def __init__(
        self,
        max_units=20,
        n_candidates=8,
        candidate_activations=("tansig", "logsig"),
        output_algorithm="auto",
        candidate_algorithm="rprop",
        output_epochs=150,
        candidate_epochs=150,
        patience=12,
        change_fraction=0.01,
        output_init="zero",
        weight_multiplier=0.4,
        candidate_range=1.0,
        unit_patience=3,
    ):
        from ..activations import get_activation

        if not isinstance(max_units, (int, np.integer)) or max_units < 0:
            raise ValueError(f"max_units must be an integer >= 0, got {max_units!r}")
        self.max_units = int(max_units)
        self.n_candidates = _check_count("n_candidates", n_candidates)
        acts = [candidate_activations] if isinstance(candidate_activations, str) else None
        self.candidate_activations = tuple(acts or candidate_activations)
        if not self.candidate_activations:
            raise ValueError("candidate_activations must name at least one activation")
        self._acts = [get_activation(a) for a in self.candidate_activations]
        bad = [a.name for a in self._acts if not a.elementwise]
        if bad:
            raise ValueError(f"candidate_activations must be element-wise, got {bad[0]!r}")
        for phase, name in (("output", output_algorithm), ("candidate", candidate_algorithm)):
            _check_phase_algorithm(phase, name)
        self.output_algorithm, self.candidate_algorithm = output_algorithm, candidate_algorithm
        self.output_epochs = _check_count("output_epochs", output_epochs)
        self.candidate_epochs = _check_count("candidate_epochs", candidate_epochs)
        self.patience = _check_count("patience", patience)
        self.change_fraction = _check_fraction("change_fraction", change_fraction)
        if output_init not in ("zero", "sign"):
            raise ValueError(f"output_init must be 'zero' or 'sign', got {output_init!r}")
        self.output_init = output_init
        self.weight_multiplier = _check_positive("weight_multiplier", weight_multiplier)
        self.candidate_range = _check_positive("candidate_range", candidate_range)
        self.unit_patience = _check_count("unit_patience", unit_patience)

    def step(self, objective, w, state):
        raise TypeError("cascade-correlation grows the network: train it with bpnn.train")

    # -- the pieces ------------------------------------------------------------------------
    def _output_algorithm(self, loss) -> Algorithm:
        name = self.output_algorithm
        if name == "auto":
            name = "lm" if loss.residual_scale(np.zeros((1, 1))) is not None else "rprop"
        return get_algorithm(name)

    def new_pool(self, q, rng, dtype=np.float64) -> CandidatePool:
        """``n_candidates`` fresh candidates reading q features, weights from ``rng``."""
        acts = [self._acts[c % len(self._acts)] for c in range(self.n_candidates)]
        pool = CandidatePool(q, acts, dtype)
        r = self.candidate_range
        pool.params = rng.uniform(-r, r, pool.n_params).astype(dtype)
        return pool

    def sensitivity(self, out_net, H, Y, loss, sw=None) -> np.ndarray:
        """E = dL/dz of the output layer at the current output weights, (n, m)."""
        trace = out_net.forward_trace(H)
        act = out_net.activations[-1]
        return loss.output_delta(trace.z[-1], trace.n[-1], Y, act, sw)[1]

    # -- growth ------------------------------------------------------------------------------
    def grow(self, network, obj, val_obj, test_obj, rng, rec, trainer_cls, **stopping):
        """Grow and train ``network`` in place (see the module docstring); return ``rec``.

        Called by :func:`bpnn.train` with its objectives (training rows in ``obj``), the
        random generator, the record to fill, the :class:`~bpnn.trainer.Trainer` class that
        runs each phase, and its stopping rules (``epochs``, ``goal``, ``time``,
        ``min_grad``, ``max_fail``, ``shuffle``, ``callbacks``) and ``clock`` (seconds).
        """
        growth = _Growth(self, network, obj, val_obj, test_obj, rng, rec, trainer_cls, stopping)
        final = growth.run()
        # train() trains its network in place: the grown one takes its place
        network.__dict__.clear()
        network.__dict__.update(final.__dict__)
        return rec


def _rows_of(obj):
    """(X, Y, sample_weight) of an objective, or None."""
    return None if obj is None else (obj.X, obj.Y, obj.sample_weight)


class _Growth:
    """The state of one cascade-correlation run: the network, the frozen features of every
    data split, the master record and the stopping bookkeeping."""

    def __init__(self, alg, network, obj, val_obj, test_obj, rng, rec, trainer_cls, stopping):
        self.alg, self.rng, self.rec, self.Trainer = alg, rng, rec, trainer_cls
        self.clock = stopping["clock"]  # the trainer's clock (no import of the trainer)
        self.t0 = self.clock()
        self.loss, self.l2 = obj.loss, obj.l2
        self.epochs, self.goal = int(stopping["epochs"]), float(stopping["goal"])
        self.time = float(stopping["time"])
        self.min_grad, self.max_fail = stopping["min_grad"], stopping["max_fail"]
        self.shuffle, self.callbacks = stopping["shuffle"], list(stopping["callbacks"])
        units = _hidden_units(network)  # validates the starting network
        self.net = build_network(
            network.n_inputs,
            units,
            network.weights[-1],
            network.biases[-1],
            network.activations[-1],
            network.dtype,
        )
        # the frozen features of every split, extended by one column per installed unit
        self.data = [_rows_of(o) for o in (obj, val_obj, test_obj)]
        self.H = [None if d is None else features(self.net, d[0]) for d in self.data]
        self.epoch, self.stop, self.current = -1, None, (math.nan,) * 3
        self.best = None  # (validation loss, network, epoch) of the best network seen
        self.unit_fails = 0

    # -- bookkeeping -----------------------------------------------------------------------
    def _left(self) -> tuple[int, float]:
        """Epochs and seconds of the budget that remain."""
        return self.epochs - max(self.epoch, 0), self.time - (self.clock() - self.t0)

    def _append(self, prec, i, phase, correlation=math.nan, current=None):
        self.epoch += 1
        loss, val, tst = current or (prec.loss[i], prec.val_loss[i], prec.test_loss[i])
        self.rec.append(
            epoch=self.epoch,
            loss=loss,
            val_loss=val,
            test_loss=tst,
            grad_norm=prec.grad_norm[i] if current is None else math.nan,
            mu=prec.mu[i] if current is None else math.nan,
            lr=prec.lr[i] if current is None else math.nan,
            val_fail=prec.val_fail[i] if current is None else 0,
            time=self.clock() - self.t0,
            units=len(self.net.sizes) - 2,
            phase=phase,
            correlation=correlation,
        )
        for cb in self.callbacks if self.stop is None else ():  # every epoch, both phases
            said = cb(self.epoch, self.rec, self.net)
            if said:  # a callback may name its reason, e.g. "interrupted"
                self.stop = said if isinstance(said, str) else "callback"
                break

    def _master_stop(self):
        """A reason to end the whole growth found in the middle of a phase, or None."""
        epochs_left, time_left = self._left()
        if epochs_left <= 0:
            self.stop = "max epochs"
        elif time_left <= 0:
            self.stop = "time limit"
        return self.stop

    def _trainer(self, alg, cap, goal, callbacks, min_grad=None):
        epochs_left, time_left = self._left()
        return self.Trainer(
            alg,
            epochs=min(cap, epochs_left),
            goal=goal,
            time=max(time_left, 0.0),
            min_grad=min_grad,
            max_fail=self.max_fail,
            shuffle=self.shuffle,
            callbacks=callbacks,
        )

    # -- 1. the output phase ---------------------------------------------------------------
    def output_phase(self):
        from ..objective import Objective

        sub = output_view(self.net)
        objs = [
            None if d is None else Objective(sub, self.loss, H, *d[1:], l2=l2, _checked=True)
            for d, H, l2 in zip(self.data, self.H, (self.l2, 0.0, 0.0))
        ]
        seen = [0 if self.epoch < 0 else 1]  # phase rows already copied (epoch 0 once)
        stag = _Stagnation(self.alg.change_fraction, self.alg.patience)

        def copy_rows(prec):
            for i in range(seen[0], len(prec.epoch)):
                self._append(prec, i, phase=0)
            seen[0] = len(prec.epoch)
            self.current = (prec.loss[-1], prec.val_loss[-1], prec.test_loss[-1])

        def watch(epoch, prec, _):
            copy_rows(prec)
            return self._master_stop() or ("stagnated" if stag(prec.loss[-1]) else None)

        alg = self.alg._output_algorithm(self.loss)
        trainer = self._trainer(
            alg, self.alg.output_epochs, self.goal, [watch], self.min_grad or 0.0
        )
        prec = trainer.run(objs[0], objs[1], objs[2], self.rng)
        copy_rows(prec)
        self.current = (objs[0].value(sub.params), *self.current[1:])
        if prec.stop_reason == "diverged":
            self.rec.message = prec.message
        return prec

    # -- 2. the candidate phase ------------------------------------------------------------
    def candidate_phase(self):
        """Train a pool on the current residuals; return (pool, objective)."""
        H, (_, Y, sw) = self.H[0], self.data[0]
        E = self.alg.sensitivity(output_view(self.net), H, Y, self.loss, sw)
        pool = self.alg.new_pool(H.shape[1], self.rng, H.dtype)
        co = CorrelationObjective(pool, H, E)
        stag = _Stagnation(self.alg.change_fraction, self.alg.patience)
        seen = [1]

        def copy_rows(prec):
            for i in range(seen[0], len(prec.epoch)):
                co.value(pool.params)
                self._append(prec, i, 1, float(co.scores.max()), self.current)
            seen[0] = len(prec.epoch)

        def watch(epoch, prec, _):
            copy_rows(prec)
            return self._master_stop() or ("stagnated" if stag(co.scores.max()) else None)

        alg = get_algorithm(self.alg.candidate_algorithm)
        prec = self._trainer(alg, self.alg.candidate_epochs, -math.inf, [watch], 0.0).run(
            co, rng=self.rng
        )
        copy_rows(prec)
        return pool, co, prec

    def install(self, pool, co):
        """Install the pool's best candidate, its input weights frozen from now on."""
        co.value(pool.params)
        c = int(np.argmax(co.scores))
        Vw, b = pool.blocks(pool.params)
        v, b, act = Vw[c].copy(), float(b[c]), pool.activations[c]
        out = None
        if self.alg.output_init == "sign":
            Z, V = pool.forward(co.H, pool.params)
            out = -self.alg.weight_multiplier * np.sign(V[:, c] @ co.Ec)
        for s, H in enumerate(self.H):
            if H is not None:  # the new unit's outputs, one more frozen feature column
                self.H[s] = np.concatenate([H, act(H @ v[:, None] + b)], axis=1)
        self.net = install_unit(self.net, v, b, act, out)

    # -- the loop --------------------------------------------------------------------------
    def _after_output(self, prec):
        """Growth-level checks after an output phase: the stop reason, or None."""
        if self.stop:
            return self.stop
        if prec.stop_reason in ("goal met", "diverged", "time limit"):
            return prec.stop_reason
        if self.data[1] is not None:
            key = prec.best_val_loss
            if self.best is None or key < self.best[0]:
                # the phase kept its best validation epoch: that row of the master record
                at = self.epoch - (prec.epochs - prec.best_epoch)
                self.best, self.unit_fails = (key, self.net.copy(), at), 0
            else:
                self.unit_fails += 1
                if self.unit_fails >= self.alg.unit_patience:
                    return "validation stop"
        if self._left()[0] <= 0:
            return "max epochs"
        if len(self.net.sizes) - 2 >= self.alg.max_units:
            return "max units"
        return None

    def run(self) -> Network:
        while True:
            stop = self._after_output(self.output_phase())
            if stop:
                break
            pool, co, prec = self.candidate_phase()
            if self.stop or prec.stop_reason in ("diverged", "time limit"):
                stop = self.stop or prec.stop_reason
                break
            self.install(pool, co)
        return self._finish(stop)

    def _finish(self, stop) -> Network:
        rec = self.rec
        rec.stop_reason = stop
        net, epoch = self.net, self.epoch
        if self.best is not None and stop == "validation stop":
            _, net, epoch = self.best
        rec.best_epoch = epoch
        rec.best_loss, rec.best_val_loss, rec.best_test_loss = (
            rec.loss[epoch],
            rec.val_loss[epoch],
            rec.test_loss[epoch],
        )
        return net
