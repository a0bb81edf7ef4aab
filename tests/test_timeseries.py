"""Time-series networks (bpnn.timeseries): lags, closed loop, BPTT, time split, bad input."""

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.gradcheck import numerical_gradient
from bpnn.preprocessing import TargetScaler
from bpnn.timeseries import BPForecaster, ClosedLoopObjective, narnet, narxnet, timedelaynet
from bpnn.timeseries.closed_loop import simulate
from bpnn.timeseries.lags import lag_matrix, lag_names, parse_delays


def _plant(n=120, seed=0):
    """A short run of the Narendra-Parthasarathy plant (u, y)."""
    u = np.random.default_rng(seed).uniform(-1, 1, n)
    y = np.zeros(n)
    for t in range(n - 1):
        y[t + 1] = y[t] / (1 + y[t] ** 2) + u[t] ** 3
    return u, y


def _sun():
    return bpnn.load_dataset("sunspots").frame["sunspots"].to_numpy(dtype=float)


# -- lag construction ---------------------------------------------------------------------------
def test_lag_matrix_matches_a_hand_made_table():
    y = np.array([[10.0], [11.0], [12.0], [13.0], [14.0]])
    x = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])
    Z, T = lag_matrix(y, x, feedback_delays=(1, 2), input_delays=(0, 2))
    # D = 2: rows for t = 2, 3, 4 hold [x(t), x(t-2), y(t-1), y(t-2)], targets y(t)
    assert Z.tolist() == [[2, 0, 11, 10], [3, 1, 12, 11], [4, 2, 13, 12]]
    assert T.ravel().tolist() == [12, 13, 14]
    assert lag_names(["y"], ["x"], (1, 2), (0, 2)) == ["x(t)", "x(t-2)", "y(t-1)", "y(t-2)"]


def test_lag_matrix_with_two_series_each():
    y = np.arange(10.0).reshape(5, 2)  # y0 = 0,2,4,..  y1 = 1,3,5,..
    x = 100 + np.arange(10.0).reshape(5, 2)
    Z, T = lag_matrix(y, x, feedback_delays=(1,), input_delays=(1, 3))
    # D = 3: t = 3, 4; [x0(t-1), x1(t-1), x0(t-3), x1(t-3), y0(t-1), y1(t-1)]
    assert Z.tolist() == [[104, 105, 100, 101, 4, 5], [106, 107, 102, 103, 6, 7]]
    assert T.tolist() == [[6, 7], [8, 9]]
    assert lag_names(["a", "b"], ["u", "v"], (1,), (1, 3)) == [
        "u(t-1)",
        "v(t-1)",
        "u(t-3)",
        "v(t-3)",
        "a(t-1)",
        "b(t-1)",
    ]


def test_parse_delays_takes_matlab_ranges():
    assert parse_delays("1:2", "d", 1) == (1, 2)
    assert parse_delays("0:2:6", "d", 0) == (0, 2, 4, 6)
    assert parse_delays("1,3,12", "d", 1) == (1, 3, 12)
    assert parse_delays(3, "d", 1) == (3,)  # a scalar is one delay
    assert parse_delays(range(1, 4), "d", 1) == (1, 2, 3)
    assert parse_delays((2, 1), "d", 1) == (1, 2)
    assert parse_delays(None, "d", 1) == () == parse_delays("", "d", 1)


def test_the_network_sees_the_lagged_rows():
    u, y = _plant(40)
    m = narxnet(
        preset="matlab",
        input_delays=(0, 2),
        feedback_delays=(1, 2),
        hidden=3,
        scaling="none",
        epochs=3,
        random_state=0,
        warn=False,
    ).fit(y, u)
    Z = np.column_stack([u[2:], u[:-2], y[1:-1], y[:-2]])  # by hand
    got = m.predict_open_loop(y, u)
    assert np.isnan(got[:2]).all()
    np.testing.assert_allclose(got[2:], m.network_.predict(Z).ravel(), rtol=1e-13)
    assert m.input_names() == ["x(t)", "x(t-2)", "y(t-1)", "y(t-2)"]
    assert m.network_.n_inputs == 4 and m.kind_ == "narxnet"


