"""Automatic structure for :class:`~bpnn.timeseries.BPForecaster`: delays and hidden width
chosen on a time-ordered validation block by closed-loop error.

The search calls the forecaster's own ``fit`` (no second training loop). With ``n`` rows
and a horizon ``H`` (the forecaster's ``horizon``):

1. the series is cut at ``c = n - n_val`` (``n_val`` = max(20 % of n, 2 H + 10); when
   that leaves fewer than max(30, n / 2) rows to fit, H is shortened until it does); every
   candidate is fitted on rows ``0..c-1`` only, and the candidates themselves are suggested
   from those rows only: nothing at or after ``c`` is read before scoring;
2. each fitted candidate forecasts ``H`` steps closed loop from every origin
   ``s = c, ..., n - H``, from the true values before ``s`` (and the true exogenous
   inputs, known in advance by the NARX contract); its score is the mean squared error of
   those forecasts over all origins and steps 1..H, in units of the variance of the
   fitted rows (one number per candidate, the same for every target);
3. the lowest score wins: first among the delay candidates (at the first width), then
   among widths for the winning delays (a wider network only when the best so far uses
   most of its weights: Bayesian regularisation's effective number of parameters γ at
   least 60 % of them, it has no more weights than fitted rows, and the best score so far
   is below 0.05, a series the network already forecasts well; it wins only with a score
   below 0.8 times the narrower one's).

Delay candidates come from what the fitted rows show (functions below, plain NumPy):
MATLAB's ``1:2``; ``1:p`` with p the last lag whose partial autocorrelation is outside
±1.96/√N; ``1:p`` with p the AIC order of a least-squares AR model; ``1:m`` with m a season
(a local peak above 0.3 of the autocorrelation of the differences); for chaotic-looking
series the delay vector of a false-nearest-neighbour embedding, ``1, 1+τ, ..., 1+(d-1)τ``.
Exogenous delays: ``1:2`` and ``1:k`` with k the last lag whose cross-correlation with y is
outside the band.

Differences: when the feedback delays are searched, ``difference`` is "auto" and the fitted
rows have a trend (:func:`trend_share` at least :data:`TREND_R2`) or the best model of the
values forecasts the validation windows worse than persistence does, models of the first and
(with a season m) seasonal differences are fitted too, with MATLAB's ``1:2`` and the AIC
order of the differences, and scored on the values like the rest; one wins only with a
score below :data:`DIFFERENCE_MARGIN` times the best model of the values.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = [
    "DEFAULT_HORIZON",
    "WIDTHS",
    "ar_aic_order",
    "embedding",
    "find_season",
    "input_delay_candidates",
    "pacf",
    "delay_candidates",
    "difference_candidates",
    "difference_text",
    "search_structure",
]

#: the horizon (steps) the search scores when the forecaster's ``horizon`` is None
DEFAULT_HORIZON = 10
#: hidden widths: the first is used while choosing delays, the rest are tried after
WIDTHS = (4, 10, 2)
#: the largest lag a candidate may use, whatever the series' length
MAX_LAG = 36
#: a wider network is tried when the best one's effective weights (br's γ) are at least
#: this share of its weights
USED_FOR_WIDER = 0.6
#: ... and is kept only when its score is below this share of the narrower one's
WIDER_MARGIN = 0.8
#: ... and tried only when the best score so far is below this (in units of the variance)
SMOOTH_SCORE = 0.05
#: differences (first, seasonal) are tried when the fitted rows have a trend (a straight
#: line in time explains at least this share of their variance): a trend is what a network
#: of tanh units fitted on the values cannot carry beyond the fitted range; or when the
#: best model of the values forecasts the validation windows worse than persistence ...
TREND_R2 = 0.5
#: ... and win only with a score below this share of the best model of the values
DIFFERENCE_MARGIN = 0.8


# -- what the series shows ------------------------------------------------------------------
def _acf(y, nlags):
    """Autocorrelation r[0..nlags] (biased estimate, r[0] = 1)."""
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    den = float(y @ y)
    if den <= 0:
        return np.r_[1.0, np.zeros(nlags)]
    return np.array([1.0] + [float(y[k:] @ y[: len(y) - k]) / den for k in range(1, nlags + 1)])


def pacf(y, nlags):
    """Partial autocorrelation at lags 1..nlags (Durbin–Levinson recursion on the
    autocorrelation: phi_kk = (r_k - Σ_j phi_{k-1,j} r_{k-j}) / (1 - Σ_j phi_{k-1,j} r_j))."""
    r = _acf(y, nlags)
    out, phi = np.zeros(nlags), np.zeros(0)
    for k in range(1, nlags + 1):
        den = 1.0 - float(phi @ r[1:k])
        a = (r[k] - float(phi @ r[k - 1 : 0 : -1])) / den if abs(den) > 1e-12 else 0.0
        phi = np.r_[phi - a * phi[::-1], a]
        out[k - 1] = a
    return out


def ar_aic_order(y, maxlag):
    """The order p in 1..maxlag of the least-squares AR(p) model with an intercept with the
    lowest AIC, N log(σ²) + 2 (p + 1), all orders fitted on the same N = len - maxlag rows."""
    y = np.asarray(y, dtype=np.float64)
    n = len(y) - maxlag
    if n <= maxlag + 2:
        return 1
    Z = np.column_stack([np.ones(n)] + [y[maxlag - d : len(y) - d] for d in range(1, maxlag + 1)])
    t = y[maxlag:]
    best = (np.inf, 1)
    for p in range(1, maxlag + 1):
        coef, *_ = np.linalg.lstsq(Z[:, : p + 1], t, rcond=None)
        s2 = float(np.mean((t - Z[:, : p + 1] @ coef) ** 2))
        aic = n * np.log(max(s2, 1e-300)) + 2 * (p + 1)
        best = min(best, (aic, p))
    return best[1]


def find_season(y, maxlag):
    """A season m in 3..maxlag: the highest local peak of the autocorrelation of the first
    differences (a trend does not mask it) when that peak is above 0.3; else None."""
    d = np.diff(np.asarray(y, dtype=np.float64))
    if maxlag < 3 or len(d) < 2 * maxlag:
        return None
    r = _acf(d, maxlag + 1)
    peaks = [m for m in range(3, maxlag + 1) if r[m] > r[m - 1] and r[m] >= r[m + 1]]
    peaks = [m for m in peaks if r[m] > 0.3]
    return max(peaks, key=lambda m: r[m]) if peaks else None


def embedding(y, max_dim=6, rtol=10.0, atol=2.0, threshold=0.05):
    """``(d, τ)`` of a delay embedding, or None when the series does not unfold (noise).

    τ: the first lag where the autocorrelation falls below 1/e. d: the smallest dimension
    whose share of false nearest neighbours (Kennel, Brown & Abarbanel 1992: the distance
    grows by more than ``rtol`` times, or beyond ``atol`` standard deviations, when the
    next delay coordinate is added) is below ``threshold``.
    """
    from scipy.spatial import cKDTree

    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    r = _acf(y, max(2, n // 4))
    below = np.flatnonzero(r < 1 / np.e)
    if not below.size:
        return None
    tau = int(below[0])
    sd = float(np.std(y)) or 1.0
    for d in range(1, max_dim + 1):
        m = n - d * tau
        if m < 20:
            return None
        V = np.column_stack([y[(d - k) * tau : (d - k) * tau + m] for k in range(d)])
        nxt = y[:m]  # the coordinate y(t - d τ) a dimension d + 1 would add
        dist, idx = cKDTree(V).query(V, k=2)
        R, j = np.maximum(dist[:, 1], 1e-12), idx[:, 1]
        grow = np.abs(nxt - nxt[j])
        false = (grow / R > rtol) | (np.sqrt(R**2 + grow**2) / sd > atol)
        if float(np.mean(false)) < threshold:
            return d, tau
    return None


def delay_candidates(y, maxlag):
    """Feedback-delay candidates ``[(why, delays), ...]`` from the series y (T, n_y) (the
    first target is read), distinct, in a fixed order."""
    v = np.asarray(y, dtype=np.float64)[:, 0]
    band = 1.96 / np.sqrt(len(v))
    out = [("MATLAB's 1:2", tuple(range(1, min(2, maxlag) + 1)))]
    p_aic = ar_aic_order(v, maxlag)
    sig = np.flatnonzero(np.abs(pacf(v, maxlag)) > band)
    p_pacf = int(sig[-1]) + 1 if sig.size else 0
    if p_pacf and abs(p_pacf - p_aic) > 0.2 * p_aic:  # a near twin of the AIC order is not tried
        out.append(("partial autocorrelation", tuple(range(1, p_pacf + 1))))
    out.append(("AR order by AIC", tuple(range(1, p_aic + 1))))
    m = find_season(v, maxlag - 1)
    if m is not None:
        out.append((f"season {m}", tuple(range(1, m + 2))))
    emb = embedding(v)
    if emb is not None:
        d, tau = emb
        if 1 + (d - 1) * tau <= maxlag and d > 1:
            out.append((f"embedding d={d}, tau={tau}", tuple(1 + k * tau for k in range(d))))
    seen, uniq = set(), []
    for why, dl in out:
        if dl not in seen:
            seen.add(dl)
            uniq.append((why, dl))
    return uniq


def trend_share(y):
    """The share of the first series' variance a least-squares straight line in time
    explains (R², 0 for a constant series)."""
    v = np.asarray(y, dtype=np.float64)[:, 0]
    t = np.arange(len(v), dtype=np.float64)
    t -= t.mean()
    vc = v - v.mean()
    den = float(vc @ vc) * float(t @ t)
    return float((t @ vc) ** 2 / den) if den > 0 else 0.0


def difference_candidates(y, maxlag):
    """Difference lags to try ``[(k, why), ...]``: 1 (first differences), and the season
    m of :func:`find_season` when there is one (seasonal differences y(t) - y(t - m))."""
    out = [(1, "first differences")]
    m = find_season(np.asarray(y, dtype=np.float64)[:, 0], maxlag - 1)
    if m is not None and m > 1:
        out.append((m, f"seasonal differences (season {m})"))
    return out


def _difference_delays(W, maxlag):
    """Feedback delays for a series of differences: MATLAB's 1:2 and the AIC order."""
    p = ar_aic_order(np.asarray(W, dtype=np.float64)[:, 0], maxlag)
    out = [("MATLAB's 1:2", (1, 2))]
    if p > 2:
        out.append(("AR order by AIC", tuple(range(1, p + 1))))
    return out


