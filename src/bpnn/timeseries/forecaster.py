"""``BPForecaster``: NAR, NARX and time-delay networks trained by bpnn's trainer.

The estimator turns series into lagged rows (:mod:`.lags`), trains one
:class:`~bpnn.network.Network` on them open loop with :func:`bpnn.train` (every algorithm,
validation stop and the record), and forecasts closed loop (:mod:`.closed_loop`). See
docs/timeseries.md for the MATLAB mapping and the reasons behind the choices below.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..activations import get_activation
from ..algorithms import get_algorithm
from ..data import divide
from ..estimators import _check_hidden, _check_number, diagnose
from ..losses import get_loss
from ..network import Network
from ..preprocessing import SCALINGS, TargetScaler
from ..record import TrainingRecord
from ..trainer import Trainer, train
from .closed_loop import ClosedLoopObjective, simulate, windows
from .lags import as_series, check_time_index, lag_matrix, lag_names, max_delay, parse_delays

__all__ = ["BPForecaster", "narnet", "narxnet", "timedelaynet"]

_DIVISIONS = ("block", "random", "interleaved", None, "none", "auto")

#: What a parameter left at "auto" means under each preset. "default": delays and width
#: chosen by :func:`.structure.search_structure`, Bayesian regularisation on every row
#: (the search validated the structure; the final fit keeps the latest values). "matlab":
#: narnet / narxnet's structure and training exactly.
PRESETS: dict[str, dict] = {
    "default": {
        "feedback_delays": "auto",
        "input_delays": "auto",
        "hidden": "auto",
        "algorithm": "br",
        "division": None,
        "difference": "auto",
    },
    "matlab": {
        "feedback_delays": (1, 2),
        "input_delays": (1, 2),
        "hidden": (10,),
        "algorithm": "lm",
        "division": "block",
        "difference": 0,
    },
}
_STRUCTURE = ("feedback_delays", "input_delays", "hidden")
#: the fewest rows the automatic structure searches on (fewer: MATLAB's structure)
MIN_SEARCH_ROWS = 60


class BPForecaster(BaseEstimator):
    """A BP network for time series: NAR, NARX or time-delay (input-output), MATLAB's
    narnet / narxnet / timedelaynet on bpnn's trainer.

    ``y(t) = f(x(t-d) for d in input_delays, y(t-d) for d in feedback_delays)``: NAR when
    ``fit`` gets no X, NARX with exogenous series X, time-delay with ``feedback_delays=()``.
    Training is open loop (series-parallel: the true past values of y are inputs);
    :meth:`predict` forecasts closed loop from the end of the series, each prediction fed
    back. The signature follows sktime's and skforecast's: ``fit(y, X=None)``,
    ``predict(steps, X=None, last_window=None)``.

    Parameters
    ----------
    feedback_delays : delays of y, ints >= 1 (MATLAB's ``1:2`` is ``(1, 2)`` or ``"1:2"``);
        ``()`` for a time-delay network; or "auto" (the default): chosen by the automatic
        structure search (:mod:`.structure`; MATLAB's (1, 2) under ``preset="matlab"``).
    input_delays : delays of X, ints >= 0 (0: x(t) itself), or "auto" (the default, as
        above); used when ``fit`` gets X.
    hidden : int, tuple of int, or "auto" (the default: one layer, its width searched;
        (10,) under ``preset="matlab"``)
    activation : hidden activation(s), default "tansig"; output_activation : "purelin"
    loss : "mse" (default), "sse" or "mae"
    algorithm : any registered algorithm, or "auto" (the default: "br", Bayesian
        regularisation; "lm", MATLAB's trainlm, under ``preset="matlab"``); algorithm_params
    epochs, goal, max_fail, min_grad, time_limit : the trainer's stopping rules
        (defaults 1000, 0, 6, the algorithm's, none)
    division : "auto" (default: None under the default preset, every row trains, the search
        having validated the structure; "block" under ``preset="matlab"``), "block"
        (MATLAB's divideblock), "random", "interleaved" or None
        Splits the lagged rows (one per target time) into training / validation / test by
        ``ratios`` (default 0.70, 0.15, 0.15). "block" keeps time order: validation and
        test come after every training row, so early stopping and the test error measure
        forecasting of the unseen future.
    scaling : "minmax" (default, [-1, 1] as mapminmax), "minmax01", "standard" or "none"
        One map per series (each target and each exogenous series), fitted on the values
        the training rows read only, shared by a series' lags and its target (so an output
        can be fed back as an input unchanged).
    init, l2, n_restarts, shuffle, random_state, verbose, warn : as for BPRegressor
    closed_loop_horizon : int or None
        After the open-loop fit, fine-tune the network closed loop over windows of this
        many steps (:meth:`fine_tune_closed_loop`).
    closed_loop_algorithm : str or None (the ``algorithm``); closed_loop_epochs : int, 100
    preset : "default" or "matlab"
        What the parameters left at "auto" take (:data:`PRESETS`): the automatic structure
        and br on every row, or MATLAB's narnet/narxnet (1:2, 10 hidden, lm, block).
    horizon : int or None
        The steps ahead at which the automatic structure scores its candidates' closed-loop
        forecasts (None: 10, :data:`.structure.DEFAULT_HORIZON`).
    difference : "auto" (default), 0, or an int k >= 1
        Model the differences ``w(t) = y(t) - y(t-k)`` instead of the values: the network's
        inputs and output are differences (their delays count in steps of w), and a forecast
        adds each predicted difference to the value k steps before it (true or forecast), so
        a trend or a season carries on beyond the fitted range. 0: the values themselves;
        1: first differences; k = a season: seasonal differences. "auto": when the
        structure is searched, the search also scores first and seasonal differences
        (:mod:`.structure`) and keeps what forecasts best on its validation windows; when
        nothing is searched (delays and width given, or ``preset="matlab"``), 0.
    n_ensemble : int, default 1
        Train this many networks (each with its own seeds drawn in turn from
        ``random_state``, and with a random division its own split) and average their
        forecasts: each member runs its own closed loop and the trajectories are averaged
        (:meth:`predict_members` gives each one's). Member 0 is the network of
        ``n_ensemble=1``. The series' scaling is fitted on member 0's training times.
        :meth:`fine_tune_closed_loop` tunes every member (each on its own split);
        ``time_limit`` and ``n_restarts`` apply to each member's fit.
    interval_horizon : int or None
        The steps 1..H for which :meth:`predict_interval` is calibrated (conformal on
        rolling-origin closed-loop residuals at held-out times, :mod:`.intervals`); None:
        the longest H <= 100 (at most a quarter of the held-out times) that leaves >= 19
        origins.

    Attributes
    ----------
    network_, record_ (open-loop TrainingRecord; ``train_idx``/``val_idx``/``test_idx`` are
    positions in the fitted series of the target times), algorithm_,
    closed_loop_record_ (None unless fine-tuned), feedback_delays_, input_delays_,
    max_delay_, target_names_, exog_names_ (the network's exogenous inputs: with text
    columns in X, their encoded names such as ``day=Mon``), n_targets_, n_exog_,
    exog_map_ (the table map of X's text, boolean and category columns, or None), y_map_,
    x_map_
    (TargetScaler per series), structure_ (the searched structure and a summary; None when
    nothing was searched), structure_search_ (every candidate's structure, reason, score
    and fit time; the validation rows and origins; the search's time), closed_loop_guard_
    (what :meth:`fine_tune_closed_loop` kept, and why), networks_ / records_ / split_seeds_
    (every member's; the attributes without the s are member 0's), closed_loop_records_,
    interval_scores_ (n_origins, H, n_targets) sorted absolute residuals per step, or None,
    and interval_origins_ (their origins), time_name_ (the name of the
    fitted pandas index, e.g. the time column, or None), last_y_ / last_X_ (the last
    max_delay_ rows, in their units, where forecasts continue from), n_series_ (rows
    fitted), split_seed_, diagnosis_.
    """

    def __init__(
        self,
        feedback_delays="auto",
        input_delays="auto",
        hidden="auto",
        activation="tansig",
        output_activation="purelin",
        loss="mse",
        algorithm="auto",
        algorithm_params=None,
        epochs=1000,
        goal=0.0,
        max_fail=6,
        min_grad=None,
        time_limit=None,
        division="auto",
        ratios=(0.70, 0.15, 0.15),
        scaling="minmax",
        init="nguyen-widrow",
        l2=0.0,
        n_restarts=1,
        shuffle=True,
        closed_loop_horizon=None,
        closed_loop_algorithm=None,
        closed_loop_epochs=100,
        n_ensemble=1,
        interval_horizon=None,
        preset="default",
        horizon=None,
        difference="auto",
        random_state=None,
        verbose=False,
        warn=True,
    ):
        self.feedback_delays, self.input_delays = feedback_delays, input_delays
        self.hidden, self.activation, self.output_activation = hidden, activation, output_activation
        self.loss, self.algorithm, self.algorithm_params = loss, algorithm, algorithm_params
        self.epochs, self.goal, self.max_fail, self.min_grad = epochs, goal, max_fail, min_grad
        self.time_limit, self.division, self.ratios = time_limit, division, ratios
        self.scaling, self.init, self.l2 = scaling, init, l2
        self.n_restarts, self.shuffle = n_restarts, shuffle
        self.closed_loop_horizon = closed_loop_horizon
        self.closed_loop_algorithm, self.closed_loop_epochs = (
            closed_loop_algorithm,
            closed_loop_epochs,
        )
        self.n_ensemble, self.interval_horizon = n_ensemble, interval_horizon
        self.preset, self.horizon, self.difference = preset, horizon, difference
        self.random_state, self.verbose, self.warn = random_state, verbose, warn

    # -- checks -----------------------------------------------------------------------------
    def effective_params(self) -> dict:
        """The settings a fit uses: every parameter, with those left at "auto"
        (``feedback_delays``, ``input_delays``, ``hidden``, ``algorithm``, ``division``)
        replaced by the value of ``preset`` (see :data:`PRESETS`); under the default preset
        the structure stays "auto" (searched in ``fit``)."""
        if self.preset not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {self.preset!r}")
        out = self.get_params(deep=False)
        for name, value in PRESETS[self.preset].items():
            if isinstance(out[name], str) and out[name] == "auto":
                out[name] = value
        return out

    @property
    def _algorithm(self):
        """The training algorithm's name (``algorithm``, or the preset's for "auto")."""
        return self.effective_params()["algorithm"]

    @property
    def _division(self):
        """The division (``division``, or the preset's for "auto")."""
        return self.effective_params()["division"]

    def _check_params(self):
        self._eff = eff = self.effective_params()
        h = eff["hidden"]
        self._hidden = None if isinstance(h, str) and h == "auto" else _check_hidden(h)
        if self.horizon is not None:
            _check_number("horizon", self.horizon, low=1, integer=True)
        d = eff["difference"]
        if not (isinstance(d, str) and d == "auto"):
            _check_number("difference", d, low=0, integer=True)
        for name in ("epochs", "max_fail", "n_restarts", "closed_loop_epochs", "n_ensemble"):
            _check_number(name, getattr(self, name), low=0 if "epochs" in name else 1, integer=True)
        _check_number("goal", self.goal, low=0)
        _check_number("l2", self.l2, low=0)
        if self.time_limit is not None:
            _check_number("time_limit", self.time_limit, low=0, allow_inf=True)
        if self.min_grad is not None:
            _check_number("min_grad", self.min_grad, low=0)
        if self.closed_loop_horizon is not None:
            _check_number("closed_loop_horizon", self.closed_loop_horizon, low=1, integer=True)
        if self.interval_horizon is not None:
            _check_number("interval_horizon", self.interval_horizon, low=1, integer=True)
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {sorted(SCALINGS)}, got {self.scaling!r}")
        if self.division not in _DIVISIONS:
            raise ValueError(
                "division must be 'auto', 'block', 'random', 'interleaved' or None, "
                f"got {self.division!r}"
            )
        if self.algorithm_params is not None and not isinstance(self.algorithm_params, dict):
            raise ValueError(f"algorithm_params must be a dict, got {self.algorithm_params!r}")
        get_algorithm(self._algorithm, **(self.algorithm_params or {}))  # names checked
        get_loss(self.loss).check_output(get_activation(self.output_activation))
        if self._hidden is not None:
            self._activations()
        elif isinstance(self.activation, (list, tuple)) and len(self.activation) != 1:
            raise ValueError(
                f"hidden='auto' chooses one hidden layer: give one activation, got "
                f"{self.activation!r}"
            )

    def _activations(self):
        act = self.activation
        n = len(self._hidden)
        hidden = list(act) if isinstance(act, (list, tuple)) else [act] * n
        if len(hidden) != n:
            raise ValueError(
                f"activation lists {len(hidden)} functions for {n} hidden layers: {act!r}"
            )
        return [get_activation(a).spec() for a in hidden] + [
            get_activation(self.output_activation).spec()
        ]

    def _delays(self, with_x):
        """(feedback delays, input delays): tuples, or "auto" where the search chooses."""
        eff = self._eff

        def get(name, minimum):
            v = eff[name]
            return "auto" if isinstance(v, str) and v == "auto" else parse_delays(v, name, minimum)

        fb = get("feedback_delays", 1)
        ind = get("input_delays", 0) if with_x else ()
        if not fb and not with_x:
            raise ValueError(
                "feedback_delays is empty and fit got no X: the network would "
                "have no inputs (give feedback delays for a NAR network, or "
                "exogenous series X for a time-delay network)"
            )
        if with_x and not ind:
            raise ValueError(
                "fit got exogenous series X but input_delays is empty; give "
                "input delays (e.g. (1, 2)) or leave X out for a NAR network"
            )
        return fb, ind

    def _series(self, y, X):
        """(y (T, n_y), names, X (T, n_x) or None, names) checked; pandas indexes too."""
        Y, y_names = as_series(y, "y", "y")
        Xa, x_names = (None, None) if X is None else as_series(X, "X", "x")
        for obj, name in ((y, "y"), (X, "X")):
            if hasattr(obj, "index") and hasattr(obj, "to_numpy"):
                check_time_index(obj.index, name)
        if Xa is not None and Xa.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X has {Xa.shape[0]} rows but y has {Y.shape[0]}: one row per time step"
            )
        return Y, y_names, Xa, x_names

    # -- division and scaling ---------------------------------------------------------------
    def _divide(self, n_rows):
        """Row indices (train, val, test) of the lagged rows, by ``division``."""
        what = f"{n_rows} lagged rows (the series less its {self.max_delay_} initial values)"
        try:
            parts = divide(
                n_rows,
                self._division,
                tuple(self.ratios),
                seed=np.random.default_rng(self.split_seed_),
            )
        except ValueError as exc:
            raise ValueError(f"{what} are too few to divide: {exc}") from None
        if self._division not in (None, "none"):
            for name, part, r in zip(("validation", "test"), parts[1:], self.ratios[1:]):
                if r > 0 and not len(part):
                    raise ValueError(
                        f"{what} are too few to divide by ratios "
                        f"{tuple(self.ratios)!r}: the {name} set would be "
                        "empty; give more data or division=None"
                    )
        return parts

    @property
    def _k(self) -> int:
        """The lag of the modelled differences (0: the values; files without it: 0)."""
        return int(self.__dict__.get("difference_", 0) or 0)

    def _work(self, Y, Xa):
        """The series the network models: ``(W, X)`` with W(j) = Y(j + k) - Y(j) and X's
        rows from k on (aligned with W), or Y and X themselves when k = 0. A position p of
        Y is position p - k of W; delays count in W's steps."""
        k = self._k
        if not k or Y is None:
            return Y, Xa
        return Y[k:] - Y[:-k], None if Xa is None else Xa[k:]

    def _integrate(self, dW, base):
        """Values from forecast differences ``dW`` (..., B, H, n_y) and the k true values
        before each run's first step ``base`` (B, k, n_y): y(s + h) = w(s + h) + y(s + h - k),
        the value k steps back being true (h < k) or the run's own forecast."""
        k = base.shape[1]
        out = np.empty_like(dW)
        for h in range(dW.shape[-2]):
            out[..., h, :] = dW[..., h, :] + (base[:, h] if h < k else out[..., h - k, :])
        return out

    def _rolling(self, Y, Xa, origins, H):
        """Every member's closed-loop run of H steps from each origin s (a position of the
        series Y, s >= max_delay_, s + H <= len(Y)), from the true values before s (and
        X over the window): (k, B, H, n_y) in the series' units."""
        origins = np.asarray(origins, dtype=np.int64)
        k = self._k
        Yw, Xw = self._work(Y, Xa)
        ys, xs = self._scaled(Yw, Xw)
        hist, x_seq, _ = windows(ys, xs, origins - k, H, self.feedback_delays_, self.input_delays_)
        paths = self._member_paths(hist, x_seq, H)
        if not k:
            return paths
        return self._integrate(paths, np.stack([Y[s - k : s] for s in origins]))

    def _one_step_members(self, Y, Xa):
        """Each member's one-step predictions of the targets at positions max_delay_ ..
        len(Y) - 1 from the true values before them: a list of (len(Y) - max_delay_, n_y)
        arrays in the series' units."""
        k = self._k
        Yw, Xw = self._work(Y, Xa)
        Z, _ = lag_matrix(*self._scaled(Yw, Xw), self.feedback_delays_, self.input_delays_)
        if not len(Z):
            return [np.empty((0, self.n_targets_)) for _ in self._members()]
        base = Y[self.max_delay_ - k : Y.shape[0] - k] if k else 0.0
        return [self.y_map_.inverse_transform(n.predict(Z)) + base for n in self._members()]

    def lagged_inputs(self, y, X=None):
        """The network's inputs for every target time of the series, in the series' units:
        ``(Z, targets)``, Z (T - max_delay_, n_inputs) with the columns of
        :meth:`input_names` (lagged differences when ``difference_`` > 0) and the targets
        (T - max_delay_, n_y) the values they predict."""
        check_is_fitted(self, "network_")
        Y, Xa = self._check_like_fit(y, X)
        Yw, Xw = self._work(Y, Xa)
        Z, _ = lag_matrix(Yw, Xw, self.feedback_delays_, self.input_delays_)
        return Z, Y[self.max_delay_ :]

    def _positions(self, rows, delays):
        """Positions in the modelled series (W, see :meth:`_work`) that rows (lagged-row
        indices) read at these delays."""
        t = np.asarray(rows, dtype=np.int64) + self.max_delay_ - self._k
        if not len(t) or not delays:
            return t[:0]
        return np.unique(np.concatenate([t - d for d in delays]))

    def _fit_maps(self, Y, Xa, train_rows):
        """One map per series, from the values the training rows read: their targets and
        lags of y, their lags of x; nothing later leaks in."""
        py = self._positions(train_rows, (0, *self.feedback_delays_))
        self.y_map_ = TargetScaler(self.scaling).fit(Y[py])
        self.x_map_ = None
        if Xa is not None:
            px = self._positions(train_rows, self.input_delays_)
            self.x_map_ = TargetScaler(self.scaling).fit(Xa[px])

    def _scaled(self, Y, Xa):
        return (
            None if Y is None else self.y_map_.transform(Y),
            None if Xa is None else self.x_map_.transform(Xa),
        )

    # -- fit --------------------------------------------------------------------------------
    def fit(self, y, X=None):
        """Fit on the series y (T,) or (T, n_targets) and, for NARX / time-delay networks,
        the exogenous series X (T, n_exog) (arrays, pandas Series or DataFrames)."""
        self._check_params()
        X = self._encode_exog(X, fit=True)
        Y, y_names, Xa, x_names = self._series(y, X)
        fb, ind = self._delays(Xa is not None)
        self.target_names_, self.exog_names_ = y_names, x_names
        self.n_targets_, self.n_exog_ = Y.shape[1], 0 if Xa is None else Xa.shape[1]
        self._y_1d = np.ndim(y) == 1
        self._pandas = hasattr(y, "to_numpy") and hasattr(y, "index")
        self.index_info_ = _index_info(y.index) if self._pandas else None
        name = getattr(getattr(y, "index", None), "name", None) if self._pandas else None
        self.time_name_ = None if name is None else str(name)
        rs = check_random_state(self.random_state)
        self.split_seed_ = int(rs.randint(np.iinfo(np.int32).max))
        self.structure_ = self.structure_search_ = None
        self.__dict__.pop("_search_model", None)
        diff = self._eff["difference"]
        self.difference_ = 0 if isinstance(diff, str) else int(diff)
        if "auto" in (fb, ind) or self._hidden is None:
            fb, ind = self._search_structure(Y, Xa, fb, ind)
        self.feedback_delays_, self.input_delays_ = fb, ind
        k = self.difference_
        self.max_delay_ = D = max_delay(self.feedback_delays_, self.input_delays_) + k
        if Y.shape[0] <= D:
            what = f"delays up to {D - k}" + (f" of differences at lag {k}" if k else "")
            raise ValueError(
                f"y has {Y.shape[0]} rows, too few for {what}: need "
                f"at least {D + 1} ({D} initial values and one target)"
            )
        self.n_series_ = n = Y.shape[0]
        tr, va, te = self._divide(n - D)
        Yw, Xw = self._work(Y, Xa)
        self._fit_maps(Yw, Xw, tr)
        Z, T = lag_matrix(*self._scaled(Yw, Xw), self.feedback_delays_, self.input_delays_)
        self._train_members(Z, T, (tr, va, te), rs)
        self.last_y_ = Y[n - D :].copy()
        self.last_X_ = None if Xa is None else Xa[n - D :].copy()
        self.closed_loop_record_ = self.closed_loop_guard_ = None
        self.closed_loop_records_ = None
        if self.closed_loop_horizon is not None:
            self.fine_tune_closed_loop(y, X, horizon=self.closed_loop_horizon)
        self._calibrate_intervals(Y, Xa)
        return self

    def _search_structure(self, Y, Xa, fb, ind):
        """Delays and width chosen by :func:`.structure.search_structure` (which fits
        clones of this forecaster on the earlier rows and scores their closed-loop forecasts
        on the later ones); sets ``structure_``, ``structure_search_`` and ``_hidden``."""
        from .structure import DEFAULT_HORIZON, search_structure

        auto = {k for k, v in zip(_STRUCTURE, (fb, ind, self._hidden)) if v in ("auto", None)}
        if isinstance(self._eff["difference"], str) and "feedback_delays" in auto:
            auto.add("difference")  # "auto": searched with the feedback delays
        fixed = {
            "feedback_delays": fb,
            "input_delays": ind,
            "hidden": self._hidden,
            "difference": self.difference_,
        }
        H = DEFAULT_HORIZON if self.horizon is None else int(self.horizon)
        if Y.shape[0] < MIN_SEARCH_ROWS:  # no room for validation windows: MATLAB's
            m = PRESETS["matlab"]
            chosen = {k: fixed[k] if k not in auto else m[k] for k in (*_STRUCTURE, "difference")}
            if Xa is None:
                chosen["input_delays"] = ()
            search = {
                "candidates": [],
                "fit_rows": 0,
                "origins": [],
                "horizon": H,
                "time_s": 0.0,
                "summary": f"MATLAB's structure (the {Y.shape[0]} rows are fewer than "
                f"{MIN_SEARCH_ROWS}: too few for validation windows, nothing searched)",
            }
        else:
            chosen, search = search_structure(self, Y, Xa, auto, fixed, H)
        self._search_model = search.pop("_model", None)  # for _calibrate_intervals only
        self._hidden = tuple(chosen["hidden"])
        self.difference_ = int(chosen["difference"])
        self.structure_ = {
            "feedback_delays": list(chosen["feedback_delays"]),
            "input_delays": list(chosen["input_delays"]),
            "hidden": list(self._hidden),
            "difference": self.difference_,
            "searched": sorted(auto),
            "horizon": search["horizon"],
            "summary": search["summary"],
        }
        self.structure_search_ = search
        return tuple(chosen["feedback_delays"]), tuple(chosen["input_delays"])

    def _train_one(self, Z, T, split, init_seed, alg, params, epochs):
        tr, va, te = split
        net = Network(
            [Z.shape[1], *self._hidden, T.shape[1]],
            self._activations(),
            init=self.init,
            seed=init_seed,
        )
        part = lambda idx: (Z[idx], T[idx]) if len(idx) else None  # noqa: E731
        rec = train(
            net,
            Z[tr],
            T[tr],
            algorithm=alg,
            loss=self.loss,
            epochs=epochs,
            goal=self.goal,
            min_grad=self.min_grad,
            max_fail=self.max_fail,
            time=math.inf if self.time_limit is None else self.time_limit,
            validation=part(va),
            test=part(te),
            l2=self.l2,
            shuffle=self.shuffle,
            seed=init_seed,
            progress=bool(self.verbose),
            **params,
        )
        D = self.max_delay_
        rec.train_idx = np.asarray(tr) + D
        rec.val_idx = np.asarray(va) + D if len(va) else None
        rec.test_idx = np.asarray(te) + D if len(te) else None
        return net, rec

    def _train_open_loop(self, Z, T, split, rs):
        best = None
        for _ in range(int(self.n_restarts)):
            seed = int(rs.randint(np.iinfo(np.int32).max))
            net, rec = self._train_one(
                Z,
                T,
                split,
                seed,
                self._algorithm,
                dict(self.algorithm_params or {}),
                int(self.epochs),
            )
            v = rec.best_val_loss
            key = v if v is not None and np.isfinite(v) else rec.final_loss
            key = key if np.isfinite(key) else np.inf
            if best is None or key < best[0]:
                best = (key, net, rec)
        _, self.network_, self.record_ = best
        self.algorithm_ = get_algorithm(self._algorithm, **(self.algorithm_params or {})).name
        self._warn(self.record_)

    def _warn(self, rec):
        self.diagnosis_ = diagnose(rec, float(self.goal))
        if rec.algorithm == "br" and rec.stop_reason in ("mu max", "mu_max"):
            # Bayesian regularisation ends there as a rule (MATLAB's trainbr too): its
            # effective number of weights has settled, not a sign of a failed fit
            self.diagnosis_ = None
        already = rec.stop_reason == "diverged" and rec.message
        if self.diagnosis_ and self.warn and not already:
            warnings.warn(self.diagnosis_, ConvergenceWarning, stacklevel=4)

    # -- closed-loop fine-tuning --------------------------------------------------------------
    def fine_tune_closed_loop(
        self, y, X=None, horizon=None, algorithm=None, epochs=None, **algorithm_params
    ):
        """Train the fitted network further through its own feedback.

        The loss is that of closed-loop runs of ``horizon`` steps (default
        ``closed_loop_horizon``, else 10) started at every position whose whole window of
        targets lies in one part of the fit's division (training windows train, validation
        windows stop early, test windows are recorded); the gradient is back-propagated
        through time, Levenberg–Marquardt and trainbr get JᵀJ from forward sensitivities
        (:class:`~bpnn.timeseries.closed_loop.ClosedLoopObjective`). ``y``/``X``: the series
        given to ``fit``. The record is ``closed_loop_record_``; returns self.

        Guard: without validation windows (``division=None``, the default preset's, or a
        validation block shorter than the horizon) the last fifth of the training windows
        become validation windows and the training keeps only the windows whose targets all
        precede them (too few windows for both: a ValueError saying so). What decides is the
        mean closed-loop loss of the validation windows: the fine-tuned weights are kept
        only when it is strictly lower than that of the open-loop weights, else the
        open-loop weights stay. ``closed_loop_guard_`` records both losses, which was
        kept, how many validation windows and whether they were held out of training.
        """
        check_is_fitted(self, "network_")
        if not self.__dict__.get("_tuning_member"):  # every member, then the intervals
            return self._fine_tune_members(y, X, horizon, algorithm, epochs, **algorithm_params)
        H = horizon if horizon is not None else (self.closed_loop_horizon or 10)
        _check_number("horizon", H, low=1, integer=True)
        H = int(H)
        Y, Xa = self._check_like_fit(y, X)
        D, k = self.max_delay_, self._k
        if Y.shape[0] != self.n_series_:
            raise ValueError(
                f"fine_tune_closed_loop needs the series given to fit "
                f"({self.n_series_} rows), got {Y.shape[0]} rows"
            )
        ys, xs = self._scaled(*self._work(Y, Xa))  # with differences: their closed loop
        parts = [_window_starts(rows, D - k, H) for rows in self._divide(Y.shape[0] - D)]
        if not len(parts[0]):
            raise ValueError(
                f"no closed-loop window of horizon={H} lies wholly in the "
                f"training rows; use a shorter horizon or division='block'"
            )
        held_out = not len(parts[1])
        if held_out:  # no validation windows: the last training windows become them
            parts[0], parts[1] = _hold_out_windows(parts[0], H)
        alg_name = algorithm or self.closed_loop_algorithm or self._algorithm
        params = algorithm_params or (
            dict(self.algorithm_params or {}) if alg_name == self._algorithm else {}
        )
        alg = get_algorithm(alg_name, **params)

        def mk(s):
            if not len(s):
                return None
            return ClosedLoopObjective(
                self.network_, self.loss, ys, xs, s, H, self.feedback_delays_,
                self.input_delays_, l2=0.0,
            )  # fmt: skip

        obj = mk(parts[0])
        obj.l2 = float(self.l2)
        n_ep = int(self.closed_loop_epochs if epochs is None else epochs)
        trainer = Trainer(
            alg,
            epochs=n_ep,
            goal=self.goal,
            time=math.inf if self.time_limit is None else self.time_limit,
            min_grad=self.min_grad,
            max_fail=self.max_fail,
            shuffle=self.shuffle,
            progress=bool(self.verbose),
            callbacks=_default_callbacks(),
        )
        rec = TrainingRecord(algorithm=alg.name, loss_name=obj.loss.name)
        rec.train_idx, rec.val_idx, rec.test_idx = (p + k if len(p) else None for p in parts)
        rng = np.random.default_rng(self.split_seed_)
        val = mk(parts[1])
        before = self.network_.params.copy()
        v_open = val.value(before)
        self.closed_loop_record_ = trainer.run(obj, val, mk(parts[2]), rng, rec)
        after = self.network_.params.copy()
        v_tuned = val.value(after)
        kept = bool(np.isfinite(v_tuned) and v_tuned < v_open)
        self.network_.params = after if kept else before
        self.closed_loop_guard_ = {
            "kept": "fine-tuned" if kept else "open-loop",
            "open_loop_val_loss": float(v_open),
            "fine_tuned_val_loss": float(v_tuned),
            "validation_windows": int(len(parts[1])),
            "held_out_from_training": bool(held_out),
        }
        self.closed_loop_horizon_ = H
        self._warn(self.closed_loop_record_)
        return self

    # -- prediction ---------------------------------------------------------------------------
    def _check_like_fit(self, y, X, need_y=True):
        """y and X checked against the fitted widths (X required when the model has one)."""
        Y = None
        if need_y or y is not None:
            Y, _, _, _ = self._series(y, None)
            if Y.shape[1] != self.n_targets_:
                raise ValueError(
                    f"y has {Y.shape[1]} series, the model was fitted on "
                    f"{self.n_targets_} ({self.target_names_})"
                )
        Xa = self._check_X(X, "predict")
        if Y is not None and Xa is not None and Xa.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X has {Xa.shape[0]} rows but y has {Y.shape[0]}: one row per time step"
            )
        return Y, Xa

    def _check_X(self, X, what):
        if self.n_exog_ == 0:
            if X is not None:
                raise ValueError(
                    "X was given but the model was fitted without exogenous series (a NAR network)"
                )
            return None
        if X is None:
            raise ValueError(
                f"{what} needs the exogenous series X {self.exog_names_}: the "
                "model was fitted with them"
            )
        Xa, _ = as_series(self._encode_exog(X), "X", "x")
        if Xa.shape[1] != self.n_exog_:
            raise ValueError(
                f"X has {Xa.shape[1]} series, the model was fitted on "
                f"{self.n_exog_} ({self.exog_names_})"
            )
        return Xa

    def _encode_exog(self, X, fit=False):
        """Exogenous series with text, boolean or category columns (a weekday, a holiday
        flag, a shift) through a table map (:class:`bpnn.tables.encoder.TableEncoder`,
        ``exog_map_``), as a DataFrame of its numeric inputs on X's index; all-numeric X
        passes unchanged (``exog_map_`` None). A time series takes complete values, so the
        map refuses missing ones (``missing="error"``)."""
        if fit:
            self.exog_map_ = None
            if X is None or not hasattr(X, "columns") or not _has_text_columns(X):
                return X
            from ..tables.encoder import TableEncoder

            self.exog_map_ = TableEncoder(missing="error").fit(X)
        table = self.__dict__.get("exog_map_")
        if table is None or X is None:
            return X
        import pandas as pd

        index = X.index if hasattr(X, "index") else None
        return pd.DataFrame(table.transform(X), columns=table.output_names_, index=index)

    def _rows_out(self, P, index=None):
        """Predictions (n, n_y) in the fitted series' shape and type."""
        if not getattr(self, "_pandas", False):
            return P[:, 0] if self._y_1d else P
        import pandas as pd

        if self._y_1d:
            return pd.Series(P[:, 0], index=index, name=self.target_names_[0])
        return pd.DataFrame(P, index=index, columns=list(self.target_names_))

    def predict(self, steps, X=None, last_window=None, last_window_X=None):
        """Forecast ``steps`` values closed loop, continuing from the end of the fitted
        series (or from ``last_window``), each prediction fed back.

        Parameters
        ----------
        steps : int >= 1
        X : exogenous values at the forecast times, (steps, n_exog) (NARX and time-delay
            networks; rows beyond what the delays read may be left out: with input delays
            >= 1 the last min(input_delays) rows are never used)
        last_window : values of y before the forecast (at least max(feedback_delays) rows,
            the last ones used); default the end of the fitted series
        last_window_X : values of X before the forecast (at least max(input_delays) rows);
            default the end of the fitted series

        Returns
        -------
        array (steps,) or (steps, n_targets) (a pandas Series/DataFrame when fitted on
        pandas, its index continuing the fitted one); an ensemble's is the mean of its
        members' own closed-loop runs (:meth:`predict_members`), intervals are
        :meth:`predict_interval`'s
        """
        paths, index = self._forecast_paths(steps, X, last_window, last_window_X)
        return self._rows_out(paths.mean(axis=0), index)

    def _forecast_paths(self, steps, X, last_window, last_window_X):
        """Each member's closed-loop forecast, (k, steps, n_targets) in the series' units,
        and the forecast's pandas index (or None): :meth:`predict`'s work."""
        check_is_fitted(self, "network_")
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
            shown = repr(steps) if isinstance(steps, numbers.Number) else type(steps).__name__
            raise ValueError(f"steps must be a positive integer, got {shown}")
        steps, D = int(steps), self.max_delay_
        fb, ind = self.feedback_delays_, self.input_delays_
        k = self._k
        hist = self._window(
            last_window, self.last_y_, "last_window", self.n_targets_, max(fb, default=0) + k, D
        )
        x_seq = None
        if self.n_exog_:
            need = steps - min(ind)
            fut = self._check_X(X, f"predict(steps={steps})")
            if fut.shape[0] < need:
                raise ValueError(
                    f"predict(steps={steps}) needs the exogenous values X at the "
                    f"{need} forecast times the input delays {ind} read, got "
                    f"{fut.shape[0]} rows"
                )
            past = self._window(
                last_window_X, self.last_X_, "last_window_X", self.n_exog_, max(ind), D
            )
            fut = np.vstack([fut[:steps], np.zeros((steps - min(steps, len(fut)), self.n_exog_))])
            x_seq = self.x_map_.transform(np.vstack([past[k:], fut]))[None]
        elif X is not None:
            self._check_X(X, "predict")
        w_hist = hist[k:] - hist[:-k] if k else hist
        paths = self._member_paths(self.y_map_.transform(w_hist)[None], x_seq, steps)
        if k:
            paths = self._integrate(paths, hist[None, D - k :])
        paths = paths[:, 0]
        index = None
        if getattr(self, "_pandas", False):
            info = (
                _index_info(last_window.index)
                if hasattr(last_window, "index")
                else self.index_info_
            )
            index = _future_index(info, steps, self.n_series_)
        return paths, index

    def _window(self, given, stored, name, width, need, D):
        """The last D rows before a forecast (rows older than ``need`` are never read: a
        shorter window is padded in front)."""
        if given is None:
            if need and self.__dict__.get("n_series_", 1) == 0:  # imported: no series
                raise ValueError(
                    f"this forecaster was imported (bpnn.interop) and holds no fitted series "
                    f"to continue from: give the last {need} values ({name}= in Python, "
                    "DATA on the command line)"
                )
            W = stored
        else:
            W, _ = as_series(
                self._encode_exog(given) if name == "last_window_X" else given, name, name
            )
            if W.shape[1] != width:
                raise ValueError(f"{name} has {W.shape[1]} series, the model needs {width}")
            if W.shape[0] < need:
                raise ValueError(f"{name} has {W.shape[0]} rows; the delays need the last {need}")
        W = W[max(0, W.shape[0] - D) :]
        if W.shape[0] < D:
            W = np.vstack([np.zeros((D - W.shape[0], width)), W])
        return W

    def predict_open_loop(self, y, X=None):
        """One-step-ahead predictions: y(t) from the true past values of y (and X).

        Returns the series' length (T,) / (T, n_targets): NaN for the first max_delay_
        rows (the initial values), then the prediction of every later value.
        """
        check_is_fitted(self, "network_")
        Y, Xa = self._check_like_fit(y, X)
        return self._one_step(y, Y, Xa, early=False)

    def predict_early(self, y, X=None):
        """One-step "early" prediction (MATLAB's ``removedelay``): element t predicts
        y(t+1) from the values up to t, so the last element forecasts the value after the
        series. NaN for the first max_delay_ - 1 rows. Needs every delay >= 1."""
        check_is_fitted(self, "network_")
        if 0 in self.input_delays_:
            raise ValueError(
                "predict_early needs every delay >= 1, but input_delays "
                f"{self.input_delays_} includes 0 (x(t+1) is not known at t)"
            )
        Y, Xa = self._check_like_fit(y, X)
        return self._one_step(y, Y, Xa, early=True)

    def _one_step(self, y, Y, Xa, early):
        D, n = self.max_delay_, Y.shape[0]
        if n < D + (0 if early else 1):
            raise ValueError(
                f"y has {n} rows, too few for delays up to {D}: need at least "
                f"{D + (0 if early else 1)}"
            )
        if early:  # one more time step whose values no row reads (all delays >= 1)
            Y = np.vstack([Y, np.zeros((1, Y.shape[1]))])
            Xa = None if Xa is None else np.vstack([Xa, np.zeros((1, Xa.shape[1]))])
        P = np.mean(self._one_step_members(Y, Xa), axis=0)
        out = np.full((n, self.n_targets_), np.nan)
        out[D - 1 if early else D :] = P
        return self._rows_out(out, getattr(y, "index", None))

    # -- ensembles and intervals --------------------------------------------------------------
    def _members(self) -> list:
        """The member networks (one for n_ensemble=1 and for files without members)."""
        nets = self.__dict__.get("networks_")
        return list(nets) if nets else [self.network_]

    def _member_records(self) -> list:
        recs = self.__dict__.get("records_")
        return list(recs) if recs else [self.record_]

    def _train_members(self, Z, T, split, rs):
        """``n_ensemble`` open-loop fits (:meth:`_train_open_loop`, the trainer's runs), each
        drawing its split seed (member 0's is drawn in ``fit``) and its initial seeds in turn
        from ``rs``; member 0's attributes stay the estimator's."""
        nets, recs, seeds, first = [], [], [], None
        for i in range(int(self.n_ensemble)):
            if i:  # a random division gives every member its own split
                self.split_seed_ = int(rs.randint(np.iinfo(np.int32).max))
                split = self._divide(Z.shape[0])
            self._train_open_loop(Z, T, split, rs)
            nets.append(self.network_)
            recs.append(self.record_)
            seeds.append(self.split_seed_)
            if i == 0:
                first = (self.network_, self.record_, self.split_seed_, self.diagnosis_)
        self.network_, self.record_, self.split_seed_, self.diagnosis_ = first
        self.networks_, self.records_, self.split_seeds_ = nets, recs, seeds

    def _fine_tune_members(self, y, X, horizon, algorithm, epochs, **algorithm_params):
        """:meth:`fine_tune_closed_loop` on every member in turn (each on the windows of its
        own split), then the intervals calibrated again for the tuned networks."""
        nets, seeds = self._members(), self.__dict__.get("split_seeds_") or [self.split_seed_]
        keep_seed, tuned, recs = self.split_seed_, [], []
        self._tuning_member = True
        try:
            for net, seed in zip(nets, seeds):
                self.network_, self.split_seed_ = net, seed
                self.fine_tune_closed_loop(y, X, horizon, algorithm, epochs, **algorithm_params)
                tuned.append(self.network_)
                recs.append(self.closed_loop_record_)
        finally:
            del self._tuning_member
            self.network_, self.split_seed_ = (tuned or nets)[0], keep_seed
        self.networks_, self.closed_loop_records_ = tuned, recs
        self.closed_loop_record_ = recs[0]
        self._calibrate_intervals(*self._check_like_fit(y, X))
        return self

    def _calibrate_intervals(self, Y, Xa):
        """``interval_scores_`` / ``interval_origins_`` from the fitted series (see
        :func:`bpnn.timeseries.intervals.calibrate`)."""
        from .intervals import calibrate

        try:
            calibrate(self, Y, Xa, self.__dict__.get("_search_model"))
        finally:
            self.__dict__.pop("_search_model", None)  # a fitted model keeps none

    def _member_paths(self, hist, x_seq, steps):
        """Every member's closed-loop run from the scaled windows ``hist`` (B, D, n_y) and
        ``x_seq`` (B, D + steps, n_x) or None: (k, B, steps, n_y) in the series' units."""
        fb, ind = self.feedback_delays_, self.input_delays_
        out = []
        for net in self._members():
            o = simulate(net, hist, x_seq, steps, fb, ind)
            flat = self.y_map_.inverse_transform(o.reshape(-1, o.shape[2]))
            out.append(flat.reshape(o.shape))
        return np.stack(out)

    def predict_members(self, steps, X=None, last_window=None, last_window_X=None):
        """Each member's own closed-loop forecast: an array (n_ensemble, steps, n_targets)
        in the series' units; :meth:`predict` is their mean over the first axis. The
        arguments are :meth:`predict`'s."""
        return self._forecast_paths(steps, X, last_window, last_window_X)[0]

    def predict_interval(
        self, steps, X=None, last_window=None, last_window_X=None, coverage=0.9, method="auto"
    ):
        """Forecast intervals per step: ``(lower, upper)``, each shaped as :meth:`predict`'s
        output, around its forecast, meant to hold the value at each step with probability
        ``coverage``.

        Parameters
        ----------
        steps, X, last_window, last_window_X : as for :meth:`predict`
        coverage : float strictly between 0 and 1, default 0.9
        method : "auto" (default), "conformal" or "spread"
            "conformal": split conformal per horizon step on the closed-loop residuals of
            rolling origins at held-out times (never a training target), stored at fit time
            (``interval_scores_``): the half-width at step h is the ceil((n + 1) coverage)-th
            smallest of the n residuals at step h. "spread": mean ± z·sd of the ensemble
            members' own forecasts (ddof 1; z the normal quantile of (1 + coverage) / 2),
            uncalibrated and usually too narrow. "auto": conformal, or with too few origins
            (or steps beyond the calibrated horizon) an ensemble's spread, with a
            UserWarning saying why. See :mod:`bpnn.timeseries.intervals`.

        Returns
        -------
        lower, upper : arrays (steps,) or (steps, n_targets) (pandas when fitted on pandas)
        """
        from .intervals import interval_bounds

        paths, index = self._forecast_paths(steps, X, last_window, last_window_X)
        _, lo, hi, _ = interval_bounds(self, paths, paths.shape[1], coverage, method)
        return self._rows_out(lo, index), self._rows_out(hi, index)

    # -- introspection ------------------------------------------------------------------------
    @property
    def kind_(self) -> str:
        """ "narnet", "narxnet" or "timedelaynet"."""
        check_is_fitted(self, "network_")
        if not self.feedback_delays_:
            return "timedelaynet"
        return "narxnet" if self.n_exog_ else "narnet"

    def input_names(self) -> list:
        """Names of the network's inputs, ``"name(t-d)"`` (the lagged columns)."""
        check_is_fitted(self, "network_")
        k = self._k
        y_names = self.target_names_
        if k:  # the network reads differences of y: "Δy(t-1)", "Δ12y(t-1)"
            y_names = [f"Δ{'' if k == 1 else k}{n}" for n in y_names]
        return lag_names(y_names, self.exog_names_, self.feedback_delays_, self.input_delays_)


def _has_text_columns(X) -> bool:
    """True when the DataFrame X has a column that is not plain numbers."""
    import pandas as pd

    return any(
        not pd.api.types.is_numeric_dtype(d) or pd.api.types.is_bool_dtype(d) for d in X.dtypes
    )


def _default_callbacks():
    """The callbacks of an enclosing :func:`bpnn.trainer.training_defaults` block (the CLI
    and the app stream progress through it), for the closed-loop run that does not go
    through :func:`bpnn.train`; a checkpoint there covers the open-loop run only."""
    from ..trainer import _DEFAULTS

    box = _DEFAULTS.get()
    if box is None:
        return []
    if box["checkpoint"] or box["resume"]:
        raise ValueError(
            "a checkpoint covers one training run: checkpoint the open-loop fit "
            "(closed_loop_horizon=None), then fine-tune without checkpointing"
        )
    return list(box["callbacks"])


def _hold_out_windows(starts, H):
    """(training, validation) windows from training windows alone: the last fifth (at
    least one) validate, and training keeps those whose H targets all come before the first
    validation target. Too few windows for both is a ValueError."""
    starts = np.asarray(starts, dtype=np.int64)
    n_val = max(1, int(np.ceil(0.2 * len(starts))))
    val = starts[len(starts) - n_val :]
    train = starts[starts + H - 1 < val[0]] if len(val) else val
    if not len(train) or not len(val):
        raise ValueError(
            f"fine_tune_closed_loop has no validation windows (division="
            f"None or too short a validation block) and its {len(starts)} training "
            f"window(s) of horizon={H} are too few to hold some out: give a "
            "shorter horizon, more data, or division='block'"
        )
    return train, val


def _window_starts(rows, D, H):
    """Positions s whose window of targets s..s+H-1 are all among the rows' target times."""
    t = np.asarray(rows, dtype=np.int64) + D
    if len(t) < H:
        return t[:0]
    have = set(t.tolist())
    return np.asarray([s for s in t if all(s + k in have for k in range(H))], dtype=np.int64)


def _index_info(index):
    """How to continue a pandas index: {"kind": "int", "last", "step"}, {"kind":
    "datetime", "last", "freq"} or None (a forecast then gets positions n, n + 1, ...)."""
    import pandas as pd

    if len(index) == 0:
        return None
    if isinstance(index, pd.DatetimeIndex):
        freq = (
            index.freqstr
            if index.freq is not None
            else (pd.infer_freq(index) if len(index) >= 3 else None)
        )
        return (
            None
            if freq is None
            else {"kind": "datetime", "last": index[-1].isoformat(), "freq": str(freq)}
        )
    if index.dtype.kind in "iu":
        v = index.to_numpy().astype(np.int64)
        step = int(v[1] - v[0]) if len(v) > 1 else 1
        if step > 0 and np.all(np.diff(v) == step):
            return {"kind": "int", "last": int(v[-1]), "step": step}
    return None


def _future_index(info, steps, n):
    import pandas as pd

    if info is None:
        return pd.RangeIndex(n, n + steps)
    if info["kind"] == "datetime":
        return pd.date_range(pd.Timestamp(info["last"]), periods=steps + 1, freq=info["freq"])[1:]
    last, step = int(info["last"]), int(info["step"])
    return pd.Index(np.arange(last + step, last + step * (steps + 1), step, dtype=np.int64))


# -- MATLAB-style constructors --------------------------------------------------------------
def _hidden(h):
    return (h,) if isinstance(h, numbers.Integral) and not isinstance(h, bool) else h


def narnet(feedback_delays="auto", hidden="auto", **params) -> BPForecaster:
    """MATLAB's ``narnet(feedbackDelays, hiddenSizes, trainFcn)``: y(t) from y(t-d).
    Defaults as BPForecaster's ("auto"; ``preset="matlab"`` for MATLAB's 1:2 and 10)."""
    return BPForecaster(
        feedback_delays=feedback_delays, input_delays=(), hidden=_hidden(hidden), **params
    )


def narxnet(input_delays="auto", feedback_delays="auto", hidden="auto", **params) -> BPForecaster:
    """MATLAB's ``narxnet(inputDelays, feedbackDelays, hiddenSizes, ...)``: y(t) from
    x(t-d) and y(t-d); fit with ``fit(y, X)``."""
    return BPForecaster(
        feedback_delays=feedback_delays, input_delays=input_delays, hidden=_hidden(hidden), **params
    )


def timedelaynet(input_delays="auto", hidden="auto", **params) -> BPForecaster:
    """MATLAB's ``timedelaynet(inputDelays, hiddenSizes, ...)``: y(t) from x(t-d) only, no
    feedback; fit with ``fit(y, X)``."""
    return BPForecaster(
        feedback_delays=(), input_delays=input_delays, hidden=_hidden(hidden), **params
    )