# -- closed loop --------------------------------------------------------------------------------
def test_closed_loop_forecast_equals_feeding_predictions_back_by_hand():
    y = _sun()
    m = narnet(
        preset="matlab", feedback_delays=(1, 3), hidden=4, epochs=5, random_state=0, warn=False
    ).fit(y)
    got = m.predict(6)
    hist = list(y[-3:])
    sc = m.y_map_
    for _ in range(6):
        row = sc.transform(np.array([[hist[-1]], [hist[-3]]])).T  # [y(t-1), y(t-3)]
        hist.append(float(sc.inverse_transform(m.network_.predict(row))[0, 0]))
    np.testing.assert_allclose(got, hist[3:], rtol=1e-12)
    # from given initial values instead of the end of the series
    start = y[100:110]
    again = m.predict(4, last_window=start)
    hist = list(start[-3:])
    for _ in range(4):
        row = sc.transform(np.array([[hist[-1]], [hist[-3]]])).T
        hist.append(float(sc.inverse_transform(m.network_.predict(row))[0, 0]))
    np.testing.assert_allclose(again, hist[3:], rtol=1e-12)


def test_narx_closed_loop_by_hand_with_future_inputs():
    u, y = _plant(150)
    m = narxnet(
        preset="matlab",
        input_delays=(0, 1),
        feedback_delays=(1, 2),
        hidden=4,
        epochs=10,
        random_state=2,
        warn=False,
    ).fit(y, u)
    fut = np.array([0.3, -0.5, 0.9, 0.1])
    got = m.predict(4, X=fut)
    xs, ys = list(u[-2:]) + list(fut), list(y[-2:])
    for k in range(4):  # step k forecasts position 2 + k of the lists
        raw = np.array([[xs[2 + k], xs[1 + k], ys[-1], ys[-2]]])
        row = np.concatenate(
            [m.x_map_.transform(raw[:, :2].T).T, m.y_map_.transform(raw[:, 2:].T).T], axis=1
        )
        ys.append(float(m.y_map_.inverse_transform(m.network_.predict(row))[0, 0]))
    np.testing.assert_allclose(got, ys[2:], rtol=1e-12)


def test_early_prediction_is_one_step_ahead_of_open_loop():
    y = _sun()[:150]
    m = narnet(
        preset="matlab", feedback_delays=(1, 2), hidden=3, epochs=5, random_state=0, warn=False
    ).fit(y)
    early, open_ = m.predict_early(y), m.predict_open_loop(y)
    assert early.shape == open_.shape == y.shape
    np.testing.assert_allclose(early[1:-1], open_[2:], rtol=1e-13)  # y(t+1) known at t
    assert np.isnan(early[0]) and np.isfinite(early[1])
    np.testing.assert_allclose(early[-1], m.predict(1)[0], rtol=1e-13)


def test_time_delay_network_needs_no_feedback():
    u, y = _plant(100)
    m = timedelaynet(
        preset="matlab", input_delays=(0, 1, 2), hidden=3, epochs=5, random_state=0, warn=False
    ).fit(y, u)
    assert m.kind_ == "timedelaynet" and m.network_.n_inputs == 3
    fut = np.array([0.1, 0.2, 0.3])
    Z = np.array([[0.1, u[-1], u[-2]], [0.2, 0.1, u[-1]], [0.3, 0.2, 0.1]])
    want = m.y_map_.inverse_transform(
        m.network_.predict(m.x_map_.transform(Z.reshape(-1, 1)).reshape(3, 3))
    ).ravel()
    np.testing.assert_allclose(m.predict(3, X=fut), want, rtol=1e-12)


def test_pandas_series_keep_their_names_and_index():
    idx = pd.date_range("2020-01-01", periods=60, freq="MS")
    y = pd.Series(np.sin(np.arange(60) / 3.0) + 2, index=idx, name="load")
    m = narnet(preset="matlab", hidden=3, epochs=5, random_state=0, warn=False).fit(y)
    f = m.predict(3)
    assert isinstance(f, pd.Series) and f.name == "load"
    assert list(f.index) == list(pd.date_range("2025-01-01", periods=3, freq="MS"))
    years = pd.Series(_sun(), index=np.arange(1700, 2009), name="sunspots")
    m = narnet(preset="matlab", hidden=3, epochs=3, random_state=0, warn=False).fit(years)
    assert list(m.predict(2).index) == [2009, 2010]


# -- BPTT ---------------------------------------------------------------------------------------
def _closed_loop_objective(loss="mse", l2=0.01):
    rng = np.random.default_rng(3)
    net = bpnn.Network([2 * 2 + 2 * 2, 5, 2], ["tansig", "purelin"], init="nguyen-widrow", seed=4)
    y, x = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    # two targets, two exogenous series, input delays (0, 2), feedback delays (1, 3)
    obj = ClosedLoopObjective(
        net,
        loss,
        y,
        x,
        starts=[3, 7, 12, 20],
        horizon=5,
        feedback_delays=(1, 3),
        input_delays=(0, 2),
        l2=l2,
    )
    return obj, net


