"""Modelled differences (``BPForecaster(difference=k)``): the network fits w(t) = y(t) -
y(t-k), and every forecast, one-step prediction, interval and saved file is in the values;
the structure search tries differences on trending series only."""

import re

import numpy as np
import pytest

import bpnn
from bpnn.cli import main
from bpnn.timeseries import BPForecaster, rolling_forecasts, structure

FIXED = dict(feedback_delays=(1, 2, 12), hidden=3, epochs=20, random_state=0, warn=False)


def _trend(n=200, seed=0):
    """A rising line with a season of 12 and noise: the test stretch runs above the fit."""
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 0.05 * t + np.sin(2 * np.pi * t / 12) + 0.1 * rng.standard_normal(n)


@pytest.mark.parametrize("k", [1, 12])
def test_a_differenced_model_is_the_model_of_the_differences_integrated(k):
    y = _trend()
    m = BPForecaster(difference=k, **FIXED).fit(y)
    w = y[k:] - y[:-k]
    inner = BPForecaster(difference=0, **FIXED).fit(w)
    # the same network: the same rows, split, scaling and seeds, on the differences
    np.testing.assert_array_equal(m.network_.params, inner.network_.params)
    assert m.max_delay_ == 12 + k and inner.max_delay_ == 12
    # a forecast adds each predicted difference to the value k steps before it
    dw = inner.predict(30)
    want = list(y)
    for h in range(30):
        want.append(dw[h] + want[-k])
    np.testing.assert_allclose(m.predict(30), want[len(y) :], rtol=0, atol=1e-12)
    # one-step: y(t) = y(t - k) + the predicted difference at t
    ol, ol_w = m.predict_open_loop(y), inner.predict_open_loop(w)
    assert np.all(np.isnan(ol[: m.max_delay_])) and not np.isnan(ol[m.max_delay_ :]).any()
    np.testing.assert_allclose(ol[m.max_delay_ :], y[12:-k] + ol_w[12:], atol=1e-12)
    early = m.predict_early(y)
    np.testing.assert_allclose(early[-1], m.predict(1)[0], atol=1e-12)
    assert m.input_names()[0] == ("Δy(t-1)" if k == 1 else "Δ12y(t-1)")


def test_rolling_forecasts_and_predict_agree_and_read_only_the_past():
    y = _trend(220)
    m = BPForecaster(difference=1, **FIXED).fit(y[:180])
    o, fc, truth = rolling_forecasts(m, y, horizon=6, start=180)
    for i in (0, 7, len(o) - 1):
        s = o[i]
        np.testing.assert_allclose(fc[i, :, 0], m.predict(6, last_window=y[:s]), atol=1e-12)
        np.testing.assert_array_equal(truth[i, :, 0], y[s : s + 6])
    z = y.copy()
    z[200:] = -50.0  # later values change only the forecasts from origins after them
    _, fz, _ = rolling_forecasts(m, z, horizon=6, start=180)
    np.testing.assert_array_equal(fz[: 200 - 6 - 180 + 1], fc[: 200 - 6 - 180 + 1])
    # the initial values a window needs: the delays' and the difference's
    with pytest.raises(ValueError, match="last_window has 12 rows; the delays need the last 13"):
        m.predict(3, last_window=y[:12])


def test_saved_and_loaded_with_the_difference_and_intervals():
    y = _trend()
    m = BPForecaster(difference=12, division="block", **FIXED).fit(y)
    lo, hi = m.predict_interval(12, coverage=0.9)
    f = m.predict(12)
    assert np.all(lo < f) and np.all(f < hi)
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        back = bpnn.load(bpnn.save(m, f"{d}/m.bpnn"))
    assert back.difference_ == 12 and back.max_delay_ == m.max_delay_
    np.testing.assert_array_equal(back.predict(12), f)
    np.testing.assert_array_equal(back.predict_interval(12)[1], hi)
    np.testing.assert_array_equal(back.predict_open_loop(y), m.predict_open_loop(y))


