"""What the app's server keeps between requests: tables, training jobs, runs, models.

Nothing here trains by itself: a Train job fits a :class:`~bpnn.BPRegressor` /
:class:`~bpnn.BPClassifier` inside :func:`bpnn.trainer.training_defaults` with one callback
that records every epoch for the page and asks the trainer to stop when the user pressed
Stop (the trainer then ends after the current epoch and restores the best validation
parameters, as for any other stopping rule).
"""

from __future__ import annotations

import io
import math
import re
import shlex
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..tables.frames import feature_names, is_numeric, one_line

STOPPED = "stopped by user"  # the trainer's stop_reason after Stop
MAX_TABLES = 20  # tables kept per server (the oldest go first)
MAX_RUNS = 30
KEEP_SNAPSHOTS = 50  # playground boundaries kept per training (~40 kB each)
MAX_JOBS = 10  # finished trainings whose events are kept
PREVIEW_ROWS = 10
PREDICTION_ROWS = 20  # predictions shown on the page


class AppError(ValueError):
    """A user's mistake or a refused action: one line for the page (HTTP 4xx)."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def clean(obj):
    """JSON-safe: NaN/inf -> None, NumPy scalars and arrays -> Python values."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return clean(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else None
    return obj


# -- tables ---------------------------------------------------------------------------------
@dataclass
class Table:
    id: str
    name: str  # what the user called it: the file's name, or the built-in set's
    frame: Any  # pandas.DataFrame
    dataset: Any = None  # bpnn.datasets.Dataset for a built-in set
    kinds: dict = field(default_factory=dict)  # column -> column_kind(), once per table


def table_summary(t: Table) -> dict:
    """Columns with their type, missing count and range; a preview; the default target."""
    df = t.frame
    cols = []
    for c in df.columns:
        col = df[c]
        num = is_numeric(col)
        info = {
            "name": str(c),
            "dtype": str(col.dtype),
            "numeric": bool(num),
            "missing": int(col.isna().sum()),
            "unique": int(col.nunique()),
        }
        if num and col.notna().any():
            info.update(min=float(col.min()), max=float(col.max()), mean=float(col.mean()))
        info.update(detected_kind(t, c))
        cols.append(info)
    head = df.head(PREVIEW_ROWS)
    rows = [["" if _isna(v) else _cell(v) for v in r] for r in head.itertuples(index=False)]
    target = list(t.dataset.target) if t.dataset is not None else [str(df.columns[-1])]
    return clean(
        {
            "id": t.id,
            "name": t.name,
            "rows": int(df.shape[0]),
            "n_columns": int(df.shape[1]),
            "columns": cols,
            "preview": {"columns": [str(c) for c in df.columns], "rows": rows},
            "target": target,
            "builtin": t.dataset is not None,
            **detect_task(t, target),
        }
    )


def detected_kind(t: Table, c) -> dict:
    """:func:`column_kind` of column c of t, computed once per table."""
    if c not in t.kinds:
        t.kinds[c] = column_kind(t.frame, c, repr(t.name))
    return t.kinds[c]


def column_kind(df, c, source=None) -> dict:
    """How the table map reads column c of df: ``kind`` (numeric, categorical, ordinal or
    ignored), ``levels`` (categorical), ``kind_note`` (why a column is ignored, or the
    one-line reason the map refuses it as it stands, naming ``source`` and counting rows
    from 1 as training's message does)."""
    import warnings

    from ..tables.encoder import TableEncoder

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            X = df[[c]]
            X.attrs.update(bpnn_first_row=1, **({"bpnn_source": source} if source else {}))
            code = TableEncoder().fit(X).columns_[0]
    except (ValueError, TypeError) as exc:
        return {"kind": "numeric", "kind_note": one_line(exc)}
    out = {"kind": code["kind"]}
    if "levels" in code:
        out["levels"] = len(code["levels"]) + bool(code.get("other"))
    if code["kind"] == "ignored":
        out["kind_note"] = code["why"]
    return out