def test_bptt_gradient_matches_finite_differences():
    obj, net = _closed_loop_objective()
    w = net.params.copy()
    value, grad = obj.value_and_grad(w)
    assert value == pytest.approx(obj.value(w), rel=1e-13)
    num = numerical_gradient(obj.value, w, h=1e-4)
    np.testing.assert_allclose(grad, num, rtol=1e-6, atol=1e-9)
    # the feedback matters: an open-loop gradient (true values fed back) differs
    assert np.abs(grad).max() > 0


def test_bptt_gradient_with_a_bounded_output():
    obj, net = _closed_loop_objective(loss="sse", l2=0.0)
    net2 = bpnn.Network(net.sizes, ["logsig", "tansig"], init="nguyen-widrow", seed=1)
    obj.network = net2
    obj.weight_mask = net2.weight_mask
    w = net2.params.copy()
    np.testing.assert_allclose(
        obj.value_and_grad(w)[1], numerical_gradient(obj.value, w, 1e-4), rtol=1e-6, atol=1e-9
    )


def test_closed_loop_gauss_newton_matches_finite_difference_jacobian():
    obj, net = _closed_loop_objective(l2=0.0)
    w = net.params.copy()

    def residuals(v):
        net.params = v
        out = simulate(
            net, obj.y_hist, obj.x_seq, obj.horizon, obj.feedback_delays, obj.input_delays
        )
        return (out - obj.targets).ravel()

    r = residuals(w)
    J = np.empty((r.size, w.size))
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = 1e-6
        J[:, i] = (residuals(w + e) - residuals(w - e)) / 2e-6
    sum_r2, JtJ, Jtr = obj.gauss_newton(w)
    assert sum_r2 == pytest.approx(r @ r, rel=1e-12)
    np.testing.assert_allclose(JtJ, J.T @ J, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(Jtr, J.T @ r, rtol=1e-5, atol=1e-7)
    # and J^T r is the gradient of c * sum r^2
    c = obj.residual_scale()
    np.testing.assert_allclose(2 * c * Jtr, obj.value_and_grad(w)[1], rtol=1e-10)


def test_closed_loop_batch_is_the_objective_on_those_starts():
    obj, net = _closed_loop_objective()
    sub = obj.batch(np.array([1, 3]))
    rng = np.random.default_rng(3)
    y, x = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    direct = ClosedLoopObjective(net, "mse", y, x, [7, 20], 5, (1, 3), (0, 2), l2=0.01)
    w = net.params.copy()
    assert sub.n_samples == 2
    assert sub.value(w) == pytest.approx(direct.value(w), rel=1e-14)


@pytest.mark.parametrize(
    "algorithm, params",
    [("lm", {}), ("scg", {}), ("bfgs", {}), ("rprop", {}), ("sgd", {"lr": 0.01, "batch_size": 8})],
)
def test_fine_tuning_through_the_trainer(algorithm, params):
    y = _sun()
    m = narnet(
        preset="matlab", feedback_delays=(1, 2), hidden=3, epochs=20, random_state=0, warn=False
    ).fit(y)
    m.fine_tune_closed_loop(y, horizon=4, algorithm=algorithm, epochs=4, **params)
    rec = m.closed_loop_record_
    assert rec.algorithm == bpnn.get_algorithm(algorithm, **params).name
    assert rec.epochs >= 1 and np.isfinite(rec.val_loss[0]) and np.isfinite(rec.test_loss[0])
    # validation decides what is kept: never worse than where it started
    assert rec.best_val_loss <= rec.val_loss[0] + 1e-15
    assert len(rec.train_idx) and set(rec.train_idx).isdisjoint(rec.val_idx)


def test_fit_with_a_closed_loop_horizon_fine_tunes():
    u, y = _plant(200)
    m = narxnet(
        preset="matlab",
        hidden=4,
        epochs=30,
        closed_loop_horizon=5,
        closed_loop_epochs=5,
        random_state=0,
        warn=False,
    ).fit(y, u)
    assert m.closed_loop_record_ is not None and m.closed_loop_horizon_ == 5
    assert m.closed_loop_record_.loss[-1] <= m.closed_loop_record_.loss[0]


# -- division and leakage -----------------------------------------------------------------------
def test_block_division_is_in_time_order_and_covers_every_row():
    y = _sun()
    m = narnet(
        preset="matlab", feedback_delays=(1, 2), hidden=3, epochs=3, random_state=0, warn=False
    ).fit(y)
    r = m.record_
    assert r.train_idx.max() < r.val_idx.min() and r.val_idx.max() < r.test_idx.min()
    got = np.sort(np.concatenate([r.train_idx, r.val_idx, r.test_idx]))
    np.testing.assert_array_equal(got, np.arange(2, len(y)))
    for division in ("random", "interleaved"):
        r = (
            narnet(
                preset="matlab", hidden=3, epochs=2, division=division, random_state=0, warn=False
            )
            .fit(y)
            .record_
        )
        got = np.sort(np.concatenate([r.train_idx, r.val_idx, r.test_idx]))
        np.testing.assert_array_equal(got, np.arange(2, len(y)))
    r = (
        narnet(preset="matlab", hidden=3, epochs=2, division=None, random_state=0, warn=False)
        .fit(y)
        .record_
    )
    np.testing.assert_array_equal(r.train_idx, np.arange(2, len(y)))


def test_nothing_of_the_future_leaks_into_scaling_or_training():
    y = _sun()
    kw = {"feedback_delays": (1, 2), "hidden": 4, "epochs": 15, "random_state": 0, "warn": False}
    a = narnet(preset="matlab", **kw).fit(y)
    n_tr, n_va = len(a.record_.train_idx), len(a.record_.val_idx)
    end_val = 2 + n_tr + n_va  # first test position
    changed = y.copy()
    changed[end_val:] = 1e4 + changed[end_val:] * 7  # the test years, wildly off
    b = narnet(preset="matlab", **kw).fit(changed)
    for attr in ("scale_", "offset_"):
        np.testing.assert_array_equal(getattr(a.y_map_, attr), getattr(b.y_map_, attr))
    np.testing.assert_array_equal(a.network_.params, b.network_.params)
    np.testing.assert_array_equal(a.record_.loss, b.record_.loss)
    np.testing.assert_array_equal(a.record_.val_loss, b.record_.val_loss)
    assert not np.allclose(a.record_.test_loss, b.record_.test_loss)
    # the scaling comes from the training rows' values alone
    want = TargetScaler("minmax").fit(y[: 2 + n_tr, None])
    np.testing.assert_array_equal(a.y_map_.scale_, want.scale_)
    # changing the validation years changes validation, not the scaling or epoch 0's loss
    c = changed.copy()
    c[2 + n_tr : end_val] += 500
    d = narnet(preset="matlab", **kw).fit(c)
    np.testing.assert_array_equal(a.y_map_.scale_, d.y_map_.scale_)
    assert a.record_.loss[0] == d.record_.loss[0]
    assert a.record_.val_loss[0] != d.record_.val_loss[0]


def test_exogenous_scaling_uses_only_the_lags_training_rows_read():
    u, y = _plant(100)
    m = narxnet(
        preset="matlab",
        input_delays=(1, 2),
        feedback_delays=(1,),
        hidden=3,
        epochs=2,
        random_state=0,
        warn=False,
    ).fit(y, u)
    n_tr = len(m.record_.train_idx)
    # training targets at 2 .. 2 + n_tr - 1 read u at 0 .. n_tr
    want = TargetScaler("minmax").fit(u[: n_tr + 1, None])
    np.testing.assert_array_equal(m.x_map_.scale_, want.scale_)
    np.testing.assert_array_equal(m.x_map_.offset_, want.offset_)


@pytest.mark.parametrize("algorithm", ["lm", "scg", "rprop", "bfgs", "br", "sgd"])
def test_every_algorithm_trains_open_loop(algorithm):
    u, y = _plant(80)
    m = narxnet(
        preset="matlab", hidden=3, epochs=4, algorithm=algorithm, random_state=0, warn=False
    ).fit(y, u)
    rec = m.record_
    assert rec.algorithm == m.algorithm_ and rec.epochs >= 1
    assert np.isfinite(rec.loss[-1]) and np.isfinite(rec.val_loss[0])


def test_validation_stop_ends_training():
    y = _sun()
    m = narnet(
        preset="matlab",
        feedback_delays=range(1, 13),
        hidden=10,
        epochs=500,
        max_fail=2,
        random_state=0,
        warn=False,
    ).fit(y)
    assert m.record_.stop_reason == "validation stop"
    assert m.record_.best_epoch == m.record_.epochs - 2


# -- model files --------------------------------------------------------------------------------
def test_save_load_round_trip(tmp_path):
    u, y = _plant(120)
    X = pd.DataFrame({"u": u})
    Y = pd.DataFrame({"y": y})
    m = narxnet(
        preset="matlab",
        input_delays=(0, 2),
        feedback_delays=(1, 3),
        hidden=3,
        epochs=5,
        closed_loop_horizon=3,
        closed_loop_epochs=2,
        random_state=0,
        warn=False,
    ).fit(Y, X)
    p = bpnn.save(m, tmp_path / "narx.bpnn")
    back = bpnn.load(p)
    assert isinstance(back, BPForecaster)
    assert back.feedback_delays_ == (1, 3) and back.input_delays_ == (0, 2)
    fut = pd.DataFrame({"u": [0.1, 0.5, -0.2, 0.3]})
    pd.testing.assert_frame_equal(back.predict(4, X=fut), m.predict(4, X=fut))
    np.testing.assert_array_equal(back.predict_open_loop(Y, X), m.predict_open_loop(Y, X))
    np.testing.assert_array_equal(back.last_y_, m.last_y_)
    assert back.exog_names_ == ["u"] and back.target_names_ == ["y"]
    assert back.record_.val_loss == pytest.approx(m.record_.val_loss, nan_ok=True)
    np.testing.assert_array_equal(back.record_.test_idx, m.record_.test_idx)
    assert back.closed_loop_record_.epochs == m.closed_loop_record_.epochs
    assert bpnn.io.load_predictor(p).predict(2, X=fut).shape == (2, 1)
    # a NAR model on a plain array
    n = narnet(preset="matlab", hidden=2, epochs=3, random_state=0, warn=False).fit(_sun())
    back = bpnn.load(bpnn.save(n, tmp_path / "nar.bpnn"))
    np.testing.assert_array_equal(back.predict(10), n.predict(10))
    assert back.predict(10).shape == (10,)


def test_exports_refuse_a_forecaster_naming_the_reason(tmp_path):
    m = narnet(preset="matlab", hidden=2, epochs=2, random_state=0, warn=False).fit(_sun())
    for fmt in ("python", "c", "onnx"):
        with pytest.raises(ValueError, match="cannot export a BPForecaster.*lagged"):
            bpnn.export.export(m, tmp_path / f"m.{fmt}", fmt)
    assert not list(tmp_path.iterdir())


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params, match",
    [
        ({"feedback_delays": (0, 1)}, r"feedback_delays must be integers >= 1, got 0"),
        ({"feedback_delays": (1, 1.5)}, r"feedback_delays must be integers >= 1, got 1.5"),
        ({"feedback_delays": (1, 1)}, r"feedback_delays lists delay 1 more than once"),
        ({"feedback_delays": "1-2"}, r"feedback_delays must look like '1:2'"),
        ({"input_delays": (-1, 1)}, r"input_delays must be integers >= 0, got -1"),
        ({"input_delays": ("a",)}, r"input_delays must be integers >= 0, got 'a'"),
        ({"feedback_delays": ()}, r"input_delays is empty|feedback_delays is empty"),
    ],
)
def test_bad_delays_are_one_line_errors(params, match):
    u, y = _plant(40)
    X = u if "input_delays" in params else None
    if params.get("feedback_delays") == ():
        with pytest.raises(ValueError, match="feedback_delays is empty and fit got no X"):
            BPForecaster(preset="matlab", **params).fit(y)
        with pytest.raises(ValueError, match="input_delays is empty"):
            BPForecaster(preset="matlab", feedback_delays=(1,), input_delays=()).fit(y, u)
        return
    with pytest.raises(ValueError, match=match) as info:
        BPForecaster(preset="matlab", **params).fit(y, X)
    assert "\n" not in str(info.value)