def input_delay_candidates(y, X, maxlag):
    """Input-delay candidates from the cross-correlation of each input x(t - k) with y(t),
    k = 1..maxlag: MATLAB's 1:2 and 1:k for the last k outside ±1.96/√N."""
    out = [("MATLAB's 1:2", (1, 2))]
    yv = np.asarray(y, dtype=np.float64)[:, 0]
    yc = yv - yv.mean()
    last = 0
    for j in range(X.shape[1]):
        x = X[:, j] - X[:, j].mean()
        den = np.sqrt(float(x @ x) * float(yc @ yc)) or 1.0
        for k in range(1, maxlag + 1):
            if abs(float(x[: len(x) - k] @ yc[k:]) / den) > 1.96 / np.sqrt(len(yv)):
                last = max(last, k)
    if last and tuple(range(1, last + 1)) != (1, 2):
        out.append(("cross-correlation", tuple(range(1, last + 1))))
    return out


# -- the search -------------------------------------------------------------------------------
def _plan(n, horizon):
    """(cut, horizon used): rows 0..cut-1 fit the candidates; origins cut..n-H score them."""
    H = int(horizon)
    n_val = max(int(np.ceil(0.2 * n)), 2 * H + 10)
    least = max(30, n // 2)  # the candidates fit on at least half the series
    if n - n_val < least:  # too short for the asked horizon: shorten it (at least 1)
        H = max(1, (n - least - 10) // 2)
        n_val = max(int(np.ceil(0.2 * n)), 2 * H + 10)
    return n - n_val, H


def _score(model, Y, Xa, cut, H, var):
    """Mean squared closed-loop error over origins cut..n-H and steps 1..H, / var."""
    from .diagnostics import rolling_forecasts

    _, fc, truth = rolling_forecasts(model, Y, Xa, horizon=H, start=cut)
    if not np.all(np.isfinite(fc)):
        return np.inf
    return float(np.mean((fc - truth) ** 2 / var))


def _persistence_score(Y, cut, H, var):
    """The same score for the persistence forecast (the last value before each origin)."""
    n = Y.shape[0]
    err = [(Y[s : s + H] - Y[s - 1]) ** 2 / var for s in range(cut, n - H + 1)]
    return float(np.mean(err))


def search_structure(est, Y, Xa, auto, fixed, horizon):
    """Choose the structure of the forecaster ``est`` by closed-loop validation.

    Parameters
    ----------
    est : BPForecaster (its settings are used for every candidate's fit)
    Y, Xa : checked series (T, n_y) and (T, n_x) or None
    auto : set of the names searched ("feedback_delays", "input_delays", "hidden")
    fixed : dict of the values of the others (tuples)
    horizon : int, the steps ahead scored

    Returns
    -------
    (chosen, search): chosen a dict with ``feedback_delays``, ``input_delays``, ``hidden``;
    search a dict with ``candidates`` (each: the structure, ``why``, ``score``, ``fit_s``),
    ``fit_rows``, ``origins`` (first, last), ``horizon``, ``persistence_score`` (the same
    score of the last value before each origin), ``time_s``, ``summary``, and ``_model``:
    the chosen candidate fitted on the rows before the validation block (or None), which
    :class:`BPForecaster` takes out before keeping the rest.
    """
    from sklearn.base import clone

    t0 = time.perf_counter()
    n = Y.shape[0]
    cut, H = _plan(n, horizon)
    maxlag = int(min(MAX_LAG, max(2, cut // 5)))
    head_y = Y[:cut]  # candidates are suggested from the fitted rows only
    fb_c = (
        delay_candidates(head_y, maxlag)
        if "feedback_delays" in auto
        else [("given", fixed["feedback_delays"])]
    )
    in_c = (
        input_delay_candidates(head_y, Xa[:cut], maxlag)
        if "input_delays" in auto
        else [("given", fixed["input_delays"])]
    )
    widths = WIDTHS if "hidden" in auto else (fixed["hidden"],)
    widths = [w if isinstance(w, tuple) else (w,) for w in widths]
    var = np.maximum(np.var(head_y, axis=0), 1e-300)
    seed = int(np.random.default_rng(est.split_seed_).integers(np.iinfo(np.int32).max))
    tried = []
    models = {}  # structure -> the candidate fitted on rows 0..cut-1 (for the intervals)
    k0 = int(fixed.get("difference") or 0)  # the difference lag when it is not searched

    def run(fb, ind, hid, why, k=k0):
        for c in tried:
            if (c["feedback_delays"], c["input_delays"], c["hidden"], c["difference"]) == (
                fb, ind, hid, k,
            ):  # fmt: skip
                return c
        m = clone(est).set_params(
            feedback_delays=fb, input_delays=ind, hidden=hid, horizon=None,
            closed_loop_horizon=None, random_state=seed, verbose=False, warn=False,
            algorithm=est._algorithm, division=est._division, preset="default",
            n_ensemble=1,  # the structure is chosen for one network; an ensemble repeats it
            difference=k,
        )  # fmt: skip
        t = time.perf_counter()
        score, used = np.inf, None
        if cut > max((*fb, *ind, 0)) + k + 10:
            m.fit(Y[:cut], None if Xa is None else Xa[:cut])
            score = _score(m, Y, Xa, cut, H, var)
            models[(fb, ind, hid, k)] = m
            gamma = m.record_.extra.get("gamma")  # Bayesian regularisation's γ
            if gamma:
                used = float(gamma[-1]) / m.network_.n_params
        c = dict(
            feedback_delays=fb, input_delays=ind, hidden=hid, difference=k, why=why,
            score=score, fit_s=time.perf_counter() - t, weights_used=used,
        )  # fmt: skip
        tried.append(c)
        return c

    best = None
    for fw, fb in fb_c:  # feedback delays at the first width, the first input delays
        iw, ind = in_c[0]
        why = fw if iw == "given" or len(in_c) == 1 else f"{fw}; inputs {iw}"
        c = run(fb, ind if Xa is not None else (), widths[0], why)
        best = c if best is None or c["score"] < best["score"] else best
    if len(in_c) > 1 and Xa is not None:  # the inputs' alternatives with the best feedback
        for iw, ind in in_c[1:]:
            c = run(best["feedback_delays"], ind, widths[0], f"inputs {iw}")
            best = c if c["score"] < best["score"] else best
    base = _persistence_score(Y, cut, H, var)
    drifts = trend_share(head_y) >= TREND_R2 or best["score"] > base
    if "difference" in auto and "feedback_delays" in auto and drifts:
        # a trend or a season the values' network does not carry beyond the fitted range:
        # the same search on first and on seasonal differences, scored on the values
        levels = best
        for k, what in difference_candidates(head_y, maxlag):
            W = head_y[k:] - head_y[:-k]
            for fw, fb in _difference_delays(W, maxlag):
                c = run(fb, best["input_delays"], widths[0], f"{what}; {fw}", k=k)
                if c["score"] < DIFFERENCE_MARGIN * levels["score"] and (
                    best is levels or c["score"] < best["score"]
                ):
                    best = c
    n_x = 0 if Xa is None else Xa.shape[1]

    def n_in(c):
        return len(c["feedback_delays"]) * Y.shape[1] + len(c["input_delays"]) * n_x

    for w in widths[1:]:
        # a wider network is tried only where it can pay: with Bayesian regularisation,
        # when the best network so far uses most of its weights (effective number γ at
        # least USED_FOR_WIDER of them, MATLAB's trainbr advice), and never with more
        # weights than fitted rows; without γ, when it has at most a third as many
        size = (n_in(best) + 1) * w[0] + (w[0] + 1) * Y.shape[1]
        used = best.get("weights_used")
        room = size <= cut and used >= USED_FOR_WIDER if used is not None else size <= cut / 3
        # ... and only for a series the network already forecasts well: where noise
        # dominates the validation error, more units fit the noise (and cost the most)
        room = room and best["score"] < SMOOTH_SCORE
        wider = w[0] > widths[0][0]
        if wider and not room:
            continue
        c = run(best["feedback_delays"], best["input_delays"], w, best["why"], best["difference"])
        # the wider network must be clearly better (a noisy series' validation error moves
        # by some percent between near-equal models; a smooth one's by orders of magnitude)
        margin = WIDER_MARGIN if wider else 1.0
        best = c if c["score"] < margin * best["score"] else best
    if not np.isfinite(best["score"]):  # nothing could be scored: MATLAB's structure
        best = dict(
            best, feedback_delays=fb_c[0][1], input_delays=in_c[0][1] if Xa is not None else ()
        )
    chosen = {k: best[k] for k in ("feedback_delays", "input_delays", "hidden", "difference")}
    key = (chosen["feedback_delays"], chosen["input_delays"], chosen["hidden"], best["difference"])
    search = {
        # not stored: the chosen candidate, fitted on rows 0..cut-1, whose closed-loop
        # residuals after the cut calibrate the forecast intervals of a model that trains
        # its final network on every row (division None); the forecaster pops it
        "_model": models.get(key),
        "persistence_score": base,
        "candidates": tried,
        "fit_rows": int(cut),
        "origins": [int(cut), int(n - H)],
        "horizon": int(H),
        "time_s": time.perf_counter() - t0,
        "summary": _summary(chosen, best, H)
        + (
            f"; persistence scores {base:.3g} there: on these validation windows the "
            "network forecasts no better than repeating the last value"
            if best["score"] > base
            else ""
        ),
    }
    return chosen, search


def _text(d):
    d = list(d)
    if not d:
        return "none"
    if len(d) > 2 and d == list(range(d[0], d[-1] + 1)):
        return f"{d[0]}:{d[-1]}"
    return ",".join(map(str, d))


def difference_text(k):
    """How a difference lag reads: "first differences", "differences at lag 12"."""
    return "first differences" if k == 1 else f"differences at lag {k}"


def _summary(chosen, best, H):
    parts = [f"feedback delays {_text(chosen['feedback_delays'])}"]
    if chosen.get("difference"):
        parts.insert(0, difference_text(chosen["difference"]))
    if chosen["input_delays"]:
        parts.append(f"input delays {_text(chosen['input_delays'])}")
    parts.append(
        f"{'-'.join(map(str, chosen['hidden']))} hidden"
        if chosen["hidden"]
        else "no hidden layer (linear)"
    )
    score = f"closed-loop validation error at {H} steps {best['score']:.3g}"
    return f"{', '.join(parts)} ({best['why']}; {score})"