def _isna(v):
    try:
        return bool(v != v) or v is None
    except (TypeError, ValueError):
        return False


def _cell(v):
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    return str(v)


def detect_task(t: Table, target) -> dict:
    """The task the CLI would pick for these target columns, and why."""
    from ..io_tables import check_columns
    from ..tables.frames import detect_task as detect

    check_columns(t.frame, target, repr(t.name))
    if not target:
        raise AppError("choose at least one target column")
    ds = t.dataset if t.dataset is not None and list(target) == list(t.dataset.target) else None
    task, why = detect(t.frame[list(target)], None, ds)
    return {"task": task, "task_reason": why}


# -- jobs -------------------------------------------------------------------------------------
@dataclass
class Job:
    """One training in a worker thread; ``events`` grows while it runs (read by SSE)."""

    id: str
    kind: str  # "train" or "playground"
    events: list = field(default_factory=list)
    stop_requested: bool = False
    done: bool = False
    started: float = field(default_factory=time.time)
    thread: threading.Thread | None = None

    snapshots: list = field(default_factory=list)

    def emit(self, kind, data):
        if kind == "snapshot":  # keep the newest KEEP_SNAPSHOTS boundaries: long runs stay small
            self.snapshots.append(len(self.events))
            if len(self.snapshots) > KEEP_SNAPSHOTS:
                self.events[self.snapshots.pop(0)] = ("superseded", {})
        self.events.append((kind, data))

    def every_epoch_then_fewer(self, first=2000, seconds=0.25):
        """A filter ``keep(epoch)``: every epoch up to ``first``, then every 2^k-th epoch
        (k growing with the epoch, so a run of millions of epochs sends a few thousand
        points) and at least one every ``seconds`` so the page's numbers stay current."""
        last = [0.0]

        def keep(epoch):
            now = time.perf_counter()
            if epoch > first:
                stride = 1 << max(0, int(math.log2(epoch / first)) + 1)
                if epoch % stride and now - last[0] < seconds:
                    return False
            last[0] = now
            return True

        return keep

    def stop_callback(self):
        """A trainer callback: True-ish (a stop reason) once Stop was pressed."""

        def cb(epoch, record, network):
            return STOPPED if self.stop_requested else False

        return cb