def test_bad_series_are_one_line_errors():
    y = _sun()[:30].copy()
    with pytest.raises(ValueError, match=r"y has 5 rows, too few for delays up to 12"):
        narnet(preset="matlab", feedback_delays="1:12").fit(y[:5])
    with pytest.raises(ValueError, match=r"too few to divide"):
        narnet(preset="matlab", feedback_delays=(1, 2)).fit(y[:3])
    gap = y.copy()
    gap[7] = np.nan
    with pytest.raises(ValueError, match=r"y holds a missing value \(NaN\) at row 7"):
        narnet(preset="matlab").fit(gap)
    df = pd.DataFrame({"level": ["1", "2", "x"] * 10})
    with pytest.raises(ValueError, match=r"y column 'level' is not numeric"):
        narnet(preset="matlab").fit(df)
    with pytest.raises(ValueError, match=r"y must be numeric, got the value 'abc'"):
        narnet(preset="matlab").fit([1.0, 2.0, "abc", 4.0])
    s = pd.Series(y, index=[3, 1, 2] + list(range(4, 31)))
    with pytest.raises(ValueError, match=r"time index is not sorted: 1 at row 1"):
        narnet(preset="matlab").fit(s)
    s = pd.Series(y, index=[1, 1] + list(range(2, 30)))
    with pytest.raises(ValueError, match=r"time index repeats the time 1 \(row 1\)"):
        narnet(preset="matlab").fit(s)
    u, yy = _plant(40)
    with pytest.raises(ValueError, match=r"X has 39 rows but y has 40"):
        narxnet(preset="matlab").fit(yy, u[:-1])


