"""Time-series BP networks: NAR, NARX and time-delay networks (MATLAB's narnet, narxnet,
timedelaynet) with open-loop training and closed-loop forecasting.

* :mod:`.lags` — series and delays to lagged design matrices (``preparets``);
* :mod:`.closed_loop` — closed-loop runs and :class:`ClosedLoopObjective`, whose gradient
  is back-propagated through time (an :class:`~bpnn.objective.Objective` for the same
  trainer and algorithms);
* :mod:`.diagnostics` — error autocorrelation, input-error cross-correlation, response
  table (the numbers behind MATLAB's ploterrcorr, plotinerrcorr, plotresponse);
* :mod:`.forecaster` — :class:`BPForecaster` and the constructors :func:`narnet`,
  :func:`narxnet`, :func:`timedelaynet`.

Design choices and departures from MATLAB are in docs/timeseries.md.
"""

from .closed_loop import ClosedLoopObjective, simulate
from .diagnostics import (
    error_autocorrelation,
    horizon_errors,
    input_error_crosscorrelation,
    response,
    rolling_forecasts,
)
from .forecaster import BPForecaster, narnet, narxnet, timedelaynet
from .lags import (
    as_series,
    check_time_index,
    lag_matrix,
    lag_names,
    parse_delays,
    parse_difference,
)

__all__ = [
    "BPForecaster",
    "ClosedLoopObjective",
    "as_series",
    "check_time_index",
    "error_autocorrelation",
    "horizon_errors",
    "input_error_crosscorrelation",
    "lag_matrix",
    "lag_names",
    "narnet",
    "narxnet",
    "parse_delays",
    "parse_difference",
    "response",
    "rolling_forecasts",
    "simulate",
    "timedelaynet",
]
