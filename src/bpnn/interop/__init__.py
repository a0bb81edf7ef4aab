"""Networks trained elsewhere, imported as bpnn's own estimators (and, for FANN, written back).

One module per source, each a pure function from a file (or a fitted object) to the same
fitted estimator types :func:`bpnn.load` returns: a :class:`~bpnn.estimators.BPRegressor`,
:class:`~bpnn.estimators.BPClassifier` or :class:`~bpnn.timeseries.BPForecaster` that
predicts as the program that trained it did, and can be saved, reported, exported and
trained further. Parsers read text and never evaluate it.

* :func:`import_matlab` (:mod:`bpnn.interop.matlab`): a ``genFunction`` ``.m`` file or a
  ``.mat`` struct exported with the snippet in docs/matlab.md.
* :func:`import_fann` / :func:`write_fann` (:mod:`bpnn.interop.fann`): FANN's ``.net``
  files, read and written.
* :func:`from_sklearn` (:mod:`bpnn.interop.sklearn`): a fitted scikit-learn MLP, alone or
  behind a scaler.
"""

from __future__ import annotations

from .fann import export_fann, import_fann, write_fann
from .matlab import import_matlab
from .sklearn import from_sklearn

__all__ = ["export_fann", "from_sklearn", "import_fann", "import_matlab", "write_fann"]