class Session:
    """The server's state. One training runs at a time (the page says so otherwise)."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.tables: dict = {}
        self.runs: dict = {}
        self.models: dict = {}
        self.predictions: dict = {}
        self.jobs: dict = {}
        self._lock = threading.Lock()
        self._active: Job | None = None
        self._n_runs = 0

    # tables
    def add_table(self, name, frame, dataset=None) -> Table:
        t = Table(uuid.uuid4().hex[:12], name, frame, dataset)
        self.tables[t.id] = t
        while len(self.tables) > MAX_TABLES:
            self.tables.pop(next(iter(self.tables)))
        return t

    def table(self, tid) -> Table:
        t = self.tables.get(str(tid))
        if t is None:
            raise AppError("that table is no longer loaded: upload it again", 404)
        return t

    # jobs
    def start(self, kind, work) -> Job:
        """Run ``work(job)`` in a thread; AppError 409 while another training runs."""
        with self._lock:
            if self._active is not None and not self._active.done:
                what = {
                    "train": "a training",
                    "playground": "a playground training",
                    "timeseries": "a time-series training",
                }.get(self._active.kind, "a training")
                raise AppError(
                    f"{what} is already running: stop it or wait until it ends, "
                    "then start this one",
                    409,
                )
            job = Job(uuid.uuid4().hex[:12], kind)
            self.jobs[job.id] = job
            for old in [j for j in self.jobs.values() if j.done][:-MAX_JOBS]:
                self.jobs.pop(old.id)  # finished trainings' events go, oldest first
            self._active = job

        def target():
            try:
                work(job)
            except ValueError as exc:  # AppError and the library's one-line errors
                job.emit("failed", {"error": one_line(exc)})
            except Exception as exc:  # noqa: BLE001 - the page shows it; the server lives on
                job.emit("failed", {"error": f"{type(exc).__name__}: {one_line(exc)}"})
            finally:
                job.done = True

        job.thread = threading.Thread(target=target, name=f"bpnn-app-{kind}", daemon=True)
        job.thread.start()
        return job

    def job(self, jid) -> Job:
        j = self.jobs.get(str(jid))
        if j is None:
            raise AppError("no such training", 404)
        return j

    def run(self, rid) -> "Run":
        r = self.runs.get(str(rid))
        if r is None:
            raise AppError("no such run (the server keeps the last runs only)", 404)
        return r

    def next_run_number(self) -> int:
        self._n_runs += 1
        return self._n_runs

    def add_run(self, run):
        self.runs[run.id] = run
        while len(self.runs) > MAX_RUNS:
            self.runs.pop(next(iter(self.runs)))


# -- training settings ----------------------------------------------------------------------
ACTIVATIONS = ("tansig", "logsig", "purelin", "poslin")
OUTPUT_ACTIVATIONS = ("auto", "purelin", "logsig", "tansig", "softmax")
MISSING = ("indicator", "mean", "median", "drop", "error")
KINDS = ("numeric", "categorical")  # what the page lets an input column be read as


def algorithm_choices() -> list:
    """[{"name": "lm", "matlab": "trainlm"}, ...] for every registered algorithm."""
    from ..algorithms.base import _CANONICAL

    out: dict = {}
    for alias, canon in _CANONICAL.items():
        entry = out.setdefault(canon, {"name": canon, "matlab": ""})
        if alias.startswith("train") and not entry["matlab"]:
            entry["matlab"] = alias
    first = ["lm", "br", "scg", "rprop", "gdx", "gdm", "gd", "sgd", "adam"]
    return sorted(
        out.values(),
        key=lambda e: (first.index(e["name"]) if e["name"] in first else len(first), e["name"]),
    )


def _grows(name) -> bool:
    """True for an algorithm that grows its hidden units (the hidden field is moot)."""
    from ..algorithms.base import ALGORITHMS

    return bool(getattr(ALGORITHMS.get(str(name).strip().lower()), "grows", False))


def _num(settings, key, kind, default, low=None, high=None):
    v = settings.get(key, default)
    if v is None or v == "":
        return default
    try:
        x = kind(v) if kind is float else int(float(v))
        if kind is int and float(v) != int(float(v)):
            raise ValueError
    except (TypeError, ValueError):
        what = "an integer" if kind is int else "a number"
        raise AppError(f"{key} must be {what}, got {v!r}") from None
    if not math.isfinite(x) or (low is not None and x < low) or (high is not None and x > high):
        raise AppError(f"{key} must be between {low} and {high}, got {v!r}")
    return x


def _choice(settings, key, options, default):
    v = str(settings.get(key, default) or default)
    if v not in options:
        raise AppError(f"{key} must be one of {', '.join(options)}, got {v!r}")
    return v


def _hidden(text):
    parts = [p.strip() for p in str(text if text is not None else "10").split(",") if p.strip()]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise AppError(
            f"hidden sizes must be comma-separated whole numbers, got {text!r}"
        ) from None
    if not sizes or any(s < 1 or s > 1000 for s in sizes) or len(sizes) > 5:
        raise AppError(f"hidden sizes must be 1 to 5 layers of 1..1000 units, got {text!r}")
    return sizes


@dataclass
class TrainSpec:
    """The Train page's settings, checked; maps to estimator parameters and a CLI line."""

    table: Table
    target: list
    features: list
    task: str
    missing: str
    params: dict
    steps: int = 0  # time series: closed-loop forecast steps
    interval: float = 0.0  # time series: the forecast band's coverage (0: none)


