"""Type aliases for bpnn's annotations.

The modules import these under ``typing.TYPE_CHECKING`` only (their annotations are
strings, ``from __future__ import annotations``), so nothing here is imported at run time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Union

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = ["ArrayLike", "DTypeLike", "NDArray", "PathLike", "Seed", "Callback"]

#: a file path: ``str`` or any ``os.PathLike`` (``pathlib.Path``)
PathLike = Union[str, "os.PathLike[str]"]
#: an integer seed (or a sequence of them), a NumPy Generator, or None for fresh entropy
Seed = Union[int, Sequence[int], np.random.Generator, None]
#: a training callback: called with the epoch's information, returns None or a stop reason
Callback = Callable[..., Any]