def test_forecast_without_the_needed_exogenous_values():
    u, y = _plant(60)
    m = narxnet(
        preset="matlab", input_delays=(0, 1), hidden=2, epochs=2, random_state=0, warn=False
    ).fit(y, u)
    with pytest.raises(
        ValueError,
        match=r"predict\(steps=5\) needs the exogenous series X "
        r"\['x'\]",
    ):
        m.predict(5)
    with pytest.raises(
        ValueError,
        match=r"needs the exogenous values X at the 5 forecast "
        r"times .* got 3 rows",
    ):
        m.predict(5, X=u[:3])
    with pytest.raises(ValueError, match=r"steps must be a positive integer, got 0"):
        m.predict(0, X=u[:3])
    with pytest.raises(ValueError, match=r"input_delays \(0, 1\) includes 0"):
        m.predict_early(y, u)
    # delays >= 1: the last min(delay) rows of X are never read and may be left out
    m = narxnet(
        preset="matlab", input_delays=(1, 2), hidden=2, epochs=2, random_state=0, warn=False
    ).fit(y, u)
    assert m.predict(5, X=u[:4]).shape == (5,)
    n = narnet(preset="matlab", hidden=2, epochs=2, random_state=0, warn=False).fit(y)
    with pytest.raises(ValueError, match=r"fitted without exogenous series"):
        n.predict(3, X=u[:3])
    with pytest.raises(ValueError, match=r"last_window has 1 rows; the delays need the last 2"):
        n.predict(3, last_window=y[:1])


