"""Networks trained elsewhere, brought into bpnn (and, for FANN, written back).

One module per source, each a pure function from a file or a fitted object to a fitted
estimator of the kinds :func:`bpnn.load` returns: :func:`import_fann` /
:func:`write_fann` (:mod:`bpnn.interop.fann`), :func:`from_sklearn`
(:mod:`bpnn.interop.sklearn`). Parsers read text; they never evaluate it.
"""

from __future__ import annotations

from .fann import export_fann, import_fann, write_fann
from .sklearn import from_sklearn

__all__ = ["export_fann", "from_sklearn", "import_fann", "write_fann"]
