"""The training report: one self-contained HTML file (MATLAB's training window, on paper).

Built from a :class:`~bpnn.TrainingRecord`, a :class:`~bpnn.Network` and, when given, the
data with the model's outputs (:class:`ReportData`). Figures are embedded as base64 PNG,
the style sheet is inline and there is no script, so the file opens offline anywhere.
"""
from __future__ import annotations

import base64
import datetime as _dt
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import plots

__all__ = ["ReportData", "split_metrics", "metric_names", "build_figures", "render_pngs",
           "render_html", "write_report", "write_plots", "data_from_model", "STOP_REASONS"]

STOP_REASONS = {
    "goal met": "the training loss reached the goal",
    "min grad": "the gradient norm fell below min_grad: a (local) minimum or a plateau",
    "validation stop": "the validation loss rose max_fail epochs in a row; the parameters of "
                       "the best validation epoch were restored",
    "max epochs": "the epoch budget ran out before any other rule fired",
    "time limit": "the time budget ran out",
    "diverged": "the loss stopped being finite; the best finite parameters were restored",
    "mu max": "Levenberg–Marquardt's μ reached its maximum: no step lowers the loss",
    "callback": "a callback asked to stop",
}


@dataclass
class ReportData:
    """The data a report shows, in original units.

    Attributes
    ----------
    task : "regression" or "classification"
    y_true, y_pred : arrays, shape (n, n_targets) for regression or (n,) class labels
    splits : dict
        "train"/"validation"/"test" -> index arrays into the rows (empty splits left out).
    proba : array (n, n_classes), optional — class probabilities (classifiers).
    classes : list, optional — class labels in the column order of ``proba``.
    X : array (n, n_features), optional — inputs, for the data summary.
    feature_names, target_names : lists of str
    """

    task: str
    y_true: np.ndarray
    y_pred: np.ndarray
    splits: dict = field(default_factory=dict)
    proba: np.ndarray | None = None
    classes: list | None = None
    X: np.ndarray | None = None
    feature_names: list = field(default_factory=list)
    target_names: list = field(default_factory=list)

    def parts(self) -> dict:
        """Split name -> row indices, with "all" last (just "all" without splits)."""
        out = {k: np.asarray(v, dtype=np.int64) for k, v in self.splits.items()
               if v is not None and len(v)}
        out["all"] = np.arange(len(self.y_true))
        return out


def split_metrics(data: ReportData) -> dict:
    """Metrics per split: MSE, RMSE, MAE and R (regression) or accuracy and log loss."""
    out = {}
    for name, idx in data.parts().items():
        t, y = data.y_true[idx], data.y_pred[idx]
        m: dict[str, float] = {"n": int(len(idx))}
        if data.task == "classification":
            m["accuracy"] = float(np.mean(t == y))
            if data.proba is not None:
                p = np.clip(data.proba[idx], 1e-15, 1.0)
                col = {c: j for j, c in enumerate(data.classes)}  # type: ignore[arg-type]
                m["log loss"] = float(-np.mean(np.log([p[i, col[c]] for i, c in enumerate(t)])))
        else:
            e = np.asarray(t, float) - np.asarray(y, float)
            m["MSE"] = float(np.mean(e ** 2))
            m["RMSE"] = math.sqrt(m["MSE"])
            m["MAE"] = float(np.mean(np.abs(e)))
            m["R"] = plots._pearson(np.ravel(t).astype(float), np.ravel(y).astype(float))
        out[name] = m
    return out


def data_from_model(model, X, y, record=None, task=None) -> ReportData:
    """Run ``model`` (a fitted bpnn estimator) on X and collect what a report needs.

    The record's train/validation/test indices are used when they fit the rows of X
    (i.e. X is the data the model was trained on); otherwise all rows count as one set.
    """
    classes = getattr(model, "classes_", None)
    task = task or ("classification" if classes is not None else "regression")
    y_pred = np.asarray(model.predict(X))
    y_true = np.asarray(y)
    if task == "regression":
        y_pred = y_pred.reshape(len(y_true), -1).astype(float)
        y_true = y_true.reshape(len(y_true), -1).astype(float)
    else:
        y_true = y_true.reshape(-1)
    proba = np.asarray(model.predict_proba(X)) if task == "classification" and \
        hasattr(model, "predict_proba") else None
    if proba is not None and proba.ndim == 2 and proba.shape[1] != len(classes):  # type: ignore[arg-type]
        proba = None   # e.g. multilabel output: no single-label ROC
    splits = {}
    if record is not None and record.train_idx is not None:
        idx = [i for i in (record.train_idx, record.val_idx, record.test_idx) if i is not None]
        n = len(y_true)
        if idx and sum(len(i) for i in idx) == n and max(int(np.max(i, initial=-1))
                                                        for i in idx) < n:
            splits = {"train": record.train_idx, "validation": record.val_idx,
                      "test": record.test_idx}
    Xa = np.asarray(X, dtype=float)
    return ReportData(task, y_true, y_pred, splits, proba,
                      None if classes is None else list(classes), Xa,
                      [str(c) for c in getattr(X, "columns", range(Xa.shape[1]))],
                      [str(c) for c in getattr(y, "columns", [getattr(y, "name", "target")])])