# -- shipped series -----------------------------------------------------------------------------
def test_shipped_series():
    sun = bpnn.load_dataset("sunspots")
    years = sun.frame["year"].to_numpy()
    np.testing.assert_array_equal(years, np.arange(1700, 2009))
    assert sun.time == "year" and sun.target == ["sunspots"] and sun.features == []
    s = sun.frame.set_index("year")["sunspots"]
    assert (s.loc[1700], s.loc[1920], s.loc[1979], s.loc[2008]) == (5.0, 37.6, 155.4, 2.9)
    plant = bpnn.load_dataset("narendra_plant")
    f = plant.frame
    assert plant.time == "t" and plant.features == ["u"] and len(f) == 1000
    u, y = f["u"].to_numpy(), f["y"].to_numpy()
    np.testing.assert_allclose(y[1:], y[:-1] / (1 + y[:-1] ** 2) + u[:-1] ** 3, atol=1e-7)
    assert y[0] == 0 and -1 <= u.min() and u.max() <= 1


# -- diagnostics --------------------------------------------------------------------------------
def test_error_autocorrelation_by_hand_and_on_known_processes():
    from bpnn.timeseries import error_autocorrelation, input_error_crosscorrelation

    e = np.array([1.0, -2.0, 0.5, 3.0, -1.0])
    lags, r, band = error_autocorrelation(e, max_lag=2)
    c = e - e.mean()
    want1 = (c[:-1] @ c[1:]) / (c @ c)  # the biased estimate at lag 1
    assert lags.tolist() == [-2, -1, 0, 1, 2]
    assert r[2] == pytest.approx(1.0) and r[3] == pytest.approx(want1) == r[1]
    assert band == pytest.approx(1.96 / np.sqrt(5))
    rng = np.random.default_rng(0)
    white = rng.normal(size=4000)
    _, r, band = error_autocorrelation(white, 20)
    assert np.mean(np.abs(np.delete(r, 20)) < band) > 0.9
    ar = np.zeros(4000)
    for t in range(1, 4000):
        ar[t] = 0.8 * ar[t - 1] + white[t]
    assert error_autocorrelation(ar, 3)[1][4] == pytest.approx(0.8, abs=0.03)
    # e(t) = x(t - 2): x(t) explains e(t + 2)
    x = rng.normal(size=500)
    e = np.r_[np.nan, np.nan, x[:-2]]
    lags, r, _ = input_error_crosscorrelation(x, e, 5)
    assert lags[np.argmax(r)] == 2 and r.max() == pytest.approx(1.0, abs=0.02)
    with pytest.raises(ValueError, match="max_lag must be an integer >= 0, got -1"):
        error_autocorrelation(white, -1)


def test_response_table_labels_the_split():
    from bpnn.timeseries import response

    y = _sun()
    m = narnet(preset="matlab", hidden=3, epochs=3, random_state=0, warn=False).fit(y)
    r = response(m, y)
    assert list(r.columns) == ["target", "output", "error", "split"]
    assert r["split"].iloc[:2].tolist() == ["initial", "initial"]
    assert (r["split"].iloc[m.record_.test_idx] == "test").all()
    assert set(r["split"]) == {"initial", "train", "val", "test"}
    np.testing.assert_allclose(r["error"], r["target"] - r["output"])