def parse_train_settings(session: Session, s: dict) -> TrainSpec:
    t = session.table(s.get("table"))
    cols = [str(c) for c in t.frame.columns]
    target = [str(c) for c in (s.get("target") or [])]
    if not target:
        raise AppError("choose at least one target column")
    features = [str(c) for c in (s.get("features") or [c for c in cols if c not in target])]
    for c in target + features:
        if c not in cols:
            raise AppError(f"unknown column {c!r} in {t.name!r}")
    both = set(target) & set(features)
    if both:
        raise AppError(f"column {sorted(both)[0]!r} is both an input and a target")
    if not features:
        raise AppError("choose at least one input column")
    task = s.get("task") or "auto"
    if task == "auto":
        task = detect_task(t, target)["task"]
    if task == "timeseries":
        raise AppError(
            f"{t.name!r} is a time series: train it on the Time series tab, or "
            "choose fitting or pattern recognition as the task"
        )
    task = _choice({"task": task}, "task", ("regression", "classification"), "regression")
    if task == "classification" and len(target) > 1:
        raise AppError(
            "classification takes one target column; choose one, or choose "
            "regression for several numeric targets"
        )
    ratios = s.get("ratios") or [70, 15, 15]
    try:
        r = [float(v) for v in ratios]
    except (TypeError, ValueError):
        raise AppError(f"the split must be three percentages, got {ratios!r}") from None
    if len(r) != 3 or any(v < 0 or not math.isfinite(v) for v in r) or r[0] <= 0:
        raise AppError(f"the split must be three percentages with training above 0, got {ratios!r}")
    total = sum(r)
    ratios = tuple(round(v / total, 4) for v in r)
    params = {
        "preset": "matlab",
        "hidden": _hidden(s.get("hidden")),
        "activation": _choice(s, "activation", ACTIVATIONS, "tansig"),
        "output_activation": _choice(s, "output_activation", OUTPUT_ACTIVATIONS, "auto"),
        "algorithm": s.get("algorithm") or "auto",
        "epochs": _num(s, "epochs", int, 1000, 1, 10_000_000),
        "goal": _num(s, "goal", float, 0.0, 0.0),
        "max_fail": _num(s, "max_fail", int, 6, 1, 10_000_000),
        "l2": _num(s, "l2", float, 0.0, 0.0),
        "random_state": _num(s, "seed", int, 0, 0, 2**31 - 1),
        "division": "random" if ratios[1] + ratios[2] > 0 else None,
        "ratios": ratios,
        "n_restarts": 1,
    }
    names = {a["name"] for a in algorithm_choices()} | {a["matlab"] for a in algorithm_choices()}
    if params["algorithm"] not in names | {"auto"}:
        raise AppError(f"unknown algorithm {params['algorithm']!r}")
    if task == "classification" and params["algorithm"] in ("lm", "trainlm", "br", "trainbr"):
        params["loss"] = "mse"  # Levenberg-Marquardt needs a sum of squares, not cross-entropy
    if _grows(params["algorithm"]):
        params["hidden"] = None  # cascade-correlation grows its own hidden units
    if params["output_activation"] == "softmax" and task != "classification":
        raise AppError("a softmax output is for classification")
    missing = _choice(s, "missing", MISSING, "indicator")
    params.update(_kind_params(t, features, s.get("kinds") or {}), missing=missing)
    return TrainSpec(t, target, features, task, missing, params)


def _kind_params(t: Table, features, kinds) -> dict:
    """The page's kind choices as the estimators' ``categorical`` / ``numeric`` lists: only
    the columns where the choice differs from what the table map detects."""
    if not isinstance(kinds, dict):
        raise AppError("kinds must map column names to numeric or categorical")
    forced: dict = {"categorical": [], "numeric": []}
    for c in features:
        want = kinds.get(c)
        if want is None:
            continue
        if want not in KINDS:
            raise AppError(f"column {c!r}: the kind must be numeric or categorical, got {want!r}")
        detected = detected_kind(t, c)["kind"]
        if detected != want and not (detected == "ordinal" and want == "categorical"):
            forced[want].append(c)  # (an ordered category stays ordinal: the page shows it so)
    return {k: v for k, v in forced.items() if v}