# -- figures --------------------------------------------------------------------------------
def build_figures(record=None, network=None, data: ReportData | None = None) -> dict:
    """Name -> (caption, Figure) for every plot that the inputs allow."""
    figs = {}
    if record is not None and record.epoch:
        figs["performance"] = ("Performance: loss per epoch", plots.plot_performance(record))
        figs["training_state"] = ("Training state", plots.plot_training_state(record))
    if data is not None:
        pairs = {k: (data.y_true[i], data.y_pred[i]) for k, i in data.parts().items()}
        if data.task == "classification":
            labels = data.classes or sorted(set(data.y_true) | set(data.y_pred))
            figs["confusion"] = ("Confusion matrices", plots.plot_confusion(pairs, labels))
            if data.proba is not None:
                figs["roc"] = ("Receiver operating characteristic",
                               plots.plot_roc(data.y_true, data.proba, data.classes))
        else:
            figs["regression"] = ("Regression: outputs against targets",
                                  plots.plot_regression(pairs))
            figs["error_histogram"] = ("Error histogram", plots.plot_error_histogram(pairs))
    if network is not None:
        names = data.feature_names if data is not None else None
        outs = None
        if data is not None:
            outs = data.classes if data.task == "classification" else data.target_names
            outs = outs if outs is not None and len(outs) == network.n_outputs else None
        figs["network"] = ("The network and its weights",
                           plots.plot_network(network, names, outs))
    return figs


def render_pngs(figures: dict, dpi=100) -> dict:
    """Name -> (caption, PNG bytes): each figure is drawn once, for the HTML and the files."""
    return {name: (cap, fig if isinstance(fig, bytes) else plots.figure_png(fig, dpi))
            for name, (cap, fig) in figures.items()}


def write_plots(directory, figures: dict) -> list:
    """Write every figure (a Figure or PNG bytes) as ``<name>.png`` into ``directory``."""
    from ._atomic import atomic_path
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (_, png) in render_pngs(figures).items():
        with atomic_path(d / f"{name}.png") as tmp:
            tmp.write_bytes(png)
        paths.append(d / f"{name}.png")
    return paths


# -- HTML -----------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;padding:0 1em}h1{margin-bottom:.1em}h2{border-bottom:1px solid #ddd;
padding-bottom:.2em;margin-top:1.6em}.sub{color:#666;margin-top:0}table{border-collapse:collapse;
margin:.6em 0}td,th{border:1px solid #ddd;padding:.3em .7em;text-align:right}th{background:#f3f5f8}
td.l,th.l{text-align:left}.cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #ddd;
border-radius:6px;padding:.5em .9em;min-width:9em}.card b{display:block;font-size:1.25em}
figure{margin:1em 0;display:inline-block;vertical-align:top}figcaption{color:#555;font-size:.9em}
img{max-width:100%;height:auto}code{background:#f3f5f8;padding:0 .25em}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _num(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(v)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return "—" if not math.isfinite(v) else f"{v:.6g}"
    return _e(v)


def _table(rows, header=None) -> str:
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f'<th class="{"l" if i == 0 else ""}">{_e(h)}</th>'
                                    for i, h in enumerate(header)) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="{"l" if i == 0 else ""}">{_num(v)}</td>'
                                    for i, v in enumerate(row)) + "</tr>")
    return "\n".join(out + ["</table>"])


def metric_names(metrics: dict) -> list:
    """The metric names of ``split_metrics``' result, in first-seen order over the splits."""
    return list(dict.fromkeys(k for m in metrics.values() for k in m))


