"""The training record (MATLAB's ``tr``): what happened in every epoch and why it stopped."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["TrainingRecord"]

_PER_EPOCH = ("epoch", "loss", "val_loss", "test_loss", "grad_norm", "mu", "lr", "val_fail", "time")


@dataclass
class TrainingRecord:
    """What happened in every epoch of a training run and why it stopped (MATLAB's ``tr``).

    ``bpnn.train`` returns one; a fitted estimator keeps it as ``record_``. The per-epoch
    lists all have one entry per epoch, epoch 0 being the state before the first update
    (its training loss is NaN where epochs report a running loss, see ``bpnn.train``).

    Attributes
    ----------
    algorithm, loss_name : str
        The algorithm's and the loss's canonical names.
    epoch, loss, val_loss, test_loss, grad_norm, mu, lr, val_fail, time : list
        Per epoch: its number, the training / validation / test loss, the gradient norm,
        LM's mu and the step size (NaN where the algorithm has none), the count of
        consecutive validation failures and the seconds since the start.
    extra : dict
        Further per-epoch series an algorithm adds (BR: gamma, its effective number of
        parameters, with alpha and beta; cascade-correlation: units, the hidden units at
        that epoch, phase, 0 output / 1 candidate, and correlation, the pool's best S).
    best_epoch : int
        The epoch whose parameters were kept.
    best_loss, best_val_loss, best_test_loss : float
        The losses at ``best_epoch``.
    stop_reason : str
        Why training stopped: "goal met", "max epochs", "validation stop", "min grad",
        "mu max", "diverged", "time limit"...
    message : str
        Advice when training went wrong (e.g. after "diverged"); empty otherwise.
    goal : float
        The loss goal training ran against.
    train_idx, val_idx, test_idx : ndarray or None
        The rows of each split.
    params : dict
        The algorithm's parameters.
    """

    algorithm: str = ""
    loss_name: str = ""
    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)  # training loss per epoch (epoch 0 = start)
    val_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    mu: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    val_fail: list = field(default_factory=list)
    time: list = field(default_factory=list)  # seconds since the start
    extra: dict = field(default_factory=dict)  # per-epoch series an algorithm adds
    best_epoch: int = 0
    best_loss: float = float("nan")
    best_val_loss: float = float("nan")
    best_test_loss: float = float("nan")
    stop_reason: str = ""
    message: str = ""  # advice when training went wrong (e.g. after "diverged")
    goal: float = 0.0
    train_idx: np.ndarray | None = None
    val_idx: np.ndarray | None = None
    test_idx: np.ndarray | None = None
    params: dict = field(default_factory=dict)  # the algorithm's parameters

    @property
    def epochs(self) -> int:
        """Number of epochs run (epoch 0, the starting point, is not counted)."""
        return self.epoch[-1] if self.epoch else 0

    @property
    def final_loss(self) -> float:
        return self.loss[-1] if self.loss else float("nan")

    def append(self, **values):
        for name in _PER_EPOCH:
            getattr(self, name).append(values.pop(name, float("nan")))
        for name, v in values.items():
            self.extra.setdefault(name, []).append(v)

    def summary(self) -> dict:
        """A small JSON-able summary (for model files and reports)."""
        f = lambda x: None if x is None or not np.isfinite(x) else float(x)  # noqa: E731
        return {
            "algorithm": self.algorithm,
            "loss": self.loss_name,
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "best_loss": f(self.best_loss),
            "best_val_loss": f(self.best_val_loss),
            "best_test_loss": f(self.best_test_loss),
            "final_loss": f(self.final_loss),
            "stop_reason": self.stop_reason,
            "goal": self.goal,
        }

    def to_dict(self) -> dict:
        """Everything, with arrays as lists (JSON-able; NaN stays NaN)."""
        d: dict = {name: [float(v) for v in getattr(self, name)] for name in _PER_EPOCH}
        d["epoch"] = [int(e) for e in self.epoch]
        d["extra"] = {k: [float(v) for v in vs] for k, vs in self.extra.items()}
        for name in ("train_idx", "val_idx", "test_idx"):
            v = getattr(self, name)
            d[name] = None if v is None else [int(i) for i in v]
        series_loss = d["loss"]
        d.update(self.summary())
        # the summary's "loss" is the loss *name*; keep the per-epoch series under "loss"
        d["loss_name"], d["loss"] = d["loss"], series_loss
        d["params"] = dict(self.params)
        d["message"] = self.message
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainingRecord":
        name = d.get("loss_name", d.get("loss") if isinstance(d.get("loss"), str) else "")
        rec = cls(algorithm=d.get("algorithm", ""), loss_name=name)  # type: ignore[arg-type]
        for name in _PER_EPOCH:
            v = d.get(name, [])
            setattr(rec, name, list(v) if isinstance(v, (list, tuple)) else [])
        rec.extra = {k: list(v) for k, v in d.get("extra", {}).items()}
        for name in ("train_idx", "val_idx", "test_idx"):
            v = d.get(name)
            setattr(rec, name, None if v is None else np.asarray(v, dtype=np.int64))
        rec.best_epoch = int(d.get("best_epoch", 0))
        for name in ("best_loss", "best_val_loss", "best_test_loss"):  # None: JSON's NaN
            v = d.get(name)
            setattr(rec, name, float("nan") if v is None else v)
        rec.stop_reason = d.get("stop_reason", "")
        rec.message = d.get("message", "")
        rec.goal = d.get("goal", 0.0)
        rec.params = dict(d.get("params", {}))
        return rec