def _xy(spec: TrainSpec):
    from ..io_tables import select_columns

    X, Y = select_columns(
        spec.table.frame,
        spec.target,
        spec.features,
        missing=spec.missing,
        source=repr(spec.table.name),
        numeric_target=spec.task == "regression",
        raw=True,  # the model's table map reads text columns and fills missing values
    )
    if spec.task == "classification":
        y = Y.iloc[:, 0]
        if not is_numeric(y):
            y = y.astype(str)
        if y.nunique() < 2:
            raise AppError(
                f"target {spec.target[0]!r} holds one class only: classification needs at least two"
            )
    else:
        y = Y.iloc[:, 0] if Y.shape[1] == 1 else Y
    return X, y


# -- a training run ---------------------------------------------------------------------------
@dataclass
class Run:
    id: str
    number: int
    spec: TrainSpec
    model: Any
    X: Any
    y: Any
    result: dict
    figures: dict  # name -> (caption, png bytes)
    report_html: str
    predictions: Any  # DataFrame


def train_job(session: Session, spec: TrainSpec):
    """``work`` for :meth:`Session.start`: fit the estimator, streaming every epoch."""
    X, y = _xy(spec)  # bad data fails here, before the thread is started

    def work(job: Job):
        import warnings

        from ..estimators import BPClassifier, BPRegressor
        from ..trainer import training_defaults

        cls = BPClassifier if spec.task == "classification" else BPRegressor
        model = cls(**spec.params)
        job.emit(
            "started",
            {
                "rows": int(X.shape[0]),
                "inputs": int(X.shape[1]),
                "task": spec.task,
                "epochs": spec.params["epochs"],
            },
        )

        keep = job.every_epoch_then_fewer()

        def progress(epoch, rec, net):
            if not keep(rec.epoch[-1]):
                return False
            job.emit(
                "epoch",
                clean(
                    {
                        "epoch": rec.epoch[-1],
                        "time": rec.time[-1],
                        "loss": rec.loss[-1],
                        "val": rec.val_loss[-1],
                        "test": rec.test_loss[-1],
                        "grad": rec.grad_norm[-1],
                        "mu": rec.mu[-1],
                        "fails": rec.val_fail[-1],
                    }
                ),
            )
            return False

        with (
            warnings.catch_warnings(),
            training_defaults(callbacks=[progress, job.stop_callback()]),
        ):
            warnings.simplefilter("ignore")  # the page shows the diagnosis instead
            model.fit(X, y)
        run = finish_run(session, spec, model, X, y)
        job.emit("done", {"run": run.id})

    return work