# -- estimator conventions ----------------------------------------------------------------------
def test_clone_params_and_several_series():
    from sklearn.base import clone

    m = narxnet(
        preset="matlab",
        input_delays=range(3),
        feedback_delays="1:2",
        hidden=3,
        epochs=3,
        random_state=0,
        warn=False,
    )
    c = clone(m)
    assert c.get_params() == m.get_params() and not hasattr(c, "network_")
    u, y = _plant(80)
    Y = pd.DataFrame({"a": y, "b": 2 * y + 1})
    X = pd.DataFrame({"u": u, "v": u**2})
    c.fit(Y, X)
    assert c.network_.n_inputs == 2 * 3 + 2 * 2 and c.network_.n_outputs == 2
    f = c.predict(3, X=X.iloc[:3])
    assert isinstance(f, pd.DataFrame) and list(f.columns) == ["a", "b"]
    assert c.input_names()[:2] == ["u(t)", "v(t)"]
    with pytest.raises(ValueError, match=r"y has 1 series, the model was fitted on 2"):
        c.predict_open_loop(y, X)


def test_restarts_keep_the_best_validation_loss():
    y = _sun()
    kw = {"hidden": 3, "epochs": 5, "warn": False, "random_state": 0}
    # the same split seed and first initialisation, then two more initialisations
    best = narnet(preset="matlab", n_restarts=3, **kw).fit(y).record_.best_val_loss
    first = narnet(preset="matlab", **kw).fit(y).record_.best_val_loss
    assert best <= first


def test_fine_tuning_refusals():
    u, y = _plant(60)
    t = timedelaynet(preset="matlab", hidden=2, epochs=2, random_state=0, warn=False).fit(y, u)
    with pytest.raises(ValueError, match="closed-loop training needs feedback delays"):
        t.fine_tune_closed_loop(y, u, horizon=3)
    n = narnet(preset="matlab", hidden=2, epochs=2, random_state=0, warn=False).fit(y)
    with pytest.raises(ValueError, match=r"no closed-loop window of horizon=50"):
        n.fine_tune_closed_loop(y, horizon=50)
    with pytest.raises(ValueError, match=r"needs the series given to fit \(60 rows\)"):
        n.fine_tune_closed_loop(y[:50], horizon=3)
    with pytest.raises(ValueError, match="mae.*not a sum of squares"):
        narnet(
            preset="matlab",
            hidden=2,
            epochs=2,
            loss="mae",
            algorithm="scg",
            random_state=0,
            warn=False,
        ).fit(y).fine_tune_closed_loop(y, horizon=3, algorithm="lm")


def test_training_defaults_reach_both_runs(tmp_path):
    from bpnn.trainer import training_defaults

    seen = []
    u, y = _plant(80)
    m = narxnet(
        preset="matlab",
        hidden=2,
        epochs=3,
        closed_loop_horizon=3,
        closed_loop_epochs=2,
        random_state=0,
        warn=False,
    )
    with training_defaults(callbacks=[lambda e, rec, net: seen.append(rec.algorithm)]):
        m.fit(y, u)
    assert seen.count("lm") == m.record_.epochs + m.closed_loop_record_.epochs
    with (
        training_defaults(checkpoint=tmp_path / "c.ckpt"),
        pytest.raises(ValueError, match="a checkpoint covers one training run"),
    ):
        m.fit(y, u)


def test_time_columns_are_checked_too():
    from bpnn.timeseries import check_time_index

    check_time_index(pd.Series([1990, 1991, 1992]), "year")
    with pytest.raises(ValueError, match=r"year's time index repeats the time 1991 \(row 2\)"):
        check_time_index(pd.Series([1990, 1991, 1991]), "year")
    dates = pd.to_datetime(pd.Series(["2020-01-02", "2020-01-01"]))
    with pytest.raises(ValueError, match=r"date's time index is not sorted: 2020-01-01"):
        check_time_index(dates, "date")


def test_inconsistent_forecaster_files_are_model_file_errors(tmp_path):
    import json
    import zipfile

    m = narnet(preset="matlab", hidden=2, epochs=2, random_state=0, warn=False).fit(_sun())
    good = bpnn.save(m, tmp_path / "m.bpnn")
    with zipfile.ZipFile(good) as z:
        members = {n: z.read(n) for n in z.namelist()}
    man = json.loads(members["manifest.json"])

    def write(change):
        bad = json.loads(json.dumps(man))
        change(bad["forecaster"])
        p = tmp_path / "bad.bpnn"
        with zipfile.ZipFile(p, "w") as z:
            for n, data in members.items():
                z.writestr(n, json.dumps(bad) if n == "manifest.json" else data)
        return p

    cases = [
        (lambda f: f.update(max_delay=5), "max_delay 5 does not match"),
        (lambda f: f.update(feedback_delays=[1, 2, 3], max_delay=3), "the network maps 2 -> 1"),
        (lambda f: f.update(feedback_delays=[0, 1]), "feedback_delays must be integers"),
        (lambda f: f.pop("y_map"), "inconsistent model file: KeyError"),
        (lambda f: f.update(difference=-1), "difference must be an integer >= 0, got -1"),
        (lambda f: f.update(difference=1), "max_delay 2 does not match"),
    ]
    for change, match in cases:
        with pytest.raises(bpnn.ModelFileError, match=match):
            bpnn.load(write(change))