def _metrics_table(metrics: dict) -> str:
    names = metric_names(metrics)
    return _table([[split] + [m.get(k, float("nan")) for k in names]
                   for split, m in metrics.items()], ["set"] + names)


def _data_summary(data: ReportData) -> str:
    rows = []
    if data.X is not None:
        for j, name in enumerate(data.feature_names):
            col = data.X[:, j]
            rows.append([name, "input", col.min(), col.max(), col.mean(), col.std()])
    if data.task == "regression":
        for j, name in enumerate(data.target_names):
            col = data.y_true[:, j].astype(float)
            rows.append([name, "target", col.min(), col.max(), col.mean(), col.std()])
    sizes = ", ".join(f"{k} {len(v)}" for k, v in data.parts().items())
    text = f"<p>{len(data.y_true)} samples ({_e(sizes)}).</p>"
    if data.task == "classification":
        labels, counts = np.unique(data.y_true.astype(str), return_counts=True)
        text += "<p>Classes: " + ", ".join(f"<code>{_e(c)}</code> {n}"
                                            for c, n in zip(labels, counts)) + "</p>"
    return text + _table(rows, ["column", "role", "min", "max", "mean", "std"])


def _cards(record, network) -> str:
    items = []
    if record is not None:
        items += [("stop reason", record.stop_reason or "—"), ("epochs", record.epochs),
                  ("best epoch", record.best_epoch), ("algorithm", record.algorithm),
                  (f"best loss ({record.loss_name})", _num(record.best_loss))]
        if math.isfinite(record.best_val_loss):
            items.append(("best validation loss", _num(record.best_val_loss)))
    if network is not None:
        items += [("network", "-".join(map(str, network.sizes))),
                  ("parameters", network.n_params)]
    return '<div class="cards">' + "".join(
        f'<div class="card">{_e(k)}<b>{_e(v)}</b></div>' for k, v in items) + "</div>"


def _figure_html(caption, png: bytes) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return (f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{b64}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def render_html(record=None, network=None, data: ReportData | None = None,
                settings: dict | None = None, title="bpnn training report",
                figures: dict | None = None) -> str:
    """The whole report as one HTML string (see the module docstring)."""
    import bpnn
    figures = render_pngs(build_figures(record, network, data) if figures is None
                          else figures)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = [f"<h1>{_e(title)}</h1>",
            f'<p class="sub">bpnn {_e(bpnn.__version__)} · {stamp}</p>', _cards(record, network)]
    if record is not None and record.stop_reason:
        why = STOP_REASONS.get(record.stop_reason, "")
        body.append(f"<p><b>Stopped: {_e(record.stop_reason)}</b>"
                    f"{' — ' + _e(why) if why else ''}.</p>")
    if data is not None:
        body += ["<h2>Metrics</h2>", _metrics_table(split_metrics(data))]
    if figures:
        body.append("<h2>Plots</h2>")
        if record is not None and data is not None:
            body.append('<p class="sub">The loss curves are computed on the targets the '
                        "network was trained on (after normalisation); the metrics above "
                        "and the plots of outputs are in the data's own units.</p>")
        body += [_figure_html(cap, png) for cap, png in figures.values()]
    if network is not None:
        acts = ", ".join(a.name for a in network.activations)
        body += ["<h2>Network</h2>", f"<p>Layers {_e(network.sizes)}; activations {_e(acts)}; "
                 f"{network.n_params} parameters.</p>"]
    table = dict(settings or {})
    if record is not None:
        table.update({f"{record.algorithm}: {k}": v for k, v in record.params.items()})
        table.update({"loss (used)": record.loss_name, "goal": record.goal})
    rows = [[k, v if isinstance(v, (int, float, np.number)) else str(v)]
            for k, v in table.items()]
    if rows:
        body += ["<h2>Hyper-parameters</h2>", _table(rows, ["setting", "value"])]
    if data is not None:
        body += ["<h2>Data</h2>", _data_summary(data)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><link rel=\"icon\" href=\"data:,\">"
            f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_report(path, record=None, network=None, data=None, settings=None,
                 title="bpnn training report", plots_dir=None) -> Path:
    """Render the report and write it atomically to ``path`` (and PNGs to ``plots_dir``)."""
    from ._atomic import atomic_write_text
    figures = render_pngs(build_figures(record, network, data))
    text = render_html(record, network, data, settings, title, figures)
    if plots_dir is not None:
        write_plots(plots_dir, figures)
    atomic_write_text(path, text)
    return Path(path)