def finish_run(session, spec, model, X, y) -> Run:
    from ..report import (
        STOP_REASONS,
        build_figures,
        data_from_model,
        metric_names,
        render_html,
        render_pngs,
        split_metrics,
    )

    rec = model.record_
    data = data_from_model(model, X, y, rec, spec.task)
    metrics = split_metrics(data)
    figures = render_pngs(build_figures(rec, model.network_, data))
    settings = {
        "task": spec.task,
        "data": spec.table.name,
        "targets": ", ".join(spec.target),
        **{k: v for k, v in spec.params.items()},
    }
    report = render_html(rec, model.network_, data, settings, figures=figures)
    number = session.next_run_number()
    pred = _prediction_frame(model, X, y, data, spec)
    rows = min(PREDICTION_ROWS, len(pred))
    net = model.network_
    result = {
        "number": number,
        "table": spec.table.name,
        "task": spec.task,
        "network": "-".join(map(str, net.sizes)),
        "activations": "/".join(a.name for a in net.activations),
        "algorithm": model.algorithm_,
        "epochs": rec.epochs,
        "best_epoch": rec.best_epoch,
        "stop_reason": rec.stop_reason,
        "stop_text": STOPPED
        if rec.stop_reason == STOPPED
        else STOP_REASONS.get(rec.stop_reason, ""),
        "time": rec.time[-1] if rec.time else 0.0,
        "diagnosis": getattr(model, "diagnosis_", None) or rec.message or "",
        "metrics": metrics,
        "metric_names": metric_names(metrics),
        "plots": [{"name": k, "caption": cap} for k, (cap, _) in figures.items()],
        "predictions": {
            "columns": list(map(str, pred.columns)),
            "rows": [
                [_cell(v) if not isinstance(v, str) else v for v in r]
                for r in pred.head(rows).itertuples(index=False)
            ],
            "values": clean(np.asarray(model.predict(X.iloc[:rows])).reshape(rows, -1).tolist())
            if spec.task == "regression"
            else None,
        },
        "curves": {
            "epoch": rec.epoch,
            "loss": rec.loss,
            "val": rec.val_loss,
            "test": rec.test_loss,
            "grad": rec.grad_norm,
            "mu": rec.mu,
            "fails": rec.val_fail,
        },
        "settings": clean(
            dict(spec.params, target=spec.target, features=spec.features, missing=spec.missing)
        ),
        "command": cli_command(spec),
        "script": python_script(spec),
    }
    run = Run(
        uuid.uuid4().hex[:12], number, spec, model, X, y, clean(result), figures, report, pred
    )
    run.result["id"] = run.id
    session.add_run(run)
    return run


def _prediction_frame(model, X, y, data, spec):
    """Row number, split, target(s) and prediction(s) of every row of the table."""
    import pandas as pd

    split = np.full(len(X), "train", dtype=object)
    parts = data.parts()
    if len(parts) > 1:
        split[:] = ""
        for name, idx in parts.items():
            if name != "all":
                split[idx] = name
    out = pd.DataFrame({"row": np.arange(1, len(X) + 1), "split": split})
    Y = y.to_frame() if hasattr(y, "to_frame") else y
    pred = np.asarray(model.predict(X)).reshape(len(X), -1)
    for j, c in enumerate(Y.columns):
        out[str(c)] = Y.iloc[:, j].to_numpy()
        out[f"prediction_{c}" if pred.shape[1] > 1 else "prediction"] = pred[:, j]
    if spec.task == "classification" and hasattr(model, "predict_proba"):
        P = np.asarray(model.predict_proba(X))
        if P.ndim == 2 and P.shape[1] == len(model.classes_):
            for j, c in enumerate(model.classes_):
                out[f"p_{c}"] = P[:, j]
    return out


# -- what the user takes away -----------------------------------------------------------------
def _data_arg(spec):
    return spec.table.dataset.name if spec.table.dataset is not None else spec.table.name


def cli_command(spec: TrainSpec) -> str:
    """The ``bpnn train`` line that trains the same model (same settings and seed)."""
    p = spec.params
    args = [
        "bpnn",
        "train",
        _data_arg(spec),
        "--target",
        ",".join(spec.target),
        "--features",
        ",".join(spec.features),
        "--task",
        spec.task,
        "--preset",
        "matlab",
        *(["--hidden", ",".join(map(str, p["hidden"]))] if p["hidden"] else []),
        "--activation",
        p["activation"],
    ]
    if p["output_activation"] != "auto":
        args += ["--output-activation", p["output_activation"]]
    if p["algorithm"] != "auto":
        args += ["--algorithm", p["algorithm"]]
    if "loss" in p:
        args += ["--loss", p["loss"]]
    args += [
        "--epochs",
        str(p["epochs"]),
        "--goal",
        f"{p['goal']:g}",
        "--max-fail",
        str(p["max_fail"]),
        "--l2",
        f"{p['l2']:g}",
        "--division",
        p["division"] or "none",
    ]
    if p["division"]:
        args += ["--ratios", ",".join(f"{r:g}" for r in p["ratios"])]
    for key in ("categorical", "numeric"):
        if p.get(key):
            args += [f"--{key}", ",".join(p[key])]
    args += [
        "--missing",
        spec.missing,
        "--restarts",
        "1",
        "--seed",
        str(p["random_state"]),
        "-o",
        "model.bpnn",
        "--report",
        "report.html",
    ]
    return " ".join(shlex.quote(a) for a in args)