def test_cli_refuses_a_forecaster_where_it_takes_rows(tmp_path, capsys):
    from bpnn.cli import main

    m = narnet(preset="matlab", hidden=2, epochs=2, random_state=0, warn=False).fit(_sun())
    model = bpnn.save(m, tmp_path / "f.bpnn")
    data = tmp_path / "s.csv"
    bpnn.load_dataset("sunspots").frame.to_csv(data, index=False)
    assert main(["predict", str(model), str(data)]) == 2
    err = capsys.readouterr().err
    assert "is a time-series model (BPForecaster)" in err and "bpnn forecast" in err
    assert err.count("\n") == 1
    assert main(["export", str(model), "--format", "python", "-o", str(tmp_path / "f.py")]) == 2
    err = capsys.readouterr().err
    assert "cannot export a BPForecaster" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bpnn", "s.csv"]


def test_rolling_forecasts_match_predict_and_open_loop():
    from bpnn.timeseries import horizon_errors, rolling_forecasts

    u, y = _plant(120)
    m = narxnet(
        preset="matlab",
        input_delays=(0, 1),
        feedback_delays=(1, 2),
        hidden=3,
        epochs=10,
        random_state=0,
        warn=False,
    ).fit(y, u)
    origins, fc, truth = rolling_forecasts(m, y, u, horizon=4, start=100)
    assert origins.tolist() == list(range(100, 117)) and fc.shape == (17, 4, 1)
    for b in (0, 9, 16):
        s = origins[b]
        want = m.predict(4, X=u[s : s + 4], last_window=y[:s], last_window_X=u[:s])
        np.testing.assert_allclose(fc[b, :, 0], want, rtol=1e-12)
        np.testing.assert_array_equal(truth[b, :, 0], y[s : s + 4])
    # horizon 1 is the one-step (open-loop) prediction
    one = m.predict_open_loop(y, u)
    np.testing.assert_allclose(fc[:, 0, 0], one[100:117], rtol=1e-12)
    err = horizon_errors(m, y, u, horizon=4, start=100)
    assert err.shape == (4,)
    assert err[0] == pytest.approx(np.sqrt(np.mean((one[100:117] - y[100:117]) ** 2)))
    with pytest.raises(ValueError, match="no origin for 4-step forecasts"):
        rolling_forecasts(m, y, u, horizon=4, start=118)


def test_report_on_the_fitted_series_continued_keeps_its_split():
    from bpnn.report import data_from_forecaster, series_from_model

    u, y = _plant(200)
    m = narxnet(preset="matlab", hidden=3, epochs=5, random_state=0, warn=False).fit(
        y[:150], u[:150]
    )
    rec = m.record_
    s = series_from_model(m, y, u)  # the fitted 150 steps and 50 later ones
    assert s.origin == int(rec.train_idx.max()) + 1 and s.notes == []
    assert len(s.forecast) == 200 - s.origin
    split = s.response["split"].to_numpy()
    assert (split[rec.train_idx] == "train").all() and (split[rec.test_idx] == "test").all()
    assert (split[150:] == "new").all()  # the later times, never seen in training
    data = data_from_forecaster(m, y, u)
    assert set(data.splits) == {"train", "validation", "test", "new"}
    new = data.splits["new"]
    np.testing.assert_array_equal(new, np.arange(150, 200) - m.max_delay_)
    np.testing.assert_allclose(data.y_pred[new, 0], m.predict_open_loop(y, u)[150:], rtol=1e-12)
    fitted = data_from_forecaster(m, y[:150], u[:150])
    assert set(fitted.splits) == {"train", "validation", "test"}  # the fitted series alone
    # another series (the fitted one's last values changed): its training times are unknown
    other = y.copy()
    other[148:150] += 0.5
    s = series_from_model(m, other, u)
    assert s.origin == round(0.85 * 200) and "not the one the model was fitted" in s.notes[0]
    assert (s.response["split"].to_numpy()[2:] == "").all()
    assert data_from_forecaster(m, other, u).splits == {}
