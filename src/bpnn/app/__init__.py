"""``bpnn app``: a local browser app for training, prediction and learning back-propagation.

A thin layer over the library (see docs/app.md): it reads tables with
:mod:`bpnn.io_tables`, fits the estimators, streams the trainer's callbacks to the page by
server-sent events, builds :mod:`bpnn.report`'s figures, saves with :func:`bpnn.save`,
exports with :mod:`bpnn.export` and explains with :func:`bpnn.explain.step_numbers`. It
owns no training loop.

It needs the ``app`` extra (Starlette and uvicorn): ``pip install "bpnn[app]"``. The server
binds the loopback address unless told otherwise, makes no network call of its own, serves
only the files in its ``static`` folder, limits the upload size and answers API calls only
with the per-run token and from its own origin.
"""

from __future__ import annotations

import importlib.util

__all__ = ["REQUIREMENTS", "INSTALL_HINT", "missing_requirements"]

#: import name -> pip name of what the app needs beyond bpnn's own dependencies
REQUIREMENTS = {"starlette": "starlette", "uvicorn": "uvicorn"}
INSTALL_HINT = 'pip install "bpnn[app]"'


def missing_requirements() -> list:
    """The pip names of the app's requirements that cannot be imported."""
    out = []
    for mod, pip_name in REQUIREMENTS.items():
        try:
            found = importlib.util.find_spec(mod) is not None
        except (ImportError, ValueError):  # a module set to None in sys.modules
            found = False
        if not found:
            out.append(pip_name)
    return out