def python_script(spec: TrainSpec) -> str:
    """A Python script that trains the same model with the library (MATLAB's generate code)."""
    p = spec.params
    cls = "BPClassifier" if spec.task == "classification" else "BPRegressor"
    if spec.table.dataset is not None:
        load = f"df = bpnn.load_dataset({spec.table.dataset.name!r}).frame"
    else:
        load = f"df = read_table({spec.table.name!r})   # the file you uploaded"
    if spec.task == "classification":
        ysel = "y = Y.iloc[:, 0]\nif y.dtype == object:\n    y = y.astype(str)"
    else:
        ysel = "y = Y.iloc[:, 0]" if len(spec.target) == 1 else "y = Y"
    kw = ",\n    ".join(f"{k}={v!r}" for k, v in p.items())
    return f'''"""Train the model of the bpnn app's run again, with the library (generated code)."""
import bpnn
from bpnn.io_tables import read_table, select_columns
from bpnn.report import data_from_model, split_metrics, write_report

{load}
X, Y = select_columns(df, target={spec.target!r},
                      features={spec.features!r},
                      missing={spec.missing!r}, numeric_target={spec.task == "regression"!r},
                      raw=True)   # text columns as they are: the model encodes them
{ysel}

model = bpnn.{cls}(
    {kw},
)
model.fit(X, y)   # (a ConvergenceWarning says why training stopped short, if it did)
rec = model.record_
print(f"stopped: {{rec.stop_reason}} after {{rec.epochs}} epochs (best epoch {{rec.best_epoch}})")

data = data_from_model(model, X, y, rec, {spec.task!r})
for split, m in split_metrics(data).items():
    print(split, m)
bpnn.save(model, "model.bpnn")
write_report("report.html", rec, model.network_, data)
'''


DOWNLOADS = {  # kind -> (file name, media type)
    "model": ("model.bpnn", "application/octet-stream"),
    "predictions": ("predictions.csv", "text/csv"),
    "report": ("report.html", "text/html"),
    "python": ("model_predict.py", "text/x-python"),
    "c": ("model_c.zip", "application/zip"),
    "onnx": ("model.onnx", "application/octet-stream"),
    "script": ("train_model.py", "text/x-python"),
    "command": ("train_model.sh", "text/plain"),
}


def download(session: Session, run: Run, kind: str) -> tuple[bytes, str, str]:
    """(content, file name, media type) of one of :data:`DOWNLOADS`."""
    if kind not in DOWNLOADS:
        raise AppError(f"unknown download {kind!r}", 404)
    allowed = run.result.get("downloads")
    if allowed is not None and kind not in allowed:
        raise AppError(f"a time-series run offers {', '.join(allowed)}, not {kind!r}", 404)
    name, media = DOWNLOADS[kind]
    name = f"run{run.number}_{name}"
    if kind == "model":
        from ..io import save

        path = session.workdir / f"{uuid.uuid4().hex}.bpnn"
        save(run.model, path)
        data = path.read_bytes()
        path.unlink()
    elif kind == "predictions":
        data = run.predictions.to_csv(index=False).encode("utf-8")
    elif kind == "report":
        data = run.report_html.encode("utf-8")
    elif kind == "python":
        from ..export import export_python

        data = export_python(run.model).encode("utf-8")
    elif kind == "c":
        from ..export import export_c

        c_src, h_src = export_c(run.model, prefix="bpnn")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("bpnn.c", c_src)
            z.writestr("bpnn.h", h_src)
        data = buf.getvalue()
    elif kind == "onnx":
        try:
            from ..export import export_onnx

            data = export_onnx(run.model).SerializeToString()
        except ImportError:
            raise AppError(
                'the ONNX export needs the onnx package: pip install "bpnn[onnx]"'
            ) from None
    elif kind == "script":
        data = run.result["script"].encode("utf-8")
    else:
        data = (
            "#!/bin/sh\n# the bpnn command line that trains this run's model\n"
            + run.result["command"]
            + "\n"
        ).encode("utf-8")
    return data, name, media