def test_report_of_a_differenced_model_reads_its_inputs(tmp_path):
    y = _trend()
    m = BPForecaster(difference=1, **FIXED).fit(y)
    from bpnn.report import data_from_forecaster

    data = data_from_forecaster(m, y)
    assert data.feature_names[0] == "Δy(t-1)"
    assert len(data.X) == len(data.y_true) == len(data.y_pred) == len(y) - m.max_delay_
    np.testing.assert_array_equal(data.y_true[:, 0], y[m.max_delay_ :])
    np.testing.assert_allclose(data.X[:, 0], (y[1:] - y[:-1])[m.max_delay_ - 2 : -1])


def test_the_search_tries_differences_on_a_trend_and_not_without_one():
    y = _trend(240)
    m = BPForecaster(epochs=20, random_state=0, warn=False).fit(y[:200])
    cands = m.structure_search_["candidates"]
    assert structure.trend_share(y[:160, None]) >= structure.TREND_R2
    assert {c["difference"] for c in cands} >= {0, 1, 12}
    assert m.difference_ in (1, 12) and "differences" in m.structure_["summary"]
    assert m.structure_["difference"] == m.difference_
    levels = BPForecaster(difference=0, epochs=20, random_state=0, warn=False).fit(y[:200])
    err = lambda f: float(np.sqrt(np.mean((np.asarray(f.predict(40)) - y[200:]) ** 2)))  # noqa: E731
    assert err(m) < 0.5 * err(levels)  # the trend carried on beyond the fitted range
    # no trend: only the values are modelled, and difference=0 is the same search
    flat = np.sin(2 * np.pi * np.arange(200) / 12) + 0.1 * np.random.default_rng(1).standard_normal(
        200
    )
    f = BPForecaster(epochs=20, random_state=0, warn=False).fit(flat)
    assert {c["difference"] for c in f.structure_search_["candidates"]} == {0}
    assert f.difference_ == 0


def test_differenced_candidates_see_only_the_rows_before_the_cut(monkeypatch):
    y = _trend(200)
    seen = []
    real = BPForecaster.fit

    def fit(self, yy, X=None):
        seen.append((self.difference, np.asarray(yy, dtype=float).ravel()))
        return real(self, yy, X)

    monkeypatch.setattr(BPForecaster, "fit", fit)
    m = BPForecaster(epochs=10, random_state=0, warn=False).fit(y)
    cut = m.structure_search_["fit_rows"]
    diffs = [yy for k, yy in seen[1:] if k]
    assert diffs and all(np.array_equal(yy, y[:cut]) for yy in diffs)


@pytest.mark.parametrize("bad", [-1, 1.5, "x", True])
def test_bad_difference_is_a_one_line_error(bad):
    with pytest.raises(ValueError, match="difference"):
        BPForecaster(difference=bad, **FIXED).fit(_trend())


def test_command_line_difference(tmp_path, capsys):
    import pandas as pd

    pd.DataFrame({"y": _trend()}).to_csv(tmp_path / "s.csv", index=False)
    base = ["train", str(tmp_path / "s.csv"), "--target", "y", "--epochs", "10"]
    code = main(base + ["--difference", "1", "--feedback-delays", "1:3", "--hidden", "3"]
                + ["-o", str(tmp_path / "d.bpnn")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and bpnn.load(tmp_path / "d.bpnn").difference_ == 1
    code = main(base)  # the default search on a trend lists differenced candidates
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0 and ("Δ 1:" in out or "Δ12 1:" in out)
    code = main(base + ["--difference", "two"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--difference takes auto, 0 (the values), 1 (first differences)" in err
    assert "'two'" in err


def test_parse_difference_is_the_one_reading_of_a_typed_difference():
    from bpnn.timeseries import parse_difference

    assert parse_difference("auto") == parse_difference(" AUTO ") == "auto"
    assert parse_difference(" 12 ") == 12 and parse_difference(0) == 0
    for bad in ("-1", "1.5", "１２", "", "twelve"):  # full-width digits are not ASCII ones
        with pytest.raises(ValueError, match=re.escape(repr(bad))):
            parse_difference(bad)
