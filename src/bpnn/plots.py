"""MATLAB-style training plots with Matplotlib (Agg; no display needed).

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot, so no
global state is touched and figures are freed with their last reference:

* :func:`plot_performance` — train/validation/test loss per epoch, best epoch marked
  (``plotperform``);
* :func:`plot_training_state` — gradient, μ, learning rate and validation checks
  (``plottrainstate``);
* :func:`plot_regression` — outputs against targets with the fit line and R per split
  (``plotregression``);
* :func:`plot_error_histogram` — errors target − output per split (``ploterrhist``);
* :func:`plot_confusion` — confusion matrices per split (``plotconfusion``);
* :func:`plot_roc` — one-vs-rest ROC curves with AUC (``plotroc``);
* :func:`plot_network` — the network's units and weights (``view(net)``);
* :func:`plot_importance` — input importance by several methods, one panel each;
* :func:`plot_partial_dependence` — the average output against each input;
* :func:`plot_ensemble_spread` — an ensemble's disagreement per row, against its error;
* :func:`plot_response` — a series' targets and one-step outputs over time by split, the
  error below (``plotresponse``);
* :func:`plot_error_autocorrelation` — the errors' autocorrelation with the 95 % band of
  white noise (``ploterrcorr``);
* :func:`plot_input_error_crosscorrelation` — each input's correlation with the error at
  every lag, same band (``plotinerrcorr``);
* :func:`plot_closed_loop_forecast` — a closed-loop forecast over held-out times beside the
  true values.
* :func:`plot_horizon_errors` — closed-loop error against the forecast horizon, beside the
  baselines (persistence, seasonal naive).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = [
    "plot_performance",
    "plot_training_state",
    "plot_regression",
    "plot_error_histogram",
    "plot_confusion",
    "plot_roc",
    "plot_network",
    "plot_importance",
    "plot_partial_dependence",
    "plot_ensemble_spread",
    "plot_response",
    "plot_error_autocorrelation",
    "plot_input_error_crosscorrelation",
    "plot_closed_loop_forecast",
    "plot_horizon_errors",
    "figure_png",
    "SPLIT_COLORS",
]

SPLIT_COLORS = {
    "train": "#1f5fbf",
    "validation": "#2e9e44",
    "test": "#d0342c",
    "new": "#7b3fa0",  # a forecaster's series continued: the times after the fitted ones
    "all": "#555555",
}
_SPLIT_TITLES = {
    "train": "Training",
    "validation": "Validation",
    "test": "Test",
    "new": "New times",
    "all": "All",
}


def _finite(values) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    return a[np.isfinite(a)]


#: fonts with CJK glyphs, tried after DejaVu Sans for a character it lacks (Chinese
#: column names and levels); the first of them installed is used
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)
_FONTS: list = []


def _font_family() -> list:
    """DejaVu Sans, then the CJK fonts of :data:`CJK_FONTS` that are installed."""
    if not _FONTS:
        from matplotlib import font_manager

        have = {f.name for f in font_manager.fontManager.ttflist}
        _FONTS.extend(["DejaVu Sans", *[f for f in CJK_FONTS if f in have]])
    return _FONTS


def cjk_fonts() -> list:
    """The fonts of :data:`CJK_FONTS` installed here (empty: Chinese text in a figure
    shows as boxes)."""
    return _font_family()[1:]


def has_cjk(text) -> bool:
    """True when ``text`` holds a CJK character (ideographs, kana, hangul, CJK marks)."""
    return any(
        "\u2e80" <= ch <= "\u9fff"
        or "\uac00" <= ch <= "\ud7af"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"  # full-width forms: （ ） ，
        for ch in str(text)
    )


def _add_cjk_fallback():
    """Append the installed CJK fonts to matplotlib's font.family list (once, at import of
    this module): text keeps its font and only characters it lacks -- Chinese column
    names and levels -- are drawn from them (a Text takes its font when it is made, so
    this cannot wait until a figure is saved)."""
    import logging

    import matplotlib

    family = list(matplotlib.rcParams["font.family"])
    extra = [f for f in _font_family()[1:] if f not in family]
    if not extra:
        return
    matplotlib.rcParams["font.family"] = [*family, *extra]  # fallback goes by this list

    class _QuietWeights(logging.Filter):  # WenQuanYi has no "normal" weight: 500 is fine
        def filter(self, record):
            return not str(record.msg).startswith("findfont: Failed to find font weight")

    logging.getLogger("matplotlib.font_manager").addFilter(_QuietWeights())


def figure_png(fig: Figure, dpi=100) -> bytes:
    """The figure as PNG bytes. Chinese characters come from a CJK font when one is
    installed (:data:`CJK_FONTS`); without one they show as boxes, and matplotlib's
    warning about each missing glyph is not repeated to the user."""
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


_add_cjk_fallback()


# -- training record ------------------------------------------------------------------------
def plot_performance(record) -> Figure:
    """Loss per epoch for train/validation/test on a log scale, best epoch marked."""
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ep = np.asarray(record.epoch)
    for name, key in (("train", "loss"), ("validation", "val_loss"), ("test", "test_loss")):
        y = np.asarray(getattr(record, key), dtype=float)
        if np.isfinite(y).any():
            ax.plot(ep, np.where(y > 0, y, np.nan), color=SPLIT_COLORS[name], label=name)
    has_val = np.isfinite(np.asarray(record.val_loss, dtype=float)).any()
    best = record.best_val_loss if has_val else record.best_loss
    ax.axvline(record.best_epoch, color="#999999", ls=":", lw=1)
    if np.isfinite(best) and best > 0:
        ax.plot([record.best_epoch], [best], "o", mfc="none", mec="k", ms=9, label="best")
    if record.goal and record.goal > 0:
        ax.axhline(record.goal, color="k", ls="--", lw=0.8, label="goal")
    ax.set_yscale("log")
    ax.set_xlabel(f"{record.epochs} epochs")
    ax.set_ylabel(f"loss ({record.loss_name or 'loss'})")
    which = "validation" if has_val else "training"
    ax.set_title(f"Best {which} performance is {best:.4g} at epoch {record.best_epoch}")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(True, which="both", alpha=0.25)
    return fig


def plot_training_state(record) -> Figure:
    """Panels for the gradient norm, μ (or the learning rate) and validation checks; for a
    grown network (cascade-correlation) also its hidden units and the candidates' best
    correlation per epoch."""
    ep = np.asarray(record.epoch)
    series = [
        ("gradient", record.grad_norm, True),
        ("mu", record.mu, True),
        ("learning rate", record.lr, False),
        ("validation checks", record.val_fail, False),
        ("hidden units", record.extra.get("units", ()), False),
        ("candidate correlation", record.extra.get("correlation", ()), False),
    ]
    series = [s for s in series if _finite(s[1]).size]
    fig = Figure(figsize=(6.4, 1.9 * max(len(series), 1) + 0.3), layout="constrained")
    if not series:
        fig.text(0.5, 0.5, "no per-epoch state recorded", ha="center")
        return fig
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, values, log) in zip(axes, series):
        y = np.asarray(values, dtype=float)
        if name in ("validation checks", "hidden units"):
            ax.step(ep, y, where="post", color=SPLIT_COLORS["validation"])
        else:
            ax.plot(ep, np.where(y > 0, y, np.nan) if log else y, color="#7a3db8")
            if log and (y[np.isfinite(y)] > 0).any():
                ax.set_yscale("log")
        last = np.flatnonzero(np.isfinite(y))[-1]  # where the series was last recorded
        ax.set_title(f"{name} = {y[last]:.4g} at epoch {int(ep[last])}", fontsize=9)
        ax.grid(True, alpha=0.25)
    axes[-1].set_xlabel(f"{record.epochs} epochs")
    return fig


# -- outputs against targets ----------------------------------------------------------------
def _pearson(t, y) -> float:
    if t.size < 2 or np.std(t) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(t, y)[0, 1])


def plot_regression(splits: dict) -> Figure:
    """Outputs against targets with the least-squares line and Pearson's R, one panel per split.

    ``splits`` maps "train"/"validation"/"test"/"all" to ``(targets, outputs)`` arrays of
    the same shape; several output columns are pooled as MATLAB does.
    """
    names = list(splits)
    cols = min(len(names), 2)
    rows = int(np.ceil(len(names) / cols))
    fig = Figure(figsize=(4.0 * cols, 3.7 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        t = np.asarray(splits[name][0], dtype=float).ravel()
        y = np.asarray(splits[name][1], dtype=float).ravel()
        color = SPLIT_COLORS.get(name, "#333333")
        ax.plot(t, y, "o", mfc="none", mec=color, ms=4, alpha=0.8, label="data")
        lo, hi = float(min(t.min(), y.min())), float(max(t.max(), y.max()))
        ax.plot([lo, hi], [lo, hi], ":", color="#888888", lw=1, label="y = t")
        if t.size >= 2 and np.std(t) > 0:
            a, b = np.polyfit(t, y, 1)
            ax.plot(
                [lo, hi],
                [a * lo + b, a * hi + b],
                color=color,
                lw=1.5,
                label=f"fit: y = {a:.3g} t {b:+.3g}",
            )
        ax.set_title(f"{_SPLIT_TITLES.get(name, name)}: R = {_pearson(t, y):.5f}", fontsize=10)
        ax.set_xlabel("target")
        ax.set_ylabel("output")
        ax.legend(fontsize=7, loc="upper left")
        ax.grid(True, alpha=0.25)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return fig


def plot_error_histogram(splits: dict, bins=20) -> Figure:
    """Histogram of errors (target − output), stacked by split, zero error marked."""
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    names = [n for n in splits if n != "all"] or list(splits)
    errs = [
        (np.asarray(splits[n][0], float) - np.asarray(splits[n][1], float)).ravel() for n in names
    ]
    allerr = np.concatenate(errs)
    edges = np.histogram_bin_edges(allerr, bins=bins)
    ax.hist(
        errs,
        bins=edges,  # type: ignore[arg-type]
        stacked=True,
        label=names,
        color=[SPLIT_COLORS.get(n, "#333333") for n in names],
        edgecolor="white",
    )
    ax.axvline(0.0, color="#e8a10a", lw=2, label="zero error")
    ax.set_xlabel("error = target − output")
    ax.set_ylabel("instances")
    ax.set_title(f"Error histogram with {bins} bins")
    ax.legend(fontsize=8)
    return fig


# -- classifiers ----------------------------------------------------------------------------
def plot_confusion(splits: dict, labels) -> Figure:
    """Confusion matrices (rows: true class, columns: predicted), counts and row percentages.

    ``splits`` maps split names to ``(true_labels, predicted_labels)``.
    """
    from sklearn.metrics import confusion_matrix

    names = list(splits)
    cols = min(len(names), 2)
    rows = int(np.ceil(len(names) / cols))
    k = len(labels)
    size = 2.2 + 0.45 * k
    fig = Figure(figsize=(size * cols, size * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        t, p = splits[name]
        cm = confusion_matrix(t, p, labels=list(labels))
        acc = np.trace(cm) / max(cm.sum(), 1)
        ax.imshow(cm, cmap="Blues", vmin=0)
        for i in range(k):
            for j in range(k):
                share = cm[i, j] / max(cm[i].sum(), 1)
                ax.text(
                    j,
                    i,
                    f"{cm[i, j]}\n{100 * share:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if cm[i, j] > 0.6 * cm.max() else "black",
                )
        ax.set_xticks(range(k), [str(c) for c in labels], rotation=30, fontsize=8)
        ax.set_yticks(range(k), [str(c) for c in labels], fontsize=8)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        ax.set_title(f"{_SPLIT_TITLES.get(name, name)}: accuracy {100 * acc:.1f}%", fontsize=10)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return fig


def plot_roc(y_true, scores, classes) -> Figure:
    """One-vs-rest ROC curves; ``scores`` (n, n_classes) are class probabilities."""
    from sklearn.metrics import auc, roc_curve

    fig = Figure(figsize=(5.2, 4.6), layout="constrained")
    ax = fig.add_subplot()
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    for j, c in enumerate(classes):
        pos = y_true == c
        if pos.all() or not pos.any():
            continue  # a class absent from (or alone in) the data has no ROC curve
        fpr, tpr, _ = roc_curve(pos, scores[:, j])
        ax.plot(fpr, tpr, lw=1.5, label=f"{c} (AUC {auc(fpr, tpr):.3f})")
    ax.plot([0, 1], [0, 1], ":", color="#888888", lw=1)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title("ROC (one class against the rest)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, alpha=0.25)
    return fig


# -- the network ----------------------------------------------------------------------------
def _shown(n, limit):
    """Indices of the units drawn for a layer of n units (the first and last few)."""
    if n <= limit:
        return list(range(n))
    half = limit // 2
    return list(range(half)) + list(range(n - (limit - half), n))


def _unit_positions(k, shown, n):
    """Unit -> (x, y), centred on y = 0; a truncated layer leaves a gap at y = 0."""
    m = len(shown)
    if m == n:
        return {u: (k, (m - 1) / 2 - r) for r, u in enumerate(shown)}
    half = m // 2  # rows 0..half-1 above the gap, the rest below it
    return {u: (k, m / 2 - r if r < half else m / 2 - r - 1) for r, u in enumerate(shown)}


def _edge(x0, y0, x1, y1):
    """Points of the line drawn for one weight: straight between neighbouring layers; a
    shortcut (cascade connections) that skips layers bows upwards over the units between,
    by ``y = straight + h sin(pi t)`` with h growing with the layers skipped."""
    if x1 - x0 <= 1:
        return [x0, x1], [y0, y1]
    t = np.linspace(0.0, 1.0, 25)
    return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + _bow(x1 - x0) * np.sin(np.pi * t)


def _bow(span):
    return 0.5 + 0.35 * (span - 2)


def plot_network(network, input_names=None, output_names=None, max_units=12) -> Figure:
    """Units as circles, weights as lines (blue > 0, red < 0, width ∝ |w|), biases as fill.

    Layers wider than ``max_units`` show their first and last units only. A cascade
    network's shortcut weights (from the input or an earlier layer to a later one) are
    drawn as arcs over the layers they skip.
    """
    sizes = network.sizes
    fig = Figure(figsize=(1.9 + 1.7 * len(sizes), 4.6))
    ax = fig.add_subplot()
    shown = [_shown(n, max_units) for n in sizes]
    pos = [_unit_positions(k, s, n) for k, (s, n) in enumerate(zip(shown, sizes))]
    top = max(y for p in pos for _, y in p.values())
    cascade = network.connections == "cascade" and len(sizes) > 2
    lift = _bow(len(sizes) - 1) if cascade else 0.0  # room for the highest arc
    wmax = max(float(np.max(np.abs(W))) for W in network.weights) or 1.0
    for k, W in enumerate(network.weights):
        # layer k's input: signal src (0 the input) meets the columns c0:c1 of W
        for src, c0, _ in network._sources(k):
            for i in shown[k + 1]:
                for j in shown[src]:
                    w = W[i, c0 + j]
                    xs, ys = _edge(*pos[src][j], *pos[k + 1][i])
                    ax.plot(
                        xs,
                        ys,
                        color="#1f5fbf" if w >= 0 else "#d0342c",
                        lw=0.3 + 2.7 * abs(w) / wmax,
                        alpha=0.35 + 0.5 * abs(w) / wmax,
                        zorder=1,
                    )
    bmax = max((float(np.max(np.abs(b))) for b in network.biases), default=1.0) or 1.0
    for k, s in enumerate(shown):
        for u in s:
            x, y = pos[k][u]
            if k == 0:
                face: str | tuple = "#eeeeee"
            else:
                b = network.biases[k - 1][u] / bmax
                face = (1 - max(-b, 0) * 0.6, 1 - abs(b) * 0.6, 1 - max(b, 0) * 0.6)
            ax.scatter([x], [y], s=260, c=[face], edgecolors="k", zorder=3)
        if len(s) < sizes[k]:  # the gap left for the units not drawn
            ax.text(k, 0, "⋮", ha="center", va="center", fontsize=14, zorder=4)
        label = "input" if k == 0 else (network.activations[k - 1].name)
        ax.text(
            k,
            top + 0.7 + lift,
            f"{label}\n{sizes[k]} unit{'s' if sizes[k] > 1 else ''}",
            ha="center",
            fontsize=9,
        )
    _label_units(ax, pos[0], input_names, -0.18, "right")
    _label_units(ax, pos[-1], output_names, 0.18, "left")
    kind = " cascade-forward" if network.connections == "cascade" else ""
    arcs = "; arcs: shortcut weights" if cascade else ""
    ax.set_title(
        f"Network {'-'.join(map(str, sizes))}{kind}: {network.n_params} parameters "
        f"(blue w > 0, red w < 0{arcs})",
        fontsize=10,
    )
    ax.set_xlim(-1.3, len(sizes) - 0.7)
    ax.set_ylim(-top - 0.6, top + 1.6 + lift)
    ax.axis("off")
    return fig


def _label_units(ax, pos, names, dx, align):
    if names is None:
        return
    for u, (x, y) in pos.items():
        if u < len(names):
            text = str(names[u])
            ax.text(
                x + dx,
                y,
                text if len(text) <= 18 else text[:17] + "…",
                ha=align,
                va="center",
                fontsize=7,
            )


# -- inputs ---------------------------------------------------------------------------------
_METHOD_TITLES = {
    "permutation": "Permutation (score drop)",
    "miv": "Mean impact value",
    "garson": "Garson (weight shares)",
    "olden": "Olden (weight products)",
}


def plot_importance(frames: dict, top=15) -> Figure:
    """Horizontal bars of each method's importance (``{method: DataFrame}`` as returned by
    :func:`bpnn.importance`), the ``top`` largest of each; signed methods colour the bars
    (blue: the output rises with the input, red: it falls), permutation shows ± std."""
    names = list(frames)
    cols = min(len(names), 2)
    rows = int(np.ceil(len(names) / cols))
    n = max(min(len(f), top) for f in frames.values())
    fig = Figure(figsize=(5.2 * cols, (0.9 + 0.24 * n) * rows + 0.3), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, method in zip(axes, names):
        f = frames[method].iloc[:top]
        vals = f["importance"].to_numpy(dtype=float)
        ypos = np.arange(len(f))[::-1]
        if "sign" in f:
            colors = ["#d0342c" if s < 0 else "#1f5fbf" for s in f["sign"]]
        else:
            colors = ["#1f5fbf"] * len(f)
        xerr = f["std"].to_numpy(dtype=float) if method == "permutation" and "std" in f else None
        ax.barh(ypos, vals, color=colors, xerr=xerr, ecolor="#444444", capsize=2)
        labels = [str(i) if len(str(i)) <= 22 else str(i)[:21] + "…" for i in f.index]
        ax.set_yticks(ypos, labels, fontsize=8)
        ax.axvline(0.0, color="#888888", lw=0.8)
        title = _METHOD_TITLES.get(method, method)
        if str(frames[method].attrs.get("output", "")).startswith("all"):
            title += ", mean over outputs"
        if len(frames[method]) > top:
            title += f": top {top} of {len(frames[method])}"
        ax.set_title(title, fontsize=10)
        ax.grid(True, axis="x", alpha=0.25)
        ax.tick_params(axis="x", labelsize=8)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return fig


def _numeric_column(X, j):
    """Column j of the DataFrame X as floats (NaN where it holds no number)."""
    import pandas as pd

    return pd.to_numeric(X.iloc[:, j], errors="coerce").to_numpy(dtype=float)


def plot_partial_dependence(profiles: dict, X=None, feature_names=None, ylabel="output") -> Figure:
    """One panel per input: the average output (a column per output) over the input's grid
    (``{input: DataFrame}`` as returned by :func:`bpnn.partial_dependence`), with the
    deciles of the input's values in X (when given) as ticks along the bottom. A profile
    over a text column's levels (an index of level names) is drawn as one point per level,
    named on the axis; the points of an ordinal column (``frame.attrs["kind"]``) are
    joined in their order."""
    names = list(profiles)
    cols = min(len(names), 3)
    rows = int(np.ceil(len(names) / cols))
    fig = Figure(figsize=(3.6 * cols, 2.9 * rows), layout="constrained")
    # one y scale for all panels, so an input that barely matters looks flat
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True).ravel()
    for ax, name in zip(axes, names):
        frame = profiles[name]
        levels = frame.index.dtype.kind not in "biuf"  # a categorical input's levels
        grid = np.arange(len(frame)) if levels else frame.index.to_numpy(dtype=float)
        style = "-"
        if levels:  # nominal levels have no order: points; ordinal ones are joined
            style = "o-" if frame.attrs.get("kind") == "ordinal" else "o"
        for c in frame.columns:
            ax.plot(
                grid,
                frame[c].to_numpy(dtype=float),
                style,
                lw=1.0 if levels else 1.6,
                ms=6,
                label=str(c) if frame.shape[1] > 1 else None,
            )
        if levels:
            ax.set_xlim(-0.5, len(grid) - 0.5)
            labels = [str(v) if len(str(v)) <= 14 else str(v)[:13] + "…" for v in frame.index]
            slant = len(grid) > 4 or max(map(len, labels), default=0) > 6
            ax.set_xticks(
                grid, labels, rotation=30 if slant else 0, ha="right" if slant else "center"
            )
        elif X is not None and feature_names is not None and name in feature_names:
            j = list(feature_names).index(name)
            col = _numeric_column(X, j) if hasattr(X, "iloc") else np.asarray(X, dtype=float)[:, j]
            col = col[~np.isnan(col)]
            deciles = np.percentile(col, np.arange(10, 100, 10)) if col.size else col
            ax.plot(
                deciles,
                np.zeros_like(deciles),
                "|",
                color="#333333",
                ms=10,
                transform=ax.get_xaxis_transform(),
            )
        ax.set_xlabel(str(name), fontsize=9)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.yaxis.set_tick_params(labelleft=True)
        ax.tick_params(labelsize=8)
        ax.grid(True, alpha=0.25)
        if frame.shape[1] > 1 and ax is axes[0]:  # one legend: the outputs are the same
            ax.legend(fontsize=7)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return fig


# -- ensembles ------------------------------------------------------------------------------
def plot_ensemble_spread(spread, error, task="regression", bins=20) -> Figure:
    """An ensemble's spread per row: its histogram, and against the ensemble's error
    (regression: absolute error; classification: the histogram split by right/wrong)."""
    spread, error = np.asarray(spread, float), np.asarray(error, float)
    fig = Figure(figsize=(9.6, 3.8), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    edges = np.histogram_bin_edges(spread, bins=bins)
    if task == "regression":
        ax.hist(spread, bins=edges, color=SPLIT_COLORS["train"], edgecolor="white")
        bx.scatter(spread, error, s=9, alpha=0.5, color=SPLIT_COLORS["all"])
        bx.set_xlabel("spread (std of the members' predictions)")
        bx.set_ylabel("|target − ensemble output|")
        r = (
            np.corrcoef(spread, error)[0, 1]
            if len(spread) > 2 and spread.std() > 0 and error.std() > 0
            else np.nan
        )
        bx.set_title(f"Spread against error (R = {r:.2f})")
        ax.set_xlabel("spread (std of the members' predictions)")
    else:
        wrong = error > 0
        ax.hist(
            [spread[~wrong], spread[wrong]],
            bins=edges,
            stacked=True,
            label=["right class", "wrong class"],
            edgecolor="white",
            color=[SPLIT_COLORS["validation"], SPLIT_COLORS["test"]],
        )
        ax.legend(fontsize=8)
        ax.set_xlabel("spread (std of the members' probability of the predicted class)")
        share = [
            np.mean(wrong[spread <= np.median(spread)]) if len(spread) else np.nan,
            np.mean(wrong[spread > np.median(spread)])
            if np.any(spread > np.median(spread))
            else np.nan,
        ]
        pct = [100 * v for v in share]
        bars = bx.bar(
            ["lower half\nof spread", "upper half\nof spread"],
            pct,
            color=[SPLIT_COLORS["train"], SPLIT_COLORS["test"]],
        )
        bx.bar_label(bars, labels=[f"{v:.1f} %" for v in pct])
        bx.set_ylim(0, max(5.0, 1.25 * max((v for v in pct if v == v), default=0.0)))
        bx.set_ylabel("wrong class (%)")
        bx.set_title("Errors where the members agree / disagree")
    ax.set_ylabel("rows")
    ax.set_title("Ensemble spread per row")
    return fig


# -- time series ----------------------------------------------------------------------------
# (the response frame's split label, the SPLIT_COLORS key and legend name)
_SERIES_SPLITS = (("train", "train"), ("val", "validation"), ("test", "test"), ("new", "new"))


def plot_response(times, target, output, split, name="y", time_name="time", error=None) -> Figure:
    """A series' targets over time (line) and the network's one-step outputs (dots coloured
    by split: training, validation, test, and new times after the fitted series), with the
    errors target − output below."""
    t = np.asarray(times)
    target, output = np.asarray(target, float), np.asarray(output, float)
    split = np.asarray(split, dtype=object)
    err = target - output if error is None else np.asarray(error, float)
    fig = Figure(figsize=(9.6, 5.2), layout="constrained")
    ax, ex = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    ax.plot(t, target, "-", color="#222222", lw=1.0, label="target")
    ms = 3.5 if len(t) <= 400 else 2.0
    for key, label in _SERIES_SPLITS:
        m = split == key
        if m.any():
            c = SPLIT_COLORS[label]
            ax.plot(t[m], output[m], "o", ms=ms, color=c, alpha=0.85, label=f"output: {label}")
            ex.plot(t[m], err[m], "o", ms=ms * 0.8, color=c, alpha=0.85)
            ex.vlines(t[m], 0, err[m], color=c, lw=0.6, alpha=0.6)
    other = ~np.isin(split, [k for k, _ in _SERIES_SPLITS]) & np.isfinite(output)
    if other.any():
        ax.plot(
            t[other],
            output[other],
            "o",
            ms=ms,
            color=SPLIT_COLORS["all"],
            alpha=0.8,
            label="output",
        )
        ex.plot(t[other], err[other], "o", ms=ms * 0.8, color=SPLIT_COLORS["all"])
    ex.axhline(0.0, color="#e8a10a", lw=1)
    ax.set_ylabel(name)
    ax.set_title(f"Response of {name}: targets and one-step (open-loop) outputs")
    ax.legend(fontsize=8, loc="upper left", ncol=4)
    ax.grid(True, alpha=0.25)
    ex.set_ylabel("error")
    ex.set_xlabel(time_name)
    ex.grid(True, alpha=0.25)
    return fig


def _correlation_panel(ax, lags, r, band, title, zero_is_one=False):
    lags, r = np.asarray(lags), np.asarray(r, float)
    ax.axhspan(
        -band,
        band,
        color="#e8a10a",
        alpha=0.18,
        lw=0,
        label=f"95 % band of white noise (±{band:.3g})",
    )
    ax.axhline(band, color="#e8a10a", ls="--", lw=0.8)
    ax.axhline(-band, color="#e8a10a", ls="--", lw=0.8)
    out = (np.abs(r) > band) & ~((lags == 0) & zero_is_one)
    ax.vlines(lags, 0, r, color=SPLIT_COLORS["train"], lw=2)
    ax.plot(lags[~out], r[~out], "o", ms=4, color=SPLIT_COLORS["train"])
    if out.any():
        ax.plot(
            lags[out],
            r[out],
            "o",
            ms=5,
            color=SPLIT_COLORS["test"],
            label=f"outside the band ({int(out.sum())})",
        )
    ax.axhline(0.0, color="#444444", lw=0.8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("lag")
    ax.set_ylabel("correlation")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(True, alpha=0.25)


def plot_error_autocorrelation(lags, r, band, name="error") -> Figure:
    """The autocorrelation of the one-step errors at lags −L..L (1 at lag 0) with the
    band ±1.96/√N: outside it (red), the errors are not white noise."""
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    n_out = int(np.sum((np.abs(np.asarray(r)) > band) & (np.asarray(lags) != 0)))
    _correlation_panel(
        ax,
        lags,
        r,
        band,
        f"Autocorrelation of the errors of {name} "
        f"({n_out} of {len(lags) - 1} lags ≠ 0 outside the band)",
        True,
    )
    ax.set_ylim(min(-1.05 * band, float(np.min(r)) - 0.05), 1.05)
    return fig


def plot_input_error_crosscorrelation(curves: dict, target="y") -> Figure:
    """``curves``: input name -> (lags, r, band), r[k] = corr(x(t), e(t + lag_k)); one
    panel per input (at most four)."""
    names = list(curves)[:4]
    cols = min(len(names), 2)
    rows = int(np.ceil(len(names) / cols))
    fig = Figure(figsize=(6.4 if cols == 1 else 9.6, 3.8 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        lags, r, band = curves[name]
        _correlation_panel(
            ax, lags, r, band, f"Correlation of input {name}(t) with the error of {target}(t + lag)"
        )
        lim = max(2.5 * band, float(np.max(np.abs(r))) * 1.15)
        ax.set_ylim(-lim, lim)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return fig


def plot_horizon_errors(curves: dict, name="y", n_origins=None, held_out=True) -> Figure:
    """``curves``: name -> RMSE at horizons 1..H (the network first, then the baselines);
    one line each against the horizon (``held_out`` False: the origins' values were
    trained on, and the title says so)."""
    fig = Figure(figsize=(7.2, 4.2), layout="constrained")
    ax = fig.add_subplot()
    styles: list[dict[str, Any]] = [
        dict(color=SPLIT_COLORS["test"], lw=2.0, marker="o", ms=3.5),
        dict(color="#666666", lw=1.4, ls="--"),
        dict(color="#e8a10a", lw=1.4, ls="-."),
    ]
    for (label, rmse), style in zip(curves.items(), styles + styles[1:] * 3):
        r = np.asarray(rmse, float)
        ax.plot(np.arange(1, len(r) + 1), r, label=label, **style)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("horizon (steps ahead)")
    ax.set_ylabel(f"RMSE of {name}")
    over = f" over {n_origins} origins" if n_origins else ""
    seen = "" if held_out else " (times the network trained on)"
    ax.set_title(f"Closed-loop error against horizon{over}{seen}", fontsize=10)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, alpha=0.25)
    return fig


def _time_text(t) -> str:
    """A time for a title: 1921, 2020-03-01 (a day) or 2020-03-01 12:00."""
    if isinstance(t, np.datetime64):
        text = str(t.astype("datetime64[s]")).replace("T", " ")
        return text[:10] if text.endswith("00:00:00") else text[:16]
    if isinstance(t, (float, np.floating)) and float(t).is_integer():
        return str(int(t))
    return str(t)


def plot_closed_loop_forecast(
    times,
    values,
    origin,
    forecast,
    name="y",
    time_name="time",
    context=None,
    one_step=None,
    band=None,
    held_out=True,
) -> Figure:
    """A closed-loop forecast from position ``origin`` (fed only its own outputs, and
    the true exogenous inputs) beside the true values (``held_out``: that no training saw;
    False: values the network trained on, labelled so); ``context`` of the
    known values before it are drawn too (default: as many as the forecast, at least 20).
    ``one_step``: the one-step (open-loop) outputs over the same times, for comparison.
    ``band``: ``(lower, upper, label)``, a forecast interval over the first len(lower)
    steps, drawn shaded."""
    t = np.asarray(times)
    v = np.asarray(values, float)
    fc = np.asarray(forecast, float)
    h = len(fc)
    c = max(20, h) if context is None else int(context)
    lo = max(0, origin - c)
    fig = Figure(figsize=(9.6, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(t[lo:origin], v[lo:origin], "-", color="#222222", lw=1.2, label="known values")
    ax.plot(
        t[origin : origin + h],
        v[origin : origin + h],
        "-",
        color="#888888",
        lw=1.2,
        label="held-out truth" if held_out else "truth (trained on)",
    )
    if one_step is not None:
        ax.plot(
            t[origin : origin + h],
            np.asarray(one_step, float)[:h],
            ":",
            color=SPLIT_COLORS["validation"],
            lw=1.2,
            label="one-step outputs",
        )
    if band is not None:
        lo, hi, label = band
        k = min(len(lo), h)
        ax.fill_between(
            t[origin : origin + k],
            np.asarray(lo, float)[:k],
            np.asarray(hi, float)[:k],
            color=SPLIT_COLORS["test"],
            alpha=0.18,
            lw=0,
            label=label,
        )
    ax.plot(
        t[origin : origin + h],
        fc,
        "-",
        color=SPLIT_COLORS["test"],
        lw=1.6,
        label=f"closed-loop forecast ({h} steps)",
    )
    ax.axvline(t[origin], color="#999999", ls=":", lw=1)
    rmse = float(np.sqrt(np.mean((fc - v[origin : origin + h]) ** 2)))
    ax.set_title(
        f"Closed-loop forecast of {name} from {_time_text(t[origin])}: RMSE "
        f"{rmse:.4g} over "
        f"{h} steps",
        fontsize=10,
    )
    ax.set_xlabel(time_name)
    ax.set_ylabel(name)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, alpha=0.25)
    return fig
