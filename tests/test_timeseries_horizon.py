"""Error against horizon: the baselines (persistence, seasonal naive) by hand, the season
found in the data, and the report's curves on the network's own origins."""

import numpy as np
import pytest

from bpnn.timeseries import narnet
from bpnn.timeseries.diagnostics import baseline_forecasts, rolling_forecasts, seasonal_period


def test_baselines_by_hand():
    Y = np.arange(20.0) ** 2
    origins = np.array([6, 7, 10])
    b = baseline_forecasts(Y, origins, horizon=5, season=3)
    assert set(b) == {"persistence", "seasonal naive (m=3)"}
    assert b["persistence"].shape == (3, 5, 1)
    np.testing.assert_array_equal(
        b["persistence"][:, :, 0], np.repeat(Y[origins - 1][:, None], 5, 1)
    )
    # from origin 6 the last known season is 3, 4, 5: horizons 0..4 read 3, 4, 5, 3, 4
    np.testing.assert_array_equal(b["seasonal naive (m=3)"][0, :, 0], Y[[3, 4, 5, 3, 4]])
    np.testing.assert_array_equal(b["seasonal naive (m=3)"][2, :, 0], Y[[7, 8, 9, 7, 8]])
    assert set(baseline_forecasts(Y, origins, 2)) == {"persistence"}
    with pytest.raises(ValueError, match="season 8 needs origins >= 8"):
        baseline_forecasts(Y, origins, 2, season=8)


def test_the_season_is_the_highest_autocorrelation_peak():
    rng = np.random.default_rng(0)
    t = np.arange(240)
    monthly = 0.05 * t + np.sin(2 * np.pi * t / 12) + 0.3 * rng.normal(size=240)
    assert seasonal_period(monthly) == 12  # the trend is taken out first
    assert seasonal_period(np.cumsum(rng.normal(size=300))) is None  # a random walk has none
    assert seasonal_period(np.ones(50)) is None


def test_report_curves_use_the_same_origins_for_the_network_and_the_baselines():
    from bpnn.report import series_from_model

    t = np.arange(300)
    y = np.sin(2 * np.pi * t / 10) + 0.05 * np.random.default_rng(1).normal(size=300)
    m = narnet((1, 2, 3), 4, epochs=30, random_state=0).fit(y)
    s = series_from_model(m, y)
    assert s.season == 10
    H = len(s.horizon_rmse["network (closed loop)"])
    assert H == 20 and list(s.horizon_rmse)[1:] == ["persistence", "seasonal naive (m=10)"]
    origins, fc, truth = rolling_forecasts(m, y, horizon=H, start=s.horizon_origins[0])
    assert list(origins) == list(s.horizon_origins)
    np.testing.assert_allclose(
        s.horizon_rmse["network (closed loop)"], np.sqrt(np.mean((fc - truth) ** 2, axis=(0, 2)))
    )
    Y = y[:, None]
    naive = Y[origins[:, None] + np.arange(H) - 10 * (np.arange(H) // 10 + 1)]
    np.testing.assert_allclose(
        s.horizon_rmse["seasonal naive (m=10)"], np.sqrt(np.mean((naive - truth) ** 2, axis=(0, 2)))
    )
    # a season given by hand, or none
    assert "seasonal naive (m=5)" in series_from_model(m, y, season=5).horizon_rmse
    assert list(series_from_model(m, y, season=None, horizon=4).horizon_rmse) == [
        "network (closed loop)",
        "persistence",
    ]
