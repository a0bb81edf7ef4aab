"""Networks trained elsewhere, imported as bpnn's own estimators.

One module per source, each a pure function from a file (or an object) to the same fitted
estimator types :func:`bpnn.load` returns: a :class:`~bpnn.estimators.BPRegressor`,
:class:`~bpnn.estimators.BPClassifier` or :class:`~bpnn.timeseries.BPForecaster` that
predicts as the program that trained it did, and can be saved, reported, exported and
trained further. Parsers read text and never evaluate it.

* :func:`import_matlab` (:mod:`bpnn.interop.matlab`): a ``genFunction`` ``.m`` file or a
  ``.mat`` struct exported with the snippet in docs/matlab.md.
"""

from __future__ import annotations

from .matlab import import_matlab

__all__ = ["import_matlab"]