# -- prediction ---------------------------------------------------------------------------------
def safe_name(name: str, default="upload") -> str:
    """The base name of an uploaded file, with only plain characters."""
    base = Path(str(name or "")).name
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    return base[:120] or default


def load_model_bytes(session: Session, name: str, data: bytes) -> dict:
    """Load an uploaded model file through :func:`bpnn.load` (the safe loader)."""
    from ..io import ModelFileError, load

    path = session.workdir / f"{uuid.uuid4().hex}.bpnn"
    path.write_bytes(data)
    try:
        model = load(path)
    except ModelFileError as exc:
        msg = str(exc).replace(str(path), name)
        raise AppError(f"cannot load {name!r} as a bpnn model: {msg}") from None
    finally:
        path.unlink(missing_ok=True)
    if type(model).__name__ == "BPForecaster":
        kind = getattr(model, "kind_", "NAR/NARX")
        raise AppError(
            f"{name!r} is a time-series model ({kind}): it forecasts steps "
            "ahead rather than predicting rows; use `bpnn forecast "
            f"{name} --steps N`, or train and forecast on the Time series tab"
        )
    if not hasattr(model, "predict") or not hasattr(model, "network_"):
        raise AppError(
            f"{name!r} holds a bare network, not a fitted model: the Predict page "
            "needs a model saved from an estimator (bpnn train -o, or this app)"
        )
    mid = uuid.uuid4().hex[:12]
    session.models[mid] = (name, model)
    names = feature_names(model)
    classes = getattr(model, "classes_", None)
    return clean(
        {
            "id": mid,
            "name": name,
            "kind": "classifier" if classes is not None else "regressor",
            "network": "-".join(map(str, model.network_.sizes)),
            "inputs": names,
            "n_inputs": int(getattr(model, "n_features_in_", model.network_.n_inputs)),
            "classes": None if classes is None else [str(c) for c in classes],
        }
    )


def predict(session: Session, model_id, table_id, missing=None) -> dict:
    import pandas as pd

    from ..tables.frames import model_inputs, prediction_names

    if str(model_id) not in session.models:
        raise AppError("load a model file first", 404)
    name, model = session.models[str(model_id)]
    t = session.table(table_id)
    if missing not in (None, "error", "mean", "median"):
        raise AppError("missing values in new data: choose error, mean or median")
    X = model_inputs(model, t.frame, repr(t.name), missing)
    pred = np.asarray(model.predict(X)).reshape(len(X), -1)
    out = pd.DataFrame(pred, columns=prediction_names(model, pred.shape[1]), index=X.index)
    if hasattr(model, "predict_proba"):
        P = np.asarray(model.predict_proba(X))
        for j, c in enumerate(model.classes_):
            out[f"p_{c}"] = P[:, j]
    out = pd.concat([X.reset_index(drop=True), out.reset_index(drop=True)], axis=1)
    pid = uuid.uuid4().hex[:12]
    session.predictions[pid] = out
    rows = [[_cell(v) for v in r] for r in out.head(PREDICTION_ROWS).itertuples(index=False)]
    return clean(
        {
            "id": pid,
            "model": name,
            "table": t.name,
            "rows_total": int(len(out)),
            "columns": [str(c) for c in out.columns],
            "rows": rows,
        }
    )
